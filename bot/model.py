"""The knowledge base as data: immutable entries and the KB that holds them.

Loading and validating YAML files into these is bot/knowledge.py's job; this module needs no
YAML, so a KB restored from the index cache (bot/cache.py) never imports the YAML parser.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal, NamedTuple

from .errors import FaqbotError

__all__ = ["Entry", "KnowledgeBase", "LabeledQuestion", "Safety", "WarningSign", "default_kb_path", "kb_files"]

KB_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class Entry:
    """One question the KB answers, with the other ways people ask it."""

    id: str
    question: str
    answer: str
    source: str
    alternates: tuple[str, ...] = ()
    tips: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()  # terms the entry names without explaining them

    @property
    def phrasings(self) -> tuple[str, ...]:
        """The canonical question followed by its alternates."""
        return (self.question, *self.alternates)


class LabeledQuestion(NamedTuple):
    """A question as people ask it, with the entries that answer it (none: the KB does not cover it).

    Question sets for `faqbot eval` are made of these, and so are a KB's `examples`, which the
    matcher learns from. A named tuple rather than a dataclass: it is defined in a third of the
    time at start-up, and built by the thousand in half the time.
    """

    text: str
    expected: tuple[str, ...]  # empty: out of scope
    where: str = ""  # file:line:column of the item, for messages about it

    @property
    def in_scope(self) -> bool:
        return bool(self.expected)

    def accepts(self, entry_id: str) -> bool:
        """Whether `entry_id` is a right answer: an expected id, or a finer entry of one ("technique-swedish-strokes")."""
        return any(entry_id == e or entry_id.startswith(e + "-") for e in self.expected)


@dataclass(frozen=True, slots=True)
class WarningSign:
    """A sign that needs a doctor rather than an answer, and the words people use for it.

    `notice`, when set, is said for this sign instead of the KB's general notice: "my doctor said no
    massage" needs to hear "follow that advice", not that a symptom may be serious. `within`
    "clause" keeps a pattern to one clause, for advice whose negation must be about the thing
    itself: "my doctor recommended massage, not surgery" is not advice against it. A `caution`
    (pregnancy) does not hold the answer back: its notice comes first, then the answer.
    """

    name: str
    patterns: tuple[str, ...]
    notice: str | None = None
    within: Literal["sentence", "clause"] = "sentence"  # where a pattern's words must all be
    caution: bool = False  # its notice comes before the answer, which is still given


@dataclass(frozen=True, slots=True)
class Safety:
    """The notice shown, before any answer, when a question mentions one of the warning signs.

    `ignore` lists phrases that use a sign's words in another sense ("fell asleep", "fell in
    love"): they are taken out of a question before its signs are looked for.
    """

    notice: str
    signs: tuple[WarningSign, ...]
    ignore: tuple[str, ...] = ()
    # Named word lists a pattern may use as one word: "<role> no <massage>" holds when one word of
    # each list is there. They keep a long list ("doctor, GP, physio...") in one place.
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "groups", MappingProxyType(dict(self.groups)))

    def notice_for(self, signs: Sequence[WarningSign]) -> str:
        """What to say for `signs`: the general notice if any of them lacks its own, then each own notice once.

        Examples
        --------
        >>> told = WarningSign("advice against massage", ("doctor said no massage",), "Follow that advice.")
        >>> fever = WarningSign("fever", ("fever",))
        >>> safety = Safety("See a doctor.", (fever, told))
        >>> safety.notice_for([told]), safety.notice_for([fever, told])
        ('Follow that advice.', 'See a doctor.\\n\\nFollow that advice.')
        """
        general = [self.notice] if any(sign.notice is None for sign in signs) else []
        own = [sign.notice for sign in signs if sign.notice is not None]
        return "\n\n".join(dict.fromkeys([*general, *own]))  # a paragraph each


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """A validated, immutable set of entries.

    Examples
    --------
    >>> from bot import load_kb
    >>> kb = load_kb()
    >>> kb["faq-how-long"].source
    'FAQ'
    """

    entries: tuple[Entry, ...]
    files: tuple[Path, ...] = ()
    title: str | None = None
    description: str | None = None
    disclaimer: str | None = None
    threshold: float | None = None  # the KB's own threshold, chosen by its author (faqbot eval --sweep)
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    safety: Safety | None = None
    examples: Sequence[LabeledQuestion] = ()  # labeled questions the matcher learns from
    _by_id: Mapping[str, Entry] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", MappingProxyType({e.id: e for e in self.entries}))
        object.__setattr__(self, "synonyms", MappingProxyType(dict(self.synonyms)))

    def __getitem__(self, entry_id: str) -> Entry:
        return self._by_id[entry_id]

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._by_id

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)


def default_kb_path() -> Path:
    """Where the default KB is: inside the installed package, or knowledge/ in a source checkout."""
    package_dir = Path(__file__).resolve().parent
    installed = package_dir / "_knowledge"
    return installed if installed.is_dir() else package_dir.parent / "knowledge"


def kb_files(path: Path) -> list[Path]:
    """The YAML files a KB path stands for, or a FaqbotError if there are none."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in KB_SUFFIXES and p.is_file())
        if not files:
            raise FaqbotError(f"{path}: no *.yaml files in this directory")
        return files
    if path.is_file():
        return [path]
    raise FaqbotError(f"{path}: no such file or directory")
