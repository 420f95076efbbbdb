"""Every public page costs the same SQL queries, however large the library."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.run import FIXTURES  # the library make bench starts from
from poses.models import Pose
from poses.sitemaps import PoseSitemap
from studio.publishing import Publishable
from tests.factories import make_draft, make_pose
from tests.pages import queries_for
from tests.work import uncached_work

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


# Pages whose work must not grow with the library: a search whose matches do not grow, one
# with a typo, a miss (spelling suggestions), lists with 24 cards at both sizes. Not the
# sitemap index, which names one sitemap per PoseSitemap.limit poses by design.
WORK_PAGES = [
    "/",
    "/poses/",
    "/poses/?page=2",
    "/poses/janusirsasana/",
    "/poses/janusirsasana.json",
    "/poses/?level=beginner",
    "/poses/?safe_for=knee-injury&safe_for=pregnancy",
    "/poses/?q=janusirsasana",
    "/poses/?q=janusirsasanna",
    "/poses/?q=xqzzyv",
    "/sequences/",
    "/sequences/sun-salutation-a/",
    "/sitemap-poses.xml",
    "/feeds/poses/",
]


def test_public_pages_do_the_same_work_with_200_or_2000_poses(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    """Counted, not timed (tests/work.py): the lines of Python and the database's own work
    (SQLite's VM instructions, the rows of PostgreSQL's plans) of each page, uncached with the facet
    index warm, grow by at most 1.2x when the library grows tenfold. Timings on this machine
    move by a third; these counts do not. (The sitemap page at 2,000 poses once sorted every
    public pose by slug, 7x the work; a search that found nothing read every name starting
    like it for spelling suggestions, 6x.)"""
    monkeypatch.setattr(PoseSitemap, "limit", 50)  # a full sitemap page at both sizes
    with django_capture_on_commit_callbacks(execute=True):  # indexed for search at commit
        call_command("load_poses", *FIXTURES, verbosity=0)
    call_command("generate_poses", 200, verbosity=0)

    def work():
        cache.clear()
        client.get("/poses/")  # the facet index, built once a change, kept by clear_pages()
        return {url: uncached_work(client, url) for url in WORK_PAGES}

    small = work()
    call_command("generate_poses", 1800, verbosity=0)
    large = work()
    grown = {
        url: (
            round(large[url].python_lines / small[url].python_lines, 2),
            round(large[url].database / small[url].database, 2),
        )
        for url in WORK_PAGES
    }
    assert {url: ratios for url, ratios in grown.items() if max(ratios) > 1.2} == {}
