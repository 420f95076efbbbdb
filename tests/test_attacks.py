"""The attack of issue 14, replayed: one short test per thing an attacker or a busy studio
did to a production-like install, each answered as it must be now. The focused tests of each
subject live beside their code's other tests; this module is where the attack surface reads
in one place."""

import pytest
import reversion
from reversion.models import Version

from poses.models import Pose, PoseLink
from sequences.models import Sequence
from tests import test_sequences
from tests.conftest import make_pose
from tests.test_admin import change_url, form_errors
from tests.test_history_permissions import as_shown, restore
from tests.test_uploads import make_member

pytestmark = pytest.mark.django_db

STALE = "Someone else saved this pose"


# 6. Two people editing links: a pose form opened before a link changed refuses to save


def link_change_url(link):
    return f"/admin/poses/poselink/{link.pk}/change/"


@pytest.fixture
def linked():
    """Dandasana prepares for Janusirsasana: one fact, on both poses' admin pages."""
    janu = make_pose(sanskrit_name="Janusirsasana", slug="janusirsasana")
    dandasana = make_pose(sanskrit_name="Dandasana", slug="dandasana", english_name="Staff Pose")
    link = PoseLink.objects.create(preparatory=dandasana, follow_up=janu, reason="Sit first")
    return janu, dandasana, link


def test_6_a_pose_form_refuses_to_revert_a_link_changed_meanwhile_in_the_links_admin(
    admin_client, linked
):
    janu, dandasana, link = linked
    teachers_page = admin_client.get(change_url(janu))
    edit = {"preparatory": dandasana.pk, "follow_up": janu.pk, "reason": "Straight legs first"}
    assert admin_client.post(link_change_url(link), edit).status_code == 302

    response = admin_client.post(
        change_url(janu), as_shown(teachers_page, janu, english_name="Typed meanwhile")
    )

    assert response.status_code == 200
    assert STALE in str(form_errors(response))
    assert 'value="Typed meanwhile"' in response.content.decode()
    link.refresh_from_db()
    assert link.reason == "Straight legs first"


def test_6_a_link_changed_on_one_pose_makes_the_other_poses_open_form_stale(admin_client, linked):
    janu, dandasana, link = linked
    dandasana_page = admin_client.get(change_url(dandasana))
    janu_page = admin_client.get(change_url(janu))
    data = as_shown(janu_page, janu)
    data["preparatory_links-0-reason"] = "Straight legs first"
    assert admin_client.post(change_url(janu), data).status_code == 302

    # Dandasana's form still shows the link as a follow-up with its old reason.
    response = admin_client.post(change_url(dandasana), as_shown(dandasana_page, dandasana))

    assert response.status_code == 200
    assert STALE in str(form_errors(response))
    link.refresh_from_db()
    assert link.reason == "Straight legs first"


def test_6_a_link_deleted_meanwhile_is_not_brought_back_by_an_older_form(admin_client, linked):
    janu, _, link = linked
    teachers_page = admin_client.get(change_url(janu))
    link.delete()

    response = admin_client.post(change_url(janu), as_shown(teachers_page, janu))

    assert response.status_code == 200
    assert STALE in str(form_errors(response))
    assert not PoseLink.objects.exists()


def test_6_bulk_links_added_meanwhile_make_an_open_form_stale(admin_client, linked):
    janu, _, _ = linked
    teachers_page = admin_client.get(change_url(janu))
    other = make_pose(sanskrit_name="Baddha Konasana", slug="baddha-konasana")
    admin_client.post(
        "/admin/poses/pose/",
        {
            "action": "link_poses",
            "_selected_action": [janu.pk],
            "apply": "1",
            "relation": "variation",
            "other": other.pk,
        },
    )

    response = admin_client.post(change_url(janu), as_shown(teachers_page, janu))

    assert STALE in str(form_errors(response))


def test_6_saving_again_after_the_refusal_saves_the_teachers_version(admin_client, linked):
    janu, dandasana, link = linked
    teachers_page = admin_client.get(change_url(janu))
    link.reason = "Straight legs first"
    link.save()
    refused = admin_client.post(change_url(janu), as_shown(teachers_page, janu))

    data = as_shown(teachers_page, janu, summary="Merged.")
    data["loaded_version"] = refused.context["adminform"].form["loaded_version"].value()
    data["preparatory_links-0-reason"] = "Straight legs first, then fold"
    assert admin_client.post(change_url(janu), data).status_code == 302

    link.refresh_from_db()
    assert link.reason == "Straight legs first, then fold"
    assert Pose.objects.get(pk=janu.pk).summary == "Merged."


def test_6_a_teachers_own_link_edit_saves_without_a_refusal(admin_client, linked):
    janu, _, link = linked
    data = as_shown(admin_client.get(change_url(janu)), janu)
    data["preparatory_links-0-reason"] = "Straight legs first"
    assert admin_client.post(change_url(janu), data).status_code == 302
    link.refresh_from_db()
    assert link.reason == "Straight legs first"


def test_6_restoring_a_version_with_a_link_makes_the_other_poses_open_form_stale(
    admin_client, linked
):
    janu, dandasana, link = linked
    with reversion.create_revision():
        reversion.add_to_revision(janu)
        reversion.add_to_revision(link)
    version = Version.objects.get_for_object(janu).get()
    link.delete()
    dandasana_page = admin_client.get(change_url(dandasana))

    restore(admin_client, janu, version)

    assert PoseLink.objects.filter(preparatory=dandasana, follow_up=janu).exists()
    response = admin_client.post(change_url(dandasana), as_shown(dandasana_page, dandasana))
    assert STALE in str(form_errors(response))


# 9. Smaller ones


def test_9_a_teacher_plans_a_class_in_the_admin(client):
    poses = [make_pose(sanskrit_name=name) for name in ("Dandasana", "Janusirsasana", "Savasana")]
    client.force_login(make_member("Teachers"))
    add_url = test_sequences.ADD_URL
    form_page = client.get(add_url)
    assert form_page.status_code == 200
    rows = [test_sequences.item_row(pose, n) for n, pose in enumerate(poses, start=1)]
    data = test_sequences.admin_post_data(form_page, test_sequences.sequence_fields(), rows)

    test_sequences.assert_saved(client.post(add_url, data))

    sequence = Sequence.objects.get(slug="hamstrings-gently")
    assert [item.pose for item in sequence.items.all()] == poses
    # ... and changes it: a plan is revised before class.
    change_url = test_sequences.change_url(sequence)
    data = test_sequences.admin_post_data(
        client.get(change_url),
        test_sequences.sequence_fields(title="Hamstrings, slowly"),
        [test_sequences.item_row(item.pose, item.position, item) for item in sequence.items.all()],
    )
    test_sequences.assert_saved(client.post(change_url, data))
    assert Sequence.objects.get(pk=sequence.pk).title == "Hamstrings, slowly"


def test_9_a_teacher_may_not_delete_a_class_plan(client):
    sequence = Sequence.objects.create(title="Morning", slug="morning")
    client.force_login(make_member("Teachers"))
    response = client.post(f"/admin/sequences/sequence/{sequence.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Sequence.objects.filter(pk=sequence.pk).exists()


def test_9_studio_staff_read_class_plans_but_do_not_change_them(client):
    sequence = Sequence.objects.create(title="Morning", slug="morning")
    client.force_login(make_member("Studio staff"))
    change_url = test_sequences.change_url(sequence)

    page = client.get(change_url)
    assert page.status_code == 200
    assert "Morning" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert client.get(test_sequences.ADD_URL).status_code == 403
    refused = client.post(change_url, test_sequences.sequence_fields(title="Changed"))
    assert refused.status_code == 403
    assert Sequence.objects.get(pk=sequence.pk).title == "Morning"
