"""What an import file may hold, declared: one form for each kind of object in the file.

The fields below take one JSON type each and nothing else (Django's own would read 5 as
"5"); what a value means (choices, lengths, rules between fields) is checked by the models.
A key may be left out unless it is listed in the form's `required`, in which case it must be
there, even empty: an empty English name is the model's "This field cannot be blank."
"""

import json
from datetime import UTC

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from exchange.shape import FORMAT, READABLE_VERSIONS, TAG_FIELDS, VOCABULARIES

# The file's shape is at most six levels deep (file, poses, pose, steps, step, conditions).
MAX_DEPTH = 12


def shown(value, limit=60):
    """A value from the file as JSON, cut short: messages quote what they refuse."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def parse_day(text):
    """An ISO 8601 date, or None."""
    try:
        return parse_date(text or "")
    except ValueError:
        return None


def parse_moment(text):
    """An ISO 8601 date and time (in the site's time zone if it names none), or None, also
    for one that exists in no time zone a database stores (year 1 or 9999 with an offset)."""
    try:
        moment = parse_datetime(text or "")
        if moment and timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        if moment:
            moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return moment


# Stands for a key the object does not have: left out is not a value of the wrong type.
MISSING = object()


class Typed(forms.Field):
    """A value of one JSON type. `kind` says it in a message; `accepts` is the test."""

    kind = ""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def accepts(self, value):
        raise NotImplementedError

    def clean(self, value):
        if value is not MISSING and not self.accepts(value):
            raise ValidationError(f"Expected {self.kind}, not {shown(value)}.", code="type")
        return value


class Text(Typed):
    kind = "a string"

    def accepts(self, value):
        return isinstance(value, str)


class Texts(Typed):
    kind = "a list of strings"

    def accepts(self, value):
        return isinstance(value, list) and all(isinstance(item, str) for item in value)


class List(Typed):
    kind = "a list"

    def accepts(self, value):
        return isinstance(value, list)


class WholeNumber(Typed):
    kind = "a whole number or null"

    def accepts(self, value):
        return value is None or (isinstance(value, int) and not isinstance(value, bool))


class Flag(Typed):
    kind = "true or false"

    def accepts(self, value):
        return isinstance(value, bool)


class Figure(Typed):
    """A body model (poses/figures.py); the model's validator says what may be in it."""

    kind = "a figure (an object) or null"

    def accepts(self, value):
        return value is None or isinstance(value, dict)


class PoseSlug(Typed):
    kind = "a pose's slug or null"

    def accepts(self, value):
        return value is None or isinstance(value, str)


class Moment(Typed):
    kind = "a date and time (ISO 8601) or null"

    def accepts(self, value):
        return value is None or isinstance(value, str)

    def clean(self, value):
        value = super().clean(value)
        if isinstance(value, str) and parse_moment(value) is None:
            raise ValidationError(
                f"“{value}” is not a date and time such as 2025-01-31T09:00:00Z.", code="invalid"
            )
        return value


class Day(Typed):
    kind = "a date (ISO 8601) or null"

    def accepts(self, value):
        return value is None or isinstance(value, str)

    def clean(self, value):
        value = super().clean(value)
        if isinstance(value, str) and parse_day(value) is None:
            raise ValidationError(f"“{value}” is not a date such as 2025-01-31.", code="invalid")
        return value


class Version(Typed):
    kind = "a version number"

    def accepts(self, value):
        return value in READABLE_VERSIONS and not isinstance(value, bool)

    def clean(self, value):
        if value is not MISSING and not self.accepts(value):
            raise ValidationError(
                f"Versions {' and '.join(map(str, READABLE_VERSIONS))} can be read, not "
                f"{shown(value)}.",
                code="version",
            )
        return value


class Format(Typed):
    def __init__(self, name, **kwargs):
        self.name = name
        super().__init__(**kwargs)

    def clean(self, value):
        if value is not MISSING and value != self.name:
            raise ValidationError(f"Expected “{self.name}”.", code="format")
        return value


class Vocabulary(Typed):
    kind = "an object of vocabulary lists"

    def accepts(self, value):
        return isinstance(value, dict)


class ExchangeObject(forms.Form):
    """A JSON object with only the form's keys, each of its field's type."""

    required = ()
    defaults = {}

    def __init__(self, value):
        self.value = value
        given = value if isinstance(value, dict) else {}
        super().__init__(data={**dict.fromkeys(self.base_fields, MISSING), **given})

    def clean(self):
        if not isinstance(self.value, dict):
            raise ValidationError("Expected an object.", code="object")
        for key in sorted(self.value.keys() - self.fields.keys()):
            self.add_error(None, ValidationError("Unknown field.", params={"key": key}))
        for key in self.required:
            if key not in self.value:
                self.add_error(key, "This field is required.")
        return self.cleaned_data

    def problems(self):
        """(key, message) for each problem; the key is None for the object as a whole."""
        for name, errors in self.errors.as_data().items():
            for error in errors:
                key = (error.params or {}).get("key") if name == NON_FIELD_ERRORS else name
                yield key, " ".join(error.messages)


class ExchangeFile(ExchangeObject):
    format = Format(FORMAT)
    version = Version()
    vocabulary = Vocabulary()
    poses = List()
    required = ("format", "version", "poses")


class Term(ExchangeObject):
    slug = Text()
    name = Text()
    required = ("slug", "name")


class PoseRecord(ExchangeObject):
    english_name = Text()
    sanskrit_name = Text()
    slug = Text()
    pronunciation = Text()
    meaning = Text()
    other_names = Texts()
    level = Text()
    pose_types = Texts()
    styles = Texts()
    stretches = Texts()
    strengthens = Texts()
    hold_min_seconds = WholeNumber()
    hold_max_seconds = WholeNumber()
    summary = Text()
    introduction = Text()
    practice_time = Text()
    closing_notes = Text()
    image_alt = Text()
    starting_position = PoseSlug()
    status = Text()
    published_at = Moment()
    safety_reviewed_at = Day()
    safety_reviewed_by = Text()
    figure = Figure()
    steps = List()
    benefits = List()
    safety_notes = List()
    preparatory = List()
    follow_ups = List()
    counterposes = List()
    related = List()
    required = ("english_name", "sanskrit_name", "slug")


class StepRecord(ExchangeObject):
    title = Text()
    instruction = Text()
    breath_cue = Text()
    side = Text()
    figure = Figure()
    required = ("title", "instruction")
    defaults = {"breath_cue": "", "side": "", "figure": None}


class BenefitRecord(ExchangeObject):
    text = Text()
    # Never guessed: a traditional claim must not pass for a physical fact.
    kind = Text()
    required = ("text", "kind")
    defaults = {}


class SafetyNoteRecord(ExchangeObject):
    kind = Text()
    text = Text()
    conditions = Texts()
    substitute = PoseSlug()
    no_substitute = Flag()
    required = ("text",)
    defaults = {"kind": "caution", "conditions": [], "substitute": None, "no_substitute": False}


class LinkRecord(ExchangeObject):
    pose = Text()
    reason = Text()
    required = ("pose",)
    defaults = {"reason": ""}


class RelatedRecord(ExchangeObject):
    pose = Text()
    kind = Text()
    required = ("pose",)
    defaults = {"kind": "variation"}


# Each list of a pose, and the form of its items.
POSE_LISTS = {
    "steps": StepRecord,
    "benefits": BenefitRecord,
    "safety_notes": SafetyNoteRecord,
    "preparatory": LinkRecord,
    "follow_ups": LinkRecord,
    "counterposes": LinkRecord,
    "related": RelatedRecord,
}
# The pose's own values: scalars, and lists of slugs.
POSE_FIELDS = [name for name in PoseRecord.base_fields if name not in POSE_LISTS]
SCALAR_FIELDS = [name for name in POSE_FIELDS if name != "other_names" and name not in TAG_FIELDS]
assert set(VOCABULARIES) >= set(TAG_FIELDS.values())


def hostile_structure(data):
    """Why the decoded file cannot be read at all, or None: nesting far deeper than the
    shape's, or text that is not Unicode (a lone surrogate such as \\ud800, which JSON
    allows and no database stores). Walked without recursion."""
    pending = [(data, 1, "")]
    while pending:
        value, depth, path = pending.pop()
        if depth > MAX_DEPTH:
            return f"Nested more than {MAX_DEPTH} levels deep, at {path}: not a poses file."
        if isinstance(value, dict):
            for key, item in value.items():
                pending.append((key, depth, path))
                pending.append((item, depth + 1, f"{path}.{key}" if path else str(key)))
        elif isinstance(value, list):
            pending.extend((item, depth + 1, f"{path}[{i}]") for i, item in enumerate(value))
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                where = path.encode("utf-8", "backslashreplace").decode() or "the file"
                return (
                    f"Text at {where} is not valid Unicode (a lone surrogate such as "
                    "\\ud800): fix the file's encoding."
                )
    return None
