"""Every public page costs the same SQL queries, however large the library."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

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
