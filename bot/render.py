"""Lay out what the bot says as styled text fragments, and as plain text.

Fragments are `(style, text)` pairs: exactly prompt_toolkit's formatted-text shape, so the chat can
colour them, while `ask` and the pipe mode join them into plain text. Nothing here imports
prompt_toolkit. All KB and user text passes through `printable` first, so no escape sequence from
a KB file or a question ever reaches the terminal.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence

from .knowledge import Entry
from .matcher import Candidate
from .reply import Reply

__all__ = ["Fragments", "printable", "reply_fragments", "list_fragments", "plain"]

Fragments = list[tuple[str, str]]

# ANSI/VT escape sequences (CSI, OSC, and two-character escapes), then any remaining control character.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

DECLINE = "I'm not sure I have that."


def printable(text: str) -> str:
    """`text` without terminal escape sequences or control characters (newlines and tabs kept)."""
    return _CONTROL.sub("", _ESCAPES.sub("", text)).replace("\t", " ")


def _wrap(text: str, width: int, indent: str = "", first: str | None = None) -> str:
    lead = indent if first is None else first
    return textwrap.fill(
        printable(text), width=max(width, 20), initial_indent=lead, subsequent_indent=indent,
        break_on_hyphens=False,
    )


def reply_fragments(reply: Reply, width: int = 80) -> Fragments:
    """The answer with its tips and source, or the decline with numbered suggestions."""
    if reply.entry is None:
        return decline_fragments(reply.suggestions, width)
    return entry_fragments(reply.entry, width)


def entry_fragments(entry: Entry, width: int = 80) -> Fragments:
    out: Fragments = [("class:question", printable(entry.question) + "\n"), ("class:answer", _wrap(entry.answer, width) + "\n")]
    if entry.tips:
        out.append(("class:heading", "Tips:\n"))
        out.extend(("class:tip", _wrap(tip, width, indent="    ", first="  • ") + "\n") for tip in entry.tips)
    out.append(("class:source", f"Source: {printable(entry.source)}\n"))
    return out


def decline_fragments(suggestions: Sequence[Candidate], width: int = 80) -> Fragments:
    if not suggestions:
        return [("class:decline", f"{DECLINE} Try asking about another topic, or type /help.\n")]
    out: Fragments = [("class:decline", f"{DECLINE} Did you mean one of these?\n")]
    out.extend(list_fragments([c.entry for c in suggestions], width, numbered=True))
    return out


def list_fragments(entries: Iterable[Entry], width: int = 80, *, numbered: bool = False) -> Fragments:
    out: Fragments = []
    for number, entry in enumerate(entries, 1):
        lead = f"  {number}. " if numbered else "  • "
        out.append(("class:suggestion", _wrap(entry.question, width, indent=" " * len(lead), first=lead) + "\n"))
    return out


def plain(fragments: Fragments) -> str:
    return "".join(text for _, text in fragments)
