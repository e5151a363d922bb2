"""The chat's turn-taking, apart from any terminal: one line in, what to say back out.

The prompt-toolkit chat and the plain pipe mode both drive a Conversation, so a command, a
numbered pick or a follow-up behaves the same in both. A line is tried, in this order, as: a
command, a number picking from the last list, a follow-up ("tell me more"), small talk, and
only then as a question for the KB, with the safety notice before whatever the KB answers.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .model import Entry, WarningSign
from .matcher import Matcher
from .normalize import normalize
from .render import (
    DECLINE,
    Fragments,
    ambiguous_fragments,
    decline_fragments,
    entry_fragments,
    flow,
    greeting_fragments,
    held_fragments,
    list_fragments,
    pick_hint,
    reminder_fragments,
    safety_fragments,
    source_fragments,
    tips_fragments,
    topics_fragments,
)
from .reply import holds_back, reply_to
from .smalltalk import GOODBYE, example_question, small_talk, small_talk_line
from .smalltalk import HELP as ASKS_FOR_HELP
from .unanswered import UnansweredLog

__all__ = ["COMMANDS", "Conversation", "QUIT_WORDS", "Turn", "sections"]

# Each command with the one line that /help and the completion menu show for it.
COMMANDS: Mapping[str, str] = {
    "/help": "what you can type",
    "/more": "related topics for the last answer",
    "/topics": "every topic, by section",
    "/tips": "every practical tip",
    "/source": "where the last answer came from",
    "/quit": "leave (also quit, exit, bye, Ctrl-D)",
}
QUIT_WORDS = frozenset({"/quit", "/exit", "quit", "exit", ":q"})
HELP = """\
Ask a question in your own words{example}.
When I list topics, type a number to pick one.{keys}
Commands:
"""
# Said only in a terminal: questions piped in have no keys to press.
_KEYS = """ Up and Down recall earlier questions;
Tab completes questions and commands; Ctrl-C clears the line."""

# Asking for more is recognised only when it is the whole line, after normalizing, as small talk
# is (bot/smalltalk.py). The values are normalized (lowercase, no punctuation).
_MORE = frozenset({"more", "tell me more", "tell me more please", "more please", "what else", "what else is there",
                   "anything else", "go on", "say more", "more info", "more information"})
_HELP = frozenset({"/help", "/?"})  # and "help", "?": small talk
_PICK = re.compile(r"#?(\d{1,3})\.?\Z")
_NUMBER_WORDS = {
    "first": 1, "one": 1, "second": 2, "two": 2, "third": 3, "three": 3, "fourth": 4, "four": 4, "fifth": 5, "five": 5,
}
# "the second one", "number 2", "2nd please", "the last one": a pick said in words, once normalized.
_PICK_WORDS = re.compile(
    r"(?:the |number |no |option |choice |topic )*(?P<n>\d{1,3}|\d{1,3}(?:st|nd|rd|th)|"
    + "|".join([*_NUMBER_WORDS, "last"])
    + r")(?: one| please| pls)*\Z"
)
_NONE_OF_THEM = frozenset({"no", "nope", "nah", "neither", "none", "none of them", "neither of them", "no thanks",
                           "not those", "none of those", "none of these", "neither of these", "neither one",
                           "not really", "no none of them", "no neither"})
# After a warning sign, "my doctor checked me and said it's fine" ends the reminders (normalized text).
# Said in so many words, not pieced together: "my friend said it's fine" and "I'm going to see a
# doctor" must not end the reminders.
_DOCTOR = r"(doctor|doc|dr|gp|physician)"
_DOCTOR_CLEARED = re.compile(
    rf"\b((my|the|a|our) )?{_DOCTOR} (said|says|told me|told us) (that )?(its|im|i am|were|we are|(\w+ ){{1,2}}(is|are)) "
    r"(fine|ok|okay|safe|all good|all clear)\b"
    rf"|\b(my|the|a|our) {_DOCTOR} (has )?(checked|examined|cleared|seen|saw) (me|us)\b"
    rf"|\b(ive|i have|weve|we have|i|we) (seen|saw|been to|visited) (a|my|our|the) {_DOCTOR}\b"
    rf"|\b{_DOCTOR} gave (me|us) the (all clear|go ahead|ok)\b|\ball clear from (my|the|a) {_DOCTOR}\b"
)
_NEGATION = re.compile(r"\b(not|never|isnt|arent|wasnt|werent|hasnt|havent|dont|doesnt|didnt|cant|shouldnt|wont|yet|stop)\b")
_CLAUSE = re.compile(r"(?<=[,.;:!?])\s+")


def _without_clearance(text: str) -> str:
    """`text` less its clauses that say a doctor has seen the user, as _DOCTOR_CLEARED finds them."""
    return " ".join(part for part in _CLAUSE.split(text) if not _DOCTOR_CLEARED.search(normalize(part))).strip(" ,;:")


# A visit dated well before the chat ("years ago", "last year") may predate what the user described.
_LONG_AGO = re.compile(
    r"\b(ago|last (year|month|summer|winter|spring|autumn|fall)|as a (kid|child|teen|teenager)|when i was|back in|in \d{4})\b"
)
# After a notice, the user may say it misread them: the reminders stop, as they asked.
_NOT_MY_SIGN = frozenset({"i dont have that", "i dont have any of that", "i dont have any of those", "i dont have those",
                          "i dont have it", "no i dont", "no i dont have that", "i didnt say that", "thats not what i said",
                          "i never said that", "you misread me", "you misunderstood", "you misunderstood me",
                          "false alarm", "thats a false alarm", "i said not", "i said i dont", "i said they arent"})
_NOT_HELPFUL = frozenset({"that didnt help", "that did not help", "didnt help", "not helpful", "that wasnt helpful",
                          "wrong answer", "thats wrong", "thats not what i asked", "not what i asked",
                          "thats not it", "not what i meant", "thats not what i meant"})


@dataclass(frozen=True, slots=True)
class Turn:
    """What the bot says in reply to one line, and whether the chat ends after it."""

    fragments: Fragments
    quit: bool = False


def sections(entries: tuple[Entry, ...]) -> list[tuple[str, list[Entry]]]:
    """Entries grouped by the first part of their source ("A > B" is in section "A"), in KB order.

    Examples
    --------
    >>> from bot import load_kb
    >>> [name for name, _ in sections(load_kb().entries)][-1]
    'FAQ'
    """
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.source.split(">")[0].strip(), []).append(entry)
    return list(groups.items())


class Conversation:
    """Remembers the last answer (for /more and /source) and the last numbered list (for picks).

    Examples
    --------
    >>> from bot import Matcher, load_kb
    >>> from bot.render import plain
    >>> chat = Conversation(Matcher(load_kb()))
    >>> "Source: FAQ" in plain(chat.respond("how long does a couples massage last?").fragments)
    True
    >>> chat.last.id
    'faq-how-long'
    """

    def __init__(self, matcher: Matcher, *, log: UnansweredLog | None = None, keys: bool = True) -> None:
        self.matcher = matcher
        self.keys = keys  # whether the chat runs in a terminal, whose keys /help describes
        self.log = log
        self.kb = matcher.kb
        self.last: Entry | None = None
        self.offered: tuple[Entry, ...] = ()
        # The warning signs mentioned so far, recalled before each answer until a doctor has seen them.
        self.warned: tuple[WarningSign, ...] = ()
        self._commands: dict[str, Callable[[int], Turn]] = {
            "/help": self._help,
            "/more": self._more,
            "/topics": self._topics,
            "/tips": lambda width: Turn(tips_fragments(self.kb, width)),
            "/source": self._source,
        }

    def greeting(self, width: int = 80) -> Fragments:
        """What the KB is about, how to get help, and that this is general information, not medical advice."""
        return greeting_fragments(self.kb.title or self.kb.description, self.kb.disclaimer, width)

    def respond(self, line: str, width: int = 80) -> Turn:
        """What to say to `line`: a command's output, a picked entry, small talk, or the KB's reply."""
        text = line.strip()
        said = normalize(text)
        if not text:
            return Turn([])
        first = text.split()[0].lower()
        chat = small_talk(text)
        if text.lower() in QUIT_WORDS or said in QUIT_WORDS or chat == GOODBYE or (first.startswith("/") and first in QUIT_WORDS):
            return Turn([("class:info", "Goodbye!\n")], quit=True)
        if text.lower() in _HELP or chat == ASKS_FOR_HELP:
            return self._help(width)
        if text.startswith("/"):
            return self._command(text, width)
        if pick := _PICK.match(text):
            return self._pick(int(pick.group(1)), width)
        if pick := _PICK_WORDS.match(said):
            number = pick.group("n")
            if number == "last":
                return self._pick(len(self.offered) or 1, width)
            return self._pick(_NUMBER_WORDS.get(number) or int(number.rstrip("stndrh")), width)
        if said in _NONE_OF_THEM:
            self.offered = ()
            return self._say("No problem: try asking in other words, or type /topics to see everything I know about.", width)
        if said in _NOT_HELPFUL:
            self.offered = ()
            return self._say("Sorry about that. Try asking in other words, or type /topics to see everything I know about.", width)
        if said in _MORE:
            return self._more(width)
        if said in _NOT_MY_SIGN:
            if not self.warned:
                return self._say("OK. Ask me anything, or type /topics to see everything I know about.", width)
            # "If such a sign does come" fits a warning sign, not a caution such as pregnancy.
            later = " If such a sign does come, please see a doctor." if holds_back(self.warned) else ""
            self.warned = ()
            return self._say(f"Sorry, I misread you: no more reminders.{later}", width)
        if self.warned and (denied := set(self.matcher.safety_check().denied_in(text)) & set(self.warned)):
            # "I'm not pregnant": the user corrects what the bot took from them.
            self.warned = tuple(sign for sign in self.warned if sign not in denied)
            if "?" not in text:
                return self._say("Sorry, I misread you: no more reminders about that. Ask me anything you like.", width)
        if self.warned and _DOCTOR_CLEARED.search(said) and not _NEGATION.search(said):
            if self.matcher.safety_check().signs_in(text):
                return self._ask(text, width)  # a new sign in the same breath: its notice, reminders kept
            if _LONG_AGO.search(said):
                return self._say(
                    "That visit may have been before what you described, so please have it checked now. "
                    "I'll keep reminding you until a doctor has seen you about it.",
                    width,
                )
            self.warned = ()
            question = _without_clearance(text)
            if "?" not in text or not question:
                return self._say("Good to hear that a doctor has seen you. Ask me anything you like.", width)
            # "A doctor has seen me, what massage is best for my back?": the doctor's words would pull
            # the question towards the precautions, so it is asked without them.
            good_to_hear = self._say("Good to hear that a doctor has seen you.", width).fragments
            return Turn(good_to_hear + [("", "\n")] + self._ask(question, width).fragments)
        if chat is not None:
            return self._say(small_talk_line(chat, self.kb, chat=True), width)
        return self._ask(text, width)

    def _ask(self, text: str, width: int) -> Turn:
        out: Fragments = []
        reply = reply_to(self.matcher, text)
        if reply.notice:
            out += safety_fragments(reply.warnings, reply.notice, width) + [("", "\n")]
            self.warned = tuple(dict.fromkeys((*self.warned, *reply.warnings)))
        if reply.entry is not None:  # after a caution's notice (pregnancy), which needs no reminder below it
            return Turn(out + self._answer(reply.entry, width, remind=not reply.notice).fragments)
        if self.warned and not reply.notice:  # a decline or "A or B?" recalls the sign as an answer does
            out += reminder_fragments(self.warned, width)
        if self.log is not None:
            self.log.record(reply)
        if reply.ambiguous:
            first, second = (c.entry for c in reply.suggestions[:2])
            self.offered = (first, second)
            return Turn(out + ambiguous_fragments(first, second, width) + pick_hint(2))
        suggestions = reply.suggestions
        self.offered = tuple(c.entry for c in suggestions)
        if reply.held:
            held = held_fragments(suggestions, width, reply.warnings)
            return Turn(out + held + pick_hint(len(suggestions)) if held else out[:-1])  # [:-1]: no gap before nothing
        if not suggestions:
            return Turn(out + flow([("class:decline", DECLINE), ("class:info", "Type /topics to see everything I know about.")], width))
        return Turn(out + decline_fragments(suggestions, width, reply.unexplained, vague=reply.vague) + pick_hint(len(suggestions)))

    def _answer(self, entry: Entry, width: int, *, remind: bool = True) -> Turn:
        """The entry in full; after a warning sign earlier in the chat, with a line that recalls it."""
        self.last, self.offered = entry, ()
        out = (reminder_fragments(self.warned, width) if self.warned and remind else []) + entry_fragments(entry, width)
        if entry.related:
            count = len(entry.related)
            out.append(("class:hint", f"Type /more for {count} related topic{'s' if count != 1 else ''}.\n"))
        return Turn(out)

    def _pick(self, number: int, width: int) -> Turn:
        if not self.offered:
            return self._say("There's no list to pick from right now: ask a question, or type /topics for a numbered list.", width)
        if not 1 <= number <= len(self.offered):
            return self._say(f"Please pick a number from 1 to {len(self.offered)}.", width)
        return self._answer(self.offered[number - 1], width)

    def _command(self, text: str, width: int) -> Turn:
        name = text.split()[0].lower()
        if name in self._commands:
            return self._commands[name](width)
        close = difflib.get_close_matches(name, COMMANDS, n=1)
        hint = f" Did you mean {close[0]}?" if close else ""
        return self._say(f"Unknown command {name}.{hint} Type /help for the commands.", width)

    def _help(self, width: int) -> Turn:
        pad = max(map(len, COMMANDS)) + 2
        lines = "".join(f"  {name:<{pad}}{about}\n" for name, about in COMMANDS.items())
        example = example_question(self.kb)
        said = HELP.format(example=f', for example "{example}"' if example else "", keys=_KEYS if self.keys else "")
        return Turn([("class:info", said + lines)])

    def _more(self, width: int) -> Turn:
        if self.last is None:
            then = "Pick a number above, or ask again." if self.offered else "Ask a question first."
            return self._say(f"/more follows an answer: it shows the topics related to it. {then}", width)
        related = tuple(entry for entry in map(self.kb.get, self.last.related) if entry is not None)
        if not related:
            return self._say("That's all I have on that. Type /topics to see everything I know about.", width)
        self.offered = related
        return Turn(
            flow([("class:info", "Related to"), ("class:question", f"“{self.last.question}”:")], width)
            + list_fragments(related, width, numbered=True)
            + pick_hint(len(related))
        )

    def _topics(self, width: int) -> Turn:
        grouped = sections(self.kb.entries)
        self.offered = tuple(entry for _, entries in grouped for entry in entries)
        return Turn(topics_fragments(grouped, width) + pick_hint(len(self.offered)))

    def _source(self, width: int) -> Turn:
        if self.last is None:
            return self._say("Ask a question first; then /source shows where the answer came from.", width)
        return Turn(source_fragments(self.last, width))

    @staticmethod
    def _say(text: str, width: int) -> Turn:
        return Turn(flow([("class:info", text)], width))
