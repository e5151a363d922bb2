"""Lay out what the bot says as styled text fragments, and as plain text.

Fragments are `(style, text)` pairs: exactly prompt_toolkit's formatted-text shape, so the chat can
colour them, while `ask` and the pipe mode join them into plain text. Nothing here imports
prompt_toolkit. All KB and user text passes through `printable` first, so no escape sequence from
a KB file or a question ever reaches the terminal.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence

from .model import Entry, KnowledgeBase, WarningSign
from .normalize import normalize
from .matcher import Candidate, Explanation
from .reply import Reply
from .smalltalk import HELP, small_talk_line

__all__ = [
    "DECLINE",
    "Fragments",
    "ambiguous_fragments",
    "decline_fragments",
    "entry_fragments",
    "flow",
    "greeting_fragments",
    "held_fragments",
    "list_fragments",
    "pick_hint",
    "plain",
    "printable",
    "reply_fragments",
    "safety_fragments",
    "source_fragments",
    "tips_fragments",
    "topics_fragments",
]

Fragments = list[tuple[str, str]]

# ANSI/VT escape sequences (CSI, OSC, and two-character escapes), then any remaining control character.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Narrower than this and wrapping does more harm than good.
_MIN_WIDTH = 20

DECLINE = "I'm not sure I have that."


def printable(text: str) -> str:
    """`text` without terminal escape sequences or control characters (newlines and tabs kept)."""
    return _CONTROL.sub("", _ESCAPES.sub("", text)).replace("\t", " ")


def _wrap(text: str, width: int, indent: str = "", first: str | None = None) -> str:
    lead = indent if first is None else first
    return textwrap.fill(
        printable(text), width=max(width, _MIN_WIDTH), initial_indent=lead, subsequent_indent=indent,
        break_on_hyphens=False,
    )


def flow(parts: Iterable[tuple[str, str]], width: int = 80) -> Fragments:
    """Word-wrap a paragraph made of differently styled runs, keeping each word's style.

    Examples
    --------
    >>> flow([("class:b", "one two"), ("", " three")], width=20)
    [('class:b', 'one'), ('', ' '), ('class:b', 'two'), ('', ' '), ('', 'three'), ('', '\\n')]
    """
    width = max(width, _MIN_WIDTH)
    out: Fragments = []
    column = 0
    for style, text in parts:
        for word in printable(text).split():
            if column and column + 1 + len(word) > width:
                out.append(("", "\n"))
                column = 0
            elif column:
                out.append(("", " "))
                column += 1
            out.append((style, word))
            column += len(word)
    out.append(("", "\n"))
    return out


def _numbered(number: int, text: str, width: int, digits: int = 1) -> Fragments:
    lead = f"  {number:>{digits}}. "
    wrapped = _wrap(text, width, indent=" " * len(lead), first=lead)
    return [("class:number", lead), ("class:suggestion", wrapped[len(lead):] + "\n")]


def pick_hint(count: int) -> Fragments:
    """How to pick from a numbered list of `count` items (nothing when the list is empty)."""
    if not count:
        return []
    if count == 1:
        choice = "1"
    elif count <= 3:
        choice = ", ".join(map(str, range(1, count))) + f" or {count}"
    else:
        choice = f"a number from 1 to {count}"
    return [("class:hint", f"Type {choice} to pick one.\n")]


def reply_fragments(reply: Reply, width: int = 80, *, nothing_near: str | None = None) -> Fragments:
    """The answer with its tips and source, the close pair to choose from, or the decline with suggestions.

    `nothing_near` follows a decline that has no topic to suggest: what the KB is about, say.
    """
    if reply.entry is not None:
        return entry_fragments(reply.entry, width)
    if reply.small_talk:
        return flow([("class:info", reply.small_talk)], width)
    if reply.ambiguous:
        first, second = (c.entry for c in reply.suggestions[:2])
        return ambiguous_fragments(first, second, width)
    if reply.held:
        return held_fragments(reply.suggestions, width, reply.warnings)
    return decline_fragments(reply.suggestions, width, reply.unexplained, vague=reply.vague, nothing_near=nothing_near)


def reply_text(reply: Reply, kb: KnowledgeBase, width: int = 80) -> str:
    """The reply as `faqbot ask` prints it: the safety notice first, if any, then the answer, the
    pair to choose from or the decline with its suggestions; `kb` is the KB that gave the reply."""
    # Only a decline with no topic to suggest names what the KB is about; finding the example scans every entry.
    dead_end = not reply.answered and not reply.suggestions
    told = plain(reply_fragments(reply, width, nothing_near=small_talk_line(HELP, kb) if dead_end else None))
    if not reply.notice:
        return told
    return plain(safety_fragments(reply.warnings, reply.notice, width)) + ("\n" if told else "") + told


def _read_as(why: Explanation) -> str:
    """How the synonyms made the phrasing read, when that is not its plain words ("how many hours" -> "how long")."""
    if not why.phrasing_read or why.phrasing_read == normalize(why.candidate.phrasing):
        return ""
    return f" (read as {printable(why.phrasing_read)!r})"


def explanation_text(why: Explanation) -> str:
    """Why an entry scored what it did, for `faqbot ask --explain`: parts, phrasing, each word."""
    lines = [
        f"Why {why.candidate.entry.id} scores {why.candidate.score:g}:",
        f"  best phrasing   {printable(why.candidate.phrasing)!r}" + _read_as(why),
        f"  overlap {why.overlap:g}   fuzzy {why.fuzzy:g}   coverage {why.coverage:g}   "
        f"unknown share {why.unknown:g}%",
        "  words (weight; where this entry has them):",
    ]
    if why.learned is not None:
        lines[3:3] = [
            f"  learned {why.learned:g}%: how likely the KB's examples make this entry, given these words"
            + (" (it counts less for the unknown share)" if why.unknown else ""),
            f"  in scope {why.in_scope:g}%: how likely they make it that the KB covers the question; scales the score"
            " (not for one of the entry's own phrasings)",
        ]
    if why.beside_subject:
        clauses = ", ".join(repr(printable(clause)) for clause in why.beside_subject)
        lines.insert(3, f"  scaled by {why.damping:g}: it asks about something other than the KB's subject ({clauses})")
    elif why.swapped_in:
        things = ", ".join(printable(word) for word in why.swapped_in)
        lines.insert(3, f"  scaled by {why.damping:g}: it reads like a KB phrasing with its subject swapped for {things}")
    elif why.damping < 1:
        lines.insert(3, f"  scaled by {why.damping:g}: it asks what a term is that the KB only mentions, never explains")
    if why.set_aside:
        clauses = ", ".join(repr(printable(clause)) for clause in why.set_aside)
        lines.insert(3, f"  set aside: {clauses}, which says what is not asked")
    for word in why.words:
        read_as = [w for w in (word.word, word.kb_word) if w and w != word.said]
        reading = "".join(f" -> {w}" for w in dict.fromkeys(read_as))
        where = {"phrasing": "in a phrasing", "answer": "only in the answer/tips"}.get(word.found_in, "")
        if where:
            verdict = "for"
        elif word.kb_word is None:
            lighter = [
                reason for reason, applies in (
                    ("said beside the question", word.aside), ("the examples use it in questions the KB covers", word.vouched)
                ) if applies
            ]
            verdict = "against (no entry knows it" + (f"; {' and '.join(lighter)}, so it weighs less)" if lighter else ")")
        else:
            verdict = "against (not in this entry)"
        lines.append(f"    {printable(word.said)}{reading}  {word.weight:g}  {verdict}{'; ' + where if where else ''}")
    return "\n".join(lines) + "\n"


def entry_fragments(entry: Entry, width: int = 80) -> Fragments:
    """The entry's question as a heading, its answer wrapped to `width`, its tips as bullets, its source."""
    out: Fragments = [("class:question", printable(entry.question) + "\n"), ("class:answer", _wrap(entry.answer, width) + "\n")]
    if entry.tips:
        out.append(("class:heading", "Tips:\n"))
        out.extend(("class:tip", _wrap(tip, width, indent="    ", first="  • ") + "\n") for tip in entry.tips)
    out.append(("class:source", f"Source: {printable(entry.source)}\n"))
    return out


def decline_fragments(
    suggestions: Sequence[Candidate],
    width: int = 80,
    unexplained: Sequence[str] = (),
    *,
    vague: bool = False,
    nothing_near: str | None = None,
) -> Fragments:
    """"I'm not sure I have that", with the suggestions numbered for picking.

    With `unexplained` terms, it says instead that the KB names them without explaining them; when
    the question is `vague` (it points back at something said before), it asks for the whole question.
    With no suggestions, `nothing_near` says where to go from there.
    """
    if vague:
        line = "I can't tell what that refers to: please ask the whole question, naming the topic."
        more = " Or did you mean one of these?" if suggestions else ""
        return flow([("class:decline", line + more)], width) + list_fragments([c.entry for c in suggestions], width, numbered=True)
    if unexplained and suggestions:
        terms = unexplained[0] if len(unexplained) == 1 else ", ".join(unexplained[:-1]) + " or " + unexplained[-1]
        # "the term", not "it": a term may be plural ("essential oils")
        the_term = "the term is" if len(unexplained) == 1 else "the terms are"
        line = f"I have no explanation of {terms}; {the_term} only mentioned in passing. Nearest topics:"
        return flow([("class:decline", line)], width) + list_fragments([c.entry for c in suggestions], width, numbered=True)
    if not suggestions:
        return flow([("class:decline", f"{DECLINE} {nothing_near or 'Try asking about another topic.'}")], width)
    return flow([("class:decline", f"{DECLINE} Did you mean one of these?")], width) + list_fragments(
        [c.entry for c in suggestions], width, numbered=True
    )


def held_fragments(suggestions: Sequence[Candidate], width: int = 80, signs: Sequence[WarningSign] = ()) -> Fragments:
    """After the safety notice, no answer: only the topics to read once a doctor has been seen.

    When every sign has its own notice (a doctor's advice against massage: one has been seen), only "for later".
    """
    if not suggestions:
        return []
    when = "later" if signs and all(sign.notice for sign in signs) else "when a doctor has seen you"
    return flow([("class:decline", f"Nearest topics I can tell you about, for {when}:")], width) + list_fragments(
        [c.entry for c in suggestions], width, numbered=True
    )


def ambiguous_fragments(first: Entry, second: Entry, width: int = 80) -> Fragments:
    """Ask which of two close entries was meant, as a numbered pair to pick from."""
    return flow([("class:decline", "Two topics fit about equally well. Which did you mean?")], width) + list_fragments(
        [first, second], width, numbered=True
    )


def list_fragments(entries: Iterable[Entry], width: int = 80, *, numbered: bool = False) -> Fragments:
    """The entries' questions, one per item: numbered for picking, or bulleted."""
    items = list(entries)
    if numbered:
        digits = len(str(len(items)))
        return [f for number, entry in enumerate(items, 1) for f in _numbered(number, entry.question, width, digits)]
    return [("class:suggestion", _wrap(entry.question, width, indent="    ", first="  • ") + "\n") for entry in items]


def topics_fragments(sections: Sequence[tuple[str, Sequence[Entry]]], width: int = 80) -> Fragments:
    """Every entry's question under its section's heading, numbered straight through for picking."""
    total = sum(len(entries) for _, entries in sections)
    digits = len(str(total))
    out: Fragments = [("class:info", "Here is everything I know about:\n")]
    number = 0
    for section, entries in sections:
        out.append(("class:heading", printable(section) + "\n"))
        for entry in entries:
            number += 1
            out.extend(_numbered(number, entry.question, width, digits))
    return out


def tips_fragments(entries: Iterable[Entry], width: int = 80) -> Fragments:
    """Every tip, as bullets under the question it belongs to; a tip given twice is shown once."""
    out: Fragments = [("class:info", "Every tip, under the question it belongs to:\n")]
    seen: set[str] = set()
    for entry in entries:
        tips = [tip for tip in entry.tips if tip not in seen]
        seen.update(tips)
        if tips:
            out.append(("class:heading", printable(entry.question) + "\n"))
            out.extend(("class:tip", _wrap(tip, width, indent="    ", first="  • ") + "\n") for tip in tips)
    return out if seen else [("class:info", "This knowledge base has no tips.\n")]


def source_fragments(entry: Entry, width: int = 80) -> Fragments:
    """Where the answer to `entry` comes from."""
    return flow([("class:info", "The answer to"), ("class:question", f"“{entry.question}”"),
                 ("class:info", "comes from:"), ("class:source.name", entry.source)], width)


def safety_fragments(signs: Sequence[WarningSign], notice: str, width: int = 80) -> Fragments:
    """The notice to seek medical care, naming the warning signs the question mentioned."""
    first, *more = notice.split("\n\n")  # a sign's own notice is a paragraph of its own
    return [
        ("class:safety.title", "Please read this first.\n"),
        *flow([("class:safety", f"You mentioned {_named(signs)}."), ("class:safety", first)], width),
        *(fragment for paragraph in more for fragment in [("", "\n"), *flow([("class:safety", paragraph)], width)]),
    ]


def _named(signs: Sequence[WarningSign]) -> str:
    names = [sign.name for sign in signs]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def reminder_fragments(signs: Sequence[WarningSign], width: int = 80) -> Fragments:
    """One line before a later answer: the chat has not forgotten the warning signs mentioned earlier."""
    # Several signs named in one breath make a line nobody reads; they were each named when said.
    what = f"that you mentioned {_named(signs)}" if len(signs) == 1 else "the warning signs you mentioned earlier"
    return flow([("class:safety", f"Remember {what}: please check with a doctor before you act on any answer.")], width)


def greeting_fragments(title: str | None, disclaimer: str | None, width: int = 80) -> Fragments:
    """One paragraph: what the bot knows about, how to get help, and the KB's disclaimer."""
    return flow(
        [
            ("class:title", f"{title or 'faqbot'}:"),
            ("class:greeting", "ask me a question in your own words. Type /help for help."),
            ("class:disclaimer", disclaimer or "General information only."),
        ],
        width,
    )


def plain(fragments: Fragments) -> str:
    """The fragments' text, without styles."""
    return "".join(text for _, text in fragments)
