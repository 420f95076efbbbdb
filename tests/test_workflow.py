"""Several people edit the library: roles, history with undo, concurrent edits, bulk links."""

import pytest
import reversion
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from reversion.models import Version

from poses.models import Counterpose, Pose, PoseLink, RelatedPose, Step
from sequences.models import Sequence
from tests.admin_forms import (
    admin_post_data,
    assert_saved,
    change_url,
    form_errors,
    pose_fields,
    step_row,
    step_titles_on_page,
)
from tests.factories import make_draft, make_member, make_pose, make_step

pytestmark = pytest.mark.django_db


def save_steps(client, pose, titles):
    """Save the pose from its admin page with the steps given, in this order."""
    page = client.get(change_url(pose))
    steps = {step.title: step for step in pose.steps.all()}
    rows = [step_row(title, position, steps.get(title)) for position, title in enumerate(titles, 1)]
    for gone in set(steps) - set(titles):
        rows.append(step_row(gone, 99, steps[gone], DELETE="on"))
    rows.sort(key=lambda row: "id" not in row)  # existing rows first, as the page lists them
    return client.post(change_url(pose), admin_post_data(page, pose_fields(pose), {"steps": rows}))


# Roles


def test_every_install_has_the_two_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Teachers", "Studio staff"}


def test_a_teacher_can_add_a_pose(client):
    client.force_login(make_member("Teachers"))
    page = client.get("/admin/poses/pose/add/")
    assert page.status_code == 200
    response = client.post(
        "/admin/poses/pose/add/",
        admin_post_data(page, pose_fields(), {"steps": [step_row("Sit tall", 1)]}),
    )
    assert_saved(response)
    assert Pose.objects.get(slug="janusirsasana").steps.count() == 1


def test_a_teacher_can_publish_and_reorder_steps(client):
    pose = make_draft()
    for position, title in enumerate(["One", "Two"], 1):
        make_step(pose, position, title=title)
    client.force_login(make_member("Teachers"))
    page = client.get(change_url(pose))
    steps = list(pose.steps.all())
    data = admin_post_data(
        page,
        pose_fields(pose, status="published"),
        {"steps": [step_row("One", 2, steps[0]), step_row("Two", 1, steps[1])]},
    )
    assert_saved(client.post(change_url(pose), data))
    assert step_titles_on_page(client, pose.slug) == ["Two", "One"]


def test_a_teacher_cannot_delete_a_pose(client):
    pose = make_pose()
    client.force_login(make_member("Teachers"))
    assert client.get(f"/admin/poses/pose/{pose.pk}/delete/").status_code == 403


def test_a_teacher_cannot_add_links_on_their_own(client):
    client.force_login(make_member("Teachers"))
    assert client.get("/admin/poses/poselink/add/").status_code == 403


def test_studio_staff_can_link_two_poses(client):
    first, second = make_pose(), make_pose()
    client.force_login(make_member("Studio staff"))
    response = client.post(
        "/admin/poses/poselink/add/",
        {"preparatory": first.pk, "follow_up": second.pk, "reason": "Warms up"},
    )
    assert response.status_code == 302
    assert PoseLink.objects.filter(preparatory=first, follow_up=second).exists()


def test_studio_staff_can_read_a_pose_but_not_change_it(client):
    pose = make_pose(english_name="Staff Pose")
    client.force_login(make_member("Studio staff"))
    assert client.get(change_url(pose)).status_code == 200
    page = client.get(change_url(pose))
    response = client.post(
        change_url(pose),
        {**admin_post_data(page, pose_fields(pose, english_name="Changed"))},
    )
    assert response.status_code == 403
    pose.refresh_from_db()
    assert pose.english_name == "Staff Pose"


def test_studio_staff_cannot_add_poses(client):
    client.force_login(make_member("Studio staff"))
    assert client.get("/admin/poses/pose/add/").status_code == 403


def test_create_studio_user_makes_a_teacher(monkeypatch):
    monkeypatch.setenv("NEW_PASSWORD", "sun salutation at dawn")
    call_command("create_studio_user", "asha", role="teacher", password_from_env="NEW_PASSWORD")
    user = get_user_model().objects.get(username="asha")
    assert user.is_staff and not user.is_superuser
    assert user.check_password("sun salutation at dawn")
    assert list(user.groups.values_list("name", flat=True)) == ["Teachers"]


def test_create_studio_user_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("NEW_PASSWORD", "password")
    with pytest.raises(CommandError, match="too common"):
        call_command("create_studio_user", "ben", role="staff", password_from_env="NEW_PASSWORD")
    assert not get_user_model().objects.filter(username="ben").exists()


# Publishing


def test_a_scheduled_pose_becomes_public_when_its_time_comes(client, monkeypatch):
    publish_at = timezone.now() + timezone.timedelta(hours=2)
    pose = make_pose(english_name="Dawn Pose", published_at=publish_at)
    assert client.get(pose.get_absolute_url()).status_code == 404

    later = publish_at + timezone.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert client.get(pose.get_absolute_url()).status_code == 200
    assert "Dawn Pose" in client.get("/poses/").content.decode()


# History


def test_every_admin_save_is_kept_as_a_version_with_its_steps(admin_client):
    pose = make_pose()
    make_step(pose, 1, title="Sit")
    assert_saved(save_steps(admin_client, pose, ["Sit", "Fold"]))
    assert_saved(save_steps(admin_client, pose, ["Fold"]))

    versions = Version.objects.get_for_object(pose)
    assert versions.count() == 2
    steps_kept = [
        sorted(
            v.field_dict["title"] for v in version.revision.version_set.all() if v._model is Step
        )
        for version in versions
    ]
    assert steps_kept == [["Fold"], ["Fold", "Sit"]]


def test_history_shows_who_saved_and_when(admin_client, admin_user):
    pose = make_pose()
    assert_saved(save_steps(admin_client, pose, ["Sit"]))
    page = admin_client.get(f"/admin/poses/pose/{pose.pk}/history/").content.decode()
    assert admin_user.username in page
    assert "Compare the two versions" not in page  # only one version yet


def test_comparing_two_versions_shows_what_changed(admin_client):
    pose = make_pose()
    assert_saved(save_steps(admin_client, pose, ["Sit tall", "Bend the knee"]))
    assert_saved(save_steps(admin_client, pose, ["Sit tall", "Fold forward"]))
    newer, older = Version.objects.get_for_object(pose)

    page = admin_client.get(
        f"/admin/poses/pose/{pose.pk}/history/compare/?older={older.pk}&newer={newer.pk}"
    ).content.decode()

    removed = '<li class="diff-removed"><span class="visually-hidden">Removed: </span>'
    added = '<li class="diff-added"><span class="visually-hidden">Added: </span>'
    assert f"{removed}Step 2: Bend the knee</li>" in page
    assert f"{added}Step 2: Fold forward</li>" in page
    assert "<li>Step 1: Sit tall</li>" in page


def test_a_bad_edit_is_undone_by_restoring_the_version_before_it(admin_client):
    pose = make_pose()
    assert_saved(save_steps(admin_client, pose, ["Sit", "Bend", "Fold"]))
    # The bad edit: steps reordered and one lost.
    assert_saved(save_steps(admin_client, pose, ["Fold", "Sit"]))
    assert step_titles_on_page(admin_client, pose.slug) == ["Fold", "Sit"]

    good = Version.objects.get_for_object(pose).last()
    revert_url = f"/admin/poses/pose/{pose.pk}/history/{good.pk}/"
    page = admin_client.get(revert_url)
    assert page.status_code == 200
    # Looking at the old version changes nothing yet.
    assert step_titles_on_page(admin_client, pose.slug) == ["Fold", "Sit"]

    # The page shows the old version's steps, the lost one included: save them as shown.
    formset = next(
        i.formset for i in page.context["inline_admin_formsets"] if i.formset.prefix == "steps"
    )
    shown = [form.instance for form in formset.initial_forms]
    assert [step.title for step in shown] == ["Sit", "Bend", "Fold"]
    restored_rows = [step_row(step.title, step.position, step) for step in shown]
    assert_saved(
        admin_client.post(
            revert_url, admin_post_data(page, pose_fields(pose), {"steps": restored_rows})
        )
    )
    assert step_titles_on_page(admin_client, pose.slug) == ["Sit", "Bend", "Fold"]


def test_deleting_a_linked_pose_asks_first_and_lists_its_links(admin_client):
    pose = make_pose(sanskrit_name="Dandasana")
    other = make_pose(sanskrit_name="Janusirsasana")
    PoseLink.objects.create(preparatory=pose, follow_up=other)
    page = admin_client.get(f"/admin/poses/pose/{pose.pk}/delete/").content.decode()
    assert "Are you sure" in page
    assert "Dandasana prepares for Janusirsasana" in page
    assert Pose.objects.filter(pk=pose.pk).exists()


def test_a_deleted_pose_can_be_recovered_with_its_steps(admin_client):
    pose = make_pose(sanskrit_name="Lostasana")
    assert_saved(save_steps(admin_client, pose, ["Sit", "Fold"]))
    assert (
        admin_client.post(f"/admin/poses/pose/{pose.pk}/delete/", {"post": "yes"}).status_code
        == 302
    )
    assert not Pose.objects.filter(sanskrit_name="Lostasana").exists()

    recover_list = admin_client.get("/admin/poses/pose/recover/").content.decode()
    assert "Lostasana" in recover_list
    deleted = Version.objects.get_deleted(Pose).get()
    page = admin_client.get(f"/admin/poses/pose/recover/{deleted.pk}/")
    formset = next(
        i.formset for i in page.context["inline_admin_formsets"] if i.formset.prefix == "steps"
    )
    rows = [step_row(f.instance.title, f.instance.position, f.instance) for f in formset.forms]
    data = admin_post_data(page, pose_fields(pose, sanskrit_name="Lostasana"), {"steps": rows})
    assert_saved(admin_client.post(f"/admin/poses/pose/recover/{deleted.pk}/", data))
    recovered = Pose.objects.get(sanskrit_name="Lostasana")
    assert list(recovered.steps.values_list("title", flat=True)) == ["Sit", "Fold"]


# Concurrent edits


def test_a_second_save_from_an_outdated_page_is_refused_and_keeps_its_text(admin_client):
    pose = make_pose(english_name="Head to Knee Pose")
    first_page = admin_client.get(change_url(pose))
    second_page = admin_client.get(change_url(pose))

    assert_saved(
        admin_client.post(
            change_url(pose),
            admin_post_data(first_page, pose_fields(pose, english_name="First teacher's name")),
        )
    )
    response = admin_client.post(
        change_url(pose),
        admin_post_data(second_page, pose_fields(pose, english_name="Second teacher's name")),
    )

    assert response.status_code == 200
    assert "Someone else saved this pose" in str(form_errors(response))
    assert 'value="Second teacher&#x27;s name"' in response.content.decode()
    pose.refresh_from_db()
    assert pose.english_name == "First teacher's name"


def test_saving_again_after_merging_replaces_the_other_version(admin_client):
    pose = make_pose()
    first_page = admin_client.get(change_url(pose))
    second_page = admin_client.get(change_url(pose))
    assert_saved(
        admin_client.post(
            change_url(pose), admin_post_data(first_page, pose_fields(pose, summary="First."))
        )
    )
    refused = admin_client.post(
        change_url(pose), admin_post_data(second_page, pose_fields(pose, summary="Merged."))
    )
    marker = refused.context["adminform"].form["loaded_version"].value()

    data = admin_post_data(second_page, pose_fields(pose, summary="First. Merged."))
    data["loaded_version"] = marker
    assert_saved(admin_client.post(change_url(pose), data))
    pose.refresh_from_db()
    assert pose.summary == "First. Merged."


# Bulk links


def bulk_link(client, poses, **form):
    return client.post(
        "/admin/poses/pose/",
        {"action": "link_poses", "_selected_action": [p.pk for p in poses], "apply": "1", **form},
    )


def test_staff_link_many_poses_to_one_preparatory_pose_at_once(client):
    warm_up = make_pose(sanskrit_name="Tadasana")
    poses = [make_pose() for _ in range(3)]
    client.force_login(make_member("Studio staff"))

    response = bulk_link(client, poses, relation="prepared_by", other=warm_up.pk, reason="Grounds")

    assert response.status_code == 302
    for pose in poses:
        assert PoseLink.objects.filter(
            preparatory=warm_up, follow_up=pose, reason="Grounds"
        ).exists()


def test_bulk_related_poses_are_shown_on_both_sides(client):
    counterpose = make_pose()
    poses = [make_pose(), make_pose()]
    client.force_login(make_member("Studio staff"))
    bulk_link(client, poses, relation="alternative", other=counterpose.pk)
    assert RelatedPose.objects.filter(pose=counterpose, kind="alternative").count() == 2


def test_bulk_counterposes_point_one_way(client):
    counterpose = make_pose()
    poses = [make_pose(), make_pose()]
    client.force_login(make_member("Studio staff"))
    bulk_link(client, poses, relation="counterpose", other=counterpose.pk)
    assert Counterpose.objects.filter(counterpose=counterpose).count() == 2
    assert not Counterpose.objects.filter(pose=counterpose).exists()


def test_bulk_linking_skips_existing_links_and_the_pose_itself(admin_client):
    other = make_pose()
    pose = make_pose()
    PoseLink.objects.create(preparatory=pose, follow_up=other, reason="Kept")
    bulk_link(admin_client, [pose, other], relation="prepares_for", other=other.pk, reason="New")
    assert list(PoseLink.objects.values_list("reason", flat=True)) == ["Kept"]


def test_the_bulk_form_asks_which_pose_first(admin_client):
    poses = [make_pose(sanskrit_name="Firstasana"), make_pose(sanskrit_name="Secondasana")]
    page = admin_client.post(
        "/admin/poses/pose/",
        {"action": "link_poses", "_selected_action": [p.pk for p in poses]},
    )
    assert page.status_code == 200
    assert "Firstasana, Secondasana" in page.content.decode()
    assert not PoseLink.objects.exists()


def test_teachers_do_not_get_the_bulk_link_action(client):
    make_pose()
    client.force_login(make_member("Teachers"))
    assert "link_poses" not in client.get("/admin/poses/pose/").content.decode()


# History pages for an id that names nothing: a clear answer, never a server error


@pytest.mark.parametrize(
    "url",
    [
        "/admin/poses/pose/abc/history/",
        "/admin/poses/pose/abc/history/compare/",
        "/admin/poses/pose/abc/history/1/",
        "/admin/poses/pose/999999/history/1/",
        "/admin/sequences/sequence/abc/history/",
        "/admin/sequences/sequence/abc/history/compare/",
        "/admin/sequences/sequence/abc/history/1/",
        "/admin/sequences/sequence/999999/history/1/",
    ],
)
def test_a_history_page_for_an_id_that_names_nothing_is_not_found(admin_client, url):
    response = admin_client.get(url)
    # 404, or the admin's own redirect with "… doesn't exist. Perhaps it was deleted?"
    assert response.status_code in {302, 404}


@pytest.mark.parametrize(
    "query", ["older=abc&newer=1", "older=1&newer=", "", "older=99999999999999999999999&newer=1"]
)
def test_comparing_versions_that_do_not_exist_is_not_found(admin_client, query):
    pose = make_pose()
    assert_saved(save_steps(admin_client, pose, ["Sit"]))
    response = admin_client.get(f"/admin/poses/pose/{pose.pk}/history/compare/?{query}")
    assert response.status_code == 404


def test_staff_who_only_view_poses_cannot_open_a_restore_and_nothing_is_written(
    admin_client, client
):
    pose = make_pose()
    assert_saved(save_steps(admin_client, pose, ["Sit"]))
    version = Version.objects.get_for_object(pose).get()
    client.force_login(make_member("Studio staff"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/admin/poses/pose/{pose.pk}/history/{version.pk}/")
    assert response.status_code == 403
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]


def test_staff_who_only_view_sequences_cannot_open_a_restore_and_nothing_is_written(client):
    sequence = Sequence.objects.create(title="Evening class", slug="evening-class")
    with reversion.create_revision():
        sequence.save()
    version = Version.objects.get_for_object(sequence).get()
    viewer = make_member("Studio staff")
    viewer.user_permissions.add(Permission.objects.get(codename="view_sequence"))
    client.force_login(viewer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/admin/sequences/sequence/{sequence.pk}/history/{version.pk}/")
    assert response.status_code == 403
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
