"""Spot the warning signs a KB's `safety:` section names, so that the notice can come before any answer.

A pattern matches when every one of its words appears in one sentence of the question (or in a
sentence and the one before, when it opens by pointing back: "My leg is acting up. It feels numb."),
in any order and in any form that shares its stem: the pattern "numb legs" matches "my legs feel
numb" and "numbness in my leg". A word typed with a letter doubled, missing, extra or swapped
("nummb", "feaver", "bladdder", "leggs"), or with a vowel wrong past its first letters ("fevar",
"cancar"), counts as the pattern word it misspells, compared both as typed and as a stem. A plain
denial does not count ("my legs aren't numb or weak", "no fever, can I still get a massage?"): one
negation, the denied words ending their clause, and nothing after them but a question about
something else. Anything more keeps the sign ("I didn't have a fever until yesterday", "it's not a
clot, is it?", "My feet aren't numb. My legs are."), as does a pattern that holds the negation
("can't feel leg"). A reply to the bot may open with "no" and end with "you misread me" and still
deny ("no, I'm not pregnant, you misread me"). A pattern may name a group of words ("<role> no
massage": any one of the group's words will do), and a sign may keep its patterns to one clause
(`within: clause`), for advice whose words must belong together. A pattern in double quotes
('"is expecting"') matches only its words as written, side by side and in order: where a word's
other forms mean something else ("what should we expect"). Patterns are data
(knowledge/safety.yaml), never code; a missed sign is worse than an extra notice, so a KB should
list many plain ways of saying each sign.
"""

from __future__ import annotations

import re

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from rapidfuzz.distance import DamerauLevenshtein

from .model import Safety, WarningSign
from .normalize import STOPWORDS, normalize, singular, stem

__all__ = ["SafetyCheck", "compile_patterns", "warning_signs"]


_SENTENCE_END = re.compile(r"[.!?;]+(?:\s|$)")
_TITLE = re.compile(r"\b(dr|mr|mrs|ms|prof)\.", re.IGNORECASE)  # "Dr. Patel said no massage" is one sentence
_VOWELS = frozenset("aeiouy")
_ELLIPSIS = re.compile(r"\.{2,}|\u2026")
_RATING = re.compile(r"\b(\d+)\s*/\s*(\d+)\b")  # "10/10", read as "10 out of 10"
# A plain denial is not a sign: "my legs aren't numb or weak", "no fever, can we still go?". Only
# that plain: two reviews found real signs in near-denials ("I didn't have a fever until
# yesterday", "I can hardly stand without feeling dizzy", "it's not a clot, is it?", "My feet
# aren't numb. My legs are."), and a missed sign is worse than an extra notice.
_DENIALS = frozenset("not no isnt arent dont doesnt havent hasnt".split())
_NEGATIONS = _DENIALS | frozenset(
    "never nor neither none nothing without wasnt werent didnt hadnt cant cannot wont wouldnt couldnt shouldnt "
    "aint hardly barely unable impossible rarely cnt carnt cudnt coudnt dnt".split()
)  # more than one in a sentence and it denies nothing: "I can't stand up without feeling dizzy"
# Before the negation, these make it a hope, a guess or someone else's word: "hopefully it's not
# cancer", "my doctor said it's not a clot".
_HEDGES = frozenset(
    "hope hoping hopefully pray praying tell afraid scared worried fear sure surely think thought probably "
    "maybe perhaps likely said says told reckons".split()
)
_NEGATION_FILLER = frozenset("really very any a an getting feeling feel have having got been being".split())
# Where a denied sign is: "no numbness in my legs", "no numb legs". Not a time ("not dizzy in the
# morning" says it comes later in the day).
_BODY = frozenset("leg legs foot feet toe toes back arm arms hand hands body bum butt buttocks groin thigh thighs "
                  "calf calves knee knees hip hips".split())
_TRAILING_FILLER = frozenset("btw lol tbh though tho anyway haha".split())
# A reply to the bot may open with "no" ("no, my legs aren't numb") and end by saying it misread:
# neither is a second negation nor a question about the sign.
_INTERJECTIONS = frozenset("no nope nah".split())
_CORRECTIONS = (
    ["you", "misread", "me"], ["you", "misread"], ["you", "misunderstood"], ["you", "misunderstood", "me"],
    ["you", "got", "it", "wrong"], ["you", "got", "that", "wrong"], ["you", "got", "me", "wrong"],
)
_DETERMINERS = frozenset("my his her their your our the both".split())
_ASKING = frozenset("can could is are would will should do does what whats how which where any".split())
# A question with one of these asks about the sign itself: "I haven't been dizzy, is that normal?"
_POINTING = frozenset("it this that these those now why happening normal cause causing".split())
# "Just curious how long it lasts": after these, a question of its own, in which "it" is what is wondered about.
_CURIOUS = frozenset("curious wondering asking".split())
_WONDERS = _ASKING | {"about", "if", "whether"}
# After a denial, "just" or "only" and these words alone keep it a denial: "my legs aren't numb, just
# stiff". Not "only in the legs" or "only when I stand up": those place the sign, not deny it.
_EVERYDAY = frozenset(
    "stiff sore tight tense achy aching ache aches tired stiffness soreness tightness a bit little the my lower upper "
    "back neck shoulder shoulders muscles that is are".split()
)
# A sentence opening with one of these goes on about the one before: "My leg is acting up. It feels numb."
_BACK_REFERENCES = frozenset(
    {"it", "its", "they", "theyre", "them", "that", "thats", "this", "these", "those", "both", "he", "hes", "she", "shes"}
)
# A sign matched `within: clause` (a doctor's "no massage": "my doctor recommended massage, not
# surgery" is no sign) needs a pattern in one clause, which ends at a comma or at one of these.
_CLAUSE_TURNS = frozenset("but so though although however whereas except".split())
_SIDE_BY_SIDE = "+"  # joins two words said next to each other, for patterns in quotes


def _stems(text: str) -> frozenset[str]:
    return frozenset(stem(word) for word in normalize(text).split())


def _undenied(clauses: list[list[str]], *, asked: bool = False) -> list[str]:
    """A sentence's words (by clause, as split at commas) less a sign the sentence plainly denies.

    The one negation of the sentence ("not", "no", "aren't"...), past filler such as "feeling" or
    "any", denies the next word and words joined to it by "or", when they end their clause (or "at
    all" or a part of the body does), nothing hoped or feared comes before it ("I hope it's not a
    clot"), and the next clause, if any, asks a question of its own ("..., can we still massage?",
    not "is it?"). A sentence that is `asked` (it ends in "?") denies nothing in its last clause:
    "it's not a clot?"

    Examples
    --------
    >>> _undenied([c.split() for c in ("my legs arent numb or weak", "can we massage my back")])
    ['my', 'legs', 'arent', 'or', 'can', 'we', 'massage', 'my', 'back']
    >>> _undenied([c.split() for c in ("my feet arent numb", "my legs are")])  # the rest may hold the sign
    ['my', 'feet', 'arent', 'numb', 'my', 'legs', 'are']
    >>> _undenied([["i", "didnt", "have", "a", "fever", "until", "yesterday"]])  # it has one now
    ['i', 'didnt', 'have', 'a', 'fever', 'until', 'yesterday']
    >>> _undenied([c.split() for c in ("no", "im not pregnant", "you misread me")])  # a correction
    ['im', 'not', 'you', 'misread', 'me']
    """
    if clauses and clauses[0][0] in _INTERJECTIONS:  # "no, ..." or "no I'm not ...", but "no fever" denies
        if len(clauses[0]) == 1 and len(clauses) > 1:
            clauses = clauses[1:]
        elif not _NEGATIONS.isdisjoint(clauses[0][1:]):
            clauses = [clauses[0][1:], *clauses[1:]]
    words = [word for clause in clauses for word in clause]
    negations = [(c, n) for c, clause in enumerate(clauses) for n, word in enumerate(clause) if word in _NEGATIONS]
    if len(negations) != 1:
        return words
    (c, n), clause = negations[0], clauses[negations[0][0]]
    before = [word for part in clauses[:c] for word in part] + clause[:n]
    if clause[n] not in _DENIALS or not _HEDGES.isdisjoint(before) or (asked and c == len(clauses) - 1):
        return words
    i = n + 1
    while i < len(clause) and clause[i] in _NEGATION_FILLER:
        i += 1
    if i == len(clause):
        return words
    denied = [i]
    while denied[-1] + 2 < len(clause) and clause[denied[-1] + 1] == "or":
        denied.append(denied[-1] + 2)
    if not _ends_a_denial(clause[denied[-1] + 1 :]) or not all(map(_asks_on_its_own, clauses[c + 1 :])):
        return words
    return [word for k, part in enumerate(clauses) for m, word in enumerate(part) if k != c or m not in denied]


def _ends_a_denial(rest: list[str]) -> bool:
    """Whether the words after a denied sign leave it denied: nothing, "at all", or where it is
    (chat filler at the end aside: "I'm not pregnant btw")."""
    while rest and rest[-1] in _TRAILING_FILLER:
        rest = rest[:-1]
    if rest and rest[0] in ("in", "on"):
        rest = rest[2:] if len(rest) > 2 and rest[1] in _DETERMINERS else rest[1:]
        return len(rest) == 1 and rest[0] in _BODY
    return rest in ([], ["at", "all"]) or (len(rest) == 1 and rest[0] in _BODY)


def _asks_on_its_own(words: list[str]) -> bool:
    """Whether words after a denial ask something else ("can we still get a massage?"), not about
    the sign ("is that normal?", "why now?") and not for reassurance ("is it?"), or say the trouble
    is only an everyday ache ("just stiff", "it's just the lower back that aches"). After "just
    curious" or "just wondering", "it" is what they wonder about, not the sign: "I'm not pregnant,
    just curious how long it lasts"."""
    if words in _CORRECTIONS:
        return True
    if words[:1] == ["just"] and words[1:2] and words[1] in _CURIOUS:
        rest = words[2:]
        return len(rest) > 2 and rest[0] in _WONDERS and _POINTING.isdisjoint(set(rest) - {"it"})
    if words[:1] in (["just"], ["only"]) or words[:2] in (["its", "just"], ["its", "only"]):
        rest = words[1:] if words[0] in ("just", "only") else words[2:]
        return bool(rest) and _EVERYDAY.issuperset(rest)
    return len(words) > 3 and words[0] in _ASKING and _POINTING.isdisjoint(words)


def _misspells(word: str, target: str) -> bool:
    """Whether `word` is `target` with a letter doubled, missing, extra or swapped, or changed late.

    Short targets only by a doubled letter ("nummb"). A changed letter counts only past the start
    that pins the word down (the first three letters of a 5-letter word, four of a longer one),
    and below 8 letters only a vowel for a vowel ("fevar", "cancar", "paralized"): earlier or
    other changes make other words ("paint" is not "pain", "block" is not "black", "sodden" is not
    "sudden", "infact" is not "infect"), and a false alarm would scare for nothing.
    """
    if word[0] != target[0] or abs(len(word) - len(target)) > 1:
        return False
    if DamerauLevenshtein.distance(word, target, score_cutoff=1) > 1:
        return False
    if len(word) == len(target):
        if len(target) < 5:
            return False
        if sorted(word) == sorted(target):
            return True
        changed = next(i for i, (a, b) in enumerate(zip(word, target)) if a != b)
        if changed < min(len(target) - 2, 4):
            return False
        return len(target) >= 8 or {word[changed], target[changed]} <= _VOWELS
    if len(target) >= 5:
        return True
    return len(word) == len(target) + 1 and any(
        word[i] == word[i - 1] and word[:i] + word[i + 1 :] == target for i in range(1, len(word))
    )


class SafetyCheck:
    """The warning signs of one KB, with each pattern turned into its set of stems once.

    `patterns` (from `compile_patterns`) and `stem_word` let a Matcher restored from the index
    cache check questions with stems it already knows, so that most questions need no stemmer:
    importing it would cost `faqbot ask` more start-up time than all of faqbot.

    Examples
    --------
    >>> from bot import load_kb
    >>> check = SafetyCheck(load_kb().safety)
    >>> [sign.name for sign in check.signs_in("my legs feel numb after lifting")]
    ['numbness or weakness in the legs']
    >>> check.signs_in("how long does a couples massage last?")
    ()
    """

    def __init__(
        self,
        safety: Safety | None,
        *,
        patterns: tuple[tuple[str, ...], ...] | None = None,
        spelt: Mapping[str, tuple[str, ...]] | None = None,
        stem_word: Callable[[str], str] = stem,
    ) -> None:
        self.safety = safety
        self._stem_word = stem_word
        signs = safety.signs if safety else ()
        spelt = spell_patterns(safety) if spelt is None else spelt
        compiled = compile_patterns(safety) if patterns is None else patterns
        # Each sign with its patterns as the stems they need and the sets of alternatives ("gp|doctor")
        # one of which they need, beside the patterns as the KB wrote them and whether they hold a
        # negation (read from the written words: no stemmer needed).
        self._rules: tuple[tuple[WarningSign, tuple[_Rule, ...]], ...] = tuple(
            (
                sign,
                tuple(
                    _Rule(
                        frozenset(slot for slot in p.split() if "|" not in slot),
                        tuple(frozenset(slot.split("|")) for slot in p.split() if "|" in slot),
                        written,
                        not _NEGATIONS.isdisjoint(spelt[written]),
                        sign.within == "clause",
                    )
                    for p, written in zip(sign_patterns, sign.patterns)
                    if p
                ),
            )
            for sign, sign_patterns in zip(signs, compiled)
        )
        # Padded with spaces, so that a phrase is only taken out as whole words.
        self._ignored = tuple(
            (f" {matched} ", f" {left} ") for matched, left in map(ignored_phrase, safety.ignore if safety else ()) if matched
        )
        self._by_clause = any(sign.within == "clause" for sign in signs)
        self._vocabulary = frozenset(
            word for _, rules in self._rules for rule in rules for word in rule.needed.union(*rule.choices)
        )
        self._quoted = any(_SIDE_BY_SIDE in word for word in self._vocabulary)
        # Pattern words by first letter, as stems and as spelt: a typo may hide a stem ("numness" is
        # "numbness", whose stem is "numb") and a stem may hide a typo ("fevar" stems to "fevar").
        spellings = {word for words in spelt.values() for word in words}
        self._spellings = frozenset(spellings)
        self._typos = True
        self._misspellable: dict[str, tuple[str, ...]] = {}
        for word in sorted(self._vocabulary | spellings):
            if len(word) >= (6 if word in STOPWORDS else 4) and _SIDE_BY_SIDE not in word:
                self._misspellable[word[0]] = (*self._misspellable.get(word[0], ()), word)

    @property
    def notice(self) -> str | None:
        return self.safety.notice if self.safety else None

    def signs_in(self, text: str) -> tuple[WarningSign, ...]:
        """The signs `text` mentions, in the KB's order; () when none (or the KB has no safety section)."""
        return tuple(sign for sign, _ in self.matches(text))

    def denied_in(self, text: str) -> tuple[WarningSign, ...]:
        """The signs `text` names only to deny them ("I'm not pregnant"), in the KB's order."""
        found = set(self.signs_in(text))
        return tuple(sign for sign, _ in self.matches(text, denials=False) if sign not in found)

    def matches(self, text: str, *, denials: bool = True) -> tuple[tuple[WarningSign, str], ...]:
        """Each sign `text` mentions with the first of its patterns (as the KB wrote it) that matched
        (unless `denials` is false, one the text denies counts too)."""
        if not self._rules:
            return ()
        # An ellipsis trails off ("my legs... they feel numb"); it does not end the sentence.
        # Each sentence's words twice: all of them, for patterns that hold a negation, and less
        # those a negation denies, for the others; and, for signs matched within a clause, each
        # clause's words.
        every: list[set[str]] = []
        by_clause: list[set[str]] = []
        undenied: list[set[str]] = []
        text = _ELLIPSIS.sub(" ", _TITLE.sub(r"\1", text))
        ends = [*_SENTENCE_END.findall(text), ""]
        by_sentence = [self._clauses(sentence) for sentence in _SENTENCE_END.split(text)]
        spoken = [[word for clause in clauses for word in clause] for clauses in by_sentence]
        for number, (clauses, spelt) in enumerate(zip(by_sentence, spoken)):
            # A word's stems do not depend on its neighbours: a sentence's are its clauses' together.
            split = _turns(clauses) if self._by_clause else []
            parts = [self._words(part) for part in split] if len(split) > 1 else [self._words(spelt)]
            words = set().union(*parts)
            # Denied only in a statement after which the message asks something else, if anything:
            # "My feet aren't numb. My legs are." and "It's not cancer. Or is it?" keep their signs.
            plain_denial = all(_asks_on_its_own(later) for later in spoken[number + 1 :] if later)
            kept = _undenied(clauses, asked="?" in ends[number]) if plain_denial else spelt
            plain = words if len(kept) == len(spelt) else self._words(kept)
            if every and spelt and spelt[0] in _BACK_REFERENCES:
                words, plain, parts[0] = words | every[-1], plain | undenied[-1], parts[0] | every[-1]
            every.append(words)
            undenied.append(plain)
            by_clause.extend(parts)
        found = []
        for sign, rules in self._rules:
            written = next(
                (
                    rule.written
                    for rule in rules
                    if any(map(rule.holds, by_clause if rule.in_clause else every if rule.negated or not denials else undenied))
                ),
                None,
            )
            if written is not None:
                found.append((sign, written))
        return tuple(found)

    def _clauses(self, sentence: str) -> list[list[str]]:
        """The sentence's words as normalized, by clause, with the phrases the KB ignores taken out."""
        clauses = []
        for clause in sentence.split(","):
            text = " " + normalize(_RATING.sub(r"\1 out of \2", clause)) + " "
            for phrase, left in self._ignored:
                while phrase in text:
                    text = text.replace(phrase, left)
            if text.split():
                clauses.append(text.split())
        return clauses

    def _words(self, spelt: list[str]) -> set[str]:
        """The stems of `spelt`, and of the pattern words its typos stand for."""
        stems = [self._stem_word(word) for word in spelt]
        words = set(stems)
        if self._quoted:
            words |= {_side_by_side(first, second) for first, second in zip(spelt, spelt[1:])}
        if not self._typos:
            return words
        unknown = {w for w, s in zip(spelt, stems) if s not in self._vocabulary} | (set(stems) - self._vocabulary)
        # A letter typed twice in a short word ("leggs", "numbb"), found among the patterns' own
        # spellings, so that "feel" or "good" costs no stemming.
        held_keys = {
            self._stem_word(spelling)
            for word in unknown
            for i in range(1, len(word))
            if word[i] == word[i - 1]
            for spelling in {word[:i] + word[i + 1 :], singular(word[:i] + word[i + 1 :])} & self._spellings
        }
        return words | held_keys | {
            self._stem_word(target)
            for word in unknown
            if len(word) >= 5
            for target in self._misspellable.get(word[0], ())
            if _misspells(word, target)
        }


_CONTEXT = re.compile(r"\(([^()]*)\)")


def ignored_phrase(phrase: str) -> tuple[str, str]:
    """An ignore phrase as (the words it matches, the words it leaves), both normalized.

    Words in parentheses are context: needed for the phrase to match, but kept, so that "fell
    (pregnant)" hides the fall in "I fell pregnant" and not the pregnancy. Raises ValueError when
    the brackets do not pair up or nothing is left outside them.

    Examples
    --------
    >>> ignored_phrase("Fell (pregnant)")
    ('fell pregnant', 'pregnant')
    >>> ignored_phrase("fell asleep")
    ('fell asleep', '')
    """
    plain = _CONTEXT.sub(r" \1 ", phrase)
    if "(" in plain or ")" in plain:
        raise ValueError("has a bracket that is not closed, or not opened")
    matched = normalize(plain)
    if matched and not normalize(_CONTEXT.sub(" ", phrase)):
        raise ValueError("takes nothing out: words in brackets are only its context")
    return matched, normalize(" ".join(_CONTEXT.findall(phrase)))


def compile_patterns(safety: Safety | None) -> tuple[tuple[str, ...], ...]:
    """Each sign's patterns as their stems, space-joined, alternatives "|"-joined: plain data, for the index cache.

    Examples
    --------
    >>> sign = WarningSign("told", ("<role> said no massages",))
    >>> compile_patterns(Safety("See a doctor.", (sign,), groups={"role": ("doctor", "GPs")}))
    (('doctor|gps massag no said',),)
    """
    if safety is None:
        return ()
    return tuple(tuple(" ".join(sorted(_slots(p, safety.groups))) for p in sign.patterns) for sign in safety.signs)


def spell_patterns(safety: Safety | None) -> dict[str, tuple[str, ...]]:
    """Each pattern as written -> its words normalized, a group's words in its place: plain data, for the index cache.

    Examples
    --------
    >>> sign = WarningSign("told", ("<role> said NO massages",))
    >>> spell_patterns(Safety("See a doctor.", (sign,), groups={"role": ("doctor", "GPs")}))
    {'<role> said NO massages': ('doctor', 'gps', 'said', 'no', 'massages')}
    """
    if safety is None:
        return {}
    groups = {name: tuple(normalize(word) for word in words) for name, words in safety.groups.items()}
    return {written: tuple(_spelt(written, groups)) for sign in safety.signs for written in sign.patterns}


def _slots(pattern: str, groups: Mapping[str, tuple[str, ...]]) -> set[str]:
    """A pattern's stems, with a group ("<role>") as one slot: its words' stems, "|"-joined; for a
    pattern in quotes, each pair of its words side by side, as written."""
    if (words := quoted_words(pattern)) is not None:
        return {_side_by_side(first, second) for first, second in zip(words, words[1:])}
    slots: set[str] = set()
    for written in pattern.split():
        name = _group_name(written)
        if name in groups:
            slots.add("|".join(sorted({stem(normalize(word)) for word in groups[name]})))
        else:
            slots |= _stems(written)
    return slots


def quoted_words(pattern: str) -> list[str] | None:
    """The words of a pattern in double quotes, normalized; None for a pattern without them.

    Examples
    --------
    >>> quoted_words('"Is  EXPECTING"')
    ['is', 'expecting']
    >>> quoted_words("expecting a baby") is None
    True
    """
    stripped = pattern.strip()
    if len(stripped) < 2 or not (stripped.startswith('"') and stripped.endswith('"')):
        return None
    return normalize(stripped[1:-1]).split()


def _side_by_side(first: str, second: str) -> str:
    """Two words written next to each other, as one token (no word holds the joiner: normalizing drops it)."""
    return f"{first}{_SIDE_BY_SIDE}{second}"


def _group_name(written: str) -> str:
    """"role" for "<role>"; "" for a plain word."""
    return written[1:-1] if written.startswith("<") and written.endswith(">") else ""


def _spelt(pattern: str, groups: Mapping[str, tuple[str, ...]]) -> list[str]:
    """A pattern's words as normalized, a group's (already normalized) words in its place."""
    words: list[str] = []
    for written in pattern.split():
        name = _group_name(written)
        words += groups[name] if name in groups else normalize(written).split()
    return words


def _turns(clauses: list[list[str]]) -> list[list[str]]:
    """Clauses split further where the sentence turns ("but", "though"), for signs matched within a clause."""
    parts: list[list[str]] = []
    for clause in clauses:
        parts.append([])
        for word in clause:
            if word in _CLAUSE_TURNS and parts[-1]:
                parts.append([])
            parts[-1].append(word)
    return parts


@dataclass(frozen=True, slots=True)
class _Rule:
    needed: frozenset[str]  # stems that must all be there
    choices: tuple[frozenset[str], ...]  # of each, one stem must be there
    written: str  # the pattern as the KB wrote it
    negated: bool  # it holds a negation: matched on every word of a sentence
    in_clause: bool  # its sign is matched within one clause, on every word of it

    def holds(self, words: set[str]) -> bool:
        return self.needed <= words and all(not choice.isdisjoint(words) for choice in self.choices)


def warning_signs(safety: Safety | None, text: str) -> tuple[WarningSign, ...]:
    """The warning signs of `safety` that `text` mentions (build a SafetyCheck to test many texts).

    Examples
    --------
    >>> from bot import load_kb
    >>> [sign.name for sign in warning_signs(load_kb().safety, "I fell off a ladder and my back hurts")]
    ['pain after a fall or injury']
    """
    return SafetyCheck(safety).signs_in(text)
