"""Every public page costs the same SQL queries, however large the library."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from poses.models import Pose
from studio.publishing import Publishable
from tests.factories import make_draft, make_pose
from tests.pages import queries_for

pytestmark = pytest.mark.django_db


def queries(client, url):
    cache.clear()  # measure the page being built, not served from the cache
    return queries_for(client, url)


def test_public_pages_cost_the_same_queries_with_30_or_300_poses(client):
    call_command("loaddata", "fixtures/janusirsasana.json", verbosity=0)
    call_command("generate_poses", 30, verbosity=0)
    pages = [
        "/",
        "/poses/",
        "/poses/janusirsasana/",
        f"/poses/{Pose.objects.order_by('pk').last().slug}/",
        "/poses/?q=asana&level=beginner",
        "/poses/?safe_for=knee-injury&safe_for=pregnancy&area=back",
        "/poses/janusirsasana.json",
        "/sitemap.xml",
        "/sitemap-poses.xml",
        "/feeds/poses/",
        "/sequences/",
    ]
    small = {url: queries(client, url) for url in pages}

    call_command("generate_poses", 270, verbosity=0)

    large = {url: queries(client, url) for url in pages}
    assert large == small


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's planner; PostgreSQL plans by statistics"
)
def test_public_pages_read_their_poses_by_index_never_walking_the_library(client):
    """With the facet index warm, a list page reads its 24 cards (and a search its matches)
    by primary key or a named index, the home page and the feed their newest poses back from
    now through the publish times: no query walks every published pose. (SQLite, with no
    statistics, once read the cards through the alphabetical list's index, and sorted every
    published pose for the feed: 2-8 ms at 10,000 poses, growing with the library.)"""
    call_command("loaddata", "fixtures/janusirsasana.json", verbosity=0)
    call_command("generate_poses", 60, verbosity=0)
    cache.clear()
    client.get("/poses/")  # builds the facet index once, as the first visitor after a save
    walks = []
    for url in [
        "/",
        "/feeds/poses/",
        "/poses/?page=2",
        "/poses/?level=beginner&type=sitting",
        "/poses/?safe_for=knee-injury&area=back",
        "/poses/?q=twist",
        "/poses/?q=hamstring+stretch",
    ]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                if not query["sql"].startswith("SELECT") or "poses_pose" not in query["sql"]:
                    continue
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                plan = [row[3] for row in cursor.fetchall()]
                if any(
                    step.startswith("SCAN poses_pose ")
                    or step == "SCAN poses_pose"
                    or "pose_published_idx (status=?)" in step
                    for step in plan
                ):
                    walks.append((url, query["sql"][:120], plan))
    assert walks == []


def test_newest_first_lists_the_public_poses_newest_first(move_clock):
    """The feed's and the home page's query (status asked as "not a draft") lists what
    published() lists: no draft, even one with a publish time, nothing scheduled."""
    now = timezone.now()
    older = make_pose(published_at=now - timedelta(days=2))
    newer = make_pose(published_at=now - timedelta(days=1))
    make_draft(published_at=now - timedelta(hours=1))
    scheduled = make_pose(published_at=now + timedelta(days=1))
    assert list(Pose.objects.newest_first()) == [newer, older]
    assert set(Pose.objects.newest_first()) == set(Pose.objects.published())
    move_clock(now + timedelta(days=2))
    assert list(Pose.objects.newest_first()) == [scheduled, newer, older]
    assert set(Publishable.Status.values) == {"draft", "published"}  # what "not a draft" means
