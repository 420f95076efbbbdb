"""The attack of issue 14, replayed: one short test per thing an attacker or a busy studio
did to a production-like install, each answered as it must be now. The focused tests of each
subject live beside their code's other tests; this module is where the attack surface reads
in one place."""

import pytest
import reversion
from reversion.models import Version

from poses.models import Pose, PoseLink
from tests.conftest import make_pose
from tests.test_admin import change_url, form_errors
from tests.test_history_permissions import as_shown, restore

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
