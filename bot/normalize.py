"""Text normalization: the one place that decides how a question turns into comparable words.

Both the KB's phrasings and the user's question go through the same steps, so whatever is done
here applies to both sides alike.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

__all__ = ["normalize", "stem", "content_words", "STOPWORDS"]

_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_NOT_WORD = re.compile(r"[\W_]+")

# Function words that say nothing about which entry is meant. Kept short on purpose: words such
# as "long", "much" or "help" carry the question's intent and must stay.
STOPWORDS = frozenset(
    """
    a about am an and any are as at be been being but by can could did do does doing for from get
    got had has have having he her him his how i if im in into is it its ive just me my of on or our
    ours please really she should so some tell than that the their them then there these they this
    those to us very was we were what whats when where which who whom why will with would you your
    yours youre
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


def content_words(normalized: str) -> tuple[str, ...]:
    """Stems of the words that carry meaning, in order; all stems if every word is a stopword.

    Examples
    --------
    >>> content_words(normalize("How long do the massages last?"))
    ('long', 'massag', 'last')
    """
    words = normalized.split()
    kept = [w for w in words if w not in STOPWORDS] or words
    return tuple(stem(w) for w in kept)
