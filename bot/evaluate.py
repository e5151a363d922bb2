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

import difflib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import FaqbotError
from .matcher import Candidate, Matcher
from .model import LabeledQuestion
from .reply import holds_back, verdict

__all__ = ["LabeledQuestion", "Outcome", "Report", "load_questions", "evaluate"]


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
        neighbours do as well is the one that will hold on questions not in the set.
        """
        means = [(answered + declined) / 2 for _, answered, declined in self.sweep(thresholds)]
        steady = [sum(means[max(i - 1, 0) : i + 2]) / len(means[max(i - 1, 0) : i + 2]) for i in range(len(means))]
        return thresholds[max(range(len(steady)), key=steady.__getitem__)]


def _share(flags: object) -> float:
    values = list(flags)  # type: ignore[call-overload]
    return sum(values) / len(values) if values else 0.0


_ITEM_KEYS = ("q", "expect")


def load_questions(path: str | Path, *, known_ids: Collection[str] | None = None) -> tuple[LabeledQuestion, ...]:
    """Read a labeled question set; a malformed one raises FaqbotError naming file:line:column.

    Given the KB's `known_ids`, an expected id that is not among them is an error at its own place
    in the file, with the nearest known id as a hint.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.SafeLoader("").construct_document(root) if root is not None else None
    except OSError as exc:
        raise FaqbotError(f"{path}: cannot read the question set: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise FaqbotError(f"{path}: cannot read the question set: it is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None)
        raise FaqbotError(f"{where}: invalid YAML in the question set{f': {problem}' if problem else ''}") from None
    items = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise FaqbotError(f"{path}: expected a mapping with a 'questions' list")
    if not items:
        raise FaqbotError(f"{path}: the question set has no questions")
    # Each item's node, for its place in the file (under the last 'questions' key, as YAML reads it).
    lists = [value for key, value in root.value if key.value == "questions"] if isinstance(root, yaml.MappingNode) else []
    item_nodes = lists[-1].value if lists else []
    questions = []
    unknown: list[tuple[str, str]] = []  # (id, where) of expected ids the KB lacks
    for number, (item, node) in enumerate(zip(items, item_nodes), 1):
        where = f"{path}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"
        if isinstance(item, dict) and (stray := [str(key) for key in item if key not in _ITEM_KEYS]):
            raise FaqbotError(f"{where}: question {number}: unknown key {stray[0]!r} (an item has 'q' and 'expect')")
        expect = item.get("expect", "missing") if isinstance(item, dict) else "missing"
        question = item.get("q") if isinstance(item, dict) else None
        if expect is None:
            expected: tuple[str, ...] | None = ()
        elif isinstance(expect, str) and expect != "missing":
            expected = (expect,)
        elif isinstance(expect, list) and expect and all(isinstance(e, str) for e in expect):
            expected = tuple(expect)
        else:
            expected = None
        if not isinstance(question, str) or expected is None:
            raise FaqbotError(f"{where}: question {number}: needs 'q' (text) and 'expect' (an id, a list of ids, or null)")
        questions.append(LabeledQuestion(question, expected, where))
        if known_ids is not None:
            unknown.extend((e, spot) for e, spot in zip(expected, _expect_spots(path, node)) if e not in known_ids)
    if unknown:
        (first, spot), others = unknown[0], len(unknown) - 1
        close = difflib.get_close_matches(first, list(known_ids or ()), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        more = f"; {others} more unknown id{'s' if others > 1 else ''} after it" if others else ""
        raise FaqbotError(f"{spot}: the KB has no entry '{first}'{hint}{more}")
    return tuple(questions)


def _expect_spots(path: Path, item: yaml.Node) -> list[str]:
    """file:line:column of each id an item's `expect` names, in order."""
    value = next(v for k, v in item.value if k.value == "expect")
    nodes = value.value if isinstance(value, yaml.SequenceNode) else [value]
    return [f"{path}:{n.start_mark.line + 1}:{n.start_mark.column + 1}" for n in nodes]


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
