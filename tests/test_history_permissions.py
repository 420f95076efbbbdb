"""Restoring a version and recovering a deleted pose honour the admin forms' permissions."""

import pytest
import reversion
from reversion.models import Version

from poses.models import Counterpose, Pose, PoseLink
from tests.admin_forms import admin_post_data, assert_saved, pose_fields
from tests.factories import make_pose, make_teacher

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
