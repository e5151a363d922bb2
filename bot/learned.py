"""What labeled questions teach: a linear model of which entry a question's words point to.

The lexical score (bot/matcher.py) compares a question with an entry's few phrasings. People ask
in far more ways than a KB author writes down, and a KB's `examples` (real questions, each labeled
with its entry or as one the KB does not cover) show which words go with which entry across all of
them. The model learns from the examples and from the entries' own phrasings; examples labeled out
of scope train one more class, "none of them", so that words typical of off-topic questions pull
every entry's probability down. See docs/matching.md for what it is worth.

Words are features as the matcher reads them: a KB word after synonyms and typos, or the word
itself when the KB does not know it. The model is a logistic regression, trained with numpy once
per KB, when its index is built; for a KB whose words, entries and examples would make that
regression too big to train in seconds, it is naive Bayes, which counts. Either way the trained
model is plain data (tuples, a dict of bytes), so the index cache stores it as it stores the rest
of the index, and answering a question never imports numpy.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["WordModel"]

# How much the weights are held towards 0 (the C of scikit-learn's LogisticRegression: the data's
# loss counts this much against half the squared weights). Chosen on tune (docs/matching.md).
_FIT_WEIGHT = 6.0
# A weight this small moves an entry's odds by under 6%. Dropping them keeps 35,077 of the default
# KB's 370,530 weights, and its index loads faster for it (`faqbot ask` reads it every time); on
# tune neither rate moved, and on the cross-validated examples their mean moved by 0.02 points.
_NEGLIGIBLE = 0.06
# The regression's work grows with (words in all questions) x classes, and its memory with
# (distinct words) x classes: past these, a KB gets naive Bayes. The default KB uses about half
# and a third of them (2.0 million and 371,000); a KB of 1,000 entries and 5,000 examples
# took 3 minutes and 7 GB to train as a regression.
_MAX_CELLS = 4_000_000
_MAX_WEIGHTS = 1_000_000
# Naive Bayes: additive smoothing, so that one unseen word does not rule an entry out, and a
# softening of its log odds, since it counts each word as independent evidence and is far too
# sure of itself (both chosen on tune when it was the only model).
_SMOOTHING = 0.3
_TEMPERATURE = 2.5
_MAX_STEPS = 300
_HISTORY = 10  # the curvature pairs L-BFGS keeps
_SETTLED = 1e-7  # training stops when a step lowers the loss by less than this share


class WordModel:
    """A linear model over classes 0..n-1 (the entries) and n ("none of them").

    A question's logit for class c is base[c] - (its number of words) x norm[c] + the weights of
    its words for c: a logistic regression has no `norm` (zeros); naive Bayes divides each word's
    likelihood by its class's total. `evidence[word]` holds the classes the word moves, each
    followed by its weight, as the bytes of an array of 4-byte floats (a weight needs no more
    precision): thousands of small tuples took the index cache longer to load than the rest of
    the index, and with doubles the default KB's index took 2.5 ms to load rather than 2.1.
    """

    # A plain class, not a dataclass: creating a frozen dataclass costs `faqbot ask` 0.4 ms of start-up.
    __slots__ = ("base", "norm", "evidence")

    def __init__(self, base: tuple[float, ...], norm: tuple[float, ...], evidence: dict[str, bytes]) -> None:
        self.base, self.norm, self.evidence = base, norm, evidence

    @classmethod
    def train(cls, classes: int, questions: Iterable[tuple[int, Sequence[str]]]) -> WordModel:
        """Learn from (class, words) pairs; class `classes` is "none of them" (out of scope)."""
        vocabulary: dict[str, int] = {}
        rows: list[list[int]] = []
        labels: list[int] = []
        for label, words in questions:
            if not words:  # nothing to learn from but how often a class is asked: not worth a row
                continue
            rows.append([vocabulary.setdefault(word, len(vocabulary)) for word in words])
            labels.append(label)
        zeros = tuple(0.0 for _ in range(classes + 1))
        if not rows:
            return cls(zeros, zeros, {})
        cells = sum(map(len, rows)) * (classes + 1)
        if cells > _MAX_CELLS or len(vocabulary) * (classes + 1) > _MAX_WEIGHTS:
            return cls(*_naive_bayes(rows, labels, classes + 1, vocabulary))
        weights, base = _fit(rows, labels, classes + 1, len(vocabulary))
        evidence = {}
        for word, column in vocabulary.items():
            pairs = array("f")
            for label, weight in enumerate(weights[column].tolist()):
                if abs(weight) >= _NEGLIGIBLE:
                    pairs.extend((label, weight))
            if pairs:
                evidence[word] = pairs.tobytes()
        return cls(tuple(base.tolist()), zeros, evidence)

    def probabilities(self, words: Sequence[str], among: Iterable[int] | None = None) -> dict[int, float]:
        """P(class | words) for each entry class, normalized over `among` (default: all) and "none of them"."""
        none = len(self.base) - 1
        classes = range(len(self.base)) if among is None else {*among, none}
        # Only the classes a word moves get its weight; sum them sparsely.
        moved: dict[int, float] = {}
        for word in words:
            if (packed := self.evidence.get(word)) is not None:
                pairs = array("f", packed)
                for label, value in zip(pairs[::2], pairs[1::2]):
                    moved[int(label)] = moved.get(int(label), 0.0) + value
        count = len(words)
        logits = {c: self.base[c] - count * self.norm[c] + moved.get(c, 0.0) for c in classes}
        top = max(logits.values())
        exp = {c: math.exp(logit - top) for c, logit in logits.items()}
        total = sum(exp.values())
        return {c: p / total for c, p in exp.items() if c != none}


def _naive_bayes(
    rows: list[list[int]], labels: list[int], classes: int, vocabulary: dict[str, int]
) -> tuple[tuple[float, ...], tuple[float, ...], dict[str, bytes]]:
    """Naive Bayes with additive smoothing, its log odds softened, in the model's linear form."""
    counts: list[dict[int, int]] = [{} for _ in range(classes)]
    asked = [0] * classes
    for label, row in zip(labels, rows):
        seen = counts[label]
        for column in row:
            seen[column] = seen.get(column, 0) + 1
        asked[label] += 1
    total = sum(asked) + classes
    base = tuple(math.log((n + 1) / total) / _TEMPERATURE for n in asked)
    norm = tuple(math.log(sum(seen.values()) + _SMOOTHING * len(vocabulary)) / _TEMPERATURE for seen in counts)
    words = {column: word for word, column in vocabulary.items()}
    evidence: dict[str, array[float]] = {}
    for label, seen in enumerate(counts):
        for column, count in seen.items():
            boost = math.log((count + _SMOOTHING) / _SMOOTHING) / _TEMPERATURE
            evidence.setdefault(words[column], array("f")).extend((label, boost))
    return base, norm, {word: pairs.tobytes() for word, pairs in evidence.items()}


def _fit(rows: list[list[int]], labels: list[int], classes: int, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """Weights (columns x classes) and intercepts minimizing the cross-entropy plus the L2 penalty.

    L-BFGS over the flat vector of both; the loss is convex, so where it stops does not depend on
    where it starts. Every row has a word (the sums by row need it); `rows` hold column numbers.
    """
    import numpy as np

    # A word said twice is its column twice: sums by segment then count it twice, with no multiply.
    cols = np.fromiter((column for row in rows for column in row), dtype=np.int64)
    lengths = np.array([len(row) for row in rows])
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    row_of = np.repeat(np.arange(len(rows)), lengths)
    # Each (column, class) cell's place in the flat weights, for summing the gradient in one go.
    cells = (cols[:, None] * classes + np.arange(classes)).ravel()
    truth = np.zeros((len(rows), classes))
    truth[np.arange(len(rows)), labels] = 1.0
    penalty = 1.0 / _FIT_WEIGHT
    size = columns * classes

    def loss_and_gradient(theta: np.ndarray) -> tuple[float, np.ndarray]:
        weights, base = theta[:size].reshape(columns, classes), theta[size:]
        logits = np.add.reduceat(weights[cols], starts, axis=0) + base
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        total = exp.sum(axis=1, keepdims=True)
        loss = float(np.log(total).sum() - (logits * truth).sum() + 0.5 * penalty * (weights * weights).sum())
        residual = exp / total - truth
        gradient = np.bincount(cells, weights=residual[row_of].ravel(), minlength=size) + penalty * theta[:size]
        return loss, np.concatenate((gradient, residual.sum(axis=0)))

    theta = np.zeros(size + classes)
    loss, gradient = loss_and_gradient(theta)
    steps: list[tuple[np.ndarray, np.ndarray, float]] = []  # (position change, gradient change, 1 / their dot)
    for _ in range(_MAX_STEPS):
        direction = -_inverse_hessian_times(gradient, steps)
        slope = float(gradient @ direction)
        if slope >= 0:  # not a descent direction: forget the curvature and go downhill
            steps.clear()
            direction = -gradient / max(1.0, float(np.abs(gradient).max()))
            slope = float(gradient @ direction)
        step = 1.0
        while True:  # backtrack until the loss falls enough (Armijo)
            trial = theta + step * direction
            new_loss, new_gradient = loss_and_gradient(trial)
            if new_loss <= loss + 1e-4 * step * slope or step < 1e-10:
                break
            step /= 2
        moved, change = trial - theta, new_gradient - gradient
        if (curvature := float(change @ moved)) > 0:
            steps = [*steps[-_HISTORY + 1 :], (moved, change, 1.0 / curvature)]
        converged = loss - new_loss <= _SETTLED * max(1.0, abs(loss))
        theta, loss, gradient = trial, new_loss, new_gradient
        if converged:
            break
    return theta[:size].reshape(columns, classes), theta[size:]


def _inverse_hessian_times(gradient: np.ndarray, steps: list[tuple[np.ndarray, np.ndarray, float]]) -> np.ndarray:
    """L-BFGS's two-loop recursion: the gradient times its estimate of the inverse Hessian."""
    q = gradient.copy()
    alphas = []
    for moved, change, rho in reversed(steps):
        alpha = rho * float(moved @ q)
        q -= alpha * change
        alphas.append(alpha)
    if steps:
        moved, change, _ = steps[-1]
        q *= float(moved @ change) / float(change @ change)
    else:  # the first step: small enough that no weight moves by more than 1
        q /= max(1.0, float(abs(q).max()))
    for (moved, change, rho), alpha in zip(steps, reversed(alphas)):
        q += moved * (alpha - rho * float(change @ q))
    return q
