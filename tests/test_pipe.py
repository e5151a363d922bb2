"""The chat without a terminal (`echo "how long is it?" | faqbot`), through a real subprocess."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from bot import load_kb

from conftest import faqbot_env, run_faqbot


def flat(text: str) -> str:
    return " ".join(text.split())


def shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a shell command line; `faqbot` in it stands for this checkout's `python -m bot`."""
    faqbot = f"{shlex.quote(sys.executable)} -m bot"
    return subprocess.run(
        ["bash", "-c", command.replace("faqbot", faqbot)], text=True, capture_output=True, timeout=60, cwd=cwd,
        env=faqbot_env(), stdin=subprocess.DEVNULL,
    )


def test_each_line_is_answered_in_plain_text() -> None:
    kb = load_kb()
    result = run_faqbot(input="how long is it?\nwhat is swedish massage\n")
    assert result.returncode == 0 and result.stderr == ""
    assert "\x1b" not in result.stdout
    out = flat(result.stdout)
    assert out.index(flat(kb["faq-how-long"].answer)) < out.index(flat(kb["technique-swedish"].answer))
    assert "you>" not in result.stdout  # no prompt, no greeting: just the answers
    assert result.stdout.startswith(kb["faq-how-long"].question)


def test_a_last_line_without_a_newline_is_answered() -> None:
    result = run_faqbot("chat", input="how long is it?\nwhat is swedish massage")
    assert result.returncode == 0
    assert flat(load_kb()["technique-swedish"].answer) in flat(result.stdout)


def test_commands_picks_and_small_talk_work_without_a_terminal() -> None:
    kb = load_kb()
    how_long = kb["faq-how-long"]
    related = kb[how_long.related[1]]
    lines = ["hi", "how long does a couples massage last?", "tell me more", "2", "/source", "/topics", "/tips", "thanks"]
    result = run_faqbot(input="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Hello!")
    assert f"2. {related.question}" in out and flat(related.answer) in flat(out)
    assert f"comes from: {related.source}" in flat(out)
    assert "Here is everything I know about:" in out and f"{len(kb)}. {kb.entries[-1].question}" in out
    assert all(flat(tip) in flat(out) for entry in kb for tip in entry.tips)
    assert flat(out).endswith("You're welcome! Ask another question whenever you like.")
    assert "\n\n" in out  # turns are set apart by a blank line


def test_help_without_a_terminal_names_no_keys() -> None:
    result = run_faqbot(input="/help\n")
    assert result.returncode == 0, result.stderr
    assert "type a number to pick one" in result.stdout and "/topics" in result.stdout
    assert "Up and Down" not in result.stdout and "Tab" not in result.stdout


def test_safety_notice_comes_first() -> None:
    result = run_faqbot(input="I have a fever, can couples massage relieve back pain?\n")
    out = result.stdout
    assert out.startswith("Please read this first.\nYou mentioned fever.")
    notice = load_kb().safety
    assert notice is not None and flat(notice.notice) in flat(out)


def test_a_later_answer_recalls_the_warning_sign() -> None:
    kb = load_kb()
    result = run_faqbot(input="what is swedish massage\nmy legs have gone numb\nwhat is swedish massage\n")
    first, later = result.stdout.split(kb["technique-swedish"].question)[1:]
    assert "Remember" not in first.split("Please read this first.")[0]  # no reminder before the sign
    assert flat("Remember that you mentioned numbness or weakness in the legs: please check with a doctor before you act on any answer") in flat(first)
    assert flat(kb["technique-swedish"].answer) in flat(later)


def test_piping_into_head_ends_quietly(tmp_path: Path) -> None:
    result = shell(
        "yes 'how long does a couples massage last?' | head -2000 | faqbot | head -1; echo \"exit ${PIPESTATUS[2]}\"",
        tmp_path,
    )
    assert result.stderr == ""
    assert result.stdout == f"{load_kb()['faq-how-long'].question}\nexit 0\n"


def test_a_closed_stdin_gets_a_clear_message(tmp_path: Path) -> None:
    result = shell("faqbot <&-", tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("faqbot: stdin is closed") and result.stderr.count("\n") == 1


def test_bytes_that_are_not_utf8_do_not_stop_the_chat() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot"], input=b"caf\xe9?\nwhat is swedish massage\n", capture_output=True,
        timeout=60, env=faqbot_env(), cwd=Path.home(),
    )
    assert result.returncode == 0, result.stderr
    assert b"Swedish massage" in result.stdout


@pytest.mark.parametrize("end", ["/quit", "quit", "exit", "bye"])
def test_nothing_after_quit_is_answered(end: str) -> None:
    result = run_faqbot(input=f"{end}\nwhat is swedish massage\n")
    assert result.stdout == "Goodbye!\n"


def test_declined_suggestions_are_numbered_and_pickable() -> None:
    question = "how do I get a refund for my spa voucher?"
    result = run_faqbot(input=f"{question}\n3\n")
    out = result.stdout
    first, _, second = out.partition("\n\n")
    assert first.startswith("I'm not sure I have that.") and "Type 1, 2 or 3 to pick one." in first
    third = [line for line in first.splitlines() if line.startswith("  3. ")][0][5:]
    assert second.startswith(third)
    assert any(entry.question == third for entry in load_kb())


def test_the_pipe_mode_does_not_import_prompt_toolkit(tmp_path: Path) -> None:
    code = "import sys, bot.cli\ncode = bot.cli.main(['chat'])\nprint(code, 'prompt_toolkit' in sys.modules)\n"
    result = subprocess.run(
        [sys.executable, "-c", code], input="/topics\n", text=True, capture_output=True, timeout=60, cwd=tmp_path,
        env=faqbot_env(),
    )
    assert result.stdout.endswith("\n0 False\n"), result.stderr
