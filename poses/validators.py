"""Limits on a pose's names, on the model so that the admin, import and the shell all refuse
the same input: every name is indexed for search (poses/search.py)."""

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
