"""The `faqbot` command, run for real in a subprocess from a temp dir (never the repo)."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import bot
from bot import Matcher, load_kb, reply_to

from conftest import REPO_ROOT, faqbot_env, run_faqbot, write

JSON_KEYS = {
    "query", "id", "question", "answer", "score", "tips", "source", "suggestions", "ambiguous", "safety", "unexplained", "vague", "small_talk",
}
DECLINED = ["how do I get a refund for my spa voucher?", "what's the weather in Paris tomorrow"]

HOUSEPLANTS = """\
    title: Houseplant care
    entries:
      - id: watering
        question: How often should I water my houseplants?
        alternates:
          - watering schedule for indoor plants
        answer: Water when the top two centimetres of soil feel dry, usually about once a week.
        tips:
          - Empty the saucer so the roots never sit in water.
        source: Plant care guide > Watering
      - id: light
        question: How much light do houseplants need?
        answer: Most houseplants like bright, indirect light near a window.
        related: [watering]
        source: Plant care guide > Light
    """

# Three problems, on lines 4 (a misspelt field, "answr"), 7 (not text) and 13 (unknown related id).
BAD_KB = """\
    entries:
      - id: a
        question: What is a?
        answr: A.
        source: FAQ
      - id: b
        question: 42
        answer: B.
        source: FAQ
      - id: c
        question: What is c?
        answer: C.
        related: [d]
        source: FAQ
    """


@pytest.fixture(scope="module")
def kb() -> bot.KnowledgeBase:
    return load_kb()


def flat(text: str) -> str:
    """Text with its line wrapping undone, to compare wrapped output with KB text."""
    return " ".join(text.split())


def assert_clean_error(result: subprocess.CompletedProcess[str], lines: int = 1) -> list[str]:
    """Exit 2, nothing on stdout, `lines` lines on stderr, and no traceback.

    Problems in a KB file come one per line, followed by a line that counts them; that count
    line is checked here and left out of what is returned.
    """
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    err = result.stderr.splitlines()
    if err and err[-1].endswith("found; nothing was loaded"):
        count = len(err) - 1
        assert err[-1] == f"faqbot: {count} problem{'s' if count != 1 else ''} found; nothing was loaded"
        err = err[:-1]
    assert len(err) == lines, result.stderr
    assert all(line.strip() for line in err)
    return err


def assert_answer(text: str, entry: bot.Entry) -> None:
    assert entry.question in text
    assert flat(entry.answer) in flat(text)
    for tip in entry.tips:
        assert flat(tip) in flat(text)
    assert f"Source: {entry.source}" in text


# --- help and version -----------------------------------------------------------------------------------


def test_version() -> None:
    result = run_faqbot("--version")
    assert result.returncode == 0
    assert re.fullmatch(r"faqbot \d+\.\d+\.\d+\S*\n", result.stdout), result.stdout
    assert result.stdout.split()[1] == bot.__version__


def test_help_lists_the_commands() -> None:
    result = run_faqbot("--help")
    assert result.returncode == 0
    assert result.stderr == ""
    for command in ("ask", "validate", "chat"):
        assert re.search(rf"^\s+{command}\s", result.stdout, re.MULTILINE), command


def test_ask_help_has_an_example() -> None:
    result = run_faqbot("ask", "--help")
    assert result.returncode == 0
    assert "--json" in result.stdout
    assert re.search(r"example.*\n?.*faqbot ask ", result.stdout, re.IGNORECASE), result.stdout


def test_every_question_in_the_help_examples_is_answered() -> None:
    """The examples are a new user's first try: each question in them must get its answer."""
    text = run_faqbot("--help").stdout
    questions = re.findall(r'faqbot ask (?:--\w+ )*"([^"]+)"', text)
    for piped in re.findall(r"printf '([^']+)' \| faqbot ask", text):
        questions += [q for q in piped.split("\\n") if q]
    assert len(questions) >= 4, text
    for question in questions:
        assert json.loads(run_faqbot("ask", "--json", question).stdout)["id"], question


# --- ask ----------------------------------------------------------------------------------------------


def test_ask_answers_from_the_default_kb(kb: bot.KnowledgeBase) -> None:
    result = run_faqbot("ask", "how long does a couples massage last?")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert_answer(result.stdout, kb["faq-how-long"])
    assert "Source: FAQ" in result.stdout
    assert "\x1b[" not in result.stdout


def test_ask_question_in_several_words_without_quotes(kb: bot.KnowledgeBase) -> None:
    result = run_faqbot("ask", "how", "long", "does", "a", "couples", "massage", "last?")
    assert result.returncode == 0, result.stderr
    assert_answer(result.stdout, kb["faq-how-long"])


def test_ask_json_answered(kb: bot.KnowledgeBase) -> None:
    query = "how long does a couples massage last?"
    result = run_faqbot("ask", "--json", query)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1
    reply = json.loads(result.stdout)
    assert set(reply) == JSON_KEYS
    entry = kb["faq-how-long"]
    assert reply["query"] == query
    assert reply["id"] == "faq-how-long"
    assert (reply["question"], reply["answer"], reply["source"]) == (entry.question, entry.answer, "FAQ")
    assert reply["tips"] == list(entry.tips)
    assert isinstance(reply["score"], (int, float)) and 0 <= reply["score"] <= 100
    suggestions = reply["suggestions"]
    assert isinstance(suggestions, list) and len(suggestions) <= 3
    for suggestion in suggestions:
        assert set(suggestion) == {"id", "question", "score"}
        assert suggestion["id"] in kb and suggestion["question"] == kb[suggestion["id"]].question
        assert 0 <= suggestion["score"] <= reply["score"]
    assert "faq-how-long" not in [s["id"] for s in suggestions]


@pytest.mark.parametrize("question", DECLINED)
def test_ask_declines_what_the_kb_does_not_cover(kb: bot.KnowledgeBase, question: str) -> None:
    text = run_faqbot("ask", question)
    assert text.returncode == 1, text.stdout
    assert text.stderr == ""
    assert "I'm not sure" in text.stdout
    assert "Source:" not in text.stdout

    as_json = run_faqbot("ask", "--json", question)
    assert as_json.returncode == 1
    reply = json.loads(as_json.stdout)
    assert set(reply) == JSON_KEYS
    assert reply["query"] == question
    assert (reply["id"], reply["question"], reply["answer"], reply["source"]) == (None, None, None, None)
    assert reply["tips"] == []
    suggestions = reply["suggestions"]
    assert len(suggestions) <= 3
    assert all(s["score"] > 0 for s in suggestions)  # an entry sharing nothing with the question is no suggestion
    assert len({s["id"] for s in suggestions}) == len(suggestions)
    # The text reply offers the same suggestions, numbered.
    for number, suggestion in enumerate(suggestions, 1):
        assert suggestion["id"] in kb
        assert f"{number}. {suggestion['question']}" in flat(text.stdout)


BATCH = [
    "how long does a couples massage last?",
    "what is swedish massage",
    "how do I get a refund for my spa voucher?",
    "what is trigger point therapy",
]


def test_ask_json_batch_one_object_per_line_in_order(kb: bot.KnowledgeBase) -> None:
    # The last line has no trailing newline: it must still be answered.
    result = run_faqbot("ask", "--json", input="\n".join(BATCH))
    assert result.returncode == 0, result.stderr  # batch mode exits 0 even when one is declined
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == len(BATCH)
    replies = [json.loads(line) for line in lines]
    assert [r["query"] for r in replies] == BATCH
    assert all(set(r) == JSON_KEYS for r in replies)
    assert replies[0]["id"] == "faq-how-long"
    assert replies[2]["id"] is None
    assert all(r["id"] is None or r["answer"] == kb[r["id"]].answer for r in replies)


@pytest.mark.parametrize(
    "question",
    [
        "how long does a couples massage last?",  # an answer
        "how do I get a refund for my spa voucher?",  # a decline with suggestions
        "how much is it",  # a decline with no topic near: what the KB is about instead
        "my partner has numbness in his legs, can we still do deep tissue?",  # the safety notice first
    ],
)
def test_the_library_gives_a_reply_as_the_cli_prints_it(
    kb: bot.KnowledgeBase, question: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "72")
    matcher = Matcher(kb)
    reply = reply_to(matcher, question)
    text = bot.reply_text(reply, kb, width=72)
    assert text == run_faqbot("ask", question).stdout
    if reply.notice:  # before the topics for later
        assert flat(text).index(flat(reply.notice)[:40]) < flat(text).index(reply.suggestions[0].entry.question)
    if reply.entry is not None:
        assert reply.entry.answer.split()[0] in text
    elif not reply.suggestions:
        assert "about" in text.lower()


def test_ask_text_batch_answers_each_line(kb: bot.KnowledgeBase) -> None:
    matcher = Matcher(kb)
    expected = [reply_to(matcher, question) for question in BATCH]
    result = run_faqbot("ask", input="\n".join(BATCH) + "\n")
    assert result.returncode == 0, result.stderr
    blocks = result.stdout.split("\n\n")
    assert len(blocks) == len(BATCH), result.stdout
    for block, reply in zip(blocks, expected):
        if reply.entry is None:
            assert block.startswith("I'm not sure")
        else:
            assert_answer(block, reply.entry)
    assert expected[0].entry is not None and expected[0].entry.id == "faq-how-long"
    assert expected[2].entry is None


def test_ask_batch_skips_blank_lines_in_text_and_keeps_them_in_json(tmp_path: Path) -> None:
    log = tmp_path / "unanswered.jsonl"
    text = run_faqbot("ask", "--log-unanswered", str(log), input="how long does it last\n\n   \nwhat is effleurage\n")
    assert text.returncode == 0, text.stderr
    assert "I'm not sure" not in text.stdout and text.stdout.count("\n\n") == 1  # two answers, one gap
    records = run_faqbot("ask", "--json", "--log-unanswered", str(log), input="how long does it last\n\n").stdout.splitlines()
    assert [json.loads(r)["score"] for r in records][1] is None and len(records) == 2  # paired with the input lines
    assert not log.exists()  # an empty line asks the KB's author for nothing


# --- a KB of your own ---------------------------------------------------------------------------------


def test_the_kbs_own_threshold_is_used_and_the_flag_overrides_it(tmp_path: Path) -> None:
    question = "how often should the plants get water"
    plain = write(tmp_path / "plants.yaml", HOUSEPLANTS)
    score = json.loads(run_faqbot("--kb", str(plain), "ask", "--json", question).stdout)["score"]
    assert 40 < score < 95
    strict = write(tmp_path / "strict" / "plants.yaml", "threshold: 95\n" + textwrap.dedent(HOUSEPLANTS))
    for _ in range(2):  # building the index, then from the index cache
        assert json.loads(run_faqbot("--kb", str(strict), "ask", "--json", question).stdout)["id"] is None
    assert json.loads(run_faqbot("--kb", str(strict), "ask", "--json", "--threshold", "40", question).stdout)["id"] == "watering"
    assert "threshold 95:" in run_faqbot("--kb", str(strict), "ask", "--explain", question).stdout
    assert run_faqbot("--kb", str(strict), "validate").stdout.endswith(", threshold 95\n")
    assert run_faqbot("--kb", str(plain), "validate").stdout.endswith(" in 1 file\n")
    assert "threshold 95" in run_faqbot("--kb", str(strict), "eval", str(write(tmp_path / "q.yaml", f"questions:\n  - q: {question}\n    expect: watering\n"))).stdout


@pytest.mark.parametrize("set_by_user", [None, "2"])
def test_the_cli_trains_with_one_blas_thread_unless_told_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, set_by_user: str | None
) -> None:
    """Threads slow the small model's training down, most on a busy machine (docs/performance.md)."""
    if set_by_user is None:
        monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    else:
        monkeypatch.setenv("OPENBLAS_NUM_THREADS", set_by_user)
    script = "import os, sys; from bot.cli import main; main(['validate']); print(os.environ['OPENBLAS_NUM_THREADS'])"
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, env=faqbot_env(), timeout=60)
    assert shown.stdout.splitlines()[-1] == (set_by_user or "1"), shown.stderr


def test_kb_option_answers_from_a_custom_kb(tmp_path: Path) -> None:
    plants = write(tmp_path / "plants.yaml", HOUSEPLANTS)
    entry = load_kb(plants)["watering"]

    result = run_faqbot("--kb", str(plants), "ask", "--json", "how often do I water my houseplants?")
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert (reply["id"], reply["answer"], reply["source"]) == ("watering", entry.answer, "Plant care guide > Watering")
    assert [s["id"] for s in reply["suggestions"]] == ["light"]

    # After the command too, and a relative path is read from the working directory.
    text = run_faqbot("ask", "--kb", "plants.yaml", "how often do I water my houseplants?", cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    assert_answer(text.stdout, entry)
    assert "massage" not in text.stdout.lower()


def test_kb_option_with_a_bad_kb(tmp_path: Path) -> None:
    write(tmp_path / "bad.yaml", "entries:\n  - id: a\n    question: Q?\n    answer: A.\n    sorce: FAQ\n")
    result = run_faqbot("--kb", "bad.yaml", "ask", "x", cwd=tmp_path)
    [line] = assert_clean_error(result, lines=1)  # not also "missing required field 'source'"
    assert line == "bad.yaml:5:5: entry 'a': unknown field 'sorce' (did you mean 'source'?)"


def test_kb_option_with_a_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "kb.yaml"
    result = run_faqbot("--kb", str(missing), "ask", "how long?")
    err = assert_clean_error(result)
    assert str(missing) in err[0]


# --- validate -----------------------------------------------------------------------------------------


def test_validate_the_default_kb(kb: bot.KnowledgeBase) -> None:
    result = run_faqbot("validate")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert f"{len(kb)} entries and {len(kb.examples):,} examples in" in lines[0]
    assert f"{len(kb.files)} files" in lines[0]
    assert lines[0].startswith(f"{REPO_ROOT / 'knowledge'}: ")  # found from a cwd outside the repo


def test_validate_counts_in_words_that_agree(tmp_path: Path) -> None:
    (tmp_path / "kb.yaml").write_text("entries:\n  - id: a\n    question: Q?\n    answer: A.\n    source: S\n", encoding="utf-8")
    assert run_faqbot("validate", "kb.yaml", cwd=tmp_path).stdout == "kb.yaml: OK, 1 entry in 1 file\n"
    with (tmp_path / "kb.yaml").open("a", encoding="utf-8") as kb:
        kb.write("examples:\n  - {q: what is a, expect: a}\n")
    assert run_faqbot("validate", "kb.yaml", cwd=tmp_path).stdout == "kb.yaml: OK, 1 entry and 1 example in 1 file\n"


def test_validate_a_bad_kb_reports_every_problem(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.yaml", BAD_KB)
    with pytest.raises(bot.FaqbotError) as caught:
        load_kb(bad)
    problems = caught.value.problems
    assert [p.line for p in problems] == [4, 7, 13]

    result = run_faqbot("validate", str(bad))
    err = assert_clean_error(result, lines=len(problems))
    for line, problem in zip(err, problems):
        assert f"{bad}:{problem.line}:{problem.column}: " in line
        assert problem.message in line
        if problem.entry_id:
            assert f"entry '{problem.entry_id}': " in line


def test_validate_problem_lines_all_have_the_documented_form(tmp_path: Path) -> None:
    write(tmp_path / "bad.yaml", BAD_KB)
    result = run_faqbot("validate", "bad.yaml", cwd=tmp_path)
    err = assert_clean_error(result, lines=3)
    for line in err:
        assert re.match(r"bad\.yaml:\d+:\d+: (entry '[a-z]+': )?\S", line), line


def test_validate_kb_option(tmp_path: Path) -> None:
    plants = write(tmp_path / "kb" / "plants.yaml", HOUSEPLANTS)
    write(tmp_path / "kb" / "README.md", "not a KB file\n")
    good = run_faqbot("validate", "--kb", str(plants.parent))
    assert good.returncode == 0, good.stderr
    lines = good.stdout.splitlines()
    assert len(lines) == 1
    assert str(plants.parent) in lines[0] and "2 entries" in lines[0] and "1 file" in lines[0]

    bad = write(tmp_path / "bad.yaml", BAD_KB)
    result = run_faqbot("validate", "--kb", str(bad))
    err = assert_clean_error(result, lines=3)
    assert all(f"{bad}:" in line for line in err)
    for command in ("validate", "lint"):  # --kb before the command names the KB too
        before = run_faqbot("--kb", str(bad), command)
        assert before.returncode == 2 and f"{bad}:" in before.stderr, (command, before.stdout)
    both = run_faqbot("--kb", str(bad), "validate", str(plants.parent))
    assert both.returncode == 2 and "two KBs given" in both.stderr


# --- bad usage ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["frobnicate"], ["frobnicate"]),
        (["--frobnicate"], ["--frobnicate"]),
        (["ask", "--threshold", "200", "x"], ["threshold", "200"]),
        (["ask", "--threshold", "lots", "x"], ["threshold", "lots"]),
        (["validate", "one.yaml", "two.yaml"], ["two.yaml"]),
    ],
    ids=["unknown-command", "unknown-flag", "threshold-too-high", "threshold-not-a-number", "extra-argument"],
)
def test_bad_usage_is_one_line_and_exit_2(args: list[str], words: list[str]) -> None:
    result = run_faqbot(*args)
    err = assert_clean_error(result)
    for word in words:
        assert word in err[0]
    assert "--help" in err[0]


# --- chat without a terminal -------------------------------------------------------------------------


def test_piped_chat_is_plain_text(kb: bot.KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)  # plain because stdout is a pipe, not because of NO_COLOR
    result = run_faqbot(input="how long does it last?\n/help\n/quit\nwhat is swedish massage\n")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert "\x1b[" not in out and "\x1b" not in out
    assert_answer(out, kb["faq-how-long"])
    assert "/help" in out and "/quit" in out  # the help text lists the commands
    assert "Goodbye" in out
    # Nothing after /quit is answered.
    assert out.rstrip().endswith("Goodbye!")
    assert kb["technique-swedish"].source not in out  # its answer would end with its source


def test_piped_chat_numbered_pick_shows_that_suggestion(kb: bot.KnowledgeBase) -> None:
    question = DECLINED[0]
    reply = reply_to(Matcher(kb), question)
    assert reply.entry is None and reply.suggestions
    picked = reply.suggestions[0].entry

    result = run_faqbot("chat", input=f"{question}\n1\n")
    assert result.returncode == 0, result.stderr
    declined, _, after = result.stdout.partition("Did you mean one of these?")
    assert "I'm not sure" in declined
    assert f"1. {picked.question}" in after
    assert_answer(after.split(f"1. {picked.question}", 1)[1], picked)


# --- pipes and imports ----------------------------------------------------------------------------------


def test_closed_pipe_is_quiet(tmp_path: Path) -> None:
    questions = "\n".join(["how long does a couples massage last?", "what is swedish massage"] * 3000) + "\n"
    command = f"{shlex.quote(sys.executable)} -m bot ask --json | head -1"
    result = subprocess.run(
        command, shell=True, input=questions, text=True, capture_output=True, timeout=60, cwd=tmp_path,
        env=faqbot_env(),
    )
    assert result.returncode == 0
    assert "Traceback" not in result.stderr
    assert "BrokenPipe" not in result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["id"] == "faq-how-long"


@pytest.mark.parametrize(("question", "status"), [("how long does it last?", 0), ("my legs feel numb, can a massage help?", 1)])
def test_a_closed_pipe_keeps_the_answers_exit_status(tmp_path: Path, question: str, status: int) -> None:
    """`faqbot ask Q | true`: the reader is gone before the reply is written, and a script still learns the outcome."""
    command = f"{shlex.quote(sys.executable)} -m bot ask {shlex.quote(question)} | true; echo \"exit ${{PIPESTATUS[0]}}\""
    result = subprocess.run(
        ["bash", "-c", command], text=True, capture_output=True, timeout=60, cwd=tmp_path, env=faqbot_env()
    )
    assert result.stdout == f"exit {status}\n" and result.stderr == ""


def test_ask_and_validate_do_not_import_prompt_toolkit(tmp_path: Path) -> None:
    code = (
        "import sys, bot.cli\n"
        "codes = [bot.cli.main(['ask', '--json', 'how long?']), bot.cli.main(['validate'])]\n"
        "print(codes, 'prompt_toolkit' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], text=True, capture_output=True, timeout=60, cwd=tmp_path, env=faqbot_env(),
    )
    assert result.returncode == 0, result.stderr
    *replies, summary, last = result.stdout.splitlines()
    assert last in ("[0, 0] False", "[1, 0] False"), result.stdout
    assert len(replies) == 1 and set(json.loads(replies[0])) == JSON_KEYS
    assert "OK" in summary


def test_a_caution_comes_before_the_answer_which_is_still_given(kb: bot.KnowledgeBase) -> None:
    """Pregnancy is not a warning sign: the article reports benefits, but not what is safe."""
    question = "my wife is pregnant, can I massage her lower back?"
    text = run_faqbot("ask", question)
    assert text.returncode == 0, text.stdout  # answered
    assert text.stdout.startswith("Please read this first.\nYou mentioned pregnancy. The article does not cover")
    assert text.stdout.index("midwife") < text.stdout.index("Source:")
    reply = json.loads(run_faqbot("ask", "--json", question).stdout)
    assert reply["safety"]["holds_answer"] is False and reply["safety"]["signs"] == ["pregnancy"]
    assert reply["id"] == "benefit-physical-health"
    strained = json.loads(run_faqbot("ask", "--json", "I pulled a muscle in my back this morning, can massage help?").stdout)
    assert strained["safety"]["holds_answer"] is False and strained["id"] is not None
    assert "checked by a doctor or physiotherapist" in strained["safety"]["notice"]
    both = json.loads(run_faqbot("ask", "--json", "I'm pregnant and my legs feel numb").stdout)
    assert both["safety"]["holds_answer"] is True and both["id"] is None  # a warning sign still holds it back


def test_ask_shows_the_safety_notice_instead_of_an_answer(kb: bot.KnowledgeBase) -> None:
    question = "my legs feel numb, can couples massage help my back?"
    text = run_faqbot("ask", question)
    assert text.returncode == 1  # not answered
    assert text.stdout.startswith("Please read this first.\nYou mentioned numbness or weakness in the legs.")
    assert text.stdout.index("call emergency services") < text.stdout.index("Nearest topics I can tell you about")
    assert "Source:" not in text.stdout  # no answer about massage under a notice to hold off on it
    reply = json.loads(run_faqbot("ask", "--json", question).stdout)
    assert reply["safety"] == {"signs": ["numbness or weakness in the legs"], "notice": kb.safety.notice, "holds_answer": True}  # type: ignore[union-attr]
    assert reply["id"] is None and "faq-back-pain-relief" in [s["id"] for s in reply["suggestions"]]
    plain_question = json.loads(run_faqbot("ask", "--json", "how long does a couples massage last?").stdout)
    assert plain_question["safety"] is None and plain_question["ambiguous"] is False
    alone = run_faqbot("ask", input="I have a fever\nhow long is it\n").stdout  # a notice with no topics for later
    assert "emergency services now.\n\nHow long" in alone  # one blank line between replies, as between answers


@pytest.mark.parametrize(("question", "what"), [("", "is empty"), ("   ", "is empty"), ("?", "has no words"), ("😀 !!", "has no words")])
def test_ask_an_empty_question_is_a_usage_error(question: str, what: str) -> None:
    result = run_faqbot("ask", question)
    assert result.returncode == 2 and not result.stdout
    assert result.stderr == f'faqbot: the question {what}: ask something, e.g. faqbot ask "What is Swedish massage?"\n'


def test_ask_answers_small_talk_as_the_chat_does_never_from_the_kb() -> None:
    thanks = run_faqbot("ask", "thank you so much")  # not "too much pressure"
    assert thanks.returncode == 1 and thanks.stdout.startswith("You're welcome!") and "Source:" not in thanks.stdout
    hello = json.loads(run_faqbot("ask", "--json", "Hello there!").stdout)
    assert hello["small_talk"].startswith("Hello!") and hello["id"] is None and hello["suggestions"] == []
    assert "ask me a question" in run_faqbot("ask", "help").stdout.lower()
    question = json.loads(run_faqbot("ask", "--json", "hi, how long does it last?").stdout)
    assert question["id"] == "faq-how-long" and question["small_talk"] is None


def test_ask_json_scores_a_question_nothing_fits_as_zero() -> None:
    reply = json.loads(run_faqbot("ask", "--json", "xyzzy plugh").stdout)
    assert reply["score"] == 0 and reply["suggestions"] == [] and reply["id"] is None


def test_a_question_given_as_the_command_points_to_ask() -> None:
    result = run_faqbot("how long does it last")
    assert result.returncode == 2 and 'faqbot ask "QUESTION"' in result.stderr and "Traceback" not in result.stderr


def test_ask_accepts_no_color_like_the_chat() -> None:
    result = run_faqbot("ask", "--no-color", "how long does a couples massage last?")
    assert result.returncode == 0 and "\x1b" not in result.stdout


def test_ask_says_when_a_term_is_only_mentioned_in_passing() -> None:
    text = run_faqbot("ask", "what is shiatsu?")
    assert text.returncode == 1
    assert "I have no explanation of shiatsu; the term is only mentioned in passing." in flat(text.stdout)
    assert "1. What is Swedish massage?" in text.stdout  # the entry that names it, offered
    reply = json.loads(run_faqbot("ask", "--json", "what is shiatsu?").stdout)
    assert reply["unexplained"] == ["shiatsu"] and reply["id"] is None
    other = json.loads(run_faqbot("ask", "--json", "can I get a refund").stdout)
    assert other["unexplained"] == []


def test_ask_in_the_kbs_own_words_needs_no_stemmer_once_the_index_is_cached(tmp_path: Path) -> None:
    # Importing snowballstemmer (all its languages) costs more start-up time than all of faqbot:
    # the cached index knows the stems of the KB's words and of its safety patterns.
    env = faqbot_env()
    subprocess.run([sys.executable, "-m", "bot", "ask", "warm the cache"], capture_output=True, timeout=60, cwd=tmp_path, env=env)
    code = (
        "import sys, io, contextlib, bot.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    bot.cli.main(['ask', 'can massage help my back?'])\n"
        "print('snowballstemmer' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], text=True, capture_output=True, timeout=60, cwd=tmp_path, env=env)
    assert result.stdout == "False\n", result.stderr


@pytest.mark.parametrize(
    "question",
    ["and is that ok for my husband too?", "what about for him", "and for my wife?", "how about for my partner?", "same for me?",
     "what", "why?", "but how?"],  # a bare question word: "what" was answered with the overview, "why" with the benefits
)
def test_a_question_that_only_points_back_is_not_answered(question: str) -> None:
    """It scored 77.6 on its one KB word ("partner"), but it asks about an answer the bot cannot see."""
    text = run_faqbot("ask", question)
    assert text.returncode == 1 and text.stdout.startswith("I can't tell what that refers to: please ask the whole question")
    reply = json.loads(run_faqbot("ask", "--json", question).stdout)
    assert reply["vague"] is True and reply["id"] is None


@pytest.mark.parametrize(
    "question", ["what is this article about?", "how long does it last?", "is it safe for my partner?", "is it relaxing?"]
)
def test_a_question_with_a_topic_of_its_own_is_not_vague(question: str) -> None:
    reply = json.loads(run_faqbot("ask", "--json", question).stdout)
    assert reply["vague"] is False and (reply["id"] is not None or reply["ambiguous"])  # answered, or "A or B?"


def test_a_decline_with_no_topic_near_says_what_the_kb_is_about(tmp_path: Path) -> None:
    kb = write(tmp_path / "plants.yaml", HOUSEPLANTS)
    result = run_faqbot("--kb", str(kb), "ask", "what's the weather in Paris tomorrow")
    assert result.returncode == 1, result.stderr
    said = " ".join(result.stdout.split())
    assert said == "I'm not sure I have that. Ask me a question about “Houseplant care”, for example “How much light do houseplants need?”."


def test_an_off_topic_question_that_says_it_is_declined_as_off_topic_not_as_vague() -> None:
    reply = json.loads(run_faqbot("ask", "--json", "how much does it cost").stdout)
    assert reply["vague"] is False and reply["id"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", "--jsn", "hi"], "faqbot: unrecognized argument '--jsn' (did you mean --json?) (see 'faqbot ask --help')"),
        (["eval", "--sweeep", "x.yaml"], "faqbot: unrecognized argument '--sweeep' (did you mean --sweep?) (see 'faqbot eval --help')"),
        (["ask", "--zzz", "hi"], "faqbot: unrecognized argument '--zzz' (see 'faqbot ask --help')"),
    ],
)
def test_a_mistyped_option_is_named_with_the_closest_one_of_its_command(args: list[str], message: str) -> None:
    assert assert_clean_error(run_faqbot(*args)) == [message]
