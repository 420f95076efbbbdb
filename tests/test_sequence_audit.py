"""The audit reads a sequence as a teacher would and flags what a class should not do."""

import pytest

from poses.models import Counterpose, PoseLink, PoseType, RelatedPose
from sequences.audit import audit
from sequences.models import Sequence
from tests.factories import make_draft, make_item, make_pose, make_sequence, make_step

pytestmark = pytest.mark.django_db


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
