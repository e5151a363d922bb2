"""The interactive terminal chat: the only module that imports prompt_toolkit.

Each part of the prompt comes from a small factory (history, completer, toolbar, key bindings,
session) so that tests can build and check them one by one; what to say lives in Conversation.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from prompt_toolkit import PromptSession, print_formatted_text
from prompt_toolkit.application import get_app
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.completion import CompleteEvent, Completer, Completion, FuzzyWordCompleter
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import FormattedText, StyleAndTextTuples
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.keys import Keys
from prompt_toolkit.output import ColorDepth, Output
from prompt_toolkit.styles import Style

from .conversation import COMMANDS, Conversation, sections
from .matcher import Matcher
from .model import KnowledgeBase
from .normalize import normalize
from .render import Fragments
from .unanswered import UnansweredLog

__all__ = [
    "STYLE",
    "chat_bindings",
    "chat_completer",
    "chat_session",
    "chat_toolbar",
    "history_path",
    "open_history",
    "run_chat",
]

STYLE = Style.from_dict(
    {
        "prompt": "bold ansicyan",
        "title": "bold",
        "greeting": "",
        "disclaimer": "italic",
        "question": "bold ansicyan",
        "answer": "",
        "heading": "bold",
        "tip": "",
        "source": "ansibrightblack",
        "source.name": "bold",
        "hint": "ansibrightblack",
        "info": "",
        "decline": "ansiyellow",
        "number": "bold ansicyan",
        "suggestion": "",
        "safety.title": "bold ansiyellow",
        "safety": "",
        "bottom-toolbar": "reverse",
        "bottom-toolbar.key": "bold",
    }
)
PROMPT = FormattedText([("class:prompt", "you> ")])
# Answers are easier to read in lines no wider than this, however wide the terminal.
MAX_WIDTH = 100
# Completing questions from the first keystroke would flash a menu at every word typed.
MIN_COMPLETION_CHARS = 2


def history_path() -> Path:
    """Where the chat keeps its history: $XDG_STATE_HOME/faqbot/history (default ~/.local/state)."""
    state = os.environ.get("XDG_STATE_HOME", "")
    # The XDG spec says to ignore a relative path.
    base = Path(state) if os.path.isabs(state) else Path.home() / ".local" / "state"
    return base / "faqbot" / "history"


def open_history(path: Path | None = None) -> History:
    """A FileHistory only its owner can read; with a warning, an in-memory one if the file can't be used.

    The file is created 0600 (in a 0700 directory) before prompt_toolkit opens it, and an existing
    one is made 0600, because questions about health can be private.
    """
    try:
        path = path or history_path()
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        os.chmod(path, 0o600)
    except (OSError, RuntimeError) as exc:  # RuntimeError: Path.home() found no home directory
        reason = getattr(exc, "strerror", None) or str(exc)
        print(f"faqbot: warning: history will not be saved ({path or 'no home directory'}: {reason})", file=sys.stderr)
        return InMemoryHistory()
    return FileHistory(path)


def _fuzzy_rank(typed: str, choices: Iterable[str]) -> list[int]:
    """Indexes of the choices that have, for every typed word, a word starting with its first
    letter and containing its letters in order (so "swdish mass" finds "What is Swedish massage?"),
    or all but one of them for a word of 5 letters or more ("sweedish"), best first: whole-word
    prefixes before looser matches, then fewer extra letters, then KB order.
    """
    wanted = normalize(typed).split()
    if not wanted:
        return []
    ranked: list[tuple[int, int, int]] = []
    for index, choice in enumerate(choices):
        words = normalize(choice).split()
        loose = extra = 0
        for want in wanted:
            fits = [w for w in words if w[0] == want[0] and _in_order(want, w)]
            if not fits and len(want) >= 5:  # one letter too many: "sweedish"
                fits = [w for w in words if w[0] == want[0] and _in_order_but_one(want, w)]
                loose += bool(fits)
            if not fits:
                break
            best = min(fits, key=lambda w: (not w.startswith(want), len(w)))
            loose += not best.startswith(want)
            extra += len(best) - len(want)
        else:
            ranked.append((loose, extra, index))
    return [index for *_, index in sorted(ranked)]


def _in_order(letters: str, word: str) -> bool:
    rest = iter(word)
    return all(letter in rest for letter in letters)


def _in_order_but_one(letters: str, word: str) -> bool:
    return any(_in_order(letters[:i] + letters[i + 1 :], word) for i in range(1, len(letters)))


class _ChatCompleter(Completer):
    """Slash commands after "/", else the KB's questions that fit the words typed so far."""

    def __init__(self, questions: Mapping[str, str], commands: Mapping[str, str]) -> None:
        self._questions = list(questions.items())
        self._commands = FuzzyWordCompleter(list(commands), meta_dict=dict(commands), WORD=True)

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        text = document.text_before_cursor
        if text.startswith("/"):
            if " " not in text:
                yield from self._commands.get_completions(document, complete_event)
            return
        if len(text.strip()) < MIN_COMPLETION_CHARS or text.strip().isdigit() or not document.is_cursor_at_the_end:
            return
        for index in _fuzzy_rank(text, (question for question, _ in self._questions)):
            question, section = self._questions[index]
            yield Completion(question, start_position=-len(text), display_meta=section)


def chat_completer(kb: KnowledgeBase) -> Completer:
    """Completes slash commands and, fuzzily by words, the KB's questions (with their section)."""
    return _ChatCompleter({e.question: name for name, entries in sections(kb.entries) for e in entries}, COMMANDS)


def chat_toolbar(conversation: Conversation) -> Callable[[], StyleAndTextTuples]:
    """The bottom toolbar: the main keys, those that fit the moment first, as many as the width allows."""

    def toolbar() -> StyleAndTextTuples:
        keys: list[tuple[str, str]] = [("Enter", "ask")]
        if conversation.offered:
            count = len(conversation.offered)
            keys.append(("1" if count == 1 else f"1-{count}", "pick"))
        if conversation.last is not None and conversation.last.related:
            keys.append(("/more", "related"))
        keys += [("/topics", ""), ("/help", ""), ("Ctrl-C", "clear"), ("Ctrl-D", "quit"), ("Tab", "complete"),
                 ("↑", "history")]
        room = get_app().output.get_size().columns
        out: StyleAndTextTuples = []
        for key, action in keys:
            item = [("class:bottom-toolbar.key", f" {key}"), ("class:bottom-toolbar", f" {action} " if action else " ")]
            room -= sum(len(text) for _, text in item)
            if room < 0:
                break
            out += item
        return out

    return toolbar


def chat_bindings() -> KeyBindings:
    """Keys beyond prompt_toolkit's Emacs defaults (which already make Ctrl-D on an empty line quit)."""
    bindings = KeyBindings()

    @bindings.add("c-c")
    def _clear_line(event: KeyPressEvent) -> None:
        """Clear the line and any menu; Ctrl-C never ends the chat."""
        event.current_buffer.reset()

    @bindings.add(Keys.Vt100MouseEvent)
    def _ignore_mouse_like_input(event: KeyPressEvent) -> None:
        """Drop it. The chat turns no mouse reporting on, so this is pasted text such as a colour
        code ("\x1b[31m"), which prompt_toolkit's own mouse handler fails to parse, with a traceback."""

    return bindings


def chat_session(
    conversation: Conversation,
    *,
    history: History,
    color: bool = True,
    input: Input | None = None,
    output: Output | None = None,
) -> PromptSession[str]:
    """The PromptSession of the chat: history with suggestions, completion, toolbar and key bindings."""
    return PromptSession(
        PROMPT,
        history=history,
        auto_suggest=AutoSuggestFromHistory(),
        completer=chat_completer(conversation.kb),
        complete_while_typing=True,
        bottom_toolbar=chat_toolbar(conversation),
        key_bindings=chat_bindings(),
        style=STYLE,
        include_default_pygments_style=False,
        color_depth=None if color else ColorDepth.DEPTH_1_BIT,
        input=input,
        output=output,
    )


def run_chat(
    matcher: Matcher,
    *,
    color: bool = True,
    history: History | None = None,
    input: Input | None = None,
    output: Output | None = None,
    log: UnansweredLog | None = None,
) -> int:
    """Greet, then ask and answer until /quit or Ctrl-D; Ctrl-C only clears the line. Returns 0."""
    conversation = Conversation(matcher, log=log)
    session = chat_session(
        conversation, history=open_history() if history is None else history, color=color, input=input, output=output
    )

    def width() -> int:
        return min(session.output.get_size().columns - 1, MAX_WIDTH)

    def say(fragments: Fragments) -> None:
        print_formatted_text(
            FormattedText(fragments), style=STYLE, include_default_pygments_style=False,
            color_depth=session.color_depth, output=session.output, end="",
        )

    def read() -> str:
        try:
            return session.prompt()
        except EOFError:  # Ctrl-D on an empty line
            return "/quit"

    say([*conversation.greeting(width()), ("", "\n")])
    while True:
        try:
            turn = conversation.respond(read(), width())
            say([*turn.fragments, ("", "\n")] if turn.fragments and not turn.quit else turn.fragments)
        except KeyboardInterrupt:  # Ctrl-C between prompts, while the terminal is not in raw mode
            continue
        if turn.quit:
            return 0
