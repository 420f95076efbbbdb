"""How a student's spelling of a pose name is matched to the library.

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


def search_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
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
    """All other names' keys in one field, each after a "|", so a lookup for "|key" finds
    an other name that starts with the key."""
    return "".join(f"|{key}" for key in map(search_key, other_names) if key)


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
