"""The KB file `faqbot import` writes: YAML laid out for people to edit, with import notes, written atomically.

Each drafted entry's id line carries a note (`# imported: q=... a=... t=... s=...`): digests of
the question, answer, tips and source the article gave it. `dump_kb` writes the notes and
`read_fingerprints` reads them back, so their format lives in this one module; the merge in
bot/importer.py compares them to tell hand edits from the article's changes. The header lists
every entry ever imported into the file (`imported_list`, `read_imported_list`): an entry listed
there and missing below was deleted by hand, and a merge does not bring it back.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import FaqbotError
from .knowledge import Entry

__all__ = [
    "Fingerprint",
    "dump_kb",
    "imported_list",
    "read_fingerprints",
    "read_imported_list",
    "write_kb",
]

_NOTE = re.compile(
    r"^[ \t]*- id:[ \t]*['\"]?([a-z0-9-]+)['\"]?[ \t]+#[ \t]*imported:[ \t]*"
    r"q=([0-9a-f]{8})[ \t]+a=([0-9a-f]{8})[ \t]+t=([0-9a-f]{8})[ \t]+s=([0-9a-f]{8})[ \t]*$",
    re.MULTILINE,
)
# The fields an import writes, and so the ones a merge may update.
_IMPORTED_FIELDS = ("question", "answer", "tips", "source")
_ENTRY_LINE = re.compile(r"  - id: ['\"]?([a-z0-9-]+)['\"]?\Z")


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


def _digest(value: str | tuple[str, ...]) -> str:
    text = value if isinstance(value, str) else "\n".join(value)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def read_fingerprints(text: str) -> dict[str, Fingerprint]:
    """The `# imported:` notes of a KB file's text, by entry id.

    Examples
    --------
    >>> read_fingerprints("  - id: tips  # imported: q=0123abcd a=4567ef01 t=89abcdef s=23456789\\n")["tips"].answer
    '4567ef01'
    """
    return {m[1]: Fingerprint(m[2], m[3], m[4], m[5]) for m in _NOTE.finditer(text)}


_LIST_HEADING = "# Imported from the article so far (a merge does not bring back an entry you delete;"
_LIST_HEADING_2 = "# take its id off this list to have it back):"
_LIST_LINE = "#   "
_LIST_WIDTH = 100


def imported_list(ids: Sequence[str]) -> tuple[str, ...]:
    """Header lines listing the ids of every entry imported into a file so far.

    Examples
    --------
    >>> imported_list(["warm-up", "cool-down"])[-1]
    '#   warm-up cool-down'
    """
    lines, line = [_LIST_HEADING, _LIST_HEADING_2], _LIST_LINE
    for entry_id in ids:
        if line != _LIST_LINE and len(line) + len(entry_id) > _LIST_WIDTH:
            lines.append(line.rstrip())
            line = _LIST_LINE
        line += f"{entry_id} "
    return (*lines, line.rstrip()) if line != _LIST_LINE else tuple(lines)


def read_imported_list(header: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ids an `imported_list` in `header` names (none when it has none), and the header without it.

    Examples
    --------
    >>> read_imported_list(["# Mine.", *imported_list(["warm-up", "cool-down"])])
    (('warm-up', 'cool-down'), ('# Mine.',))
    """
    if _LIST_HEADING not in header:
        return (), tuple(header)
    start = header.index(_LIST_HEADING)
    end = start + 1 + (start + 1 < len(header) and header[start + 1] == _LIST_HEADING_2)
    while end < len(header) and header[end].startswith(_LIST_LINE):
        end += 1
    listed = [line[len(_LIST_LINE) :] for line in header[start:end] if line.startswith(_LIST_LINE)]
    return tuple(entry_id for line in listed for entry_id in line.split()), (*header[:start], *header[end:])


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
    if entry.mentions:
        data["mentions"] = list(entry.mentions)
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
    for name in ("related", "mentions"):
        if isinstance(styled.get(name), list):
            styled[name] = _Flow(styled[name])
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
