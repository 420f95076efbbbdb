"""What search engines, link previews and feed readers get: JSON-LD, Open Graph, canonical
URLs, the sitemap, robots.txt and the Atom feed of new poses."""

import io
import json
import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from poses.models import Pose
from poses.sitemaps import PoseSitemap
from tests.factories import make_draft, make_pose, make_step

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def json_ld(client, pose):
    scripts = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>',
        html_of(client, pose.get_absolute_url()),
        re.DOTALL,
    )
    assert len(scripts) == 1
    return json.loads(scripts[0])


def meta(html, name):
    """The content of the page's <meta property|name="name">."""
    match = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)">', html)
    return match.group(1) if match else None


def sitemap_entries(client):
    """Every URL of every sitemap that /sitemap.xml (an index) lists, with its lastmod."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    index = ElementTree.fromstring(response.content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    entries = {}
    for location in index.iter(f"{SITEMAP}loc"):
        response = client.get(location.text)
        assert response.status_code == 200
        root = ElementTree.fromstring(response.content)
        entries.update(
            (url.findtext(f"{SITEMAP}loc"), url.findtext(f"{SITEMAP}lastmod"))
            for url in root.iter(f"{SITEMAP}url")
        )
    return entries


def feed_entries(client):
    response = client.get("/feeds/poses/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    return [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]


def scheduled_pose(**fields):
    return make_pose(published_at=timezone.now() + timedelta(days=1), **fields)


# JSON-LD


def test_a_pose_page_describes_the_pose_as_a_schema_org_howto(client):
    pose = make_pose(sanskrit_name="Janusirsasana", english_name="Head to Knee Pose")
    data = json_ld(client, pose)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "HowTo"
    assert data["name"] == "Janusirsasana (Head to Knee Pose)"
    assert data["url"] == f"http://testserver{pose.get_absolute_url()}"


def test_json_ld_names_the_pose_by_all_its_names(client):
    pose = make_pose(
        sanskrit_name="Janusirsasana",
        english_name="Head to Knee Pose",
        other_names="Janu Sirsasana\nHead-to-knee forward bend",
    )
    assert json_ld(client, pose)["alternateName"] == [
        "Janusirsasana",
        "Head to Knee Pose",
        "Janu Sirsasana",
        "Head-to-knee forward bend",
    ]


def test_json_ld_has_one_howto_step_per_step_in_order(client):
    pose = make_pose()
    make_step(pose, 2, title="Bend the right knee", instruction="Sole to the *inner* thigh.")
    make_step(pose, 1, title="Sit tall", instruction="Legs straight out.")
    steps = json_ld(client, pose)["step"]
    assert steps == [
        {"@type": "HowToStep", "position": 1, "name": "Sit tall", "text": "Legs straight out."},
        {
            "@type": "HowToStep",
            "position": 2,
            "name": "Bend the right knee",
            "text": "Sole to the inner thigh.",
        },
    ]


def test_json_ld_total_time_is_the_longest_hold_as_an_iso_8601_duration(client):
    pose = make_pose(hold_min_seconds=30, hold_max_seconds=180)
    assert json_ld(client, pose)["totalTime"] == "PT3M"


def test_json_ld_total_time_counts_minutes_and_seconds(client):
    pose = make_pose(hold_min_seconds=90)
    assert json_ld(client, pose)["totalTime"] == "PT1M30S"


def test_json_ld_has_no_total_time_without_a_hold(client):
    assert "totalTime" not in json_ld(client, make_pose())


def test_json_ld_has_the_image_when_the_pose_has_one(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pose = make_pose(image_alt="Seated, folding over the left leg")
    png = io.BytesIO()
    Image.new("RGB", (8, 6), "teal").save(png, "PNG")
    pose.image.save("pose.png", ContentFile(png.getvalue()))
    assert json_ld(client, pose)["image"] == f"http://testserver{pose.image.url}"


def test_json_ld_has_no_image_when_the_pose_has_none(client):
    assert "image" not in json_ld(client, make_pose())


def test_text_in_json_ld_cannot_close_its_script(client):
    title = "</script><script>alert(1)</script>"
    pose = make_pose(summary="Fold & breathe </SCRIPT> <!--")
    make_step(pose, 1, title=title)
    html = html_of(client, pose.get_absolute_url())
    assert "<script>alert(1)" not in html
    data = json_ld(client, pose)
    assert data["step"][0]["name"] == title
    assert data["description"] == "Fold & breathe </SCRIPT> <!--"


# Open Graph, Twitter card, canonical URLs, feed link


def test_a_pose_page_has_open_graph_and_twitter_card_tags(client):
    pose = make_pose(
        sanskrit_name="Janusirsasana",
        english_name="Head to Knee Pose",
        summary="A seated forward bend.",
    )
    html = html_of(client, pose.get_absolute_url())
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:title") == "Janusirsasana (Head to Knee Pose)"
    assert meta(html, "og:description") == "A seated forward bend."
    assert meta(html, "og:url") == f"http://testserver{pose.get_absolute_url()}"
    assert meta(html, "og:site_name") == "Studio pose library"
    assert meta(html, "twitter:card") == "summary"
    assert meta(html, "twitter:title") == "Janusirsasana (Head to Knee Pose)"


def test_a_pose_with_an_image_shares_it_as_a_large_card(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pose = make_pose(image_alt="Seated, folding over the left leg")
    png = io.BytesIO()
    Image.new("RGB", (8, 6), "teal").save(png, "PNG")
    pose.image.save("pose.png", ContentFile(png.getvalue()))
    html = html_of(client, pose.get_absolute_url())
    assert meta(html, "og:image") == f"http://testserver{pose.image.url}"
    assert meta(html, "og:image:alt") == "Seated, folding over the left leg"
    assert meta(html, "twitter:card") == "summary_large_image"


def test_the_home_page_has_open_graph_tags_and_a_canonical_url(client):
    html = html_of(client, "/")
    assert meta(html, "og:title") == "Studio pose library"
    assert meta(html, "og:url") == "http://testserver/"
    assert '<link rel="canonical" href="http://testserver/">' in html


def test_a_pose_page_has_one_canonical_url(client):
    pose = make_pose()
    html = html_of(client, f"{pose.get_absolute_url()}?utm_source=newsletter")
    canonical = f'<link rel="canonical" href="http://testserver{pose.get_absolute_url()}">'
    assert html.count('rel="canonical"') == 1
    assert canonical in html


def test_a_filtered_list_is_canonically_the_whole_list(client):
    html = html_of(client, "/poses/?level=beginner")
    assert '<link rel="canonical" href="http://testserver/poses/">' in html


def test_pages_point_feed_readers_to_the_feed(client):
    html = html_of(client, "/")
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/feeds/poses/"' in html


def test_the_not_found_page_is_not_indexed(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert 'rel="canonical"' not in html


# Sitemap


def test_the_sitemap_lists_the_home_page_and_the_pose_list(client):
    entries = sitemap_entries(client)
    assert "http://testserver/" in entries
    assert "http://testserver/poses/" in entries


def test_the_sitemap_lists_every_published_pose_with_its_last_change(client):
    pose = make_pose()
    updated_at = Pose.objects.get(pk=pose.pk).updated_at
    lastmod = sitemap_entries(client)[f"http://testserver{pose.get_absolute_url()}"]
    assert lastmod == updated_at.isoformat()


@pytest.fixture(params=["facet index", "no shared cache"])
def sitemap_source(request, settings):
    """The sitemap reads its poses from the facet index, or without one (no shared cache,
    settings.PAGE_CACHE off) from the table by primary key."""
    settings.PAGE_CACHE = request.param == "facet index"


def test_drafts_and_scheduled_poses_are_not_in_the_sitemap(client, sitemap_source):
    draft, scheduled = make_draft(), scheduled_pose()
    public = make_pose()
    entries = sitemap_entries(client)
    assert f"http://testserver{public.get_absolute_url()}" in entries
    assert f"http://testserver{draft.get_absolute_url()}" not in entries
    assert f"http://testserver{scheduled.get_absolute_url()}" not in entries


# robots.txt


def test_robots_txt_is_plain_text_that_allows_crawling(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Allow: /" in lines


def test_robots_txt_points_to_the_sitemap(client):
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_robots_txt_does_not_give_away_the_admin_address(client, settings):
    settings.ADMIN_URL = "back-office/"
    assert "back-office" not in client.get("/robots.txt").content.decode()


# The Atom feed of new poses


def test_the_feed_lists_published_poses_newest_first(client):
    now = timezone.now()
    make_pose(english_name="Older", published_at=now - timedelta(days=2))
    make_pose(english_name="Newest", published_at=now - timedelta(hours=1))
    make_pose(english_name="Middle", published_at=now - timedelta(days=1))
    titles = feed_entries(client)
    assert [title.split(" (")[1].rstrip(")") for title in titles] == ["Newest", "Middle", "Older"]


def test_drafts_and_scheduled_poses_are_not_in_the_feed(client):
    make_draft(english_name="Draft pose")
    scheduled_pose(english_name="Scheduled pose")
    make_pose(english_name="Public pose")
    titles = feed_entries(client)
    assert len(titles) == 1
    assert "Public pose" in titles[0]


def test_a_feed_entry_links_to_the_pose_page(client):
    pose = make_pose()
    root = ElementTree.fromstring(client.get("/feeds/poses/").content)
    links = [link.get("href") for link in root.iter(f"{ATOM}link")]
    assert f"http://testserver{pose.get_absolute_url()}" in links


def test_the_sitemap_is_an_index_of_pages_of_a_bounded_size(client, monkeypatch, sitemap_source):
    monkeypatch.setattr(PoseSitemap, "limit", 2)
    poses = [make_pose() for _ in range(5)]
    make_draft()  # counted by neither
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    sections = [location.text for location in index.iter(f"{SITEMAP}loc")]
    assert sections == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-poses.xml",
        "http://testserver/sitemap-poses.xml?p=2",
        "http://testserver/sitemap-poses.xml?p=3",
    ]
    entries = sitemap_entries(client)
    assert {f"http://testserver{pose.get_absolute_url()}" for pose in poses} <= set(entries)
    assert client.get("/sitemap-poses.xml?p=4").status_code == 404
    listed = []
    for page in ("", "?p=2", "?p=3"):
        root = ElementTree.fromstring(client.get(f"/sitemap-poses.xml{page}").content)
        listed += [location.text for location in root.iter(f"{SITEMAP}loc")]
    assert sorted(listed) == sorted(f"http://testserver{pose.get_absolute_url()}" for pose in poses)
