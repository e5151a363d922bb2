"""`faqbot import`: drafting a KB from an article, re-importing an updated one, and writing it safely."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import bot.importer
from bot import FaqbotError, Matcher, load_kb, reply_to
from bot.article import parse_article
from bot.importer import draft_entries, merge_entries, run_import
from bot.kbfile import Fingerprint, dump_kb, read_fingerprints, write_kb
from bot.questions import question_from_heading
from bot.knowledge import Entry

from conftest import faqbot_env, run_faqbot, write

ARTICLES = Path(__file__).parent / "fixtures" / "articles"


def run(article: Path, out: Path | None = None, merge: Path | None = None, *, force: bool = False) -> tuple[str, list[str]]:
    """Run the import; return what it printed on stdout, and its stderr lines without the file names."""
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run_import(article, out, merge, stdout, stderr, force=force) == 0
    prefixes = [f"{article}:", *([f"{merge}: "] if merge else [])]
    lines = []
    for line in stderr.getvalue().splitlines():
        for prefix in prefixes:
            line = line.removeprefix(prefix)
        lines.append(line)
    return stdout.getvalue(), lines


def merge_report(lines: list[str]) -> list[str]:
    """What a merge said, without what the article's import skipped."""
    return [line for line in lines if ": skipped " not in line]


def entries_of(text: str) -> dict[str, dict[str, object]]:
    return {entry["id"]: entry for entry in yaml.safe_load(text)["entries"]}


def article(tmp_path: Path, text: str, name: str = "article.md") -> Path:
    return write(tmp_path / name, text)


# --- the fixture articles: exactly these entries, and exactly these skips --------------------------

SKIPPED = {
    "massage-guide.md": [
        '3: skipped "By Sam Writer": a byline',
        '8: skipped "Styles of Massage": a heading with no text of its own',
        '28: skipped "![A therapist at work](massage.jpg)": no text, only markup (an image?)',
        '35: skipped "```": a code block',
        '54: skipped "Check out our partner: the relax program by max mustermann": a promotion',
        '56: skipped "Related Articles": end matter (related articles, comments, about the author), '
        "and what follows it (lines 58-59)",
        "(stdout): 7 entries from massage-guide.md",
    ],
    "home-massage.txt": [
        '3: skipped "Home Massage for Two": repeats the title',
        '44: skipped "Can I use cooking oil?": a question without an answer',
        '46: skipped "the couples massage course by jo bloggs": a promotion',
        '47: skipped "Jo Bloggs is a massage therapist and wellness writer who…": an author bio',
        '49: skipped "Related Articles": end matter (related articles, comments, about the author), '
        "and what follows it (lines 50-51)",
        "(stdout): 8 entries from home-massage.txt",
    ],
}


@pytest.mark.parametrize("name", sorted(SKIPPED))
def test_fixture_articles_give_exactly_the_expected_entries(name: str, tmp_path: Path) -> None:
    text, report = run(ARTICLES / name)
    expected = (ARTICLES / f"{name.rsplit('.', 1)[0]}.expected.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(text) == yaml.safe_load(expected)
    assert read_fingerprints(text) == read_fingerprints(expected)
    assert report == SKIPPED[name]
    kb = load_kb(write(tmp_path / "kb.yaml", text))
    assert len(kb) == len(yaml.safe_load(expected)["entries"])


def test_the_plain_text_fixture_really_has_windows_line_endings() -> None:
    data = (ARTICLES / "home-massage.txt").read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n") > 40


def test_line_endings_do_not_change_the_outline() -> None:
    text = (ARTICLES / "home-massage.txt").read_bytes().decode("utf-8")
    windows = parse_article(text)
    assert parse_article(text.replace("\r\n", "\n")) == windows
    assert parse_article(text.replace("\r\n", "\r")) == windows


def test_odd_whitespace_is_cleaned_up() -> None:
    text = "Title\n\n \t\u00a0Some\u200b text,\tits  gaps   and\u2009spaces.  \n\u3000\n- A\u00a0tip. \n"
    section = parse_article(text, markdown=False).sections[0]
    assert section.prose == ("Some text, its gaps and spaces.",)
    assert section.bullets == ("A tip.",)


# --- outline: headings, nesting, FAQ pairs ---------------------------------------------------------


def paths(text: str, *, markdown: bool | None = None) -> list[tuple[str, ...]]:
    return [section.path for section in parse_article(text, markdown=markdown).sections]


def test_markdown_levels_give_the_heading_path() -> None:
    text = "# T\n\n## A\n\na.\n\n### B\n\nb.\n\n#### C\n\nc.\n\n### D\n\nd.\n\n## E\n\ne.\n"
    assert paths(text) == [("A",), ("A", "B"), ("A", "B", "C"), ("A", "D"), ("E",)]


def test_a_heading_that_asks_is_a_section_outside_an_faq() -> None:
    text = "# Stretching\n\n## Why stretch?\n\nIt keeps you loose.\n\n## FAQ\n\n### How often?\n\nDaily.\n"
    entries = {e.id: e for e in draft_entries(parse_article(text))}
    why = entries["why-stretch"]
    assert why.question == "Why stretch?" and why.source == "Why stretch?"
    assert entries["faq-how-often"].source == "FAQ"


@pytest.mark.parametrize(
    ("line", "skipped"),
    [("By Jane Doe, certified coach.", True), ("Written by Sam Writer", True),
     ("By Jane Baker | Updated March 3, 2024 | 5 min read", True), ("By Jane Baker, March 3, 2024", True),
     ("Posted on March 3, 2024 by Jane Baker", True), ("Author: Jane Baker", True),
     ("Jane Baker · 5 min read", True), ("Reviewed by Dr. Sam Lee, MD", True),
     ("By stretching daily, you stay loose.", False), ("By the way, hold each stretch.", False),
     ("By Monday, your calves will thank you.", False)],
)
def test_a_byline_is_skipped_but_prose_starting_with_by_is_kept(line: str, skipped: bool) -> None:
    article_ = parse_article(f"# Stretching\n\n{line}\n\nStretch after a run.\n\n## Calves\n\nLean on a wall.\n")
    assert (line in [s.text for s in article_.skipped]) is skipped
    assert (line.split(",")[0] in " ".join(p for s in article_.sections for p in s.prose)) is not skipped


def test_several_level_one_headings_are_sections_not_a_title() -> None:
    article_ = parse_article("# One\n\none.\n\n# Two\n\ntwo.\n")
    assert article_.title is None
    assert [s.path for s in article_.sections] == [("One",), ("Two",)]


def test_plain_text_subsections_follow_a_lead_in_until_the_case_style_changes() -> None:
    text = textwrap.dedent("""\
        Guide

        Benefits of Massage

        Massage helps. It has three benefits:

        Better sleep

        You sleep better.

        Less stress

        You worry less.

        Massage Techniques for Beginners

        Start gently.
        """)
    assert paths(text) == [
        ("Benefits of Massage",),
        ("Benefits of Massage", "Better sleep"),
        ("Benefits of Massage", "Less stress"),
        ("Massage Techniques for Beginners",),
    ]
    assert parse_article(text).sections[0].prose == ("Massage helps.",)  # the lead-in is not an answer


def test_plain_text_lines_that_are_not_headings() -> None:
    text = "Title\n\nA sentence ends with a full stop.\n\nlowercase start\n\nTechniques include:\n- one\n"
    article_ = parse_article(text)
    assert article_.title == "Title"
    assert article_.sections[0].path == ()
    assert article_.sections[0].prose == ("A sentence ends with a full stop.", "lowercase start")
    assert article_.sections[0].bullets == ("one",)


@pytest.mark.parametrize(
    "text, markdown",
    [
        ("# T\n\n## FAQ\n\n**Q:** Is it safe?\n**A:** Yes.\n", True),
        ("# T\n\n## FAQ\n\n**Q: Is it safe?**\n\nYes.\n", True),
        ("# T\n\n## FAQ\n\n### Is it safe?\n\nYes.\n", True),
        ("# T\n\n## FAQ\n\n**Is it safe?**\n\nYes.\n", True),
        ("# T\n\n## FAQ\n\n__Is it safe?__\nYes.\n", True),
        ("# T\n\n## FAQ\n\n***Is it safe?***\n\nYes.\n", True),
        ("# T\n\n## FAQ\n\n**Is it safe**?\n\nYes.\n", True),
        ("# T\n\n## FAQ\n\n**Is it safe?** Yes.\n", True),
        ("T\n\nFAQ\n\nQ: Is it safe?\nA: Yes.\n", False),
        ("T\n\nFrequently asked questions:\n\nIs it safe?\n\nYes.\n", False),
        ("T\n\nFAQ\n\nIs it safe?\nYes.\n", False),
        ("T\n\nFAQ\n\nQ: Is it safe?\nYes.\n", False),
        ("Q: Is it\nsafe?\nA: Yes.\n", False),
    ],
)
def test_faq_pairs_in_every_form(text: str, markdown: bool) -> None:
    (entry,) = draft_entries(parse_article(text, markdown=markdown))
    assert (entry.id, entry.question, entry.answer, entry.source) == ("faq-is-it-safe", "Is it safe?", "Yes.", "FAQ")


def test_bold_questions_one_after_another_each_get_their_answer() -> None:
    text = "# T\n\n## FAQ\n\n**Is it safe?**\n\nYes.\n\n**Is it hot?**\n\nNo, warm.\n\nA **bold** word? Stays text.\n"
    entries = draft_entries(parse_article(text, markdown=True))
    assert [(e.question, e.answer) for e in entries] == [("Is it safe?", "Yes."), ("Is it hot?", "No, warm. A bold word? Stays text.")]


def test_empty_faq_labels_are_skipped() -> None:
    article_ = parse_article("T\n\nQ:\n\nA:\n\nText.\n", markdown=False)
    assert [s.prose for s in article_.sections] == [("Text.",)]
    reasons = [skip.reason for skip in article_.skipped]
    assert reasons == ["a question label with no question", "an answer label with no answer"]


def test_a_heading_without_words_is_skipped() -> None:
    article_ = parse_article("# T\n\n## ![logo](logo.png)\n\nText.\n")
    assert [s.path for s in article_.sections] == [()]
    assert [str(skip) for skip in article_.skipped] == ['3: skipped "## ![logo](logo.png)": a heading without words']


def test_an_faq_pair_inside_a_section_takes_its_path_as_source() -> None:
    entries = draft_entries(parse_article("# T\n\n## Booking\n\nBook online.\n\nQ: Can I pay later?\nA: Yes.\n"))
    assert [(e.id, e.source, e.related) for e in entries] == [
        ("booking", "Booking", ("faq-can-i-pay-later",)),
        ("faq-can-i-pay-later", "Booking", ("booking",)),
    ]


# --- entries: questions, ids, answers, tips, related -----------------------------------------------


@pytest.mark.parametrize(
    "heading, question",
    [
        ("Swedish Massage", "What is Swedish massage?"),
        ("Prepare the environment", "How do I prepare the environment?"),
        ("Benefits of Couples Massage", "What are the benefits of couples massage?"),
        ("Massage Techniques for Back Pain", "What are the massage techniques for back pain?"),
        ("Tips for Couples Massage", "What are some tips for couples massage?"),
        ("How to Book a Session", "How do I book a session?"),
        ("What to Expect", "What should I expect?"),
        ("Why Massage Helps", "Why does massage help?"),
        ("How It Works", "How does it work?"),
        ("Is Massage Safe", "Is massage safe?"),
        ("Choosing an Oil", "How do I choose an oil?"),
        ("Fixing a Flat Tire", "How do I fix a flat tire?"),
        ("Truing a Wheel", "What should I know about truing a wheel?"),  # "What is truing a wheel?" was not English
        ("Training Your Dog", "What should I know about training your dog?"),
        ("Bleeding Hydraulic Brakes", "What should I know about bleeding hydraulic brakes?"),  # not "the bleeding brakes"
        ("Hamstring Stretch", "What should I know about hamstring stretch?"),
        ("Spring", "What is spring?"),
        ("The Basics", "What are the basics?"),
        ("FAQ for FAQ Writers", "What is FAQ for FAQ writers?"),
        ("How long does it last?", "How long does it last?"),
    ],
)
def test_questions_made_from_headings(heading: str, question: str) -> None:
    assert question_from_heading(heading, ["People love Swedish style."]) == question


def test_names_keep_their_capital_only_when_the_article_writes_them_so() -> None:
    assert question_from_heading("Thai Massage", ["Try a Thai massage."]) == "What is Thai massage?"
    assert question_from_heading("Thai Massage", ["Massage is good."]) == "What is thai massage?"


def test_ids_are_kebab_case_unique_and_short() -> None:
    long_heading = "A Very Long Heading About Many Different Things That Goes On And On"
    headings = ["Tips", "Tips", long_heading, "日本語", "Café Crème"]
    text = "# T\n\n" + "".join(f"## {heading}\n\nText.\n\n" for heading in headings)
    ids = [entry.id for entry in draft_entries(parse_article(text))]
    assert ids == ["tips", "tips-2", "very-long-heading-about-many-different-things-that-goes-on", "section", "cafe-creme"]
    assert all(len(i) <= 60 for i in ids)


def test_a_section_with_only_a_list_answers_with_it() -> None:
    (entry,) = draft_entries(parse_article("# T\n\n## Packing\n\n- Bring a towel\n- Bring water!\n"))
    assert (entry.answer, entry.tips) == ("Bring a towel. Bring water!", ())


def test_related_are_parent_subsections_and_nearest_siblings() -> None:
    text = "# T\n\n## P\n\np.\n\n### P1\n\n1.\n\n### P2\n\n2.\n\n### P3\n\n3.\n\n## Q\n\nq.\n\n## R\n\nr.\n"
    related = {e.id: e.related for e in draft_entries(parse_article(text))}
    assert related == {
        "p": ("p-p1", "p-p2", "p-p3", "q"),  # subsections are never cut; siblings fill up to four
        "p-p1": ("p", "p-p2", "p-p3"),
        "p-p2": ("p", "p-p1", "p-p3"),
        "p-p3": ("p", "p-p2", "p-p1"),
        "q": ("r", "p"),  # nearest first
        "r": ("q", "p"),
    }


# --- documents with little in them ------------------------------------------------------------------


def test_a_document_without_headings_gives_one_entry(tmp_path: Path) -> None:
    path = article(tmp_path, "Stretch every morning. It keeps you supple.\n", "notes.txt")
    text, _ = run(path)
    (entry,) = load_kb(write(tmp_path / "kb.yaml", text))
    assert (entry.id, entry.question, entry.source) == ("introduction", "What does this article cover?", "Introduction")
    assert entry.answer == "Stretch every morning. It keeps you supple."


def test_a_document_without_an_faq_gives_section_entries(tmp_path: Path) -> None:
    text, _ = run(article(tmp_path, "# Guide\n\n## Warm Up\n\nWalk first.\n\n## Cool Down\n\nWalk after.\n"))
    assert list(entries_of(text)) == ["warm-up", "cool-down"]


def test_a_document_with_only_an_faq_gives_faq_entries(tmp_path: Path) -> None:
    text, _ = run(article(tmp_path, "Q: Is it open?\nA: Yes.\n\nQ: Is it free?\nA: No.\n", "faq.txt"))
    assert {e["id"]: e["source"] for e in entries_of(text).values()} == {"faq-is-it-open": "FAQ", "faq-is-it-free": "FAQ"}


@pytest.mark.parametrize(
    "text",
    ["", "\n\n  \n", "# Only a title\n", "Related Articles\nTen oils to try\n", "Jane Doe is a writer and blogger.\n"],
)
def test_nothing_to_import_is_a_clear_error(text: str, tmp_path: Path) -> None:
    with pytest.raises(FaqbotError, match=r"article\.txt: nothing to import: no section with text and no FAQ pair"):
        run(article(tmp_path, text, "article.txt"))


# --- reading the article ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, message",
    [
        ("Title\n\nCafé au lait.\n".encode("latin-1"), r"a\.txt:3:4: not UTF-8 text \(byte 0xe9\); save .* as UTF-8$"),
        ("Title\n".encode("utf-16"), r"a\.txt: the file is UTF-16 text; save it as UTF-8"),
        (b"%PDF-1.4\n\x00\x01\x02", r"a\.txt: not text \(it has NUL bytes"),
    ],
)
def test_an_article_that_is_not_utf8_is_a_clear_error(data: bytes, message: str, tmp_path: Path) -> None:
    with pytest.raises(FaqbotError, match=message):
        run(write(tmp_path / "a.txt", data))


def test_a_utf8_byte_order_mark_is_fine(tmp_path: Path) -> None:
    text, _ = run(write(tmp_path / "a.txt", "\ufeffGuide\n\nIt works.\n".encode()))
    assert yaml.safe_load(text)["title"] == "Guide"


def test_a_missing_article_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FaqbotError, match=r"nope\.md: cannot read: No such file"):
        run(tmp_path / "nope.md")


def test_the_output_is_never_the_article(tmp_path: Path) -> None:
    path = article(tmp_path, "# T\n\n## A\n\na.\n")
    with pytest.raises(FaqbotError, match="that is the article itself"):
        run(path, out=path)
    assert path.read_text() == "# T\n\n## A\n\na.\n"


# --- writing ------------------------------------------------------------------------------------------


def test_the_output_file_is_a_readable_kb(tmp_path: Path) -> None:
    out = tmp_path / "kb.yaml"
    printed, report = run(ARTICLES / "massage-guide.md", out=out)
    text = out.read_text(encoding="utf-8")
    assert printed == ""
    assert report[-1] == f"{out}: 7 entries from massage-guide.md"
    assert text.startswith("# Produced by `faqbot import` from massage-guide.md, to be edited by hand.\n")
    assert "    answer: >-\n      Swedish massage uses long, gliding strokes." in text
    assert "\n\n  - id: styles-of-massage-deep-tissue-massage  # imported: q=" in text
    assert "    related: [styles-of-massage-swedish-massage]\n" in text
    assert load_kb(out)["prepare-room"].question == "How do I prepare the room?"
    assert [p.name for p in tmp_path.iterdir()] == ["kb.yaml"]  # no temp file left behind


def test_write_kb_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", "old\n")
    path.chmod(0o640)
    write_kb(path, {"entries": []})
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.read_text() == "entries: []\n"


def test_write_kb_gives_a_new_file_the_usual_mode(tmp_path: Path) -> None:
    mask = os.umask(0o027)
    try:
        write_kb(tmp_path / "kb.yaml", {"entries": []})
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "kb.yaml").stat().st_mode) == 0o640


def test_write_kb_writes_through_a_symlink(tmp_path: Path) -> None:
    real = write(tmp_path / "real.yaml", "old\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    write_kb(link, {"entries": []})
    assert link.is_symlink()
    assert real.read_text() == "entries: []\n"


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "kb.yaml", "the old KB\n")

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(FaqbotError, match=r"kb\.yaml: cannot write: No space left on device"):
        write_kb(path, {"entries": []})
    assert path.read_text() == "the old KB\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kb.yaml"]


def test_a_fresh_draft_does_not_replace_an_existing_kb_without_force(tmp_path: Path) -> None:
    edited = write(tmp_path / "kb.yaml", "entries: []  # edited by hand\n")
    result = run_faqbot("import", str(ARTICLES / "massage-guide.md"), "-o", str(edited))
    assert result.returncode == 2
    assert result.stderr == (
        f"faqbot: {edited} already exists: to update it from the article and keep its edits, "
        f"use --merge {edited} -o {edited}; to replace it, add --force\n"
    )
    assert edited.read_text() == "entries: []  # edited by hand\n"
    other = write(tmp_path / "other.yaml", "entries: []\n")
    result = run_faqbot("import", str(ARTICLES / "massage-guide.md"), "--merge", str(edited), "-o", str(other))
    assert (result.returncode, result.stderr) == (2, f"faqbot: {other} already exists: to replace it, add --force\n")
    assert run_faqbot("import", str(ARTICLES / "massage-guide.md"), "-o", str(edited), "--force").returncode == 0
    assert "entries: []" not in edited.read_text()


def test_a_result_that_would_not_load_is_never_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = write(tmp_path / "kb.yaml", "the old KB\n")
    monkeypatch.setattr(bot.importer, "dump_kb", lambda *args, **kwargs: "entries: [oops\n")
    with pytest.raises(FaqbotError, match=r"kb\.yaml: not written: the result would not load"):
        run(ARTICLES / "massage-guide.md", out=out, force=True)
    assert out.read_text() == "the old KB\n"


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(
        st.text(st.characters(codec="utf-8") | st.sampled_from("\n\r\x85\u2028\u2029\t #:-"), min_size=1)
        .map(str.strip)
        .filter(bool),
        min_size=4,
        max_size=6,
    )
)
def test_dump_kb_round_trips_any_text(texts: list[str]) -> None:
    question, answer, source, *tips = texts
    data = {
        "title": answer,
        "synonyms": {question: tips},
        "entries": [{"id": "a", "question": question, "answer": answer, "tips": tips, "source": source}],
    }
    assert yaml.safe_load(dump_kb(data)) == data


# --- merging an updated article -------------------------------------------------------------------


def edit(path: Path, old: str, new: str) -> None:
    """A hand edit, as an author makes it in an editor."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def edited_kb(tmp_path: Path) -> Path:
    """The first article imported, then edited by hand: alternates, an answer, a tip, a link, an entry."""
    kb = tmp_path / "kb.yaml"
    run(ARTICLES / "stretching-v1.md", out=kb)
    edit(kb, "    question: How do I warm up?\n", "    question: How do I warm up?\n    alternates:\n      - warming up\n")
    edit(kb, "      Walk for five minutes before you stretch.", "      Walk briskly for five minutes: it warms the muscles.")
    edit(kb, "      - Wear loose clothes.\n", "      - Wear loose clothes.\n      - Drink some water.\n")
    edit(kb, "    related: [hamstring-stretch, calf-stretch, old-section]\n", "    related: [my-extra, calf-stretch]\n")
    extra = "  - id: my-extra\n    question: Can I stretch at work?\n    answer: Yes, at your desk.\n    source: My notes\n"
    with kb.open("a", encoding="utf-8") as stream:
        stream.write(f"\n{extra}")
    return kb


def test_a_merge_keeps_hand_edits_and_brings_in_the_article_changes(edited_kb: Path) -> None:
    text, report = run(ARTICLES / "stretching-v2.md", out=edited_kb, merge=edited_kb)
    merged = load_kb(edited_kb)
    assert [e.id for e in merged] == [
        "introduction", "warm-up", "leg-stretches", "hamstring-stretch", "calf-stretch", "cool-down",
        "old-section", "faq-how-often-should-i-stretch", "faq-should-stretching-hurt", "my-extra",
    ]
    warm_up = merged["warm-up"]
    assert warm_up.alternates == ("warming up",)
    assert warm_up.answer == "Walk briskly for five minutes: it warms the muscles."
    assert warm_up.tips == ("Wear loose clothes.", "Drink some water.")
    assert warm_up.related == ("my-extra", "calf-stretch")
    # Untouched entries follow the article: a moved heading, a renamed one, a changed answer.
    assert merged["hamstring-stretch"].source == "Leg Stretches > Hamstring Stretch"
    assert merged["hamstring-stretch"].related[-1] == "leg-stretches"
    calf = merged["calf-stretch"]
    assert (calf.question, calf.source) == ("What is calf raise stretch?", "Calf Raise Stretch")
    assert merged["faq-how-often-should-i-stretch"].answer == "Most days, if you can."
    assert merged["leg-stretches"].related == ("hamstring-stretch", "warm-up", "calf-stretch", "cool-down")
    assert merged["old-section"].answer == "This section goes away in the next version."
    assert merged["my-extra"].answer == "Yes, at your desk."
    assert text == ""
    assert merge_report(report) == [
        "entry 'warm-up': kept your edited answer, though the article changed since the last import"
        ' (the article\'s answer now: "Walk for ten minutes before you stretch.")',
        "added entry 'leg-stretches' (Leg Stretches)",
        "entry 'hamstring-stretch': updated its source from the article",
        "entry 'calf-stretch': updated its question and source from the article",
        "added entry 'cool-down' (Cool Down)",
        "entry 'faq-how-often-should-i-stretch': updated its answer from the article",
        "added entry 'faq-should-stretching-hurt' (FAQ)",
        "entry 'old-section' (Old Section): the article no longer has it; kept it (delete it by hand if it should go)",
        "kept the entries that match nothing in the article (written by hand?): my-extra",
        "10 entries (3 added, 3 updated) from stretching-v2.md",
    ]


def test_an_edit_the_article_also_changed_is_kept_and_reported(edited_kb: Path) -> None:
    v2 = (ARTICLES / "stretching-v2.md").read_text(encoding="utf-8")
    v3 = write(edited_kb.parent / "v3.md", v2.replace("- Wear loose", "- Wear soft"))
    run(ARTICLES / "stretching-v2.md", out=edited_kb, merge=edited_kb)
    _, report = run(v3, out=edited_kb, merge=edited_kb)
    assert (
        "entry 'warm-up': kept your edited tips, though the article changed since the last import"
        ' (the article\'s tips now: ["Wear soft clothes."])'
    ) in report, "\n".join(report)
    assert load_kb(edited_kb)["warm-up"].tips == ("Wear loose clothes.", "Drink some water.")


def test_merging_the_same_article_again_changes_nothing(edited_kb: Path) -> None:
    run(ARTICLES / "stretching-v2.md", out=edited_kb, merge=edited_kb)
    before = edited_kb.read_text(encoding="utf-8")
    _, report = run(ARTICLES / "stretching-v2.md", out=edited_kb, merge=edited_kb)
    assert edited_kb.read_text(encoding="utf-8") == before
    assert merge_report(report)[:-1] == [
        "entry 'old-section' (Old Section): the article no longer has it; kept it (delete it by hand if it should go)",
        "kept the entries that match nothing in the article (written by hand?): my-extra",
    ]


def test_a_merge_to_stdout_leaves_the_kb_alone(edited_kb: Path) -> None:
    before = edited_kb.read_bytes()
    text, _ = run(ARTICLES / "stretching-v2.md", merge=edited_kb)
    assert edited_kb.read_bytes() == before
    assert "cool-down" in entries_of(text)


def test_a_merge_keeps_the_header_and_says_which_comments_it_drops(edited_kb: Path) -> None:
    edit(edited_kb, "# Produced by", "# yaml-language-server: $schema=./schema.json\n# Produced by")
    edit(edited_kb, "  - id: my-extra", "  # mine, not the article's\n  - id: my-extra")
    _, report = run(ARTICLES / "stretching-v2.md", out=edited_kb, merge=edited_kb)
    assert edited_kb.read_text().startswith("# yaml-language-server: $schema=./schema.json\n# Produced by `faqbot")
    assert "note: comments below the header are not kept (1 line)" in report


def test_merging_a_hand_written_kb_changes_none_of_its_text(tmp_path: Path) -> None:
    kb = write(tmp_path / "kb.yaml", """\
        entries:
          - id: warming-up
            question: How should I warm up?
            alternates: [warm up]
            answer: Walk for five minutes.
            source: Warm Up
        """)
    run(ARTICLES / "stretching-v1.md", out=kb, merge=kb)
    warm_up = load_kb(kb)["warming-up"]
    assert (warm_up.question, warm_up.answer) == ("How should I warm up?", "Walk for five minutes.")
    assert warm_up.alternates == ("warm up",)
    assert warm_up.tips == ()
    assert "  - id: warming-up  # imported: q=" in kb.read_text()  # from now on, edits can be told apart


def test_merging_into_one_file_of_a_kb_directory(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    sections = kb / "sections.yaml"
    run(write(tmp_path / "no-faq.md", (ARTICLES / "stretching-v1.md").read_text().split("## FAQ")[0]), out=sections)
    write(kb / "faq.yaml", """\
        entries:
          - id: faq-stretch-often
            question: How often should I stretch?
            answer: Daily.
            related: [warm-up]
            source: FAQ
        """)
    _, report = run(ARTICLES / "stretching-v2.md", out=kb / "faq.yaml", merge=kb / "faq.yaml")
    assert merge_report(report) == [
        "added entry 'leg-stretches' (Leg Stretches)",
        "added entry 'cool-down' (Cool Down)",
        "entry 'faq-stretch-often': kept its answer, which differs from the article's "
        "(no import note: taken as hand-written)",
        "added entry 'faq-should-stretching-hurt' (FAQ)",
        "left the entries that are in other files of the KB where they are: "
        "introduction, warm-up, hamstring-stretch, calf-stretch",
        "4 entries (3 added, 0 updated) from stretching-v2.md",
    ]
    merged = load_kb(kb)
    assert [e.id for e in merged if e.id.startswith("faq-")] == ["faq-stretch-often", "faq-should-stretching-hurt"]
    assert "leg-stretches" in merged and "cool-down" in merged


def test_merging_into_an_invalid_kb_is_refused(tmp_path: Path) -> None:
    kb = write(tmp_path / "kb.yaml", "entries:\n  - id: Bad_Id\n    question: Q?\n    answer: A.\n    source: S\n")
    with pytest.raises(FaqbotError, match=r"kb\.yaml:2:9: entry 'Bad_Id': id 'Bad_Id' must be kebab-case"):
        run(ARTICLES / "stretching-v1.md", out=kb, merge=kb)
    assert kb.read_text().startswith("entries:\n  - id: Bad_Id")


def test_merging_into_an_emptied_kb_explains_what_happened(tmp_path: Path) -> None:
    kb = write(tmp_path / "kb.yaml", "")
    with pytest.raises(FaqbotError, match="the shell emptied it first: write with -o instead"):
        run(ARTICLES / "stretching-v1.md", merge=kb)


def test_an_entry_deleted_by_hand_stays_deleted(tmp_path: Path) -> None:
    """Found in a KB author's review: each merge brought back the entries the author had deleted."""
    kb = tmp_path / "kb.yaml"
    run(ARTICLES / "stretching-v1.md", out=kb)
    text = kb.read_text(encoding="utf-8")
    start = text.index("  - id: faq-how-often-should-i-stretch")
    kb.write_text(text[:start].rstrip("\n") + "\n", encoding="utf-8")  # the author deletes the last entry
    for _ in range(2):  # and it stays out, merge after merge
        _, report = run(ARTICLES / "stretching-v2.md", out=kb, merge=kb)
        assert "faq-how-often-should-i-stretch" not in load_kb(kb)
        assert any(line.startswith("left out entry 'faq-how-often-should-i-stretch' (FAQ): it was deleted") for line in merge_report(report))
        assert "1 left out as deleted" in report[-1]
    header = kb.read_text(encoding="utf-8").split("\ntitle:")[0]
    assert header.count("faq-how-often-should-i-stretch") == 1 and "cool-down" in header  # listed: deleted, and new
    # Taken off the list, the article's entry comes back.
    edit(kb, " faq-how-often-should-i-stretch", "")
    _, report = run(ARTICLES / "stretching-v2.md", out=kb, merge=kb)
    assert load_kb(kb)["faq-how-often-should-i-stretch"].answer == "Most days, if you can."
    assert "added entry 'faq-how-often-should-i-stretch' (FAQ)" in merge_report(report)


def test_merge_entries_leaves_out_deleted_entries_and_links_to_them() -> None:
    new = [Entry("a", "Q a?", "A.", "A", related=("b",)), Entry("b", "Q b?", "B.", "B", related=("a",))]
    merged = merge_entries([], new, deleted={"b"})
    assert [(e.id, e.related) for e in merged.entries] == [("a", ())]
    assert (merged.added, merged.left_out) == (("a",), ("b",))
    assert set(merged.imported) == {"a"}


def test_a_new_faq_question_does_not_take_over_a_dropped_ones_entry() -> None:
    """Found in a KB author's review: every FAQ entry's source is "FAQ", so the one question the
    article dropped and the one it added were paired, and the new one got the old one's alternates."""
    old = [
        Entry("faq-tap-water", "Can I use tap water?", "Yes.", "FAQ", alternates=("is chlorinated water ok",)),
        Entry("faq-jar", "What jar?", "Glass.", "FAQ"),
    ]
    new = [Entry("faq-jar", "What jar?", "Glass.", "FAQ"), Entry("faq-smell", "Why does it smell?", "Feed it.", "FAQ")]
    merged = merge_entries(old, new, imported={e.id: Fingerprint.of(e) for e in old})
    assert [e.id for e in merged.entries] == ["faq-tap-water", "faq-jar", "faq-smell"]
    assert merged.entries[0].question == "Can I use tap water?" and merged.added == ("faq-smell",)
    assert "entry 'faq-tap-water' (FAQ): the article no longer has it; kept it (delete it by hand if it should go)" in merged.notes


def test_merge_entries_matches_by_id_then_source_then_question() -> None:
    old = [Entry("a", "Q a?", "A.", "Part > A"), Entry("b", "Q b?", "B.", "Part > B"), Entry("c", "Q c?", "C.", "C")]
    new = [Entry("x", "Q x?", "A.", "Part > A"), Entry("c", "Q c?", "C2.", "C"), Entry("y", "Q b?", "B.", "Other")]
    merged = merge_entries(old, new)
    assert [e.id for e in merged.entries] == ["a", "b", "c"]
    assert merged.added == ()
    assert merged.imported == {e.id: Fingerprint.of(n) for e, n in zip(old, [new[0], new[2], new[1]])}


# --- any article at all ------------------------------------------------------------------------------

LINES = [
    "", " ", "# Title", "## Section", "### Sub", "Heading", "Short Heading Here", "FAQ", "Related Articles",
    "Q: Is it?", "A: It is.", "**Q:** Why?", "**A:** Because.", "Is it safe?", "- item", "• item", "* item", "1. step",
    "Some prose.", "Lead in:", "```", "---", "> quoted", "By Jane Doe", "Jane Doe is a writer.", "click here",
    "\t\u00a0\u200b", "日本語の見出し", "## ![x](y)", "## ...", "### ?", "Q:", "A:", "Techniques include:",
]


any_line = st.text(st.characters(codec="utf-8", blacklist_characters="\x00"), max_size=30)


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(st.sampled_from(LINES) | any_line, max_size=25),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    suffix=st.sampled_from([".md", ".txt"]),
)
def test_any_article_gives_a_valid_kb_or_a_clear_error(lines: list[str], newline: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / f"article{suffix}"
        path.write_bytes(newline.join(lines).encode("utf-8"))
        try:
            text, _ = run(path)
        except FaqbotError as error:
            assert "nothing to import" in str(error)  # never "would not load", the bug guard
            return
        assert len(load_kb(write(Path(temp) / "kb.yaml", text))) > 0


article_text = st.lists(st.sampled_from(LINES), min_size=1, max_size=20).map("\n".join)


@settings(max_examples=100, deadline=None)
@given(first=article_text, second=article_text)
def test_merging_any_article_into_any_import_loses_nothing(first: str, second: str) -> None:
    with tempfile.TemporaryDirectory() as temp:
        kb, old, new = Path(temp) / "kb.yaml", Path(temp) / "old.md", Path(temp) / "new.md"
        old.write_text(first, encoding="utf-8")
        new.write_text(second, encoding="utf-8")
        try:
            run(old, out=kb)
            before = {entry.id: entry for entry in load_kb(kb)}
            run(new, out=kb, merge=kb)
        except FaqbotError as error:
            assert "nothing to import" in str(error)
            return
        after = {entry.id: entry for entry in load_kb(kb)}
        assert before.keys() <= after.keys()
        assert all(after[i].alternates == before[i].alternates for i in before)


# --- the three steps: import, edit, chat -------------------------------------------------------------


def test_from_an_article_to_answers(tmp_path: Path) -> None:
    kb = tmp_path / "kb.yaml"
    run(ARTICLES / "home-massage.txt", out=kb)
    question = "    question: How do I choose an oil?\n"
    edit(kb, question, f"{question}    alternates:\n      - best massage oil\n")
    matcher = Matcher(load_kb(kb))
    asked = {"which massage oil is best": "choosing-oil", "how often should we massage": "faq-how-often-should-we-massage"}
    for question, entry_id in asked.items():
        reply = reply_to(matcher, question)
        assert reply.entry is not None and reply.entry.id == entry_id, question


def _import_is_wired() -> bool:
    try:
        from bot.cli import build_parser

        build_parser().parse_args(["import", "article.md"])
    except (Exception, SystemExit):
        return False
    return True


cli = pytest.mark.skipif(not _import_is_wired(), reason="`faqbot import` is not a subcommand of bot/cli.py yet")


@cli
def test_the_command_imports_validates_and_answers(tmp_path: Path) -> None:
    result = run_faqbot("import", str(ARTICLES / "home-massage.txt"), "-o", "kb.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert 'skipped "Related Articles"' in result.stderr
    assert run_faqbot("validate", "kb.yaml", cwd=tmp_path).stdout == "kb.yaml: OK, 8 entries in 1 file\n"
    answer = run_faqbot("ask", "--kb", "kb.yaml", "--json", "do we need a massage table?", cwd=tmp_path)
    assert '"id": "faq-do-we-need-table"' in answer.stdout


@cli
def test_the_command_merges_and_reports_errors(tmp_path: Path) -> None:
    assert run_faqbot("import", str(ARTICLES / "stretching-v1.md"), "-o", "kb.yaml", cwd=tmp_path).returncode == 0
    merged = run_faqbot("import", str(ARTICLES / "stretching-v2.md"), "--merge", "kb.yaml", "-o", "kb.yaml", cwd=tmp_path)
    assert merged.returncode == 0, merged.stderr
    assert "kb.yaml: added entry 'cool-down' (Cool Down)" in merged.stderr
    write(tmp_path / "latin1.txt", "Caf\xe9\n".encode("latin-1"))
    failed = run_faqbot("import", "latin1.txt", cwd=tmp_path)
    assert failed.returncode == 2
    assert failed.stderr == "faqbot: latin1.txt:1:4: not UTF-8 text (byte 0xe9); save the article as UTF-8\n"
    (tmp_path / "kb").mkdir()
    into_dir = run_faqbot("import", str(ARTICLES / "stretching-v2.md"), "--merge", "kb", cwd=tmp_path)
    assert (into_dir.returncode, into_dir.stderr) == (
        2, "faqbot: kb: a directory: --merge takes the KB file to update, such as the one import wrote into it\n"
    )


@cli
def test_the_command_prints_yaml_for_a_pipe(tmp_path: Path) -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "bot", "import", str(ARTICLES / "massage-guide.md")],
        capture_output=True, text=True, timeout=60, cwd=tmp_path, env=faqbot_env(),
    )
    assert printed.returncode == 0
    assert set(entries_of(printed.stdout)) >= {"introduction", "prepare-room"}


@pytest.mark.parametrize("name", ["kb.yaml", "kb.yml", "kb.json"])
def test_importing_a_kb_file_is_refused(tmp_path: Path, name: str) -> None:
    """A review imported its own KB by mistake and got nonsense entries, exit 0."""
    kb = write(tmp_path / name, "title: Spoke & Chain\nentries: []\n")
    result = run_faqbot("import", str(kb), "-o", str(tmp_path / "out.yaml"))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"faqbot: {kb}: import reads an article (Markdown or plain text), not a {name.split('.')[1].upper()} file; to check a KB, run faqbot validate {kb}\n"
    assert not (tmp_path / "out.yaml").exists()
