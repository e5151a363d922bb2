"""The chat's turn-taking, apart from any terminal: one line in, what to say back out.

The prompt-toolkit chat and the plain pipe mode both drive a Conversation, so a command or a
numbered pick behaves the same in both.
"""

from __future__ import annotations

from dataclasses import dataclass

from .knowledge import Entry
from .matcher import Matcher
from .render import Fragments, entry_fragments, printable, reply_fragments
from .reply import reply_to

__all__ = ["Conversation", "Turn", "QUIT_WORDS"]

QUIT_WORDS = frozenset({"/quit", "/exit", "quit", "exit", ":q"})
HELP = """\
Ask a question in your own words, for example "how long does a couples massage last?".
When I'm not sure, I list close topics: type 1, 2 or 3 to pick one.
Commands:
  /help   this help
  /quit   leave (also: quit, exit, Ctrl-D)
"""


@dataclass(frozen=True, slots=True)
class Turn:
    """What the bot says in reply to one line, and whether the chat ends after it."""

    fragments: Fragments
    quit: bool = False


class Conversation:
    """Remembers what was last offered, so that "2" picks the second suggestion."""

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher
        self._offered: tuple[Entry, ...] = ()

    def greeting(self) -> str:
        kb = self.matcher.kb
        topic = kb.title or "the questions in my knowledge base"
        lines = [f"Hi! I answer questions about {printable(topic)}. Type /help for help, /quit to leave."]
        if kb.disclaimer:
            lines.append(printable(kb.disclaimer))
        return "\n".join(lines) + "\n"

    def respond(self, line: str, width: int = 80) -> Turn:
        text = line.strip()
        command = text.lower()
        if not text:
            return Turn([])
        if command in QUIT_WORDS:
            return Turn([("class:info", "Goodbye!\n")], quit=True)
        if command in ("/help", "help", "?"):
            return Turn([("class:info", HELP)])
        if command.isdigit() and 1 <= int(command) <= len(self._offered):
            entry = self._offered[int(command) - 1]
            self._offered = ()
            return Turn(entry_fragments(entry, width))
        if command.startswith("/"):
            return Turn([("class:info", f"Unknown command {printable(text.split()[0])}. Type /help for the commands.\n")])
        reply = reply_to(self.matcher, text)
        self._offered = () if reply.answered else tuple(c.entry for c in reply.suggestions)
        return Turn(reply_fragments(reply, width))
