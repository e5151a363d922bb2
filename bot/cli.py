"""The `faqbot` command: parse arguments, call the library, print, and turn errors into exit codes.

Exit codes: 0 success (ask: answered), 1 ask declined, 2 a user error (bad KB, bad usage).
prompt_toolkit is imported only when the interactive chat starts, so `ask` and `validate` start fast.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from . import __version__
from .errors import FaqbotError
from .knowledge import KnowledgeBase, default_kb_path, load_kb
from .matcher import DEFAULT_THRESHOLD, Matcher
from .render import plain, reply_fragments
from .reply import Reply, reply_to

EXIT_OK, EXIT_DECLINED, EXIT_ERROR = 0, 1, 2

EXAMPLES = """\
examples:
  faqbot                                   chat about the default knowledge base
  faqbot ask "how long does a couples massage last?"
  faqbot ask --json "what is swedish massage" | jq .answer
  printf 'what is effleurage\\ncan friends book one\\n' | faqbot ask --json
  faqbot validate my-kb/                   check a knowledge base you wrote
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise FaqbotError(f"{message} (see '{self.prog} --help')")


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"must be between 0 and 100, not {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    kb_option = argparse.ArgumentParser(add_help=False)
    kb_option.add_argument(
        "--kb", metavar="PATH", type=Path, default=argparse.SUPPRESS,
        help="a KB file or directory of *.yaml files (default: the built-in KB)",
    )
    match_options = argparse.ArgumentParser(add_help=False)
    match_options.add_argument(
        "--threshold", type=_threshold, default=argparse.SUPPRESS, metavar="N",
        help=f"lowest score (0-100) that counts as an answer (default: {DEFAULT_THRESHOLD:g})",
    )
    chat_options = argparse.ArgumentParser(add_help=False)
    chat_options.add_argument(
        "--no-color", action="store_true", default=argparse.SUPPRESS, help="no colours (NO_COLOR is honoured too)"
    )

    parser = _Parser(
        prog="faqbot", description="A chat-style FAQ bot over a YAML knowledge base.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[kb_option, match_options, chat_options],
    )
    parser.add_argument("--version", action="version", version=f"faqbot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    commands.add_parser(
        "chat", parents=[kb_option, match_options, chat_options], help="chat in the terminal (the default)",
        description="Chat in the terminal. With stdin not a terminal, answer each line in plain text.",
    )
    ask = commands.add_parser(
        "ask", parents=[kb_option, match_options], help="answer one question, or each line of stdin",
        description="Answer QUESTION; with no QUESTION and stdin not a terminal, answer each line of stdin. "
        "Exit 0 when answered, 1 when declined (batch mode: 0), 2 on error.",
        epilog='example: faqbot ask --json "how long does a couples massage last?"',
    )
    ask.add_argument("question", nargs="*", metavar="QUESTION", help="the question (quotes optional)")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")

    validate = commands.add_parser(
        "validate", help="check a KB and report every problem",
        description="Check a KB; print every problem as file:line:column and exit 2, or a summary and exit 0.",
        epilog="example: faqbot validate knowledge/",
    )
    validate.add_argument("path", nargs="?", type=Path, metavar="PATH", help="KB file or directory (default: the built-in KB)")
    validate.add_argument("--kb", type=Path, dest="kb_option", metavar="PATH", help=argparse.SUPPRESS)
    return parser


def _load(args: argparse.Namespace) -> Matcher:
    kb = load_kb(getattr(args, "kb", None))
    return Matcher(kb, threshold=getattr(args, "threshold", DEFAULT_THRESHOLD))


def _width() -> int:
    return min(shutil.get_terminal_size((80, 24)).columns, 100)


def _format(reply: Reply, as_json: bool) -> str:
    if as_json:
        return json.dumps(reply.to_json(), ensure_ascii=False) + "\n"
    return plain(reply_fragments(reply, _width()))


def _lines(stream: TextIO) -> Iterator[str]:
    for line in stream:
        yield line.rstrip("\r\n")


def cmd_ask(args: argparse.Namespace, out: TextIO) -> int:
    matcher = _load(args)
    if args.question:
        reply = reply_to(matcher, " ".join(args.question))
        out.write(_format(reply, args.json))
        return EXIT_OK if reply.answered else EXIT_DECLINED
    if sys.stdin is None or sys.stdin.isatty():
        raise FaqbotError("ask needs a QUESTION, or questions on stdin, one per line (see 'faqbot ask --help')")
    for number, line in enumerate(_lines(sys.stdin)):
        if number and not args.json:
            out.write("\n")
        out.write(_format(reply_to(matcher, line), args.json))
        out.flush()
    return EXIT_OK


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    path = args.path or args.kb_option or default_kb_path()
    kb: KnowledgeBase = load_kb(path)
    files = len(kb.files)
    out.write(f"{path}: OK, {len(kb)} entries in {files} file{'s' if files != 1 else ''}\n")
    return EXIT_OK


def cmd_chat(args: argparse.Namespace, out: TextIO) -> int:
    matcher = _load(args)
    if sys.stdin is not None and sys.stdin.isatty() and out.isatty():
        from .chat import run_chat  # prompt_toolkit is only imported here

        return run_chat(matcher, color=not getattr(args, "no_color", False) and "NO_COLOR" not in os.environ)
    return _pipe_chat(matcher, out)


def _pipe_chat(matcher: Matcher, out: TextIO) -> int:
    """Chat without a terminal: answer each stdin line in plain text, stop at end of input."""
    from .conversation import Conversation

    if sys.stdin is None:
        raise FaqbotError("stdin is closed: nothing to read questions from")
    conversation = Conversation(matcher)
    for line in _lines(sys.stdin):
        turn = conversation.respond(line, _width())
        out.write(plain(turn.fragments))
        out.flush()
        if turn.quit:
            break
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run faqbot with `argv` (default: the process arguments) and return the exit code."""
    out = sys.stdout
    try:
        args = build_parser().parse_args(argv)
        command = {"ask": cmd_ask, "validate": cmd_validate}.get(args.command, cmd_chat)
        return command(args, out)
    except FaqbotError as exc:
        if exc.problems:  # one file:line:column line per problem, as editors and CI parse them
            count = len(exc.problems)
            print(f"{exc}\nfaqbot: {count} problem{'s' if count != 1 else ''} found; nothing was loaded", file=sys.stderr)
        else:
            print(f"faqbot: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head -1`): stop quietly, and keep Python from
        # complaining again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
