"""The interactive terminal chat: the only module that imports prompt_toolkit."""

from __future__ import annotations

from prompt_toolkit import PromptSession, print_formatted_text
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.output import ColorDepth
from prompt_toolkit.styles import Style

from .conversation import Conversation
from .matcher import Matcher

__all__ = ["run_chat", "STYLE"]

STYLE = Style.from_dict(
    {
        "prompt": "bold ansicyan",
        "question": "bold",
        "heading": "bold",
        "source": "ansibrightblack",
        "decline": "ansiyellow",
        "suggestion": "",
        "info": "ansibrightblack",
    }
)


def run_chat(matcher: Matcher, *, color: bool = True, session: PromptSession[str] | None = None) -> int:
    """Ask, answer, repeat until /quit or Ctrl-D. Ctrl-C only clears the line."""
    conversation = Conversation(matcher)
    session = session or PromptSession()
    depth = None if color else ColorDepth.DEPTH_1_BIT

    def say(fragments: list[tuple[str, str]]) -> None:
        print_formatted_text(FormattedText(fragments), style=STYLE, color_depth=depth, output=session.output)

    say([("class:info", conversation.greeting())])
    while True:
        try:
            line = session.prompt([("class:prompt", "you> ")], style=STYLE, color_depth=depth)
        except KeyboardInterrupt:
            continue
        except EOFError:
            say([("class:info", "Goodbye!\n")])
            return 0
        turn = conversation.respond(line, session.output.get_size().columns)
        say(turn.fragments)
        if turn.quit:
            return 0
