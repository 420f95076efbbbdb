"""Teachers compose sequences in the admin: items in order, holds, the audit beside the form,
versions, and saves that never overwrite another teacher's."""

from datetime import timedelta

import pytest
from django.utils import timezone
from reversion.models import Version

from sequences.models import Sequence
from tests.admin_forms import SEQUENCE_ADD_URL as ADD_URL
from tests.admin_forms import admin_post_data, assert_saved, change_url, item_row, sequence_fields
from tests.factories import make_pose, make_sequence
from tests.pages import page_elements

pytestmark = pytest.mark.django_db


def page_pose_names(response):
    return [element.text for element in page_elements(response, "p", class_="sequence-item__pose")]


# Composition in the admin


def test_add_page_has_sortable_items_with_a_pose_picker(admin_client):
    html = admin_client.get(ADD_URL).content.decode()
    assert 'name="items-__prefix__-position"' in html
    assert "adminsortable2" in html
    assert 'class="admin-autocomplete' in html


def test_a_teacher_adds_a_sequence_of_three_poses(admin_client, client):
    poses = [make_pose(sanskrit_name=name) for name in ("Dandasana", "Janusirsasana", "Savasana")]
    form_page = admin_client.get(ADD_URL)
    rows = [
        item_row(poses[0], 1),
        item_row(poses[1], 2, hold_value="5", hold_unit="breaths", side="both", cue="Soften"),
        item_row(poses[2], 3, hold_value="300"),
    ]
    assert_saved(
        admin_client.post(ADD_URL, admin_post_data(form_page, sequence_fields(), {"items": rows}))
    )

    sequence = Sequence.objects.get()
    items = list(sequence.items.all())
    assert [item.pose.sanskrit_name for item in items] == ["Dandasana", "Janusirsasana", "Savasana"]
    assert [item.position for item in items] == [1, 2, 3]
    assert (items[1].hold_value, items[1].hold_unit, items[1].side, items[1].cue) == (
        5,
        "breaths",
        "both",
        "Soften",
    )
    assert page_pose_names(client.get("/sequences/hamstrings-gently/"))[1].startswith(
        "Janusirsasana"
    )


def test_rows_dragged_before_the_first_save_keep_the_dragged_order(admin_client):
    poses = [make_pose(sanskrit_name=name) for name in ("Dandasana", "Janusirsasana", "Savasana")]
    form_page = admin_client.get(ADD_URL)
    rows = [item_row(poses[2], 3), item_row(poses[0], 1), item_row(poses[1], 2)]
    assert_saved(
        admin_client.post(ADD_URL, admin_post_data(form_page, sequence_fields(), {"items": rows}))
    )
    names = [item.pose.sanskrit_name for item in Sequence.objects.get().items.all()]
    assert names == ["Dandasana", "Janusirsasana", "Savasana"]


def test_dragging_saved_items_into_a_new_order_saves_it(admin_client):
    first, second, third = make_pose(), make_pose(), make_pose()
    sequence = make_sequence(first, second, third)
    items = list(sequence.items.all())
    form_page = admin_client.get(change_url(sequence))
    rows = [
        item_row(item.pose, position, item) for item, position in zip(items, (3, 1, 2), strict=True)
    ]
    fields = sequence_fields(title=sequence.title, slug=sequence.slug)
    response = admin_client.post(
        change_url(sequence), admin_post_data(form_page, fields, {"items": rows})
    )
    assert_saved(response)
    assert [item.pose for item in sequence.items.all()] == [second, third, first]
    assert list(sequence.items.values_list("position", flat=True)) == [1, 2, 3]


def test_a_hold_of_zero_is_a_form_error(admin_client):
    pose = make_pose()
    form_page = admin_client.get(ADD_URL)
    data = admin_post_data(
        form_page, sequence_fields(), {"items": [item_row(pose, 1, hold_value="0")]}
    )
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "Hold the pose for at least one second or breath." in response.content.decode()
    assert not Sequence.objects.exists()


def test_notes_are_rendered_once_on_save_and_sanitised():
    sequence = make_sequence(notes="Bring a **strap**. <script>alert(1)</script>")
    assert "<strong>strap</strong>" in sequence.notes_html
    assert "<script" not in sequence.notes_html


def test_the_change_form_lists_the_audit_findings(admin_client):
    pose = make_pose(sanskrit_name="Bakasana", hold_min_seconds=10, hold_max_seconds=20)
    sequence = make_sequence(pose)
    html = admin_client.get(change_url(sequence)).content.decode()
    assert "Sequence check" in html
    assert (
        "Pose 1: Bakasana is held for 30 seconds, longer than its usual hold of 10 seconds "
        "to 20 seconds." in html
    )
    assert "Total time: 30 s." in html


def test_a_teacher_marks_a_sequence_as_a_flow_in_the_check(admin_client):
    pose = make_pose()
    form_page = admin_client.get(ADD_URL)
    data = admin_post_data(form_page, sequence_fields(kind="flow"), {"items": [item_row(pose, 1)]})
    assert_saved(admin_client.post(ADD_URL, data))
    sequence = Sequence.objects.get()
    assert sequence.kind == Sequence.Kind.FLOW
    assert "not in rest" not in admin_client.get(change_url(sequence)).content.decode()


def test_the_add_form_asks_for_a_save_before_the_check(admin_client):
    html = admin_client.get(ADD_URL).content.decode()
    assert "Save the sequence once to check it against the pose library." in html


def test_each_admin_save_keeps_a_version_with_its_items(admin_client):
    poses = [make_pose(), make_pose()]
    form_page = admin_client.get(ADD_URL)
    rows = [item_row(poses[0], 1), item_row(poses[1], 2)]
    assert_saved(
        admin_client.post(ADD_URL, admin_post_data(form_page, sequence_fields(), {"items": rows}))
    )
    (version,) = Version.objects.get_for_object(Sequence.objects.get())
    item_versions = version.revision.version_set.filter(content_type__model="sequenceitem")
    assert item_versions.count() == 2


def test_restoring_a_version_puts_the_items_back_in_their_old_order(admin_client):
    first, second = make_pose(), make_pose()
    form_page = admin_client.get(ADD_URL)
    rows = [item_row(first, 1), item_row(second, 2)]
    assert_saved(
        admin_client.post(ADD_URL, admin_post_data(form_page, sequence_fields(), {"items": rows}))
    )
    sequence = Sequence.objects.get()
    items = list(sequence.items.all())
    form_page = admin_client.get(change_url(sequence))
    swapped = [item_row(items[0].pose, 2, items[0]), item_row(items[1].pose, 1, items[1])]
    response = admin_client.post(
        change_url(sequence), admin_post_data(form_page, sequence_fields(), {"items": swapped})
    )
    assert_saved(response)
    assert [item.pose for item in sequence.items.all()] == [second, first]

    oldest = Version.objects.get_for_object(sequence).order_by("pk").first()
    oldest.revision.revert(delete=True)
    assert [item.pose for item in sequence.items.all()] == [first, second]


def test_a_pose_in_a_sequence_cannot_be_deleted_from_under_it(admin_client):
    pose = make_pose()
    make_sequence(pose)
    response = admin_client.post(f"/admin/poses/pose/{pose.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in (
        response.content.decode()
    )


def test_a_save_over_someone_elses_newer_save_is_refused_and_keeps_both(admin_client):
    sequence = make_sequence(make_pose())
    (item,) = sequence.items.all()
    form_page = admin_client.get(change_url(sequence))
    # Meanwhile another teacher renames it.
    Sequence.objects.filter(pk=sequence.pk).update(
        title="Their title", updated_at=timezone.now() + timedelta(seconds=1)
    )
    fields = sequence_fields(title="My title", slug=sequence.slug)
    rows = [item_row(item.pose, 1, item)]
    response = admin_client.post(
        change_url(sequence), admin_post_data(form_page, fields, {"items": rows})
    )
    assert response.status_code == 200
    assert "Someone else saved this sequence" in response.content.decode()
    sequence.refresh_from_db()
    assert sequence.title == "Their title"

    # Saving again from the same form is a deliberate choice to replace theirs.
    again = admin_post_data(form_page, fields, {"items": rows})
    again["loaded_version"] = response.context["adminform"].form.data["loaded_version"]
    assert_saved(admin_client.post(change_url(sequence), again))
    sequence.refresh_from_db()
    assert sequence.title == "My title"
