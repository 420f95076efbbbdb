"""The public sequence pages: what students see, what staff preview, and pages that stay
fresh in the cache and cost the same queries however long the sequence."""

from datetime import timedelta

import pytest
from django.utils import timezone

from poses.models import Condition, SafetyNote
from sequences.models import Sequence
from tests.factories import make_item, make_pose, make_safety_note, make_sequence, make_staff
from tests.pages import counted_get, page_elements, queries_for

pytestmark = pytest.mark.django_db


# The public pages


def test_the_list_shows_published_sequences_only(client):
    make_sequence(make_pose(), title="Morning class")
    make_sequence(make_pose(), title="Draft class", status=Sequence.Status.DRAFT)
    later = timezone.now() + timedelta(days=1)
    make_sequence(make_pose(), title="Next week's class", published_at=later)
    html = client.get("/sequences/").content.decode()
    assert "Morning class" in html
    assert "Draft class" not in html
    assert "Next week" not in html


def test_the_sequence_page_links_each_pose_with_its_hold_and_side(client):
    pose = make_pose(sanskrit_name="Janusirsasana", slug="janusirsasana")
    sequence = make_sequence()
    make_item(sequence, pose, hold_value=5, hold_unit="breaths", side="right", cue="Soften")
    response = client.get(sequence.get_absolute_url())
    (item,) = page_elements(response, "li", class_="sequence-item")
    assert "Janusirsasana" in item.text
    assert "5 breaths (about 25 s)" in item.text
    assert "Right side" in item.text
    assert "Soften" in item.text
    assert page_elements(item, "a", href="/poses/janusirsasana/")


def test_a_draft_sequence_is_404_to_the_public(client):
    sequence = make_sequence(make_pose(), status=Sequence.Status.DRAFT)
    assert client.get(sequence.get_absolute_url()).status_code == 404
    assert client.get(f"{sequence.get_absolute_url()}practise/").status_code == 404


def test_a_scheduled_sequence_is_404_until_its_time(client):
    sequence = make_sequence(make_pose(), published_at=timezone.now() + timedelta(hours=1))
    assert client.get(sequence.get_absolute_url()).status_code == 404


def test_staff_preview_a_draft_sequence(client):
    sequence = make_sequence(make_pose(), status=Sequence.Status.DRAFT)
    client.force_login(make_staff())
    response = client.get(sequence.get_absolute_url())
    assert response.status_code == 200
    assert "Draft preview" in response.content.decode()


def test_staff_see_the_audit_on_the_public_page(client):
    pose = make_pose(sanskrit_name="Purvottanasana", level="advanced")
    sequence = make_sequence(pose)
    client.force_login(make_staff())
    response = client.get(sequence.get_absolute_url())
    (audit,) = page_elements(response, "section", class_="sequence-audit")
    assert "Purvottanasana is advanced, above this beginner sequence." in audit.text


def test_students_never_see_the_audit(client):
    sequence = make_sequence(make_pose(level="advanced"))
    response = client.get(sequence.get_absolute_url())
    assert not page_elements(response, "section", class_="sequence-audit")
    assert "above this beginner sequence" not in response.content.decode()


def test_the_sequence_page_answers_only_reads(client):
    sequence = make_sequence(make_pose())
    assert client.post(sequence.get_absolute_url()).status_code == 405


def test_a_renamed_pose_shows_on_a_cached_sequence_page_at_once(
    client, django_capture_on_commit_callbacks
):
    pose = make_pose(english_name="Old Name Pose")
    sequence = make_sequence(pose)
    assert "Old Name Pose" in client.get(sequence.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        pose.english_name = "New Name Pose"
        pose.save()
    assert "New Name Pose" in client.get(sequence.get_absolute_url()).content.decode()


def test_an_edited_sequence_shows_on_the_cached_list_at_once(
    client, django_capture_on_commit_callbacks
):
    sequence = make_sequence(make_pose(), title="Old title")
    assert "Old title" in client.get("/sequences/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sequence.title = "New title"
        sequence.save()
    assert "New title" in client.get("/sequences/").content.decode()


def test_a_scheduled_sequence_appears_on_the_cached_list_when_its_time_comes(client, move_clock):
    soon = timezone.now() + timedelta(seconds=30)
    make_sequence(make_pose(), title="Scheduled class", published_at=soon)
    assert "Scheduled class" not in client.get("/sequences/").content.decode()
    assert queries_for(client, "/sequences/") == 0  # served from the cache meanwhile

    move_clock(soon + timedelta(seconds=1))
    assert "Scheduled class" in client.get("/sequences/").content.decode()


# Constant queries on the sequence page


def make_long_sequence(count):
    """A sequence of `count` poses, each with a safety note, a condition and a substitute."""
    sequence = make_sequence()
    condition = Condition.objects.create(name=f"Knee {count}", slug=f"knee-{count}")
    for _ in range(count):
        pose = make_pose()
        note = make_safety_note(pose, 1, kind=SafetyNote.Kind.AVOID, substitute=make_pose())
        note.conditions.add(condition)
        make_item(sequence, pose, side="both")
    return sequence, condition


def test_the_sequence_page_costs_the_same_queries_with_3_or_15_poses(client):
    small, _ = counted_get(client, make_long_sequence(3)[0].get_absolute_url())
    large, response = counted_get(client, make_long_sequence(15)[0].get_absolute_url())
    assert len(page_elements(response, "li", class_="sequence-item")) == 15
    assert small == large


def test_the_sequence_page_for_staff_costs_the_same_queries_with_3_or_15_poses(client):
    client.force_login(make_staff())
    small, _ = counted_get(client, make_long_sequence(3)[0].get_absolute_url())
    large, response = counted_get(client, make_long_sequence(15)[0].get_absolute_url())
    assert page_elements(response, "section", class_="sequence-audit")
    assert small == large


def test_the_flagged_sequence_page_costs_the_same_queries_with_3_or_15_poses(client):
    small_sequence, small_condition = make_long_sequence(3)
    large_sequence, large_condition = make_long_sequence(15)
    client.post("/safe-for-me/", {"conditions": [small_condition.slug, large_condition.slug]})
    client.get("/")  # once for the whole library: when the next scheduled publication is
    small, _ = counted_get(client, small_sequence.get_absolute_url())
    large, response = counted_get(client, large_sequence.get_absolute_url())
    assert response.content.decode().count("Avoid for you") == 15
    assert small == large


def test_the_practise_page_costs_the_same_queries_with_3_or_15_poses(client):
    small, _ = counted_get(client, f"{make_long_sequence(3)[0].get_absolute_url()}practise/")
    large, _ = counted_get(client, f"{make_long_sequence(15)[0].get_absolute_url()}practise/")
    assert small == large
