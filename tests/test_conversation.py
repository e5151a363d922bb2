"""The chat's turn logic, without a terminal: commands, numbered picks, follow-ups, small talk, safety."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot import Matcher, load_kb, reply_to
from bot.conversation import COMMANDS, Conversation, sections
from bot.render import plain
from bot.smalltalk import small_talk

from conftest import faqbot_env, write

TEA = """\
    title: Tea at home
    disclaimer: General information, not medical advice.
    safety:
      notice: Please see a doctor.
      signs:
        - name: a burn
          patterns: [burnt hand, scald]
    entries:
      - id: green-tea
        question: How do I brew green tea?
        answer: Use water at 80 degrees for two minutes.
        tips: [Warm the pot first.]
        related: [black-tea, storage]
        source: Brewing > Green tea
      - id: black-tea
        question: How do I brew black tea?
        answer: Use boiling water for four minutes.
        tips: [Warm the pot first.]
        related: [green-tea]
        source: Brewing > Black tea
      - id: storage
        question: How should I store tea leaves?
        answer: In an airtight tin, away from light.
        tips: [Keep the tin dry.]
        source: Storage
"""


@pytest.fixture
def tea(tmp_path: Path) -> Conversation:
    return Conversation(Matcher(load_kb(write(tmp_path / "tea.yaml", TEA))))


def said(chat: Conversation, line: str) -> str:
    return plain(chat.respond(line, 80).fragments)


def test_greeting_names_the_topic_help_and_not_medical_advice(tea: Conversation) -> None:
    greeting = plain(tea.greeting(200))
    assert greeting.count("\n") == 1  # one line, when the terminal is wide enough
    assert "Tea at home" in greeting and "/help" in greeting and "not medical advice" in greeting


def test_answer_then_more_then_pick_then_source(tea: Conversation) -> None:
    answer = said(tea, "how do I brew green tea?")
    assert "Use water at 80 degrees" in answer and "• Warm the pot first." in answer
    assert "Source: Brewing > Green tea" in answer and "/more" in answer

    more = said(tea, "/more")
    assert "1. How do I brew black tea?" in more and "2. How should I store tea leaves?" in more
    assert "Type 1 or 2" in more
    assert "In an airtight tin" in said(tea, "2")
    assert "Brewing" not in said(tea, "/source") and "Storage" in said(tea, "/source")
    assert said(tea, "tell me more") == said(tea, "/more")  # storage has no related entries
    assert "That's all I have" in said(tea, "what else")


@pytest.mark.parametrize("phrase", ["tell me more", "Tell me more!", "what else?", "more", "/more"])
def test_follow_up_phrases_show_the_related_entries(tea: Conversation, phrase: str) -> None:
    said(tea, "how do I brew black tea")
    assert "1. How do I brew green tea?" in said(tea, phrase)


def test_close_entries_ask_which_one_was_meant(tea: Conversation) -> None:
    # The two brewing entries are alike but for green and black, so neither fits better.
    question = said(tea, "how do I brew tea")
    assert "Which did you mean? 1. How do I brew green tea? 2. How do I brew black tea?" in " ".join(question.split())
    assert "Use boiling water" in said(tea, "2")


def test_the_order_of_two_tied_entries_is_the_same_in_every_process(tmp_path: Path) -> None:
    # Python orders sets by a hash seeded anew in each process; a score summed in that order
    # differed in its last bit, and so did which of two tied entries was offered first.
    kb = write(tmp_path / "tea.yaml", TEA)
    orders = set()
    for seed in range(6):
        env = {**faqbot_env(), "PYTHONHASHSEED": str(seed), "XDG_CACHE_HOME": str(tmp_path / f"cache{seed}")}
        done = subprocess.run(
            [sys.executable, "-m", "bot", "ask", "--kb", str(kb), "--json", "how do I brew tea"],
            capture_output=True, text=True, env=env, check=False,
        )
        orders.add(tuple(s["id"] for s in json.loads(done.stdout)["suggestions"]))
    assert orders == {("green-tea", "black-tea", "storage")}


def test_decline_offers_numbered_suggestions_to_pick(tmp_path: Path, default_matcher: Matcher) -> None:
    chat = Conversation(default_matcher)
    reply = said(chat, "how do I get a refund for my spa voucher?")
    assert reply.startswith("I'm not sure I have that.")
    assert "1. " in reply and "Type 1, 2 or 3 to pick one." in reply
    first = chat.offered[0]
    assert f"1. {first.question}" in reply
    assert first.answer.split()[0] in said(chat, "1")


@pytest.mark.parametrize(
    ("pick", "number"),
    [("the second one", 2), ("two", 2), ("second", 2), ("2nd", 2), ("number 2", 2), ("option 2 please", 2),
     ("the last one", 3), ("the last", 3)],
)
def test_a_pick_said_in_words(pick: str, number: int, default_matcher: Matcher) -> None:
    chat = Conversation(default_matcher)
    said(chat, "is pilates good for my back?")
    picked = chat.offered[number - 1]
    assert said(chat, pick).startswith(picked.question)


def test_none_of_them_is_not_taken_for_a_question(default_matcher: Matcher) -> None:
    chat = Conversation(default_matcher)
    said(chat, "is pilates good for my back?")
    reply = said(chat, "no")
    assert reply.startswith("No problem: try asking in other words") and chat.offered == ()
    assert "no list to pick from" in said(chat, "first")
    assert said(chat, "that didn't help").startswith("Sorry about that. Try asking in other words")


def test_a_decline_with_nothing_in_common_suggests_nothing(tea: Conversation) -> None:
    reply = said(tea, "what is pilates")
    assert "I'm not sure I have that." in reply and "/topics" in reply and "1." not in reply
    assert tea.offered == ()


def test_numbers_outside_a_list(tea: Conversation) -> None:
    assert "no list to pick from" in said(tea, "2")
    said(tea, "/topics")
    assert "from 1 to 3" in said(tea, "4")
    assert "80 degrees" in said(tea, "#1")


def test_topics_are_grouped_by_section_and_numbered_for_picking(tea: Conversation) -> None:
    topics = said(tea, "/topics")
    lines = topics.splitlines()
    assert lines.index("Brewing") < lines.index("  1. How do I brew green tea?") < lines.index("Storage")
    assert "  3. How should I store tea leaves?" in lines
    assert "In an airtight tin" in said(tea, "3")


def test_sections_follow_the_kb_order() -> None:
    kb = load_kb()
    grouped = sections(kb.entries)
    assert sum(len(entries) for _, entries in grouped) == len(kb)
    names = [name for name, _ in grouped]
    assert len(names) == len(set(names)) and "FAQ" in names and all(">" not in name for name in names)


def test_tips_lists_every_tip_once(tea: Conversation) -> None:
    tips = said(tea, "/tips")
    assert tips.count("Warm the pot first.") == 1 and "• Keep the tin dry." in tips


@pytest.mark.parametrize(
    ("line", "expected"),
    [("hi", "Hello!"), ("Hello there!", "Hello!"), ("thanks", "You're welcome"), ("Thank you so much!", "welcome"),
     ("who are you?", "faqbot"), ("help", "/topics"), ("?", "/quit"), ("ok", "Ask another question")],
)
def test_small_talk_is_answered_without_the_kb(tea: Conversation, line: str, expected: str) -> None:
    reply = said(tea, line)
    assert expected in reply and "not sure" not in reply and "Source:" not in reply


@pytest.mark.parametrize(
    ("line", "kind"),
    [("that's great, thanks", "thanks"), ("thank u", "thanks"), ("ok thank you", "thanks"), ("cheers mate", "thanks"),
     ("thank you so much for the help", "thanks"), ("hi faqbot", "greeting"), ("how are you?", "greeting"),
     ("can you help me?", "help"), ("goodbye and thanks", "goodbye"), ("ok bye", "goodbye"), ("see you later", "goodbye"),
     ("hello, who are you?", "who"), ("hi there can you help me", "help"), ("hey whats your name", "who"),
     ("hi, how long does it last?", None), ("thanks, and how long is it?", None), ("good", None),
     ("hello who is the therapist", None), ("ok", "noted"), ("got it", "noted"), ("ok thanks", "thanks"),
     # From a new user's review: praise was matched against the KB ("you've been really helpful"
     # got the back-pain answer).
     ("thanks a lot, you've been really helpful!", "thanks"), ("that's really helpful", "thanks"),
     ("ok cool", "noted"), ("is massage helpful for back pain?", None), ("great, what is swedish massage?", None),
     # "u there?" was matched against the KB and declined with its topics.
     ("u there?", "greeting"), ("hello? anyone there?", "greeting"), ("are you still there", "greeting"),
     ("is the therapist there the whole time?", None)],
)
def test_small_talk_in_more_words_but_never_a_question(line: str, kind: str | None) -> None:
    assert small_talk(line) == kind


@pytest.mark.parametrize("line", ["/quit", "quit", "exit", "/exit", "bye", "Goodbye!", "/quit now", "/EXIT please", "ok bye"])
def test_leaving(tea: Conversation, line: str) -> None:
    turn = tea.respond(line)
    assert turn.quit and "Goodbye" in plain(turn.fragments)


def test_help_lists_every_command(tea: Conversation) -> None:
    help_text = said(tea, "/help")
    for command in COMMANDS:
        assert command in help_text
    assert "Up and Down recall earlier questions" in help_text  # a chat in a terminal has keys to name


def test_unknown_command_suggests_the_closest(tea: Conversation) -> None:
    assert "Unknown command /tpoics. Did you mean /topics?" in said(tea, "/tpoics")


def test_safety_notice_comes_instead_of_the_answer_with_topics_to_pick(tea: Conversation) -> None:
    reply = said(tea, "I scalded myself brewing green tea")
    assert "You mentioned a burn. Please see a doctor." in reply
    assert reply.index("Please see a doctor") < reply.index("1. How do I brew green tea?")
    assert "80 degrees" not in reply and "Type 1" in reply
    assert "80 degrees" in said(tea, "1")  # the topic is still there when asked for
    later = said(tea, "how do I brew green tea")
    assert "Please see a doctor" not in later  # not the whole notice again, only a reminder
    assert " ".join(later.split()).startswith("Remember that you mentioned a burn: please check with a doctor before you act on any answer.")


def test_saying_a_doctor_has_seen_you_ends_the_reminders(default_matcher: Matcher) -> None:
    chat = Conversation(default_matcher)
    said(chat, "I can't feel my legs")
    assert said(chat, "how long is it").startswith("Remember that you mentioned numbness")
    assert said(chat, "My doctor checked me and said it's fine now") == (
        "Good to hear that a doctor has seen you. Ask me anything you like.\n"
    )
    assert said(chat, "how long is it").startswith("How long does a couples massage last?")


@pytest.mark.parametrize(
    "line",
    [
        "ok a doctor has seen me now, what massage is best for my back?",  # from a new user's review: it was declined
        "What massage is best for my back? I've seen a doctor.",
        "My doctor said it's fine. Which massage is best for my back?",
    ],
)
def test_a_question_asked_with_the_news_that_a_doctor_has_seen_you_is_answered(line: str, default_matcher: Matcher) -> None:
    chat = Conversation(default_matcher)
    said(chat, "my legs feel numb and my back hurts")
    reply = said(chat, line)
    assert reply.startswith("Good to hear that a doctor has seen you.\n\nWhich massage techniques help with back pain?")
    assert "Remember" not in reply and not chat.warned


@pytest.mark.parametrize(
    "line",
    ["a doctor has seen me", "my dr said it's fine", "I've been to the doctor, all good", "doctor said it's fine, no need to worry",
     "my doctor said massage is fine for me"],
)
def test_ways_of_saying_a_doctor_has_seen_you(line: str, default_matcher: Matcher) -> None:
    chat = Conversation(default_matcher)
    said(chat, "I can't feel my legs")
    assert said(chat, line).startswith("Good to hear") and not chat.warned


@pytest.mark.parametrize(
    "line",
    [
        "my doctor said it's not ok yet", "my doctor said it wasn't fine", "i haven't seen a doctor but my friend said it's fine",
        "I'm going to see a doctor tomorrow, my wife says it's fine", "my doctor said to stop, but my friend told me it's ok",
    ],
)
def test_lines_that_do_not_say_a_doctor_has_seen_you_keep_the_reminders(line: str, default_matcher: Matcher) -> None:
    chat = Conversation(default_matcher)
    said(chat, "I can't feel my legs")
    assert "Good to hear" not in said(chat, line)
    assert said(chat, "how long is it").startswith("Remember that you mentioned numbness")


@pytest.mark.parametrize("line", ["I saw a doctor years ago", "i saw a doctor last year", "my doctor checked me back in 2019"])
def test_a_doctor_visit_long_ago_keeps_the_reminders(line: str, default_matcher: Matcher) -> None:
    chat = Conversation(default_matcher)
    said(chat, "my legs are numb")
    assert said(chat, line).startswith("That visit may have been before what you described, so please have it checked")
    assert said(chat, "how long is it").startswith("Remember that you mentioned numbness")


def test_saying_the_bot_misread_you_ends_the_reminders(default_matcher: Matcher) -> None:
    chat = Conversation(default_matcher)
    said(chat, "my legs feel tired, not numb or anything like that")  # a denial too loose to trust: the notice
    assert said(chat, "how long is it").startswith("Remember that you mentioned numbness")
    assert said(chat, "No, I don't have that!").startswith("Sorry, I misread you: no more reminders.")
    assert said(chat, "how long is it").startswith("How long does a couples massage last?")
    assert said(Conversation(default_matcher), "i dont have that").startswith("OK.")  # nothing to take back
    numb, pregnant = Conversation(default_matcher), Conversation(default_matcher)
    said(numb, "my legs are numb")
    said(pregnant, "I'm pregnant, is a massage ok?")
    assert " ".join(said(numb, "you misread me").split()).endswith("If such a sign does come, please see a doctor.")
    assert said(pregnant, "you misread me").split() == "Sorry, I misread you: no more reminders.".split()  # read oddly after a caution


def test_denying_a_sign_in_your_own_words_ends_its_reminders(default_matcher: Matcher) -> None:
    """Found by a new user's review: after "I'm not pregnant" the answers still said "Remember that
    you mentioned pregnancy"; only the bot's own phrases ("I don't have that") stopped them."""
    chat = Conversation(default_matcher)
    said(chat, "I'm pregnant, is a massage ok?")
    said(chat, "my legs are numb")
    assert said(chat, "no, I'm not pregnant").startswith("Sorry, I misread you: no more reminders about that.")
    reminder = said(chat, "how long is it")
    assert reminder.startswith("Remember that you mentioned numbness") and "pregnan" not in reminder  # the other sign stays
    answer = said(chat, "my legs aren't numb, how long does a massage last?")  # denied with a question: answered as one
    assert "Remember" not in answer and "Please read this first" not in answer and "How long does a couples massage last?" in answer
    assert said(chat, "how long is it").startswith("How long does a couples massage last?")  # no reminders left


def test_a_decline_after_a_warning_sign_recalls_it_too(default_matcher: Matcher) -> None:
    chat = Conversation(default_matcher)
    said(chat, "I have a fever")
    for line in ("how much does it cost", "can we still do a gentle massage?"):  # a decline, then "A or B?"
        assert said(chat, line).startswith("Remember that you mentioned fever"), line


def test_more_before_any_answer_says_what_to_do(default_matcher: Matcher) -> None:
    chat = Conversation(default_matcher)
    assert " ".join(said(chat, "/more").split()).endswith("Ask a question first.")
    said(chat, "is pilates good for my back")  # a decline with topics to pick from
    assert " ".join(said(chat, "/more").split()).endswith("Pick a number above, or ask again.")


def test_a_new_sign_beside_the_doctor_gets_its_notice(default_matcher: Matcher) -> None:
    chat = Conversation(default_matcher)
    said(chat, "I can't feel my legs")
    assert said(chat, "my doctor said it's fine, but now I have a fever").startswith("Please read this first.\nYou mentioned fever.")
    assert chat.warned


def test_a_doctor_mentioned_without_a_warning_sign_is_a_question_as_usual(default_matcher: Matcher) -> None:
    assert "Good to hear" not in said(Conversation(default_matcher), "my doctor said it's fine")


def test_no_reminder_before_any_warning_sign(tea: Conversation) -> None:
    assert "Remember" not in said(tea, "how do I brew green tea")


def test_safety_notice_with_the_default_kb(default_matcher: Matcher) -> None:
    reply = said(Conversation(default_matcher), "my legs feel numb, can massage help my back?")
    assert reply.startswith("Please read this first.\nYou mentioned numbness or weakness in the legs.")
    assert "emergency services" in reply


def test_after_a_notice_only_topics_the_question_is_about_are_offered(default_matcher: Matcher) -> None:
    matcher = default_matcher
    unrelated = reply_to(matcher, "my legs have gone numb since yesterday")
    assert unrelated.warnings and unrelated.score and unrelated.score > 0 and unrelated.suggestions == ()
    related = reply_to(matcher, "I have a fever, can couples massage relieve back pain?")
    assert related.suggestions[0].entry.id == "faq-back-pain-relief"
    assert all(c.score >= matcher.threshold / 2 for c in related.suggestions)


def test_a_notice_with_no_topics_to_offer_ends_with_the_notice(default_matcher: Matcher) -> None:
    reply = said(Conversation(default_matcher), "i lost bladder control")
    assert reply.rstrip("\n").endswith("call emergency services now.") and not reply.endswith("\n\n")


def test_nothing_from_the_user_reaches_the_terminal_raw(tea: Conversation) -> None:
    reply = said(tea, "/\x1b]0;pwned\x07x\x1b[31m")
    assert "\x1b" not in reply and "\x07" not in reply


def test_the_turn_logic_does_not_import_prompt_toolkit(tmp_path: Path) -> None:
    code = (
        "import sys, bot.conversation, bot.render, bot.safety\n"
        "bot.conversation.Conversation(bot.Matcher(bot.load_kb())).respond('/topics')\n"
        "print('prompt_toolkit' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], text=True, capture_output=True, timeout=60, cwd=tmp_path,
                            env=faqbot_env())
    assert result.stdout == "False\n", result.stderr


def test_a_caution_comes_before_the_answer_and_is_recalled_later(default_matcher: Matcher) -> None:
    chat = Conversation(default_matcher)
    first = said(chat, "my wife is pregnant, can I massage her lower back?")
    assert first.startswith("Please read this first.\nYou mentioned pregnancy.")
    assert "Source:" in first and "Remember" not in first  # the answer, with no reminder under its own notice
    later = " ".join(said(chat, "what is swedish massage").split())
    assert later.startswith("Remember that you mentioned pregnancy: please check with a doctor")
