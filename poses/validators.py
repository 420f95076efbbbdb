"""Limits on a pose's names, on the model so that the admin, import and the shell all refuse
the same input: every name is indexed for search (poses/search.py)."""

import re
import unicodedata

from django.core.exceptions import ValidationError

MAX_NAME_LENGTH = 120  # as the English and Sanskrit name fields
MAX_OTHER_NAMES = 30


def validate_other_names(value: str) -> None:
    """At most MAX_OTHER_NAMES names, one per line, each at most MAX_NAME_LENGTH long."""
    names = [name.strip() for name in value.splitlines() if name.strip()]
    if len(names) > MAX_OTHER_NAMES:
        raise ValidationError(
            "%(count)s other names; a pose can have at most %(limit)s.",
            code="too_many_other_names",
            params={"count": len(names), "limit": MAX_OTHER_NAMES},
        )
    for number, name in enumerate(names, start=1):
        if len(name) > MAX_NAME_LENGTH:
            raise ValidationError(
                "Other name %(number)s has %(length)s characters; each can have at most %(limit)s.",
                code="other_name_too_long",
                params={"number": number, "length": len(name), "limit": MAX_NAME_LENGTH},
            )


# Invisible characters that change nothing a reader sees: zero-width space, non-joiner and
# joiner, word joiner, byte order mark, soft hyphen. Dropped from names, never stored.
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def normalise_name(value: str) -> str:
    """A name as stored: composed (NFC), so "ā" is one character however it was typed, and
    without zero-width characters."""
    return unicodedata.normalize("NFC", value).translate(ZERO_WIDTH)


def script_of(letter: str) -> str:
    """The script a letter belongs to, as its Unicode name starts: LATIN, CYRILLIC, GREEK …"""
    return unicodedata.name(letter, "UNKNOWN").split(" ")[0]


def validate_name(value: str) -> None:
    """A pose's name is composed, has no invisible characters, and writes each word in one
    alphabet: a Cyrillic “а” inside a Latin word looks the same, but search and the unique
    Sanskrit name would treat the word as another."""
    if normalise_name(value) != value or any(
        unicodedata.category(character) == "Cf" for character in value
    ):
        raise ValidationError(
            "This name contains invisible or decomposed characters; retype it.",
            code="invisible_characters",
        )
    for word in re.findall(r"[^\W\d_]+", value):
        scripts = {script_of(letter) for letter in word}
        if len(scripts) > 1:
            main = max(scripts, key=lambda script: sum(script_of(c) == script for c in word))
            odd = ", ".join(
                f"“{letter}” ({unicodedata.name(letter, 'unknown').lower()})"
                for letter in dict.fromkeys(word)
                if script_of(letter) != main
            )
            raise ValidationError(
                "“%(word)s” mixes alphabets in one word: %(odd)s looks like a %(main)s letter "
                "but is not one. Retype the word in one alphabet.",
                code="mixed_scripts",
                params={"word": word, "odd": odd, "main": main.capitalize()},
            )
