"""What labeled questions teach: a naive Bayes model of which entry a question's words point to.

The lexical score (bot/matcher.py) compares a question with an entry's few phrasings. People ask
in far more ways than a KB author writes down, and a KB's `examples` (real questions, each labeled
with its entry or as one the KB does not cover) show which words go with which entry across all of
them. The model learns from the examples and from the entries' own phrasings; examples labeled out
of scope train one more class, "none of them", so that words typical of off-topic questions pull
every entry's probability down. See docs/matching.md for what it is worth.

Words are features as the matcher reads them: a KB word after synonyms and typos, or the word
itself when the KB does not know it. The model is plain data (tuples of numbers, a dict of
bytes), so the index cache stores it as it stores the rest of the index.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Sequence

__all__ = ["WordModel"]

# Additive smoothing: a word an entry was never seen with still leaves it some probability, as
# one unseen word should not rule an entry out. Chosen on tune (docs/matching.md).
_SMOOTHING = 0.3
# Naive Bayes counts each word as independent evidence, so it is far too sure of itself: a few
# telling words give one entry nearly all the probability. Dividing the log odds by this softens
# it into a probability that can be weighed against the lexical score (chosen on tune).
_TEMPERATURE = 2.5


class WordModel:
    """Naive Bayes over classes 0..n-1 (the entries) and n ("none of them").

    `base[c]` is the log prior of class c, `norm[c]` the log of its smoothed word count, and
    `evidence[word]` the classes the word was seen with, each followed by its log boost, as the
    bytes of an array of doubles: thousands of small tuples took the index cache longer to load
    than the rest of the index. A question's log likelihood for c is base[c] - len(words) *
    norm[c] + the boosts of its words.
    """

    # A plain class, not a dataclass: creating a frozen dataclass costs `faqbot ask` 0.4 ms of start-up.
    __slots__ = ("base", "norm", "evidence")

    def __init__(self, base: tuple[float, ...], norm: tuple[float, ...], evidence: dict[str, bytes]) -> None:
        self.base, self.norm, self.evidence = base, norm, evidence

    @classmethod
    def train(cls, classes: int, phrasings: Iterable[tuple[int, Sequence[str]]], examples: Iterable[tuple[int, Sequence[str]]]) -> WordModel:
        """Learn from (class, words) pairs: `phrasings` teach words only, `examples` words and how often each class is asked.

        Class `classes` is "none of them" (examples labeled out of scope).
        """
        counts: list[dict[str, int]] = [{} for _ in range(classes + 1)]
        asked = [0] * (classes + 1)
        for is_example, pairs in ((False, phrasings), (True, examples)):
            for label, words in pairs:
                for word in words:
                    counts[label][word] = counts[label].get(word, 0) + 1
                asked[label] += is_example
        vocabulary = len({word for seen in counts for word in seen}) or 1
        total = sum(asked) + len(asked)
        base = tuple(math.log((n + 1) / total) for n in asked)
        norm = tuple(math.log(sum(seen.values()) + _SMOOTHING * vocabulary) for seen in counts)
        evidence: dict[str, array[float]] = {}
        for label, seen in enumerate(counts):
            for word, count in seen.items():
                evidence.setdefault(word, array("d")).extend((label, math.log((count + _SMOOTHING) / _SMOOTHING)))
        return cls(base, norm, {word: pairs.tobytes() for word, pairs in evidence.items()})

    def probabilities(self, words: Sequence[str], among: Iterable[int] | None = None) -> dict[int, float]:
        """P(class | words) for each entry class, normalized over `among` (default: all) and "none of them"."""
        none = len(self.base) - 1
        classes = range(len(self.base)) if among is None else {*among, none}
        # Only the classes a word was seen with get its boost; sum them sparsely.
        boost: dict[int, float] = {}
        for word in words:
            if (packed := self.evidence.get(word)) is not None:
                pairs = array("d", packed)
                for label, value in zip(pairs[::2], pairs[1::2]):
                    boost[int(label)] = boost.get(int(label), 0.0) + value
        count = len(words)
        scores = {c: self.base[c] - count * self.norm[c] + boost.get(c, 0.0) for c in classes}
        top = max(scores.values())
        exp = {c: math.exp((s - top) / _TEMPERATURE) for c, s in scores.items()}
        total = sum(exp.values())
        return {c: p / total for c, p in exp.items() if c != none}
