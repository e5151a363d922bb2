"""What each part of the scoring is worth: switch one off, re-pick the threshold on tune, measure.

    python benchmarks/ablation.py        # prints a Markdown table (pasted into docs/matching.md)

Each variant gets the threshold that maximises the mean of its two rates on the tune set, so a
part is not blamed for a threshold chosen for another configuration.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bot.matcher as matcher_module  # noqa: E402
import bot.reply as reply_module  # noqa: E402
from bot import KnowledgeBase, Matcher, load_kb  # noqa: E402
from bot.evaluate import evaluate, load_questions  # noqa: E402

QUESTIONS = ROOT / "tests" / "questions"


@contextmanager
def nothing() -> Iterator[None]:
    yield


def constant(name: str, value: float) -> Callable[[], mock._patch]:  # type: ignore[name-defined]
    return lambda: mock.patch.object(matcher_module, name, value)


VARIANTS: list[tuple[str, Callable[[], object], Callable[[KnowledgeBase], KnowledgeBase]]] = [
    ("faqbot as shipped", nothing, lambda kb: kb),
    ("without the examples (phrasings only, as a KB without them)", nothing, lambda kb: dataclasses.replace(kb, examples=())),
    (
        "without the out-of-scope examples",
        nothing,
        lambda kb: dataclasses.replace(kb, examples=tuple(e for e in kb.examples if e.in_scope)),
    ),
    ("without the KB's synonyms", nothing, lambda kb: dataclasses.replace(kb, synonyms={})),
    ("without the fuzzy ratio (overlap only)", constant("_OVERLAP_SHARE", 1.0), lambda kb: kb),
    ("overlap as F1 (the question's share counted as much as the phrasing's)", constant("_OVERLAP_BETA", 1.0), lambda kb: kb),
    ("without coverage of the answer text", constant("_PHRASE_SHARE", 1.0), lambda kb: kb),
    ("without scaling by how likely the KB covers the question", constant("_OUT_OF_SCOPE_SHARE", 0.0), lambda kb: kb),
    ("without the unknown-word penalty", constant("_UNKNOWN_PENALTY", 0.0), lambda kb: kb),
    ("without the learned part's discount for unknown words", constant("_LEARNED_UNKNOWN_PENALTY", 0.0), lambda kb: kb),
    ("without the lower weight of words said beside the question", constant("_ASIDE_WEIGHT", 1.0), lambda kb: kb),
    ("without the lower weight of words the examples vouch for", constant("_VOUCHED_FLOOR", 1.0), lambda kb: kb),
    ("without keyword coverage alone", constant("_COVERAGE_ALONE", 0.0), lambda kb: kb),
    ("without typo tolerance", constant("_TYPO_CREDIT", 0.0), lambda kb: kb),
    ("without the rule for a phrasing with its subject swapped", constant("_SWAPPED_SUBJECT_FACTOR", 1.0), lambda kb: kb),
    (
        "without setting aside a clause that says what is not asked",
        lambda: mock.patch.object(matcher_module, "_without_contrasts", lambda text: (text, ())),
        lambda kb: kb,
    ),
    ("without declining a contrast that sets aside the KB's subject", constant("_BESIDE_SUBJECT_FACTOR", 1.0), lambda kb: kb),
    ("without the margin rule", lambda: mock.patch.object(reply_module, "AMBIGUITY_MARGIN", 0.0), lambda kb: kb),
    (
        "without the KB's mentions",
        nothing,
        lambda kb: dataclasses.replace(kb, entries=tuple(dataclasses.replace(e, mentions=()) for e in kb.entries)),
    ),
]


# Every variant is judged at the shipped threshold, so that a row differs from the first in one
# part only; without the penalty, the scale or the out-of-scope examples, scores sit on another scale, so
# those get their own best on tune (without any examples, the default for such a KB applies).
RESCALED = {
    "without the unknown-word penalty", "without the out-of-scope examples",
    "without scaling by how likely the KB covers the question", "without the learned part's discount for unknown words",
}


def main() -> int:
    kb = load_kb()
    tune, holdout = (load_questions(QUESTIONS / f"{part}.yaml") for part in ("tune", "holdout"))
    print("| variant | threshold | tune top-1 | tune answered / declined | holdout top-1 | holdout answered / declined |")
    print("|---|---|---|---|---|---|")
    for name, patch, adapt in VARIANTS:
        with patch():  # type: ignore[attr-defined]
            matcher = Matcher(adapt(kb))
            report = evaluate(matcher, tune)
            threshold = report.best_threshold() if name in RESCALED else matcher.threshold
            t, h = report.at(threshold), evaluate(matcher, holdout, threshold=threshold)
            # Inside the patch: the rates are computed when read, and the margin rule is read then.
            print(
                f"| {name} | {threshold:g} | {t.top1:.1%} | {t.answered_correctly:.1%} / {t.declined:.1%} "
                f"| {h.top1:.1%} | {h.answered_correctly:.1%} / {h.declined:.1%} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
