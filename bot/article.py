"""Read an article file and parse its outline: title, sections, FAQ pairs, and what it skipped.

The first step of `faqbot import` (bot/importer.py), kept on its own because it knows articles
(Markdown and plain-text layout, code blocks, bylines, promotions, end matter) and nothing about
KB entries: the importer drafts entries from the `Article` returned here alone.

Markdown headings carry their level. Plain text has none, so its outline is read from layout: a
heading is a short line standing alone, starting with a capital and without a final full stop. A
section that ends with a line ending in ':' introduces the headings after it as its subsections,
until a heading written in another case style (Title Case or Sentence case) ends the group.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import FaqbotError
from .knowledge import MAX_FILE_BYTES

__all__ = [
    "Article",
    "Section",
    "Skip",
    "parse_article",
    "read_article",
]

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})

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
# A question in bold on its own line, its answer below or after it: "**Can I cancel?** Yes."
# ("***...?***" and "**...**?" too).
_BOLD_QUESTION = re.compile(r"(\*{2,3}|_{2,3})(?P<question>[^*_]+?)(?P<mark>\?)?\s*\1(?(mark)|\?)\s*(?P<rest>.*)\Z")
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
# "By Jane Doe, certified coach.", "Reviewed by Dr. Sam Lee, MD", "Author: Jane Doe", "By Jane Doe |
# Updated March 3, 2024 | 5 min read", "Posted on March 3 by Jane Doe": a capitalized name, so "By
# stretching daily, you..." is prose.
_NAME = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)+"
_BYLINE = re.compile(
    rf"(?:(?:(?i:(?:written |posted |reviewed |medically reviewed )?by)\s+|(?i:author|written by|reviewed by):\s*)"
    rf"{_NAME}(?:\s*[,|·•–—]\s*[^|·•–—]{{1,40}})*\.?"
    rf"|{_NAME}\s*[|·•–—]\s*\d+\s*(?i:min(?:ute)?s?)\s+(?i:read)"
    r"|(?i:(?:published|updated|last updated|posted)(?: on)?:?\s+(?:[a-z]+\s+)?\d.*))\Z"
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

# --- small words: a heading's case style ignores them (bot/questions.py reads them too) ----------

_ARTICLES = frozenset({"a", "an", "the"})
_LINKING = frozenset("of for in on to with about from at by and or vs versus during after before without".split())
_MINOR = _ARTICLES | _LINKING | {"is", "are", "as", "but", "nor", "so", "yet", "via"}


_NO_TEXT = "a heading with no text of its own"


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
    if any(section.faq for section in outline.sections):  # its questions are imported: no news that it has no text
        skipped = [s for s in skipped if not (s.reason == _NO_TEXT and _FAQ_HEADING.match(s.text))]
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
    if len(line.split()) <= 14 and _BYLINE.match(line):
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
        bold = _BOLD_QUESTION.match(line) if kind == "text" and self.markdown else None
        if bold:
            self.end_block()
            self.current = _Block("question", number, [_inline(bold["question"]).strip() + "?"])
            if answer := _inline(bold["rest"]):
                self.end_block()
                self.current = _Block("answer", number, [answer])
            return
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
        elif text.endswith("?") and self.path and _FAQ_HEADING.match(self.path[0]):
            self.open = _Open((*self.path, text), block.line, faq=True)  # a question under "FAQ"
        else:  # elsewhere a heading that asks ("## Why stretch?") is a section like any other
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
            self.skipped.append(Skip(open_.line, open_.path[-1], _NO_TEXT))
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
