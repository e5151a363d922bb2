"""The interactive chat, as a person uses it.

Two ways in: prompt_toolkit's pipe input with a VT100 output written to a string (fast, and it
drives the real PromptSession with its key bindings), and a real pseudo-terminal (pexpect) for
what only a terminal shows: the greeting, history across runs, suggestions, completion, colour.
"""

from __future__ import annotations

import functools
import io
import re
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.data_structures import Size
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory, InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output

from bot import Matcher, load_kb, reply_to
from bot.chat import chat_completer, chat_toolbar, history_path, open_history, run_chat
from bot.conversation import Conversation

from conftest import faqbot_env

PROMPT = "you> "
ENTER, CTRL_C, CTRL_D, RIGHT, TAB = "\r", "\x03", "\x04", "\x1b[C", "\t"
# Any escape sequence (CSI, OSC, charset and keypad switches) and the SGR colour parameters.
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][0-9A-B]|[=>])")
_SGR = re.compile(r"\x1b\[([0-9;]*)m")
_COLOUR = re.compile(r"(?:^|;)(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;|$)")
# A question the default KB declines while still suggesting close topics.
DECLINED = "how do I get a refund for my spa voucher?"


def flat(text: str) -> str:
    return " ".join(text.split())


def screen_text(raw: str) -> str:
    """What the user reads: the output without escape sequences, whitespace collapsed."""
    return flat(_ESCAPE.sub("", raw))


def has_colour(raw: str) -> bool:
    return any(_COLOUR.search(params) for params in _SGR.findall(raw))


@functools.cache
def matcher() -> Matcher:
    return Matcher(load_kb())


def run_keys(keys: str, *, color: bool = True, history: InMemoryHistory | None = None) -> tuple[int, str]:
    """Type `keys` into the real chat (default KB) and return its exit code and raw output."""
    raw = io.StringIO()
    output = Vt100_Output(raw, lambda: Size(rows=40, columns=100), term="xterm-256color", enable_cpr=False)
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        code = run_chat(matcher(), color=color, history=history or InMemoryHistory(), input=pipe, output=output)
    return code, raw.getvalue()


# --- the chat through prompt_toolkit's pipe input ----------------------------------------------------------


def test_ask_pick_more_topics_ctrl_c_and_ctrl_d() -> None:
    kb = matcher().kb
    declined = reply_to(matcher(), DECLINED)
    assert declined.entry is None and declined.suggestions[0].score > 0  # the chat hides score-0 suggestions
    picked = declined.suggestions[0].entry
    related = kb[kb["faq-how-long"].related[0]]
    keys = [
        "how long does a couples massage last?", "/more", "1",  # answer, its related entries, pick one
        DECLINED, "1",  # decline with suggestions, pick the first
        "half a question" + CTRL_C + "/topics",  # Ctrl-C clears the line: only /topics is sent
    ]
    code, raw = run_keys(ENTER.join(keys) + ENTER + CTRL_D)
    seen = screen_text(raw)

    assert code == 0
    assert seen.index(flat(kb["faq-how-long"].answer)) < seen.index("Source: FAQ")
    assert f"1. {related.question}" in seen and flat(related.answer) in seen
    assert "I'm not sure I have that" in seen and f"1. {picked.question}" in seen
    assert seen.index("I'm not sure I have that") < seen.index(flat(picked.answer))
    topics = seen[seen.index("Here is everything I know about:"):]
    for entry in kb:
        assert entry.question in topics
    assert "half a question" not in topics and "not sure" not in topics
    assert seen.endswith("Goodbye!")


def test_a_pasted_colour_code_is_dropped_not_a_traceback() -> None:
    # prompt_toolkit reads "\x1b[31m" as a mouse event and its own handler fails on it.
    code, raw = run_keys("what is \x1b[31mswedish massage" + ENTER + CTRL_D)
    seen = screen_text(raw)
    assert code == 0 and "Unhandled exception" not in raw and "Traceback" not in raw
    assert flat(matcher().kb["technique-swedish"].answer) in seen


def test_colours_come_from_the_style_and_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    keys = "how long does a couples massage last?" + ENTER + DECLINED + ENTER + CTRL_D
    assert has_colour(run_keys(keys)[1])
    code, raw = run_keys(keys, color=False)
    assert code == 0 and not has_colour(raw)
    assert "Source: FAQ" in screen_text(raw)


def test_questions_are_added_to_the_history() -> None:
    history = InMemoryHistory()
    run_keys("what is swedish massage" + ENTER + "/topics" + ENTER + CTRL_D, history=history)
    assert list(history.load_history_strings()) == ["/topics", "what is swedish massage"]


# --- completion and toolbar ---------------------------------------------------------------------------------


def completions(text: str) -> list[str]:
    completer = chat_completer(matcher().kb)
    return [c.text for c in completer.get_completions(Document(text), CompleteEvent(completion_requested=True))]


def test_commands_complete_fuzzily() -> None:
    assert completions("/to") == ["/topics"]
    assert completions("/tps") == ["/tips", "/topics"]
    assert completions("/more x") == []


def test_questions_complete_by_words_in_any_order_with_typos() -> None:
    assert completions("swedish massage")[:2] == ["What is Swedish massage?", "What strokes are used in Swedish massage?"]
    assert completions("swdish")[0] == "What is Swedish massage?"
    assert completions("sweedish")[0] == "What is Swedish massage?"  # a letter too many
    assert completions("last how long") == ["How long does a couples massage last?"]
    assert completions("pilates") == []
    assert completions("2") == [] and completions("w") == []


def test_completions_show_the_section() -> None:
    completer = chat_completer(matcher().kb)
    (completion,) = completer.get_completions(Document("how long last"), CompleteEvent())
    assert completion.display_meta_text == "FAQ" and completion.start_position == -len("how long last")


def test_toolbar_shows_the_main_keys_and_what_can_be_picked() -> None:
    conversation = Conversation(matcher())
    toolbar = chat_toolbar(conversation)
    text = "".join(fragment[1] for fragment in toolbar())
    assert "Enter ask" in text and "Ctrl-D quit" in text and "pick" not in text
    conversation.respond(DECLINED)
    assert "1-3 pick" in "".join(fragment[1] for fragment in toolbar())


# --- history file -------------------------------------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_history_lives_under_xdg_state_home_and_only_its_owner_can_read_it(isolated_home: Path) -> None:
    path = history_path()
    assert path == isolated_home / "state" / "faqbot" / "history"
    history = open_history()
    assert isinstance(history, FileHistory)
    assert mode(path) == 0o600 and mode(path.parent) == 0o700


def test_history_defaults_to_local_state_when_xdg_state_home_is_unset_or_relative(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_STATE_HOME")
    assert history_path() == isolated_home / ".local" / "state" / "faqbot" / "history"
    monkeypatch.setenv("XDG_STATE_HOME", "relative/state")
    assert history_path() == isolated_home / ".local" / "state" / "faqbot" / "history"


def test_an_existing_history_file_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "history"
    path.write_text("\n# 2024-01-01\n+what is swedish massage\n")
    path.chmod(0o644)
    history = open_history(path)
    assert mode(path) == 0o600
    assert list(history.load_history_strings()) == ["what is swedish massage"]


def test_an_unusable_history_location_only_warns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")  # a file where the directory should be: fails even for root
    history = open_history(blocker / "faqbot" / "history")
    assert isinstance(history, InMemoryHistory)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("faqbot: warning: history will not be saved")
    assert str(blocker) in err


def test_the_chat_runs_with_an_unusable_history(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "state").write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    raw = io.StringIO()
    output = Vt100_Output(raw, lambda: Size(rows=40, columns=100), enable_cpr=False)
    with create_pipe_input() as pipe:
        pipe.send_text("what is swedish massage" + ENTER + CTRL_D)
        assert run_chat(matcher(), input=pipe, output=output) == 0
    assert "history will not be saved" in capsys.readouterr().err
    assert "Source: Massage Techniques" in screen_text(raw.getvalue())


# --- a real terminal (pexpect) ------------------------------------------------------------------------------


def chat_env(**extra: str) -> dict[str, str]:
    # A pexpect pty does not answer prompt_toolkit's cursor-position request; without this,
    # keys typed while it waits for the answer can be lost.
    return {**faqbot_env(), "PROMPT_TOOLKIT_NO_CPR": "1", **extra}


def spawn(*args: str, **env: str) -> pexpect.spawn[str]:
    """Start the chat in a 100x40 pseudo-terminal and wait for its prompt; all it writes goes to logfile_read."""
    child = pexpect.spawn(
        sys.executable, ["-m", "bot", *args], env=chat_env(**env), encoding="utf-8", timeout=15, dimensions=(40, 100)
    )
    child.logfile_read = io.StringIO()  # everything the chat writes, for test_no_color
    child.expect_exact(PROMPT)
    return child


@pytest.fixture
def chat() -> Iterator[pexpect.spawn[str]]:
    child = spawn()
    yield child
    child.close(force=True)


def shows(child: pexpect.spawn[str], text: str) -> None:
    """Wait until `text` appears on the screen, however the terminal wrapped or coloured it."""
    child.expect(rf"(?:\s|{_ESCAPE.pattern})+".join(re.escape(word) for word in text.split()))


def say(child: pexpect.spawn[str], line: str, *expected: str) -> None:
    """Type a line, press Enter, wait for each expected text in turn, then for the next prompt.

    Keys sent before the prompt is back could reach the terminal while it is not in raw mode.
    """
    child.sendline(line)
    for text in expected:
        shows(child, text)
    child.expect_exact(PROMPT)


def leave(child: pexpect.spawn[str]) -> None:
    child.sendcontrol("d")
    child.expect_exact("Goodbye!")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_greeting_names_the_topic_and_says_it_is_not_medical_advice() -> None:
    child = spawn()
    greeting = screen_text(str(child.before))
    kb = matcher().kb
    assert kb.title and kb.title in greeting
    assert "/help" in greeting and "not medical advice" in greeting
    leave(child)


def test_ask_pick_a_suggestion_more_topics_ctrl_c_and_ctrl_d(chat: pexpect.spawn[str]) -> None:
    kb = matcher().kb
    how_long = kb["faq-how-long"]
    say(chat, "how long does a couples massage last?", how_long.answer, "Source: FAQ")
    say(chat, "/more", f"1. {kb[how_long.related[0]].question}")
    say(chat, "1", kb[how_long.related[0]].answer)

    declined = reply_to(matcher(), DECLINED)
    first = declined.suggestions[0].entry
    say(chat, DECLINED, "I'm not sure I have that", f"1. {first.question}")
    say(chat, "1", first.answer, f"Source: {first.source}")
    say(chat, "/topics", "Here is everything I know about:", f"{len(kb)}. {kb.entries[-1].question}")

    # Ctrl-C clears the line and keeps the chat running: "/help" alone is what gets sent.
    chat.send("half a question")
    chat.sendcontrol("c")
    say(chat, "/help", "Commands:", "every practical tip")
    leave(chat)


def test_a_question_pasted_over_two_lines_is_one_question(chat: pexpect.spawn[str]) -> None:
    chat.send("\x1b[200~how long does a couples\nmassage last?\x1b[201~")  # a bracketed paste
    say(chat, "", "How long does a couples massage last?", "Usually an hour or more")
    leave(chat)


def test_safety_notice_before_the_answer(chat: pexpect.spawn[str]) -> None:
    say(chat, "I fell off a ladder, can couples massage relieve back pain?",
        "Please read this first.", "pain after a fall or injury", "emergency services")
    leave(chat)


def test_unknown_command_and_quit(chat: pexpect.spawn[str]) -> None:
    say(chat, "/dance", "Unknown command /dance")
    chat.sendline("/quit")
    chat.expect_exact("Goodbye!")
    chat.expect(pexpect.EOF)
    chat.close()
    assert chat.exitstatus == 0


def test_history_is_kept_between_chats_and_suggested(isolated_home: Path) -> None:
    first = spawn()
    say(first, "what is swedish massage", "Source: Massage Techniques for Back Pain > Swedish Massage")
    leave(first)
    path = isolated_home / "state" / "faqbot" / "history"
    assert mode(path) == 0o600 and "+what is swedish massage" in path.read_text()

    second = spawn()
    second.send("what is sw")
    second.expect_exact("edish massage")  # the rest of the earlier question, suggested from history
    second.send(RIGHT + ENTER)
    shows(second, "Source: Massage Techniques for Back Pain > Swedish Massage")
    second.expect_exact(PROMPT)
    second.send("how lo")
    second.expect_exact("How long does a couples massage last?")  # the completion menu
    second.send(TAB + ENTER)
    shows(second, matcher().kb["faq-how-long"].answer)
    second.expect_exact(PROMPT)
    leave(second)


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [((), {}, True), (("--no-color",), {}, False), (("chat",), {"NO_COLOR": "1"}, False)],
    ids=["colour", "--no-color", "NO_COLOR"],
)
def test_no_color(monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], env: dict[str, str], coloured: bool) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    child = spawn(*args, TERM="xterm-256color", **env)
    say(child, "how long does a couples massage last?", "Source: FAQ")
    leave(child)
    assert isinstance(child.logfile_read, io.StringIO)
    assert has_colour(child.logfile_read.getvalue()) == coloured
