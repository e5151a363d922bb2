"""The matcher on small KBs written for these tests, and on the default KB."""

import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot import FaqbotError, Matcher, WordWeight, load_kb, reply_to
from bot.matcher import _SCORE_ALL_UP_TO
from bot.normalize import Analyzer, normalize, stem
from bot.render import explanation_text

PLANTS = """\
title: Houseplants
synonyms:
  water: [hydrate, irrigate]
entries:
  - id: watering
    question: How often should I water my houseplants?
    alternates: [watering schedule, how much water do plants need]
    answer: Water when the top two centimetres of soil are dry; most plants prefer drying out a little.
    tips: [Empty the saucer after watering.]
    source: Care > Watering
  - id: light
    question: How much light do houseplants need?
    alternates: [where should I put my plant, sunny window or shade]
    answer: Most like bright, indirect light. Cacti want direct sun; ferns cope with shade.
    source: Care > Light
  - id: repotting
    question: When should I repot a plant?
    alternates: [roots coming out of the pot, bigger pot]
    answer: Repot in spring when roots circle the pot or poke out of the drainage holes.
    related: [watering]
    source: Care > Repotting
"""


@pytest.fixture(scope="module")
def plants(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    path: Path = tmp_path_factory.mktemp("kb") / "plants.yaml"
    path.write_text(PLANTS, encoding="utf-8")
    return Matcher(load_kb(path))


@pytest.fixture(scope="module")
def default() -> Matcher:
    return Matcher(load_kb())


def test_normalize_folds_case_accents_punctuation_and_space() -> None:
    assert normalize("  HOW   long\tdoes a  Massage… last?!") == "how long does a massage last"
    assert normalize("Café crème, s'il vous plaît") == "cafe creme sil vous plait"


def test_the_possessive_of_a_word_ending_in_s_reads_as_the_word(default: Matcher) -> None:
    assert normalize("my hubs's back, the boss’s idea") == "my hubs back the boss idea"
    assert ("hubs", "partner") in default.word_readings("is a couples massage good for my hubs's back?")
    assert normalize("it's my wife's") == "its my wifes"  # other possessives keep their s, as before


def test_synonyms_rewrite_to_the_kb_word() -> None:
    analyzer = Analyzer({"back pain": ("backache", "sore back"), "partner": ("wife",)})
    assert analyzer.text("My WIFE has a sore back") == "my partner has a back pain"
    assert "backaches" not in analyzer.text("backaches")  # stems are not variants...
    assert analyzer.words("backache") == ("back", "pain")


def test_a_synonym_phrase_matches_with_filler_dropped_into_it() -> None:
    analyzer = Analyzer({"back pain": ("back is killing me",), "only for": ("just for",), "really": ("find it really hard",)})
    assert analyzer.text("my back is really killing me") == "my back pain"
    assert analyzer.text("my back is honestly, really killing me!") == "my back pain"
    assert analyzer.text("is it just for couples") == "is it only for couples"  # filler that starts a variant
    assert analyzer.text("I find it really hard") == "i really"  # a variant with the filler in it, as written
    assert analyzer.text("really my back is killing") == "really my back is killing"  # no variant: unchanged


def test_chat_spellings_of_function_words_are_read_before_phrases() -> None:
    analyzer = Analyzer({
        "overview": ("what am i going to learn",), "going to": ("gonna",), "you": ("u",),
        "also": ("besides",), "next to": ("beside me",),
    })
    assert analyzer.text("what am I gonna learn") == "overview"
    assert analyzer.pairs("can u") == [("can", "can"), ("you", "u")]
    assert analyzer.text("with him beside me") == "with him next to"  # a word a phrase holds waits for it
    assert analyzer.text("besides that") == "also that"


def test_a_synonym_phrase_matches_typed_without_the_g_of_its_ing() -> None:
    analyzer = Analyzer({"back pain": ("back is killing me",), "massage": ("rubbing",)})
    assert analyzer.text("my back is killin me") == "my back pain"
    assert analyzer.text("rubbin") == "massage"


def test_exact_question_matches_with_a_high_score(plants: Matcher) -> None:
    best = plants.match("How often should I water my houseplants?")
    assert best is not None and best.entry.id == "watering" and best.score >= 90


@pytest.mark.parametrize(
    "question, expected",
    [
        ("WHEN should i REPOT a plant", "repotting"),  # case
        ("when should I repot a plant!!!", "repotting"),  # punctuation
        ("wen shuold I repott a plnat", "repotting"),  # typos in several words
        ("how often do I hydrate my plants", "watering"),  # a synonym from the KB
        ("cacti", "light"),  # a keyword only the answer mentions
        ("drainage holes", "repotting"),
    ],
)
def test_variants_of_a_question_find_the_entry(plants: Matcher, question: str, expected: str) -> None:
    best = plants.match(question)
    assert best is not None and best.entry.id == expected


@pytest.mark.parametrize("question", ["how do I file my taxes?", "what is the capital of peru", "???", "", "   "])
def test_questions_the_kb_does_not_cover_are_declined(plants: Matcher, question: str) -> None:
    assert plants.match(question) is None


def test_a_misspelt_stopword_is_filler_but_a_real_word_near_one_is_not(plants: Matcher) -> None:
    readings = dict(plants.word_readings("shuold I realy water my dogs"))
    assert "shuold" not in readings and "realy" not in readings  # a letter swapped or missing
    assert readings["dogs"] is None  # one changed letter from "does", but a word the KB lacks


@pytest.mark.parametrize(
    "said, read_as",
    [
        ("masage", "massag"),  # a letter missing
        ("swedsih", "swedish"),  # two letters swapped
        ("benifits", "benefit"),  # a vowel spelt wrong
        ("massahe", "massag"),  # the key beside the right one
        ("heard", None),  # a far-off letter makes another word, not "heart"
        ("shave", None),  # not "share"
        ("deeep", "deep"),  # a key held down, even in a short word
        ("masssage", "massag"),
        ("lenght", "long"),  # a typo of a synonym ("length") reads as its KB word ("how long")
        ("duraton", "long"),
        ("massagin", "massag"),  # a dropped g
    ],
)
def test_typos_are_forgiven_but_other_words_are_not_taken_for_kb_words(default: Matcher, said: str, read_as: str | None) -> None:
    assert dict(default.word_readings(f"{said} couples")).get(said) == read_as


@pytest.mark.parametrize(
    "question, said, read_as",
    [
        ("what is petri sage", "petri sage", "petrissag"),  # a term split where it sounds split
        ("explain effleur ahge please", "effleur ahge", "effleurag"),  # and misspelt
        ("does it release end orphans", "end orphans", "endorphin"),
        ("what does tapa tement do", "tapa tement", "tapot"),
        ("can we watch base ball after", "base", None),  # joined, they make no KB word
        ("help with algebra home work", "work", "work"),  # KB words stay as they are
    ],
)
def test_two_words_the_kb_lacks_are_read_as_the_kb_word_they_make_together(
    default: Matcher, question: str, said: str, read_as: str | None
) -> None:
    readings = dict(default.word_readings(question))
    assert said in readings and readings[said] == read_as


@pytest.mark.parametrize(
    "question",
    ["what is shiatsu?", "whats sports massage", "how does thai massage work", "Shiatsu - what is it?",
     "can you explain what shiatsu is", "what kind of massage is shiatsu"],
)
def test_asking_what_a_merely_mentioned_term_is_gets_the_entry_as_a_suggestion(default: Matcher, question: str) -> None:
    assert default.match(question) is None  # the KB names these terms (`mentions`) but never explains them
    assert default.rank(question, k=1)[0].entry.mentions  # ...and the entry naming it is the nearest topic


@pytest.mark.parametrize(
    "question, expected",
    [
        ("what is effleurage?", "technique-swedish-strokes"),  # explained, not only mentioned
        ("should we combine swedish massage with shiatsu", "technique-swedish"),  # not asking what it is
        ("is hot stone massage an option for couples", "faq-techniques-used"),
    ],
)
def test_other_questions_about_those_entries_are_answered(default: Matcher, question: str, expected: str) -> None:
    best = default.match(question)
    assert best is not None and best.entry.id == expected


def test_asking_what_a_mentioned_term_does_is_not_asking_what_it_is(default: Matcher) -> None:
    # Whether to answer is the scores' call (the examples call what shiatsu does out of scope);
    # the rule for "what is X?" must not damp it, and the entry naming it leads.
    why = default.explain("what does shiatsu do for back pain")
    assert why is not None and why.damping == 1 and why.candidate.entry.id == "technique-swedish"


@pytest.mark.parametrize("question", ["how does it work?", "what is a zebra", "explain"])
def test_asking_what_something_is_is_scored_as_usual_when_no_mentioned_term_is_named(default: Matcher, question: str) -> None:
    why = default.explain(question)
    assert why is not None and why.damping == 1


def test_rank_returns_k_candidates_best_first_with_scores_in_range(plants: Matcher) -> None:
    ranked = plants.rank("how much light and water", k=3)
    assert len(ranked) == 3
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)
    assert all(0 <= c.score <= 100 for c in ranked)
    assert plants.rank("anything", k=0) == ()


def test_threshold_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "plants.yaml"
    path.write_text(PLANTS, encoding="utf-8")
    kb = load_kb(path)
    question = "light for a cactus in my office"
    score = Matcher(kb).rank(question, k=1)[0].score
    assert Matcher(kb, threshold=score).match(question) is not None
    assert Matcher(kb, threshold=min(score + 0.1, 100)).match(question) is None
    with pytest.raises(FaqbotError, match="between 0 and 100"):
        Matcher(kb, threshold=101)


def test_reply_suggests_the_next_entries_whether_answered_or_not(plants: Matcher) -> None:
    answered = reply_to(plants, "when to repot")
    assert answered.entry is not None and answered.entry.id == "repotting"
    assert answered.entry.id not in {c.entry.id for c in answered.suggestions}
    near = reply_to(plants, "how often should I feed my cat")  # shares "how often" with watering
    assert near.entry is None and [c.entry.id for c in near.suggestions][:1] == ["watering"]
    unrelated = reply_to(plants, "how do I file my taxes?")
    assert unrelated.entry is None and unrelated.suggestions == ()  # no random suggestions


def test_matcher_is_immutable(plants: Matcher) -> None:
    with pytest.raises(AttributeError):
        plants.threshold = 0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        plants.extra = 1  # type: ignore[attr-defined]


def test_explain_names_the_words_that_counted(plants: Matcher) -> None:
    why = plants.explain("how do I repot a fern into a bigger pot")
    assert why is not None and why.candidate.entry.id == "repotting"
    by_word = {w.word: w for w in why.words}
    assert by_word["bigger"].found_in == "phrasing"
    assert by_word["fern"].found_in == ""  # the answer of `light` has it, not this entry


def test_matcher_shared_by_threads_gives_the_serial_results(default: Matcher) -> None:
    # 10,000 questions, many with word forms the KB lacks, so that threads stem words at once.
    rng = random.Random(3)
    phrasings = [p for entry in default.kb for p in entry.phrasings] + ["refund please", "pilates?", "masage lenght"]
    endings = ["", "s", "ing", "ed", "ness", "ful", "ly", "ation", "ingly"]
    questions = [
        " ".join(word + rng.choice(endings) for word in rng.choice(phrasings).split()) for _ in range(10_000)
    ]
    stem.cache_clear()
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda q: default.rank(q, k=3), questions, chunksize=50))
    stem.cache_clear()
    serial = [default.rank(q, k=3) for q in questions]
    assert parallel == serial


@pytest.mark.parametrize(
    "question",
    [
        "how much should I tip after a couples massage?",
        "can I get a refund",
        "what's in the news today",
        "is pilates good for back pain",
        "hello there!",  # "there" is a function word, not a typo of "three"
        "no",
        "is there a spa nearby",  # "nearby" means a location, not a typo of "lotion"
        "where are you located",
    ],
)
def test_default_kb_declines_questions_it_does_not_cover(default: Matcher, question: str) -> None:
    assert default.match(question) is None


def test_a_huge_question_is_answered_in_bounded_time(default: Matcher) -> None:
    # Only the first MAX_QUESTION_CHARS are scored; this must neither crash nor crawl.
    assert default.rank("massage " * 200_000, k=1)


def _large_kb(path: Path, entries: int, seed: int) -> Path:
    """A synthetic KB above the size where only candidates are scored: Zipf-like made-up words."""
    rng = random.Random(seed)
    words = sorted({"".join(rng.choice("bdgklmnprstvz") + rng.choice("aeiou") for _ in range(3)) for _ in range(3000)})
    weights = [1 / (rank + 1) for rank in range(len(words))]

    def text(length: int) -> str:
        return " ".join(rng.choices(words, weights, k=length))

    lines = ["entries:"]
    for n in range(entries):
        lines += [f"  - id: e{n}", f"    question: {text(rng.randint(3, 6))}?", "    alternates:"]
        lines += [f"      - {text(rng.randint(2, 5))}" for _ in range(4)]
        lines += [f"    answer: {text(30)}.", f"    source: Part {n % 9}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_on_a_large_kb_the_candidates_give_the_exhaustive_top_entry(tmp_path: Path) -> None:
    matcher = Matcher(load_kb(_large_kb(tmp_path / "large.yaml", 1500, seed=5)))
    assert sum(len(e.phrasings) for e in matcher.kb) > _SCORE_ALL_UP_TO  # only candidates are scored
    rng = random.Random(9)
    phrasings = [p.rstrip("?").split() for e in matcher.kb for p in e.phrasings]
    # Questions of a phrasing with a word dropped: many are only common words, which thousands of
    # entries share, so the best entry must be found by its phrasing, not by shared words alone.
    questions = []
    for words in rng.sample(phrasings, 300):
        if len(words) > 2:
            words = words[:]
            words.pop(rng.randrange(len(words)))
        questions.append(" ".join(words))
    differ = [
        q for q in questions
        if [c.entry.id for c in matcher.rank(q, k=1)] != [c.entry.id for c in matcher.rank(q, k=1, exhaustive=True)]
    ]
    assert not differ


def test_chat_shorthand_is_filler_not_words_the_kb_lacks(default: Matcher) -> None:
    said = [said for said, _ in default.word_readings("what shld we talk abt b4 starting, me n my bf w/ allergies")]
    assert not {"shld", "abt", "n", "w"} & set(said)
    assert default.match("can i go w my bestie") is not None


def test_unknown_words_beside_the_asking_clause_weigh_less(plants: Matcher) -> None:
    story = plants.explain("we moved flats in spring, how often should I water my houseplants?")
    run_on = plants.explain("how often should I water my houseplants we moved flats in spring")
    assert story is not None and run_on is not None
    assert story.candidate.entry.id == run_on.candidate.entry.id == "watering"
    assert {w.said for w in story.words if w.aside} == {"moved", "flats"}
    assert not any(w.aside for w in run_on.words)
    assert story.unknown < run_on.unknown
    assert story.candidate.score > run_on.candidate.score


@pytest.mark.parametrize(
    ("question", "aside"),
    [
        ("my ferns look great. can I water them with coffee?", {"look", "great"}),  # the clause with "?" asks
        ("I have a cactus from my aunt, should I repot it in a clay pot", {"cactus", "aunt"}),  # one opens like a question
        ("my grandmother gave me a fern, roots poking out of the pot", {"grandmother", "gave"}),  # else the last
    ],
)
def test_the_asking_clause_is_found_without_or_with_a_question_mark(plants: Matcher, question: str, aside: set[str]) -> None:
    why = plants.explain(question)
    assert why is not None
    assert {w.said for w in why.words if w.aside} == aside


def test_an_off_topic_word_in_the_asking_clause_still_declines_a_story(default: Matcher) -> None:
    assert default.match("my back has been sore for months, is pilates any good for it?") is None
    assert default.match("we have been together ten years. can we bring our kids to a couples massage?") is None


# --- learning from the KB's examples --------------------------------------------------------------

PLANT_EXAMPLES = """\
examples:
  - {q: my fern's fronds are going crispy, expect: light}
  - {q: crispy brown leaves on my calathea, expect: light}
  - {q: leaves crispy at the edges, expect: light}
  - {q: why is my plant dropping leaves, expect: watering}
  - {q: where can I buy a monstera, expect: null}
  - {q: do you sell plant pots, expect: null}
  - {q: which shop has the cheapest plants, expect: null}
"""


@pytest.fixture(scope="module")
def taught(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    """The plants KB with examples: labeled questions in words its entries never use."""
    path: Path = tmp_path_factory.mktemp("kb") / "plants.yaml"
    path.write_text(PLANTS + PLANT_EXAMPLES, encoding="utf-8")
    return Matcher(load_kb(path))


def test_examples_teach_which_entry_words_the_kb_lacks_point_to(plants: Matcher, taught: Matcher) -> None:
    question = "the leaves went crispy, is it the watering or the light?"
    assert plants.rank(question)[0].entry.id == "watering"  # "watering" is said; "crispy" is unknown
    assert taught.rank(question)[0].entry.id == "light"


def test_examples_out_of_scope_teach_the_bot_to_decline(plants: Matcher, taught: Matcher) -> None:
    question = "where can I buy a plant that needs little light?"
    assert plants.match(question) is not None  # "plant", "need", "light": the light entry, wrongly
    assert taught.match(question) is None  # "buy" is what the out-of-scope examples ask
    learned, unbought = (taught.explain(q, "light").learned for q in (question, "a plant that needs little light?"))
    assert learned is not None and unbought is not None and learned < unbought


def test_out_of_scope_examples_scale_every_score_by_how_likely_the_kb_covers_the_question(taught: Matcher) -> None:
    buying, needing = (taught.explain(q, "light") for q in ("where can I buy a plant that needs little light?", "a plant that needs little light?"))
    assert buying.in_scope is not None and needing.in_scope is not None
    assert buying.in_scope < needing.in_scope - 20
    assert buying.candidate.score <= buying.in_scope  # the scale: no entry scores above it
    # the same share for every entry: what is left of 100% is "none of them"
    assert {taught.explain("where can I buy a plant that needs little light?", e.id).in_scope for e in taught.kb} == {buying.in_scope}


def test_a_word_the_kb_lacks_weighs_less_when_in_scope_examples_use_it(plants: Matcher, taught: Matcher) -> None:
    """"crispy" is in three examples the KB covers and in no off-topic one; "buy" only in off-topic ones."""
    def word(matcher: Matcher, question: str, said: str) -> WordWeight:
        why = matcher.explain(question, "light")
        assert why is not None
        return next(w for w in why.words if w.said == said)

    crispy, buy = word(taught, "crispy leaves", "crispy"), word(taught, "buy leaves", "buy")
    assert crispy.kb_word is None and crispy.vouched and not buy.vouched
    assert crispy.weight < buy.weight == word(plants, "crispy leaves", "crispy").weight
    assert 0 < taught.explain("crispy plant", "light").unknown < taught.explain("glossy plant", "light").unknown
    assert "the examples use it in questions the KB covers, so it weighs less" in explanation_text(taught.explain("crispy leaves"))


@pytest.mark.parametrize(
    "question", ["how long is a flight to paris", "do we have to be married to adopt a child", "what is swedish death cleaning"]
)
def test_a_familiar_frame_around_words_no_entry_uses_is_declined(default: Matcher, question: str) -> None:
    """The model is sure of these from their frame ("how long", "do we have to be"), having never
    seen "paris" or "adopt"; it vouches only for the words the KB knows (each scored 72 to 81 when
    its share ignored them, and 47 at most with it)."""
    why = default.explain(question)
    assert why is not None and why.learned is not None
    assert why.learned > 75 and why.unknown > 70
    assert why.candidate.score < 48
    assert default.match(question) is None


def test_a_phrasing_of_an_entry_scores_in_full_whatever_the_examples_say(taught: Matcher) -> None:
    # "where", as in the out-of-scope "where can I buy a monstera", makes the model a little unsure
    exact, padded = (taught.explain(q) for q in ("Put my plant where, should I?", "where should I put my plant please"))
    assert exact.in_scope is not None and exact.in_scope < 100
    assert (exact.candidate.entry.id, exact.candidate.score) == ("light", 100)  # its words, in another order
    assert padded.candidate.entry.id == "light" and padded.candidate.score < 100


def test_explain_shows_the_learned_probability_only_when_the_kb_has_examples(plants: Matcher, taught: Matcher) -> None:
    question = "crispy leaves"
    assert plants.explain(question).learned is None and plants.explain(question).in_scope is None
    learned = taught.explain(question, "light").learned
    assert learned is not None and learned > taught.explain(question, "repotting").learned + 20
    assert taught.explain(question).to_json()["learned"] == taught.explain(question).learned
    assert taught.explain(question).to_json()["in_scope"] == taught.explain(question).in_scope


@pytest.mark.parametrize(
    "question, nearest, thing",
    [
        ("what should I expect during a root canal", "faq-what-to-expect", ("root", "canal")),
        ("how long does a pedicure last", "faq-how-long", ("pedicure",)),
        ("how do I set the mood for a barbecue", "tip-set-mood", ("barbecue",)),
        ("what precautions should we take before a skydive", "medical-conditions-precautions", ("skydive",)),
        # From a new user's review: "at the dentist" in place of "during a couples massage" was answered.
        ("what should I expect at the dentist", "faq-what-to-expect", ("dentist",)),
    ],
)
def test_a_phrasing_with_its_subject_swapped_for_another_thing_is_declined(
    default: Matcher, question: str, nearest: str, thing: tuple[str, ...]
) -> None:
    # Each is one of the KB's phrasings with "couples massage" swapped out; all were answered.
    assert default.match(question) is None
    why = default.explain(question)
    assert why is not None and why.candidate.entry.id == nearest and why.swapped_in == thing
    assert f"subject swapped for {', '.join(thing)}" in explanation_text(why)


@pytest.mark.parametrize(
    "question, expected",
    [
        ("how should we prepare the room for the massage", "tip-prepare-environment"),  # the subject is there
        ("what should I expect during a couples massage at the spa", "faq-what-to-expect"),  # one the KB knows
        ("how long does the session last", "faq-how-long"),
        ("how should we prepare the room for our anniversary massage", "tip-prepare-environment"),  # says which massage
        ("what precautions should we take before our anniversary massage", "medical-conditions-precautions"),
        ("will I relax more with my wifey there", "benefit-relaxation"),  # a pet name is the partner (synonyms)
        ("does massage help back pain from lifting the baby", "faq-back-pain-relief"),  # not where "couples" was
        ("what should I expect at our anniversary couples massage", "faq-what-to-expect"),
    ],
)
def test_a_thing_beside_the_subject_is_not_a_swap(default: Matcher, question: str, expected: str) -> None:
    # Ranked, not answered: whether "baby" counts against a match is the examples' call (they hold
    # off-topic questions on massaging a newborn), and the question scores just under the threshold.
    assert default.rank(question)[0].entry.id == expected
    why = default.explain(question)
    assert why is not None and why.swapped_in == () and why.damping == 1


def test_a_word_of_an_off_topic_family_the_synonyms_name_is_not_a_swapped_thing(default: Matcher) -> None:
    # "appointment" is read as "booking", a word the KB never uses; the question asks about the massage.
    why = default.explain("what should I expect during our appointment")
    assert why is not None and why.swapped_in == () and why.damping == 1


@pytest.mark.parametrize(
    "question, expected, set_aside",
    [
        # Both were wrong before: the first went to the benefits, the second was declined (53.0).
        ("not the benefits, what actually is a couples massage?", "faq-what-is-couples-massage", ("not the benefits",)),
        ("not the mood stuff, what should we have within reach?", "tip-prepare-environment", ("not the mood stuff",)),
        ("apart from relaxing, what are the physical benefits?", "benefit-physical-health", ("apart from relaxing",)),
        ("what is trigger point therapy, not how long it lasts", "technique-trigger-point", ("not how long it lasts",)),
    ],
)
def test_a_clause_saying_what_is_not_asked_is_set_aside(
    default: Matcher, question: str, expected: str, set_aside: tuple[str, ...]
) -> None:
    best = default.match(question)
    assert best is not None and best.entry.id == expected
    why = default.explain(question)
    assert why is not None and why.set_aside == set_aside
    assert f"set aside: {set_aside[0]!r}, which says what is not asked" in explanation_text(why)


@pytest.mark.parametrize(
    "question, nearest, clause",
    [
        # Both were answered (the back pain entry at 89.9 for the first, before contrasts were set aside).
        ("other than massage, what eases a stiff back?", "faq-back-pain-relief", "other than massage"),
        ("aside from couples massage, how can we communicate better?", "benefit-communication", "aside from couples massage"),
    ],
)
def test_a_contrast_that_sets_aside_the_kbs_subject_is_declined(
    default: Matcher, question: str, nearest: str, clause: str
) -> None:
    assert default.match(question) is None
    why = default.explain(question)
    assert why is not None and why.candidate.entry.id == nearest and why.beside_subject == (clause,)
    assert f"other than the KB's subject ({clause!r})" in explanation_text(why)
    assert default.unexplained_terms(question) == ()  # not a term the KB only names


@pytest.mark.parametrize(
    "question, expected",
    [
        ("not the massage itself, what music should we play?", "tip-prepare-environment"),  # one occasion of it
        ("besides the massage, what should we prepare in the room?", "tip-prepare-environment"),
        ("other than just rubbing, which massage methods help back pain?", "techniques"),  # "just" keeps it in
    ],
)
def test_a_contrast_with_one_occasion_of_the_subject_is_only_set_aside(default: Matcher, question: str, expected: str) -> None:
    best = default.match(question)
    assert best is not None and best.entry.id == expected
    assert default.explain(question).beside_subject == ()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "question, expected",
    [
        ("not sure, what should we expect at the spa?", "faq-what-to-expect"),  # "not" as a hedge
        ("not all back pain is the same, so how do I pick a massage?", "choosing-deep-tissue-or-relaxation"),
        ("not gonna lie, what is a couples massage anyway?", "faq-what-is-couples-massage"),  # idioms
        ("not long ago my lower back got stiff, can couples massage ease it?", "faq-back-pain-relief"),
        ("not having tried one before, what happens during a couples massage?", "faq-what-to-expect"),
        ("not dating, still ok?", "faq-must-be-a-couple"),  # nothing else is asked: the contrast is the question
        ("not deep tissue", "technique-deep-tissue"),  # one clause
    ],
)
def test_not_as_a_hedge_an_idiom_or_the_whole_question_is_not_set_aside(default: Matcher, question: str, expected: str) -> None:
    why = default.explain(question)
    assert why is not None and why.candidate.entry.id == expected and why.set_aside == ()


def test_a_kb_of_a_few_entries_has_no_subject_to_swap(plants: Matcher) -> None:
    # In three entries, words in half of them ("houseplants", "much") are no subject: a cactus is a houseplant.
    best = plants.match("how often should I water my cactus")
    assert best is not None and best.entry.id == "watering"
