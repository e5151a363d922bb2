"""Find where a KB will confuse the matcher, before users do.

* collisions: a phrasing of one entry that the bot would not answer with that entry (another
  entry wins, or comes within the ambiguity margin above the threshold, so the bot asks);
* lost phrasings: a phrasing that scores below the threshold even for its own entry;
* near-duplicate answers: two entries that say almost the same thing;
* thin entries: fewer alternates than people have ways of asking;
* examples answered wrongly: a KB example the bot, though it learned from it, answers with an
  entry its label does not accept (or answers at all, when it is labeled out of scope);
* unknown words: words in logged, unanswered questions that no entry uses.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from .errors import FaqbotError
from .evaluate import evaluate
from .matcher import Matcher
from .normalize import normalize, singular
from .reply import AMBIGUITY_MARGIN

__all__ = ["Finding", "lint", "read_unanswered"]

MIN_ALTERNATES = 3
DUPLICATE_ANSWER_RATIO = 90.0


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing to look at. `kind` is collision, lost, duplicate-answer, few-alternates, unused-mention,
    empty-synonym, example or unknown-word."""

    kind: str
    entry_id: str | None
    message: str
    example: str | None = None  # for an example finding, the example's question

    @property
    def blocking(self) -> bool:
        """Collisions make the bot give another answer than the KB's author meant: CI should fail."""
        return self.kind == "collision"

    def __str__(self) -> str:
        who = f"{self.entry_id}: " if self.entry_id else ""
        return f"{self.kind}: {who}{self.message}"


def lint(matcher: Matcher, unanswered: Iterable[str] = ()) -> list[Finding]:
    """Every finding for the matcher's KB, blocking ones first."""
    findings: list[Finding] = []
    kb = matcher.kb
    for entry in kb:
        for phrasing in entry.phrasings:
            ranked = matcher.rank(phrasing, k=2)
            own = next((c for c in ranked if c.entry.id == entry.id), None)
            best = ranked[0]
            if best.entry.id != entry.id:
                findings.append(Finding(
                    "collision", entry.id,
                    f"{phrasing!r} finds {best.entry.id} ({best.score:g}) before its own entry"
                    + (f" ({own.score:g})" if own else ""),
                ))
            elif len(ranked) > 1 and ranked[1].score >= matcher.threshold and best.score - ranked[1].score < AMBIGUITY_MARGIN:
                findings.append(Finding(
                    "collision", entry.id,
                    f"{phrasing!r} is too close to {ranked[1].entry.id} ({best.score:g} vs {ranked[1].score:g})",
                ))
            elif best.score < matcher.threshold:
                findings.append(Finding(
                    "lost", entry.id, f"{phrasing!r} scores {best.score:g}, below the threshold {matcher.threshold:g}"
                ))
        text = _singular(" ".join((*entry.phrasings, entry.answer, *entry.tips, entry.source)))
        for term in entry.mentions:
            if f" {_singular(term)} " not in f" {text} ":  # "motor" is named by "motors"
                findings.append(Finding(
                    "unused-mention", entry.id,
                    f"mentions {term!r}, which its text never names, so no question finds this entry by it",
                ))
        if len(entry.alternates) < MIN_ALTERNATES:
            findings.append(Finding(
                "few-alternates", entry.id,
                f"{len(entry.alternates)} alternates; add the other ways people ask (at least {MIN_ALTERNATES})",
            ))
    # The schema allows `tire:` with nothing after it, as for tips; here it is a list forgotten.
    findings.extend(
        Finding("empty-synonym", None, f"{key!r} lists no synonyms, so it changes nothing: add the words people use for it")
        for key, variants in kb.synonyms.items()
        if not variants
    )
    entries = list(kb)
    for i, first in enumerate(entries):
        for second in entries[i + 1:]:
            similarity = fuzz.token_set_ratio(first.answer, second.answer)
            if similarity >= DUPLICATE_ANSWER_RATIO:
                findings.append(Finding(
                    "duplicate-answer", first.id, f"its answer is {similarity:.0f}% like {second.id}'s"
                ))
    # The examples the model learned from and still gets wrong with confidence: a label to check,
    # or a topic the KB answers by accident ("what's lymphatic drainage massage" finds the strokes).
    for outcome in evaluate(matcher, tuple(kb.examples)).outcomes:
        if outcome.answered and not outcome.correct:
            best, question = outcome.ranked[0], outcome.question
            label = f"expects {', '.join(question.expected)}" if question.in_scope else "out of scope"
            findings.append(Finding(
                "example", best.entry.id, f"answers the example {question.text!r} ({label}) with {best.score:g}",
                question.text,
            ))
    # A variant of a synonym the KB declares but never uses ("how much does it cost" for pricing)
    # is a topic the author already knows the KB leaves out, not a gap to report.
    declared = {normalize(variant) for variants in matcher.kb.synonyms.values() for variant in variants}
    counts = Counter(
        word
        for question in unanswered
        for word, known in matcher.word_readings(question)
        if known is None and word not in declared
    )
    findings.extend(
        Finding("unknown-word", None, f"{word!r} in {count} unanswered question{'s' if count > 1 else ''}")
        for word, count in counts.most_common(20)
    )
    findings.sort(key=lambda f: not f.blocking)
    return findings


def _singular(text: str) -> str:
    return " ".join(singular(word) for word in normalize(text).split())


def read_unanswered(path: Path) -> list[str]:
    """The questions in a log of unanswered questions (JSON Lines with a "query" field)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise FaqbotError(f"{path}: cannot read the log: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise FaqbotError(f"{path}: cannot read the log: not UTF-8 text") from None
    questions = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise FaqbotError(f"{path}:{number}:1: not a JSON line") from None
        if isinstance(record, dict) and isinstance(record.get("query"), str):
            questions.append(record["query"])
    return questions
