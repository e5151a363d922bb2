"""The immutable match index over a KB and its scoring.

A question is compared with every phrasing of every entry (its question and alternates) in two
ways, then with the entry's whole text:

* word overlap weighted by how rare each word is in the KB (IDF), so "couples massage", which
  every entry mentions, counts for little, and a word the KB never uses ("refund", "pilates")
  counts fully against a match;
* a character-level fuzzy ratio of the whole strings (rapidfuzz), which catches near-verbatim
  questions and typos spread across words;
* coverage: how much of the question's weight the entry's answer, tips and source also explain.

The parts are fused into one 0-100 score; below the threshold, `match` returns None.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .knowledge import Entry, KnowledgeBase
from .normalize import content_words, normalize

__all__ = ["Candidate", "Matcher", "DEFAULT_THRESHOLD", "MAX_QUESTION_CHARS"]

# Chosen from the threshold sweep over tests/questions/tune.yaml (see README, "Matching quality").
DEFAULT_THRESHOLD = 50.0
# Only this much of a question is scored: enough for any real question, and it bounds the work.
MAX_QUESTION_CHARS = 500
# A word within this fuzzy ratio of a KB word is taken as a typo of it.
_TYPO_CUTOFF = 80.0
_MIN_TYPO_LENGTH = 4


@dataclass(frozen=True, slots=True)
class Candidate:
    """An entry scored against a question: `score` is 0-100, `phrasing` the phrasing that fit best."""

    entry: Entry
    score: float
    phrasing: str


class Matcher:
    """Scores questions against a KB. Built once; holds no mutable state, so threads may share it.

    Examples
    --------
    >>> from bot import load_kb, Matcher
    >>> matcher = Matcher(load_kb())
    >>> matcher.match("how long does a couples massage last?").entry.id
    'faq-how-long'
    >>> matcher.match("how do I get a refund?") is None
    True
    """

    __slots__ = (
        "_kb", "_threshold", "_phrasings", "_normalized", "_owner", "_phrase_words", "_phrase_weight",
        "_entry_words", "_weight", "_unknown_weight", "_vocabulary",
    )

    def __init__(self, kb: KnowledgeBase, *, threshold: float = DEFAULT_THRESHOLD) -> None:
        if not 0 <= threshold <= 100:
            raise ValueError("threshold must be between 0 and 100")
        self._kb = kb
        self._threshold = float(threshold)
        phrasings: list[str] = []
        owner: list[int] = []
        entry_words: list[frozenset[str]] = []
        for index, entry in enumerate(kb.entries):
            phrasings.extend(entry.phrasings)
            owner.extend([index] * len(entry.phrasings))
            body = " ".join((*entry.phrasings, entry.answer, *entry.tips, entry.source))
            entry_words.append(frozenset(content_words(normalize(body))))
        self._phrasings = tuple(phrasings)
        self._normalized = tuple(normalize(p) for p in phrasings)
        self._owner = tuple(owner)
        self._entry_words = tuple(entry_words)

        # IDF over entries, smoothed so that a word in every entry still weighs a little.
        count = max(len(kb.entries), 1)
        document_frequency: dict[str, int] = {}
        for words in entry_words:
            for word in words:
                document_frequency[word] = document_frequency.get(word, 0) + 1
        self._weight = {w: math.log(1 + count / df) for w, df in document_frequency.items()}
        self._unknown_weight = math.log(1 + count / 0.5)
        self._vocabulary = tuple(sorted(self._weight))
        self._phrase_words = tuple(frozenset(content_words(n)) for n in self._normalized)
        self._phrase_weight = tuple(sum(self._weight[w] for w in words) or 1.0 for words in self._phrase_words)

    @property
    def kb(self) -> KnowledgeBase:
        return self._kb

    @property
    def threshold(self) -> float:
        return self._threshold

    def match(self, text: str) -> Candidate | None:
        """The best entry for `text`, or None when nothing scores at least the threshold."""
        best = self.rank(text, k=1)
        return best[0] if best and best[0].score >= self._threshold else None

    def rank(self, text: str, *, k: int = 3) -> tuple[Candidate, ...]:
        """The `k` best-scoring entries for `text`, best first, whatever their scores."""
        query = normalize(text[: MAX_QUESTION_CHARS * 2])[:MAX_QUESTION_CHARS]
        if not query or k <= 0:
            return ()
        credit, total = self._credit(content_words(query))
        fuzzy = process.extract(query, self._normalized, scorer=fuzz.token_sort_ratio, limit=None)
        best_phrase: dict[int, tuple[float, int]] = {}
        for _, ratio, index in fuzzy:
            words = self._phrase_words[index]
            common = sum(credit.get(w, 0.0) for w in words)
            recall = common / total
            precision = common / self._phrase_weight[index]
            overlap = 2 * recall * precision / (recall + precision) if common else 0.0
            phrase_score = 0.6 * overlap + 0.4 * ratio / 100
            owner = self._owner[index]
            if owner not in best_phrase or phrase_score > best_phrase[owner][0]:
                best_phrase[owner] = (phrase_score, index)
        scored = []
        for owner, (phrase_score, index) in best_phrase.items():
            coverage = sum(c for w, c in credit.items() if w in self._entry_words[owner]) / total
            score = 100 * (0.7 * phrase_score + 0.3 * coverage)
            scored.append(Candidate(self._kb.entries[owner], round(score, 1), self._phrasings[index]))
        scored.sort(key=lambda c: -c.score)
        return tuple(scored[:k])

    def _credit(self, words: Sequence[str]) -> tuple[dict[str, float], float]:
        """Map the question's words onto KB words (fixing typos) with the weight each earns.

        Returns the credit per KB word and the question's total weight, in which words the KB
        does not know count fully, so they pull every score down.
        """
        credit: dict[str, float] = {}
        total = 0.0
        for word in words:
            if word in self._weight:
                known, similarity = word, 1.0
            elif len(word) >= _MIN_TYPO_LENGTH and self._vocabulary:
                found = process.extractOne(word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=_TYPO_CUTOFF)
                known, similarity = (found[0], found[1] / 100) if found else (None, 0.0)
            else:
                known, similarity = None, 0.0
            if known is None:
                total += self._unknown_weight
                continue
            weight = self._weight[known]
            total += weight
            credit[known] = max(credit.get(known, 0.0), weight * similarity)
        return credit, total or 1.0
