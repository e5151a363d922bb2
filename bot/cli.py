"""The `faqbot` command: parse arguments, call the library, print, and turn errors into exit codes.

Exit codes: 0 success (ask: answered), 1 ask declined, 2 a user error (bad KB, bad usage).
prompt_toolkit is imported only when the interactive chat starts, so `ask` and `validate` start fast.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from . import __version__
from .errors import FaqbotError
from .matcher import DEFAULT_THRESHOLD, DEFAULT_THRESHOLD_WITH_EXAMPLES, Matcher
from .model import default_kb_path
from .normalize import normalize
from .render import explanation_text, plain, reply_text
from .reply import Reply, reply_to
from .smalltalk import example_question

if TYPE_CHECKING:
    from .evaluate import Outcome, Report
    from .unanswered import UnansweredLog

EXIT_OK, EXIT_DECLINED, EXIT_ERROR = 0, 1, 2

EXAMPLES = """\
examples:
  faqbot                                   chat about the default knowledge base
  faqbot ask "how long does a couples massage last?"
  faqbot ask --json "what is swedish massage" | jq .answer
  printf 'what is effleurage\\ncan friends go together\\n' | faqbot ask --json
  faqbot ask --explain "knots in my back"  why it answers what it does
  faqbot import article.md -o my-kb.yaml   draft a knowledge base from an article
  faqbot validate my-kb.yaml               check a knowledge base you wrote
  faqbot lint my-kb.yaml                   find entries the matcher will confuse
  faqbot --kb my-kb.yaml                   chat about it
"""


class _Parser(argparse.ArgumentParser):
    def parse_command_line(self, argv: Sequence[str] | None) -> argparse.Namespace:
        """Like parse_args, but an unknown option is named with the closest known one of its command."""
        args, unknown = self.parse_known_args(argv)
        if unknown:
            command = self._commands().get(args.command or "", self)
            known = list(command._option_string_actions)
            import difflib  # only a mistyped command needs it

            close = difflib.get_close_matches(unknown[0], known, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise FaqbotError(f"unrecognized argument {unknown[0]!r}{hint} (see '{command.prog} --help')")
        return args

    def _commands(self) -> dict[str, argparse.ArgumentParser]:
        # argparse keeps its subcommands in a private action class; there is no public way to them.
        found = (action.choices for action in self._actions if isinstance(action, argparse._SubParsersAction))
        return dict(next(found, {}))

    def error(self, message: str) -> NoReturn:
        if message.startswith("argument COMMAND: invalid choice"):  # most likely a question
            message += '; to ask a question, use: faqbot ask "QUESTION"'
        raise FaqbotError(f"{message} (see '{self.prog} --help')")


def _number(text: str, low: float, high: float, meaning: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"must be {meaning}, not {text}")
    return value


def _threshold(text: str) -> float:
    return _number(text, 0, 100, "between 0 and 100")


def _share(text: str) -> float:
    return _number(text, 0, 1, "a share between 0 and 1 (0.9 for 90%)")


def build_parser() -> _Parser:
    kb_option = _Parser(add_help=False)
    kb_option.add_argument(
        "--kb", metavar="PATH", type=Path, default=argparse.SUPPRESS,
        help="a KB file or directory of *.yaml files (default: the built-in KB)",
    )
    match_options = _Parser(add_help=False)
    match_options.add_argument(
        "--threshold", type=_threshold, default=argparse.SUPPRESS, metavar="N",
        help=f"lowest score (0-100) that counts as an answer (default: the KB's own `threshold:`, else "
        f"{DEFAULT_THRESHOLD:g}, or {DEFAULT_THRESHOLD_WITH_EXAMPLES:g} for a KB with examples)",
    )
    chat_options = _Parser(add_help=False)
    chat_options.add_argument(
        "--no-color", action="store_true", default=argparse.SUPPRESS, help="no colours (NO_COLOR is honoured too)"
    )
    log_option = _Parser(add_help=False)
    log_option.add_argument(
        "--log-unanswered", type=Path, metavar="FILE", default=argparse.SUPPRESS,
        help="append each declined question to FILE (JSON Lines, created 0600), for KB authors",
    )

    parser = _Parser(
        prog="faqbot", description="A chat-style FAQ bot over a YAML knowledge base.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[kb_option, match_options, chat_options, log_option],
    )
    parser.add_argument("--version", action="version", version=f"faqbot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    commands.add_parser(
        "chat", parents=[kb_option, match_options, chat_options, log_option], help="chat in the terminal (the default)",
        description="Chat in the terminal. With stdin not a terminal, answer each line in plain text.",
        epilog='example: faqbot chat --kb my-kb/   or, without a terminal:  echo "how long is it?" | faqbot chat',
    )
    ask = commands.add_parser(
        "ask", parents=[kb_option, match_options, chat_options, log_option], help="answer one question, or each line of stdin",
        description="Answer QUESTION; with no QUESTION and stdin not a terminal, answer each line of stdin. "
        "Exit 0 when answered, 1 when declined (batch mode: 0), 2 on error.",
        epilog='example: faqbot ask --json "how long does a couples massage last?"',
    )
    ask.add_argument("question", nargs="*", metavar="QUESTION", help="the question (quotes optional)")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument(
        "--explain", action="store_true",
        help="also show why: the matched phrasing, each part's score, the words that counted for and against",
    )

    lint = commands.add_parser(
        "lint", parents=[match_options], help="find where a KB will confuse the matcher",
        description="Report phrasings that another entry wins or comes too close to (collisions), phrasings "
        "below the threshold, near-duplicate answers, entries with few alternates and, with --log, the words "
        "in unanswered questions that no entry covers. Exit 1 when there are collisions.",
        epilog="example: faqbot lint knowledge/ --log unanswered.jsonl",
    )
    lint.add_argument("path", nargs="?", type=Path, metavar="PATH", help="KB file or directory (default: the built-in KB)")
    lint.add_argument("--kb", type=Path, dest="kb_option", metavar="PATH", help="the same as PATH")
    lint.add_argument("--log", type=Path, metavar="FILE", help="a log written by --log-unanswered")

    evaluate = commands.add_parser(
        "eval", parents=[kb_option, match_options], help="measure matching quality on a labeled question set",
        description="Score a labeled question set (YAML: 'questions:', a list of 'q: QUESTION' with 'expect: ENTRY-ID', "
        "a list of ids, or null for a question to decline; see README.md) and report "
        "top-1/top-3 accuracy, MRR, the in-scope answered-correctly rate, the out-of-scope declined rate "
        "and every miss. Exit 1 when a --min-* floor is not met.",
        epilog="example: faqbot eval questions.yaml --sweep --min-accuracy 0.85",
    )
    evaluate.add_argument("questions", type=Path, metavar="QUESTIONS.yaml")
    evaluate.add_argument("--json", action="store_true", help="print the report as one JSON object")
    evaluate.add_argument("--sweep", action="store_true", help="also show both rates at every threshold")
    evaluate.add_argument("--min-accuracy", type=_share, metavar="X", help="fail below this answered-correctly rate (0-1)")
    evaluate.add_argument("--min-declined", type=_share, metavar="X", help="fail below this declined rate (0-1)")

    importer = commands.add_parser(
        "import", help="draft a KB from an article (Markdown or plain text)",
        description="Draft a KB from ARTICLE (UTF-8 Markdown or plain text): one entry per FAQ pair and per "
        "section. Prints the YAML, or writes it to OUT.yaml; what was skipped (author bios, 'Related Articles', "
        "promotions) goes to stderr. With --merge, re-import an updated article into a KB file, keeping hand edits.",
        epilog="example: faqbot import article.md -o kb.yaml && faqbot --kb kb.yaml",
    )
    importer.add_argument("article", type=Path, metavar="ARTICLE", help="the article to import")
    importer.add_argument(
        "-o", "--output", type=Path, dest="out", metavar="OUT.yaml", help="write the KB here (atomically) instead of printing it"
    )
    importer.add_argument(
        "--merge", type=Path, metavar="EXISTING.yaml", help="re-import into this KB file, keeping what was edited by hand"
    )
    importer.add_argument(
        "--force", action="store_true", help="replace OUT.yaml when it exists and is not the KB being merged into"
    )

    validate = commands.add_parser(
        "validate", help="check a KB and report every problem",
        description="Check a KB; print every problem as file:line:column and exit 2, or a summary and exit 0.",
        epilog="example: faqbot validate knowledge/",
    )
    validate.add_argument("path", nargs="?", type=Path, metavar="PATH", help="KB file or directory (default: the built-in KB)")
    validate.add_argument("--kb", type=Path, dest="kb_option", metavar="PATH", help="the same as PATH")
    return parser


def _kb_path(args: argparse.Namespace) -> Path:
    """The KB that lint or validate checks: PATH, or --kb before or after the command."""
    given = {Path(p) for p in (args.path, args.kb_option, getattr(args, "kb", None)) if p is not None}
    if len(given) > 1:
        raise FaqbotError(f"two KBs given ({', '.join(sorted(map(str, given)))}): name one, as PATH or --kb")
    return given.pop() if given else default_kb_path()


def _load(args: argparse.Namespace) -> Matcher:
    from .cache import load_matcher

    # Building the index takes seconds, once per KB: a person at a terminal is told why they wait.
    on_build = _say_getting_ready if sys.stderr is not None and sys.stderr.isatty() else None
    return load_matcher(getattr(args, "kb", None), threshold=getattr(args, "threshold", None), on_build=on_build)


def _say_getting_ready() -> None:
    print("faqbot: getting the knowledge base ready (only the first time, or after it changes)...", file=sys.stderr, flush=True)


def _width() -> int:
    return min(shutil.get_terminal_size((80, 24)).columns, 100)


def _lines(stream: TextIO) -> Iterator[str]:
    for line in stream:
        yield line.rstrip("\r\n")


def _unanswered_log(args: argparse.Namespace) -> UnansweredLog | None:
    path = getattr(args, "log_unanswered", None)
    if path is None:
        return None
    from .unanswered import UnansweredLog

    return UnansweredLog(path)


def cmd_ask(args: argparse.Namespace, out: TextIO) -> int:
    matcher = _load(args)
    log = _unanswered_log(args)

    def respond(question: str) -> Reply:
        reply = reply_to(matcher, question)
        if log is not None:
            log.record(reply)
        return reply

    def show(question: str, reply: Reply) -> None:
        why = matcher.explain(question) if args.explain and not reply.small_talk else None
        # The sign and the KB pattern that held the answer back: what an author checks a false alarm by.
        held_by = matcher.safety_check().matches(question) if args.explain and reply.warnings else []
        if args.json:
            import json  # only --json needs it: 1 ms of start-up

            record = reply.to_json()
            if args.explain:
                record["explain"] = why.to_json() if why else None
                if record["explain"] is not None:
                    record["explain"]["warning_signs"] = [{"sign": s.name, "pattern": p} for s, p in held_by]
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            out.write(reply_text(reply, matcher.kb, _width()))
            if args.explain and reply.small_talk:
                out.write("  small talk: said back as such; nothing in the KB was matched\n")
            if why is not None:
                out.write(explanation_text(why))
                verdict = "answered" if reply.answered else "not answered"
                if reply.warnings:
                    matched = "; ".join(f"{sign.name}: \"{pattern}\"" for sign, pattern in held_by)
                    verdict += (
                        f": it mentions a warning sign ({matched}), so the notice comes instead of an answer"
                        if reply.held
                        else f"; it mentions a caution ({matched}), whose notice comes first"
                    )
                elif reply.ambiguous:
                    first, second = reply.suggestions[:2]
                    verdict += (
                        f": '{first.entry.id}' ({first.score:g}) and '{second.entry.id}' ({second.score:g}) fit almost"
                        " equally well, so the bot asks which was meant"
                    )
                elif reply.vague:
                    verdict += (
                        ": it points back at something said before and names no topic of its own,"
                        " so the bot asks for the whole question"
                    )
                out.write(f"  threshold {matcher.threshold:g}: {verdict}\n")

    if args.question:
        question = " ".join(args.question)
        if not normalize(question):  # "", "???" or only emoji: nothing to match, as with no question
            example = example_question(matcher.kb) or "what can you tell me?"
            what = "is empty" if not question.strip() else "has no words"
            raise FaqbotError(f"the question {what}: ask something, e.g. faqbot ask \"{example}\"")
        reply = respond(question)
        try:
            show(question, reply)
            out.flush()
        except BrokenPipeError:  # `| head -1`: the reader left, but scripts still get the answer's status
            _stop_writing()
        return EXIT_OK if reply.answered else EXIT_DECLINED
    if sys.stdin is None or sys.stdin.isatty():
        raise FaqbotError("ask needs a QUESTION, or questions on stdin, one per line (see 'faqbot ask --help')")
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="replace")  # a stray byte that is not UTF-8 is no reason to stop
    first = True
    for line in _lines(sys.stdin):
        if not args.json and not line.strip():
            continue  # JSON keeps one record per line, for programs that pair them up; text skips blanks
        if not first and not args.json:
            out.write("\n")
        first = False
        show(line, respond(line))
        out.flush()
    return EXIT_OK


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    from .importer import run_import

    return run_import(args.article, args.out, args.merge, out, sys.stderr, force=args.force)


def cmd_lint(args: argparse.Namespace, out: TextIO) -> int:
    from .cache import load_matcher
    from .lint import lint, read_unanswered

    path = _kb_path(args)
    matcher = load_matcher(path, threshold=getattr(args, "threshold", None))  # cached: a KB's model trains once
    from .knowledge import kb_locations

    findings = lint(matcher, read_unanswered(args.log) if args.log else ())
    # A finding about an entry or an example starts where it is written, as validate's problems do.
    where = kb_locations(matcher.kb.files) if findings else {}
    for finding in findings:
        key = ("example", finding.example) if finding.example else ("entry", finding.entry_id or "")
        at = where.get(key)
        out.write(f"{at}: {finding}\n" if at else f"{finding}\n")
    blocking = sum(f.blocking for f in findings)
    out.write(f"{path}: {len(findings)} finding{'s' if len(findings) != 1 else ''}, {blocking} collision{'s' if blocking != 1 else ''}\n")
    return EXIT_DECLINED if blocking else EXIT_OK


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    path = _kb_path(args)
    from .knowledge import load_kb

    kb = load_kb(path)
    files, examples = len(kb.files), len(kb.examples)
    learned = f" and {examples:,} example{'s' if examples != 1 else ''}" if examples else ""
    own = f", threshold {kb.threshold:g}" if kb.threshold is not None else ""
    out.write(f"{path}: OK, {len(kb)} entr{'ies' if len(kb) != 1 else 'y'}{learned} in {files} file{'s' if files != 1 else ''}{own}\n")
    return EXIT_OK


def cmd_eval(args: argparse.Namespace, out: TextIO) -> int:
    from .evaluate import evaluate, load_questions

    matcher = _load(args)
    questions = load_questions(args.questions, known_ids=frozenset(entry.id for entry in matcher.kb))
    report = evaluate(matcher, questions)
    in_scope, out_of_scope = report.counts()
    examples = {normalize(example.text) for example in matcher.kb.examples}
    learned_from = sum(normalize(q.text) in examples for q in questions)
    failed = [
        # four places: 0.8467 must not read as 0.847; a set with no such questions has no rate to pass
        f"{name} {value:.4f} is below {floor:g}" if count else f"{flag} cannot be checked: the set has no {kind} questions"
        for name, value, floor, count, flag, kind in (
            ("answered correctly", report.answered_correctly, args.min_accuracy, in_scope, "--min-accuracy", "in-scope"),
            ("declined", report.declined, args.min_declined, out_of_scope, "--min-declined", "out-of-scope"),
        )
        if floor is not None and (not count or value < floor)
    ]
    if args.json:
        import json

        record = _eval_json(args.questions, matcher.threshold, report, args.sweep, learned_from)
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    else:
        out.write(_eval_text(args.questions, matcher.threshold, report, args.sweep, learned_from))
    for line in failed:
        print(f"faqbot: {line}", file=sys.stderr)
    return EXIT_DECLINED if failed else EXIT_OK


def _miss(outcome: Outcome) -> dict[str, object]:
    ranked = outcome.ranked
    return {
        "question": outcome.question.text,
        "expected": list(outcome.question.expected) or None,
        "got": ranked[0].entry.id if ranked and outcome.answered else None,
        "score": ranked[0].score if ranked else None,
        "best": ranked[0].entry.id if ranked else None,
        "runner_up": ranked[1].entry.id if len(ranked) > 1 else None,
        "runner_up_score": ranked[1].score if len(ranked) > 1 else None,
    }


def _eval_json(path: Path, threshold: float, report: Report, sweep: bool, learned_from: int) -> dict[str, object]:
    in_scope, out_of_scope = report.counts()
    result: dict[str, object] = {
        "questions": str(path), "threshold": threshold, "in_scope": in_scope, "out_of_scope": out_of_scope,
        "learned_from": learned_from,
        # A set with no questions of a kind has no rate for them: null, not 0.
        "top1": report.top1 if in_scope else None, "top3": report.top3 if in_scope else None,
        "mrr": report.mrr if in_scope else None,
        "answered_correctly": report.answered_correctly if in_scope else None,
        "declined": report.declined if out_of_scope else None,
        "misses": [_miss(o) for o in report.misses],
    }
    if sweep:
        result["sweep"] = [
            {"threshold": t, "answered_correctly": a, "declined": d} for t, a, d in report.sweep(_sweep_points(threshold))
        ]
        result["best_threshold"] = report.best_threshold()
    return result


def _sweep_points(threshold: float) -> tuple[float, ...]:
    """Every even threshold, and the one in use, so that the sweep shows where it stands."""
    return tuple(sorted({*range(0, 101, 2), threshold}))


def _rate(value: float, count: int) -> str:
    return f"{value:.3f}" if count else "n/a  "  # as wide as a rate, so that the notes line up


def _eval_text(path: Path, threshold: float, report: Report, sweep: bool, learned_from: int) -> str:
    in_scope, out_of_scope = report.counts()
    lines = [f"{path}: {in_scope} in scope, {out_of_scope} out of scope, threshold {threshold:g}"]
    if learned_from:  # before the figures it qualifies, not after a long list of misses
        are = "is an example" if learned_from == 1 else "are examples"
        lines.append(
            f"  note: {learned_from} of these questions {are} the KB's matcher learned from; "
            "the figures overstate how it does on new questions"
        )
    lines += [
        f"  top-1 accuracy       {_rate(report.top1, in_scope)}",
        f"  top-3 accuracy       {_rate(report.top3, in_scope)}",
        f"  MRR                  {_rate(report.mrr, in_scope)}",
        f"  answered correctly   {_rate(report.answered_correctly, in_scope)}  (in scope: right entry at the threshold)",
        f"  declined             {_rate(report.declined, out_of_scope)}  (out of scope)",
    ]
    misses = report.misses
    lines.append(f"misses ({len(misses)}):" if misses else "misses: none")
    for miss in map(_miss, misses):
        expected = "/".join(miss["expected"] or ["(decline)"])  # type: ignore[arg-type]
        got = miss["got"] or f"(declined; best {miss['best']})"
        lines.append(
            f"  {miss['question']!r}\n    expected {expected}, got {got} {miss['score']}, "
            f"runner-up {miss['runner_up']} {miss['runner_up_score']}"
        )
    if sweep:
        lines.append("threshold  answered-correctly  declined  mean")
        best = report.best_threshold()
        for t, answered, declined in report.sweep(tuple(sorted({*_sweep_points(threshold), best}))):
            marks = [name for name, at in (("best", best), ("in use", threshold)) if t == at]
            mark = f"  <- {', '.join(marks)}" if marks else ""
            lines.append(f"{t:9g}  {answered:18.3f}  {declined:8.3f}  {(answered + declined) / 2:.3f}{mark}")
        lines.append(f"best threshold {best} (where the mean, averaged with the thresholds either side, peaks)")
        if best == threshold:
            lines.append("that is the threshold in use")
        else:
            lines.append(f"to use it, set `threshold: {best}` in the KB, or pass --threshold {best}")
    return "\n".join(lines) + "\n"


def cmd_chat(args: argparse.Namespace, out: TextIO) -> int:
    matcher = _load(args)
    if sys.stdin is not None and sys.stdin.isatty() and out.isatty():
        from .chat import run_chat  # prompt_toolkit is only imported here

        # NO_COLOR counts only when set to something (https://no-color.org).
        color = not getattr(args, "no_color", False) and not os.environ.get("NO_COLOR")
        return run_chat(matcher, color=color, log=_unanswered_log(args))
    return _pipe_chat(matcher, out, args)


def _pipe_chat(matcher: Matcher, out: TextIO, args: argparse.Namespace) -> int:
    """Chat without a terminal: answer each stdin line in plain text, stop at end of input."""
    from .conversation import Conversation

    if sys.stdin is None:
        raise FaqbotError("stdin is closed: give questions on stdin, one per line, or run faqbot in a terminal")
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="replace")  # a stray byte that is not UTF-8 is no reason to stop
    conversation = Conversation(matcher, log=_unanswered_log(args), keys=False)
    said = False
    for line in _lines(sys.stdin):
        turn = conversation.respond(line, _width())
        if turn.fragments:
            out.write(("\n" if said else "") + plain(turn.fragments))
            out.flush()
            said = True
        if turn.quit:
            break
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run faqbot with `argv` (default: the process arguments) and return the exit code."""
    # The examples' model trains on small matrices, where OpenBLAS's threads cost more than they
    # bring: a first run took 2.4 s with one against 2.6 s with two on an idle 2-core machine, and
    # 3.3 s against 7.9 s on a busy one. Only for this process, and unless the user set it: a
    # program that uses `import bot` keeps its own.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    out = sys.stdout
    try:
        args = build_parser().parse_command_line(argv)
        commands = {"ask": cmd_ask, "eval": cmd_eval, "import": cmd_import, "lint": cmd_lint, "validate": cmd_validate}
        command = commands.get(args.command, cmd_chat)
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
        _stop_writing()
        return EXIT_OK


def _stop_writing() -> None:
    """The reader went away (e.g. `| head -1`): send the rest of stdout nowhere, so that Python does
    not complain again when it flushes stdout at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
