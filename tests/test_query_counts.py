"""Every public page costs the same SQL queries, however large the library."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from poses.models import Pose
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
def test_list_pages_read_their_poses_by_id_never_walking_the_library(client):
    """With the facet index warm, a list page reads its 24 cards (and a search its matches)
    by primary key or a named index: no query walks every published pose. (SQLite, with no
    statistics, once read the cards through the alphabetical list's index: 2-8 ms at 10,000
    poses, growing with the library.)"""
    call_command("loaddata", "fixtures/janusirsasana.json", verbosity=0)
    call_command("generate_poses", 60, verbosity=0)
    cache.clear()
    client.get("/poses/")  # builds the facet index once, as the first visitor after a save
    walks = []
    for url in [
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
