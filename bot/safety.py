"""Spot the warning signs a KB's `safety:` section names, so that the notice can come before any answer.

A pattern matches when every one of its words appears in the question, in any order and in any
form that shares its stem: the pattern "numb legs" matches "my legs feel numb" and "numbness in
my leg". Patterns are data (knowledge/safety.yaml), never code; a missed sign is worse than an
extra notice, so a KB should list many plain ways of saying each sign.
"""

from __future__ import annotations

from .model import Safety, WarningSign
from .normalize import normalize, stem

__all__ = ["SafetyCheck", "warning_signs"]


def _stems(text: str) -> frozenset[str]:
    return frozenset(stem(word) for word in normalize(text).split())


class SafetyCheck:
    """The warning signs of one KB, with each pattern turned into its set of stems once.

    Examples
    --------
    >>> from bot import load_kb
    >>> check = SafetyCheck(load_kb().safety)
    >>> [sign.name for sign in check.signs_in("my legs feel numb after lifting")]
    ['numbness or weakness in the legs']
    >>> check.signs_in("how long does a couples massage last?")
    ()
    """

    def __init__(self, safety: Safety | None) -> None:
        self.safety = safety
        self._compiled: tuple[tuple[WarningSign, tuple[frozenset[str], ...]], ...] | None = None
        # The first letters of each pattern's longest word, which a question mentioning the sign
        # must begin a word with. Most questions share none, and then nothing is stemmed: the
        # stemmer's import would cost `faqbot ask` more start-up time than all of faqbot.
        longest = [max(normalize(p).split() or [""], key=len) for sign in self._signs() for p in sign.patterns]
        self._always = any(len(word) < 3 for word in longest)
        self._prefixes = tuple({word[:3] for word in longest if len(word) >= 3})

    def _signs(self) -> tuple[WarningSign, ...]:
        return self.safety.signs if self.safety else ()

    @property
    def notice(self) -> str | None:
        return self.safety.notice if self.safety else None

    def signs_in(self, text: str) -> tuple[WarningSign, ...]:
        """The signs `text` mentions, in the KB's order; () when none (or the KB has no safety section)."""
        if not self._signs():
            return ()
        if not self._always and not any(word.startswith(self._prefixes) for word in normalize(text).split()):
            return ()
        if self._compiled is None:  # compiled on first need; the same result in any thread
            self._compiled = tuple(
                (sign, tuple(stems for stems in map(_stems, sign.patterns) if stems)) for sign in self._signs()
            )
        words = _stems(text)
        return tuple(sign for sign, patterns in self._compiled if any(p <= words for p in patterns))


def warning_signs(safety: Safety | None, text: str) -> tuple[WarningSign, ...]:
    """The warning signs of `safety` that `text` mentions (build a SafetyCheck to test many texts).

    Examples
    --------
    >>> from bot import load_kb
    >>> [sign.name for sign in warning_signs(load_kb().safety, "I fell off a ladder and my back hurts")]
    ['pain after a fall or injury']
    """
    return SafetyCheck(safety).signs_in(text)
