"""`manage.py reindex_poses`: every pose's search keys recomputed with the current rules."""

import io

import pytest
from django.core.management import call_command

from poses.models import Pose, SearchKey
from tests.factories import make_pose

pytestmark = pytest.mark.django_db


def test_reindex_poses_restores_keys_that_went_stale():
    pose = make_pose(english_name="Head to Knee Pose", sanskrit_name="Janusirsasana")
    # As after a change of spelling rules: the stored keys no longer say what the rules say.
    Pose.objects.filter(pk=pose.pk).update(sanskrit_key="stale", english_key="stale")
    SearchKey.objects.filter(pose=pose).delete()
    out = io.StringIO()

    call_command("reindex_poses", stdout=out)

    pose.refresh_from_db()
    assert (pose.sanskrit_key, pose.english_key) == ("janusirsasana", "headtoknipose")
    assert SearchKey.objects.filter(pose=pose, key="janusirsasna").exists()
    assert out.getvalue() == "Re-indexed 1 poses.\n"
