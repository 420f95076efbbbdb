import json
import tempfile
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from django.db.models import Q

from poses.models import Pose
from studio.publishing import Publishable


class Command(BaseCommand):
    help = (
        "Load fixtures (poses, and anything else that names its records by natural keys), "
        "adding only what the library does not have yet. A record already in the database "
        "(same natural key, or the same value in a unique field, such as a pose's Sanskrit "
        "name) is the studio's own, perhaps edited since, and is never overwritten; nor is "
        "anything that belongs to it (a pose's steps and links, a sequence's poses)."
    )

    def add_arguments(self, parser):
        parser.add_argument("fixtures", nargs="+", type=Path)

    def handle(self, *args, **options):
        records = []
        for path in options["fixtures"]:
            try:
                records += json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"Cannot read {path}: {error}") from error

        # Records of their own (not belonging to another): whether each is in the library,
        # and its fixture natural key -> the one it has in this library (a teacher may have
        # renamed a pose's web address since).
        present, library_keys = set(), {}
        for index, record in enumerate(records):
            if owners(record):
                continue
            if match := in_library(record):
                present.add(index)
                if key := reference(record):
                    library_keys[key] = list(match.natural_key())
        new_records = [
            with_library_keys(record, library_keys)
            for index, record in enumerate(records)
            if index not in present and not belongs_to_library(record, library_keys)
        ]
        if new_records:
            with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as batch:
                json.dump(new_records, batch)
                batch.flush()
                call_command("loaddata", batch.name, verbosity=0)
        added = sum(1 for record in new_records if model_of(record) is Pose)
        kept = sum(1 for label, _ in library_keys if label == Pose._meta.label_lower)
        self.stdout.write(f"Added {added} poses; kept {kept} already in the library.")


def model_of(record):
    return apps.get_model(record["model"])


def foreign_keys(model):
    return [field for field in model._meta.fields if isinstance(field, models.ForeignKey)]


def reference(record):
    """How other records of the fixture refer to this one: (model label, natural key)."""
    model = model_of(record)
    plain = {
        name: value
        for name, value in record["fields"].items()
        if not model._meta.get_field(name).is_relation
    }
    try:
        return (record["model"], tuple(model(**plain).natural_key()))
    except (AttributeError, ValueError, models.ObjectDoesNotExist):
        return None  # a natural key made of relations: nothing refers to it


def in_library(record):
    """The row that is this record already: the same value in one of its unique fields
    (slug, name, Sanskrit name), or the same natural key."""
    model = model_of(record)
    fields = record["fields"]
    unique = [
        Q(**{field.name: fields[field.name]})
        for field in model._meta.fields
        if field.unique and not field.primary_key and field.name in fields
    ]
    if unique:
        return model.objects.filter(Q.create(unique, connector=Q.OR)).first()
    if not hasattr(model, "natural_key"):
        return None
    try:
        (found,) = serializers.deserialize("json", json.dumps([record]))
    except serializers.base.DeserializationError:
        return None  # it refers to something the library does not have: new
    if found.object.pk is None:
        return None
    return model.objects.filter(pk=found.object.pk).first()


def owners(record):
    """The Publishable records this one belongs to, as (label, natural key): the ones it is
    deleted with, such as a step's pose, both poses of a link, or the sequence of an item."""
    fields = record["fields"]
    return [
        (field.related_model._meta.label_lower, fields[field.name])
        for field in foreign_keys(model_of(record))
        if issubclass(field.related_model, Publishable)
        and field.remote_field.on_delete is models.CASCADE
        and fields.get(field.name)
    ]


def belongs_to_library(record, library_keys):
    """A record belonging to what the library already had is the studio's to keep or
    remove: a step a teacher deleted, a link staff took away, is not brought back."""
    found = owners(record)
    return bool(found) and all(
        (label, tuple(key)) in library_keys or exists(label, key) for label, key in found
    )


def exists(label, natural_key):
    try:
        apps.get_model(label)._default_manager.get_by_natural_key(*natural_key)
    except models.ObjectDoesNotExist:
        return False
    return True


def with_library_keys(record, library_keys):
    fields = dict(record["fields"])
    for field in foreign_keys(model_of(record)):
        key = fields.get(field.name)
        if key:
            label = field.related_model._meta.label_lower
            fields[field.name] = library_keys.get((label, tuple(key)), key)
    return {**record, "fields": fields}
