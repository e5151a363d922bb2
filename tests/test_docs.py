"""Meta-tests: the examples in docstrings run, and every command is documented where users look."""

from __future__ import annotations

import doctest
import importlib
import json
import pkgutil
import re

import pytest

import bot
from bot.cli import build_parser
from bot.matcher import DEFAULT_THRESHOLD, DEFAULT_THRESHOLD_WITH_EXAMPLES

from conftest import REPO_ROOT, run_faqbot

MODULES = sorted(m.name for m in pkgutil.iter_modules(bot.__path__, "bot.") if m.name != "bot.__main__")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def commands() -> list[str]:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")  # noqa: SLF001 - argparse has no public way
    return sorted(subparsers.choices)  # type: ignore[arg-type]


@pytest.mark.parametrize("command", commands())
def test_every_command_is_in_the_readme_and_has_an_example(command: str) -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"`faqbot {command}\b", readme), f"README.md does not show `faqbot {command}`"
    subparsers = next(a for a in build_parser()._actions if a.dest == "command")  # noqa: SLF001
    help_text = subparsers.choices[command].format_help()  # type: ignore[index]
    assert "example" in help_text


def test_every_public_name_is_exported_and_documented() -> None:
    for name in bot.__all__:
        value = getattr(bot, name)
        if callable(value):
            assert value.__doc__, f"bot.{name} has no docstring"


def test_the_readme_gives_the_default_thresholds_the_code_uses() -> None:
    readme = " ".join((REPO_ROOT / "README.md").read_text(encoding="utf-8").split())
    stated = re.search(r"\(default (\d+) for a KB with `examples`, such as the built-in one, and (\d+) for a KB without", readme)
    assert stated, "README.md no longer states the default thresholds where users look for them"
    assert (float(stated[1]), float(stated[2])) == (DEFAULT_THRESHOLD_WITH_EXAMPLES, DEFAULT_THRESHOLD)


def test_the_readme_ask_json_example_is_what_ask_prints() -> None:
    """The contract's example, its answer shortened with "…", against the real command."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    shown = json.loads(readme.split("### `ask --json`", 1)[1].split("```json\n", 1)[1].split("```", 1)[0])
    result = run_faqbot("ask", "--json", shown["query"])
    assert result.returncode == 0, result.stderr
    actual = json.loads(result.stdout)
    assert actual["answer"].startswith(shown.pop("answer").removesuffix("…").strip())
    del actual["answer"]
    assert actual == shown


def test_the_readme_chat_session_is_what_the_chat_says() -> None:
    """The session under "Using it", replayed through the real chat (piped, so no prompts and 80 columns)."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    session = readme.split("```text\n$ faqbot\n", 1)[1].split("```", 1)[0]
    questions, replies = [], []
    for turn in session.split("you> ")[1:]:
        question, _, reply = turn.partition("\n")
        questions.append(question)
        replies.append(" ".join(reply.split()))
    result = run_faqbot(input="".join(f"{q}\n" for q in questions))
    assert result.returncode == 0, result.stderr
    assert " ".join(result.stdout.split()) == " ".join(replies)
