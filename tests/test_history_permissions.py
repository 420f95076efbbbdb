"""Restoring a version and recovering a deleted pose honour the admin forms' permissions."""

import pytest
import reversion
from django.contrib.auth.models import Permission
from reversion.models import Version

from poses.models import Counterpose, Pose, PoseLink, SafetyNote
from tests.admin_forms import admin_post_data, assert_saved, pose_fields
from tests.factories import make_pose, make_safety_note, make_staff, make_teacher

pytestmark = pytest.mark.django_db


def saved_version(pose, **changes):
    """Save the pose with `changes` as one version of its history; return that version."""
    Pose.objects.filter(pk=pose.pk).update(**changes)
    with reversion.create_revision():
        reversion.add_to_revision(Pose.objects.get(pk=pose.pk))
    return Version.objects.get_for_object(pose).first()


def as_shown(page, pose, **overrides):
    """The restore or recover form posted as the page shows it, every inline row as it is."""
    rows = {
        inline.formset.prefix: [
            {name: "" if value is None else str(value) for name, value in form.initial.items()}
            | {"id": str(form.instance.pk)}
            for form in inline.formset.forms
        ]
        for inline in page.context["inline_admin_formsets"]
    }
    return admin_post_data(page, pose_fields(pose, **overrides), rows)


def restore(client, pose, version, **overrides):
    url = f"/admin/poses/pose/{pose.pk}/history/{version.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert_saved(client.post(url, as_shown(page, pose, **overrides)))
    return page


def test_a_teacher_restoring_a_version_keeps_a_link_staff_added_since(client):
    pose, other = make_pose(summary="Old"), make_pose()
    old = saved_version(pose, summary="Old")
    PoseLink.objects.create(preparatory=other, follow_up=pose, reason="Added by staff")
    Pose.objects.filter(pk=pose.pk).update(summary="New")
    client.force_login(make_teacher())

    page = restore(client, pose, old, summary="Old")

    assert "Restoring keeps preparatory poses" in page.content.decode()
    assert PoseLink.objects.filter(follow_up=pose, reason="Added by staff").exists()
    assert Pose.objects.get(pk=pose.pk).summary == "Old"


def test_a_teacher_restoring_a_version_brings_back_no_link_staff_removed(client):
    pose, other = make_pose(), make_pose()
    Counterpose.objects.create(pose=pose, counterpose=other)
    old = saved_version(pose)
    Counterpose.objects.all().delete()
    client.force_login(make_teacher())

    restore(client, pose, old)

    assert not Counterpose.objects.exists()
    newest = Version.objects.get_for_object(pose).first()
    assert not newest.revision.version_set.filter(content_type__model="counterpose").exists()


def test_an_admin_restoring_a_version_restores_its_links_too(admin_client):
    pose, other = make_pose(), make_pose()
    Counterpose.objects.create(pose=pose, counterpose=other)
    old = saved_version(pose)
    Counterpose.objects.all().delete()

    restore(admin_client, pose, old)

    assert Counterpose.objects.filter(pose=pose, counterpose=other).exists()


def deleted_pose_version(client, pose):
    saved_version(pose)
    assert client.post(f"/admin/poses/pose/{pose.pk}/delete/", {"post": "yes"}).status_code == 302
    return Version.objects.get_deleted(Pose).get()


def recover(client, version, pose):
    url = f"/admin/poses/pose/recover/{version.pk}/"
    page = client.get(url)
    assert "comes back as a draft" in page.content.decode()
    assert_saved(client.post(url, as_shown(page, pose)))
    return Pose.objects.get(slug=pose.slug)


def test_a_recovered_pose_comes_back_as_a_draft(admin_client):
    pose = make_pose()
    version = deleted_pose_version(admin_client, pose)

    recovered = recover(admin_client, version, pose)

    assert recovered.status == Pose.Status.DRAFT
    assert admin_client.logout() is None
    assert admin_client.get(recovered.get_absolute_url()).status_code == 404


def test_a_pose_a_teacher_recovers_comes_back_without_links(admin_client, client):
    pose, other = make_pose(), make_pose()
    PoseLink.objects.create(preparatory=pose, follow_up=other)
    version = deleted_pose_version(admin_client, pose)
    client.force_login(make_teacher())

    recovered = recover(client, version, pose)

    assert recovered.status == Pose.Status.DRAFT
    assert not PoseLink.objects.exists()


# What other poses pointed at a deleted pose comes back with it


@pytest.fixture
def suggested():
    """Halasana's avoid note says "instead, try" Viparita Karani, which also starts from it
    (for the test's sake): deleting Viparita Karani empties both."""
    halasana = make_pose(sanskrit_name="Halasana", slug="halasana")
    viparita = make_pose(sanskrit_name="Viparita Karani", slug="viparita-karani")
    note = make_safety_note(halasana, 1, kind=SafetyNote.Kind.AVOID, substitute=viparita)
    Pose.objects.filter(pk=halasana.pk).update(starting_position=viparita)
    return halasana, viparita, note


def test_recovering_a_pose_points_other_poses_instead_try_back_at_it(admin_client, suggested):
    halasana, viparita, note = suggested
    version = deleted_pose_version(admin_client, viparita)
    note.refresh_from_db()
    assert note.substitute is None

    recovered = recover(admin_client, version, viparita)

    note.refresh_from_db()
    assert note.substitute == recovered
    assert Pose.objects.get(pk=halasana.pk).starting_position == recovered


def test_a_teacher_recovering_a_pose_points_the_notes_back_too(admin_client, client, suggested):
    _, viparita, note = suggested
    version = deleted_pose_version(admin_client, viparita)
    client.force_login(make_teacher())

    recovered = recover(client, version, viparita)

    note.refresh_from_db()
    assert note.substitute == recovered


def test_a_note_given_another_substitute_since_keeps_it(admin_client, suggested):
    halasana, viparita, note = suggested
    version = deleted_pose_version(admin_client, viparita)
    other = make_pose(sanskrit_name="Supta Baddha Konasana", slug="supta-baddha-konasana")
    note.substitute = other
    note.save()
    skipped = make_safety_note(halasana, 2, kind=SafetyNote.Kind.AVOID, no_substitute=True)

    recover(admin_client, version, viparita)

    note.refresh_from_db()
    skipped.refresh_from_db()
    assert note.substitute == other
    assert skipped.substitute is None


def test_a_note_emptied_on_purpose_after_the_deletion_stays_empty(admin_client, suggested):
    halasana, viparita, note = suggested
    version = deleted_pose_version(admin_client, viparita)
    with reversion.create_revision():  # Halasana saved since, its note without a substitute
        reversion.add_to_revision(Pose.objects.get(pk=halasana.pk))

    recover(admin_client, version, viparita)

    note.refresh_from_db()
    assert note.substitute is None


def test_recovering_does_not_change_notes_the_user_may_not_change(admin_client, client, suggested):
    _, viparita, note = suggested
    version = deleted_pose_version(admin_client, viparita)
    editor = make_staff("pose-editor")
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_pose", "change_pose", "view_pose"])
    )
    client.force_login(editor)

    url = f"/admin/poses/pose/recover/{version.pk}/"
    response = client.post(url, as_shown(client.get(url), viparita), follow=True)

    assert "your account may not change them" in response.content.decode()
    note.refresh_from_db()
    assert note.substitute is None


def test_deleting_a_pose_saves_a_version_of_each_pose_that_named_it(admin_client, suggested):
    halasana, viparita, _ = suggested
    deleted_pose_version(admin_client, viparita)
    (version,) = Version.objects.get_for_object(halasana)
    assert version.revision.comment == "Before Viparita Karani was deleted"


def test_poses_deleted_together_leave_no_versions_behind(suggested):
    halasana, viparita, _ = suggested
    Pose.objects.filter(pk__in=[halasana.pk, viparita.pk]).delete()
    assert not Version.objects.exists()
