"""Turn a question into what the bot says: the answer, or a decline with the nearest topics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .model import Entry, WarningSign
from .matcher import Candidate, Matcher
from .smalltalk import small_talk, small_talk_line

__all__ = ["Reply", "reply_to", "verdict"]

SUGGESTIONS = 3
# When the two best entries both clear the threshold and lie this close, the bot asks which one
# was meant rather than guessing.
AMBIGUITY_MARGIN = 2.0
# After a safety notice, a topic is offered for later only when it scores at least this share of
# the threshold: "my legs have gone numb" shares a word or two with some entries, and topics that
# score 3 or 6 are noise beside the notice.
HELD_TOPIC_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Reply:
    """The bot's reply to one question.

    `entry` is None when the bot declines; `suggestions` holds the next best entries either way.
    `ambiguous` means two entries fit almost equally well: the bot declines to guess, and the
    first two suggestions are the close pair to ask the user about. `warnings` are the KB's
    warning signs the question mentions; when there are any, `notice` must be shown first.
    `small_talk` is set, instead of anything else, when the message was a greeting, thanks,
    goodbye, "who are you?" or "help": the line to say back.
    """

    query: str
    entry: Entry | None
    score: float | None
    suggestions: tuple[Candidate, ...]
    ambiguous: bool = False
    warnings: tuple[WarningSign, ...] = ()
    notice: str | None = None
    unexplained: tuple[str, ...] = ()  # declined: the KB names these terms but never explains them
    vague: bool = False  # declined: it points back ("is that ok for him too?") and says nothing of its own
    small_talk: str | None = None  # what to say back to "hello", "thanks", "who are you?" or "help"

    @property
    def answered(self) -> bool:
        return self.entry is not None

    @property
    def held(self) -> bool:
        """A warning sign held the answer back (a caution's notice comes before the answer instead)."""
        return holds_back(self.warnings)

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
            "ambiguous": self.ambiguous,
            "safety": {"signs": [s.name for s in self.warnings], "notice": self.notice, "holds_answer": self.held}
            if self.warnings
            else None,
            "unexplained": list(self.unexplained),
            "vague": self.vague,
            "small_talk": self.small_talk,
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
    if kind := small_talk(text):
        return Reply(text, None, None, (), small_talk=small_talk_line(kind, matcher.kb))
    # An entry that shares nothing with the question (score 0) would be a random suggestion.
    ranked_all = matcher.rank(text, k=SUGGESTIONS + 1)
    ranked = tuple(c for c in ranked_all if c.score > 0)
    check = matcher.safety_check()
    warnings = check.signs_in(text) if check.notice else ()
    notice = check.safety.notice_for(warnings) if warnings and check.safety else None
    # "is that ok for my husband too?" scores high on its one word ("partner"), but it asks about
    # an earlier answer that the bot cannot see: a confident answer here would be a wrong one.
    held = holds_back(warnings)
    vague = not held and matcher.points_back(text)
    best, ambiguous = verdict(ranked, matcher.threshold, held=held or vague)
    if best is not None:
        return Reply(text, best.entry, best.score, ranked[1:], warnings=warnings, notice=notice)
    score = ranked[0].score if ranked else (0.0 if ranked_all else None)  # None: nothing to score
    if held:  # topics for later: only those the question is about, not whatever scored above 0
        ranked = tuple(c for c in ranked if c.score >= matcher.threshold * HELD_TOPIC_SHARE)
    unexplained = () if ambiguous else matcher.unexplained_terms(text)
    return Reply(text, None, score, ranked[:SUGGESTIONS], ambiguous, warnings, notice, unexplained, vague=vague)


def holds_back(signs: Sequence[WarningSign]) -> bool:
    """Whether the signs hold the answer back: any that is not a caution does."""
    return any(not sign.caution for sign in signs)


def verdict(ranked: Sequence[Candidate], threshold: float, *, held: bool = False) -> tuple[Candidate | None, bool]:
    """The candidate to answer with (None: decline), and whether it declined because two were too close.

    The one rule for answering, shared by the bot and its evaluation. A `held` question is not
    answered: one that mentions a warning sign, whose notice says to hold off and see a doctor (an
    answer would contradict it), or one that only points back at something said before.
    """
    if held or not ranked or ranked[0].score < threshold or ranked[0].score <= 0:  # 0: it shares nothing with the question
        return None, False
    best = ranked[0]
    if len(ranked) > 1 and ranked[1].score >= threshold and best.score - ranked[1].score < AMBIGUITY_MARGIN:
        return None, True
    return best, False
