"""The immutable match index over a KB and its scoring.

A question is compared with every phrasing of every entry (its question and alternates), then with
the entry's whole text. See docs/matching.md for what each part does and what it is worth.

* overlap: the words the question shares with a phrasing, weighted by how rare each word is in
  the KB (IDF), so "couples massage", which every entry mentions, counts for little, while a word
  the KB never uses ("refund", "pilates") counts fully against every entry;
* fuzzy: a character-level ratio of the whole strings (rapidfuzz), for near-verbatim questions;
* coverage: how much of the question's weight the entry explains, counting its answer, tips and
  source too, so a keyword that only the answer mentions ("incense") still finds its entry;
* learned: when the KB has labeled `examples`, the probability that a question with these words
  asks for the entry, from a model trained on them (bot/learned.py).

The parts are fused into one 0-100 score; below the threshold, `match` returns None.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from .errors import FaqbotError
from .learned import WordModel
from .model import Entry, KnowledgeBase
from .normalize import STOPWORDS, Analyzer, content_words, normalize, stem
from .safety import SafetyCheck, compile_patterns, spell_patterns

__all__ = [
    "Candidate", "Explanation", "WordWeight", "Matcher", "DEFAULT_THRESHOLD", "DEFAULT_THRESHOLD_WITH_EXAMPLES",
    "MAX_QUESTION_CHARS", "default_threshold",
]

# Chosen from threshold sweeps (docs/quality.md): for a KB matched on its phrasings alone, over
# tests/questions/tune.yaml; for one with examples, whose learned part lifts the scores of the
# questions it recognizes, over tune and the default KB's examples cross-validated.
DEFAULT_THRESHOLD = 37.0
DEFAULT_THRESHOLD_WITH_EXAMPLES = 53.0
# Only this much of a question is scored: enough for any real question, and it bounds the work.
MAX_QUESTION_CHARS = 500

# Weights of the parts, tuned on tests/questions/tune.yaml (docs/matching.md).
_OVERLAP_SHARE = 0.6  # of a phrasing's score; the rest is the fuzzy ratio
_PHRASE_SHARE = 0.5  # of an entry's score; the rest is coverage
# A phrasing's overlap is an F-beta that counts how much of the phrasing the question uses above how
# much of the question the phrasing explains: coverage already measures the latter, and a long
# question, of which any short phrasing explains little, would otherwise be scored down for its length.
_OVERLAP_BETA = 0.4
# An entry whose text covers the whole question ("cacti", "drainage holes") scores at least this
# share of its coverage, even when no phrasing is alike: keyword questions find their entry.
_COVERAGE_ALONE = 0.7
_BODY_CREDIT = 0.6  # a word found only in the answer, tips or source earns this much of its weight
_TYPO_CREDIT = 0.9  # a misspelt word earns this much of the word it was taken for
_MIN_TYPO_LENGTH = 5
_UNKNOWN_PENALTY = 1.0  # the score is scaled by 1 - this x the question's unknown share
_UNKNOWN_WEIGHT = 1.0  # a word the KB lacks weighs this much of a word found in one entry
# With `examples`, the learned probability earns this share of the score the lexical parts leave,
# and this share of its "none of them" comes off the whole score (0.3 to 1 tried; 1 did best).
_LEARNED_SHARE = 0.9
_OUT_OF_SCOPE_SHARE = 1.0
# The model knows only words it has seen, so a familiar frame around a word no entry uses ("what
# are the benefits of a couples retreat?") looked certain to it. Its gain is scaled by 1 - this x
# the question's unknown share, as the lexical part is: see docs/matching.md for the figures.
_LEARNED_UNKNOWN_PENALTY = 0.7
# A word no entry uses that the KB's in-scope examples use more than its off-topic ones ("section",
# "honest", "counts") is filler, or the topic in other words, more often than another subject: the
# examples vouch for it, and it weighs less against a match, down to this share of an unknown word.
# The counts are smoothed as if each word had also been seen in this many examples at the KB's
# off-topic rate, so one writer's one use vouches for a little.
_VOUCHED_FLOOR = 0.3
_VOUCHING_PRIOR = 2.0
_QUESTION_WORDS = frozenset("what whats how why when where which who".split())
# In a question of several clauses, an unknown word said only beside the clause that asks ("my back
# has been sore from all the yardwork, what should I keep in mind?") weighs this share: it tells the
# story, while the asking clause says what is wanted.
_ASIDE_WEIGHT = 0.5
# A question with one of these, or opening with "and" or "what about", and less than this weight of
# words of its own points back at an earlier answer. Not "this" ("what is this article about?") nor
# "it", which here is the massage ("is it relaxing?").
_POINTING_BACK = frozenset("that him her them he she they those too also".split())
_FOLLOWING_ON = re.compile(r"(and|what about|how about|wat about|same question|same for|same with|same here) ")
_OWN_WEIGHT = 1.5
# What may come with a question word that still asks nothing of its own: "and why?", "how so?".
_BARE_QUESTION_FILLER = frozenset("and but so then exactly really though is it that".split())
_CLAUSE = re.compile(r"[^.?!;,]+[.?!;,]*")
# A clause that opens with a contrast says what is not asked ("what is deep tissue, not when to pick
# it", "besides booking a spa, any pointers?"): when another clause has words of its own, it is set
# aside. Not "not" as a hedge, a quantity or an idiom: "not sure which to pick", "not all back pain is
# the same", "not gonna lie", "not long ago", "not having done this before".
_CONTRAST = re.compile(
    r"(not|besides|apart from|aside from|other than|as opposed to)"
    r" (?!(sure|all|much|too|that|enough|many|gonna|going|to|only|long|even|being|having|knowing|really|one) )"
)
# A contrast that sets aside the KB's subject itself ("other than massage, what helps back pain?")
# asks about something the KB does not cover: every score is scaled by this factor. Not one occasion
# of the subject, which a determiner marks ("not the massage itself, what music should we have?"),
# nor a contrast that keeps the subject in ("other than just rubbing, which methods help?").
_BESIDE_SUBJECT_FACTOR = 0.3
_KEEPS_IT_IN = frozenset("just only simply merely plain".split())
_ASKING_STARTS = frozenset(
    "what whats how why when where which who can could do does did is are should would will any anything tips advice".split()
)
# A question asking what a term is, when the KB only names the term (entries' `mentions`):
# when that term is at least this share of the question's weight, every score is scaled by the
# factor, which keeps the best under any sensible threshold while it still ranks the topics.
_MENTION_SHARE = 0.5
_MENTION_FACTOR = 0.3
_ASKING_STEMS = frozenset({"mean", "defin", "definit", "explain", "describ", "work"})  # "meaning", "explain"...
# "What should I expect during a colonoscopy?" is one of the KB's phrasings ("... during a couples
# massage?") with its subject swapped for a thing the KB never names: the frame fits, the question
# is about something else. Its scores are scaled by this factor. The KB's subject is the words
# that at least this share of its entries use in their phrasings ("couples", "massage",
# "partner"), in a KB of at least this many entries (in one of three, half the entries is two, and
# "plant" is the subject of a houseplant KB that a cactus is no swap for). A word names a thing
# when a determiner comes at most this many words before it ("a new baby"), unless a subject
# word comes right after it ("our anniversary massage": it says which massage).
_SWAPPED_SUBJECT_FACTOR = 0.3
_SUBJECT_SHARE = 0.5
_SUBJECT_MIN_ENTRIES = 10
_DETERMINERS = frozenset("a an the my our your his her their".split())
_DETERMINER_REACH = 2
# A phrasing's "during", "before" or "after" (as stemmed) may go with its subject: "what should I
# expect at the dentist" swaps "during a couples massage" for "at the dentist".
_SWAPPED_WITH_THE_SUBJECT = frozenset({"dure", "befor", "after"})
_ASKS_WHAT_IT_IS = re.compile(
    r"^(so |and |ok |hey |hi )?(what|wat|whats)( exactly)? (is|are|s)\b|^whats\b|^(define|definition|meaning|explain|describe)\b"
    r"|\bwhat (is|s) (it|that|this)( exactly)?$|\bwhat\b.* (is|are)$|\bwhat (kind|sort|type) of \w+ (is|are)\b"
    r"|\b(mean|meaning|means|definition|defined|explained)$|^how (does|do|is) .+ (work|done)$|^tell me (more )?about\b"
    r"|^where (is|are|do|does)\b|^(which|what) .+ (is|are) (the )?best\b"
)
# Up to this many phrasings every entry is scored; above it, only the candidates (_candidates).
_SCORE_ALL_UP_TO = 2000
_CANDIDATES = 300  # entries that explain most of the question
_POOL = 5000  # entries still in the running when the question's common words are counted
_COMMON_WORD_SHARE = 0.05  # a word in more than this share of entries does not pick candidates
# When the 300th candidate explains nearly as much as the first, the owners of the phrasings
# closest to the question join them; only words in fewer phrasings than the limit find those.
_CROWDED = 0.9
_CLOSE_PHRASINGS = 100
_CLOSE_PHRASING_WORD_LIMIT = 30_000


_STOPWORDS_BY_LETTER = {
    letter: tuple(w for w in sorted(STOPWORDS) if len(w) >= 4 and w[0] == letter) for letter in {w[0] for w in STOPWORDS}
}


def _capped(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The first words of a question, up to MAX_QUESTION_CHARS of analyzed text."""
    length = 0
    for count, (word, _) in enumerate(pairs):
        length += len(word) + 1
        if length > MAX_QUESTION_CHARS + 1:
            return pairs[:count]
    return pairs


def _word_list(words: set[str] | frozenset[str]) -> str:
    """Words as one string, " a b c ": a large index loads strings many times faster than sets."""
    return f" {' '.join(sorted(words))} "


def _listed(word: str, word_list: str) -> bool:
    return f" {word} " in word_list


_KEYBOARD = {
    key: (row, column + (0, 0.25, 0.75)[row])
    for row, keys in enumerate(("qwertyuiop", "asdfghjkl", "zxcvbnm"))
    for column, key in enumerate(keys)
}


_VOWELS = frozenset("aeiouy")
_SOUND_ALIKE = ({"c", "s"}, {"c", "k"}, {"s", "z"}, {"f", "v"})


def _neighbours(a: str, b: str) -> bool:
    """Whether two letters sit side by side on a QWERTY keyboard."""
    if a not in _KEYBOARD or b not in _KEYBOARD:
        return False
    (row_a, x_a), (row_b, x_b) = _KEYBOARD[a], _KEYBOARD[b]
    return a != b and abs(row_a - row_b) <= 1 and abs(x_a - x_b) <= 1


def _plausible_typo(word: str, spelling: str) -> bool:
    """Whether `word` could be `spelling` mistyped: a lone changed letter must be a neighbouring key.

    A letter missing, doubled or swapped is a typo whatever the letters, and so is a vowel or a
    like-sounding consonant spelt wrong ("benifits", "advise"); another changed letter, far from
    the right one on the keyboard, more often makes another word ("heard" is not "heart").
    """
    if len(word) != len(spelling):
        return True
    changed = [(a, b) for a, b in zip(word, spelling) if a != b]
    if len(changed) != 1:
        return True
    a, b = changed[0]
    return _neighbours(a, b) or {a, b} <= _VOWELS or {a, b} in _SOUND_ALIKE


def _misspelt_stopword(word: str) -> bool:
    """Whether `word` is a stopword with a letter missing, extra or swapped ("realy", "shuold").

    Filler, not a word the KB lacks. A changed letter does not count: one letter away from a
    stopword lie too many real words ("dogs": does, "legs": lets, "kids": kind).
    """
    if len(word) < 4:
        return False
    near = _STOPWORDS_BY_LETTER.get(word[0], ())
    return any(
        (len(stop) != len(word) or sorted(stop) == sorted(word)) and DamerauLevenshtein.distance(word, stop, score_cutoff=1) <= 1
        for stop in near
        if abs(len(stop) - len(word)) <= 1
    )


def _without_contrasts(text: str) -> tuple[str, tuple[str, ...]]:
    """`text` without the clauses that say what is not asked, and those clauses (see _CONTRAST)."""
    contrasts, kept, kept_words = [], [], []
    for clause in _CLAUSE.findall(text):
        said = normalize(clause)  # once per clause: this runs for every question
        if _CONTRAST.match(said + " "):
            contrasts.append(clause)
        else:
            kept.append(clause)
            kept_words += said.split()
    if not contrasts or all(word in STOPWORDS for word in kept_words):
        return text, ()
    return " ".join(kept), tuple(clause.strip(" .?!;,") for clause in contrasts)


def _vouching(seen_in: dict[str, int], seen_out: dict[str, int], off_topic_rate: float) -> dict[str, float]:
    """How much each word no entry uses weighs, where the examples vouch for it (_VOUCHED_FLOOR).

    `seen_in` and `seen_out` count the in-scope and the off-topic examples that hold each word, and
    `off_topic_rate` is the share of examples that are off-topic: a word that leaves a question less
    likely off-topic than that weighs less, in proportion.
    """
    vouched = {}
    for word, times in seen_in.items():
        against = seen_out.get(word, 0)
        off_topic = (against + _VOUCHING_PRIOR * off_topic_rate) / (times + against + _VOUCHING_PRIOR)
        if off_topic < off_topic_rate:
            vouched[word] = max(_VOUCHED_FLOOR, off_topic / off_topic_rate)
    return vouched


def _shown(score: float) -> float:
    """A score to one decimal; one that is not 0 stays above it, as 0 means "shares nothing"
    (an entry that shares words with a question the KB surely does not cover scores 0.01)."""
    return round(score, 1) or (0.1 if score > 0 else 0.0)


def default_threshold(kb: KnowledgeBase) -> float:
    """The threshold a Matcher uses unless told otherwise: the KB's own, if it sets one, else higher
    for a KB with examples."""
    if kb.threshold is not None:
        return kb.threshold
    return DEFAULT_THRESHOLD_WITH_EXAMPLES if kb.examples else DEFAULT_THRESHOLD


@dataclass(frozen=True, slots=True)
class Candidate:
    """An entry scored against a question: `score` is 0-100, `phrasing` the phrasing that fit best."""

    entry: Entry
    score: float
    phrasing: str


@dataclass(frozen=True, slots=True)
class WordWeight:
    """One word of a question: what KB word it was read as (None: unknown) and what it weighs.

    `said` is what the user wrote for it, before synonyms ("backache" for "pain").
    """

    word: str
    said: str
    kb_word: str | None
    weight: float
    found_in: str  # "phrasing", "answer" or "" for an entry that lacks it
    aside: bool = False  # an unknown word said only beside the asking clause, at a lower weight
    vouched: bool = False  # an unknown word the KB's in-scope examples use, at a lower weight


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why an entry scored what it did for a question."""

    candidate: Candidate
    overlap: float
    fuzzy: float
    coverage: float
    unknown: float  # percent of the question's weight in words the KB does not know
    words: tuple[WordWeight, ...]
    damping: float = 1.0  # below 1 when the question asks what a term is that the KB only names, or swaps the subject
    learned: float | None = None  # percent: how likely the KB's examples make this entry (None: it has none)
    in_scope: float | None = None  # percent: how likely they make it that the KB covers the question at all
    swapped_in: tuple[str, ...] = ()  # the words that put another subject into a KB phrasing ("colonoscopy")
    set_aside: tuple[str, ...] = ()  # clauses that say what is not asked ("not the room setup"), left out
    beside_subject: tuple[str, ...] = ()  # those of them that set aside the KB's subject ("other than massage")
    phrasing_read: str = ""  # the matched phrasing as the matcher reads it, synonyms applied ("how long")

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.candidate.entry.id, "score": self.candidate.score, "phrasing": self.candidate.phrasing,
            "phrasing_read": self.phrasing_read, "overlap": self.overlap, "fuzzy": self.fuzzy, "coverage": self.coverage,
            "unknown": self.unknown,
            "damping": self.damping, "swapped_in": list(self.swapped_in), "set_aside": list(self.set_aside),
            "beside_subject": list(self.beside_subject), "learned": self.learned, "in_scope": self.in_scope,
            "words": [
                {"word": w.word, "kb_word": w.kb_word, "weight": w.weight, "found_in": w.found_in or None, "aside": w.aside,
                 "vouched": w.vouched}
                for w in self.words
            ],
        }


@dataclass(frozen=True, slots=True)
class _Query:
    text: str
    credit: dict[str, float]  # KB word -> the weight the question earns with it
    total: float  # the question's whole weight, unknown words included
    unknown: float  # the share of that weight in words the KB does not know
    readings: tuple[tuple[str, str, str | None, float, bool], ...]  # (word, as said, KB word or None, weight, aside)
    damping: float  # 1, or less for a question asking what a term is that the KB only names, or swapping the subject
    swapped_in: tuple[str, ...] = ()  # what a question swapping the subject put in its place, as said
    set_aside: tuple[str, ...] = ()  # clauses saying what is not asked ("not the room setup"), as said
    beside_subject: tuple[str, ...] = ()  # those of them that set aside the KB's subject itself

    @property
    def features(self) -> tuple[str, ...]:
        """What the learned model knows a question by: each word (its KB word, or "?" and the word
        the KB lacks), each pair of neighbouring words, and the question words ("what", "how"), which
        tell "what is a couples massage?" from "what does a couples massage do?"."""
        words = [known or f"?{word}" for word, _, known, _, _ in self.readings]
        pairs = [f"{first}+{second}" for first, second in zip(words, words[1:])]
        asking = [f"#{word}" for word in dict.fromkeys(self.text.split()) if word in _QUESTION_WORDS]
        return (*words, *pairs, *asking)


class Matcher:
    """Scores questions against a KB. Built once, and nothing it does changes its answers: threads may share it.

    Examples
    --------
    >>> from bot import load_kb, Matcher
    >>> matcher = Matcher(load_kb())
    >>> matcher.match("how long does a couples massage last?").entry.id
    'faq-how-long'
    >>> matcher.match("how do I get a refund?") is None
    True
    """

    # Everything a Matcher computes from its KB; together with the KB, this is what the index
    # cache stores (bot/cache.py), so that a cached Matcher skips YAML parsing and analysis.
    _INDEX = (
        "_phrasings", "_analyzed", "_owner", "_starts", "_phrase_words", "_phrase_weight",
        "_entry_phrase_words", "_entry_body_words", "_weight", "_unknown_weight", "_surface", "_postings",
        "_phrase_postings", "_stems", "_variant_stems", "_mentioned", "_subject", "_safety_patterns", "_safety_spelt", "_learned",
        "_vouched",
    )
    __slots__ = ("_kb", "_threshold", "_analyzer", "_safety", *_INDEX)

    def __init__(self, kb: KnowledgeBase, *, threshold: float | None = None) -> None:
        threshold = default_threshold(kb) if threshold is None else threshold
        if not 0 <= threshold <= 100:
            raise FaqbotError(f"threshold must be between 0 and 100, not {threshold}")
        self._kb = kb
        self._threshold = float(threshold)
        self._safety: SafetyCheck | None = None
        self._analyzer = analyzer = Analyzer(kb.synonyms)
        self._phrasings = tuple(p for e in kb.entries for p in e.phrasings)
        self._owner = tuple(i for i, e in enumerate(kb.entries) for _ in e.phrasings)
        self._analyzed = tuple(analyzer.text(p) for p in self._phrasings)
        phrase_words = [frozenset(content_words(text)) for text in self._analyzed]
        self._phrase_words = tuple(_word_list(words) for words in phrase_words)

        phrase_sets: list[set[str]] = [set() for _ in kb.entries]
        for owner, words in zip(self._owner, phrase_words):
            phrase_sets[owner] |= words
        bodies = [analyzer.text(" ".join((e.answer, *e.tips, e.source))) for e in kb.entries]
        body_sets = [set(content_words(body)) - phrase_sets[i] for i, body in enumerate(bodies)]
        self._entry_phrase_words = tuple(_word_list(words) for words in phrase_sets)
        # The words of the terms the KB names without explaining ("shiatsu", "hot stone"), less
        # the words of its entries' questions ("massage", "point"), which it does explain.
        named = {word for e in kb.entries for term in e.mentions for word in analyzer.words(term)}
        asked = {word for e in kb.entries for word in analyzer.words(e.question)}
        self._mentioned = _word_list(named - asked)
        self._entry_body_words = tuple(_word_list(words) for words in body_sets)
        # The stem of every word the KB uses, so that most questions need no stemmer at all.
        self._stems = {word: stem(word) for text in (*self._analyzed, *bodies) for word in text.split()}
        self._safety_patterns = compile_patterns(kb.safety)
        self._safety_spelt = spell_patterns(kb.safety)

        # IDF over entries, smoothed so that a word in every entry still weighs a little, and a
        # word in no entry weighs most of all.
        count = max(len(kb.entries), 1)
        frequency: dict[str, int] = {}
        for entry_words in (*phrase_sets, *body_sets):
            for word in entry_words:
                frequency[word] = frequency.get(word, 0) + 1
        self._weight = {w: math.log(1 + count / df) for w, df in frequency.items()}
        self._unknown_weight = _UNKNOWN_WEIGHT * math.log(1 + count)
        # The KB's own spellings, by first letter: typos are looked up among those (see _known).
        surface: dict[str, set[str]] = {}
        for analyzed in self._analyzed:
            for word in content_words(analyzed, stemmed=False):
                if len(word) >= _MIN_TYPO_LENGTH:
                    surface.setdefault(word[0], set()).add(word)
        # And the one-word synonyms of a KB word, read as that word: "lenght" is "length", which
        # is "how long". Kept apart from _stems, which must stem what users spell right.
        self._variant_stems: dict[str, str] = {}
        for key, variants in kb.synonyms.items():
            key_words = content_words(analyzer.text(key))
            if len(key_words) != 1 or key_words[0] not in self._weight:
                continue
            for variant in variants:
                spelling = normalize(variant)
                if " " not in spelling and len(spelling) >= _MIN_TYPO_LENGTH:
                    self._variant_stems[spelling] = key_words[0]
                    surface.setdefault(spelling[0], set()).add(spelling)
        self._surface = {letter: tuple(sorted(words)) for letter, words in surface.items()}
        # Summed in a fixed order: a set's order changes from run to run, and so would the last bit
        # of the sum, which decides exact ties ("brew green tea" and "brew black tea").
        self._phrase_weight = tuple(sum(self._weight[w] for w in sorted(words)) or 1.0 for words in phrase_words)
        starts = [0]
        for entry in kb.entries:
            starts.append(starts[-1] + len(entry.phrasings))
        self._starts = tuple(starts)
        # Which entries use each word: on a large KB only entries that share a word with the
        # question are scored (see _candidates).
        postings: dict[str, list[int]] = {}
        for owner, (in_phrasings, in_body) in enumerate(zip(phrase_sets, body_sets)):
            for word in in_phrasings | in_body:
                postings.setdefault(word, []).append(owner)
        self._postings = {word: tuple(owners) for word, owners in postings.items()}
        phrase_postings: dict[str, list[int]] = {}
        for index, words in enumerate(phrase_words):
            for word in words:
                phrase_postings.setdefault(word, []).append(index)
        self._phrase_postings = {word: tuple(indexes) for word, indexes in phrase_postings.items()}
        asked_by: dict[str, int] = {}
        for entry_words in phrase_sets:
            for word in entry_words:
                asked_by[word] = asked_by.get(word, 0) + 1
        self._subject = _word_list(
            {word for word, entries in asked_by.items() if entries >= _SUBJECT_SHARE * count}
            if len(kb.entries) >= _SUBJECT_MIN_ENTRIES
            else set()
        )
        self._vouched: dict[str, float] = {}
        self._learned = self._learn(kb) if kb.examples else None

    def _learn(self, kb: KnowledgeBase) -> WordModel:
        """The model of which entry a question's words point to, from the phrasings and the examples.

        Also sets the weight of the words no entry uses that the examples vouch for (_vouching).
        """
        position = {entry.id: i for i, entry in enumerate(kb.entries)}
        none = len(kb.entries)
        # Examples are learned from as written: their writers labeled the whole question.
        phrasings = [(owner, self._features(text)) for owner, text in zip(self._owner, self._phrasings)]
        examples = []
        seen_in: dict[str, int] = {}
        seen_out: dict[str, int] = {}
        for example in kb.examples:
            query = self._read(example.text, as_written=True)
            # An example with several right entries teaches the first: the one its writer thought of first.
            examples.append((position[example.expected[0]] if example.expected else none, query.features if query else ()))
            seen = seen_in if example.expected else seen_out
            for word in {word for word, _, known, _, _ in query.readings if known is None} if query else ():
                seen[word] = seen.get(word, 0) + 1
        off_topic_rate = sum(1 for example in kb.examples if not example.expected) / len(kb.examples)
        self._vouched = _vouching(seen_in, seen_out, off_topic_rate)
        return WordModel.train(none, phrasings + examples)

    def _features(self, text: str) -> tuple[str, ...]:
        query = self._read(text, as_written=True)
        return query.features if query else ()

    @classmethod
    def _from_index(cls, kb: KnowledgeBase, analyzer: Analyzer, index: dict[str, object], threshold: float | None) -> Matcher:
        """A Matcher from a stored index (bot/cache.py), without recomputing it."""
        matcher = cls.__new__(cls)
        threshold = default_threshold(kb) if threshold is None else threshold
        matcher._kb, matcher._analyzer, matcher._threshold, matcher._safety = kb, analyzer, float(threshold), None
        for name in cls._INDEX:
            object.__setattr__(matcher, name, index[name])
        if matcher._learned is not None:
            matcher._learned = WordModel(*matcher._learned)  # type: ignore[misc]
        return matcher

    def _index(self) -> dict[str, object]:
        index = {name: getattr(self, name) for name in self._INDEX}
        if self._learned is not None:  # marshal stores builtins only
            index["_learned"] = (self._learned.base, self._learned.norm, self._learned.evidence)
        return index

    @property
    def kb(self) -> KnowledgeBase:
        return self._kb

    @property
    def threshold(self) -> float:
        return self._threshold

    def match(self, text: str) -> Candidate | None:
        """The best entry for `text`, or None when nothing scores at least the threshold."""
        best = self.rank(text, k=1)
        return best[0] if best and best[0].score >= self._threshold else None

    def rank(self, text: str, *, k: int = 3, exhaustive: bool = False) -> tuple[Candidate, ...]:
        """The `k` best-scoring entries for `text`, best first, whatever their scores.

        On a large KB only the entries that share informative words with `text` are scored;
        `exhaustive=True` scores every entry (slow; for checking that shortcut).
        """
        query = self._read(text)
        if query is None or k <= 0:
            return ()
        owners = None if exhaustive else self._candidates(query)
        scores = self._score(query, owners)
        # On an exact tie the closer phrasing wins, then the entry first in the KB, however the
        # candidates were found (so the large-KB shortcut and exhaustive scoring agree).
        best = heapq.nsmallest(k, scores, key=lambda owner: (-scores[owner][0], -scores[owner][2], -scores[owner][3], owner))
        return tuple(
            Candidate(self._kb.entries[owner], _shown(scores[owner][0]), self._phrasings[scores[owner][1]])
            for owner in best
        )

    def explain(self, text: str, entry_id: str | None = None) -> Explanation | None:
        """Why `entry_id` (default: the best entry) scores what it does for `text`."""
        query = self._read(text)
        if query is None:
            return None
        scores = self._score(query)
        if entry_id is None:
            owner = max(scores, key=lambda o: scores[o][0])
        else:
            found = next((i for i, e in enumerate(self._kb.entries) if e.id == entry_id), None)
            if found is None:
                raise KeyError(entry_id)
            owner = found
        score, index, overlap, fuzzy, coverage, learned, in_scope = scores[owner]
        words = tuple(
            WordWeight(
                word, said, known, round(weight, 2), self._where(owner, known), aside, known is None and word in self._vouched
            )
            for word, said, known, weight, aside in query.readings
        )
        candidate = Candidate(self._kb.entries[owner], _shown(score), self._phrasings[index])
        return Explanation(
            candidate, round(100 * overlap, 1), round(100 * fuzzy, 1), round(100 * coverage, 1),
            round(100 * query.unknown, 1), words, query.damping,
            None if self._learned is None else round(100 * learned, 1),
            None if self._learned is None else round(100 * in_scope, 1),
            query.swapped_in, query.set_aside, query.beside_subject, self._analyzed[index],
        )

    def safety_check(self) -> SafetyCheck:
        """The KB's warning signs, checked with the stems this index already knows.

        Built on first use and kept: it takes 1.5 ms on the default KB, more than answering a
        question. Two threads building it at once would each get the same check.
        """
        if self._safety is None:
            self._safety = SafetyCheck(
                self._kb.safety, patterns=self._safety_patterns, spelt=self._safety_spelt, stem_word=self._stem_of
            )
        return self._safety

    def _stem_of(self, word: str) -> str:
        return self._stems.get(word) or stem(word)

    def unexplained_terms(self, text: str) -> tuple[str, ...]:
        """The terms `text` asks the meaning of that the KB only names (entries' `mentions`), or ()."""
        query = self._read(text)
        if query is None or query.damping == 1 or query.swapped_in or query.beside_subject:
            return ()
        terms = (
            term
            for entry in self._kb.entries
            for term in entry.mentions
            if any(w in query.credit and _listed(w, self._mentioned) for w in self._analyzer.words(term))
        )
        return tuple(dict.fromkeys(terms))

    def points_back(self, text: str) -> bool:
        """Whether `text` refers to something said before ("is that ok for my husband too?", "what
        about for him", "why?") and has nothing of its own: no word beyond function words and the commonest
        of the KB's own ("partner", "massage"). A word the KB lacks is its own topic: "how much does
        it cost" is off-topic, not vague."""
        said = normalize(text)
        words = said.split()
        if not _QUESTION_WORDS.isdisjoint(words) and set(words) <= _QUESTION_WORDS | _BARE_QUESTION_FILLER:
            return True  # "why?", "but how?": a question word alone asks about what was said before
        opening = _FOLLOWING_ON.match(said + " ")
        if _POINTING_BACK.isdisjoint(words) and not opening:
            return False
        # the opening is not the question's own: "same" in "same for me?" would weigh like a topic
        query = self._read(said[opening.end() :] if opening else text)
        own = sum(weight for word, _, _, weight, _ in query.readings if word not in STOPWORDS) if query else 0.0
        return own < _OWN_WEIGHT

    def word_readings(self, text: str) -> tuple[tuple[str, str | None], ...]:
        """Each meaningful word of `text` with the KB word it was read as (None: the KB lacks it)."""
        query = self._read(text, as_written=True)
        return tuple((said, known) for _, said, known, _, _ in query.readings) if query else ()

    def _where(self, owner: int, word: str | None) -> str:
        if word is None:
            return ""
        if _listed(word, self._entry_phrase_words[owner]):
            return "phrasing"
        return "answer" if _listed(word, self._entry_body_words[owner]) else ""

    def _read(self, text: str, *, as_written: bool = False) -> _Query | None:
        """Analyze the question and map its words onto KB words, forgiving typos.

        Words the KB does not know count fully in the question's weight, so they pull every
        entry's score down: that is what makes the matcher decline off-topic questions. Unless
        `as_written`, a clause that says what is not asked is left out (see _CONTRAST).
        """
        text = text[: MAX_QUESTION_CHARS * 2]
        set_aside: tuple[str, ...] = ()
        if not as_written:
            text, set_aside = _without_contrasts(text)
        pairs = self._rejoined(_capped(self._analyzer.pairs(text)))
        if not pairs:
            return None
        analyzed = " ".join(word for word, _ in pairs)
        said_as: dict[str, str] = {}  # a repeated word counts once, as it was first said
        for word, said in [(w, said) for w, said in pairs if w not in STOPWORDS] or pairs:
            said_as.setdefault(word, said)
        asking = self._asking_words(text)
        credit: dict[str, float] = {}
        readings = []
        total = 0.0
        for word, said in said_as.items():
            # Only what the user spelt may be a typo: not a function word ("there" is not "three"),
            # nor a synonym's key, which is the word meant ("nearby" -> location is not "lotion").
            known, similarity = self._known(word, typos=word not in STOPWORDS and said.replace(" ", "") == word)
            if known is None and _misspelt_stopword(word):
                continue
            aside = known is None and asking is not None and word not in asking
            weight = (
                self._weight[known] if known
                else self._unknown_weight * (_ASIDE_WEIGHT if aside else 1.0) * self._vouched.get(word, 1.0)
            )
            readings.append((word, said, known, weight, aside))
            total += weight
            if known:
                credit[known] = max(credit.get(known, 0.0), weight * similarity)
        unknown = sum(weight for _, _, known, weight, _ in readings if known is None)
        # "What is shiatsu?" asks for what a KB that only names shiatsu cannot give: its entries
        # are offered as the nearest topics instead of given as the answer.
        damping = 1.0
        if self._mentioned and _ASKS_WHAT_IT_IS.search(normalize(text)):
            named = sum(c for w, c in credit.items() if _listed(w, self._mentioned))
            asked = sum(c for w, c in credit.items() if w not in _ASKING_STEMS)
            if named and named >= _MENTION_SHARE * asked:
                damping = _MENTION_FACTOR
        swapped_in = () if damping < 1 else self._swapped_in(analyzed.split(), readings)
        if swapped_in:
            damping = _SWAPPED_SUBJECT_FACTOR
        beside_subject = tuple(clause for clause in set_aside if self._names_only_the_subject(clause)) if damping == 1 else ()
        if beside_subject:
            damping = _BESIDE_SUBJECT_FACTOR
        return _Query(
            analyzed, credit, total or 1.0, unknown / total if total else 0.0, tuple(readings), damping, swapped_in, set_aside,
            beside_subject,
        )

    def _names_only_the_subject(self, clause: str) -> bool:
        """Whether a contrast clause sets aside the KB's subject itself ("other than massage",
        "aside from couples massage"), rather than one occasion of it ("not the massage itself")."""
        said = normalize(clause)
        opening = _CONTRAST.match(said + " ")
        rest = said[opening.end() :].split() if opening else []
        if self._subject == " " or not _DETERMINERS.isdisjoint(rest) or not _KEEPS_IT_IN.isdisjoint(rest):
            return False
        words = [word for word, _ in self._analyzer.pairs(" ".join(rest)) if word not in STOPWORDS]
        return bool(words) and all(_listed(self._stem_of(word), self._subject) for word in words)

    def _swapped_in(self, words: list[str], readings: list[tuple[str, str, str | None, float, bool]]) -> tuple[str, ...]:
        """The thing, as said, that a question puts in the place of the KB's subject, or ().

        It is swapped in when some phrasing has all the question's known words and besides them
        only subject words ("what should I expect during a couples massage?"), and an unknown word
        that names a thing ("a colonoscopy") sits where those are: after as many known words. A
        thing elsewhere is no swap ("does couples massage help back pain" is not "does massage
        help back pain from lifting the baby"), nor is a word of an off-topic family that the
        synonyms name ("appointment", read as "booking": "how long is the appointment").
        """
        if self._subject == " ":
            return ()
        things = {
            word
            for i, word in enumerate(words)
            if not _DETERMINERS.isdisjoint(words[max(i - _DETERMINER_REACH, 0) : i])
            and not (i + 1 < len(words) and _listed(self._stem_of(words[i + 1]), self._subject))
        }
        said: list[str] = []
        slots: set[int] = set()  # after how many known words each thing comes
        known: set[str] = set()
        for word, as_said, known_as, _, aside in readings:
            if known_as:
                known.add(known_as)
            elif word in things and not aside and word not in self._kb.synonyms:
                said.append(as_said)
                slots.add(len(known))
        if not said or not known:
            return ()
        rarest = min(known, key=lambda word: len(self._phrase_postings.get(word, ())))
        for index in self._phrase_postings.get(rarest, ()):
            phrasing = set(self._phrase_words[index].split())
            if not (
                known < phrasing
                and all(_listed(word, self._subject) or word in _SWAPPED_WITH_THE_SUBJECT for word in phrasing - known)
            ):
                continue
            before = 0
            for word in content_words(self._analyzed[index]):
                if word in known:
                    before += 1
                elif before in slots:
                    return tuple(said)
        return ()

    def _asking_words(self, text: str) -> set[str] | None:
        """The words of the clauses that ask the question, or None when it has only one clause.

        The asking clauses are those ending in "?"; failing that, those that open like a question
        ("which ...", "any tips"); failing that, the last.
        """
        clauses = [c for c in _CLAUSE.findall(text) if normalize(c)]
        if len(clauses) < 2:
            return None
        asking = (
            [c for c in clauses if "?" in c]
            or [c for c in clauses if normalize(c).split()[0] in _ASKING_STARTS]
            or clauses[-1:]
        )
        return {word for clause in asking for word, _ in self._analyzer.pairs(clause)}

    def _known(self, word: str, *, typos: bool = True) -> tuple[str | None, float]:
        """The KB word (stem) that `word` is, or is a typo of, and how sure that reading is."""
        stemmed = self._stem_of(word)
        if stemmed in self._weight:
            return stemmed, 1.0
        if not typos:
            return None, 0.0
        if word.endswith("in") and (with_g := self._stem_of(word + "g")) in self._weight:
            return with_g, _TYPO_CREDIT  # "massagin", "killin"
        for i in range(1, len(word)):  # a key held down: "deeep", "masssage"
            if word[i] == word[i - 1] and (single := self._stem_of(word[:i] + word[i + 1 :])) in self._weight:
                return single, _TYPO_CREDIT
        if len(word) < _MIN_TYPO_LENGTH:
            return self._swapped(word)
        # Typos are looked up among the KB's own spellings of 5 letters or more, not stems: one
        # edit (two for long words) with the first letter right, as people rarely miss that one.
        # Shorter words are too often other real words ("move" is one edit from "movie").
        limit = 1 if len(word) < 8 else 2
        spellings = self._surface.get(word[0], ())
        for spelling, _, _ in process.extract(word, spellings, scorer=DamerauLevenshtein.distance, score_cutoff=limit, limit=None):
            if _plausible_typo(word, spelling):
                return self._stems.get(spelling) or self._variant_stems[spelling], _TYPO_CREDIT
        return None, 0.0

    def _rejoined(self, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Two neighbouring words the KB lacks, read as one of its words when written together.

        Dictation and people unsure of a term split it where it sounds split: "petri sage",
        "effleur age", "end orphans". Only words the KB does not know are joined, so "bed room"
        stays two words, and the result must be a KB word or a typo of one.
        """
        out: list[tuple[str, str]] = []
        i = 0
        while i < len(pairs):
            if i + 1 < len(pairs) and self._lacks(*pairs[i]) and self._lacks(*pairs[i + 1]):
                joined = pairs[i][0] + pairs[i + 1][0]
                read = self._analyzer.pairs(joined)
                if read != [(joined, joined)] or self._known(joined)[0] is not None:
                    said = f"{pairs[i][1]} {pairs[i + 1][1]}"
                    out.extend((word, said) for word, _ in read)
                    i += 2
                    continue
            out.append(pairs[i])
            i += 1
        return out

    def _lacks(self, word: str, said: str) -> bool:
        """Whether the user spelt `word` and the KB has no such word (typos aside)."""
        return word == said and word not in STOPWORDS and self._stem_of(word) not in self._weight

    def _swapped(self, word: str) -> tuple[str | None, float]:
        """A short word read as a KB word with two neighbouring letters swapped ("lnog": long)."""
        for i in range(1, len(word) - 1):
            swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            swapped = self._stems.get(swapped) or stem(swapped)
            if swapped in self._weight:
                return swapped, _TYPO_CREDIT
        return None, 0.0

    def _candidates(self, query: _Query) -> list[int] | None:
        """The entries worth scoring on a large KB (None: all of them, as on a small one).

        Entries are ranked by the question weight they share, through the inverted index, rarest
        words first. Once the pool is full, a word that many entries use only adds to entries
        already in it, so a common word never costs a pass over tens of thousands of entries;
        a question of common words only still gets the entries of its least common ones.
        """
        if len(self._phrasings) <= _SCORE_ALL_UP_TO:
            return None
        shared: dict[int, float] = {}
        common = len(self._kb.entries) * _COMMON_WORD_SHARE
        phrase_words, body_words, owner_of = self._entry_phrase_words, self._entry_body_words, self._owner
        for word in sorted(query.credit, key=lambda w: len(self._postings.get(w, ()))):
            weight, owners = query.credit[word], self._postings.get(word, ())
            if len(owners) > common and len(shared) >= _CANDIDATES:
                if len(shared) > _POOL:  # keep the loop over the pool short
                    shared = {o: shared[o] for o in heapq.nlargest(_POOL, shared, key=shared.__getitem__)}
                for owner in shared:
                    if _listed(word, phrase_words[owner]):
                        shared[owner] += weight
                    elif _listed(word, body_words[owner]):
                        shared[owner] += _BODY_CREDIT * weight
                continue
            # As in scoring, a word in an entry's phrasings counts more than one in its answer.
            in_phrasings = {owner_of[i] for i in self._phrase_postings.get(word, ())}
            for owner in owners:
                shared[owner] = shared.get(owner, 0.0) + (weight if owner in in_phrasings else _BODY_CREDIT * weight)
        explaining = heapq.nlargest(_CANDIDATES, shared, key=lambda owner: (shared[owner], -owner))
        if not explaining or shared[explaining[-1]] < _CROWDED * shared[explaining[0]]:
            return explaining
        return list(dict.fromkeys((*explaining, *self._close_phrasings(query))))

    def _close_phrasings(self, query: _Query) -> list[int]:
        """The owners of the phrasings with the best word overlap (the F-beta of `_score`) with the question.

        Thousands of entries may explain a question of common words equally well; the winner is
        the one with a phrasing close to it. Phrasings are found through the postings of the
        question's words, leaving out words so common that the pass would cost more than it finds.
        """
        shared: dict[int, float] = {}
        for word, weight in query.credit.items():
            indexes = self._phrase_postings.get(word, ())
            if len(indexes) <= _CLOSE_PHRASING_WORD_LIMIT:
                for index in indexes:
                    shared[index] = shared.get(index, 0.0) + weight
        total, phrase_weight = query.total, self._phrase_weight
        beta_total = _OVERLAP_BETA**2 * total
        overlap = [(common / (beta_total + phrase_weight[index]), -index) for index, common in shared.items()]
        return [self._owner[-negative] for _, negative in heapq.nlargest(_CLOSE_PHRASINGS, overlap)]

    def _score(
        self, query: _Query, owners: list[int] | None = None
    ) -> dict[int, tuple[float, int, float, float, float, float, float]]:
        """Per entry (all, or `owners`): (score, best phrasing index, overlap, fuzzy, coverage, learned
        probability, the probability that the KB covers the question)."""
        credit, total = query.credit, query.total
        if owners is None:
            indexes: Sequence[int] = range(len(self._analyzed))
        else:
            indexes = [i for owner in owners for i in range(self._starts[owner], self._starts[owner + 1])]
        choices = [self._analyzed[i] for i in indexes] if owners is not None else self._analyzed
        ratios = process.extract(query.text, choices, scorer=fuzz.token_sort_ratio, limit=None)
        # The weight each phrasing shares with the question: over a whole small KB, summed through
        # the postings of the question's few words; over a large KB's few candidates, phrasing by
        # phrasing, since a common word's postings there run to hundreds of thousands.
        shared: dict[int, float] = {}
        if owners is None:
            for word, weight in credit.items():
                for index in self._phrase_postings.get(word, ()):
                    shared[index] = shared.get(index, 0.0) + weight
        else:
            for index in indexes:
                common = sum(credit.get(word, 0.0) for word in self._phrase_words[index].split())
                if common:
                    shared[index] = common
        best: dict[int, tuple[float, int, float, float]] = {}
        owner_of, phrase_weight = self._owner, self._phrase_weight
        for _, ratio, position in ratios:
            index = indexes[position]
            common = shared.get(index, 0.0)
            if common:
                recall, precision = common / total, common / phrase_weight[index]
                overlap = (1 + _OVERLAP_BETA**2) * recall * precision / (_OVERLAP_BETA**2 * precision + recall)
            else:
                overlap = 0.0
            fuzzy = ratio / 100
            phrase = _OVERLAP_SHARE * overlap + (1 - _OVERLAP_SHARE) * fuzzy
            owner = owner_of[index]
            if owner not in best or phrase > best[owner][0]:
                best[owner] = (phrase, index, overlap, fuzzy)
        scores = {}
        learned = self._learned.probabilities(query.features, owners) if self._learned else {}
        # The entries' probabilities add up to what the model's "none of them" leaves: how likely
        # the KB covers the question at all. "How hot do the stones get" shares its words with the
        # hot stone entry, yet reads like the examples that ask what no entry says.
        in_scope = sum(learned.values()) if self._learned else 1.0
        scale = 1 - _OUT_OF_SCOPE_SHARE * (1 - in_scope)
        unvouched = 1 - _LEARNED_UNKNOWN_PENALTY * query.unknown
        for owner, (phrase, index, overlap, fuzzy) in best.items():
            in_phrasings, in_body = self._entry_phrase_words[owner], self._entry_body_words[owner]
            explained = sum(
                c if _listed(w, in_phrasings) else _BODY_CREDIT * c if _listed(w, in_body) else 0.0
                for w, c in credit.items()
            )
            coverage = explained / total
            fused = max(_PHRASE_SHARE * phrase + (1 - _PHRASE_SHARE) * coverage, _COVERAGE_ALONE * coverage)
            lexical = fused * (1 - _UNKNOWN_PENALTY * query.unknown)
            # The learned probability fills its share of what the phrasings leave unexplained (one
            # that shares nothing with an entry still scores 0), less for words no entry uses: the
            # model has seen few of them, or none. The whole is scaled by how likely the question is one the
            # KB covers at all, unless it is one of the entry's phrasings, its words perhaps in
            # another order: the KB's author has said that one is covered.
            gain = _LEARNED_SHARE * (1 - lexical) * learned.get(owner, 0.0) * unvouched if lexical > 0 else 0.0
            score = 100 * (lexical + gain) * (1.0 if fuzzy == 1 else scale) * query.damping
            scores[owner] = (score, index, overlap, fuzzy, coverage, learned.get(owner, 0.0), in_scope)
        return scores

