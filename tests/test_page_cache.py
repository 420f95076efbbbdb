"""Public pages are cached for visitors, and a teacher's save shows on the next request."""

import pytest
from django.utils import timezone

from poses.models import BodyArea, Condition, PoseLink, PoseType, RelatedPose, SafetyNote, Step
from tests.factories import make_benefit, make_pose, make_safety_note, make_staff, make_step
from tests.pages import queries_for

pytestmark = pytest.mark.django_db


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_visit_is_served_without_touching_the_database(client):
    pose = make_pose()
    html(client, pose.get_absolute_url())
    assert queries_for(client, pose.get_absolute_url()) == 0
    assert queries_for(client, "/poses/") > 0  # another page is its own entry
    assert queries_for(client, "/poses/") == 0


def test_logged_in_staff_never_get_the_cached_page(client):
    pose = make_pose()
    html(client, pose.get_absolute_url())
    client.force_login(make_staff())
    assert queries_for(client, pose.get_absolute_url()) > 0


def test_a_renamed_pose_shows_everywhere_at_once(client, django_capture_on_commit_callbacks):
    pose = make_pose(english_name="Old Name Pose")
    other = make_pose()
    PoseLink.objects.create(preparatory=pose, follow_up=other)
    pages = [pose.get_absolute_url(), other.get_absolute_url(), "/poses/", "/", "/poses/?q=old"]
    for url in pages:
        assert "Old Name Pose" in html(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        pose.english_name = "New Name Pose"
        pose.save()

    for url in pages[:-1]:
        page = html(client, url)
        assert "New Name Pose" in page
        assert "Old Name Pose" not in page
    assert "New Name Pose" in html(client, "/poses/?q=new+name")


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda pose: make_step(pose, 2, title="A brand new step"), "A brand new step"),
        (lambda pose: Step.objects.filter(pose=pose).get().delete(), "Only step"),
        (lambda pose: make_benefit(pose, 1, text="Calms the busy mind"), "Calms the busy mind"),
        (lambda pose: make_safety_note(pose, 1, text="Mind the wrists"), "Mind the wrists"),
        (
            lambda pose: pose.pose_types.add(PoseType.objects.create(name="Twisty", slug="twisty")),
            "Twisty",
        ),
        (
            lambda pose: pose.stretches.add(BodyArea.objects.create(name="Calves", slug="calves")),
            "Calves",
        ),
        (
            lambda pose: PoseLink.objects.create(
                preparatory=make_pose(english_name="Warm Up Pose"), follow_up=pose
            ),
            "Warm Up Pose",
        ),
        (
            lambda pose: RelatedPose.objects.create(
                pose=pose, related=make_pose(english_name="Cousin Pose")
            ),
            "Cousin Pose",
        ),
    ],
    ids=[
        "step added",
        "step deleted",
        "benefit",
        "safety note",
        "pose type",
        "body area",
        "link",
        "related",
    ],
)
def test_every_kind_of_edit_shows_on_the_next_request(
    client, edit, expected, django_capture_on_commit_callbacks
):
    pose = make_pose()
    make_step(pose, 1, title="Only step")
    before = html(client, pose.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        edit(pose)

    after = html(client, pose.get_absolute_url())
    assert after != before
    assert (expected in after) != (expected in before)


def test_a_renamed_condition_shows_on_the_pose_page(client, django_capture_on_commit_callbacks):
    pose = make_pose()
    note = make_safety_note(pose, 1)
    condition = Condition.objects.create(name="Sore knees", slug="sore-knees")
    note.conditions.add(condition)
    assert "Sore knees" in html(client, pose.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        condition.name = "Knee injury"
        condition.save()

    assert "Knee injury" in html(client, pose.get_absolute_url())


def test_unpublishing_a_pose_hides_it_at_once(client, django_capture_on_commit_callbacks):
    pose = make_pose(english_name="Soon Hidden Pose")
    assert "Soon Hidden Pose" in html(client, "/poses/")
    with django_capture_on_commit_callbacks(execute=True):
        pose.status = pose.Status.DRAFT
        pose.save()
    assert client.get(pose.get_absolute_url()).status_code == 404
    assert "Soon Hidden Pose" not in html(client, "/poses/")


def test_a_scheduled_pose_appears_when_its_time_comes(client, move_clock):
    soon = timezone.now() + timezone.timedelta(seconds=30)
    make_pose(english_name="Scheduled Pose", published_at=soon)
    assert "Scheduled Pose" not in html(client, "/poses/")
    assert queries_for(client, "/poses/") == 0  # served from the cache meanwhile

    move_clock(soon + timezone.timedelta(seconds=1))
    assert "Scheduled Pose" in html(client, "/poses/")


def test_changes_committed_by_another_process_renew_the_pages(
    client, django_capture_on_commit_callbacks
):
    pose = make_pose(english_name="Before Pose")
    html(client, "/poses/")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        SafetyNote.objects.create(pose=pose, position=1, text="After the commit")
    assert callbacks  # the version is renewed again once the change is committed
    assert "Before Pose" in html(client, "/poses/")
