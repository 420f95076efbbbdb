"""Searches that found nothing: counted for staff (without anything about who searched),
fixed by them in one step, and answered with suggestions that make sense."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core import signing
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase

from poses.models import MAX_SEARCH_MISSES, Pose, SearchMiss, Synonym
from tests.factories import make_staff
from tests.pages import card_names, page_elements

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
        "kind",  # found nothing, or left without opening a result
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


# Results left without opening one (js/search-left.js sends the query as the student leaves)

LEFT_URL = "/poses/search/left/"


def left_token(client, query):
    """What the results page of `query` gives js/search-left.js to send back."""
    (results,) = page_elements(search(client, query), "section", class_="results")
    assert results.attributes["data-search-left-url"] == LEFT_URL
    return results.attributes["data-search-left"]


def test_a_plain_search_with_results_asks_to_hear_if_the_student_leaves_it(client):
    token = left_token(client, "tree")
    assert signing.loads(token, salt="poses.search-left") == "tree"
    assert "js/search-left" in search(client, "tree").content.decode()


@pytest.mark.parametrize(
    "params", [{}, {"q": "tree", "level": "beginner"}, {"q": "tree", "page": "2"}]
)
def test_only_a_plain_search_s_first_page_is_watched(client, params):
    page = client.get("/poses/", params)
    assert page.status_code in (200, 404)
    assert "data-search-left" not in page.content.decode()


def test_a_search_left_without_opening_a_result_is_counted_apart(client):
    SearchMiss.objects.create(query="tree")  # once found nothing; it finds poses now
    token = left_token(client, "Tree")
    for _ in range(2):
        response = client.post(LEFT_URL, {"q": token})
        assert response.status_code == 204
        assert "Set-Cookie" not in response  # nothing about who left
    left = SearchMiss.objects.get(query="tree", kind=SearchMiss.Kind.UNOPENED)
    assert left.count == 2 and left.resolved_at is None

    # A search that finds poses marks its "found nothing" fixed, not the other.
    search(client, "tree")
    assert SearchMiss.objects.get(query="tree", kind=SearchMiss.Kind.NOTHING).resolved_at
    assert not SearchMiss.objects.get(query="tree", kind=SearchMiss.Kind.UNOPENED).resolved_at


def test_only_a_search_the_site_answered_is_counted_as_left(client):
    assert client.get(LEFT_URL, {"q": "tree"}).status_code == 405
    assert client.post(LEFT_URL, {}).status_code == 400
    assert client.post(LEFT_URL, {"q": "spam 1"}).status_code == 400  # not signed by the site
    forged = signing.dumps("spam", salt="another-salt")
    assert client.post(LEFT_URL, {"q": forged}).status_code == 400
    big = left_token(client, "tree") + "x" * 5000
    assert client.post(LEFT_URL, {"q": big}).status_code == 413
    assert not SearchMiss.objects.exists()


def test_searches_left_unopened_never_crowd_out_searches_that_found_nothing(client):
    SearchMiss.objects.create(query="zqnothing", count=1)
    SearchMiss.objects.bulk_create(
        SearchMiss(query=f"left {n}", kind=SearchMiss.Kind.UNOPENED)
        for n in range(MAX_SEARCH_MISSES)
    )
    assert client.post(LEFT_URL, {"q": left_token(client, "tree")}).status_code == 204
    assert SearchMiss.objects.filter(query="zqnothing").exists()
    assert SearchMiss.objects.filter(kind=SearchMiss.Kind.UNOPENED).count() == MAX_SEARCH_MISSES
    assert SearchMiss.objects.filter(query="tree", kind=SearchMiss.Kind.UNOPENED).exists()


def test_staff_see_what_happened_and_fix_a_search_left_unopened(client):
    left = SearchMiss.objects.create(query="hip flexors", kind=SearchMiss.Kind.UNOPENED)
    client.force_login(staff_in("Teachers"))
    response = client.get(CHANGELIST)
    (table,) = page_elements(response, "table", id="result_list")
    (kind,) = page_elements(table, "td", class_="field-kind")
    assert kind.text == "left without opening a result"
    fix_page = client.get(fix_url(left, "synonym")).content.decode()
    assert "left the results without opening one" in fix_page


# Staff see them and fix them

CHANGELIST = "/admin/poses/searchmiss/"


def staff_in(role):
    user = make_staff(username=role.lower().replace(" ", "-"))
    user.groups.add(Group.objects.get(name=role))
    return user


def fix_url(miss, fix):
    return f"{CHANGELIST}{miss.pk}/{fix}/"


def test_staff_see_the_misses_most_frequent_first(client):
    SearchMiss.objects.create(query="zqrare", count=2)
    SearchMiss.objects.create(query="zqoften", count=9)
    for role in ("Teachers", "Studio staff"):
        client.force_login(staff_in(role))
        response = client.get(CHANGELIST)
        assert response.status_code == 200
        (table,) = page_elements(response, "table", id="result_list")
        queries = [cell.text for cell in page_elements(table, "th", class_="field-query")]
        counts = [cell.text for cell in page_elements(table, "td", class_="field-count")]
        assert list(zip(queries, counts, strict=True)) == [("zqoften", "9"), ("zqrare", "2")]


def test_visitors_do_not_see_the_misses(client):
    SearchMiss.objects.create(query="zqxwing")
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_teacher_adds_a_miss_as_another_name_and_search_finds_the_pose(
    client, django_capture_on_commit_callbacks
):
    search(client, "chatarunga")
    miss = SearchMiss.objects.get(query="chatarunga")
    pose = Pose.objects.get(sanskrit_name="Chaturanga Dandasana")
    client.force_login(staff_in("Teachers"))
    form = client.get(fix_url(miss, "other-name"))
    assert page_elements(form, "select", name="pose", class_="admin-autocomplete")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(fix_url(miss, "other-name"), {"pose": pose.pk, "name": "Chatarunga"})
    assert response.status_code == 302
    pose.refresh_from_db()
    assert pose.other_names_list()[-1] == "Chatarunga"
    assert SearchMiss.objects.get(pk=miss.pk).resolved_at is not None
    client.logout()
    assert card_names(search(client, "chatarunga"))[0] == "Chaturanga Dandasana"


def test_a_name_the_pose_would_refuse_is_refused_with_a_message(client):
    miss = SearchMiss.objects.create(query="zqxwing")
    pose = Pose.objects.get(sanskrit_name="Vrksasana")
    client.force_login(staff_in("Teachers"))
    response = client.post(fix_url(miss, "other-name"), {"pose": pose.pk, "name": "zq\u0430sana"})
    assert response.status_code == 200
    assert page_elements(response, "ul", class_="errorlist")
    assert "\u0430" not in Pose.objects.get(pk=pose.pk).other_names
    assert SearchMiss.objects.get(pk=miss.pk).resolved_at is None


def test_staff_add_a_miss_as_a_synonym_and_search_finds_poses(
    client, django_capture_on_commit_callbacks
):
    search(client, "zqxwing")
    miss = SearchMiss.objects.get(query="zqxwing")
    client.force_login(staff_in("Studio staff"))
    synonym = {"words": "zqxwing", "alternatives": "tree"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(fix_url(miss, "synonym"), synonym)
    assert response.status_code == 302
    assert Synonym.objects.get(words="zqxwing").alternatives == "tree"
    assert SearchMiss.objects.get(pk=miss.pk).resolved_at is not None
    client.logout()
    assert "Vrksasana" in card_names(search(client, "zqxwing"))


def test_a_synonym_that_still_finds_nothing_leaves_the_miss_open(client):
    miss = SearchMiss.objects.create(query="zqxwing")
    client.force_login(staff_in("Teachers"))
    response = client.post(
        fix_url(miss, "synonym"), {"words": "zqxwing", "alternatives": "zqnothing"}, follow=True
    )
    assert "still finds nothing" in response.content.decode()
    assert Synonym.objects.filter(words="zqxwing").exists()
    assert SearchMiss.objects.get(pk=miss.pk).resolved_at is None


def test_a_view_only_role_may_not_fix_a_miss(client):
    miss = SearchMiss.objects.create(query="zqxwing")
    viewer = make_staff(username="viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_searchmiss"))
    client.force_login(viewer)
    listing = client.get(CHANGELIST)
    assert listing.status_code == 200
    assert not page_elements(listing, "a", href=fix_url(miss, "other-name"))
    assert not page_elements(listing, "a", href=fix_url(miss, "synonym"))
    pose = Pose.objects.get(sanskrit_name="Vrksasana")
    assert client.get(fix_url(miss, "other-name")).status_code == 403
    other_name = {"pose": pose.pk, "name": "zqxwing"}
    assert client.post(fix_url(miss, "other-name"), other_name).status_code == 403
    synonym = {"words": "zqxwing", "alternatives": "tree"}
    assert client.post(fix_url(miss, "synonym"), synonym).status_code == 403
    assert "zqxwing" not in Pose.objects.get(pk=pose.pk).other_names
    assert not Synonym.objects.filter(words="zqxwing").exists()


def test_studio_staff_may_not_rename_poses_from_a_miss(client):
    miss = SearchMiss.objects.create(query="zqxwing")
    pose = Pose.objects.get(sanskrit_name="Vrksasana")
    client.force_login(staff_in("Studio staff"))
    listing = client.get(CHANGELIST)
    assert not page_elements(listing, "a", href=fix_url(miss, "other-name"))
    assert page_elements(listing, "a", href=fix_url(miss, "synonym"))
    response = client.post(fix_url(miss, "other-name"), {"pose": pose.pk, "name": "zqxwing"})
    assert response.status_code == 403
    assert "zqxwing" not in Pose.objects.get(pk=pose.pk).other_names


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
