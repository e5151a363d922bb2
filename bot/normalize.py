"""Text normalization: the one place that decides how a question turns into comparable words.

Both the KB's phrasings and the user's question go through the same steps, so whatever is done
here applies to both sides alike.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

__all__ = ["Analyzer", "normalize", "singular", "stem", "content_words", "STOPWORDS"]

_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
# The possessive of a word ending in s loses its own s, so that "hubs's" reads as "hubs", as "wife's"
# reads as "wife" once the apostrophe is gone and the plural s is taken off.
_POSSESSIVE_AFTER_S = re.compile(r"(?<=s)['\u2019\u2018`]s\b")
_NOT_WORD = re.compile(r"[\W_]+")

# Function words and chat filler (with its shorthand: "abt", "shld", "w/", "n") that say nothing
# about which entry is meant. Words such as "long", "much", "help" or "before" carry a question's
# intent and must stay.
STOPWORDS = frozenset(
    """
    a about actually again ah all also am an and any anyone anything anyway anyways are arent as
    at basically be been being bit btw but by can cant could couldnt did didnt do does doesnt
    doing done dont dunno either else even ever exactly for from generally get gets getting gimme
    go going gonna got gotta guess guys had has hasnt have havent having he hello her hey hi him
    his honestly how however hw i id if ill im in into is isnt it its ive just kind kinda know
    lemme let lets like literally lol lot lots maybe me mean might my myself normally of oh ok
    okay on one or our ours out perhaps please pls plz pretty probably question quick quite r
    really say seriously she should so some somebody someone something sort sorta still such
    suppose sure tell than thank thanks that thats the their them then there these they thing
    things think this those tho though to too totally typically u uh um ur us usually very wanna
    want wanted wanting was wat way we were weve what whats when where whether which who whom whos
    why will wish with wonder wondering wont would wouldnt ya yeah yes you youd youll your youre
    yours youve
    here now many down up away off over always never every barely lately recently once until
    because cause since already yet almost rather whatever whenever wherever somewhere anywhere
    everywhere nothing everything everyone everybody anybody nobody neither nor super alot
    especially specifically seem seems seemed sound sounds goes went gone said says told little
    lil easily simply mostly stuff whole able mine hers theirs itself himself herself themselves
    ourselves ourself themself yourself yourselves no nope nah yep yup
    abt bc cuz coz w n shld shd shud wud wld cud cld ngl idk imo imho rn omg smth sth hmm hm yea yeh
    kk thru
    proper reckon reckons reckoned kindly thinking must shall cannot regarding concerning hardly
    roughly approximately enough specific stay sorry haha hiya howdy gday alright etc obviously absolutely
    po lah leh lor yaar
    apparently certainly definitely hopefully indeed merely presumably somehow somewhat truly
    unfortunately fairly slightly relatively particularly anymore anyhow thus therefore furthermore
    moreover nevertheless nonetheless otherwise likewise ought whose whoever whichever via upon onto
    hes shes hed theyre theyve theyll theyd theres itll thatll hows wheres whod wasnt werent shouldnt
    hadnt mustnt aint yall
    """.split()
)

# Adverbs people drop into the middle of a phrase; a synonym variant still matches across them.
_DROPPED_IN = frozenset("actually actualy really realy just even honestly literally basically seriously totally truly genuinely".split())

# A Snowball stemmer keeps state while it works, so each thread gets its own; and it is made on
# first use, since importing snowballstemmer (all its languages) costs start-up time that a
# Matcher restored from the cache, which knows its KB's stems, rarely needs.
_local = threading.local()


def normalize(text: str) -> str:
    """Lowercase, strip accents, drop apostrophes, turn punctuation into spaces, collapse whitespace.

    Examples
    --------
    >>> normalize("  Wie LANGE dauert's?  Café!")
    'wie lange dauerts cafe'
    """
    if text.isascii():  # most text, and all of it has no accents to take off: 3x as fast
        folded = _APOSTROPHES.sub("", _POSSESSIVE_AFTER_S.sub("", text.lower()))
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        without_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
        folded = _APOSTROPHES.sub("", _POSSESSIVE_AFTER_S.sub("", without_marks.casefold()))
    return " ".join(_NOT_WORD.sub(" ", folded).split())


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The word's stem, so that "massages", "massaging" and "massage" compare equal."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    stemmed: str = stemmer.stemWord(word)
    return stemmed


def singular(word: str) -> str:
    """A plural noun's singular by the commonest English rules (-s, -ies); other words unchanged.

    Examples
    --------
    >>> [singular(w) for w in ("mates", "therapies", "backaches", "glass", "is")]
    ['mate', 'therapy', 'backache', 'glass', 'is']
    """
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    return word[:-3] + "y" if word.endswith("ies") else word[:-1]


def content_words(normalized: str, *, stemmed: bool = True) -> tuple[str, ...]:
    """Stems (or, with stemmed=False, the words) that carry meaning, in order; all if every word is a stopword.

    Examples
    --------
    >>> content_words(normalize("How long do the massages last?"))
    ('long', 'massag', 'last')
    """
    words = normalized.split()
    kept = [w for w in words if w not in STOPWORDS] or words
    return tuple(stem(w) for w in kept) if stemmed else tuple(kept)


class Analyzer:
    """Normalizes text and rewrites the KB's synonyms, then yields the stems that carry meaning.

    `synonyms` maps a word or phrase the KB uses to the other ways people say it; every variant is
    rewritten to its KB word, on the KB's side and the question's alike. Variants are compared in
    the singular, so "mates" is caught by the variant "mate", and the longest variant wins. (Not
    by stem: "tipping" and "tips" share one, and only one of them means a gratuity.)

    Examples
    --------
    >>> Analyzer({"back pain": ("backache", "sore back")}).words("Help for my BACKACHES?")
    ('help', 'back', 'pain')
    """

    def __init__(self, synonyms: Mapping[str, Iterable[str]] | None = None) -> None:
        self._rules: dict[tuple[str, ...], tuple[str, ...]] = {}
        dropped_g: dict[tuple[str, ...], tuple[str, ...]] = {}
        for canonical, variants in (synonyms or {}).items():
            replacement = tuple(normalize(canonical).split())
            for variant in variants:
                key = tuple(singular(w) for w in normalize(variant).split())
                if key:
                    self._rules[key] = replacement
                    # Typed without its g ("my back is killin me"), as chat often is.
                    dropped_g[tuple(w[:-1] if len(w) > 5 and w.endswith("ing") else w for w in key)] = replacement  # not "thing"
        for key, replacement in dropped_g.items():
            self._rules.setdefault(key, replacement)
        self._compile()

    def _compile(self) -> None:
        self._longest = max((len(k) for k in self._rules), default=0)
        # Chat spellings of function words ("gonna", "u", "wat"), read before any phrase, so that a
        # variant written in plain words ("what am I going to learn") matches them too; not a word
        # that a longer variant begins or holds ("besides" is "also", but "beside me" is "next to").
        in_phrases = {word for key in self._rules if len(key) > 1 for word in key}
        self._spellings = {
            key[0]: words
            for key, words in self._rules.items()
            if len(key) == 1 and key[0] not in in_phrases and all(w in STOPWORDS for w in words)
        }

    @property
    def rules(self) -> dict[tuple[str, ...], tuple[str, ...]]:
        """The compiled rewrite rules (a variant's singular words -> the KB's words), for caching."""
        return dict(self._rules)

    @classmethod
    def from_rules(cls, rules: Mapping[tuple[str, ...], tuple[str, ...]]) -> Analyzer:
        analyzer = cls()
        analyzer._rules = dict(rules)
        analyzer._compile()
        return analyzer

    def text(self, text: str) -> str:
        """`text` normalized, with synonyms replaced by the KB's words."""
        return " ".join(word for word, _ in self.pairs(text))

    def pairs(self, text: str) -> list[tuple[str, str]]:
        """Each word of the analyzed text with what the user wrote for it ("pain", "backache")."""
        typed = normalize(text).split()
        if not self._rules:
            return [(w, w) for w in typed]
        spelt = [(word, said) for said in typed for word in self._spellings.get(singular(said), (said,))]
        words = [word for word, _ in spelt]
        singulars = [singular(w) for w in words]
        dropped_in = not _DROPPED_IN.isdisjoint(singulars)
        out: list[tuple[str, str]] = []
        i = 0
        while i < len(words):
            found = self._variant_at(singulars, i, dropped_in=dropped_in)
            if found is None:
                out.append(spelt[i])
                i += 1
                continue
            end, replacement = found
            said = " ".join(dict.fromkeys(said for _, said in spelt[i:end]))
            out.extend((word, said) for word in replacement)
            i = end
        return out

    def _variant_at(self, singulars: list[str], start: int, *, dropped_in: bool) -> tuple[int, tuple[str, ...]] | None:
        """The longest variant starting at `start`: where it ends, and the KB's words for it.

        A variant also matches with filler dropped into it ("what will I actually learn", "my back
        is really killing me"), when that makes it longer than any variant matched as written.
        """
        for size in range(min(self._longest, len(singulars) - start), 0, -1):
            replacement = self._rules.get(tuple(singulars[start : start + size]))
            if replacement is not None:
                break
        else:
            size, replacement = 0, None
        if not dropped_in or singulars[start] in _DROPPED_IN:
            return None if replacement is None else (start + size, replacement)
        kept: list[int] = []
        for j in range(start, len(singulars)):
            if len(kept) == self._longest:
                break
            if singulars[j] not in _DROPPED_IN:
                kept.append(j)
        for count in range(len(kept), size, -1):
            if kept[count - 1] - start + 1 == count:
                continue  # nothing dropped in: already tried as written
            spread = self._rules.get(tuple(singulars[j] for j in kept[:count]))
            if spread is not None:
                return kept[count - 1] + 1, spread
        return None if replacement is None else (start + size, replacement)

    def words(self, text: str) -> tuple[str, ...]:
        return content_words(self.text(text))
