"""Turn a question into what the bot says: the answer, or a decline with the nearest topics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .knowledge import Entry
from .matcher import Candidate, Matcher

__all__ = ["Reply", "reply_to"]

SUGGESTIONS = 3


@dataclass(frozen=True, slots=True)
class Reply:
    """The bot's reply to one question.

    `entry` is None when the bot declines; `suggestions` holds the next best entries either way.
    """

    query: str
    entry: Entry | None
    score: float | None
    suggestions: tuple[Candidate, ...]

    @property
    def answered(self) -> bool:
        return self.entry is not None

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape of `faqbot ask --json` (documented in README; keep it stable)."""
        entry = self.entry
        return {
            "query": self.query,
            "id": entry.id if entry else None,
            "question": entry.question if entry else None,
            "answer": entry.answer if entry else None,
            "score": self.score,
            "tips": list(entry.tips) if entry else [],
            "source": entry.source if entry else None,
            "suggestions": [
                {"id": c.entry.id, "question": c.entry.question, "score": c.score} for c in self.suggestions
            ],
        }


def reply_to(matcher: Matcher, text: str) -> Reply:
    """Answer `text` with the best entry if it clears the threshold, else decline; always suggest.

    Examples
    --------
    >>> from bot import Matcher, load_kb
    >>> reply = reply_to(Matcher(load_kb()), "how long is a couples massage?")
    >>> reply.entry.id, len(reply.suggestions)
    ('faq-how-long', 3)
    """
    ranked = matcher.rank(text, k=SUGGESTIONS + 1)
    if ranked and ranked[0].score >= matcher.threshold:
        best = ranked[0]
        return Reply(text, best.entry, best.score, ranked[1:])
    return Reply(text, None, ranked[0].score if ranked else None, ranked[:SUGGESTIONS])
