"""Measure matching quality on a labeled question set.

A question set is a YAML file:

    questions:
      - q: how long does it last?
        expect: faq-how-long                 # the entry that answers it
      - q: what strokes are used?
        expect: [technique-swedish-strokes, technique-swedish]   # any of these is right
      - q: how much does it cost?
        expect: null                         # out of scope: the bot must decline

An answer is right when its id is an expected id, or a finer entry of one (its id starts with the
expected id and a dash, as `technique-swedish-strokes` does for `technique-swedish`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import FaqbotError
from .knowledge import load_questions
from .matcher import Candidate, Matcher
from .model import KnowledgeBase, LabeledQuestion
from .reply import holds_back, verdict

__all__ = ["LabeledQuestion", "Outcome", "Report", "load_questions", "evaluate", "cross_validate"]


@dataclass(frozen=True, slots=True)
class Outcome:
    question: LabeledQuestion
    ranked: tuple[Candidate, ...]
    threshold: float
    held: bool = False  # the bot holds any answer back: a warning sign (not a caution), or it only points back

    @property
    def rank(self) -> int | None:
        """1-based rank of the first right entry, None if not among the ranked."""
        for position, candidate in enumerate(self.ranked, 1):
            if self.question.accepts(candidate.entry.id):
                return position
        return None

    @property
    def answered(self) -> bool:
        """Whether the bot gives an answer (its first-ranked entry) rather than declining or asking."""
        return verdict(self.ranked, self.threshold, held=self.held)[0] is not None

    @property
    def correct(self) -> bool:
        """In scope: answered with a right entry. Out of scope: declined."""
        if self.question.in_scope:
            return self.answered and self.rank == 1
        return not self.answered


@dataclass(frozen=True, slots=True)
class Report:
    outcomes: tuple[Outcome, ...]

    def _in_scope(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.question.in_scope]

    def _out_of_scope(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.question.in_scope]

    @property
    def top1(self) -> float:
        return _share(o.rank == 1 for o in self._in_scope())

    @property
    def top3(self) -> float:
        return _share(o.rank is not None and o.rank <= 3 for o in self._in_scope())

    @property
    def mrr(self) -> float:
        ins = self._in_scope()
        return sum(1 / o.rank for o in ins if o.rank) / len(ins) if ins else 0.0

    @property
    def answered_correctly(self) -> float:
        return _share(o.correct for o in self._in_scope())

    @property
    def declined(self) -> float:
        return _share(o.correct for o in self._out_of_scope())

    @property
    def misses(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.correct)

    def counts(self) -> tuple[int, int]:
        return len(self._in_scope()), len(self._out_of_scope())

    def at(self, threshold: float) -> Report:
        """The same questions and rankings judged at another threshold (no rescoring)."""
        return Report(tuple(Outcome(o.question, o.ranked, threshold, o.held) for o in self.outcomes))

    def sweep(self, thresholds: Sequence[float] = tuple(range(0, 101, 2))) -> list[tuple[float, float, float]]:
        """(threshold, answered correctly, declined) at each threshold, to choose one from data."""
        return [(t, (r := self.at(t)).answered_correctly, r.declined) for t in thresholds]

    def best_threshold(self, thresholds: Sequence[int] = tuple(range(0, 101))) -> int:
        """The threshold where the mean of the two rates peaks, averaged with its two neighbours.

        The average keeps the choice off a peak that one or two questions make: a threshold whose
        neighbours do as well is the one that will hold on questions not in the set. When several
        thresholds in a row share the peak, as on a small set, the middle one of the longest such
        run is chosen, the one furthest from where the figures start to fall.
        """
        means = [(answered + declined) / 2 for _, answered, declined in self.sweep(thresholds)]
        steady = [sum(means[max(i - 1, 0) : i + 2]) / len(means[max(i - 1, 0) : i + 2]) for i in range(len(means))]
        peak = max(steady)
        runs: list[list[int]] = []
        for i, value in enumerate(steady):
            if math.isclose(value, peak, rel_tol=1e-12, abs_tol=1e-12):
                if runs and runs[-1][-1] == i - 1:
                    runs[-1].append(i)
                else:
                    runs.append([i])
        longest = max(runs, key=len)
        return thresholds[longest[(len(longest) - 1) // 2]]


def _share(flags: object) -> float:
    values = list(flags)  # type: ignore[call-overload]
    return sum(values) / len(values) if values else 0.0


def evaluate(matcher: Matcher, questions: tuple[LabeledQuestion, ...], *, threshold: float | None = None) -> Report:
    """Score every question; `threshold` overrides the matcher's own (for sweeps)."""
    first_use: dict[str, str] = {}  # an unknown id, and where the set first expects it
    for question in questions:
        for expected in question.expected:
            if expected not in matcher.kb:
                first_use.setdefault(expected, question.where)
    if first_use:
        (first, where), *others = first_use.items()
        also = f" (also {', '.join(sorted(other for other, _ in others))})" if others else ""
        prefix = f"{where}: " if where else ""
        raise FaqbotError(f"{prefix}the question set expects an id the KB does not have: {first}{also}")
    cut = matcher.threshold if threshold is None else threshold
    check = matcher.safety_check()
    return Report(tuple(Outcome(q, matcher.rank(q.text, k=10), cut, holds_back(check.signs_in(q.text)) or matcher.points_back(q.text)) for q in questions))


def cross_validate(kb: KnowledgeBase, *, folds: int = 5, threshold: float | None = None) -> Report:
    """Score a KB's own examples, each by a matcher that learned from the other examples only.

    The examples are cut into `folds` runs in file order, not shuffled: a KB's examples are
    usually listed writer by writer, so most of a writer's questions are held out together and the
    figures say how the matcher does for people whose ways of asking it has not seen. `threshold`
    overrides the default for a KB with examples (for sweeps).
    """
    examples = tuple(kb.examples)
    if folds < 2:
        raise FaqbotError(f"cross-validation needs at least 2 runs, not {folds}")
    if len(examples) < folds:
        raise FaqbotError(f"cross-validation in {folds} runs needs at least {folds} examples; the KB has {len(examples)}")
    outcomes: list[Outcome] = []
    for fold in range(folds):
        start, end = fold * len(examples) // folds, (fold + 1) * len(examples) // folds
        learner = Matcher(dataclasses.replace(kb, examples=examples[:start] + examples[end:]), threshold=threshold)
        outcomes.extend(evaluate(learner, examples[start:end]).outcomes)
    return Report(tuple(outcomes))
