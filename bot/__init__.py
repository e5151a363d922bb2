"""faqbot: a chat-style FAQ bot and a small, fast fuzzy matcher over a YAML knowledge base.

>>> import bot
>>> matcher = bot.Matcher(bot.load_kb())
>>> matcher.match("how long does a couples massage last?").entry.id
'faq-how-long'
"""

from importlib.metadata import PackageNotFoundError, version

from .errors import FaqbotError, Problem
from .knowledge import Entry, KnowledgeBase, default_kb_path, load_kb
from .matcher import DEFAULT_THRESHOLD, Candidate, Matcher
from .reply import Reply, reply_to

try:
    __version__ = version("faqbot")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

__all__ = [
    "Candidate",
    "DEFAULT_THRESHOLD",
    "Entry",
    "FaqbotError",
    "KnowledgeBase",
    "Matcher",
    "Problem",
    "Reply",
    "__version__",
    "default_kb_path",
    "load_kb",
    "reply_to",
]
