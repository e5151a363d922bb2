"""Turn a section's heading into the question a reader would ask: "Swedish Massage" -> "What is Swedish massage?".

Part of drafting entries (bot/importer.py), kept on its own because it is English phrasing (word
lists and a few grammar rules), not the article's outline nor the KB's format.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from .article import _ARTICLES, _LINKING

__all__ = ["question_from_heading"]

_WH = frozenset("what why when where who which how".split())
_AUXILIARIES = frozenset("is are can could do does did should will would".split())
_BASE_FORMS = {"does": "do", "has": "have", "goes": "go"}
_IMPERATIVES = frozenset(
    """add adjust apply ask avoid book bring build buy change check choose clean communicate cook cool create
    decide dress eat find fix follow get give install keep learn listen look maintain make measure pick plan
    play practice practise prepare protect relax remember repair replace schedule select set start stay stop
    store stretch take talk treat try use warm wash wear""".split()
)
_LISTING = frozenset("tips ways ideas steps reasons examples signs things dos".split())
_WORD = re.compile(r"[^\W\d_][\w’'-]*|[.!?:;]")
_PUNCTUATION = "\"'’‘“”()[]{}.,:;!?"


class _Casing:
    """Which words the article capitalizes mid-sentence (names such as "Swedish"); others are lowercased."""

    def __init__(self, texts: Iterable[str]) -> None:
        upper: Counter[str] = Counter()
        lower: Counter[str] = Counter()
        for text in texts:
            starts_sentence = True
            for token in _WORD.findall(text):
                if token in ".!?:;":
                    starts_sentence = True
                    continue
                if not starts_sentence:
                    (upper if token[0].isupper() else lower)[token.casefold()] += 1
                starts_sentence = False
        self.names = {word for word in upper if upper[word] > lower[word]}

    def word(self, word: str) -> str:
        if word == "I" or any(c.isupper() for c in word[1:]):
            return word  # "I", and acronyms or names such as "FAQ" and "iPhone", as written
        if word.strip(_PUNCTUATION).casefold() in self.names:
            return word[:1].upper() + word[1:]
        return word.lower()

    def phrase(self, words: Sequence[str]) -> str:
        return " ".join(self.word(w) for w in words)


def question_from_heading(heading: str, names: Iterable[str] = ()) -> str:
    """A question for a section, made from its heading; `names` are texts that show which words are names.

    Examples
    --------
    >>> question_from_heading("Swedish Massage", ["Try Swedish massage."])
    'What is Swedish massage?'
    >>> question_from_heading("Prepare the environment")
    'How do I prepare the environment?'
    >>> question_from_heading("Benefits of Couples Massage")
    'What are the benefits of couples massage?'
    """
    return _question(heading, _Casing(names))


def _question(heading: str, casing: _Casing) -> str:
    if heading.endswith("?"):
        return heading
    words = heading.rstrip(" .:;!").split()
    first = words[0].casefold()
    if first in _WH:
        return _wh_question(words, casing)
    if first in _AUXILIARIES:
        return f"{words[0]} {casing.phrase(words[1:])}?".replace(" ?", "?")
    if first in _IMPERATIVES:
        return f"How do I {casing.phrase(words)}?"
    if verb := _verb_of_gerund(first):
        return f"How do I {' '.join([verb, casing.phrase(words[1:])]).rstrip()}?"
    if first.endswith("ing") and len(first) > 5 and len(words) > 1:
        # A gerund of a verb we do not know ("Truing a wheel", "Bleeding hydraulic brakes"), or a noun
        # ("Hamstring stretch"): "What are the bleeding hydraulic brakes?" reads them as adjectives.
        return f"What should I know about {casing.phrase(words)}?"
    if first in _LISTING:
        return f"What are some {casing.phrase(words)}?"
    plural = _plural_head(words)
    lead = "What are" if plural else "What is"
    if plural and first not in _ARTICLES:
        lead += " the"
    return f"{lead} {casing.phrase(words)}?"


def _wh_question(words: Sequence[str], casing: _Casing) -> str:
    """ "How to book" -> "How do I book?", "Why Massage Helps" -> "Why does massage help?"."""
    wh, rest = words[0].capitalize(), list(words[1:])
    if not rest:
        return f"{wh}?"
    if rest[0].casefold() == "to":
        return f"{'How do I' if wh == 'How' else f'{wh} should I'} {casing.phrase(rest[1:])}?"
    verb = next((i for i, word in enumerate(rest) if i and _third_person(word)), None)
    if verb is None:
        return f"{wh} {casing.phrase(rest)}?"
    tail = " ".join([_base_form(rest[verb]), casing.phrase(rest[verb + 1 :])]).rstrip()
    return f"{wh} does {casing.phrase(rest[:verb])} {tail}?"


def _verb_of_gerund(word: str) -> str | None:
    """ "choosing" -> "choose", "getting" -> "get"; None unless it is a verb we know ("hamstring" is not)."""
    if not word.endswith("ing"):
        return None
    stem = word[:-3]
    undoubled = stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else stem
    return next((verb for verb in (stem, f"{stem}e", undoubled) if verb in _IMPERATIVES), None)


def _third_person(word: str) -> bool:
    plain = word.strip(_PUNCTUATION).casefold()
    return len(plain) > 3 and plain.endswith("s") and not plain.endswith(("ss", "us", "is", "'s", "’s"))


def _base_form(verb: str) -> str:
    verb = verb.strip(_PUNCTUATION).casefold()
    if verb in _BASE_FORMS:
        return _BASE_FORMS[verb]
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    return verb[:-2] if verb.endswith(("ches", "shes", "sses", "xes", "zes")) else verb[:-1]


def _plural_head(words: Sequence[str]) -> bool:
    """Whether a heading names a plural thing: its last word before any "of", "for", ... ends in -s."""
    head = words[0]
    for word in words:
        if word.casefold() in _LINKING:
            break
        head = word
    head = head.strip(_PUNCTUATION).casefold()
    return len(head) > 3 and head.endswith("s") and not head.endswith(("ss", "us", "is"))
