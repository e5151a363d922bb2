"""Spot the warning signs a KB's `safety:` section names, so that the notice can come before any answer.

A pattern matches when every one of its words appears in the question, in any order and in any
form that shares its stem: the pattern "numb legs" matches "my legs feel numb" and "numbness in
my leg". Patterns are data (knowledge/safety.yaml), never code; a missed sign is worse than an
extra notice, so a KB should list many plain ways of saying each sign.
"""

from __future__ import annotations

from collections.abc import Callable

from .model import Safety, WarningSign
from .normalize import normalize, stem

__all__ = ["SafetyCheck", "compile_patterns", "warning_signs"]


def _stems(text: str) -> frozenset[str]:
    return frozenset(stem(word) for word in normalize(text).split())


class SafetyCheck:
    """The warning signs of one KB, with each pattern turned into its set of stems once.

    `patterns` (from `compile_patterns`) and `stem_word` let a Matcher restored from the index
    cache check questions with stems it already knows, so that most questions need no stemmer:
    importing it would cost `faqbot ask` more start-up time than all of faqbot.

    Examples
    --------
    >>> from bot import load_kb
    >>> check = SafetyCheck(load_kb().safety)
    >>> [sign.name for sign in check.signs_in("my legs feel numb after lifting")]
    ['numbness or weakness in the legs']
    >>> check.signs_in("how long does a couples massage last?")
    ()
    """

    def __init__(
        self,
        safety: Safety | None,
        *,
        patterns: tuple[tuple[str, ...], ...] | None = None,
        stem_word: Callable[[str], str] = stem,
    ) -> None:
        self.safety = safety
        self._stem_word = stem_word
        signs = safety.signs if safety else ()
        compiled = compile_patterns(safety) if patterns is None else patterns
        self._rules: tuple[tuple[WarningSign, tuple[frozenset[str], ...]], ...] = tuple(
            (sign, tuple(frozenset(p.split()) for p in sign_patterns if p)) for sign, sign_patterns in zip(signs, compiled)
        )

    @property
    def notice(self) -> str | None:
        return self.safety.notice if self.safety else None

    def signs_in(self, text: str) -> tuple[WarningSign, ...]:
        """The signs `text` mentions, in the KB's order; () when none (or the KB has no safety section)."""
        if not self._rules:
            return ()
        words = frozenset(map(self._stem_word, normalize(text).split()))
        return tuple(sign for sign, patterns in self._rules if any(p <= words for p in patterns))


def compile_patterns(safety: Safety | None) -> tuple[tuple[str, ...], ...]:
    """Each sign's patterns as their stems, space-joined: plain data, for the index cache."""
    signs = safety.signs if safety else ()
    return tuple(tuple(" ".join(sorted(_stems(p))) for p in sign.patterns) for sign in signs)


def warning_signs(safety: Safety | None, text: str) -> tuple[WarningSign, ...]:
    """The warning signs of `safety` that `text` mentions (build a SafetyCheck to test many texts).

    Examples
    --------
    >>> from bot import load_kb
    >>> [sign.name for sign in warning_signs(load_kb().safety, "I fell off a ladder and my back hurts")]
    ['pain after a fall or injury']
    """
    return SafetyCheck(safety).signs_in(text)
