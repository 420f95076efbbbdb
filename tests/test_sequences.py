import html
import itertools
import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from reversion.models import Version

from poses.models import Condition, Counterpose, PoseLink, PoseType, RelatedPose, SafetyNote
from sequences.audit import audit
from sequences.models import SECONDS_PER_BREATH, Sequence, SequenceItem
from tests.conftest import (
    make_draft,
    make_pose,
    make_safety_note,
    make_staff,
    make_step,
    page_elements,
)

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/sequences/sequence/add/"
SAMPLE_FIXTURE = settings.BASE_DIR / "fixtures" / "sample_sequence.json"
POSE_FIXTURES = [
    settings.BASE_DIR / "fixtures" / "janusirsasana.json",
    settings.BASE_DIR / "fixtures" / "starter_library.json",
    settings.BASE_DIR / "fixtures" / "more_poses.json",
]

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def empty_page_cache():
    cache.clear()
    yield
    cache.clear()


def make_sequence(*poses, **overrides):
    """A published beginner sequence of these poses, in order, 30 seconds each."""
    number = next(_numbers)
    fields = {
        "title": f"Test class {number}",
        "slug": f"test-class-{number}",
        "status": Sequence.Status.PUBLISHED,
    }
    fields.update(overrides)
    sequence = Sequence.objects.create(**fields)
    for pose in poses:
        make_item(sequence, pose)
    return sequence


def make_item(sequence, pose, **overrides):
    fields = {"position": sequence.items.count() + 1, "hold_value": 30}
    fields.update(overrides)
    return SequenceItem.objects.create(sequence=sequence, pose=pose, **fields)


def findings(sequence, rule=None):
    """The audit's findings as (rule, pose name, position)."""
    return [
        (finding.rule, finding.pose.sanskrit_name, finding.position)
        for finding in audit(sequence)
        if rule is None or finding.rule == rule
    ]


def messages(sequence, rule):
    """The audit's findings of one rule, as the teacher reads them."""
    return [str(finding) for finding in audit(sequence) if finding.rule == rule]


def make_counterpose(pose, counterpose):
    """`counterpose` is practised after `pose` to balance it."""
    Counterpose.objects.create(pose=pose, counterpose=counterpose)


def make_rest(**overrides):
    """Savasana, the final rest."""
    return make_pose(sanskrit_name="Savasana", slug="savasana", **overrides)


def page_pose_names(response):
    return [element.text for element in page_elements(response, "p", class_="sequence-item__pose")]


# Composition in the admin


def sequence_fields(**overrides):
    fields = {
        "title": "Hamstrings, gently",
        "slug": "hamstrings-gently",
        "level": "beginner",
        "focus": "Hamstrings",
        "kind": "class",
        "notes": "",
        "status": "published",
        "published_at_0": "",
        "published_at_1": "",
    }
    fields.update(overrides)
    return fields


def item_row(pose, position, item=None, **overrides):
    row = {
        "pose": str(pose.pk),
        "hold_value": "30",
        "hold_unit": "seconds",
        "side": "",
        "cue": "",
        "position": str(position),
    }
    if item is not None:
        row.update(id=str(item.pk), sequence=str(item.sequence_id))
    row.update(overrides)
    return row


def admin_post_data(get_response, fields, rows=()):
    """`fields` plus the items inline's management form, read from the GET response, and
    the version of the sequence the page was opened with, as a browser sends them."""
    data = dict(fields)
    marker = re.search(r'name="loaded_version" value="([^"]*)"', get_response.content.decode())
    if marker:
        data.setdefault("loaded_version", html.unescape(marker.group(1)))
    (inline,) = get_response.context["inline_admin_formsets"]
    formset = inline.formset
    assert formset.prefix == "items"
    data["items-TOTAL_FORMS"] = str(len(rows))
    data["items-INITIAL_FORMS"] = str(formset.initial_form_count())
    data["items-MIN_NUM_FORMS"] = str(formset.min_num)
    data["items-MAX_NUM_FORMS"] = str(formset.max_num)
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"items-{index}-{name}"] = value
    return data


def assert_saved(response):
    errors = None
    if response.context and "adminform" in response.context:
        errors = [response.context["adminform"].form.errors] + [
            inline.formset.errors for inline in response.context["inline_admin_formsets"]
        ]
    assert response.status_code == 302, errors


def change_url(sequence):
    return f"/admin/sequences/sequence/{sequence.pk}/change/"


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
    assert_saved(admin_client.post(ADD_URL, admin_post_data(form_page, sequence_fields(), rows)))

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
    assert_saved(admin_client.post(ADD_URL, admin_post_data(form_page, sequence_fields(), rows)))
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
    response = admin_client.post(change_url(sequence), admin_post_data(form_page, fields, rows))
    assert_saved(response)
    assert [item.pose for item in sequence.items.all()] == [second, third, first]
    assert list(sequence.items.values_list("position", flat=True)) == [1, 2, 3]


def test_a_hold_of_zero_is_a_form_error(admin_client):
    pose = make_pose()
    form_page = admin_client.get(ADD_URL)
    data = admin_post_data(form_page, sequence_fields(), [item_row(pose, 1, hold_value="0")])
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
    data = admin_post_data(form_page, sequence_fields(kind="flow"), [item_row(pose, 1)])
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
    assert_saved(admin_client.post(ADD_URL, admin_post_data(form_page, sequence_fields(), rows)))
    (version,) = Version.objects.get_for_object(Sequence.objects.get())
    item_versions = version.revision.version_set.filter(content_type__model="sequenceitem")
    assert item_versions.count() == 2


def test_restoring_a_version_puts_the_items_back_in_their_old_order(admin_client):
    first, second = make_pose(), make_pose()
    form_page = admin_client.get(ADD_URL)
    rows = [item_row(first, 1), item_row(second, 2)]
    assert_saved(admin_client.post(ADD_URL, admin_post_data(form_page, sequence_fields(), rows)))
    sequence = Sequence.objects.get()
    items = list(sequence.items.all())
    form_page = admin_client.get(change_url(sequence))
    swapped = [item_row(items[0].pose, 2, items[0]), item_row(items[1].pose, 1, items[1])]
    response = admin_client.post(
        change_url(sequence), admin_post_data(form_page, sequence_fields(), swapped)
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


# The audit: how findings read


def test_a_finding_names_the_pose_by_its_number_in_the_sequence():
    pose = make_pose(sanskrit_name="Purvottanasana", level="intermediate")
    sequence = make_sequence(make_pose(), pose, make_rest())
    assert messages(sequence, "level") == [
        "Pose 2: Purvottanasana is intermediate, above this beginner sequence."
    ]


# The audit: preparatory poses


def test_an_intermediate_pose_without_its_preparatory_pose_before_it_is_flagged():
    pose = make_pose(sanskrit_name="Bakasana", level="intermediate")
    PoseLink.objects.create(preparatory=make_pose(sanskrit_name="Phalakasana"), follow_up=pose)
    sequence = make_sequence(pose, level="intermediate")
    assert messages(sequence, "preparation") == [
        "Pose 1: Bakasana is intermediate, and none of its preparatory poses comes before it: "
        "consider warming up with Phalakasana first."
    ]


def test_a_preparatory_pose_only_after_the_pose_does_not_count():
    pose, preparatory = make_pose(sanskrit_name="Bakasana", level="advanced"), make_pose()
    PoseLink.objects.create(preparatory=preparatory, follow_up=pose)
    sequence = make_sequence(pose, preparatory)
    assert findings(sequence, "preparation") == [("preparation", "Bakasana", 1)]


def test_one_preparatory_pose_anywhere_before_is_enough():
    pose, preparatory, other_preparatory = make_pose(level="intermediate"), make_pose(), make_pose()
    PoseLink.objects.create(preparatory=preparatory, follow_up=pose)
    PoseLink.objects.create(preparatory=other_preparatory, follow_up=pose)
    assert findings(make_sequence(preparatory, make_pose(), pose), "preparation") == []


def test_a_beginner_pose_is_not_asked_for_a_preparation():
    pose = make_pose(level="beginner")
    PoseLink.objects.create(preparatory=make_pose(), follow_up=pose)
    assert findings(make_sequence(pose), "preparation") == []


def test_a_starting_position_is_not_a_preparation():
    dandasana = make_pose(sanskrit_name="Dandasana")
    pose = make_pose(
        sanskrit_name="Marichyasana", level="intermediate", starting_position=dandasana
    )
    PoseLink.objects.create(preparatory=make_pose(), follow_up=pose)
    sequence = make_sequence(dandasana, pose, level="intermediate")
    assert findings(sequence, "preparation") == [("preparation", "Marichyasana", 2)]


def test_a_pose_without_preparatory_poses_needs_none():
    assert findings(make_sequence(make_pose(level="advanced")), "preparation") == []


# The audit: sides


def test_a_pose_with_one_sided_steps_done_on_one_side_only_is_flagged():
    pose = make_pose(sanskrit_name="Janusirsasana")
    make_step(pose, 1, side="right")
    sequence = make_sequence()
    make_item(sequence, pose, side="right")
    assert findings(sequence, "sides") == [("sides", "Janusirsasana", 1)]
    assert "add the left side" in messages(sequence, "sides")[0]


def test_a_pose_with_one_sided_steps_and_no_side_chosen_is_flagged():
    pose = make_pose(sanskrit_name="Janusirsasana")
    make_step(pose, 1, side="left")
    assert findings(make_sequence(pose), "sides") == [("sides", "Janusirsasana", 1)]


def test_an_item_on_the_left_makes_any_pose_one_sided():
    pose = make_pose(sanskrit_name="Vrksasana")
    sequence = make_sequence()
    make_item(sequence, pose, side="left")
    assert findings(sequence, "sides") == [("sides", "Vrksasana", 1)]


def test_a_pose_done_on_the_right_and_later_on_the_left_is_balanced():
    pose = make_pose()
    make_step(pose, 1, side="right")
    sequence = make_sequence()
    make_item(sequence, pose, side="right")
    make_item(sequence, make_pose())
    make_item(sequence, pose, side="left")
    assert findings(sequence, "sides") == []


def test_a_pose_done_on_both_sides_is_balanced():
    pose = make_pose()
    make_step(pose, 1, side="right")
    sequence = make_sequence()
    make_item(sequence, pose, side="both")
    assert findings(sequence, "sides") == []


def test_a_symmetric_pose_needs_no_side():
    pose = make_pose()
    make_step(pose, 1)
    assert findings(make_sequence(pose), "sides") == []


# The audit: the same time on each side


def test_sides_held_for_unequal_times_are_flagged_with_both_times():
    twist = make_pose(sanskrit_name="Ardha Matsyendrasana")
    sequence = make_sequence(make_pose())
    make_item(sequence, twist, side="right", hold_value=5)
    make_item(sequence, twist, side="left", hold_value=60)
    assert messages(sequence, "uneven-sides") == [
        "Pose 2: Ardha Matsyendrasana is held 5 seconds on the right side and 1 minute on the "
        "left: give both sides the same time."
    ]


def test_sides_held_for_the_same_time_in_breaths_and_seconds_are_even():
    twist = make_pose()
    sequence = make_sequence()
    make_item(sequence, twist, side="right", hold_value=60)
    make_item(sequence, twist, side="left", hold_value=12, hold_unit="breaths")
    assert findings(sequence, "uneven-sides") == []


def test_a_side_added_by_both_sides_counts_for_each_side():
    twist = make_pose(sanskrit_name="Supta Matsyendrasana")
    sequence = make_sequence()
    make_item(sequence, twist, side="both", hold_value=30)
    make_item(sequence, twist, side="right", hold_value=30)
    assert findings(sequence, "uneven-sides") == [("uneven-sides", "Supta Matsyendrasana", 2)]


# The audit: holds within the pose's range


def test_a_hold_longer_than_the_pose_s_range_is_flagged_with_the_range():
    bakasana = make_pose(sanskrit_name="Bakasana", hold_min_seconds=10, hold_max_seconds=30)
    sequence = make_sequence()
    make_item(sequence, bakasana, hold_value=300)
    assert messages(sequence, "hold") == [
        "Pose 1: Bakasana is held for 300 seconds, longer than its usual hold of 10 seconds "
        "to 30 seconds."
    ]


def test_a_hold_shorter_than_the_pose_s_range_is_flagged_with_the_range():
    savasana = make_rest(hold_min_seconds=300, hold_max_seconds=900)
    sequence = make_sequence(make_pose())
    make_item(sequence, savasana, hold_value=60)
    assert messages(sequence, "hold") == [
        "Pose 2: Savasana is held for 60 seconds, shorter than its usual hold of 5 minutes "
        "to 15 minutes."
    ]


def test_a_hold_within_the_pose_s_range_is_fine():
    pose = make_pose(hold_min_seconds=30, hold_max_seconds=60)
    sequence = make_sequence()
    make_item(sequence, pose, hold_value=30)
    make_item(sequence, pose, hold_value=60)
    assert findings(sequence, "hold") == []


def test_a_hold_in_breaths_is_flagged_only_when_no_breath_length_fits_the_range():
    tadasana = make_pose(sanskrit_name="Tadasana", hold_min_seconds=30, hold_max_seconds=60)
    bakasana = make_pose(sanskrit_name="Bakasana", hold_min_seconds=10, hold_max_seconds=30)
    sequence = make_sequence()
    make_item(sequence, tadasana, hold_value=5, hold_unit="breaths")  # 20 to 40 seconds
    make_item(sequence, bakasana, hold_value=60, hold_unit="breaths")
    assert messages(sequence, "hold") == [
        "Pose 2: Bakasana is held for 60 breaths (about 5 minutes), longer than its usual "
        "hold of 10 seconds to 30 seconds."
    ]


def test_a_flow_is_not_told_a_hold_is_too_short_but_is_told_it_is_too_long():
    uttanasana = make_pose(sanskrit_name="Uttanasana", hold_min_seconds=30, hold_max_seconds=60)
    bakasana = make_pose(sanskrit_name="Bakasana", hold_min_seconds=10, hold_max_seconds=30)
    sequence = make_sequence(kind=Sequence.Kind.FLOW)
    make_item(sequence, uttanasana, hold_value=1, hold_unit="breaths")
    make_item(sequence, bakasana, hold_value=120)
    assert findings(sequence, "hold") == [("hold", "Bakasana", 2)]


# The audit: counterposes (practised after the pose)


def test_a_pose_whose_counterpose_never_follows_is_flagged():
    backbend = make_pose(sanskrit_name="Ustrasana")
    make_counterpose(backbend, make_pose(sanskrit_name="Balasana"))
    assert messages(make_sequence(backbend, make_pose()), "counterpose") == [
        "Pose 1: Ustrasana is not followed by a counterpose: add Balasana after it."
    ]


def test_a_counterpose_before_its_pose_does_not_balance_it():
    backbend, counterpose = make_pose(sanskrit_name="Ustrasana"), make_pose()
    make_counterpose(backbend, counterpose)
    sequence = make_sequence(counterpose, backbend)
    assert findings(sequence, "counterpose") == [("counterpose", "Ustrasana", 2)]


def test_a_counterpose_after_its_pose_balances_it():
    backbend, counterpose = make_pose(), make_pose()
    make_counterpose(backbend, counterpose)
    assert findings(make_sequence(backbend, make_pose(), counterpose), "counterpose") == []


def test_a_counterpose_asks_for_nothing_after_itself():
    backbend, counterpose = make_pose(), make_pose()
    make_counterpose(backbend, counterpose)
    assert findings(make_sequence(backbend, counterpose), "counterpose") == []
    assert findings(make_sequence(counterpose), "counterpose") == []


def test_one_counterpose_can_balance_two_poses_before_it():
    first_fold, second_fold, counterpose = make_pose(), make_pose(), make_pose()
    make_counterpose(first_fold, counterpose)
    make_counterpose(second_fold, counterpose)
    assert findings(make_sequence(first_fold, second_fold, counterpose), "counterpose") == []


def test_a_pose_done_again_after_its_counterpose_needs_it_again():
    backbend, counterpose = make_pose(sanskrit_name="Ustrasana"), make_pose()
    make_counterpose(backbend, counterpose)
    sequence = make_sequence(backbend, counterpose, backbend)
    assert findings(sequence, "counterpose") == [("counterpose", "Ustrasana", 3)]


def test_a_related_pose_asks_for_nothing():
    pose, variation = make_pose(), make_pose()
    RelatedPose.objects.create(pose=pose, related=variation, kind=RelatedPose.Kind.VARIATION)
    assert findings(make_sequence(pose), "counterpose") == []


# The audit: level


def test_a_pose_above_the_level_of_the_sequence_is_flagged():
    pose = make_pose(sanskrit_name="Purvottanasana", level="intermediate")
    sequence = make_sequence(make_pose(), pose, level="beginner")
    assert findings(sequence, "level") == [("level", "Purvottanasana", 2)]
    assert "is intermediate, above this beginner sequence" in messages(sequence, "level")[0]


def test_poses_at_or_below_the_level_of_the_sequence_are_fine():
    poses = [make_pose(level="beginner"), make_pose(level="intermediate")]
    assert findings(make_sequence(*poses, level="intermediate"), "level") == []


def test_an_advanced_pose_is_above_an_intermediate_sequence():
    pose = make_pose(level="advanced")
    assert len(findings(make_sequence(pose, level="intermediate"), "level")) == 1


# The audit: unpublished poses


def test_a_draft_pose_is_flagged_and_left_out_of_the_public_page(client):
    draft = make_draft(sanskrit_name="Draftasana")
    sequence = make_sequence(make_pose(sanskrit_name="Dandasana"), draft)
    assert findings(sequence, "unpublished") == [("unpublished", "Draftasana", 2)]
    html = client.get(sequence.get_absolute_url()).content.decode()
    assert "Dandasana" in html
    assert "Draftasana" not in html


# The audit: rest


def test_a_class_that_does_not_end_in_rest_is_flagged():
    sequence = make_sequence(make_rest(), make_pose(), make_pose(sanskrit_name="Tadasana"))
    assert messages(sequence, "rest") == [
        "Pose 3: The class ends in Tadasana, not in rest: close it with Savasana or another "
        "restorative pose (or, for a warm-up, make the sequence a flow)."
    ]


def test_a_class_ending_in_savasana_ends_in_rest():
    assert findings(make_sequence(make_pose(), make_rest()), "rest") == []


def test_a_class_ending_in_a_restorative_pose_ends_in_rest():
    restorative, _ = PoseType.objects.get_or_create(slug="restorative", name="Restorative")
    balasana = make_pose(sanskrit_name="Balasana")
    balasana.pose_types.add(restorative)
    assert findings(make_sequence(make_pose(), balasana), "rest") == []


def test_a_flow_need_not_end_in_rest():
    sequence = make_sequence(make_pose(), make_pose(), kind=Sequence.Kind.FLOW)
    assert findings(sequence, "rest") == []


def test_a_class_that_starts_in_savasana_is_flagged():
    savasana = make_rest()
    sequence = make_sequence(savasana, make_pose(), savasana)
    assert messages(sequence, "opening") == [
        "Pose 1: The class starts in Savasana, the final rest: keep it for the end, and open "
        "with a seated or standing pose."
    ]


def test_a_class_that_starts_in_another_resting_pose_is_fine():
    restorative, _ = PoseType.objects.get_or_create(slug="restorative", name="Restorative")
    balasana = make_pose()
    balasana.pose_types.add(restorative)
    assert findings(make_sequence(balasana, make_pose(), make_rest()), "opening") == []


# The audit: a well-built class


def test_a_sequence_of_prepared_balanced_poses_ending_in_rest_has_no_findings():
    preparatory = make_pose(hold_min_seconds=30, hold_max_seconds=60)
    pose = make_pose(level="intermediate", hold_min_seconds=30, hold_max_seconds=60)
    counterpose = make_pose(hold_min_seconds=30, hold_max_seconds=60)
    PoseLink.objects.create(preparatory=preparatory, follow_up=pose)
    make_step(pose, 1, side="right")
    make_counterpose(pose, counterpose)
    sequence = make_sequence(level="intermediate")
    make_item(sequence, preparatory, hold_value=6, hold_unit="breaths")
    make_item(sequence, pose, side="right", hold_value=45)
    make_item(sequence, pose, side="left", hold_value=9, hold_unit="breaths")
    make_item(sequence, counterpose)
    make_item(sequence, make_rest(hold_min_seconds=300, hold_max_seconds=900), hold_value=300)
    assert audit(sequence) == []


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


def test_a_scheduled_sequence_appears_on_the_cached_list_when_its_time_comes(client, monkeypatch):
    soon = timezone.now() + timedelta(seconds=30)
    make_sequence(make_pose(), title="Scheduled class", published_at=soon)
    assert "Scheduled class" not in client.get("/sequences/").content.decode()

    # The page was cached for no longer than the 30 seconds left.
    stored = [key for key in cache._cache if "page:" in key]
    assert stored
    assert all(cache._expire_info[key] <= soon.timestamp() + 1 for key in stored)

    later = soon + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    cache.clear()  # what the expiry does when the time comes
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


def sequence_page_queries(client, sequence, url_suffix=""):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(sequence.get_absolute_url() + url_suffix)
    assert response.status_code == 200
    return len(queries), response


def test_the_sequence_page_costs_the_same_queries_with_3_or_15_poses(client):
    small, _ = sequence_page_queries(client, make_long_sequence(3)[0])
    large, response = sequence_page_queries(client, make_long_sequence(15)[0])
    assert len(page_elements(response, "li", class_="sequence-item")) == 15
    assert small == large


def test_the_sequence_page_for_staff_costs_the_same_queries_with_3_or_15_poses(client):
    client.force_login(make_staff())
    small, _ = sequence_page_queries(client, make_long_sequence(3)[0])
    large, response = sequence_page_queries(client, make_long_sequence(15)[0])
    assert page_elements(response, "section", class_="sequence-audit")
    assert small == large


def test_the_flagged_sequence_page_costs_the_same_queries_with_3_or_15_poses(client):
    small_sequence, small_condition = make_long_sequence(3)
    large_sequence, large_condition = make_long_sequence(15)
    client.post("/safe-for-me/", {"conditions": [small_condition.slug, large_condition.slug]})
    client.get("/")  # once for the whole library: when the next scheduled publication is
    small, _ = sequence_page_queries(client, small_sequence)
    large, response = sequence_page_queries(client, large_sequence)
    assert response.content.decode().count("Avoid for you") == 15
    assert small == large


def test_the_practise_page_costs_the_same_queries_with_3_or_15_poses(client):
    small, _ = sequence_page_queries(client, make_long_sequence(3)[0], "practise/")
    large, _ = sequence_page_queries(client, make_long_sequence(15)[0], "practise/")
    assert small == large


# The practise view


def practise_steps(response):
    return page_elements(response, "li", class_="practise-step")


def test_the_practise_view_shows_every_pose_in_order(client):
    poses = [make_pose(sanskrit_name=name) for name in ("Dandasana", "Janusirsasana")]
    sequence = make_sequence(*poses)
    response = client.get(f"{sequence.get_absolute_url()}practise/")
    assert response.status_code == 200
    names = [page_elements(step, "h2")[0].text for step in practise_steps(response)]
    assert [name.split()[0] for name in names] == ["Dandasana", "Janusirsasana"]


def test_a_pose_on_both_sides_is_practised_right_then_left(client):
    sequence = make_sequence()
    make_item(sequence, make_pose(sanskrit_name="Janusirsasana"), side="both", hold_value=60)
    steps = practise_steps(client.get(f"{sequence.get_absolute_url()}practise/"))
    assert ["Right side" in step.text for step in steps] == [True, False]
    assert ["Left side" in step.text for step in steps] == [False, True]


def test_each_practise_step_carries_its_hold_for_the_timer(client):
    sequence = make_sequence()
    make_item(sequence, make_pose(), hold_value=45)
    make_item(sequence, make_pose(), hold_value=4, hold_unit="breaths")
    steps = practise_steps(client.get(f"{sequence.get_absolute_url()}practise/"))
    assert [step.attributes["data-seconds"] for step in steps] == ["45", "20"]
    assert all("data-practise-step" in step.attributes for step in steps)
    assert steps[1].attributes["data-announce"].startswith("2 of 2: ")


def test_the_timer_and_buttons_wait_for_the_script(client):
    sequence = make_sequence(make_pose())
    response = client.get(f"{sequence.get_absolute_url()}practise/")
    (panel,) = page_elements(response, "div", class_="practise__panel")
    assert "hidden" in panel.attributes
    assert [button.text for button in page_elements(panel, "button")] == [
        "← Previous",
        "Start",
        "Next →",
    ]
    assert page_elements(panel, "p", role="timer")


def test_the_practise_script_is_a_static_file_not_inline(client):
    sequence = make_sequence(make_pose())
    response = client.get(f"{sequence.get_absolute_url()}practise/")
    scripts = page_elements(response, "script")
    assert [script.text for script in scripts] == [""]
    assert re.search(r"/static/js/practise\.[0-9a-f]+\.js$", scripts[0].attributes["src"])


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
        assert {sequence.slug: findings(sequence) for sequence in Sequence.objects.all()} == {
            sequence.slug: [] for sequence in Sequence.objects.all()
        }

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
    response = admin_client.post(change_url(sequence), admin_post_data(form_page, fields, rows))
    assert response.status_code == 200
    assert "Someone else saved this sequence" in response.content.decode()
    sequence.refresh_from_db()
    assert sequence.title == "Their title"

    # Saving again from the same form is a deliberate choice to replace theirs.
    again = admin_post_data(form_page, fields, rows)
    again["loaded_version"] = response.context["adminform"].form.data["loaded_version"]
    assert_saved(admin_client.post(change_url(sequence), again))
    sequence.refresh_from_db()
    assert sequence.title == "My title"
