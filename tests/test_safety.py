"""Warning signs: the default KB's safety section, and how bot.safety matches its patterns."""

from __future__ import annotations

import re

import pytest

from pathlib import Path

from bot import Matcher, load_kb, reply_to
from bot.evaluate import load_questions
from bot.knowledge import Safety, WarningSign
from bot.safety import SafetyCheck, warning_signs

from conftest import run_faqbot

LEGS = "numbness or weakness in the legs"
BLADDER = "loss of bladder or bowel control, or blood in the urine"
FEVER = "fever"
FALL = "pain after a fall or injury"
WEIGHT = "unexplained weight loss"
CHEST = "chest pain, trouble breathing or fainting"
CLOT = "a blood clot, recent surgery or blood thinners"
SEVERE = "severe pain, pain that keeps getting worse, or pain at night"


@pytest.fixture(scope="module")
def check() -> SafetyCheck:
    return SafetyCheck(load_kb().safety)


@pytest.fixture(scope="module")
def exact() -> SafetyCheck:
    """The same check with typo tolerance off, to show what tolerance alone adds."""
    without_typos = SafetyCheck(load_kb().safety)
    without_typos._typos = False
    return without_typos


def names(check: SafetyCheck, text: str) -> list[str]:
    return [sign.name for sign in check.signs_in(text)]


def write_kb(tmp_path: Path, kb_text: str) -> Path:
    """A KB file holding `kb_text` (its safety section) and one entry."""
    (tmp_path / "kb.yaml").write_text(kb_text + "entries:\n  - id: a\n    question: Q?\n    answer: A.\n    source: S\n", encoding="utf-8")
    return tmp_path / "kb.yaml"


def validation_errors(tmp_path: Path, kb_text: str) -> str:
    """`faqbot validate` on a KB file holding `kb_text` and one entry: what it said, after checking it failed cleanly."""
    write_kb(tmp_path, kb_text)
    result = run_faqbot("--kb", "kb.yaml", "validate", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    return result.stderr


def test_the_default_kb_has_a_notice_to_seek_medical_care(check: SafetyCheck) -> None:
    assert check.notice is not None
    assert "doctor" in check.notice and "emergency" in check.notice
    assert {LEGS, BLADDER, FEVER, FALL, WEIGHT} <= {sign.name for sign in load_kb().safety.signs}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("question", "sign"),
    [
        ("my legs feel numb, can massage help?", LEGS),
        ("numbness in my left leg since yesterday", LEGS),
        ("I can't feel my legs properly", LEGS),
        ("I cannot feel my feet", LEGS),
        ("pins and needles down to my toes", LEGS),
        ("my legs keep giving way", LEGS),
        ("my leg feels weak and my back hurts", LEGS),
        ("I wet myself when my back went", BLADDER),
        ("is incontinence normal with back pain?", BLADDER),
        ("I can't control my bladder", BLADDER),
        ("problems with my bowels and a sore back", BLADDER),
        ("I have a fever and my back aches", FEVER),
        ("back pain with a high temperature", FEVER),
        ("I've been running a temperature", FEVER),
        ("I fell off a ladder, can we massage my back?", FALL),
        ("back pain after a car accident", FALL),
        ("hurt my back in a fall down the stairs", FALL),
        ("is massage ok for a sports injury?", FALL),
        ("I've been losing weight without trying and my back hurts", WEIGHT),
        ("unexplained weight loss and back pain", WEIGHT),
        ("I lost a lot of weight and my back is sore", WEIGHT),
        # Wordings a reviewer found missed:
        ("pins & needles in my foot", LEGS),
        ("I can barely walk", LEGS),
        ("my knees gave way", LEGS),
        ("numbness around my genitals", LEGS),
        ("I have a temperature", FEVER),
        ("I fell and hurt my back", FALL),
        ("I lost 10 kg without trying", WEIGHT),
        ("my chest hurts", CHEST),
        ("i blacked out", CHEST),
        # From a second new-user review:
        ("sudden severe back pain", SEVERE),
        ("my back hurts at night", SEVERE),
        ("my back pain is 10 out of 10", SEVERE),
        ("my back hurts worse every week", SEVERE),
        ("i have a temp of 39", FEVER),
        ("i slipped in the shower and hurt my back", FALL),
        ("after surgery on my spine can i get a massage", CLOT),
        ("i have a blood clot in my leg", CLOT),
        # From a third:
        ("I had back surgery 3 weeks ago", CLOT),
        ("I'm recovering from surgery", CLOT),
        ("I tripped and hurt my back", FALL),
        ("sharp pain in my back that woke me up", SEVERE),
        ("my back hurts so much I can't sleep", SEVERE),
        ("my toes are tingling", LEGS),
        ("I have trouble peeing and back pain", BLADDER),
        # From a fourth, and a reviewer who wrote questions to find gaps:
        ("I got hit playing rugby and my back hurts, would a massage help?", FALL),
        ("I broke my hip last month, can we still get a couples massage?", FALL),
        ("I cracked a rib, is massage ok for my back pain?", FALL),
        ("I have a broken rib", FALL),
        ("I take blood thinning medication, is deep tissue ok", CLOT),
        ("found a lump near my spine", "cancer"),
        ("my oncologist wants to see me again", "cancer"),
        ("in hospital with sepsis", FEVER),
        ("im 30 weeks along, can my husband massage my back?", "pregnancy"),
        ("wife is 7 months along", "pregnancy"),
        ("what to expect during labour", "pregnancy"),
        ("the doc says massage is off the table", "a health professional's advice against massage"),
        ("my oncologist says no deep tissue, is swedish ok", "a health professional's advice against massage"),
    ],
)
def test_lay_wording_of_each_sign_is_caught(check: SafetyCheck, question: str, sign: str) -> None:
    assert sign in names(check, question)


@pytest.mark.parametrize(
    "question",
    [
        "how long does a couples massage last?",
        "what temperature should the room be?",
        "my partner fell asleep during the massage",
        "is it ok to fall asleep on the table?",
        "can we chill out together afterwards",
        "we had a falling out last week, can a massage help us reconnect",  # an argument, not a fall
        "my back cracked when he pressed, is that ok",
        "i'm sceptical that it helps, what are the benefits",  # not "septic"
        "does my back feel better after a massage",
        "what is Swedish massage",
        "",
        "???",
    ],
)
def test_everyday_questions_get_no_notice(check: SafetyCheck, question: str) -> None:
    assert check.signs_in(question) == ()


def test_no_question_of_the_kb_itself_gets_a_notice(check: SafetyCheck) -> None:
    """Patterns so broad that they catch the KB's own questions would make the notice noise."""
    flagged = {entry.question: names(check, entry.question) for entry in load_kb() if check.signs_in(entry.question)}
    assert flagged == {}


def test_every_pattern_catches_its_own_sign(check: SafetyCheck) -> None:
    safety = load_kb().safety
    assert safety is not None
    for sign in safety.signs:
        for pattern in sign.patterns:
            # Each word of each group the pattern uses in its place, the other groups' first words in theirs.
            spellings = [
                re.sub(r"<([a-z-]+)>", lambda m: word if m[1] == group else safety.groups[m[1]][0], pattern)
                for group, words in safety.groups.items()
                for word in (words if f"<{group}>" in pattern else ())
            ] or [pattern]
            for spelt in spellings:
                assert sign.name in names(check, spelt), (pattern, spelt)


def test_all_words_of_a_pattern_in_any_order_and_form() -> None:
    safety = Safety("See a doctor.", (WarningSign("numb legs", ("numb legs",)), WarningSign("fever", ("fever",))))
    assert warning_signs(safety, "My LEGS feel numb!") == (safety.signs[0],)
    assert warning_signs(safety, "numbness in my leg") == (safety.signs[0],)
    assert warning_signs(safety, "my arm is numb") == ()  # "legs" is missing
    assert warning_signs(safety, "fever, and my legs are numb") == safety.signs  # in the KB's order


@pytest.mark.parametrize(
    ("question", "sign"),
    [
        ("my legs are nummb", LEGS),  # a letter doubled
        ("i have a feaver and back pain", FEVER),  # a letter extra
        ("tingeling in my feet", LEGS),
        ("cant controll my bladdder", BLADDER),
        ("my chesst hurts when I breathe", CHEST),
        ("i lost control of my bladedr", BLADDER),  # two letters swapped
        ("I had cancar a few years ago, is massage ok?", "cancer"),  # a vowel wrong late in a long word
        ("had back surgury last month, can we still do deep tissue", CLOT),
        ("numness in my legs, can couples massage relieve back pain?", LEGS),  # a typo hiding the stem (numbness: numb)
        ("i have a fevar, how long should we wait", FEVER),
        ("excrutiating lower back pain, which technique", SEVERE),  # a long word with a letter changed late
        ("pain keeps geting worse, will deep tissue help", SEVERE),  # a function word of the pattern, misspelt
        ("my leggs are numb", LEGS),  # a letter doubled in a short word
        ("paralized leg", LEGS),
    ],
)
def test_a_misspelt_warning_word_is_still_caught(check: SafetyCheck, exact: SafetyCheck, question: str, sign: str) -> None:
    assert sign in names(check, question)
    assert sign not in names(exact, question)


@pytest.mark.parametrize(
    "question",
    [
        "how much time should we block out for the spa",  # "block" is not "black" (out)
        "we paint at night, is the smell a problem",  # "paint" is not "pain"
        "fewer sessions or longer ones?",  # "fewer" is not "fever"
        "how many numbers of sessions",
        "who won the super bowl",  # "bowl" is too short to be read as "bowel"
        "the lawn was sodden after the rain",  # an early vowel: "sodden" is not "sudden"
        "infact my back feels better after a massage",  # "infact" is not "infect"
        "Planning a massage night at home. How should we set up the room?",  # "up", "night": not one sentence
    ],
)
def test_real_words_near_a_warning_word_are_not_read_as_typos(check: SafetyCheck, question: str) -> None:
    assert check.signs_in(question) == ()


def test_no_labeled_question_gets_a_notice_from_typo_tolerance_alone(check: SafetyCheck, exact: SafetyCheck) -> None:
    """Over every labeled question, reading typos adds no notice that exact words would not give.

    Cautions aside: "wife is pregant" is rightly read as pregnancy, and a caution holds nothing back.
    """
    def holding(signs: tuple[WarningSign, ...]) -> list[WarningSign]:
        return [sign for sign in signs if not sign.caution]

    for path in sorted((Path(__file__).parent / "questions").glob("*.yaml")):
        for question in load_questions(path):
            assert holding(check.signs_in(question.text)) == holding(exact.signs_in(question.text)), question.text


def test_phrases_the_kb_ignores_use_a_sign_word_in_another_sense(check: SafetyCheck) -> None:
    assert names(check, "I fell asleep during the massage last time, is that normal?") == []
    assert names(check, "we fell in love at a spa, can we recreate that at home") == []
    assert names(check, "should I empty my bladder before the massage") == []
    assert names(check, "I don't have a fever but I fell off a ladder") == [FALL]  # only the phrase goes
    assert names(check, "My back hurts. Fell yesterday. Can couples massage help?") == [FALL]
    assert names(check, "i'm not on any blood thinners, is deep tissue ok?") == []  # a negation the KB lists
    assert names(check, "my feet aren't numb but my legs are") == [LEGS]  # not every negation: this one hides a sign
    assert names(check, "she fell pregnant last year, is massage ok now") == ["pregnancy"]  # "fell (pregnant)" keeps its context
    assert names(check, "does having my husband beside me make the massage more chill") == []  # relaxed, not shivering
    assert names(check, "how do we chill out together before a massage") == []
    assert names(check, "I have the chills, can I still get a massage") == ["fever"]
    assert names(check, "i cant sleep because of stress, will couples massage help me relax?") == []  # no pain named


def test_words_in_brackets_are_an_ignored_phrase_s_context_and_stay(tmp_path: Path) -> None:
    write_kb(
        tmp_path,
        "safety:\n  notice: See a doctor.\n  ignore: [fell (pregnant)]\n  signs:\n"
        "    - name: a fall\n      patterns: [fell]\n    - name: pregnancy\n      patterns: [pregnant]\n",
    )
    check = SafetyCheck(load_kb(tmp_path).safety)
    assert [s.name for s in check.signs_in("I fell pregnant in May, can I still have a massage?")] == ["pregnancy"]
    assert [s.name for s in check.signs_in("I fell off the sofa, can I still have a massage?")] == ["a fall"]


@pytest.mark.parametrize(
    ("phrase", "problem"),
    [("fell (pregnant", "has a bracket that is not closed, or not opened"), ("(fell pregnant)", "takes nothing out")],
)
def test_an_ignored_phrase_with_brackets_that_make_no_sense_is_reported(tmp_path: Path, phrase: str, problem: str) -> None:
    write_kb(
        tmp_path,
        f"safety:\n  notice: See a doctor.\n  ignore: ['{phrase}']\n  signs:\n    - name: a fall\n      patterns: [fell]\n",
    )
    result = run_faqbot("validate", str(tmp_path))
    assert result.returncode == 2 and f"kb.yaml:3:12: ignore phrase {phrase!r} {problem}" in result.stderr, result.stderr


def test_an_ignored_phrase_is_read_from_the_kb_file(tmp_path: Path) -> None:
    write_kb(
        tmp_path,
        "safety:\n  notice: See a doctor.\n  ignore: [fell asleep]\n  signs:\n    - name: a fall\n      patterns: [fell]\n",
    )
    safety = load_kb(tmp_path).safety
    assert warning_signs(safety, "I fell asleep on the sofa") == ()
    assert [sign.name for sign in warning_signs(safety, "I fell on the ice")] == ["a fall"]


def test_an_ignore_phrase_that_would_hide_a_pattern_or_has_no_words_is_an_error(tmp_path: Path) -> None:
    errors = validation_errors(
        tmp_path,
        "safety:\n  notice: See a doctor.\n  ignore: [fell, '!!!', fell asleep]\n  signs:\n    - name: a fall\n"
        "      patterns: [fell off, bad fall]\n",
    )
    assert "kb.yaml:3:12: ignore phrase 'fell' would hide the pattern 'fell off' of the sign 'a fall'" in errors
    assert "kb.yaml:3:18: ignore phrase '!!!' has no words" in errors


@pytest.mark.parametrize(
    ("question", "sign"),
    [
        ("i take eliquis, can i get deep tissue", CLOT),
        ("ive got a high temp and my back aches", FEVER),
        ("peeing blood and back pain, will deep tissue help", BLADDER),
        ("had a stroke last year, can couples massage help my back", "a stroke or heart attack"),
        ("slipped on the stairs last night, can we use deep tissue", FALL),
        ("got rear ended last week and my back is stiff", FALL),
        ("my leg went dead this morning", LEGS),
        ("i have the chills and my back hurts", FEVER),
        ("back pain and i feel dizzy", CHEST),
        ("my calf is swollen and red and hurts", CLOT),
        ("had a c-section 3 weeks ago, can my husband massage my back", CLOT),
        ("i cant sleep, my back hurts", SEVERE),
        ("my legs... they feel numb", LEGS),  # an ellipsis does not end the sentence
        ("I fell for about two metres off a ladder", FALL),  # no idiom in the ignore list hides it
    ],
)
def test_everyday_wordings_of_a_sign_are_caught(check: SafetyCheck, question: str, sign: str) -> None:
    assert sign in names(check, question)


def test_matches_name_the_pattern_as_the_kb_wrote_it(check: SafetyCheck) -> None:
    assert [(sign.name, pattern) for sign, pattern in check.matches("my legs feel numb. I have a fever")] == [
        (LEGS, "numb leg"), (FEVER, "fever"),
    ]


def test_a_pain_rating_written_as_a_fraction_is_read_out(check: SafetyCheck) -> None:
    assert SEVERE in names(check, "my back pain is 10/10 today")
    assert names(check, "had back pain for 10 days, on and off") == []


def test_blood_thinners_are_a_clot_sign_not_weight_loss(check: SafetyCheck) -> None:
    assert names(check, "I am on blood thinners, can I get a deep tissue massage?") == [CLOT]


def test_a_pattern_is_caught_anywhere_within_one_sentence(check: SafetyCheck) -> None:
    assert FALL in names(check, "I fell off a ladder last week and ever since then my back really hurts")
    assert FALL in names(check, "Quick question. I fell off a ladder, and now my back hurts. Can massage help?")


@pytest.mark.parametrize(
    "question",
    [
        "my legs aren't numb or weak, can we massage my lower back?",
        "my back pain is not getting worse",
        "no fever, can I still get a massage?",
        "I'm not dizzy, can we try deep tissue tonight?",
        "my legs are not numb at all",
        "no numbness in my legs",
        "I am not feeling numb in my legs, is deep tissue ok?",
        "my legs aren't numb, it's just the lower back that aches",  # only an everyday ache after it
        "my legs aren't numb, just stiff",
        "I'm not pregnant btw",  # chat filler after the denied word
        "my legs aren't numb lol",
        "I'm not pregnant, just curious how long it lasts",  # from a new user's review
        "my legs aren't numb, just wondering which massage is best for my back",
    ],
)
def test_a_sign_the_question_denies_is_not_a_sign(check: SafetyCheck, question: str) -> None:
    assert names(check, question) == []


@pytest.mark.parametrize(
    ("question", "sign"),
    [
        ("I can't feel my legs", LEGS),  # the pattern holds the negation
        ("I have no feeling in my legs", LEGS),
        ("I don't feel anything in my legs", LEGS),
        ("I don't know why my legs are numb", LEGS),  # the negation denies "know", not "numb"
        ("my feet aren't numb but my legs are", LEGS),  # the sentence turns: the rest may hold the sign
        ("My feet aren't numb, my legs are.", LEGS),
        ("the pain won't go away and keeps getting worse", SEVERE),
        ("I have fallen and hurt my back", FALL),
        # From a review that tried to make the denial rule miss a sign: each of these it once missed.
        ("I have no bladder control", BLADDER),
        ("I didn't have a fever until yesterday", FEVER),
        ("I've never had a fever like this", FEVER),
        ("never felt so weak in my legs", LEGS),
        ("I can't sit without numbness in my legs", LEGS),  # two negations deny nothing
        ("Isn't numbness in the legs serious?", LEGS),
        ("I'm not feeling great and feverish", FEVER),
        ("I can't empty my bladder", BLADDER),
        ("I could not feel my feet this morning", LEGS),
        ("I can barely feel my legs", LEGS),
        # From a second review, of a narrower rule.
        ("I can hardly stand up without feeling dizzy", CHEST),
        ("I've never been dizzy, why is this happening?", CHEST),
        ("My feet aren't numb. My legs are.", LEGS),
        ("My wife doesn't have cancer. I do.", "cancer"),
        ("My legs aren't numb, when I sit for an hour they are", LEGS),
        ("My leg aches behind the knee, it's not a clot, is it?", CLOT),
        ("Hopefully it's not cancer", "cancer"),
        ("my doctor said it's not cancer", "cancer"),
        ("I haven't been dizzy, is that normal after a massage?", CHEST),
        ("I cnt stand up without feeling dizzy", CHEST),
        ("I'm not dizzy in the morning", CHEST),  # a time, not a place: it comes later in the day
        ("no numbness in my legs until today", LEGS),
        ("Not numb in the feet, only in the legs", LEGS),  # "only" places the sign here
        ("I'm not dizzy, only when I stand up", CHEST),
        ("my legs aren't numb, just weak", LEGS),
        ("my legs aren't numb, just wondering why they feel so heavy", LEGS),  # "why": about the sign
        ("I'm not dizzy, just curious if that is normal", CHEST),
    ],
)
def test_a_negation_near_a_sign_does_not_hide_it(check: SafetyCheck, question: str, sign: str) -> None:
    assert sign in names(check, question)


def test_a_sentence_that_points_back_is_read_with_the_one_before(check: SafetyCheck) -> None:
    assert LEGS in names(check, "My leg has been acting up. It feels numb, can massage help?")
    assert LEGS in names(check, "my legs are weird lately. they go numb when I sit. is that normal")
    assert names(check, "My legs are tired from hiking. My partner feels numb about it all.") == []  # no pointing back


def test_a_kb_without_a_safety_section_never_warns() -> None:
    assert SafetyCheck(None).signs_in("I can't feel my legs") == ()
    assert SafetyCheck(None).notice is None


ADVICE = "a health professional's advice against massage"


@pytest.mark.parametrize(
    "question",
    [
        "my doctor said no massage, can my wife still rub my back?",
        "My physio told me to avoid massage for six weeks. Can my husband do gentle strokes?",
        "my GP says I shouldn't have a deep tissue massage, what about swedish?",
        "the surgeon told me not to get massages until the stitches are out",
        "my doctor advised against massage but my back is killing me",
        "doc said to stay away from massages for now",
        # From a review that tried to slip advice past the patterns:
        "Dr. Patel said no massage for me.",  # "Dr." does not end the sentence
        "My OB told me to skip massage for now.",
        "My doctor says massage is off limits until the swelling goes down.",
        "I asked my doctor. She said no massage for a month.",  # "she" points back to the doctor
        "My doctor won't allow massage until I heal.",
        "my GP says massage could be dangerous with my condition",
    ],
)
def test_a_doctors_advice_against_massage_is_a_sign(check: SafetyCheck, question: str) -> None:
    assert ADVICE in names(check, question)


@pytest.mark.parametrize(
    "question",
    [
        "my doctor said there's no problem with massage, which technique is best?",
        "my doctor said there is no reason not to have a massage",
        "my GP has nothing against massage",
        "I don't have a doctor, can massage help my back?",
        "should I see a doctor before a massage?",
        "we are not a couple, is a massage allowed?",
        # A negation or a refusal about something else: the advice must be in one clause.
        "my doctor recommended massage, not surgery",
        "my doctor said to avoid heavy lifting but massage is fine",
        "my doctor said no more ibuprofen, can I get a massage instead?",
        "my doctor is not against massage",
        # From a second review, written without sight of the patterns:
        "my GP didn't say anything against massage",
        "my doctor said no to painkillers so I'd like to try massage",
        "my physio said don't worry about the massage, go for it",
    ],
)
def test_a_doctors_word_for_massage_is_not_advice_against_it(check: SafetyCheck, question: str) -> None:
    assert ADVICE not in names(check, question)


def test_a_sign_with_its_own_notice_says_it_instead_of_the_general_one() -> None:
    """Being told to follow a doctor's advice is not being told a symptom may be serious."""
    matcher = Matcher(load_kb())
    safety = matcher.kb.safety
    assert safety is not None
    advice = next(sign for sign in safety.signs if sign.name == ADVICE)
    assert advice.notice is not None and "follow the advice you were given" in advice.notice.lower()
    alone = reply_to(matcher, "my doctor said no massage, can my wife still rub my back?")
    assert alone.entry is None and alone.notice == advice.notice
    both = reply_to(matcher, "my legs are numb and my doctor said no massage")
    assert both.notice == f"{safety.notice}\n\n{advice.notice}"  # a paragraph each
    shown = run_faqbot("ask", "my doctor said no massage, can my wife still rub my back?").stdout
    assert "You mentioned a health professional's advice against massage." in " ".join(shown.split())
    assert " ".join(advice.notice.split()) in " ".join(shown.split())
    assert "emergency" not in shown  # the general notice is not said as well
    assert "Nearest topics I can tell you about, for later:" in shown  # a doctor has been seen


def test_a_group_is_any_of_its_words_and_within_clause_keeps_a_pattern_to_one_clause(tmp_path: Path) -> None:
    write_kb(
        tmp_path,
        "safety:\n  notice: See a doctor.\n  groups:\n    vet: [vet, veterinarian]\n  signs:\n"
        "    - name: a vet's no\n      within: clause\n      patterns: [<vet> no walks]\n"
        "    - name: limping\n      patterns: [not walk]\n",
    )
    safety = load_kb(tmp_path).safety
    assert [s.name for s in warning_signs(safety, "the veterinarian said no walks this week")] == ["a vet's no"]
    assert warning_signs(safety, "the vet said no treats, but walks are fine") == ()  # two clauses
    assert [s.name for s in warning_signs(safety, "he will not, honestly, walk")] == ["limping"]  # a sentence


def test_groups_and_within_are_checked(tmp_path: Path) -> None:
    errors = validation_errors(
        tmp_path,
        "safety:\n  notice: See a doctor.\n  groups:\n    vet: [vet, animal doctor]\n    Bad_Name: [x]\n  signs:\n"
        "    - name: a vet's no\n      within: paragraph\n      patterns: [<vett> no walks]\n"
        "    - name: a limp\n      caution: maybe\n      patterns: [limp]\n",
    )
    assert "kb.yaml:4:10: group 'vet': 'animal doctor' is not one word" in errors
    assert "kb.yaml:5:5: group name 'Bad_Name' must be lowercase letters, digits and '-'" in errors
    assert "kb.yaml:8:15: 'within' must be 'sentence' or 'clause', not 'paragraph'" in errors
    assert "kb.yaml:11:16: 'caution' must be true or false, not 'maybe'" in errors
    assert "kb.yaml:9:18: unknown group <vett> (did you mean 'vet'?)" in errors  # with the others, in one run
    errors = validation_errors(
        tmp_path,
        "safety:\n  notice: See a doctor.\n  groups:\n    vet: [vet]\n  signs:\n"
        "    - name: a vet's no\n      patterns: [<vett> no walks]\n",
    )
    assert "kb.yaml:7:18: unknown group <vett> (did you mean 'vet'?)" in errors


@pytest.mark.parametrize("question", ["my wife is 20 weeks pregnant", "is a prenatal massage ok?", "antenatal back pain", "I'm preggo"])
def test_pregnancy_is_a_caution(check: SafetyCheck, question: str) -> None:
    assert [(s.name, s.caution) for s in check.signs_in(question)] == [("pregnancy", True)]


STRAIN = "a recent back strain or a slipped disc"


@pytest.mark.parametrize(
    "question",
    [
        "I hurt my back at the gym yesterday, is a massage ok",
        "I pulled a muscle in my back this morning, can we still go",
        "I strained my back lifting a box yesterday, can we still go",
        "I twisted my back yesterday",
        "I threw my back out yesterday, can we still book",
        "I slipped a disc last week, can I get a massage",
        "I have a bulging disc",
        "is massage good for a herniated disc",
        "his back gave out when he bent down",
    ],
)
def test_a_recent_strain_is_a_caution(check: SafetyCheck, question: str) -> None:
    """Found by a new user's review: "I injured my back yesterday" got a notice, these got none."""
    assert [(s.name, s.caution) for s in check.signs_in(question)] == [(STRAIN, True)]


@pytest.mark.parametrize(
    "question",
    [
        "my back hurts, will massage help",
        "my back always hurts after the gym",
        "can a massage help with muscle strain from sitting",
        "should we pull the curtains",
        "we went out last night and my back was sore",
        "we went out for dinner and then back home for a massage",
    ],
)
def test_everyday_back_pain_is_no_strain(check: SafetyCheck, question: str) -> None:
    assert check.signs_in(question) == ()


def test_a_correction_of_the_bot_is_a_denial(check: SafetyCheck) -> None:
    """Found by a new user's review: an opening "no" counted as a second negation, and "you misread
    me" as something said about the sign, so correcting the bot brought the notice back."""
    for line in ("no, my legs aren't numb, you misread me", "no I am not pregnant", "I'm not pregnant, you misread me"):
        assert check.signs_in(line) == (), line
        assert check.denied_in(line), line
    for line in ("no, my legs are numb", "no my legs are numb", "nope. my legs are numb"):  # "no" is not a denial of what follows
        assert check.signs_in(line), line
    assert check.denied_in("my legs are numb") == ()


@pytest.mark.parametrize(
    "question",
    [
        "what should I expect at a couples massage?", "I'm expecting the massage to hurt", "there was a pregnant pause, then he asked",
        "what should my wife expect during a couples massage",  # the stem of "my wife is expecting"
        "what are we expecting from the massage", "my wife isn't expecting",
    ],
)
def test_expecting_something_else_is_not_pregnancy(check: SafetyCheck, question: str) -> None:
    assert check.signs_in(question) == ()


@pytest.mark.parametrize(
    "question",
    [
        # From a new user's review: the first got no caution, and the "what to expect" answer.
        "my wife is expecting, can I massage her lower back", "our baby is due in march, can we do a couples massage",
        "We're expecting our first, is a couples massage a good idea?", "she's expecting, what oils are safe",
        "my partner and I are expecting", "what should we do before her due date",
    ],
)
def test_expecting_said_of_someone_is_pregnancy(check: SafetyCheck, question: str) -> None:
    assert [s.name for s in check.signs_in(question)] == ["pregnancy"]


def test_a_pattern_in_quotes_matches_only_as_written_and_side_by_side(tmp_path: Path) -> None:
    write_kb(
        tmp_path,
        "safety:\n  notice: See a doctor.\n  signs:\n"
        "    - name: a fall\n      patterns: ['\"took a tumble\"']\n",
    )
    safety = load_kb(tmp_path).safety
    assert [s.name for s in warning_signs(safety, "Grandad took a tumble. Can we massage his back?")] == ["a fall"]
    for other in ("he takes a tumble dryer sheet", "a tumble is what he took", "he took a bad tumble", "took a tumbel"):
        assert warning_signs(safety, other) == (), other


def test_a_pattern_in_quotes_needs_two_words_and_no_group(tmp_path: Path) -> None:
    errors = validation_errors(
        tmp_path,
        "safety:\n  notice: See a doctor.\n  groups:\n    vet: [vet]\n  signs:\n"
        "    - name: a fall\n      patterns: ['\"tumbled\"', '\"<vet> said\"', took a tumble]\n",
    )
    assert "kb.yaml:7:18: a pattern in quotes needs two words or more, and no <group>" in errors
    assert "kb.yaml:7:31: a pattern in quotes needs two words or more, and no <group>" in errors
