from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from poses.models import Pose, PoseLink, PoseType, RelatedPose
from tests.factories import make_benefit, make_draft, make_pose, make_safety_note, make_step

pytestmark = pytest.mark.django_db


# Database constraints: each rule holds even when the admin's checks are bypassed.


def test_two_steps_of_one_pose_cannot_share_a_position():
    pose = make_pose()
    make_step(pose, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_step(pose, 1)


def test_steps_of_different_poses_may_share_a_position():
    make_step(make_pose(), 1)
    make_step(make_pose(), 1)


def test_a_pose_cannot_prepare_for_itself():
    pose = make_pose()
    with pytest.raises(IntegrityError), transaction.atomic():
        PoseLink.objects.create(preparatory=pose, follow_up=pose)


def test_a_preparatory_link_is_stored_once():
    first, second = make_pose(), make_pose()
    PoseLink.objects.create(preparatory=first, follow_up=second)
    with pytest.raises(IntegrityError), transaction.atomic():
        PoseLink.objects.create(preparatory=first, follow_up=second)


def test_a_pose_cannot_be_related_to_itself():
    pose = make_pose()
    with pytest.raises(IntegrityError), transaction.atomic():
        RelatedPose.objects.create(pose=pose, related=pose)


def test_two_poses_cannot_share_a_slug():
    make_pose(slug="janusirsasana")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_pose(slug="janusirsasana")


def test_two_poses_cannot_share_a_sanskrit_name():
    make_pose(sanskrit_name="Janusirsasana")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_pose(sanskrit_name="Janusirsasana")


def test_shortest_hold_cannot_exceed_longest_hold():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_pose(hold_min_seconds=180, hold_max_seconds=30)


def test_equal_shortest_and_longest_hold_is_allowed():
    pose = make_pose(hold_min_seconds=60, hold_max_seconds=60)
    assert pose.pk


def test_an_image_needs_alt_text():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_pose(image="poses/janusirsasana.jpg", image_alt="")


def test_an_image_with_alt_text_is_allowed():
    pose = make_pose(image="poses/janusirsasana.jpg", image_alt="A student folds over one leg")
    assert pose.pk


# clean(): the same rules, worded for the teacher in the admin.


def test_clean_explains_a_hold_range_that_is_backwards():
    pose = Pose(hold_min_seconds=180, hold_max_seconds=30)
    with pytest.raises(ValidationError) as error:
        pose.clean()
    assert error.value.message_dict == {
        "hold_max_seconds": ["The longest hold cannot be shorter than the shortest hold."]
    }


def test_clean_explains_a_missing_image_description():
    pose = Pose(image="poses/janusirsasana.jpg", image_alt="  ")
    with pytest.raises(ValidationError) as error:
        pose.clean()
    assert "image_alt" in error.value.message_dict


def test_clean_explains_a_pose_preparing_for_itself():
    pose = make_pose()
    with pytest.raises(ValidationError) as error:
        PoseLink(preparatory=pose, follow_up=pose).clean()
    assert error.value.messages == ["A pose cannot prepare for itself."]


def test_clean_explains_a_pose_related_to_itself():
    pose = make_pose()
    with pytest.raises(ValidationError) as error:
        RelatedPose(pose=pose, related=pose).clean()
    assert error.value.messages == ["A pose cannot be related to itself."]


def test_clean_accepts_a_link_between_two_poses():
    first, second = make_pose(), make_pose()
    PoseLink(preparatory=first, follow_up=second).clean()
    RelatedPose(pose=first, related=second).clean()


# Related poses are symmetric: both pages always agree.


def test_relating_a_pose_creates_the_mirror_row():
    first, second = make_pose(), make_pose()
    RelatedPose.objects.create(pose=first, related=second, kind=RelatedPose.Kind.VARIATION)
    mirror = RelatedPose.objects.get(pose=second, related=first)
    assert mirror.kind == RelatedPose.Kind.VARIATION
    assert RelatedPose.objects.count() == 2


def test_saving_the_mirror_again_adds_no_rows():
    first, second = make_pose(), make_pose()
    RelatedPose.objects.create(pose=first, related=second)
    RelatedPose.objects.get(pose=second, related=first).save()
    assert RelatedPose.objects.count() == 2


def test_deleting_a_related_pose_deletes_its_mirror():
    first, second = make_pose(), make_pose()
    link = RelatedPose.objects.create(pose=first, related=second)
    link.delete()
    assert not RelatedPose.objects.exists()


def test_deleting_the_mirror_deletes_the_original():
    first, second = make_pose(), make_pose()
    RelatedPose.objects.create(pose=first, related=second)
    RelatedPose.objects.get(pose=second, related=first).delete()
    assert not RelatedPose.objects.exists()


def test_changing_the_kind_updates_the_mirror():
    first, second = make_pose(), make_pose()
    link = RelatedPose.objects.create(pose=first, related=second, kind=RelatedPose.Kind.VARIATION)
    link.kind = RelatedPose.Kind.ALTERNATIVE
    link.save()
    mirror = RelatedPose.objects.get(pose=second, related=first)
    assert mirror.kind == RelatedPose.Kind.ALTERNATIVE


def test_changing_the_related_pose_moves_the_mirror():
    first, second, third = make_pose(), make_pose(), make_pose()
    link = RelatedPose.objects.create(pose=first, related=second)
    link.related = third
    link.save()
    pairs = set(RelatedPose.objects.values_list("pose_id", "related_id"))
    assert pairs == {(first.pk, third.pk), (third.pk, first.pk)}


# Publishing


def test_published_excludes_drafts():
    published = make_pose()
    make_draft()
    assert list(Pose.objects.published()) == [published]


def test_published_excludes_poses_scheduled_for_later():
    published = make_pose()
    make_pose(published_at=timezone.now() + timedelta(days=1))
    assert list(Pose.objects.published()) == [published]


def test_published_includes_poses_published_in_the_past():
    pose = make_pose(published_at=timezone.now() - timedelta(days=30))
    assert list(Pose.objects.published()) == [pose]


def test_publishing_without_a_date_publishes_now():
    before = timezone.now()
    pose = make_pose(published_at=None)
    assert before <= pose.published_at <= timezone.now()
    assert pose.is_published


def test_publishing_a_draft_later_sets_the_date_then():
    pose = make_draft()
    assert pose.published_at is None
    pose.status = Pose.Status.PUBLISHED
    pose.save()
    pose.refresh_from_db()
    assert pose.published_at is not None
    assert Pose.objects.published().filter(pk=pose.pk).exists()


def test_saving_a_draft_leaves_the_date_empty():
    pose = make_draft()
    assert pose.published_at is None
    assert not pose.is_published


# How the pose reads


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (30, 180, "30 seconds to 3 minutes"),
        (60, 120, "1 minute to 2 minutes"),
        (90, 180, "90 seconds to 3 minutes"),
        (1, 30, "1 second to 30 seconds"),
        (60, 60, "1 minute"),
        (45, None, "45 seconds"),
        (None, 120, "2 minutes"),
        (None, None, ""),
    ],
)
def test_hold_range_reads_as_a_teacher_would_say_it(low, high, expected):
    assert Pose(hold_min_seconds=low, hold_max_seconds=high).hold_range() == expected


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Forward-Bend", "Forward bend"),
        ("Hip-Opener", "Hip opener"),
        ("Head below heart", "Head below heart"),
        ("Backbend", "Backbend"),
        ("Hip-Opener (Iyengar)", "Hip-Opener (Iyengar)"),
    ],
)
def test_a_pose_type_named_like_a_slug_reads_as_words(name, label):
    assert str(PoseType(name=name)) == label


def test_other_names_list_skips_blank_lines():
    pose = Pose(other_names="Head-on-knee Pose\n\n  Janu Sirsasana  \n")
    assert pose.other_names_list() == ["Head-on-knee Pose", "Janu Sirsasana"]


# Markdown is rendered into the *_html fields when saved.


def test_pose_markdown_fields_are_rendered_on_save():
    pose = make_pose(
        introduction="Described by *Krishnamacharya*.",
        practice_time="Best **early** in the morning.",
        closing_notes="- not a headstand",
    )
    pose.refresh_from_db()
    assert pose.introduction_html == "<p>Described by <em>Krishnamacharya</em>.</p>"
    assert pose.practice_time_html == "<p>Best <strong>early</strong> in the morning.</p>"
    assert pose.closing_notes_html == "<ul>\n<li>not a headstand</li>\n</ul>"


def test_pose_html_is_rendered_again_after_an_edit():
    pose = make_pose(introduction="First *draft*.")
    pose.introduction = "Second **version**."
    pose.save()
    pose.refresh_from_db()
    assert pose.introduction_html == "<p>Second <strong>version</strong>.</p>"


def test_step_instruction_is_rendered_on_save():
    step = make_step(make_pose(), 1, instruction="Sit on a *folded blanket*.")
    step.refresh_from_db()
    assert step.instruction_html == "<p>Sit on a <em>folded blanket</em>.</p>"


def test_benefit_and_safety_note_text_is_rendered_on_save():
    pose = make_pose()
    benefit = make_benefit(pose, 1, text="Calms the **mind**.")
    note = make_safety_note(pose, 1, text="Avoid with a *knee injury*.")
    benefit.refresh_from_db()
    note.refresh_from_db()
    assert benefit.text_html == "<p>Calms the <strong>mind</strong>.</p>"
    assert note.text_html == "<p>Avoid with a <em>knee injury</em>.</p>"


def test_stored_html_is_sanitised_on_save():
    pose = make_pose(introduction='Hello <script>alert(1)</script><img src=x onerror="alert(1)">')
    pose.refresh_from_db()
    assert "<script" not in pose.introduction_html
    assert "onerror" not in pose.introduction_html
    assert "Hello" in pose.introduction_html


def test_a_pose_cannot_be_its_own_substitute():
    pose = make_pose()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_safety_note(pose, 1, substitute=pose)
