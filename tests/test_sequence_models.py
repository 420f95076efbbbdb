"""What a sequence adds up to (its total time, its combined precautions), the sample
sequences the studio ships, and the app's migrations."""

import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from poses.models import Condition
from sequences.audit import audit
from sequences.models import SECONDS_PER_BREATH, Sequence, SequenceItem
from tests.factories import make_item, make_pose, make_safety_note, make_sequence
from tests.pages import page_elements

pytestmark = pytest.mark.django_db


SAMPLE_FIXTURE = settings.BASE_DIR / "fixtures" / "sample_sequence.json"
POSE_FIXTURES = [
    settings.BASE_DIR / "fixtures" / "janusirsasana.json",
    settings.BASE_DIR / "fixtures" / "starter_library.json",
    settings.BASE_DIR / "fixtures" / "more_poses.json",
]


# Total time


def test_total_time_adds_the_holds():
    sequence = make_sequence()
    make_item(sequence, make_pose(), hold_value=30)
    make_item(sequence, make_pose(), hold_value=90)
    assert sequence.total_seconds() == 120


def test_a_breath_counts_as_five_seconds():
    sequence = make_sequence()
    make_item(sequence, make_pose(), hold_value=6, hold_unit="breaths")
    assert SECONDS_PER_BREATH == 5
    assert sequence.total_seconds() == 30


def test_a_pose_on_both_sides_counts_twice():
    sequence = make_sequence()
    make_item(sequence, make_pose(), hold_value=45, side="both")
    make_item(sequence, make_pose(), hold_value=45, side="right")
    assert sequence.total_seconds() == 135


def test_the_sequence_page_shows_the_total_time(client):
    sequence = make_sequence()
    make_item(sequence, make_pose(), hold_value=10, hold_unit="breaths", side="both")
    make_item(sequence, make_pose(), hold_value=300)
    html = client.get(sequence.get_absolute_url()).content.decode()
    assert '<time datetime="PT6M40S">6 min 40 s</time>' in html


# Combined precautions


def test_precautions_are_grouped_by_condition_with_general_last():
    knee = Condition.objects.create(name="Knee injury", slug="knee-injury")
    asthma = Condition.objects.create(name="Asthma", slug="asthma")
    first, second = make_pose(), make_pose()
    general = make_safety_note(first, 1, "Stop if it hurts.")
    both = make_safety_note(first, 2, "Not with asthma or a knee injury.", kind="avoid")
    both.conditions.add(knee, asthma)
    knee_only = make_safety_note(second, 1, "Pad the knee.", kind="modify")
    knee_only.conditions.add(knee)
    sequence = Sequence.objects.for_sequence_page().get(pk=make_sequence(first, second).pk)
    grouped = [
        (group.condition, [(entry.pose, entry.precaution.text_html) for entry in group.notes])
        for group in sequence.precautions()
    ]
    assert grouped == [
        ("Asthma", [(first, both.text_html)]),
        ("Knee injury", [(first, both.text_html), (second, knee_only.text_html)]),
        ("General", [(first, general.text_html)]),
    ]


def test_a_pose_done_twice_shows_its_precautions_once():
    pose = make_pose()
    make_safety_note(pose, 1, "Stop if it hurts.")
    sequence = make_sequence(pose, make_pose(), pose)
    sequence = Sequence.objects.for_sequence_page().get(pk=sequence.pk)
    assert [len(group.notes) for group in sequence.precautions()] == [1]


def test_the_sequence_page_shows_the_combined_precautions(client):
    knee = Condition.objects.create(name="Knee injury", slug="knee-injury")
    note = make_safety_note(make_pose(sanskrit_name="Janusirsasana"), 1, "Pad the knee.")
    note.conditions.add(knee)
    sequence = make_sequence(note.pose)
    response = client.get(sequence.get_absolute_url())
    (section,) = page_elements(response, "section", aria_labelledby="precautions")
    assert "Knee injury" in section.text
    assert "Janusirsasana" in section.text
    assert "Pad the knee." in section.text


# The sample sequence fixture


@pytest.fixture(scope="class")
def pose_library(django_db_setup, django_db_blocker):
    """The two pose fixtures, loaded once for the class (that takes a while) and rolled back
    after it; each test still rolls back its own changes."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", *POSE_FIXTURES, verbosity=0)
        yield
        transaction.set_rollback(True)


def load_sample():
    call_command("loaddata", SAMPLE_FIXTURE, verbosity=0)


@pytest.mark.usefixtures("pose_library")
class TestSampleSequence:
    def test_it_loads_published_around_janusirsasana(self):
        load_sample()
        sequence = Sequence.objects.get(slug="head-to-knee-class")
        assert sequence.is_published
        sides = [(item.pose.slug, item.side) for item in sequence.items.all()]
        assert ("janusirsasana", "right") in sides
        assert ("janusirsasana", "left") in sides
        assert sides[-1] == ("savasana", "")
        slugs = [slug for slug, _ in sides]
        assert slugs.index("purvottanasana") > slugs.index("paschimottanasana")
        for warm_up in ("adho-mukha-svanasana", "uttanasana", "supta-padangusthasana"):
            assert slugs.index(warm_up) < slugs.index("janusirsasana")
        assert slugs.index("dandasana") < slugs.index("janusirsasana")

    def test_loading_it_twice_adds_nothing(self):
        load_sample()
        load_sample()
        assert Sequence.objects.count() == 2
        assert SequenceItem.objects.count() == len(json.loads(SAMPLE_FIXTURE.read_text())) - 2

    def test_every_sample_sequence_passes_the_audit(self):
        load_sample()
        findings = {
            sequence.slug: [str(finding) for finding in audit(sequence)]
            for sequence in Sequence.objects.all()
        }
        assert findings == {slug: [] for slug in findings}

    def test_its_page_renders_every_pose_and_the_practise_view(self, client):
        load_sample()
        response = client.get("/sequences/head-to-knee-class/")
        assert len(page_elements(response, "li", class_="sequence-item")) == 22
        practise = client.get("/sequences/head-to-knee-class/practise/")
        # Four poses held on both sides are practised twice each.
        assert len(page_elements(practise, "li", class_="practise-step")) == 26


# Migrations


def test_the_migrations_are_reversible(transactional_db):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("sequences")
    executor.migrate([("sequences", None)])
    assert "sequences_sequence" not in connection.introspection.table_names()
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    assert "sequences_sequence" in connection.introspection.table_names()
