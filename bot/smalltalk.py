"""Small talk: greetings, thanks, "ok", goodbyes, "who are you?" and "help", and what to say back.

A message is small talk only when it is nothing else, once normalized: "hi, how long does it
last?" is a question. The chat and `reply_to` (so `faqbot ask` and programs) share these, so that
"thank you so much" is thanked, never matched against the KB ("too much pressure").
"""

from __future__ import annotations

from .model import KnowledgeBase
from .normalize import normalize

__all__ = ["GOODBYE", "HELP", "example_question", "small_talk", "small_talk_line"]

GREETING, THANKS, GOODBYE, WHO, HELP, NOTED = "greeting", "thanks", "goodbye", "who", "help", "noted"

_PHRASES = {
    GREETING: frozenset({"hi", "hello", "hey", "hiya", "howdy", "yo", "hi there", "hello there", "hey there",
                         "good morning", "good afternoon", "good evening", "greetings", "hallo", "hola",
                         "how are you", "how are you doing", "hows it going", "how is it going",
                         "are you there", "you there", "u there", "r u there", "anyone there", "anybody there",
                         "is anyone there", "is anybody there", "hello anyone there", "still there", "you still there",
                         "are you still there"}),
    THANKS: frozenset({"thanks", "thank you", "thx", "ty", "cheers", "thanks a lot", "thank you very much",
                       "thanks very much", "thank you so much", "thanks so much", "many thanks", "ok thanks",
                       "okay thanks", "great thanks", "perfect thanks", "thanks that helps", "that helps",
                       "that helped"}),
    NOTED: frozenset({"ok", "okay", "great", "perfect", "awesome", "cool", "nice", "got it", "i see", "alright",
                      "all right", "fair enough", "makes sense", "that makes sense", "good to know"}),
    GOODBYE: frozenset({"bye", "goodbye", "bye bye", "good bye", "see you", "see ya", "cya", "later",
                        "good night", "goodnight", "farewell", "thanks bye", "thank you bye", "see you later",
                        "see ya later", "talk later", "thats all", "thats all for now"}),
    WHO: frozenset({"who are you", "what are you", "are you a bot", "are you human", "are you a robot",
                    "are you real", "are you a person", "whats your name", "what is your name", "your name",
                    "who am i talking to", "who is this", "who made you", "are you ai", "are you an ai"}),
    HELP: frozenset({"help", "?", "commands", "help me", "can you help me", "can you help", "i need help",
                     "help please", "help pls"}),
}
# Beyond the phrases: a short message of these words alone, with at least one marker ("ok thank
# you", "that's great, thanks", "you've been really helpful", "ok cool", "hi faqbot"), goodbye
# first, then thanks, a greeting, and last a plain "ok".
_MARKERS = {
    GOODBYE: frozenset({"bye", "goodbye", "cya", "farewell"}),
    THANKS: frozenset({"thanks", "thank", "thx", "ty", "cheers", "appreciated", "appreciate", "helpful", "useful"}),
    GREETING: frozenset({"hi", "hello", "hey", "hiya", "howdy", "greetings", "hallo", "hola"}),
    NOTED: frozenset({"ok", "okay", "great", "perfect", "awesome", "cool", "nice", "lovely", "brilliant", "alright"}),
}
_POLITE = frozenset(
    """ok okay great perfect awesome cool nice lovely brilliant super so much very a lot bunch ton you u ya
    mate friend again and there faqbot bot all for that thats the really it this i much helpful good
    morning afternoon evening see later help youve youre been was are useful amazing excellent fantastic
    wonderful informative extremely""".split()
)
_MARKER_WORDS = frozenset().union(*_MARKERS.values())


def small_talk(text: str) -> str | None:
    """Which kind of small talk `text` is (GREETING, THANKS, NOTED, GOODBYE, WHO, HELP), or None for a question."""
    said = normalize(text) or text.strip()  # "?" normalizes to nothing
    kind = _phrase_kind(said)
    words = said.split()
    if kind is None and 0 < len(words) <= 8 and all(w in _POLITE or w in _MARKER_WORDS for w in words):
        kind = next((kind for kind, markers in _MARKERS.items() if markers & set(words)), None)
    if kind is None and len(words) > 1 and words[0] in _MARKERS[GREETING]:
        # "hello, who are you?": the greeting opens what the rest says, if the rest is small talk too.
        rest = words[2:] if words[1] == "there" else words[1:]
        kind = _phrase_kind(" ".join(rest))
    return kind


def _phrase_kind(said: str) -> str | None:
    return next((kind for kind, phrases in _PHRASES.items() if said in phrases), None)


def topic_of(kb: KnowledgeBase) -> str:
    # Quoted, because a title is capitalized as a title, not as part of a sentence.
    return f"“{kb.title}”" if kb.title else "the topics in my knowledge base"


def small_talk_line(kind: str, kb: KnowledgeBase, *, chat: bool = False) -> str:
    """What to say back; `chat` adds the chat's own commands ("/topics")."""
    topic = topic_of(kb)
    if kind == GREETING:
        return f"Hello! Ask me anything about {topic}" + (", or type /topics to see everything I know." if chat else ".")
    if kind == THANKS:
        return "You're welcome! Ask another question whenever you like."
    if kind == NOTED:
        return "Ask another question whenever you like."
    if kind == GOODBYE:
        return "Goodbye!"
    if kind == WHO:
        about = f" ({kb.description})" if kb.description else ""
        caveat = f" {kb.disclaimer}" if kb.disclaimer else ""
        return f"I'm faqbot: I answer questions about {topic}{about} from a fixed set of notes, and I don't learn from what you type.{caveat}"
    example = example_question(kb)
    return f"Ask me a question about {topic}" + (f", for example “{example}”." if example else ".")


def example_question(kb: KnowledgeBase) -> str | None:
    """A question to show how to ask: the KB's shortest, which reads most like what people type."""
    return min((entry.question for entry in kb.entries), key=len, default=None)
