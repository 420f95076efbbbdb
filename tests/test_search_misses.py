"""Searches that found nothing: counted for staff (without anything about who searched)
and answered with suggestions that make sense."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase

from poses.models import MAX_SEARCH_MISSES, SearchMiss
from tests.conftest import card_names, page_elements

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("whole_library", "empty_page_cache")]

FIXTURES = ["janusirsasana.json", "starter_library.json", "more_poses.json"]


@pytest.fixture(scope="module")
def whole_library(django_db_setup, django_db_blocker):
    # Rolled back after the module; loaded as committed, so every pose is indexed.
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command(
                "loaddata",
                *(settings.BASE_DIR / "fixtures" / name for name in FIXTURES),
                verbosity=0,
            )
        yield
        transaction.set_rollback(True)


def search(client, query, **params):
    response = client.get("/poses/", {"q": query, **params})
    assert response.status_code == 200
    return response


def suggestions(response):
    return [
        link.text
        for paragraph in page_elements(response, "p", class_="suggestions")
        for link in page_elements(paragraph, "a")
    ]


# Counting misses


def test_a_search_that_finds_nothing_is_counted(client):
    search(client, "Zqxwing  Pose")
    search(client, "zqxwing pose")
    miss = SearchMiss.objects.get()
    assert miss.query == "zqxwing pose"
    assert miss.count == 2


def test_a_search_that_finds_a_pose_is_not_counted(client):
    assert card_names(search(client, "tree"))
    assert not SearchMiss.objects.exists()


def test_a_miss_is_counted_each_time_even_with_the_page_cache(client):
    for _ in range(3):
        search(client, "zqxwing")
    assert SearchMiss.objects.get(query="zqxwing").count == 3


def test_no_cache_keeps_a_page_that_found_nothing(client):
    response = search(client, "zqxwing")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_page_that_found_poses_stays_cacheable(client):
    response = search(client, "tree")
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_filtered_search_or_a_later_page_is_not_counted(client):
    search(client, "zqxwing", level="beginner")
    client.get("/poses/", {"q": "zqxwing", "page": "2"})
    assert not SearchMiss.objects.exists()


def test_noise_is_not_counted(client):
    search(client, "1234 5678")
    search(client, "zq" * 60)
    assert not SearchMiss.objects.exists()


def test_a_miss_keeps_nothing_about_who_searched():
    fields = {field.name for field in SearchMiss._meta.get_fields()}
    assert fields == {
        "id",
        "query",
        "count",
        "first_seen",
        "last_seen",
        "resolved_at",
        "resolution",
    }


def test_the_rarest_oldest_misses_make_room_for_new_ones(client):
    SearchMiss.objects.bulk_create(
        SearchMiss(query=f"zqmiss {n}", count=2) for n in range(MAX_SEARCH_MISSES)
    )
    SearchMiss.objects.filter(query="zqmiss 7").update(count=1)
    search(client, "zqxwing")
    assert SearchMiss.objects.count() == MAX_SEARCH_MISSES
    assert SearchMiss.objects.filter(query="zqxwing").exists()
    assert not SearchMiss.objects.filter(query="zqmiss 7").exists()


def test_a_known_miss_that_finds_a_pose_now_is_marked_fixed(client):
    SearchMiss.objects.create(query="tree")
    assert card_names(search(client, "tree"))
    miss = SearchMiss.objects.get(query="tree")
    assert miss.resolved_at is not None
    assert miss.count == 1


# Suggestions that make sense


def test_a_misspelt_name_suggests_the_pose(client):
    response = search(client, "chatarunga")
    assert suggestions(response) == ["Chaturanga Dandasana (Four-Limbed Staff Pose)"]


def test_a_condition_suggests_safe_for_me_and_its_filter(client):
    response = search(client, "pregnancy")
    (pointer,) = page_elements(response, "p", class_="safe-for-pointer")
    assert page_elements(pointer, "a", href="/poses/?safe_for=pregnancy")
    assert page_elements(pointer, "a", href="/safe-for-me/")
    assert suggestions(response) == []


def test_a_claim_word_of_a_condition_suggests_its_filter(client):
    response = search(client, "sciatica")
    assert page_elements(response, "a", href="/poses/?safe_for=back-injury")
    assert page_elements(response, "a", href="/safe-for-me/")


def test_back_pain_points_to_back_injury_and_never_suggests_bakasana(client):
    for query in ("back pain", "bakpain"):
        response = search(client, query)
        assert "Bakasana" not in suggestions(response)
    assert page_elements(search(client, "back pain"), "a", href="/poses/?safe_for=back-injury")


@pytest.mark.parametrize("query", ["asthma", "headache", "insomnia"])
def test_an_unrelated_query_suggests_no_pose(client, query):
    # Asthma is no Ashtanga Namaskara, a headache no Head-to-Knee Pose.
    assert suggestions(search(client, query)) == []
