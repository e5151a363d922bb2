"""Matching quality on the labeled question sets (tests/questions/*.yaml, format in bot/evaluate.py).

`tune` is the part we looked at while improving the KB and the matcher; `holdout` was never used
for that. Both must meet the same floor.
"""

from pathlib import Path

import pytest

from bot import Candidate, Matcher, load_kb
from bot.evaluate import LabeledQuestion, Outcome, Report, cross_validate, evaluate, load_questions
from bot.normalize import normalize

QUESTIONS = Path(__file__).parent / "questions"
# Floors on both parts, a point or more under the lower of the two parts' figures (tune's declined
# rate is the lower since a reviewer's hard off-topic questions joined it), to catch a regression;
# docs/quality.md has the figures. The issue's targets are asserted below, on both parts. "Gets the
# right entry": the best-ranked entry is a right one. "Answered correctly": the bot also clears the
# threshold and answers with it, rather than declining or asking which of two was meant.
MIN_TOP1 = 0.95
MIN_TOP3 = 0.98
MIN_ANSWERED_CORRECTLY = 0.92
MIN_DECLINED = 0.93


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_kb())


@pytest.mark.parametrize("part", ["tune", "holdout"])
def test_question_set_is_large_enough(part: str) -> None:
    questions = load_questions(QUESTIONS / f"{part}.yaml")
    assert sum(q.in_scope for q in questions) >= 80
    assert sum(not q.in_scope for q in questions) >= 25


def test_parts_do_not_share_questions() -> None:
    tune = {q.text.lower() for q in load_questions(QUESTIONS / "tune.yaml")}
    holdout = {q.text.lower() for q in load_questions(QUESTIONS / "holdout.yaml")}
    assert not tune & holdout


# Short questions that the KB's author and the question set's author, working apart from each
# other, happened to write alike. Any other holdout question found in the KB was copied there.
INDEPENDENT_COINCIDENCES = {
    "types of couples massage", "how long will we be there", "why get a couples massage", "intimacy and trust",
    "deep tissue", "trigger points", "aromatherapy", "what kind of touch should i ask for",
    "does massage release endorphins", "how do i know if im pressing too hard",  # later batches
    "benefits",  # a one-word query, written for the fourth batch
    "tapotement",  # a one-word query, written for the ninth batch; the KB has had it as an alternate since before
    "pros of couples massage",  # written for the eleventh batch; a KB alternate since long before
    # short queries written for the twelfth batch, each a KB alternate since before it was written
    "swedish massage explained", "should we talk during the massage", "deep tissue or relaxation massage",
    "couples massage styles",
    # written for the thirteenth batch, likewise
    "does deep tissue help sciatica", "what supplies do i need", "can i bring my sister",
    "what topics do you cover", "petrissage",  # and the fourteenth
    "swedish",  # and the fifteenth: a one-word query
    "what does petrissage mean", "will we be in the same room",  # and the sixteenth
    "does deep tissue hurt", "does massage reduce inflammation",  # and the seventeenth
    "what are the advantages of a couples massage", "is it more relaxing than a massage alone",  # and the nineteenth
    "what is friction in massage",  # batch 43, written from the article and the entry list only
}


def test_holdout_questions_are_not_copied_into_the_kb() -> None:
    phrasings = {normalize(p) for entry in load_kb() for p in entry.phrasings}
    copied = [
        q.text
        for q in load_questions(QUESTIONS / "holdout.yaml")
        if normalize(q.text) in phrasings and normalize(q.text) not in INDEPENDENT_COINCIDENCES
    ]
    assert not copied


@pytest.mark.parametrize("part", ["tune", "holdout"])
def test_no_evaluation_question_is_a_kb_example(part: str) -> None:
    """The matcher learns from the KB's examples: a question set that shared any would flatter it."""
    examples = {normalize(example.text) for example in load_kb().examples}
    assert len(examples) >= 1000
    assert not [q.text for q in load_questions(QUESTIONS / f"{part}.yaml") if normalize(q.text) in examples]


@pytest.mark.parametrize("part", ["tune", "holdout"])
def test_in_scope_questions_get_the_right_entry(matcher: Matcher, part: str) -> None:
    report = evaluate(matcher, load_questions(QUESTIONS / f"{part}.yaml"))
    wrong = [(o.question.text, o.ranked[0].entry.id) for o in report.outcomes if o.question.in_scope and o.rank != 1]
    assert report.top1 >= MIN_TOP1, wrong if part == "tune" else len(wrong)
    assert report.top3 >= MIN_TOP3


@pytest.mark.parametrize("part", ["tune", "holdout"])
def test_in_scope_questions_are_answered_correctly(matcher: Matcher, part: str) -> None:
    report = evaluate(matcher, load_questions(QUESTIONS / f"{part}.yaml"))
    misses = [(o.question.text, o.ranked[0].entry.id if o.ranked else None) for o in report.misses if o.question.in_scope]
    assert report.answered_correctly >= MIN_ANSWERED_CORRECTLY, misses if part == "tune" else len(misses)


@pytest.mark.parametrize("part", ["tune", "holdout"])
def test_out_of_scope_questions_are_declined(matcher: Matcher, part: str) -> None:
    report = evaluate(matcher, load_questions(QUESTIONS / f"{part}.yaml"))
    answered = [(o.question.text, o.ranked[0].entry.id) for o in report.misses if not o.question.in_scope]
    # Holdout questions are not shown, so that nobody tunes against them by accident.
    assert report.declined >= MIN_DECLINED, answered if part == "tune" else len(answered)


@pytest.mark.parametrize("part", ["tune", "holdout"])
def test_meets_the_targets_for_top3_and_declined(matcher: Matcher, part: str) -> None:
    report = evaluate(matcher, load_questions(QUESTIONS / f"{part}.yaml"))
    assert report.top3 >= 0.98
    assert report.declined >= 0.90


@pytest.mark.parametrize("part", ["tune", "holdout"])
def test_meets_the_target_for_answered_correctly(matcher: Matcher, part: str) -> None:
    report = evaluate(matcher, load_questions(QUESTIONS / f"{part}.yaml"))
    assert report.answered_correctly >= 0.95


def test_the_examples_hold_up_for_writers_the_model_did_not_learn_from() -> None:
    """The KB's examples, each scored by a model trained without its run of the file (docs/quality.md).

    Floors a point or so under the measured figures (94.8% top-1, 90.2% answered, 95.2% declined):
    the examples are training data, so this guards how the model generalizes, not the targets.
    """
    report = cross_validate(load_kb())
    assert report.top1 >= 0.93
    assert report.answered_correctly >= 0.89
    assert report.declined >= 0.94


def test_every_entry_is_found_by_its_own_phrasings(matcher: Matcher) -> None:
    """A meta-test on the KB: each question and alternate must retrieve its own entry."""
    lost = [
        (entry.id, phrasing, found.entry.id if found else None)
        for entry in matcher.kb
        for phrasing in entry.phrasings
        if (found := matcher.match(phrasing)) is None or found.entry.id != entry.id
    ]
    assert not lost


def test_best_threshold_prefers_one_whose_neighbours_do_as_well(matcher: Matcher) -> None:
    entry = matcher.kb.entries[0]

    def outcome(expected: tuple[str, ...], score: float) -> Outcome:
        return Outcome(LabeledQuestion("q", expected), (Candidate(entry, score, entry.question),), 0.0)

    # Every in-scope question scores 60; off-topic ones 20, 45 and 47. The mean of the two rates
    # is 1 from 48 to 60; averaged with their neighbours, 49 to 59 keep 1 (48 and 60 border a
    # fall), and the middle of that run is chosen, as far as it gets from either fall.
    report = Report((*[outcome((entry.id,), 60.0)] * 4, *(outcome((), s) for s in (20.0, 45.0, 47.0))))
    rows = {t: (a + d) / 2 for t, a, d in report.sweep(tuple(range(101)))}
    assert rows[48] == rows[60] == 1.0 and rows[47] < 1.0 and rows[61] < 1.0
    assert report.best_threshold() == 54
    # A set that every threshold serves equally (a reviewer's small one got "best threshold 0",
    # which answers anything) gets the middle.
    tied = Report((outcome((entry.id,), 100.0), outcome((), 0.0)))
    assert {(a + d) / 2 for _, a, d in tied.sweep(tuple(range(101)))} == {1.0}
    assert tied.best_threshold() == 50
