"""Hostile knowledge files and hostile input: never a crash, a hang, or a half-loaded KB."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import FaqbotError, Matcher, load_kb
from bot.render import printable

from conftest import run_faqbot, write

GOOD_ENTRY = "entries:\n  - id: a\n    question: What is a?\n    answer: A is a letter.\n    source: FAQ\n"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_kb())


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    lines = ["l0: &l0 [" + ", ".join(['"lol"'] * width) + "]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]" for i in range(1, levels)]
    last = f"*l{levels - 1}"
    return "\n".join(lines) + f"\nentries:\n  - id: a\n    question: q\n    answer: {last}\n    source: s\n    tips: {last}\n"


def test_billion_laughs_fails_fast_with_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path / "laughs.yaml", billion_laughs())
    started = time.perf_counter()
    with pytest.raises(FaqbotError) as caught:
        load_kb(path)
    assert time.perf_counter() - started < 5  # 9**9 strings if anything expanded the aliases
    assert "'answer' must be text, not a list" in str(caught.value)


def test_an_alias_repeating_a_bad_node_reports_it_once(tmp_path: Path) -> None:
    write(tmp_path / "kb.yaml", 'bad: &bad ["lol", "lol"]\nentries: [*bad, *bad, *bad]\n')
    result = run_faqbot("--kb", "kb.yaml", "validate", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    problems = result.stderr.splitlines()[:-1]
    assert len(problems) == len(set(problems)) == 2, result.stderr  # the unknown key, and the list for an entry


@pytest.mark.parametrize(("content", "where"), [(b"\x00entries: []\n", "1:1"), (b"entries:\n  - id: a\x07\n", "2:10")])
def test_a_control_character_is_one_line_at_its_place(tmp_path: Path, content: bytes, where: str) -> None:
    (tmp_path / "kb.yaml").write_bytes(content)
    result = run_faqbot("--kb", "kb.yaml", "validate", cwd=tmp_path)
    assert result.returncode == 2
    first, summary = result.stderr.splitlines()
    assert first.startswith(f"kb.yaml:{where}: invalid YAML: character U+00") and "is not allowed" in first
    assert "unicode string" not in result.stderr and "nothing was loaded" in summary


def test_python_tags_are_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = write(tmp_path / "evil.yaml", GOOD_ENTRY + f"    tips: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(FaqbotError, match="tag .*python/object/apply:os.system.* is not allowed"):
        load_kb(path)
    assert not marker.exists()


def test_duplicate_keys_are_reported_with_both_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "dup.yaml", GOOD_ENTRY + "    answer: Another answer.\n")
    with pytest.raises(FaqbotError, match=r"dup\.yaml:6:5: entry 'a': duplicate key 'answer' \(first at line 4\)"):
        load_kb(path)


def test_a_file_over_the_size_cap_is_refused_unread(tmp_path: Path) -> None:
    path = write(tmp_path / "big.yaml", GOOD_ENTRY + "# " + "x" * 2000 + "\n")
    with pytest.raises(FaqbotError, match="more than the limit of 1,000"):
        load_kb(path, max_file_bytes=1000)
    assert len(load_kb(path)) == 1  # the default cap is generous


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xef\xbb\xbf" + GOOD_ENTRY.encode(), "byte-order mark"),
        (GOOD_ENTRY.encode().replace(b"What", b"Wh\xe4t"), "not UTF-8"),
        (b"entries:\n\t- id: a\n", "tab character"),
        (b"", "empty"),
        (b"- one\n- two\n", "expected a mapping"),
        (b"just a sentence\n", "expected a mapping"),
    ],
)
def test_malformed_files_give_one_clear_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = write(tmp_path / "kb.yaml", content)
    with pytest.raises(FaqbotError) as caught:
        load_kb(path)
    assert len(caught.value.problems) == 1
    assert message in str(caught.value) and "\n" not in str(caught.value)


yaml_ish = st.text(alphabet=st.sampled_from(list("abc:-[]{}&*!|>'\"#%@` \n\t\\?,.0123") + ["\u00e9", "\x00"]), max_size=200)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=yaml_ish)
def test_random_yaml_ish_text_raises_only_our_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "kb.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_kb(path)
    except FaqbotError:
        pass


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
structures = st.recursive(
    scalars, lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10) | st.integers(), children, max_size=4),
    max_leaves=20,
)
entry_like = st.fixed_dictionaries(
    {}, optional={k: structures for k in ("id", "question", "answer", "source", "alternates", "tips", "related", "alternate")}
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(structures, st.fixed_dictionaries({"entries": st.lists(entry_like | structures, max_size=4)})))
def test_random_structures_load_or_raise_only_our_error(tmp_path: Path, data: object) -> None:
    path = tmp_path / "kb.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        kb = load_kb(path)
    except FaqbotError as exc:
        assert all(p.line >= 1 and p.column >= 1 for p in exc.problems)
    else:
        assert all(entry.id and entry.question and entry.answer and entry.source for entry in kb)


@settings(max_examples=500, deadline=None)
@given(text=st.text(max_size=300))
def test_match_never_raises_and_is_deterministic(matcher: Matcher, text: str) -> None:
    first = matcher.match(text)
    assert first is None or 0 <= first.score <= 100
    assert matcher.match(text) == first
    assert all(0 <= c.score <= 100 for c in matcher.rank(text, k=5))


@pytest.mark.parametrize(
    "text",
    ["", "   ", "???", "!!!...", "\x00\x01\x02", "😀😀", "e\u0301\u0301\u0301", "ما هو التدليك", "按摩多长时间",
     "\u202eevil", "a" * 1_000_000, "massage " * 100_000],
)
def test_odd_input_gets_an_answer_or_a_polite_decline(matcher: Matcher, text: str) -> None:
    started = time.perf_counter()
    result = matcher.match(text)
    assert result is None or 0 <= result.score <= 100
    assert time.perf_counter() - started < 5  # the scored text is capped, whatever its length


def test_terminal_escapes_are_stripped_from_text() -> None:
    hostile = "ok\x1b]0;pwned\x07 then \x1b[31mred\x1b[0m and \x07bell \x9b2J done"
    assert printable(hostile) == "ok then red and bell 2J done"


@pytest.mark.parametrize("content", [bytes(range(256)) * 8, b"+\xff\xfe half a line", b"\x00" * 100])
def test_a_corrupt_history_file_is_read_without_a_crash(tmp_path: Path, content: bytes) -> None:
    from bot.chat import open_history

    path = tmp_path / "history"
    path.write_bytes(content)
    history = open_history(path)
    loaded = list(history.load_history_strings())
    assert all(isinstance(line, str) for line in loaded)
    history.store_string("how long does it last")
    assert "how long does it last" in path.read_text(encoding="utf-8", errors="replace")
