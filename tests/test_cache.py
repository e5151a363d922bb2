"""The compiled index cache: used when it fits, rebuilt when stale or corrupt, never trusted blindly."""

from __future__ import annotations

import os
import pty
import select
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import bot.cache
from bot import Matcher, load_kb, load_matcher
from bot.cache import cache_dir
from bot.errors import FaqbotError

from conftest import write

pytestmark = pytest.mark.empty_cache  # these tests watch the cache directory fill

KB = """\
entries:
  - id: watering
    question: How often should I water my houseplants?
    alternates: [watering schedule]
    answer: When the top of the soil is dry.
    source: Care > Watering
  - id: light
    question: How much light do houseplants need?
    answer: Bright, indirect light.
    source: Care > Light
"""

QUESTIONS = ["how often do I water", "light for plants", "taxes", "wtaer shcedule"]


def ranks(matcher: Matcher) -> list[object]:
    return [matcher.rank(q, k=2) for q in QUESTIONS]


def index_files() -> list[Path]:
    return sorted(cache_dir().glob("*.idx"))


def test_a_cached_matcher_answers_exactly_as_a_fresh_one(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", KB)
    fresh = Matcher(load_kb(path))
    first = load_matcher(path)  # builds and stores the index
    assert len(index_files()) == 1
    second = load_matcher(path)  # restored from it
    assert ranks(first) == ranks(second) == ranks(fresh)
    assert second.kb == fresh.kb


def test_the_default_kb_round_trips_through_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    load_matcher()
    # The second load must come from the index: an index that fails to load is rebuilt silently.
    monkeypatch.setattr(bot.cache, "_parse", lambda root: pytest.fail(f"{root} was parsed again, not read from the index"))
    cached = load_matcher()
    assert cached.kb == load_kb() and len(cached.kb.examples) > 1000
    assert cached.kb.safety == load_kb().safety
    assert cached.match("how long does a couples massage last?").entry.id == "faq-how-long"


def test_cache_files_are_private(tmp_path: Path) -> None:
    load_matcher(write(tmp_path / "kb.yaml", KB))
    assert stat.S_IMODE(cache_dir().stat().st_mode) == 0o700
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in index_files())


def test_an_edited_kb_gets_a_new_index(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", KB)
    load_matcher(path)
    [before] = index_files()
    write(path, KB.replace("Bright, indirect light.", "Bright light, never direct sun."))
    assert load_matcher(path).kb["light"].answer == "Bright light, never direct sun."
    [after] = index_files()  # the stale index is gone, not left to fill the disk
    assert after != before


def test_a_changed_stopword_list_gets_a_new_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "kb.yaml", KB)
    load_matcher(path)
    [before] = index_files()
    monkeypatch.setattr(bot.cache, "STOPWORDS", bot.cache.STOPWORDS | {"houseplants"})
    load_matcher(path)
    [after] = index_files()
    assert after != before


def test_each_kb_keeps_its_own_index(tmp_path: Path) -> None:
    first, second = write(tmp_path / "a" / "kb.yaml", KB), write(tmp_path / "b" / "kb.yaml", KB)
    load_matcher(first)
    load_matcher(second)
    assert len(index_files()) == 2
    assert load_matcher(first).kb.files != load_matcher(second).kb.files  # each restored from its own
    assert len(index_files()) == 2


@pytest.mark.parametrize("damage", [b"", b"not marshal data", b"\x00" * 64])
def test_a_corrupt_index_is_ignored_and_rebuilt(tmp_path: Path, damage: bytes) -> None:
    path = write(tmp_path / "kb.yaml", KB)
    expected = ranks(load_matcher(path))
    [index] = index_files()
    index.write_bytes(damage)
    assert ranks(load_matcher(path)) == expected
    assert index.read_bytes() != damage  # rewritten


def test_a_foreign_index_under_our_name_is_not_trusted(tmp_path: Path) -> None:
    import marshal

    path = write(tmp_path / "kb.yaml", KB)
    load_matcher(path)
    [index] = index_files()
    magic, key, *rest = marshal.loads(index.read_bytes())
    index.write_bytes(marshal.dumps((magic, "another key", *rest)))
    assert ranks(load_matcher(path)) == ranks(Matcher(load_kb(path)))


def test_a_directory_others_can_write_is_not_used(tmp_path: Path) -> None:
    cache_dir().mkdir(parents=True, exist_ok=True)
    os.chmod(cache_dir(), 0o777)
    path = write(tmp_path / "kb.yaml", KB)
    assert load_matcher(path).match("how often do I water").entry.id == "watering"
    assert index_files() == []


def test_an_unwritable_cache_only_costs_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = write(tmp_path / "not-a-dir", "a file where the cache directory should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert load_matcher(write(tmp_path / "kb.yaml", KB)).match("how often do I water").entry.id == "watering"


def test_a_bad_kb_is_still_reported_not_cached(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", KB.replace("source: Care > Light", "sorce: Care > Light"))
    with pytest.raises(Exception, match="unknown field 'sorce'"):
        load_matcher(path)
    assert index_files() == []


def test_on_build_is_called_when_the_index_is_built_not_when_it_is_read(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", KB)
    calls: list[str] = []
    load_matcher(path, on_build=lambda: calls.append("first"))
    load_matcher(path, on_build=lambda: calls.append("second"))  # read from the index
    write(path, KB.replace("Bright, indirect light.", "Bright light, never direct sun."))
    load_matcher(path, on_build=lambda: calls.append("edited"))
    broken = write(tmp_path / "broken.yaml", "entries: [")
    with pytest.raises(FaqbotError):
        load_matcher(broken, on_build=lambda: calls.append("broken"))  # it fails before any wait
    assert calls == ["first", "edited"]


def test_the_cli_says_why_a_person_waits_the_first_time_and_only_at_a_terminal(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", KB)
    note = "getting the knowledge base ready"

    def ask(*, stderr_at_terminal: bool) -> str:
        command = [sys.executable, "-m", "bot", "ask", "--kb", str(path), "how often do I water"]
        if not stderr_at_terminal:
            piped = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=tmp_path, timeout=60)
            assert piped.returncode == 0
            return piped.stderr
        main, terminal = pty.openpty()
        try:
            result = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=terminal, cwd=tmp_path, timeout=60)
            assert result.returncode == 0
            said = b""
            while select.select([main], [], [], 0.5)[0]:
                chunk = os.read(main, 4096)
                if not chunk:
                    break
                said += chunk
            return said.decode()
        finally:
            os.close(terminal)
            os.close(main)

    assert note not in ask(stderr_at_terminal=False)  # built now, but for a pipe: not a word on stderr
    write(path, KB + "\n")  # changed: built again
    assert note in ask(stderr_at_terminal=True)
    assert note not in ask(stderr_at_terminal=True)  # read from the index
