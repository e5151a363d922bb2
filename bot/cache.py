"""A compiled index cache, so that start-up skips YAML parsing, validation and text analysis.

The cache holds a KB and its Matcher index as plain data (`marshal`: fast, and unlike pickle it
never runs code on load). Its key is a checksum of the program version, the cache format and
every KB file's name and bytes, so an edited KB or a new faqbot never reads a stale index. A file
that is corrupt, foreign or stale is ignored and rebuilt; the directory is used only when it
belongs to this user and nobody else can write to it. Writes go to a temp file, then rename.
"""

from __future__ import annotations

import gc
import marshal
import os
import stat
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, overload

from .model import Entry, KnowledgeBase, LabeledQuestion, Safety, WarningSign, default_kb_path, kb_files
from .matcher import Matcher
from .normalize import STOPWORDS, Analyzer

__all__ = ["cache_dir", "load_matcher"]

FORMAT = 36  # bump whenever the stored layout or the meaning of the index changes
_MAGIC = "faqbot-index"


def cache_dir() -> Path:
    """$XDG_CACHE_HOME/faqbot, or ~/.cache/faqbot."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "faqbot"


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of containers are made and kept.

    Building or loading a large index creates no garbage cycles, but each batch of new tuples and
    sets triggers a collection that walks all of them: loading a 100,000-entry index took 3.5 s
    with the collector on and 0.8 s with it off.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # Move what exists now, the index included, out of the collector's sight: otherwise the
        # next full collection walks all of it again (0.6 s for 100,000 entries).
        gc.freeze()
        if enabled:
            gc.enable()


def load_matcher(
    path: str | Path | None = None,
    *,
    threshold: float | None = None,
    cache: bool = True,
    on_build: Callable[[], object] | None = None,
) -> Matcher:
    """Load a KB and build its Matcher, reusing a cached index when one fits the KB's files exactly.

    `on_build` is called before the Matcher is built from the KB's files rather than read from the
    cache (the first time a KB is used, or after it changed), which takes seconds with examples.

    Examples
    --------
    >>> load_matcher().match("how long does a couples massage last?").entry.id
    'faq-how-long'
    """
    with _collector_paused():
        return _load_matcher(Path(path) if path is not None else default_kb_path(), threshold, cache, on_build)


def _load_matcher(root: Path, threshold: float | None, cache: bool, on_build: Callable[[], object] | None) -> Matcher:
    if not cache:
        return _build(root, threshold, on_build)
    files = kb_files(root)
    key = _key(files)
    where = _trusted_dir()
    # One index per KB location: named after the location and the content, so that writing the
    # index of an edited KB can remove the stale one (a large KB's index is hundreds of MB).
    location = f"{zlib.crc32(str(root.resolve()).encode()):08x}"
    if where is not None:
        cached = _read(where / f"{location}-{key}.idx", key, threshold)
        if cached is not None:
            return cached
    matcher = _build(root, threshold, on_build)
    if where is not None:
        _write(where / f"{location}-{key}.idx", key, matcher)
        _remove_stale(where, location, key)
    return matcher


def _remove_stale(where: Path, location: str, key: str) -> None:
    for stale in where.glob(f"{location}-*.idx"):
        if stale.name != f"{location}-{key}.idx":
            try:
                stale.unlink()
            except OSError:
                pass  # another process may have removed it first


def _build(root: Path, threshold: float | None, on_build: Callable[[], object] | None) -> Matcher:
    kb = _parse(root)  # a KB that does not load fails before anyone is told to wait for it
    if on_build is not None:
        on_build()
    return Matcher(kb, threshold=threshold)


def _parse(root: Path) -> KnowledgeBase:
    from .knowledge import load_kb  # the YAML parser is imported only when a KB must be parsed

    return load_kb(root)


def _key(files: list[Path]) -> str:
    """Two checksums of the version, the format, the stopwords and every file's path and bytes, as hex.

    The stopwords decide which words the index keeps, so a changed list must not reuse an index
    built with the old one, even when FORMAT was not bumped. A cache key needs no cryptographic
    hash, and importing hashlib loads OpenSSL, which costs more start-up time than all of faqbot's
    own modules.
    """
    from . import __version__

    crc = adler = 1
    stopwords = " ".join(sorted(STOPWORDS))
    for part in (f"{_MAGIC}/{FORMAT}/{__version__}/{stopwords}".encode(), *_file_parts(files)):
        crc, adler = zlib.crc32(part, crc), zlib.adler32(part, adler)
    return f"{crc:08x}{adler:08x}"


def _file_parts(files: list[Path]) -> Iterator[bytes]:
    for file in files:
        data = file.read_bytes()
        yield f"\0{file.resolve()}\0{len(data)}\0".encode()
        yield data


def _trusted_dir() -> Path | None:
    """The cache directory, created 0700 if missing; None if it is not safely ours."""
    where = cache_dir()
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = where.stat()
    except OSError:
        return None
    if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None
    return where


def _read(path: Path, key: str, threshold: float | None) -> Matcher | None:
    try:
        if path.stat().st_uid != os.getuid():
            return None
        magic, stored_key, kb_data, rules, index = marshal.loads(path.read_bytes())
        if magic != _MAGIC or stored_key != key:
            return None
        kb = _kb_from_data(kb_data)
        return Matcher._from_index(kb, Analyzer.from_rules(rules), index, threshold)
    except Exception:  # noqa: BLE001 - any unreadable, corrupt or foreign file is rebuilt, never trusted
        return None


def _write(path: Path, key: str, matcher: Matcher) -> None:
    payload: Any = (_MAGIC, key, _kb_to_data(matcher.kb), matcher._analyzer.rules, matcher._index())  # builtins only, as marshal needs
    data = marshal.dumps(payload)
    import tempfile  # only a cache miss writes

    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".idx")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
    except OSError:
        pass  # a cache that cannot be written only costs the next start-up its speed


def _kb_to_data(kb: KnowledgeBase) -> tuple[object, ...]:
    entries = tuple(
        (e.id, e.question, e.answer, e.source, e.alternates, e.tips, e.related, e.mentions) for e in kb.entries
    )
    safety = (
        (kb.safety.notice, tuple((s.name, s.patterns, s.notice, s.within, s.caution) for s in kb.safety.signs), kb.safety.ignore, dict(kb.safety.groups))
        if kb.safety
        else None
    )
    # Stored as one blob, decoded only when something reads them (see _StoredExamples).
    examples = (len(kb.examples), marshal.dumps(tuple((q.text, q.expected) for q in kb.examples)))
    return (
        entries, tuple(str(f) for f in kb.files), kb.title, kb.description, kb.disclaimer, kb.threshold, dict(kb.synonyms), safety,
        examples,
    )


def _kb_from_data(data: tuple[object, ...]) -> KnowledgeBase:
    entries, files, title, description, disclaimer, threshold, synonyms, safety, examples = data
    return KnowledgeBase(
        entries=tuple(Entry(*fields) for fields in entries),  # type: ignore[attr-defined]
        files=tuple(Path(f) for f in files),  # type: ignore[attr-defined]
        title=title,  # type: ignore[arg-type]
        description=description,  # type: ignore[arg-type]
        disclaimer=disclaimer,  # type: ignore[arg-type]
        threshold=threshold,  # type: ignore[arg-type]
        synonyms=synonyms,  # type: ignore[arg-type]
        safety=Safety(safety[0], tuple(WarningSign(*s) for s in safety[1]), safety[2], safety[3]) if safety else None,  # type: ignore[index]
        examples=_StoredExamples(*examples),  # type: ignore[misc]
    )


class _StoredExamples(Sequence[LabeledQuestion]):
    """A KB's examples as the index stores them, decoded on first use.

    Only the index was built from them: answering a question never reads them, and decoding
    3,000 of them at every start-up took 1 ms of `faqbot ask`. `len` needs no decoding.
    """

    __slots__ = ("_count", "_blob", "_decoded")

    def __init__(self, count: int, blob: bytes) -> None:
        self._count, self._blob = count, blob
        self._decoded: tuple[LabeledQuestion, ...] | None = None

    def _all(self) -> tuple[LabeledQuestion, ...]:
        if self._decoded is None:
            self._decoded = tuple(LabeledQuestion(text, expected) for text, expected in marshal.loads(self._blob))
        return self._decoded

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> LabeledQuestion: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[LabeledQuestion]: ...
    def __getitem__(self, index: int | slice) -> LabeledQuestion | Sequence[LabeledQuestion]:
        return self._all()[index]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and self._all() == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._all())
