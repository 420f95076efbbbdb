"""How what a student types is matched to the library.

Two matches work together (poses/fulltext.py runs them on each database's own engine):

- Words: every pose stores its names, its tags (pose types, styles, body areas, level) and
  its text (meaning, summary, benefits, steps) as three columns of plain words, which the
  database indexes for full-text search with stems (bend, bends, bending). A query is cut
  into words the same way, minus stop words, each widened by the staff's synonyms; a pose
  matches when it has every word (or one of its synonyms) as a whole word somewhere.
- Names in any spelling, below.

A pose name's spelling:

Names are reduced to a *search key* on save and the query is reduced the same way, so the
database only compares plain keys (the same SQL on SQLite and PostgreSQL):

- lower case, diacritics dropped (Jānu Śīrṣāsana → janusirsasana);
- spaces, hyphens, apostrophes and all other punctuation dropped (Janu Sirsasana,
  head-to-knee); Roman numerals kept apart as digits (Warrior II = Warrior 2);
- common transliteration variants made one: sh → s, w → v, ee → i, oo → u, and any
  doubled letter made single (aa → a; Paschimottanasana = Paschimotanasana).

A typo, or a dropped inner vowel, is one letter added, lost or changed. Every name (and
every long word of a name) is also stored as its one-letter deletions; a query matches when
one of its own deletions (or the query itself) meets one of those, which finds every name
one edit away with an indexed lookup. What a pose stores is bounded: names are at most
120 characters (poses/validators.py) and only keys up to TYPO_MAX_LENGTH get deletions.
"""

import re
import unicodedata
from dataclasses import dataclass

TYPO_MIN_LENGTH = 5  # shorter words have too many neighbours one letter away
# A key of n letters stores n + 1 rows: only keys as long as a real name get them (the
# longest in the library are about 30), and a pose stores at most MAX_TYPO_KEYS.
TYPO_MAX_LENGTH = 40
MAX_TYPO_KEYS = 1_000

VARIANTS = (
    ("sh", "s"),
    ("w", "v"),
    ("ee", "i"),
    ("oo", "u"),
)
DOUBLED_LETTER = re.compile(r"(.)\1+")
NOT_A_LETTER = re.compile(r"[^a-z0-9]+")
# Virabhadrasana I, II and III are three poses: their numerals become digits before the
# doubled-letter rule could make them one.
ROMAN_NUMERAL = re.compile(r"\b(i{1,3}|iv|v)\b")
ROMAN_VALUES = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}


def plain_text(text: str) -> str:
    """Lower case, without diacritics."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_key(text: str) -> str:
    plain = plain_text(text)
    plain = ROMAN_NUMERAL.sub(lambda numeral: ROMAN_VALUES[numeral.group()], plain)
    letters = NOT_A_LETTER.sub("", plain)
    for spelling, canonical in VARIANTS:
        letters = letters.replace(spelling, canonical)
    return DOUBLED_LETTER.sub(r"\1", letters)


def word_keys(text: str) -> list[str]:
    return [key for key in (search_key(word) for word in re.split(r"[\s\-–—/]+", text)) if key]


def one_letter_deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


def typo_keys(name: str) -> set[str]:
    """What is stored for a name so a query one edit away finds it."""
    keys = set()
    for key in {search_key(name), *word_keys(name)}:
        if TYPO_MIN_LENGTH <= len(key) <= TYPO_MAX_LENGTH:
            keys |= {key} | one_letter_deletions(key)
    return keys


def typo_probes(query_key: str) -> set[str]:
    """What a query looks up among the stored typo keys."""
    if not TYPO_MIN_LENGTH <= len(query_key) <= TYPO_MAX_LENGTH + 1:
        return set()
    return {query_key} | one_letter_deletions(query_key)


def other_name_keys(other_names: list[str]) -> str:
    """All other names' keys in one field, each between "|", so a lookup for "|key" finds
    an other name that starts with the key, and "|key|" one that is the key."""
    keys = [key for key in map(search_key, other_names) if key]
    return f"|{'|'.join(keys)}|" if keys else ""


def pose_typo_keys(names: list[str]) -> set[str]:
    """The typo keys of a pose's names, in order, as long as they fit in MAX_TYPO_KEYS: the
    English and Sanskrit names come first and always fit."""
    keys = set()
    for name in names:
        more = typo_keys(name) - keys
        if len(keys) + len(more) > MAX_TYPO_KEYS:
            break
        keys |= more
    return keys


# Words: what the full-text index stores and what a query asks of it.

# PostgreSQL's English stop words: dropped from queries on both databases, so that "twists
# for beginners" asks the same of SQLite (which keeps them in its index) as of PostgreSQL.
STOP_WORDS_TEXT = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now
"""
# Words every pose would match: "Mountain Pose" asks for mountain.
LIBRARY_WORDS = "pose poses yoga"
STOP_WORDS = frozenset(STOP_WORDS_TEXT.split() + LIBRARY_WORDS.split())
APOSTROPHES = re.compile(r"['’ʼ`]")
WORD = re.compile(r"[a-z0-9]+")
MAX_QUERY_WORDS = 8  # a query longer than this is searched by its start


def plain_words(text: str) -> list[str]:
    """The words of a text as the index sees them: "Cobbler’s Pose" → cobblers, pose."""
    return WORD.findall(APOSTROPHES.sub("", plain_text(text)))


def name_words(name: str) -> list[str]:
    """A name's words, each also in its transliteration key when that differs (Shirshasana
    → sirsasana), and the whole name as one key (janusirsasana) when it has several words."""
    words = plain_words(name)
    keys = [key for key in (search_key(word) for word in words) if key and key not in words]
    whole = [search_key(name)] if len(words) > 1 else []
    return [*words, *keys, *whole]


def names_document(names: list[str]) -> str:
    return " ".join(" ".join(name_words(name)) for name in names)


@dataclass(frozen=True)
class Term:
    """One word of a query (or a phrase a synonym matched), with what may stand for it:
    each alternative is a phrase of one or more words."""

    alternatives: tuple[tuple[str, ...], ...]


def query_terms(query: str, synonyms: dict[tuple[str, ...], list[str]]) -> list[Term]:
    """The query's words (stop words dropped), each widened by the synonyms (keyed by their
    phrase as words) and by its transliteration key."""
    words = plain_words(query)
    longest = max((len(phrase) for phrase in synonyms), default=1)
    terms, position = [], 0
    while position < len(words) and len(terms) < MAX_QUERY_WORDS:
        for size in range(min(longest, len(words) - position), 0, -1):
            phrase = tuple(words[position : position + size])
            if phrase in synonyms or size == 1:
                break
        position += len(phrase)
        if len(phrase) == 1 and phrase[0] in STOP_WORDS and phrase not in synonyms:
            continue
        alternatives = [phrase]
        if len(phrase) == 1 and (key := search_key(phrase[0])) and key != phrase[0]:
            alternatives.append((key,))
        for synonym in synonyms.get(phrase, ()):
            if (
                words_of_synonym := tuple(plain_words(synonym))
            ) and words_of_synonym not in alternatives:
                alternatives.append(words_of_synonym)
        terms.append(Term(tuple(alternatives)))
    return terms


def query_spans(query: str, longest: int = 6) -> set[str]:
    """The keys of every run of words in the query: a name among them is a whole name
    within the query ("Ardha Paschimottanasana" holds Paschimottanasana)."""
    words = plain_words(query)[: MAX_QUERY_WORDS * 2]
    return {
        key
        for start in range(len(words))
        for end in range(start + 1, min(start + longest, len(words)) + 1)
        if len(key := search_key(" ".join(words[start:end]))) >= TYPO_MIN_LENGTH
    }


def pose_search_fields(
    english_name,
    sanskrit_name,
    other_names,
    summary,
    step_texts,
    *,
    meaning="",
    benefits=(),
    tags=None,
):
    """A pose's search keys and words, as stored on the pose: the one computation the model,
    the `generate_poses` command and `reindex_poses` share. `tags` are tags_document()'s
    arguments; `benefits` the texts of physical effects only."""
    return {
        "english_key": search_key(english_name),
        "sanskrit_key": search_key(sanskrit_name),
        "other_name_keys": other_name_keys(other_names),
        "search_names": names_document([english_name, sanskrit_name, *other_names]),
        "search_tags": tags_document(**tags) if tags else "",
        "search_text": text_document(
            meaning=meaning, summary=summary, benefits=benefits, steps=step_texts
        ),
    }


def tags_document(*, pose_types, styles, stretches, strengthens, level) -> str:
    """Names of a pose's tags, as a sentence: "Twist. Stretches back. Strengthens core."."""
    parts = [*pose_types, *styles, level]
    if stretches:
        parts.append("Stretches " + ", ".join(stretches))
    if strengthens:
        parts.append("Strengthens " + ", ".join(strengthens))
    return " ".join(plain_words(". ".join(parts)))


def text_document(*, meaning, summary, benefits, steps) -> str:
    return " ".join(plain_words(" ".join([meaning, summary, *benefits, *steps])))
