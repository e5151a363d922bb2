"""faqbot: a chat-style FAQ bot and a small, fast fuzzy matcher over a YAML knowledge base.

>>> import bot
>>> matcher = bot.Matcher(bot.load_kb())
>>> matcher.match("how long does a couples massage last?").entry.id
'faq-how-long'
"""

from typing import TYPE_CHECKING

from .cache import load_matcher
from .errors import FaqbotError, Problem
from .model import Entry, KnowledgeBase, LabeledQuestion, Safety, WarningSign, default_kb_path
from .matcher import (
    DEFAULT_THRESHOLD, DEFAULT_THRESHOLD_WITH_EXAMPLES, Candidate, Explanation, Matcher, WordWeight, default_threshold,
)
from .reply import Reply, reply_to
from .render import reply_text

if TYPE_CHECKING:
    from .knowledge import load_kb


def __getattr__(name: str) -> object:
    # load_kb brings in the YAML parser: imported on first use, so that a Matcher restored
    # from the index cache starts without it.
    if name == "load_kb":
        from .knowledge import load_kb

        return load_kb
    raise AttributeError(f"module 'bot' has no attribute {name!r}")


# The one place the version is set; pyproject.toml reads it from here (no importlib.metadata
# look-up at start-up).
__version__ = "0.1.0"

__all__ = [
    "Candidate",
    "DEFAULT_THRESHOLD",
    "DEFAULT_THRESHOLD_WITH_EXAMPLES",
    "Entry",
    "Explanation",
    "FaqbotError",
    "KnowledgeBase",
    "LabeledQuestion",
    "Matcher",
    "Problem",
    "Reply",
    "Safety",
    "WarningSign",
    "WordWeight",
    "__version__",
    "default_kb_path",
    "default_threshold",
    "load_kb",
    "load_matcher",
    "reply_text",
    "reply_to",
]
