"""The KB author's tools through the real CLI: eval, lint, ask --explain, --log-unanswered."""

from __future__ import annotations

import dataclasses
import json
import re
import stat
import sys
import threading
from pathlib import Path

import pytest

from bot import DEFAULT_THRESHOLD_WITH_EXAMPLES, FaqbotError, Matcher, load_kb, reply_to
from bot.evaluate import cross_validate, evaluate, load_questions
from bot.unanswered import UnansweredLog

from conftest import REPO_ROOT, run_faqbot, write

QUESTIONS = """\
questions:
  - q: how long does a couples massage last
    expect: faq-how-long
  - q: what is effleurage
    expect: [technique-swedish-strokes, technique-swedish]
  - q: how much does it cost
    expect: null
"""

COLLIDING = """\
entries:
  - id: watering
    question: How often should I water my plants?
    alternates: [how much water do plants need]
    answer: When the soil is dry.
    source: Care
  - id: feeding
    question: How often should I feed my plants?
    alternates: [how often should I water my plants]
    answer: Monthly in summer.
    source: Care
"""

THREE_EXAMPLES = """\
entries:
  - id: watering
    question: How often should I water my plants?
    answer: When the soil is dry.
    source: Care
examples:
  - {q: soggy soil, expect: watering}
  - {q: dry soil, expect: watering}
  - {q: where can I buy a pot, expect: null}
"""


def test_cross_validation_scores_each_example_with_a_matcher_that_did_not_learn_from_it() -> None:
    kb = load_kb()
    examples = tuple(kb.examples)
    report = cross_validate(kb, folds=3)
    assert [o.question for o in report.outcomes] == list(examples)
    third = len(examples) // 3
    learner = Matcher(dataclasses.replace(kb, examples=examples[third:]))
    assert report.outcomes[:third] == evaluate(learner, examples[:third]).outcomes
    learned_from = evaluate(Matcher(kb), examples[:third])
    assert learned_from.top1 > report.at(report.outcomes[0].threshold).top1  # the matcher does better on what it learned


@pytest.mark.parametrize(("folds", "message"), [(1, "at least 2 runs"), (5, "needs at least 5 examples; the KB has 3")])
def test_cross_validation_needs_runs_and_examples(tmp_path: Path, folds: int, message: str) -> None:
    kb = load_kb(write(tmp_path / "kb.yaml", THREE_EXAMPLES))
    with pytest.raises(FaqbotError, match=message):
        cross_validate(kb, folds=folds)


def test_the_sweeps_best_threshold_can_be_set_in_the_kb(tmp_path: Path) -> None:
    kb = write(tmp_path / "kb.yaml", COLLIDING)
    questions = write(tmp_path / "q.yaml", """\
        questions:
          - {q: how much water do the plants need, expect: watering}
          - {q: when do I feed plants, expect: feeding}
          - {q: where can I buy plants, expect: null}
        """)
    swept = run_faqbot("--kb", str(kb), "eval", str(questions), "--sweep")
    hint = re.search(r"^to use it, set `threshold: (\d+)` in the KB, or pass --threshold (\d+)$", swept.stdout, re.M)
    assert hint and hint[1] == hint[2] == re.search(r"^best threshold (\d+) ", swept.stdout, re.M)[1]
    assert re.search(rf"^ +{hint[1]} .*<- best$", swept.stdout, re.M)  # its row in the table, odd or even
    kb.write_text(f"threshold: {hint[1]}\n" + kb.read_text())
    assert f"threshold {hint[1]}\n" in run_faqbot("--kb", str(kb), "eval", str(questions)).stdout.splitlines()[0] + "\n"
    again = run_faqbot("--kb", str(kb), "eval", str(questions), "--sweep").stdout
    assert "that is the threshold in use" in again and "to use it" not in again
    assert re.search(rf"^ +{hint[1]} .*<- best, in use$", again, re.M)


def test_eval_reports_the_rates_and_fails_below_a_floor(tmp_path: Path) -> None:
    questions = write(tmp_path / "q.yaml", QUESTIONS)
    ok = run_faqbot("eval", str(questions), "--sweep")
    assert ok.returncode == 0, ok.stderr
    assert "top-1 accuracy" in ok.stdout and "declined" in ok.stdout and "<- best" in ok.stdout and "best threshold" in ok.stdout
    report = json.loads(run_faqbot("eval", str(questions), "--json").stdout)
    assert report["in_scope"] == 2 and report["out_of_scope"] == 1
    assert 0 <= report["answered_correctly"] <= 1 and isinstance(report["misses"], list)
    for out_of_range in ("50", "1.5", "-0.1"):  # a share, never a percentage: "1" would mean 100% or 1%?
        strict = run_faqbot("eval", str(questions), "--min-accuracy", out_of_range)
        assert strict.returncode == 2 and "between 0 and 1" in strict.stderr
    unanswerable = write(tmp_path / "hard.yaml", "questions:\n  - q: xyzzy plugh\n    expect: faq-how-long\n")
    failing = run_faqbot("eval", str(unanswerable), "--min-accuracy", "0.5")
    assert failing.returncode == 1 and "answered correctly 0.0000 is below 0.5" in failing.stderr
    # That set has no out-of-scope questions: a floor on their rate cannot pass, and has no rate to show.
    vacuous = run_faqbot("eval", str(unanswerable), "--min-declined", "0.9")
    assert vacuous.returncode == 1
    assert vacuous.stderr == "faqbot: --min-declined cannot be checked: the set has no out-of-scope questions\n"
    assert "  declined             n/a    (out of scope)" in vacuous.stdout
    assert json.loads(run_faqbot("eval", str(unanswerable), "--json").stdout)["declined"] is None


def test_eval_warns_when_the_set_holds_questions_the_matcher_learned_from(tmp_path: Path) -> None:
    learned, new = load_kb().examples[0].text, "how long do we lie on the table"
    both = write(tmp_path / "q.yaml", f"questions:\n  - q: {json.dumps(learned.upper())}\n    expect: null\n  - q: {new}\n    expect: faq-how-long\n")
    result = run_faqbot("eval", str(both))
    assert result.returncode == 0
    note = "note: 1 of these questions is an example the KB's matcher learned from"
    assert note in result.stdout.split("top-1 accuracy")[0]  # read before the figures it qualifies
    assert json.loads(run_faqbot("eval", str(both), "--json").stdout)["learned_from"] == 1
    fresh = write(tmp_path / "fresh.yaml", f"questions:\n  - q: {new}\n    expect: faq-how-long\n")
    checked = run_faqbot("eval", str(fresh))
    assert "note:" not in checked.stdout and checked.stderr == ""
    assert json.loads(run_faqbot("eval", str(fresh), "--json").stdout)["learned_from"] == 0


def test_eval_rejects_an_empty_set(tmp_path: Path) -> None:
    result = run_faqbot("eval", str(write(tmp_path / "q.yaml", "questions: []\n")))
    assert result.returncode == 2 and "has no questions" in result.stderr and not result.stdout


def test_eval_says_in_one_line_why_a_set_cannot_be_read(tmp_path: Path) -> None:
    missing = run_faqbot("eval", "nowhere.yaml", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr == "faqbot: nowhere.yaml: cannot read the question set: No such file or directory\n"
    broken = run_faqbot("eval", "q.yaml", cwd=write(tmp_path / "q.yaml", "questions: [\n").parent)
    assert broken.returncode == 2
    assert broken.stderr == "q.yaml:1:12: invalid YAML: a bracket opened here is never closed\nfaqbot: 1 problem found; nothing was loaded\n"


def test_eval_rejects_a_set_that_names_unknown_ids(tmp_path: Path) -> None:
    questions = write(
        tmp_path / "q.yaml",
        "questions:\n  - q: hi\n    expect: faq-how-long\n  - q: there\n    expect: [no-such-entry, faq-how-long]\n"
        "  - q: again\n    expect: also-missing\n",
    )
    result = run_faqbot("eval", "q.yaml", cwd=tmp_path)
    assert result.returncode == 2 and not result.stdout
    assert result.stderr == (  # where each one is, so the author can go straight to it
        "q.yaml:5:14: the KB has no entry 'no-such-entry'\n"
        "q.yaml:7:13: the KB has no entry 'also-missing'\n"
        "faqbot: 2 problems found; nothing was loaded\n"
    )
    write(tmp_path / "q.yaml", "questions:\n  - q: what strokes\n    expect: technique-swedish-stroke\n")
    result = run_faqbot("eval", "q.yaml", cwd=tmp_path)
    assert result.stderr.startswith(
        "q.yaml:3:13: the KB has no entry 'technique-swedish-stroke' (did you mean 'technique-swedish-strokes'?)\n"
    )


def test_evaluate_rejects_unknown_ids_from_a_program_too(tmp_path: Path) -> None:
    questions = load_questions(write(tmp_path / "q.yaml", "questions:\n  - q: hi\n    expect: [faq-how-long, nope]\n"))
    with pytest.raises(FaqbotError, match=r"q\.yaml:2:5: the question set expects an id the KB does not have: nope"):
        evaluate(Matcher(load_kb()), questions)


def test_eval_names_the_item_a_problem_is_in(tmp_path: Path) -> None:
    misspelt = write(tmp_path / "q.yaml", "questions:\n  - q: hi\n    expect: null\n  - q: there\n    expcet: faq-how-long\n")
    result = run_faqbot("eval", "q.yaml", cwd=tmp_path)  # a misspelt key would silently drop the label
    assert result.returncode == 2
    assert result.stderr == (
        "q.yaml:4:5: question is missing 'expect'\n"
        "q.yaml:5:5: unknown question field 'expcet' (did you mean 'expect'?)\n"
        "faqbot: 2 problems found; nothing was loaded\n"
    )
    write(tmp_path / "q.yaml", "questions:\n  - q: hi\n    expect: null\n  - just a string\n")
    result = run_faqbot("eval", "q.yaml", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("q.yaml:4:5: each question must be a mapping with 'q'")


def test_the_shipped_tune_set_meets_its_floors_through_the_cli() -> None:
    result = run_faqbot("eval", str(REPO_ROOT / "tests" / "questions" / "tune.yaml"), "--min-accuracy", "0.88", "--min-declined", "0.9")
    assert result.returncode == 0, result.stderr


def test_lint_keeps_the_default_kb_clean() -> None:
    result = run_faqbot("lint")
    assert result.returncode == 0, result.stdout
    assert "0 collisions" in result.stdout


def test_lint_reports_collisions_and_exits_non_zero(tmp_path: Path) -> None:
    kb = write(tmp_path / "kb.yaml", COLLIDING)
    result = run_faqbot("lint", str(kb))
    assert result.returncode == 1
    # each finding about an entry starts where the entry is written, as validate's problems do
    assert f"{kb}:7:9: collision: feeding: 'how often should I water my plants' finds watering" in result.stdout
    assert f"{kb}:2:9: few-alternates: watering:" in result.stdout


def test_lint_reports_examples_the_bot_still_answers_against_their_label(tmp_path: Path) -> None:
    examples = "examples:\n  - {q: how often should I water my plants, expect: null}\n  - {q: fertiliser how often, expect: feeding}\n"
    kb = write(tmp_path / "kb.yaml", COLLIDING.replace("    alternates: [how often should I water my plants]\n", "") + examples)
    result = run_faqbot("lint", str(kb))
    assert result.returncode == 0, result.stdout  # worth a look, but the KB still answers as its author meant
    # an example finding starts where the example is written
    line = next(n for n, text in enumerate(kb.read_text().splitlines(), 1) if "how often should I water my plants, expect: null" in text)
    assert f"{kb}:{line}:9: example: watering: answers the example 'how often should I water my plants' (out of scope) with" in result.stdout
    assert "fertiliser" not in result.stdout


def test_lint_lists_words_from_unanswered_questions(tmp_path: Path) -> None:
    log = write(
        tmp_path / "log.jsonl",
        '{"query": "can we use a hammock"}\n\n{"query": "hammock or bed?"}\n{"query": "how much does it cost"}\n',
    )
    result = run_faqbot("lint", "--log", str(log))
    assert "unknown-word: 'hammock' in 2 unanswered questions" in result.stdout
    assert "cost" not in result.stdout  # the KB's synonyms already declare pricing off-topic


def test_a_log_lint_cannot_read_is_one_plain_line(tmp_path: Path) -> None:
    missing = run_faqbot("lint", "--log", str(tmp_path / "none.jsonl"))
    assert missing.returncode != 0
    assert missing.stderr == f"faqbot: {tmp_path / 'none.jsonl'}: cannot read the log: No such file or directory\n"
    (tmp_path / "latin1.jsonl").write_bytes(b'{"query": "caf\xe9"}\n')
    assert run_faqbot("lint", "--log", str(tmp_path / "latin1.jsonl")).stderr.endswith("cannot read the log: not UTF-8 text\n")


def test_ask_explain_shows_the_phrasing_parts_and_words() -> None:
    text = run_faqbot("ask", "--explain", "is pilates good for my backache")
    assert "best phrasing" in text.stdout and "coverage" in text.stdout
    assert "pilates" in text.stdout and "against (no entry knows it)" in text.stdout
    assert "backache -> back" in text.stdout
    assert re.search(r"learned [\d.]+%: how likely the KB's examples make this entry", text.stdout)
    assert re.search(r"in scope [\d.]+%: how likely they make it that the KB covers the question", text.stdout)
    assert text.stdout.rstrip().endswith(f"threshold {DEFAULT_THRESHOLD_WITH_EXAMPLES:g}: not answered")
    held = run_faqbot("ask", "--explain", "my legs feel numb, can massage help my back?")
    assert held.stdout.rstrip().endswith(  # the sign and the KB pattern that found it, for an author checking a false alarm
        'it mentions a warning sign (numbness or weakness in the legs: "numb leg"), so the notice comes instead of an answer'
    )
    # Found by a KB author's review: a decline for two close entries, or for a question that only
    # points back, said "not answered" and no more.
    # (Two entries score about 51 for it, under the default threshold: a lower one makes it a tie.)
    close = run_faqbot("ask", "--json", "--threshold", "45", "should it hurt").stdout
    pair = [(s["id"], s["score"]) for s in json.loads(close)["suggestions"][:2]]
    assert json.loads(close)["ambiguous"]
    assert run_faqbot("ask", "--explain", "--threshold", "45", "should it hurt").stdout.rstrip().endswith(
        f"not answered: '{pair[0][0]}' ({pair[0][1]:g}) and '{pair[1][0]}' ({pair[1][1]:g}) fit almost equally well, so the bot asks which was meant"
    )
    assert run_faqbot("ask", "--explain", "is that ok for my husband too?").stdout.rstrip().endswith(
        "not answered: it points back at something said before and names no topic of its own, so the bot asks for the whole question"
    )
    hello = run_faqbot("ask", "--explain", "hello").stdout
    assert "Why" not in hello and hello.endswith("  small talk: said back as such; nothing in the KB was matched\n")
    # the synonyms' reading of the phrasing, where it is not the phrasing's own words
    assert "  best phrasing   'how many hours' (read as 'how long')\n" in run_faqbot("ask", "--explain", "how long").stdout
    assert json.loads(run_faqbot("ask", "--json", "--explain", "how long").stdout)["explain"]["phrasing_read"] == "how long"
    assert "read as" not in run_faqbot("ask", "--explain", "what is swedish massage").stdout
    record = json.loads(run_faqbot("ask", "--json", "--explain", "what is effleurage").stdout)
    why = record["explain"]
    assert why["id"] == record["id"] == "technique-swedish-strokes" and why["warning_signs"] == []
    held_record = json.loads(run_faqbot("ask", "--json", "--explain", "my legs feel numb, can massage help my back?").stdout)
    assert held_record["explain"]["warning_signs"] == [{"sign": "numbness or weakness in the legs", "pattern": "numb leg"}]
    assert {w["word"] for w in why["words"]} == {"effleurage"} and why["words"][0]["found_in"] == "phrasing"
    story = run_faqbot("ask", "--explain", "we just moved flats, how long does a couples massage last?")
    flats = next(line for line in story.stdout.splitlines() if line.strip().startswith("flats"))
    assert flats.endswith("against (no entry knows it; said beside the question, so it weighs less)")
    swap = run_faqbot("ask", "--explain", "how long does a pedicure last")
    assert swap.returncode == 1 and "scaled by 0.3: it reads like a KB phrasing with its subject swapped for pedicure" in swap.stdout
    swap_record = json.loads(run_faqbot("ask", "--json", "--explain", "how long does a pedicure last").stdout)
    assert swap_record["id"] is None and swap_record["explain"]["swapped_in"] == ["pedicure"]
    assert why["swapped_in"] == []
    contrast = json.loads(run_faqbot("ask", "--json", "--explain", "besides booking a spa, any pointers to make it go well").stdout)
    assert contrast["explain"]["set_aside"] == ["besides booking a spa"] and why["set_aside"] == []
    assert contrast["explain"]["beside_subject"] == [] == why["beside_subject"]
    beside = run_faqbot("ask", "--json", "--explain", "other than massage, what eases a stiff back?")
    assert beside.returncode == 1 and json.loads(beside.stdout)["explain"]["beside_subject"] == ["other than massage"]


def test_log_unanswered_appends_private_json_lines(tmp_path: Path) -> None:
    log = tmp_path / "unanswered.jsonl"
    run_faqbot("ask", "--log-unanswered", str(log), "how do I get a refund?")
    run_faqbot("ask", "--log-unanswered", str(log), "how long does a couples massage last?")  # answered: not logged
    run_faqbot("--log-unanswered", str(log), input="is pilates good for back pain\n")  # the pipe chat logs too
    run_faqbot("ask", "--log-unanswered", str(log), "hello")  # small talk asks for no entry
    run_faqbot("ask", "--log-unanswered", str(log), "my legs are numb")  # nor does a safety notice
    run_faqbot("ask", "--log-unanswered", str(log), "zzz qqq")  # nothing shares a word: score 0, as in --json
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [r["query"] for r in records] == ["how do I get a refund?", "is pilates good for back pain", "zzz qqq"]
    assert records[2]["score"] == json.loads(run_faqbot("ask", "--json", "zzz qqq").stdout)["score"] == 0.0
    assert set(records[0]) == {"time", "query", "best", "score"}
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_log_lines_from_many_threads_never_interleave(tmp_path: Path) -> None:
    log = UnansweredLog(tmp_path / "log.jsonl")
    reply = reply_to(Matcher(load_kb()), "x" * 3000 + " refund")
    threads = [threading.Thread(target=lambda: [log.record(reply) for _ in range(50)]) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = (tmp_path / "log.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 400 and all(json.loads(line)["query"] == reply.query for line in lines)


def test_an_unwritable_log_warns_once_and_the_bot_still_answers(tmp_path: Path) -> None:
    result = run_faqbot("ask", "--log-unanswered", str(tmp_path / "no" / "such" / "dir.jsonl"), "refund?")
    assert result.returncode == 1 and "I'm not sure" in result.stdout
    assert result.stderr.count("cannot write the unanswered log") == 1


def test_ask_batch_survives_bytes_that_are_not_utf8() -> None:
    import subprocess
    import sys

    from conftest import faqbot_env

    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json"], input=b"caf\xe9 massage length\nhow long does it last\n",
        capture_output=True, env=faqbot_env(), timeout=60,
    )
    assert result.returncode == 0 and b"Traceback" not in result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()][1] == "faq-how-long"


def test_lint_reports_a_mention_the_entry_never_names(tmp_path: Path) -> None:
    kb = write(tmp_path / "kb.yaml", """\
        entries:
          - id: brewing
            question: How do I brew coffee?
            alternates: [coffee brewing, making coffee, brew a cup]
            answer: Use a pour-over or an espresso machine.
            mentions: [espresso, Chemex, grinder, filter papers]
            tips: [Grinders set too fine make it bitter., Rinse the filter paper first.]
            source: Coffee
        """)
    result = run_faqbot("lint", str(kb))
    assert "unused-mention: brewing: mentions 'Chemex'" in result.stdout
    assert "'espresso'" not in result.stdout  # the answer names it
    assert "'grinder'" not in result.stdout and "'filter papers'" not in result.stdout  # in the plural or singular


def test_lint_reports_a_synonym_with_no_words(tmp_path: Path) -> None:
    kb = write(tmp_path / "kb.yaml", COLLIDING + "synonyms:\n  water: [watering, hydrate]\n  fertiliser:\n")
    result = run_faqbot("lint", str(kb))
    assert "empty-synonym: 'fertiliser' lists no synonyms, so it changes nothing" in result.stdout
    assert "'water' lists" not in result.stdout


def test_the_quality_benchmarks_baseline_runs_through_evaluate(monkeypatch: pytest.MonkeyPatch) -> None:
    """benchmarks/quality.py scores a naive matcher with the same evaluate(): it must keep up with it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("quality_benchmark", REPO_ROOT / "benchmarks" / "quality.py")
    assert spec is not None and spec.loader is not None
    quality = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, quality)  # its dataclass looks itself up there
    spec.loader.exec_module(quality)
    naive = quality.NaiveMatcher(load_kb(), all_phrasings=True, threshold=88)
    questions = load_questions(REPO_ROOT / "tests" / "questions" / "tune.yaml")[:40]
    report = evaluate(naive, questions)
    assert sum(report.counts()) == 40 and 0 < report.top1 < 1
