"""Text normalization: the one place that decides how a question turns into comparable words.

Both the KB's phrasings and the user's question go through the same steps, so whatever is done
here applies to both sides alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

import snowballstemmer

__all__ = ["Analyzer", "normalize", "stem", "content_words", "STOPWORDS"]

_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_NOT_WORD = re.compile(r"[\W_]+")

# Function words and chat filler that say nothing about which entry is meant. Words such as
# "long", "much", "help" or "before" carry a question's intent and must stay.
STOPWORDS = frozenset(
    """
    a about actually again all also am an and any anyone anything are as at be been being bit but
    by can cant could did didnt do does doesnt doing done dont for from get gets getting go going
    got guys had has have having he hello her hey hi him his how however i id if ill im in into is
    isnt it its ive just kind kinda know let lets like lot lots me mean might my myself of oh ok
    okay on one or our ours out please pretty question quick quite really say she should so some
    someone something sort still such sure tell than thank thanks that thats the their them then
    there these they thing things think this those to too um us very want wanted wanting was way
    we were what whats when where whether which who whom why will wish with wonder wondering would
    yeah yes you youd your youre yours
    """.split()
)

_stemmer = snowballstemmer.stemmer("english")


def normalize(text: str) -> str:
    """Lowercase, strip accents, drop apostrophes, turn punctuation into spaces, collapse whitespace.

    Examples
    --------
    >>> normalize("  Wie LANGE dauert's?  Café!")
    'wie lange dauerts cafe'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    without_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = _APOSTROPHES.sub("", without_marks.casefold())
    return " ".join(_NOT_WORD.sub(" ", folded).split())


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The word's stem, so that "massages", "massaging" and "massage" compare equal."""
    return _stemmer.stemWord(word)


def content_words(normalized: str, *, stemmed: bool = True) -> tuple[str, ...]:
    """Stems (or, with stemmed=False, the words) that carry meaning, in order; all if every word is a stopword.

    Examples
    --------
    >>> content_words(normalize("How long do the massages last?"))
    ('long', 'massag', 'last')
    """
    words = normalized.split()
    kept = [w for w in words if w not in STOPWORDS] or words
    return tuple(stem(w) for w in kept) if stemmed else tuple(kept)


class Analyzer:
    """Normalizes text and rewrites the KB's synonyms, then yields the stems that carry meaning.

    `synonyms` maps a word or phrase the KB uses to the other ways people say it; every variant is
    rewritten to its KB word, on the KB's side and the question's alike.

    Examples
    --------
    >>> Analyzer({"back pain": ("backache", "sore back")}).words("Help for my BACKACHE?")
    ('help', 'back', 'pain')
    """

    def __init__(self, synonyms: Mapping[str, Iterable[str]] | None = None) -> None:
        self._replacement = {
            variant: canonical for canonical, variants in (synonyms or {}).items() for variant in variants
        }
        # Longest variants first, so "sore lower back" wins over "lower back".
        alternatives = sorted(self._replacement, key=len, reverse=True)
        self._pattern = (
            re.compile(r"\b(?:" + "|".join(re.escape(v) for v in alternatives) + r")\b") if alternatives else None
        )

    def text(self, text: str) -> str:
        """`text` normalized, with synonyms replaced by the KB's words."""
        normalized = normalize(text)
        if self._pattern is None:
            return normalized
        return self._pattern.sub(lambda m: self._replacement[m.group(0)], normalized)

    def words(self, text: str) -> tuple[str, ...]:
        return content_words(self.text(text))
