"""Draft a knowledge base (KB) from an article, and re-import an updated article without losing hand edits.

The work is pure functions over frozen dataclasses; only `read_article`, `write_kb` and
`run_import` touch files::

    read_article(path) -> text -> parse_article(text) -> Article -> draft_entries(article) -> entries
    merge_entries(entries in the KB, drafted entries) -> Merge
    dump_kb(data) -> YAML text;  write_kb(path, data) writes it atomically

Markdown headings carry their level. Plain text has none, so its outline is read from layout: a
heading is a short line standing alone, starting with a capital and without a final full stop. A
section that ends with a line ending in ':' introduces the headings after it as its subsections,
until a heading written in another case style (Title Case or Sentence case) ends the group.

Each drafted entry's id line carries a note (`# imported: q=... a=... t=... s=...`): digests of
the question, answer, tips and source the article gave it. On a merge, a field whose digest still matches was
not edited by hand, so it takes the article's new text; an edited field is kept, and reported when
the article changed it too.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import re
import shutil
import stat
import tempfile
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import yaml

from .errors import FaqbotError
from .knowledge import MAX_FILE_BYTES, Entry, KnowledgeBase, load_kb
from .normalize import normalize

__all__ = [
    "Article",
    "Fingerprint",
    "Merge",
    "Section",
    "Skip",
    "draft_entries",
    "dump_kb",
    "merge_entries",
    "parse_article",
    "question_from_heading",
    "read_article",
    "read_fingerprints",
    "run_import",
    "write_kb",
]

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
MAX_ID_LENGTH = 60
# Links to offer after an answer: enough to move on, few enough to read. A parent's links to
# its subsections are never cut; siblings fill what room is left, nearest first.
MAX_RELATED = 4
INTRODUCTION = "Introduction"
INTRODUCTION_QUESTION = "What does this article cover?"

_NOTES_EXPLAINED = (
    "# The '# imported:' note after an id records what the article said, so that re-importing it",
    "# with `faqbot import ARTICLE --merge THIS_FILE` can tell your edits from the article's changes.",
)

# --- reading the article's lines -------------------------------------------------------------------

_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\x00-\x08\x0b-\x1f\x7f]")
_ATX = re.compile(r"(#{1,6})\s+(.*?)(?:\s+#+)?\s*\Z")
_RULE = re.compile(r"(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})\Z")
_FENCES = ("```", "~~~")
_QUOTE = re.compile(r"^(?:>\s?)+")
_BULLET = re.compile(r"(?:[•◦▪‣·*+-]|\d{1,3}[.)])\s+(\S.*)")
_QUESTION = re.compile(r"(?:Q|Question)\s*:\s*(.*)", re.IGNORECASE)
_ANSWER = re.compile(r"(?:A|Answer)\s*:\s*(.*)", re.IGNORECASE)
_INLINE = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images say nothing in a text answer
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links keep their text
    (re.compile(r"<(https?://[^>]+)>"), r"\1"),
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])"), r"\2"),
    (re.compile(r"`([^`]*)`"), r"\1"),
)

# --- boilerplate ---------------------------------------------------------------------------------

_PROMOTION = re.compile(
    r"\b(?:click here|subscribe (?:to|now)|sign up (?:for|now|today)|buy now|order now|shop now|"
    r"use (?:the )?code|promo code|coupon code|affiliate link|sponsored (?:post|content|by)|advertisement|"
    r"follow us|share this|(?:program|programme|course|e-?book|masterclass|workshop|system) by [a-z])",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"(?:(?:written |posted )?by\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)+"
    r"|(?:published|updated|last updated|posted)(?: on)?:?\s+\S*\d.*)\Z",
    re.IGNORECASE,
)
_BIO = re.compile(
    r"(?:about the author\b|(?:[A-Z][\w.'’-]+\s){1,3}(?:is|was)\s+an?\s+(?:[\w-]+\s+){0,4}"
    r"(?:writer|author|blogger|editor|journalist|enthusiast|expert|contributor|coach|founder|specialist|"
    r"researcher|advocate)\b)"
)
_FOOTER = re.compile(
    r"(?:related (?:articles|posts|stories|reading|content)|you (?:may|might) also (?:like|enjoy)|"
    r"more (?:articles|posts|stories)|read (?:more|next)|further reading|share this|leave a (?:comment|reply)|"
    r"comments|about the author|tags|categories|subscribe)\b",
    re.IGNORECASE,
)
_FAQ_HEADING = re.compile(
    r"(?:frequently asked questions|faqs?|common questions|questions (?:and|&) answers|q\s*&\s*a)\b", re.IGNORECASE
)
# Plain text: headings that always start a new top-level section, whatever group came before.
_TOP_LEVEL = re.compile(r"(?:conclusion|in conclusion|summary|final thoughts|wrapping up|(?:the )?bottom line)\b", re.I)

# --- questions from headings ---------------------------------------------------------------------

_WH = frozenset("what why when where who which how".split())
_AUXILIARIES = frozenset("is are can could do does did should will would".split())
_BASE_FORMS = {"does": "do", "has": "have", "goes": "go"}
_IMPERATIVES = frozenset(
    """add apply ask avoid book bring build buy check choose clean communicate cool create decide dress eat
    find follow get give keep learn listen look maintain make pick plan play practice practise prepare
    protect relax remember schedule select set start stay stop stretch take talk try use warm wash wear""".split()
)
_LISTING = frozenset("tips ways ideas steps reasons examples signs things dos".split())
_ARTICLES = frozenset({"a", "an", "the"})
_LINKING = frozenset("of for in on to with about from at by and or vs versus during after before without".split())
_MINOR = _ARTICLES | _LINKING | {"is", "are", "as", "but", "nor", "so", "yet", "via"}
_WORD = re.compile(r"[^\W\d_][\w’'-]*|[.!?:;]")
_PUNCTUATION = "\"'’‘“”()[]{}.,:;!?"

_NOTE = re.compile(
    r"^[ \t]*- id:[ \t]*['\"]?([a-z0-9-]+)['\"]?[ \t]+#[ \t]*imported:[ \t]*"
    r"q=([0-9a-f]{8})[ \t]+a=([0-9a-f]{8})[ \t]+t=([0-9a-f]{8})[ \t]+s=([0-9a-f]{8})[ \t]*$",
    re.MULTILINE,
)
# The fields an import writes, and so the ones a merge may update.
_IMPORTED_FIELDS = ("question", "answer", "tips", "source")
_ENTRY_LINE = re.compile(r"  - id: ['\"]?([a-z0-9-]+)['\"]?\Z")


@dataclass(frozen=True, slots=True)
class Skip:
    """Something in the article that no entry uses, and why (line counts from 1)."""

    line: int
    text: str
    reason: str

    def __str__(self) -> str:
        shown = textwrap.shorten(self.text, 60, placeholder="…")
        return f'{self.line}: skipped "{shown}": {self.reason}'


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and what stands under it, or one FAQ pair (then `faq` is true and `path[-1]` is the question).

    `path` holds the headings from the top down to this one; it is empty for the text before the
    first heading (the introduction).
    """

    path: tuple[str, ...]
    line: int
    prose: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()
    faq: bool = False


@dataclass(frozen=True, slots=True)
class Article:
    """What an article holds, as far as a KB is concerned."""

    title: str | None
    sections: tuple[Section, ...]
    skipped: tuple[Skip, ...] = ()


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """Digests of the question, answer, tips and source an entry had when it was last imported."""

    question: str
    answer: str
    tips: str
    source: str

    @classmethod
    def of(cls, entry: Entry) -> Fingerprint:
        return cls(*(_digest(getattr(entry, name)) for name in _IMPORTED_FIELDS))

    def __str__(self) -> str:
        return f"q={self.question} a={self.answer} t={self.tips} s={self.source}"


@dataclass(frozen=True, slots=True)
class Merge:
    """The entries after a merge, their import notes, and what the author should know about it."""

    entries: tuple[Entry, ...]
    imported: Mapping[str, Fingerprint]
    notes: tuple[str, ...]
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()


def _digest(value: str | tuple[str, ...]) -> str:
    text = value if isinstance(value, str) else "\n".join(value)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


# === reading ======================================================================================


def read_article(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The article's text; a FaqbotError naming the file (and line:column) when it is not UTF-8 text."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FaqbotError(f"{path}: the file is {size:,} bytes, more than the limit of {max_bytes:,}")
        data = path.read_bytes()
    except OSError as exc:
        raise FaqbotError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FaqbotError(f"{path}: the file is UTF-16 text; save it as UTF-8")
    if b"\x00" in data:
        raise FaqbotError(f"{path}: not text (it has NUL bytes, as PDF, Word and UTF-16 files do); save it as UTF-8")
    data = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark is still UTF-8
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8", errors="replace")
        line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
        byte = data[exc.start]
        message = f"not UTF-8 text (byte 0x{byte:02x}); save the article as UTF-8"
        raise FaqbotError(f"{path}:{line}:{column}: {message}") from None


def parse_article(text: str, *, markdown: bool | None = None) -> Article:
    """Read an article's outline: its title, sections, FAQ pairs, and the boilerplate it skipped.

    `markdown=None` treats the text as Markdown when it has a `#` heading, else as plain text.

    Examples
    --------
    >>> article = parse_article("# Guide\\n\\n## Swedish Massage\\n\\nLong strokes.\\n\\n- Ask for less pressure.\\n")
    >>> article.title, article.sections[0].path, article.sections[0].bullets
    ('Guide', ('Swedish Massage',), ('Ask for less pressure.',))
    """
    lines = [_INVISIBLE.sub("", _SPACES.sub(" ", line)).rstrip() for line in text.splitlines()]
    if markdown is None:
        markdown = any(_ATX.match(line.strip()) for line in lines)
    reader = _BlockReader(markdown)
    blocks = reader.read(lines)
    if not markdown:
        blocks = _plain_headings(blocks)
    title, blocks, repeat = _take_title(blocks, markdown)
    outline = _Outliner(markdown)
    outline.run(blocks)
    skipped = [*reader.skipped, *outline.skipped, *([repeat] if repeat else [])]
    return Article(title, tuple(outline.sections), tuple(sorted(skipped, key=lambda s: s.line)))


def _inline(text: str) -> str:
    """Markdown inline markup reduced to its text, whitespace collapsed."""
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def _boilerplate(line: str) -> str | None:
    """Why a single line is boilerplate, or None."""
    if len(line.split()) <= 25 and _PROMOTION.search(line):
        return "a promotion"
    if len(line.split()) <= 8 and _BYLINE.match(line):
        return "a byline"
    return None


@dataclass
class _Block:
    """A heading, a paragraph ("text"), a list item ("bullet"), or an FAQ "question" or "answer"."""

    kind: str
    line: int
    parts: list[str]
    level: int = 0  # a Markdown heading's level

    @property
    def text(self) -> str:
        return " ".join(part for part in self.parts if part)


class _BlockReader:
    """Groups lines into blocks, dropping code blocks and boilerplate lines (recorded in `skipped`)."""

    def __init__(self, markdown: bool) -> None:
        self.markdown = markdown
        self.blocks: list[_Block] = []
        self.skipped: list[Skip] = []
        self.current: _Block | None = None
        self.in_code = False

    def read(self, lines: Sequence[str]) -> list[_Block]:
        for number, line in enumerate(lines, 1):
            self.feed(number, line)
        self.end_block()
        return self.blocks

    def feed(self, number: int, raw: str) -> None:
        line = raw.strip()
        if self.markdown:
            line = _QUOTE.sub("", line)  # a quotation's text counts like any other
        if line.startswith(_FENCES):
            self.end_block()
            if not self.in_code:
                self.skipped.append(Skip(number, line, "a code block"))
            self.in_code = not self.in_code
        elif self.in_code:
            pass
        elif not line or (self.markdown and _RULE.match(line)):
            self.end_block()
        elif self.markdown and (heading := _ATX.match(line)):
            self.end_block()
            text = _inline(heading[2])
            if any(c.isalnum() for c in text):
                self.blocks.append(_Block("heading", number, [text], len(heading[1])))
            else:
                self.skipped.append(Skip(number, line, "a heading without words"))
        else:
            self.add_line(number, raw, line)

    def add_line(self, number: int, raw: str, line: str) -> None:
        bullet = _BULLET.match(line)
        text = _inline(bullet[1] if bullet else line)
        if not text:
            self.skipped.append(Skip(number, line, "no text, only markup (an image?)"))
            return
        if reason := _boilerplate(text):
            self.skipped.append(Skip(number, text, reason))
            return
        kind, text = ("bullet", text) if bullet else self.kind_of(text)
        if kind != "text":
            self.end_block()
            self.current = _Block(kind, number, [text])
        elif self.current is not None and (self.current.kind != "bullet" or raw.startswith(" ")):
            self.current.parts.append(text)  # the line goes on the block above; list items need an indent
        else:
            self.end_block()
            self.current = _Block("text", number, [text])

    def kind_of(self, text: str) -> tuple[str, str]:
        """"question" or "answer" with the label taken off, else "text"."""
        if label := _QUESTION.match(text):
            return "question", label[1]
        if label := _ANSWER.match(text):
            return "answer", label[1]
        if self.current is not None and self.current.kind == "question" and self.current.text.endswith("?"):
            return "answer", text  # the line under "Q: ...?" answers it, labelled or not
        return "text", text

    def end_block(self) -> None:
        block, self.current = self.current, None
        if block is None:
            return
        if block.kind == "text" and _BIO.match(block.text):
            self.skipped.append(Skip(block.line, block.text, "an author bio"))
        else:
            self.blocks.append(block)


def _plain_headings(blocks: Iterable[_Block]) -> list[_Block]:
    """Plain text: a one-line paragraph that reads like a heading becomes one.

    "Related Articles" or "FAQ" starts a new part even with lines right under it.
    """
    result: list[_Block] = []
    for block in blocks:
        first = block.parts[0]
        if block.kind == "text" and len(block.parts) > 1 and _special_heading(first):
            result.append(_Block("heading", block.line, [first.rstrip(": ")]))
            result.append(_Block("text", block.line + 1, block.parts[1:]))
        elif block.kind == "text" and len(block.parts) == 1 and (_special_heading(first) or _heading_like(first)):
            result.append(_Block("heading", block.line, [first.rstrip(": ")]))
        else:
            result.append(block)
    return result


def _heading_like(text: str) -> bool:
    """A short line that starts with a capital or digit and does not end like a sentence."""
    short = len(text) <= 80 and len(text.split()) <= 12
    return short and (text[0].isupper() or text[0].isdigit()) and text[-1] not in ".!:;,…\"'”’"


def _special_heading(text: str) -> bool:
    """An FAQ or end-matter heading, which may end with ':'."""
    plain = text.rstrip(": ")
    return bool(plain) and _heading_like(plain) and bool(_FAQ_HEADING.match(plain) or _FOOTER.match(plain))


def _take_title(blocks: list[_Block], markdown: bool) -> tuple[str | None, list[_Block], Skip | None]:
    """The article's title (its first heading, or in Markdown its only level-1 heading) and the blocks after it."""
    if not blocks or blocks[0].kind != "heading" or blocks[0].text.endswith("?"):
        return None, blocks, None
    first = blocks[0]
    if markdown and (first.level != 1 or sum(b.kind == "heading" and b.level == 1 for b in blocks) > 1):
        return None, blocks, None
    if not markdown and (_FAQ_HEADING.match(first.text) or _FOOTER.match(first.text)):
        return None, blocks, None
    rest = blocks[1:]
    if rest and rest[0].kind == "heading" and rest[0].text.casefold() == first.text.casefold():
        return first.text, rest[1:], Skip(rest[0].line, rest[0].text, "repeats the title")
    return first.text, rest, None


@dataclass
class _Open:
    """The section being read."""

    path: tuple[str, ...]
    line: int
    faq: bool = False
    prose: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    last: str = ""


class _Outliner:
    """Turns blocks into sections, working out each heading's place in the outline."""

    def __init__(self, markdown: bool) -> None:
        self.markdown = markdown
        self.sections: list[Section] = []
        self.skipped: list[Skip] = []
        self.path: tuple[str, ...] = ()  # the headings of the section being read (not an FAQ pair)
        self.levels: list[int] = []  # Markdown: the level of each heading in `path`
        self.styles: dict[int, str | None] = {}  # plain text: the case style of the headings at each depth
        self.open: _Open | None = None
        self.footer: _Block | None = None
        self.footer_blocks: list[_Block] = []

    def run(self, blocks: Iterable[_Block]) -> None:
        handlers = {
            "heading": self.on_heading, "text": self.on_text, "bullet": self.on_bullet,
            "question": self.on_question, "answer": self.on_answer,
        }
        for block in blocks:
            if self.footer is not None and not self.ends_footer(block):
                self.footer_blocks.append(block)
            else:
                handlers[block.kind](block)
        self.close()
        self.end_footer()

    def ends_footer(self, block: _Block) -> bool:
        # In plain text, link titles after "Related Articles" look just like headings, so end
        # matter runs to the end; in Markdown, to the next heading at its level or above.
        level = self.footer.level if self.footer else 0
        if self.markdown and block.kind == "heading" and block.level <= level:
            self.end_footer()
            return True
        return False

    def end_footer(self) -> None:
        if self.footer is None:
            return
        reason = "end matter (related articles, comments, about the author)"
        if self.footer_blocks:
            last = self.footer_blocks[-1]
            reason += f", and what follows it (lines {self.footer_blocks[0].line}-{last.line + len(last.parts) - 1})"
        self.skipped.append(Skip(self.footer.line, self.footer.text, reason))
        self.footer, self.footer_blocks = None, []

    def on_heading(self, block: _Block) -> None:
        text = block.text
        introduces = self.close()
        if _FOOTER.match(text):
            self.footer = block
        elif text.endswith("?"):
            self.open = _Open((*self.path, text), block.line, faq=True)
        else:
            self.path = self.markdown_path(text, block.level) if self.markdown else self.plain_path(text, introduces)
            self.open = _Open(self.path, block.line)

    def markdown_path(self, text: str, level: int) -> tuple[str, ...]:
        while self.levels and self.levels[-1] >= level:
            self.levels.pop()
            self.path = self.path[:-1]
        self.levels.append(level)
        return (*self.path, text)

    def plain_path(self, text: str, introduces: bool) -> tuple[str, ...]:
        style = _case_style(text)
        if _FAQ_HEADING.match(text) or _TOP_LEVEL.match(text) or not self.path:
            self.styles = {}
            return (text,)
        if introduces:
            self.styles[len(self.path)] = style
            return (*self.path, text)
        for depth in range(len(self.path) - 1, 0, -1):
            expected = self.styles.get(depth)
            if expected is None or style is None or expected == style:
                self.styles = {d: s for d, s in self.styles.items() if d < depth} | {depth: expected or style}
                return (*self.path[:depth], text)
        self.styles = {}
        return (text,)

    def on_text(self, block: _Block) -> None:
        parts = block.parts
        in_faq = bool(self.path) and _FAQ_HEADING.match(self.path[0]) is not None
        if not self.markdown and in_faq and len(parts) > 1 and parts[0].endswith("?"):
            self.close()  # "How long does it last?" on the line above its answer
            self.open = _Open((*self.path, parts[0]), block.line, faq=True, prose=[" ".join(parts[1:])], last="text")
            return
        section = self.section(block)
        section.prose.append(block.text)
        section.last = "text"

    def on_bullet(self, block: _Block) -> None:
        section = self.section(block)
        if section.last == "text":
            _drop_lead_in(section.prose)  # "Techniques include:" says nothing the list does not
        section.bullets.append(block.text)
        section.last = "bullet"

    def on_question(self, block: _Block) -> None:
        self.close()
        if block.text:
            self.open = _Open((*self.path, block.text), block.line, faq=True)
        else:
            self.skipped.append(Skip(block.line, "Q:", "a question label with no question"))

    def on_answer(self, block: _Block) -> None:
        if not block.text:
            self.skipped.append(Skip(block.line, "A:", "an answer label with no answer"))
        elif self.open is not None and self.open.faq and not self.open.prose:
            self.open.prose.append(block.text)
            self.open.last = "text"
        else:
            self.skipped.append(Skip(block.line, block.text, "an answer without a question"))

    def section(self, block: _Block) -> _Open:
        if self.open is None:
            self.open = _Open(self.path, block.line)  # text before the first heading, or after a footer
        return self.open

    def close(self) -> bool:
        """End the open section; True when its last line introduced the subsections that follow."""
        open_, self.open = self.open, None
        if open_ is None:
            return False
        introduces = not open_.faq and open_.last == "text" and open_.prose[-1].endswith(":")
        if introduces:
            _drop_lead_in(open_.prose)
        if open_.prose or open_.bullets:
            self.sections.append(Section(open_.path, open_.line, tuple(open_.prose), tuple(open_.bullets), open_.faq))
        elif open_.faq:
            self.skipped.append(Skip(open_.line, open_.path[-1], "a question without an answer"))
        elif open_.path:
            self.skipped.append(Skip(open_.line, open_.path[-1], "a heading with no text of its own"))
        return introduces


def _drop_lead_in(prose: list[str]) -> None:
    """Remove the last sentence of the last paragraph when it ends with ':' ("Here are some tips:")."""
    sentences = re.split(r"(?<=[.!?])\s+", prose[-1])
    if sentences[-1].endswith(":"):
        kept = " ".join(sentences[:-1])
        if kept:
            prose[-1] = kept
        else:
            prose.pop()


def _case_style(heading: str) -> str | None:
    """'title' (Title Case), 'sentence' (Sentence case), or None when a heading has too few words to tell."""
    words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", heading)[1:] if w.casefold() not in _MINOR]
    if not words:
        return None
    return "title" if all(w[0].isupper() for w in words) else "sentence"


# === drafting entries =============================================================================


class _Casing:
    """Which words the article capitalizes mid-sentence (names such as "Swedish"); others are lowercased."""

    def __init__(self, texts: Iterable[str]) -> None:
        upper: Counter[str] = Counter()
        lower: Counter[str] = Counter()
        for text in texts:
            starts_sentence = True
            for token in _WORD.findall(text):
                if token in ".!?:;":
                    starts_sentence = True
                    continue
                if not starts_sentence:
                    (upper if token[0].isupper() else lower)[token.casefold()] += 1
                starts_sentence = False
        self.names = {word for word in upper if upper[word] > lower[word]}

    def word(self, word: str) -> str:
        if word == "I" or any(c.isupper() for c in word[1:]):
            return word  # "I", and acronyms or names such as "FAQ" and "iPhone", as written
        if word.strip(_PUNCTUATION).casefold() in self.names:
            return word[:1].upper() + word[1:]
        return word.lower()

    def phrase(self, words: Sequence[str]) -> str:
        return " ".join(self.word(w) for w in words)


def question_from_heading(heading: str, names: Iterable[str] = ()) -> str:
    """A question for a section, made from its heading; `names` are texts that show which words are names.

    Examples
    --------
    >>> question_from_heading("Swedish Massage", ["Try Swedish massage."])
    'What is Swedish massage?'
    >>> question_from_heading("Prepare the environment")
    'How do I prepare the environment?'
    >>> question_from_heading("Benefits of Couples Massage")
    'What are the benefits of couples massage?'
    """
    return _question(heading, _Casing(names))


def _question(heading: str, casing: _Casing) -> str:
    if heading.endswith("?"):
        return heading
    words = heading.rstrip(" .:;!").split()
    first = words[0].casefold()
    if first in _WH:
        return _wh_question(words, casing)
    if first in _AUXILIARIES:
        return f"{words[0]} {casing.phrase(words[1:])}?".replace(" ?", "?")
    if first in _IMPERATIVES:
        return f"How do I {casing.phrase(words)}?"
    if verb := _verb_of_gerund(first):
        return f"How do I {' '.join([verb, casing.phrase(words[1:])]).rstrip()}?"
    if first in _LISTING:
        return f"What are some {casing.phrase(words)}?"
    plural = _plural_head(words)
    lead = "What are" if plural else "What is"
    if plural and first not in _ARTICLES:
        lead += " the"
    return f"{lead} {casing.phrase(words)}?"


def _wh_question(words: Sequence[str], casing: _Casing) -> str:
    """ "How to book" -> "How do I book?", "Why Massage Helps" -> "Why does massage help?"."""
    wh, rest = words[0].capitalize(), list(words[1:])
    if not rest:
        return f"{wh}?"
    if rest[0].casefold() == "to":
        return f"{'How do I' if wh == 'How' else f'{wh} should I'} {casing.phrase(rest[1:])}?"
    verb = next((i for i, word in enumerate(rest) if i and _third_person(word)), None)
    if verb is None:
        return f"{wh} {casing.phrase(rest)}?"
    tail = " ".join([_base_form(rest[verb]), casing.phrase(rest[verb + 1 :])]).rstrip()
    return f"{wh} does {casing.phrase(rest[:verb])} {tail}?"


def _verb_of_gerund(word: str) -> str | None:
    """ "choosing" -> "choose", "getting" -> "get"; None unless it is a verb we know ("hamstring" is not)."""
    if not word.endswith("ing"):
        return None
    stem = word[:-3]
    undoubled = stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else stem
    return next((verb for verb in (stem, f"{stem}e", undoubled) if verb in _IMPERATIVES), None)


def _third_person(word: str) -> bool:
    plain = word.strip(_PUNCTUATION).casefold()
    return len(plain) > 3 and plain.endswith("s") and not plain.endswith(("ss", "us", "is", "'s", "’s"))


def _base_form(verb: str) -> str:
    verb = verb.strip(_PUNCTUATION).casefold()
    if verb in _BASE_FORMS:
        return _BASE_FORMS[verb]
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    return verb[:-2] if verb.endswith(("ches", "shes", "sses", "xes", "zes")) else verb[:-1]


def _plural_head(words: Sequence[str]) -> bool:
    """Whether a heading names a plural thing: its last word before any "of", "for", ... ends in -s."""
    head = words[0]
    for word in words:
        if word.casefold() in _LINKING:
            break
        head = word
    head = head.strip(_PUNCTUATION).casefold()
    return len(head) > 3 and head.endswith("s") and not head.endswith(("ss", "us", "is"))


def draft_entries(article: Article) -> tuple[Entry, ...]:
    """One KB entry per section and per FAQ pair, in the article's order.

    Examples
    --------
    >>> article = parse_article("## Swedish Massage\\n\\nThe Swedish style.\\n\\n**Q:** Is it safe?\\n**A:** Yes.\\n")
    >>> for entry in draft_entries(article):
    ...     print(entry.id, "|", entry.question, "|", entry.source)
    swedish-massage | What is Swedish massage? | Swedish Massage
    faq-is-it-safe | Is it safe? | Swedish Massage
    """
    sections = article.sections
    casing = _Casing(text for s in sections for text in (*s.prose, *s.bullets))
    ids = _ids(sections)
    return tuple(
        Entry(
            id=ids[index],
            question=_question_of(section, casing),
            answer=" ".join(section.prose) or " ".join(_sentence(b) for b in section.bullets),
            source=_source_of(section),
            tips=section.bullets if section.prose else (),
            related=tuple(ids[j] for j in _related(sections, index)),
        )
        for index, section in enumerate(sections)
    )


def _question_of(section: Section, casing: _Casing) -> str:
    if not section.path:
        return INTRODUCTION_QUESTION
    return section.path[-1] if section.faq else _question(section.path[-1], casing)


def _source_of(section: Section) -> str:
    if not section.path:
        return INTRODUCTION
    if not section.faq:
        return " > ".join(section.path)
    container = section.path[:-1]
    if container and _FAQ_HEADING.match(container[0]):
        container = ("FAQ", *container[1:])
    return " > ".join(container) or "FAQ"


def _sentence(text: str) -> str:
    return text if text[-1] in ".!?" else f"{text}."


def _ids(sections: Sequence[Section]) -> list[str]:
    taken: set[str] = set()
    ids = []
    for section in sections:
        if section.faq:
            base = f"faq-{_slug(section.path[-1]) or 'question'}"
        else:
            base = _slug(" ".join(section.path)) or ("section" if section.path else "introduction")
        unique, number = base, 2
        while unique in taken:
            unique, number = f"{base}-{number}", number + 1
        taken.add(unique)
        ids.append(unique)
    return ids


def _slug(text: str) -> str:
    """A kebab-case id from text: ASCII words without "a", "an", "the", at most MAX_ID_LENGTH long."""
    words = [w for w in (re.sub(r"[^a-z0-9]", "", w) for w in normalize(text).split()) if w]
    words = [w for w in words if w not in _ARTICLES] or words
    slug = words[0][:MAX_ID_LENGTH] if words else ""
    for word in words[1:]:
        if len(slug) + 1 + len(word) > MAX_ID_LENGTH:
            break
        slug = f"{slug}-{word}"
    return slug


def _related(sections: Sequence[Section], index: int) -> list[int]:
    """The parent section, subsections, then the nearest sections at the same level (up to MAX_RELATED)."""
    own = sections[index].path
    up = own[:-1]
    parent = [j for j, s in enumerate(sections) if up and s.path == up and not s.faq]
    children = [j for j, s in enumerate(sections) if own and s.path and s.path[:-1] == own]
    siblings = sorted(
        (j for j, s in enumerate(sections) if j != index and s.path and s.path[:-1] == up),
        key=lambda j: abs(j - index),
    )
    chosen = parent[:1] + children
    return chosen + [j for j in siblings if j not in chosen][: max(MAX_RELATED - len(chosen), 0)]


# === merging ======================================================================================

# How a drafted entry finds the entry it was imported as, most certain first. Each pass pairs
# only keys that are unique on both sides.
_PASSES: tuple[tuple[Callable[[Entry, Fingerprint | None], object], Callable[[Entry], object]], ...] = (
    (lambda old, _: old.id, lambda new: new.id),
    (lambda old, _: old.source, lambda new: new.source),
    (lambda old, _: normalize(old.question), lambda new: normalize(new.question)),
    # The heading moved under another parent: same last heading, new path.
    (lambda old, _: old.source.rpartition(" > ")[2], lambda new: new.source.rpartition(" > ")[2]),
    # The heading was renamed over unchanged text.
    (lambda old, note: note.answer if note else None, lambda new: _digest(new.answer)),
)


def merge_entries(
    existing: Sequence[Entry],
    drafted: Sequence[Entry],
    *,
    imported: Mapping[str, Fingerprint] | None = None,
    elsewhere: Sequence[Entry] = (),
) -> Merge:
    """Re-import `drafted` (from an updated article) into `existing` (one KB file's entries).

    Hand edits survive: a field is updated only when its `imported` note shows it was not edited.
    Entries the article no longer has are kept and reported, new ones are added after their
    neighbours (and linked from their parent and subsections), and entries that live in other
    files of the KB (`elsewhere`) are left there.

    Examples
    --------
    >>> old = Entry("tips", "What are the tips?", "Mine.", "Tips", alternates=("advice",))
    >>> new = Entry("tips", "What are the tips?", "The article's.", "Tips")
    >>> merged = merge_entries([old], [new], imported={"tips": Fingerprint.of(old)})
    >>> merged.entries[0].answer, merged.entries[0].alternates
    ("The article's.", ('advice',))
    """
    imported = imported or {}
    matched = _match([*existing, *elsewhere], drafted, imported)
    here = {entry.id for entry in existing}
    added = tuple(new.id for new in drafted if new.id not in matched)
    final = {new.id: matched[new.id].id if new.id in matched else new.id for new in drafted}
    by_id = {entry.id: entry for entry in existing}
    drafted_by_id = {new.id: new for new in drafted}
    fingerprints = {**imported, **{final[new.id]: Fingerprint.of(new) for new in drafted}}
    notes: list[str] = []
    updated = []
    for new in drafted:
        old = matched.get(new.id)
        if old is None:
            by_id[new.id] = dataclasses.replace(new, related=tuple(final[r] for r in new.related))
            notes.append(f"added entry '{new.id}' ({new.source})")
        elif old.id in here:
            links = tuple(final[r] for r in new.related if r in added and _nested(new.source, drafted_by_id[r].source))
            by_id[old.id], message, changed = _update(old, new, imported.get(old.id), links)
            notes.extend([message] if message else [])
            updated.extend([old.id] if changed else [])
    notes.extend(_unmatched_notes(existing, set(_matched_ids(matched)), imported))
    notes.extend(_elsewhere_notes(drafted, matched, here))
    entries = tuple(by_id[entry_id] for entry_id in _order([e.id for e in existing], drafted, final, added))
    return Merge(
        entries,
        {entry.id: fingerprints[entry.id] for entry in entries if entry.id in fingerprints},
        tuple(notes),
        added,
        tuple(updated),
    )


def _matched_ids(matched: Mapping[str, Entry]) -> Iterable[str]:
    return (entry.id for entry in matched.values())


def _match(old: Sequence[Entry], new: Sequence[Entry], imported: Mapping[str, Fingerprint]) -> dict[str, Entry]:
    """Drafted entry id -> the entry it was imported as."""
    matched: dict[str, Entry] = {}
    for old_key, new_key in _PASSES:
        taken = set(_matched_ids(matched))
        olds = _by_unique_key((o for o in old if o.id not in taken), lambda o: old_key(o, imported.get(o.id)))
        news = _by_unique_key((n for n in new if n.id not in matched), new_key)
        for key, entry in news.items():
            if key in olds:
                matched[entry.id] = olds[key]
    return matched


def _by_unique_key(entries: Iterable[Entry], key: Callable[[Entry], object]) -> dict[object, Entry]:
    groups: dict[object, list[Entry]] = {}
    for entry in entries:
        value = key(entry)
        if value:
            groups.setdefault(value, []).append(entry)
    return {value: group[0] for value, group in groups.items() if len(group) == 1}


def _update(old: Entry, new: Entry, note: Fingerprint | None, links: tuple[str, ...]) -> tuple[Entry, str, bool]:
    """`old` brought up to date with `new` where it was not edited by hand; what to tell; whether it changed."""
    changes: dict[str, Any] = {}
    kept = []
    for name in _IMPORTED_FIELDS:
        mine, theirs = getattr(old, name), getattr(new, name)
        if mine == theirs:
            continue
        if note is not None and _digest(mine) == getattr(note, name):
            changes[name] = theirs  # not edited since the last import: the article's new text
        elif note is None or _digest(theirs) != getattr(note, name):
            kept.append(name)  # edited by hand, and the article says something else now
    messages = []
    if changes:
        messages.append(f"updated its {_and(list(changes))} from the article")
    if kept and note is not None:
        messages.append(f"kept your edited {_and(kept)}, though the article changed since the last import")
    elif kept:
        differ = "differs" if len(kept) == 1 else "differ"
        messages.append(
            f"kept its {_and(kept)}, which {differ} from the article's (no import note: taken as hand-written)"
        )
    related = tuple(r for r in dict.fromkeys((*old.related, *links)) if r != old.id)
    message = f"entry '{old.id}': {'; '.join(messages)}" if messages else ""
    return dataclasses.replace(old, related=related, **changes), message, bool(changes)


def _nested(source: str, other: str) -> bool:
    """Whether one source is the other's parent or subsection: the links a merge adds to a kept entry."""
    return source.startswith(f"{other} > ") or other.startswith(f"{source} > ")


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _unmatched_notes(existing: Sequence[Entry], matched: set[str], imported: Mapping[str, Fingerprint]) -> list[str]:
    gone = [e for e in existing if e.id not in matched and e.id in imported]
    notes = [
        f"entry '{e.id}' ({e.source}): the article no longer has it; kept it (delete it by hand if it should go)"
        for e in gone
    ]
    hand = [e.id for e in existing if e.id not in matched and e.id not in imported]
    if hand:
        notes.append(f"kept the entries that match nothing in the article (written by hand?): {', '.join(hand)}")
    return notes


def _elsewhere_notes(drafted: Sequence[Entry], matched: Mapping[str, Entry], here: set[str]) -> list[str]:
    there = [matched[n.id].id for n in drafted if n.id in matched and matched[n.id].id not in here]
    if not there:
        return []
    return [f"left the entries that are in other files of the KB where they are: {', '.join(there)}"]


def _order(existing: list[str], drafted: Sequence[Entry], final: Mapping[str, str], added: Sequence[str]) -> list[str]:
    """The existing order, with each added entry placed after the article's entry before it."""
    order = list(existing)
    anchor: str | None = None
    for new in drafted:
        if new.id in added:
            order.insert(order.index(anchor) + 1 if anchor else 0, new.id)
            anchor = new.id
        elif final[new.id] in order:
            anchor = final[new.id]
    return order


def read_fingerprints(text: str) -> dict[str, Fingerprint]:
    """The `# imported:` notes of a KB file's text, by entry id.

    Examples
    --------
    >>> read_fingerprints("  - id: tips  # imported: q=0123abcd a=4567ef01 t=89abcdef s=23456789\\n")["tips"].answer
    '4567ef01'
    """
    return {m[1]: Fingerprint(m[2], m[3], m[4], m[5]) for m in _NOTE.finditer(text)}


# === writing ======================================================================================


class _Folded(str):
    """Text written as a folded block (`>-`): long answers stay readable in an editor."""


class _Flow(list):  # type: ignore[type-arg]
    """A short list written on one line: `related: [a, b]`."""


class _Dumper(yaml.SafeDumper):
    """Block style with list items indented under their key, as people write KB files."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


# PyYAML writes these raw in plain, quoted and block text, where reading them back turns them
# into spaces or line ends; only double quotes escape them.
_UNICODE_BREAKS = ("\x85", "\u2028", "\u2029")


def _text_style(text: str, block: bool) -> str | None:
    """Double quotes for the breaks above; for an answer, '>' (folded) or '|' (several paragraphs)."""
    if any(c in text for c in _UNICODE_BREAKS):
        return '"'
    if not block or "\r" in text:
        return None
    return "|" if "\n" in text else ">"


_Dumper.add_representer(str, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", s, style=_text_style(s, False)))
_Dumper.add_representer(
    _Folded, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", str(s), style=_text_style(s, True))
)
_Dumper.add_representer(_Flow, lambda d, s: d.represent_sequence("tag:yaml.org,2002:seq", list(s), flow_style=True))


def _entry_data(entry: Entry) -> dict[str, Any]:
    """An entry as a KB file holds it: fields in the documented order, empty lists left out."""
    data: dict[str, Any] = {"id": entry.id, "question": entry.question}
    if entry.alternates:
        data["alternates"] = list(entry.alternates)
    data["answer"] = entry.answer
    if entry.tips:
        data["tips"] = list(entry.tips)
    if entry.related:
        data["related"] = list(entry.related)
    data["source"] = entry.source
    return data


def _styled(data: Mapping[str, Any]) -> dict[str, Any]:
    styled = dict(data)
    if isinstance(styled.get("synonyms"), dict):
        styled["synonyms"] = {k: _Flow(v) if isinstance(v, list) else v for k, v in styled["synonyms"].items()}
    if isinstance(styled.get("safety"), dict) and isinstance(styled["safety"].get("notice"), str):
        styled["safety"] = {**styled["safety"], "notice": _Folded(styled["safety"]["notice"])}
    if isinstance(styled.get("entries"), list):
        styled["entries"] = [_styled_entry(entry) for entry in styled["entries"]]
    return styled


def _styled_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    styled = dict(entry)
    if isinstance(styled.get("answer"), str):
        styled["answer"] = _Folded(styled["answer"])
    if isinstance(styled.get("related"), list):
        styled["related"] = _Flow(styled["related"])
    return styled


def dump_kb(
    data: Mapping[str, Any], *, header: Sequence[str] = (), imported: Mapping[str, Fingerprint] | None = None
) -> str:
    """A KB file's YAML: `header` comment lines, then `data` in block style, entries a blank line apart.

    Examples
    --------
    >>> print(dump_kb({"entries": [{"id": "a", "question": "Q?", "answer": "A.", "source": "FAQ"}]}), end="")
    entries:
      - id: a
        question: Q?
        answer: >-
          A.
        source: FAQ
    """
    body = yaml.dump(_styled(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88)
    lines = list(header)
    for line in body.rstrip("\n").split("\n"):  # not splitlines(): U+2028 and NEL are text here
        entry = _ENTRY_LINE.match(line)
        if entry and lines and lines[-1] != "entries:":
            lines.append("")
        note = (imported or {}).get(entry[1]) if entry else None
        lines.append(f"{line}  # imported: {note}" if note else line)
    return "\n".join(lines) + "\n"


def write_kb(
    path: Path,
    data: Mapping[str, Any],
    *,
    header: Sequence[str] = (),
    imported: Mapping[str, Fingerprint] | None = None,
) -> None:
    """Write a KB file atomically: a temp file in the same directory, then a rename over `path`.

    A reader sees the old file or the new one, never half of one, and a failure leaves the old
    file as it was. An existing file keeps its permissions; through a symlink, its target is written.
    """
    _write_atomically(path, dump_kb(data, header=header, imported=imported))


def _write_atomically(path: Path, text: str) -> None:
    target = path.resolve()
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    except OSError as exc:
        raise FaqbotError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise FaqbotError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise FaqbotError(f"{path}: cannot write: {exc.strerror or exc}") from None
        raise


def _umask() -> int:
    # The only way to read the umask is to set it; put it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# === the command ==================================================================================


@dataclass(frozen=True, slots=True)
class _Target:
    """The KB file a merge goes into."""

    data: dict[str, Any]
    entries: tuple[Entry, ...]
    elsewhere: tuple[Entry, ...]  # entries in the other files of its KB directory
    others: tuple[Path, ...]  # those other files
    header: tuple[str, ...]
    imported: dict[str, Fingerprint]
    dropped_comments: int


def run_import(article: Path, out: Path | None, merge: Path | None, stdout: TextIO, stderr: TextIO) -> int:
    """`faqbot import`: draft a KB from `article` (or merge it into `merge`) and write it to `out` or `stdout`.

    What was skipped and what a merge did are reported on `stderr`. Returns the exit code (0);
    user errors raise FaqbotError. The output is checked to load as a KB before it is written.

    Examples
    --------
    >>> import io, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "guide.md"
    >>> _ = path.write_text("# Guide\\n\\n## Warm Up\\n\\nWalk first.\\n")
    >>> stdout = io.StringIO()
    >>> run_import(path, None, None, stdout, io.StringIO())
    0
    >>> "  - id: warm-up  # imported:" in stdout.getvalue()
    True
    """
    if out is not None and out.exists() and article.exists() and out.resolve() == article.resolve():
        raise FaqbotError(f"{out}: that is the article itself; write the KB to another file")
    markdown = True if article.suffix.lower() in MARKDOWN_SUFFIXES else None  # else: Markdown if it has a '#' heading
    parsed = parse_article(read_article(article), markdown=markdown)
    drafted = draft_entries(parsed)
    for skip in parsed.skipped:
        print(f"{article}:{skip}", file=stderr)
    if not drafted:
        raise FaqbotError(f"{article}: nothing to import: no section with text and no FAQ pair (Q: and A: lines)")
    result = _fresh(article, parsed, drafted) if merge is None else _merged(merge, drafted, stderr)
    text = dump_kb(result.data, header=result.header, imported=result.imported)
    _check_loads(text, out or "(stdout)", merge.name if merge and result.others else "kb.yaml", result.others)
    if out is None:
        stdout.write(text)
    else:
        _write_atomically(out, text)
    print(f"{out or '(stdout)'}: {result.summary} from {article.name}", file=stderr)
    return 0


@dataclass(frozen=True, slots=True)
class _Output:
    """What `faqbot import` writes, and the other files of its KB directory to check it with."""

    data: dict[str, Any]
    header: tuple[str, ...]
    imported: Mapping[str, Fingerprint]
    summary: str
    others: tuple[Path, ...] = ()


def _fresh(article: Path, parsed: Article, drafted: Sequence[Entry]) -> _Output:
    data: dict[str, Any] = {"title": parsed.title} if parsed.title else {}
    data["entries"] = [_entry_data(e) for e in drafted]
    header = (f"# Produced by `faqbot import` from {article.name}, to be edited by hand.", *_NOTES_EXPLAINED)
    return _Output(data, header, {e.id: Fingerprint.of(e) for e in drafted}, f"{len(drafted)} entries")


def _merged(path: Path, drafted: Sequence[Entry], stderr: TextIO) -> _Output:
    target = _read_target(path)
    merged = merge_entries(target.entries, drafted, imported=target.imported, elsewhere=target.elsewhere)
    for note in merged.notes:
        print(f"{path}: {note}", file=stderr)
    if target.dropped_comments:
        lines = f"{target.dropped_comments} line{'s' if target.dropped_comments != 1 else ''}"
        print(f"{path}: note: comments below the header are not kept ({lines})", file=stderr)
    explained = any("'# imported:'" in line for line in target.header)
    return _Output(
        data={**target.data, "entries": [_entry_data(e) for e in merged.entries]},
        header=target.header if explained else (*target.header, *_NOTES_EXPLAINED),
        imported=merged.imported,
        summary=f"{len(merged.entries)} entries ({len(merged.added)} added, {len(merged.updated)} updated)",
        others=target.others,
    )


def _read_target(path: Path) -> _Target:
    """Read and validate the KB file to merge into; it may be one file of a KB directory."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise FaqbotError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise FaqbotError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not text.strip():
        raise FaqbotError(
            f"{path}: the file is empty (if faqbot's output was redirected into it, the shell emptied it "
            "first: write with -o instead)"
        )
    kb, others = _load_with_neighbours(path)
    data = yaml.load(text, Loader=yaml.SafeLoader)
    ids = {str(entry["id"]).strip() for entry in data.get("entries") or []}
    lines = text.splitlines()
    header = tuple(lines[: next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))])
    return _Target(
        data=data,
        entries=tuple(entry for entry in kb if entry.id in ids),
        elsewhere=tuple(entry for entry in kb if entry.id not in ids),
        others=others,
        header=header,
        imported={**_notes_in(others), **read_fingerprints(text)},
        dropped_comments=sum(line.lstrip().startswith("#") for line in lines[len(header):]),
    )


def _notes_in(files: Iterable[Path]) -> dict[str, Fingerprint]:
    """The import notes of the other files of a KB: they tell whether a renamed section lives there."""
    return {key: note for path in files for key, note in read_fingerprints(path.read_text(encoding="utf-8")).items()}


def _load_with_neighbours(path: Path) -> tuple[KnowledgeBase, tuple[Path, ...]]:
    """The KB `path` belongs to: the file alone, or else its directory (its `related` may name entries there)."""
    try:
        return load_kb(path), ()
    except FaqbotError as alone:
        if not path.is_file():
            raise
        try:
            kb = load_kb(path.parent)
        except FaqbotError:
            raise alone from None
        if path.resolve() not in {f.resolve() for f in kb.files}:
            raise alone from None
        return kb, tuple(f for f in kb.files if f.resolve() != path.resolve())


def _check_loads(text: str, destination: Path | str, name: str, others: Sequence[Path]) -> None:
    """Refuse to write a KB that would not load as `name`, next to the other files of its directory if any."""
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        for other in others:
            shutil.copyfile(other, root / other.name)
        (root / name).write_text(text, encoding="utf-8")
        try:
            load_kb(root)
        except FaqbotError as error:
            problems = str(error).replace(f"{root}{os.sep}", "")
            raise FaqbotError(
                f"{destination}: not written: the result would not load (a bug in faqbot import):\n{problems}"
            ) from None
