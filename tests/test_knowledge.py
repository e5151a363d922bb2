"""The KB loader: the default KB, file and directory KBs, and every validation rule, with real YAML files."""

from __future__ import annotations

import dataclasses
import re
import textwrap
from pathlib import Path

import pytest

import bot
from bot import FaqbotError, Problem, load_kb

from conftest import write

REQUIRED_IDS = (
    "faq-what-is-couples-massage",
    "faq-back-pain-relief",
    "faq-techniques-used",
    "faq-must-be-a-couple",
    "faq-what-to-expect",
    "faq-how-long",
    "overview",
    "benefits",
    "benefit-communication",
    "benefit-relaxation",
    "benefit-physical-health",
    "techniques",
    "technique-swedish",
    "technique-deep-tissue",
    "technique-trigger-point",
    "tips",
    "tip-prepare-environment",
    "tip-set-mood",
    "tip-communication",
    "choosing-deep-tissue-or-relaxation",
    "medical-conditions-precautions",
)

# One entry with every required field and nothing else, starting at line 2 of its file.
GOOD = """\
entries:
  - id: a
    question: What is a?
    answer: A is the first letter.
    source: FAQ
"""


def problems_of(path: Path) -> tuple[Problem, ...]:
    """Load `path`, which must fail, check the error's shape, and return its problems."""
    with pytest.raises(FaqbotError) as caught:
        load_kb(path)
    error = caught.value
    assert error.problems, "a KB file problem must come with its Problem list"
    lines = str(error).splitlines()
    assert len(lines) == len(error.problems), "one line per problem"
    for line, problem in zip(lines, error.problems):
        assert re.fullmatch(rf"{re.escape(str(problem.path))}:\d+:\d+: (entry '[^']+': )?\S.*", line), line
        assert line.startswith(f"{problem.path}:{problem.line}:{problem.column}: ")
        if problem.entry_id:
            assert f" entry '{problem.entry_id}': " in line
        assert problem.message in line
    return error.problems


def only_problem(path: Path) -> Problem:
    problems = problems_of(path)
    assert len(problems) == 1, problems
    return problems[0]


def where(problem: Problem) -> tuple[int, int, str | None]:
    return problem.line, problem.column, problem.entry_id


# --- the default KB -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_kb() -> bot.KnowledgeBase:
    return load_kb()


def test_default_kb_has_every_required_entry(default_kb: bot.KnowledgeBase) -> None:
    ids = [entry.id for entry in default_kb]
    assert len(ids) == len(set(ids))
    missing = [entry_id for entry_id in REQUIRED_IDS if entry_id not in default_kb]
    assert missing == []
    assert len(default_kb) >= len(REQUIRED_IDS)


def test_default_kb_is_the_knowledge_directory(default_kb: bot.KnowledgeBase) -> None:
    knowledge = Path(bot.__file__).resolve().parent.parent / "knowledge"
    assert bot.default_kb_path().resolve() == knowledge.resolve()
    assert default_kb.files == tuple(sorted(knowledge.glob("*.yaml")))


def test_default_kb_faq_entries_have_source_faq(default_kb: bot.KnowledgeBase) -> None:
    faq = [entry for entry in default_kb if entry.id.startswith("faq-")]
    assert len(faq) >= 6
    assert {entry.id: entry.source for entry in faq} == {entry.id: "FAQ" for entry in faq}


SECTION_PATH = re.compile(r"[A-Z][^>]*[^\s>](?: > [A-Z][^>]*[^\s>])*")


def test_default_kb_other_sources_are_section_paths(default_kb: bot.KnowledgeBase) -> None:
    others = [entry for entry in default_kb if not entry.id.startswith("faq-")]
    assert others
    bad = {entry.id: entry.source for entry in others if not SECTION_PATH.fullmatch(entry.source)}
    assert bad == {}
    assert all(entry.source != "FAQ" for entry in others)
    # A sub-section names its parent section first, as the article's headings do.
    assert default_kb["technique-swedish"].source.startswith(default_kb["techniques"].source + " > ")
    assert default_kb["benefit-relaxation"].source.startswith(default_kb["benefits"].source + " > ")


def test_default_kb_has_a_title_and_every_entry_is_complete(default_kb: bot.KnowledgeBase) -> None:
    assert default_kb.title and default_kb.title.strip() == default_kb.title
    for entry in default_kb:
        assert entry.question.strip() and entry.answer.strip() and entry.source.strip(), entry.id
        assert all(related in default_kb and related != entry.id for related in entry.related), entry.id


def test_entries_and_kb_are_frozen(default_kb: bot.KnowledgeBase) -> None:
    entry = default_kb["faq-how-long"]
    answer = entry.answer
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.answer = "changed"  # type: ignore[misc]
    # A new attribute is refused too (CPython 3.11's frozen+slots dataclasses raise TypeError for it).
    with pytest.raises((AttributeError, TypeError)):
        entry.extra = "new attribute"  # type: ignore[attr-defined]
    assert not hasattr(entry, "extra")
    with pytest.raises(dataclasses.FrozenInstanceError):
        default_kb.entries = ()  # type: ignore[misc]
    assert isinstance(default_kb.entries, tuple)
    assert isinstance(entry.alternates, tuple) and isinstance(entry.tips, tuple) and isinstance(entry.related, tuple)
    assert load_kb()["faq-how-long"].answer == answer


@pytest.mark.parametrize("footer", ["Jane Smith", "Related Articles", "recovery program"])
def test_kb_content_never_contains_the_article_footer(default_kb: bot.KnowledgeBase, footer: str) -> None:
    assert default_kb.files
    # Examples may quote it: they are questions people ask, and the footer is one thing they ask about.
    for path in (f for f in default_kb.files if f.name != "examples.yaml"):
        text = path.read_text(encoding="utf-8")
        assert footer.lower() not in text.lower(), f"{path} contains {footer!r}"
    for entry in default_kb:
        everything = " ".join((*entry.phrasings, entry.answer, *entry.tips, entry.source))
        assert footer.lower() not in everything.lower(), entry.id


# --- a file, a directory ----------------------------------------------------------------------------


def test_single_file_loads_with_all_fields(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", """\
        title: Houseplants
        description: Watering and light
        disclaimer: Not professional advice.
        entries:
          - id: watering
            question: How often should I water my houseplants?
            alternates:
              - watering schedule
              - "when do plants need water"
            answer: >-
              When the top of the soil
              feels dry.
            tips: [Empty the saucer., Use water at room temperature.]
            related: [light]
            source: Plant guide > Watering
          - id: light
            question: How much light do plants need?
            answer: "  Bright, indirect light.  "
            source: Plant guide > Light
        """)
    kb = load_kb(path)
    assert (kb.title, kb.description, kb.disclaimer) == ("Houseplants", "Watering and light", "Not professional advice.")
    assert kb.files == (path,)
    assert [entry.id for entry in kb] == ["watering", "light"]
    watering = kb["watering"]
    assert watering == bot.Entry(
        id="watering",
        question="How often should I water my houseplants?",
        answer="When the top of the soil feels dry.",
        source="Plant guide > Watering",
        alternates=("watering schedule", "when do plants need water"),
        tips=("Empty the saucer.", "Use water at room temperature."),
        related=("light",),
    )
    assert watering.phrasings == ("How often should I water my houseplants?", "watering schedule", "when do plants need water")
    assert kb["light"].answer == "Bright, indirect light."
    assert "nope" not in kb and kb.get("nope") is None


def test_directory_reads_yaml_files_sorted_and_ignores_others(tmp_path: Path) -> None:
    kb_dir = tmp_path / "kb"
    write(kb_dir / "b-second.yaml", GOOD.replace("id: a", "id: from-b").replace("What is a?", "What is b?"))
    write(kb_dir / "a-first.yml", "title: Letters\n" + GOOD.replace("id: a", "id: from-a"))
    # Neither of these is YAML a KB could accept: reading them would be an error.
    write(kb_dir / "README.md", "# Not YAML: [unclosed\n- : :\n")
    write(kb_dir / "notes.txt", "entries: 42\n")
    (kb_dir / "sub.yaml").mkdir()  # a directory that looks like a KB file is not one
    kb = load_kb(kb_dir)
    assert kb.files == (kb_dir / "a-first.yml", kb_dir / "b-second.yaml")
    assert [entry.id for entry in kb] == ["from-a", "from-b"]
    assert kb.title == "Letters"
    assert load_kb(str(kb_dir)) == kb  # a str path works as well as a Path


def test_single_yml_file_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yml", GOOD)
    assert [entry.id for entry in load_kb(path)] == ["a"]


def test_optional_fields_default_to_empty(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", GOOD + "  - id: b\n    question: Q?\n    answer: B.\n    source: FAQ\n    tips:\n")
    kb = load_kb(path)
    for entry in kb:
        assert (entry.alternates, entry.tips, entry.related) == ((), (), ()), entry.id
    assert kb.title is None and kb.description is None and kb.disclaimer is None


# --- validation: one rule at a time, with exact positions -------------------------------------------


def test_unknown_field_suggests_the_right_one(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", GOOD + "    alternate:\n      - what's a\n")
    problem = only_problem(path)
    assert where(problem) == (6, 5, "a")
    assert problem.path == path
    assert "unknown field 'alternate'" in problem.message
    assert "did you mean 'alternates'" in problem.message


def test_unknown_top_level_key(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", "titel: Letters\n" + GOOD)
    problem = only_problem(path)
    assert where(problem) == (1, 1, None)
    assert "unknown top-level key 'titel'" in problem.message
    assert "did you mean 'title'" in problem.message


@pytest.mark.parametrize("field", ["id", "question", "answer", "source"])
def test_missing_required_field(tmp_path: Path, field: str) -> None:
    fields = [line for line in GOOD.splitlines()[1:] if not line.strip().removeprefix("- ").startswith(f"{field}:")]
    fields[0] = "  - " + fields[0].strip().removeprefix("- ")  # the entry now starts at its first remaining field
    path = write(tmp_path / "kb.yaml", "\n".join(["entries:", *fields]) + "\n")
    problem = only_problem(path)
    assert where(problem) == (2, 5, None if field == "id" else "a")
    assert problem.message == f"missing required field '{field}'"


def test_empty_and_blank_required_fields(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", """\
        entries:
          - id: a
            question: "   "
            answer: ''
            source: FAQ
            tips:
              - Fine.
              - "  "
        """)
    problems = problems_of(path)
    assert [where(p) for p in problems] == [(3, 15, "a"), (4, 13, "a"), (8, 9, "a")]
    assert "'question' is empty" in problems[0].message
    assert "'answer' is empty" in problems[1].message
    assert "tips" in problems[2].message and "empty" in problems[2].message


def test_required_field_with_no_value(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", GOOD.replace("source: FAQ", "source:"))
    problem = only_problem(path)
    assert where(problem) == (5, 12, "a")
    assert "'source'" in problem.message


def test_mentions_are_an_optional_list_of_terms(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", """\
        entries:
          - id: a
            question: What is Swedish massage?
            answer: Gentle strokes.
            mentions: [shiatsu, Thai massage]
            source: FAQ
          - id: b
            question: What is deep tissue massage?
            answer: Firm pressure.
            mentions: shiatsu
            source: FAQ
        """)
    [problem] = problems_of(path)
    assert where(problem) == (10, 15, "b") and "'mentions' must be a list" in problem.message
    write(path, path.read_text(encoding="utf-8").replace("mentions: shiatsu", "mentions: [sports massage]"))
    assert load_kb(path)["a"].mentions == ("shiatsu", "Thai massage")
    write(path, path.read_text(encoding="utf-8").replace("[sports massage]", "[shiatsu, shiatsu]"))
    [twice] = problems_of(path)
    assert where(twice) == (10, 15, "b") and "'mentions' lists a term twice" in twice.message


def test_wrong_types(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", """\
        entries:
          - id: a
            question: 42
            answer: true
            alternates: just one phrasing
            tips:
              - A fine tip.
              - [a, nested, list]
            related: {b: c}
            source: FAQ
        """)
    problems = problems_of(path)
    assert [where(p) for p in problems] == [(3, 15, "a"), (4, 13, "a"), (5, 17, "a"), (8, 9, "a"), (9, 14, "a")]
    question, answer, alternates, tip, related = (p.message for p in problems)
    assert "'question' must be text" in question and "number" in question and "quotes" in question
    assert "'answer' must be text" in answer and "boolean" in answer and "quotes" in answer
    assert "'alternates' must be a list" in alternates
    assert "tips" in tip and "must be text" in tip and "list" in tip
    assert "'related' must be a list" in related


@pytest.mark.parametrize("bad_id", ["Not_Kebab", "faq how long", "faq--long", "-faq", "faq-", "Faq-long"])
def test_id_must_be_kebab_case(tmp_path: Path, bad_id: str) -> None:
    path = write(tmp_path / "kb.yaml", GOOD.replace("id: a", f"id: '{bad_id}'"))
    problem = only_problem(path)
    assert (problem.line, problem.column) == (2, 9)
    assert f"id '{bad_id}'" in problem.message and "kebab-case" in problem.message


def test_duplicate_ids_across_files_name_both_places(tmp_path: Path) -> None:
    kb_dir = tmp_path / "kb"
    first = write(kb_dir / "one.yaml", GOOD)
    second = write(kb_dir / "two.yaml", "# a comment\n" + GOOD.replace("What is a?", "What is A?"))
    problem = only_problem(kb_dir)
    assert problem.path == second
    assert where(problem) == (3, 5, "a")
    assert "duplicate id" in problem.message
    assert f"{first}:2" in problem.message
    assert str(problem).startswith(f"{second}:3:5: ")


def test_duplicate_id_within_one_file(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", GOOD + GOOD.replace("entries:\n", ""))
    problem = only_problem(path)
    assert where(problem) == (6, 5, "a")
    assert f"{path}:2" in problem.message


def test_problems_in_entries_do_not_hide_duplicate_ids_or_make_related_ids_unknown(tmp_path: Path) -> None:
    text = """\
entries:
  - id: a
    question: Q a?
    answer: A.
    related: [b, c]
    source: S
  - id: b
    question: Q b?
    source: S
  - id: a
    question: Q a again?
    answer: A.
    source: S
    colour: red
"""
    with pytest.raises(FaqbotError) as caught:
        load_kb(write(tmp_path / "kb.yaml", text))
    found = [(p.line, p.message) for p in caught.value.problems]
    assert (5, "'related' names unknown id 'c'") in [(line, m.split(" (")[0]) for line, m in found]
    assert not any("unknown id 'b'" in m for _, m in found)  # b exists; it only lacks an answer
    assert (7, "missing required field 'answer'") in found
    assert any(line == 10 and m.startswith("duplicate id") for line, m in found)
    assert any(line == 14 and "unknown field 'colour'" in m for line, m in found)



def test_an_entry_with_problems_still_has_its_related_ids_checked(tmp_path: Path) -> None:
    text = "entries:\n  - id: a\n    question: ''\n    answer: A.\n    related: [nope]\n    source: S\n"
    with pytest.raises(FaqbotError) as caught:
        load_kb(write(tmp_path / "kb.yaml", text))
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == 2 and any("unknown id 'nope'" in m for m in messages)


DUPLICATE_KEY = GOOD + "    question: What is a, again?\n"


def test_duplicate_key_within_an_entry(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", DUPLICATE_KEY)
    problem = only_problem(path)
    assert (problem.line, problem.column) == (6, 5)
    assert "duplicate key 'question'" in problem.message and "line 3" in problem.message


def test_duplicate_key_within_an_entry_names_the_entry(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", DUPLICATE_KEY)
    assert only_problem(path).entry_id == "a"


def test_related_unknown_id_suggests_the_close_one(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", """\
        entries:
          - id: watering
            question: How often should I water?
            answer: When the soil is dry.
            source: FAQ
          - id: light
            question: How much light?
            answer: Bright, indirect.
            related: [watering, waterin, zzz-nothing-like-it]
            source: FAQ
        """)
    problems = problems_of(path)
    assert [where(p) for p in problems] == [(9, 25, "light"), (9, 34, "light")]
    assert problems[0].message == "'related' names unknown id 'waterin' (did you mean 'watering'?)"
    assert "unknown id 'zzz-nothing-like-it'" in problems[1].message
    assert "did you mean" not in problems[1].message


def test_related_naming_itself(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", GOOD + "    related:\n      - a\n")
    problem = only_problem(path)
    assert where(problem) == (7, 9, "a")
    assert "itself" in problem.message


def test_related_may_point_into_another_file(tmp_path: Path) -> None:
    kb_dir = tmp_path / "kb"
    write(kb_dir / "one.yaml", GOOD + "    related: [b]\n")
    write(kb_dir / "two.yaml", GOOD.replace("id: a", "id: b") + "    related: [a]\n")
    kb = load_kb(kb_dir)
    assert (kb["a"].related, kb["b"].related) == (("b",), ("a",))


def test_title_set_in_two_files(tmp_path: Path) -> None:
    kb_dir = tmp_path / "kb"
    first = write(kb_dir / "one.yaml", "title: One\n" + GOOD)
    second = write(kb_dir / "two.yaml", "title: Two\n" + GOOD.replace("id: a", "id: b"))
    problem = only_problem(kb_dir)
    assert problem.path == second
    assert where(problem) == (1, 1, None)
    assert "'title' is already set" in problem.message and str(first) in problem.message


def test_a_kb_may_set_its_own_threshold(tmp_path: Path) -> None:
    assert load_kb(write(tmp_path / "kb.yaml", "threshold: 48\n" + GOOD)).threshold == 48.0
    assert load_kb(write(tmp_path / "kb.yaml", "threshold: 47.5\n" + GOOD)).threshold == 47.5
    assert load_kb(write(tmp_path / "kb.yaml", GOOD)).threshold is None
    kb_dir = tmp_path / "kb"
    write(kb_dir / "entries.yaml", GOOD)
    write(kb_dir / "settings.yaml", "threshold: 0\n")  # a file may hold only the threshold
    assert load_kb(kb_dir).threshold == 0.0


@pytest.mark.parametrize(
    "value, shown",
    [("150", "150"), ("-5", "-5"), (".nan", "nan"), ('"48"', "text ('48')"), ("1e3", "text ('1e3')"), ("yes", "a boolean"),
     ("", "nothing (null)"), ("[48]", "a list")],
)
def test_a_threshold_that_is_not_a_number_from_0_to_100_is_a_problem(tmp_path: Path, value: str, shown: str) -> None:
    problem = only_problem(write(tmp_path / "kb.yaml", f"threshold: {value}\n" + GOOD))
    assert where(problem) == (1, 12 if value else 11, None)
    assert problem.message == f"'threshold' must be a number from 0 to 100, not {shown}"


def test_threshold_set_in_two_files(tmp_path: Path) -> None:
    kb_dir = tmp_path / "kb"
    write(kb_dir / "one.yaml", "threshold: 40\n" + GOOD)
    second = write(kb_dir / "two.yaml", "threshold: 50\n")
    problem = only_problem(kb_dir)
    assert problem.path == second and "'threshold' is already set" in problem.message


def test_unquoted_text_cut_short_by_a_hash_is_a_problem(tmp_path: Path) -> None:
    """YAML reads " #" as the start of a comment: the answer would silently end at "day"."""
    path = write(tmp_path / "kb.yaml", """\
        entries:
          - id: rent  # a comment, set off by two spaces
            question: Can I rent a bike?
            answer: Yes, by the half day or day #1 in town. Bring ID.
            tips:
              - "Quoted # is text"
              # a comment on a line of its own
              - Bring a lock#it is text without a space before it
            source: FAQ  # another comment
        """)
    problem = only_problem(path)
    assert where(problem) == (4, 41, "rent")  # at the '#'
    assert problem.message.startswith("'answer' stops here: YAML reads ' #' and the rest of the line as a comment")
    fixed = path.read_text().replace("Yes, by the half day or day #1 in town. Bring ID.", '"Yes, by the half day or day #1 in town. Bring ID."')
    kb = load_kb(write(tmp_path / "fixed.yaml", fixed))
    assert kb["rent"].answer == "Yes, by the half day or day #1 in town. Bring ID."
    assert kb["rent"].tips == ("Quoted # is text", "Bring a lock#it is text without a space before it")


def test_a_synonym_problem_names_its_key_in_plain_quotes(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", GOOD + 'synonyms:\n  e-bike: electric bike\n  pricing: [price, ""]\n')
    assert [p.message for p in problems_of(path)] == [
        "synonyms of 'e-bike' must be a list of text",  # not "'synonyms of 'e-bike''"
        "synonyms of 'pricing' item is empty",
    ]


def test_missing_entries(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", GOOD.replace("entries:", "entires:"))
    problems = problems_of(path)
    assert [where(p) for p in problems] == [(1, 1, None), (1, 1, None)]
    messages = " | ".join(p.message for p in problems)
    assert "unknown top-level key 'entires'" in messages and "did you mean 'entries'" in messages
    assert "missing 'entries'" in messages


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("entries:\n  id: a\n  question: Q?\n", (2, 3)),
        ("title: T\nentries: just some text\n", (2, 10)),
    ],
    ids=["mapping", "scalar"],
)
def test_entries_not_a_list(tmp_path: Path, text: str, position: tuple[int, int]) -> None:
    problem = only_problem(write(tmp_path / "kb.yaml", text))
    assert (problem.line, problem.column) == position
    assert "'entries' must be a list" in problem.message


def test_entry_that_is_a_scalar(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", GOOD + "  - just a question?\n")
    problem = only_problem(path)
    assert where(problem) == (6, 5, None)
    assert "each entry must be a mapping" in problem.message


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"], ids=["empty", "blank-lines", "comment"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    problem = only_problem(write(tmp_path / "kb.yaml", text))
    assert where(problem) == (1, 1, None)
    assert "empty" in problem.message


@pytest.mark.parametrize("text", ["", "# entries to come\n"], ids=["empty", "comment"])
def test_an_empty_file_in_a_directory_adds_nothing(tmp_path: Path, text: str) -> None:
    write(tmp_path / "kb" / "a.yaml", GOOD)
    write(tmp_path / "kb" / "drafts.yaml", text)
    kb = load_kb(tmp_path / "kb")
    assert [entry.id for entry in kb] == ["a"] and len(kb.files) == 2
    (tmp_path / "kb" / "a.yaml").unlink()
    assert "the KB has no entries" in only_problem(tmp_path / "kb").message  # nothing at all is still a problem


def test_top_level_is_a_list(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path / "kb.yaml", "# a KB\n- id: a\n  question: Q?\n"))
    assert where(problem) == (2, 1, None)
    assert "expected a mapping" in problem.message


@pytest.mark.parametrize(
    ("text", "position"),
    [
        (GOOD.replace("answer: A is the first letter.", "answer: A: the first letter."), (4, 14)),
        (GOOD.replace("question: What is a?", 'question: "What is a?'), (3, 15)),  # where the quote opened
        (GOOD + "  - id: b\n\tquestion: tab-indented\n", (7, 1)),
    ],
    ids=["colon-in-plain-scalar", "unclosed-quote", "tab"],
)
def test_invalid_yaml_syntax_reports_its_line(tmp_path: Path, text: str, position: tuple[int, int]) -> None:
    problem = only_problem(write(tmp_path / "kb.yaml", text))
    assert problem.message.startswith("invalid YAML: ")
    assert (problem.line, problem.column) == position
    assert "Traceback" not in problem.message and "\n" not in problem.message


@pytest.mark.parametrize(
    ("text", "position", "hint"),
    [
        (GOOD.replace("answer: A is the first letter.", "answer: Note: A is first."), (4, 17), "text with ': ' in it must be in quotes"),
        (GOOD.replace("    answer:", "     answer:"), (4, 12), "check this line's indentation against the lines above it"),
        (GOOD.replace("    source:", "    related: [a]\n      source:"), (6, 7),
         "check this line's indentation: the fields of an entry line up under each other"),
        (GOOD.replace("    question: What is a?\n", "    question: What is a?\n    alternates:\n      - Tip: a\n"), (5, 9),
         "'alternates item' must be text, not a mapping (put it in quotes)"),
    ],
    ids=["colon-in-a-value", "indented-too-far-with-a-colon-after", "indented-too-far", "colon-in-a-list-item"],
)
def test_a_colon_in_text_or_a_misindented_line_gets_a_hint(tmp_path: Path, text: str, position: tuple[int, int], hint: str) -> None:
    problem = only_problem(write(tmp_path / "kb.yaml", text))
    assert (problem.line, problem.column) == position
    assert problem.message.endswith(hint)


def test_an_unclosed_quote_or_bracket_is_reported_where_it_opened(tmp_path: Path) -> None:
    quote = only_problem(write(tmp_path / "q.yaml", GOOD.replace("answer: A is", 'answer: "A is')))
    assert where(quote)[:2] == (4, 13) and quote.message == "invalid YAML: a quote opened here is never closed"
    bracket = only_problem(write(tmp_path / "b.yaml", GOOD.replace("answer: A is the first letter.", "answer: [A is")))
    assert where(bracket)[:2] == (4, 13) and bracket.message == "invalid YAML: a bracket opened here is never closed"
    # At the end of the file YAML marks where the file ended; the bracket is found in the text.
    at_end = only_problem(write(tmp_path / "e.yaml", GOOD + "title: ['#', {a: [b"))
    assert where(at_end)[:2] == (GOOD.count("\n") + 1, 18) and at_end.message.endswith("a bracket opened here is never closed")


NOT_UTF8 = GOOD.replace("A is the first letter.", "A is caf\udce9.").encode("utf-8", "surrogateescape")


def test_non_utf8_bytes(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", NOT_UTF8)
    problem = only_problem(path)
    assert "UTF-8" in problem.message
    assert problem.entry_id is None


def test_non_utf8_bytes_reports_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path / "kb.yaml", NOT_UTF8))
    assert (problem.line, problem.column) == (4, 21)


def test_nonexistent_path(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-kb.yaml"
    with pytest.raises(FaqbotError) as caught:
        load_kb(missing)
    assert str(missing) in str(caught.value)
    assert "no such file" in str(caught.value)
    assert len(str(caught.value).splitlines()) == 1


@pytest.mark.parametrize("contents", [[], ["README.md", "notes.txt"]], ids=["empty", "no-yaml"])
def test_directory_without_yaml_files(tmp_path: Path, contents: list[str]) -> None:
    kb_dir = tmp_path / "kb"
    kb_dir.mkdir()
    for name in contents:
        write(kb_dir / name, GOOD)  # valid KB text, but not in a *.yaml file
    with pytest.raises(FaqbotError) as caught:
        load_kb(kb_dir)
    assert str(kb_dir) in str(caught.value)
    assert "no *.yaml files" in str(caught.value)
    assert len(str(caught.value).splitlines()) == 1


# --- reporting everything at once, and never half-loading -------------------------------------------


def test_all_problems_reported_at_once_sorted_by_line(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", """\
        entries:
          - id: c
            answer: No question here.
            source: FAQ
          - id: Bad_Id
            question: Q?
            answer: A.
            source: FAQ
          - id: a
            question: Q?
            answer: A.
            source: FAQ
            alternate: [typo]
        """)
    problems = problems_of(path)
    assert [where(p) for p in problems] == [(2, 5, "c"), (5, 9, "Bad_Id"), (13, 5, "a")]
    assert "missing required field 'question'" in problems[0].message
    assert "kebab-case" in problems[1].message
    assert "unknown field 'alternate'" in problems[2].message


def test_problems_in_several_files_all_reported(tmp_path: Path) -> None:
    kb_dir = tmp_path / "kb"
    one = write(kb_dir / "one.yaml", GOOD.replace("source: FAQ", "source: 7"))
    two = write(kb_dir / "two.yaml", "\n" + GOOD.replace("id: a", "id: b").replace("answer: A", "answr: A"))
    problems = problems_of(kb_dir)
    assert [(p.path, p.line) for p in problems] == [(one, 5), (two, 5)]
    # "answr" is taken for "answer": one line for it, not a second that "answer" is missing
    assert problems[1].message == "unknown field 'answr' (did you mean 'answer'?)"


def test_nothing_half_loads(tmp_path: Path) -> None:
    kb_dir = tmp_path / "kb"
    write(kb_dir / "good.yaml", GOOD)
    bad = write(kb_dir / "zz-bad.yaml", GOOD.replace("id: a", "id: b").replace("question: What is a?", "question:"))
    result = None
    with pytest.raises(FaqbotError) as caught:
        result = load_kb(kb_dir)
    assert result is None
    assert {p.path for p in caught.value.problems} == {bad}
    assert load_kb(kb_dir / "good.yaml")["a"].question == "What is a?"  # the good file alone is fine


# --- YAML tags that would run code --------------------------------------------------------------------

TAG = "!!python/object/apply:os.system"


def tag_cases(marker: Path) -> dict[str, str]:
    command = f"[\"touch '{marker}'\"]"
    return {
        "scalar-value": GOOD.replace("answer: A is the first letter.", f"answer: {TAG} \"touch '{marker}'\""),
        "sequence-as-text": GOOD.replace("question: What is a?", f"question: {TAG} {command}"),
        "sequence-as-list": GOOD + f"    tips: {TAG} {command}\n",
        "entry": GOOD + f"  - {TAG} {command}\n",
        "top-level": f"--- {TAG}\n" + GOOD,
    }


@pytest.mark.parametrize("case", ["scalar-value", "sequence-as-text", "sequence-as-list", "entry", "top-level"])
def test_python_tags_are_never_executed(tmp_path: Path, case: str) -> None:
    marker = tmp_path / "executed"
    path = write(tmp_path / "kb.yaml", tag_cases(marker)[case])
    try:
        load_kb(path)
    except FaqbotError:
        pass
    assert not marker.exists()




@pytest.mark.parametrize(
    "case",
    [
        "scalar-value",
        "sequence-as-text",
        "entry",
        "sequence-as-list",
        "top-level",
    ],
)
def test_python_tags_are_refused(tmp_path: Path, case: str) -> None:
    path = write(tmp_path / "kb.yaml", tag_cases(tmp_path / "executed")[case])
    problems = problems_of(path)
    assert all(p.path == path for p in problems)


def test_one_file_of_a_directory_kb_checked_alone_says_where_the_ids_may_be(tmp_path: Path) -> None:
    write(tmp_path / "kb" / "a.yaml", "entries:\n  - {id: a, question: A?, answer: A., source: S, related: [b]}\n")
    write(tmp_path / "kb" / "b.yaml", "entries:\n  - {id: b, question: B?, answer: B., source: S}\n")
    assert load_kb(tmp_path / "kb")["a"].related == ("b",)
    [problem] = problems_of(tmp_path / "kb" / "a.yaml")
    assert "unknown id 'b'" in problem.message and "check the whole directory" in problem.message
    # A close id in the file itself is the likelier fix, and the hint a reviewer missed.
    write(tmp_path / "kb" / "c.yaml", "entries:\n  - {id: service-basic, question: C?, answer: C., source: S, related: [service-basics]}\n")
    [problem] = problems_of(tmp_path / "kb" / "c.yaml")
    assert "unknown id 'service-basics' (did you mean 'service-basic'?)" in problem.message


@pytest.mark.parametrize("text", ["synonyms: {}\n", "examples: []\n", "threshold: 40\n"])
def test_a_directory_file_without_entries_needs_none(tmp_path: Path, text: str) -> None:
    write(tmp_path / "kb" / "a.yaml", GOOD)
    write(tmp_path / "kb" / "b.yaml", text)
    assert [entry.id for entry in load_kb(tmp_path / "kb")] == ["a"]
    write(tmp_path / "kb" / "b.yaml", "synonyms: 5\n")  # what is wrong is the synonyms, not missing entries
    assert only_problem(tmp_path / "kb").message.startswith("'synonyms' must be a mapping")


def test_an_entry_without_a_usable_id_still_has_its_related_ids_checked(tmp_path: Path) -> None:
    """One run reports every problem: a bad id must not hide a bad 'related' beside it."""
    text = "entries:\n  - id: Bad_Id\n    question: Q?\n    answer: A.\n    related: [nope]\n    source: S\n"
    with pytest.raises(FaqbotError) as caught:
        load_kb(write(tmp_path / "kb.yaml", text))
    found = [(p.line, p.column, p.message.split(" (")[0]) for p in caught.value.problems]
    assert (2, 9, "id 'Bad_Id' must be kebab-case: lowercase letters, digits and '-'") in found
    assert (5, 15, "'related' names unknown id 'nope'") in found


# --- examples: labeled questions the matcher learns from ------------------------------------------


def test_examples_load_from_any_file_with_where_each_one_is(tmp_path: Path) -> None:
    write(tmp_path / "kb" / "a.yaml", GOOD)
    write(tmp_path / "kb" / "b.yaml", """\
        examples:
          - q: tell me about a
            expect: a
          - q: can I get a refund?
            expect: null
          - {q: a or b?, expect: [a]}
        """)
    kb = load_kb(tmp_path / "kb")
    assert [(e.text, e.expected, e.in_scope) for e in kb.examples] == [
        ("tell me about a", ("a",), True), ("can I get a refund?", (), False), ("a or b?", ("a",), True),
    ]


def test_example_problems_are_all_reported_with_their_place(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", GOOD + textwrap.dedent("""\
        examples:
          - q: what is a?
            expect: aa
          - q: ""
            expect: a
          - q: no label
          - q: stray
            expect: a
            answer: A.
          - just a string
          - q: bad label
            expect: {a: 1}
        """))
    problems = problems_of(path)
    found = [(p.line, p.column, p.message) for p in problems]
    assert found == [
        (8, 13, "example expects unknown id 'aa' (did you mean 'a'?)"),
        (9, 8, "'q' is empty"),
        (11, 5, "example is missing 'expect'"),
        (14, 5, "unknown example field 'answer'"),
        (15, 5, "each example must be a mapping with 'q' (the question) and 'expect' (an id, a list of ids, or null)"),
        (17, 13, "'expect' must be an id, a list of ids, or null"),
    ]


def test_examples_must_be_a_list(tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", GOOD + "examples: what is a?\n")
    problem = only_problem(path)
    assert where(problem)[:2] == (6, 11) and "'examples' must be a list" in problem.message
