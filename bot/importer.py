"""Draft a knowledge base (KB) from an article, and re-import an updated article without losing hand edits.

The work is pure functions over frozen dataclasses; only `read_article`, `write_kb` and
`run_import` touch files::

    read_article(path) -> text -> parse_article(text) -> Article      (bot/article.py)
    draft_entries(article) -> entries                                 (here, with bot/questions.py)
    merge_entries(entries in the KB, drafted entries) -> Merge        (here)
    dump_kb(data) -> YAML text;  write_kb(path, data) writes it atomically   (bot/kbfile.py)

This module is `faqbot import` itself: what an article's sections become as entries, how they
merge into a KB, and the command that reads, checks and writes. Reading articles and writing KB
files are jobs of their own, in the modules named above.

On a merge, a field whose import note (see bot/kbfile.py) still matches was not edited by hand,
so it takes the article's new text; an edited field is kept, and reported when the article
changed it too. An entry the file's list of imported entries names and the KB no longer has
was deleted by hand, and stays out.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml

from .article import _ARTICLES, _FAQ_HEADING, MARKDOWN_SUFFIXES, Article, Section, parse_article, read_article
from .errors import FaqbotError
from .kbfile import (
    _IMPORTED_FIELDS,
    Fingerprint,
    _digest,
    _entry_data,
    _write_atomically,
    dump_kb,
    imported_list,
    read_fingerprints,
    read_imported_list,
)
from .knowledge import Entry, KnowledgeBase, load_kb
from .normalize import normalize
from .questions import _Casing, _question

__all__ = [
    "Merge",
    "draft_entries",
    "merge_entries",
    "run_import",
]

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


@dataclass(frozen=True, slots=True)
class Merge:
    """The entries after a merge, their import notes, and what the author should know about it."""

    entries: tuple[Entry, ...]
    imported: Mapping[str, Fingerprint]
    notes: tuple[str, ...]
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()  # the article's entries that were deleted by hand after an import


# === drafting entries =============================================================================


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
    deleted: Collection[str] = (),
) -> Merge:
    """Re-import `drafted` (from an updated article) into `existing` (one KB file's entries).

    Hand edits survive: a field is updated only when its `imported` note shows it was not edited.
    Entries the article no longer has are kept and reported, new ones are added after their
    neighbours (and linked from their parent and subsections), entries that live in other files
    of the KB (`elsewhere`) are left there, and those the author `deleted` after an import stay out.

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
    left_out = tuple(new.id for new in drafted if new.id not in matched and new.id in deleted)
    added = tuple(new.id for new in drafted if new.id not in matched and new.id not in left_out)
    final = {new.id: matched[new.id].id if new.id in matched else new.id for new in drafted}
    by_id = {entry.id: entry for entry in existing}
    drafted_by_id = {new.id: new for new in drafted}
    fingerprints = {**imported, **{final[new.id]: Fingerprint.of(new) for new in drafted}}
    notes: list[str] = []
    updated = []
    for new in drafted:
        old = matched.get(new.id)
        if new.id in left_out:
            notes.append(
                f"left out entry '{new.id}' ({new.source}): it was deleted after an import "
                "(take it off the list at the top of the file to have it back)"
            )
        elif old is None:
            related = tuple(final[r] for r in new.related if r not in left_out)
            by_id[new.id] = dataclasses.replace(new, related=related)
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
        left_out,
    )


def _matched_ids(matched: Mapping[str, Entry]) -> Iterable[str]:
    return (entry.id for entry in matched.values())


def _match(old: Sequence[Entry], new: Sequence[Entry], imported: Mapping[str, Fingerprint]) -> dict[str, Entry]:
    """Drafted entry id -> the entry it was imported as."""
    matched: dict[str, Entry] = {}
    for old_key, new_key in _PASSES:
        # A key pairs entries only if it is unique on each side as a whole: every FAQ entry's
        # source is "FAQ", and a new question must not take over the entry of one the article dropped.
        taken = set(_matched_ids(matched))
        olds = _by_unique_key(old, lambda o: old_key(o, imported.get(o.id)))
        news = _by_unique_key(new, new_key)
        for key, entry in news.items():
            if key in olds and entry.id not in matched and olds[key].id not in taken:
                matched[entry.id] = olds[key]
                taken.add(olds[key].id)
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
        # The article's new text, so that the author can bring it in by hand: the next import, its
        # note updated, will take the edit as the entry's own.
        now = "; ".join(f"the article's {name} now: {_quoted(getattr(new, name))}" for name in kept)
        messages.append(f"kept your edited {_and(kept)}, though the article changed since the last import ({now})")
    elif kept:
        differ = "differs" if len(kept) == 1 else "differ"
        messages.append(
            f"kept its {_and(kept)}, which {differ} from the article's (no import note: taken as hand-written)"
        )
    related = tuple(r for r in dict.fromkeys((*old.related, *links)) if r != old.id)
    message = f"entry '{old.id}': {'; '.join(messages)}" if messages else ""
    return dataclasses.replace(old, related=related, **changes), message, bool(changes)


def _quoted(value: str | tuple[str, ...]) -> str:
    return f'"{value}"' if isinstance(value, str) else "[" + ", ".join(f'"{item}"' for item in value) + "]"


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


def run_import(
    article: Path, out: Path | None, merge: Path | None, stdout: TextIO, stderr: TextIO, *, force: bool = False
) -> int:
    """`faqbot import`: draft a KB from `article` (or merge it into `merge`) and write it to `out` or `stdout`.

    What was skipped and what a merge did are reported on `stderr`. Returns the exit code (0);
    user errors raise FaqbotError. The output is checked to load as a KB before it is written. An
    existing `out` is replaced only when it is the KB merged into, or with `force`: a fresh draft
    over a KB edited by hand would lose the edits.

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
    if article.suffix.lower() in (".yaml", ".yml", ".json"):  # a KB or a question set given by mistake
        raise FaqbotError(
            f"{article}: import reads an article (Markdown or plain text), not a {article.suffix[1:].upper()} file; "
            f"to check a KB, run faqbot validate {article}"
        )
    if out is not None and out.exists() and article.exists() and out.resolve() == article.resolve():
        raise FaqbotError(f"{out}: that is the article itself; write the KB to another file")
    if merge is not None and merge.is_dir():
        raise FaqbotError(f"{merge}: a directory: --merge takes the KB file to update, such as the one import wrote into it")
    if out is not None and out.exists() and not force and (merge is None or not _same_file(out, merge)):
        keep = f"to update it from the article and keep its edits, use --merge {out} -o {out}; " if merge is None else ""
        raise FaqbotError(f"{out} already exists: {keep}to replace it, add --force")
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


def _entries(count: int) -> str:
    return f"{count} entr{'y' if count == 1 else 'ies'}"


def _same_file(one: Path, other: Path) -> bool:
    return other.exists() and one.resolve() == other.resolve()


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
    header = (
        f"# Produced by `faqbot import` from {article.name}, to be edited by hand.",
        *_NOTES_EXPLAINED,
        *imported_list([e.id for e in drafted]),
    )
    return _Output(data, header, {e.id: Fingerprint.of(e) for e in drafted}, _entries(len(drafted)))


def _merged(path: Path, drafted: Sequence[Entry], stderr: TextIO) -> _Output:
    target = _read_target(path)
    listed, header = read_imported_list(target.header)
    present = {entry.id for entry in (*target.entries, *target.elsewhere)}
    merged = merge_entries(
        target.entries,
        drafted,
        imported=target.imported,
        elsewhere=target.elsewhere,
        deleted={entry_id for entry_id in listed if entry_id not in present},
    )
    for note in merged.notes:
        print(f"{path}: {note}", file=stderr)
    if target.dropped_comments:
        lines = f"{target.dropped_comments} line{'s' if target.dropped_comments != 1 else ''}"
        print(f"{path}: note: comments below the header are not kept ({lines})", file=stderr)
    explained = any("'# imported:'" in line for line in header)
    ever_imported = list(dict.fromkeys((*listed, *merged.imported)))
    left_out = f", {len(merged.left_out)} left out as deleted" if merged.left_out else ""
    return _Output(
        data={**target.data, "entries": [_entry_data(e) for e in merged.entries]},
        header=(*header, *([] if explained else _NOTES_EXPLAINED), *imported_list(ever_imported)),
        imported=merged.imported,
        summary=f"{_entries(len(merged.entries))} ({len(merged.added)} added, {len(merged.updated)} updated{left_out})",
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
