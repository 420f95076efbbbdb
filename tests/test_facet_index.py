"""The list's counts and pages from the facet index (poses/facets.py) are exactly what the
database's own filters find, and the index follows every change."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from poses.facets import current_index
from poses.models import (
    BodyArea,
    Condition,
    ConditionGuidance,
    Level,
    PoseType,
    SafetyNote,
    Style,
)
from poses.search import search_key
from tests.factories import make_draft, make_pose, make_safety_note
from tests.pages import card_names, page_elements, queries_for, result_count
from tests.test_filters import facet_choices

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("janusirsasana_library")]


def card_flags(response):
    return [
        [flag.text for flag in page_elements(card, "p", class_="pose-card__flag")]
        for card in page_elements(response, "li", class_="pose-card")
    ]


def what_a_student_sees(url):
    cache.clear()  # neither a stored page nor an index from the other way of counting
    response = Client().get(url)
    if response.status_code == 404 and "page=2" in url:
        return None  # a search with one page only: both ways must say so
    assert response.status_code == 200, url
    return {
        "cards": card_names(response),
        # Each card's level and pose types (the index names the types of its cards).
        "card_meta": [p.text for p in page_elements(response, "p", class_="pose-card__meta")],
        "count": result_count(response),
        # A list that finds nothing has no filters to offer.
        "choices": facet_choices(response) if page_elements(response, "aside") else None,
        "flags": card_flags(response),
    }


@pytest.fixture
def varied_library():
    """The fixture's poses and 40 generated ones, a draft, a pose scheduled for later, and a
    note that speaks for a condition against its pose types' guidance."""
    call_command("generate_poses", 40, "--seed", "7", stdout=io.StringIO())
    make_draft(english_name="Draft Pose", level=Level.BEGINNER)
    make_pose(
        english_name="Later Pose",
        level=Level.BEGINNER,
        published_at=timezone.now() + timezone.timedelta(days=1),
    )
    # The studio's guidance for kinds of pose, which a pose's own note on the condition
    # overrides.
    first_type, second_type = PoseType.objects.all()[:2]
    first_condition, second_condition = Condition.objects.all()[:2]
    for pose_type, condition, kind in [
        (first_type, first_condition, SafetyNote.Kind.AVOID),
        (second_type, first_condition, SafetyNote.Kind.CAUTION),
        (second_type, second_condition, SafetyNote.Kind.MODIFY),
    ]:
        ConditionGuidance.objects.create(
            pose_type=pose_type, condition=condition, kind=kind, text="Ask your teacher."
        )
    pose = make_pose(english_name="Noted Pose", level=Level.INTERMEDIATE)
    pose.pose_types.set([first_type, second_type])
    note = make_safety_note(pose, 1, kind=SafetyNote.Kind.MODIFY)
    note.conditions.set([first_condition])


def list_urls():
    conditions = list(Condition.objects.values_list("slug", flat=True))
    areas = list(BodyArea.objects.values_list("slug", flat=True))
    urls = ["/poses/", "/poses/?page=2"]
    # Searches: ranked the same, page after page (names, typos, tags, text, any word).
    urls += [
        f"/poses/?q={query}&page={page}"
        for query in [
            "forward+bend",
            "stretch",
            "hamstring+stretch",
            "tree",
            "asana",
            "paschimotanasana",
            "twists+for+beginners",
            "calm+strong",
            "beginner",
        ]
        for page in (1, 2)
    ]
    urls += [f"/poses/?level={level}" for level in Level.values]
    types = list(PoseType.objects.values_list("slug", flat=True))
    urls += [f"/poses/?type={slug}" for slug in types]
    # Chosen choices that list nothing stay shown (with 0), so they can be removed.
    urls += [f"/poses/?type={slug}&level=advanced" for slug in types]
    urls += [f"/poses/?style={slug}" for slug in Style.objects.values_list("slug", flat=True)]
    urls += [f"/poses/?area={slug}" for slug in areas]
    urls += [f"/poses/?stretches={slug}&strengthens={slug}" for slug in areas[:4]]
    urls += [f"/poses/?safe_for={slug}" for slug in conditions]
    urls += [
        f"/poses/?safe_for={a}&safe_for={b}&level=beginner"
        for a, b in zip(conditions, conditions[1:], strict=False)
    ]
    urls += [
        "/poses/?safe_for=no-such-condition",
        "/poses/?type=no-such-type&level=beginner",
        "/poses/?q=hamstrings&safe_for=knee-injury&level=beginner",
    ]
    return urls


@pytest.mark.usefixtures("varied_library")
def test_every_filter_lists_and_counts_what_the_database_finds(settings):
    urls = list_urls()
    assert len(urls) > 40
    second_pages = 0
    for url in urls:
        settings.PAGE_CACHE = True
        from_index = what_a_student_sees(url)
        assert current_index() is not None  # the page was made from the index
        settings.PAGE_CACHE = False
        assert current_index() is None
        from_database = what_a_student_sees(url)
        assert from_index == from_database, url
        second_pages += "page=2" in url and from_index is not None
    assert second_pages >= 3  # the ranking was compared beyond the first page


@pytest.mark.usefixtures("varied_library")
def test_the_index_lists_no_draft_and_no_pose_before_its_time():
    names = []
    for page in (1, 2, 3):
        response = Client().get(f"/poses/?level=beginner&page={page}")
        if response.status_code == 404:
            break
        names += card_names(response)
    assert names and "Draft Pose" not in names and "Later Pose" not in names


def test_a_saved_pose_counts_on_every_list_at_once(client):
    beginner = "/poses/?level=beginner"
    counts = {choice[0]: choice[2] for choice in facet_choices(client.get(beginner))}

    pose = make_pose(level=Level.BEGINNER)  # committed: the version is renewed

    response = client.get("/poses/?level=intermediate")  # another list, never cached
    now = {choice[0]: choice[2] for choice in facet_choices(response)}
    assert now["Beginner"] == counts["Beginner"] + 1
    assert pose.sanskrit_name in card_names(client.get(beginner))


def test_a_scheduled_pose_counts_once_its_time_comes(client, move_clock):
    soon = timezone.now() + timezone.timedelta(seconds=30)
    make_pose(english_name="Soon Pose", level=Level.BEGINNER, published_at=soon)
    before = {c[0]: c[2] for c in facet_choices(client.get("/poses/?level=beginner"))}

    move_clock(soon + timezone.timedelta(seconds=1))
    after = {c[0]: c[2] for c in facet_choices(client.get("/poses/?level=intermediate"))}
    assert after["Beginner"] == before["Beginner"] + 1


def test_with_the_index_warm_a_filtered_list_reads_only_its_page(client):
    """The counts come from the index: no query reads the notes, the vocabularies' links
    or every pose; the cards are read by their ids."""
    call_command("generate_poses", 60, stdout=io.StringIO())
    cache.clear()
    client.get("/poses/?level=advanced")  # builds the index for this version
    url = "/poses/?safe_for=knee-injury&area=hamstrings&level=beginner"
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    with_queries = [query["sql"] for query in captured.captured_queries]
    assert not [sql for sql in with_queries if "poses_safetynote" in sql]
    assert not [sql for sql in with_queries if "poses_pose_stretches" in sql]
    assert not [sql for sql in with_queries if "COUNT(" in sql.upper()]
    assert queries_for(client, url) == 0  # and the page itself is cached now


def test_names_containing_finds_a_key_in_a_name_or_a_whole_other_name_in_list_order():
    """What a search asks of every name, answered from the index's text of all the
    names: in the English or Sanskrit key, or one of the other names whole, never across
    two poses' names or in part of another name."""
    first = make_pose(
        sanskrit_name="Zorbla Mukhasana", english_name="Zorbling Dog", other_names="Down zorb"
    )
    middle = make_pose(
        sanskrit_name="Zorblarjasana",
        english_name="Zorb Cat Pose",
        other_names="Kittyzorb\nZorb stretch",
    )
    last = make_pose(sanskrit_name="Zorbvrksasana", english_name="Zorb Tree Pose")
    cache.clear()
    index = current_index()

    def found(words):
        return [index.ids.index(pk) for pk in index.names_containing(search_key(words))]

    def places(*poses):
        return sorted(index.ids.index(pose.pk) for pose in poses)

    assert found("zorb") == places(first, middle, last)  # in the list's order
    assert found("down zorb") == places(first)  # another name, whole
    assert found("zorbling") == places(first)  # in the English name
    assert found("kittyzorb") == places(middle)
    assert found("zorb stretch") == places(middle)
    assert found("zorb str") == []  # part of another name only
    assert found("zorb tree pose") == places(last)  # the last pose's name
    assert found("mukhasana zorblarj") == []  # never across two poses
    assert found("dog zorbla") == []  # nor across a pose's two names


RANKED_QUERIES = [
    # names, whole and in part, in other spellings, one typo away, inside a longer query
    "janusirsasana",
    "janu",
    "head to knee",
    "head to knee pose",
    "jaanu shirshasana",
    "janusirsasan",
    "ardha janusirsasana",
    "paschimotanasana",
    "asana",
    "pose",
    # kinds, body areas, levels, intents, several words, words in any order
    "forward bend",
    "seated forward bend",
    "bend forward",
    "stretch",
    "hamstring stretch",
    "twists for beginners",
    "beginner",
    "calm strong",
    "knee",
    "the",
]


@pytest.mark.usefixtures("varied_library")
def test_searches_rank_their_matches_as_search_does():
    """A list ranks a search's matches in memory (rank_names(), from the facet index and
    the lookups it made already): the whole list, every match in its place, is search()'s
    own order, computed by the database."""
    from django.http import QueryDict

    from poses.browse import Browse
    from poses.models import Pose

    # Poses for the tiers the library's names seldom reach: another name starting with the
    # query, a whole name inside a longer query, the query in the text only.
    make_pose(sanskrit_name="Plumasana", english_name="Plum Pose")
    make_pose(sanskrit_name="Ardha Plumasana", english_name="Half Plum Pose")
    make_pose(sanskrit_name="Bendasana", english_name="Bend Pose", other_names="Plum bend")
    make_pose(
        sanskrit_name="Kiwasana", english_name="Kiwi Pose", summary="A practice before Plumasana."
    )
    cache.clear()
    compared = 0
    for query in [*RANKED_QUERIES, "plum", "plumasana practice", "plum bend", "plumasan"]:
        browse = Browse.from_query_dict(QueryDict(f"q={query}"))
        listed = browse.listed()
        in_memory = []
        for segment, _ in listed.segments:
            if isinstance(segment, list):
                in_memory += segment
            else:
                in_memory += browse.index.ids_in_order(segment)
        by_search = list(
            Pose.objects.published()
            .search(query, match_all=not browse.matches_any_word)
            .values_list("pk", flat=True)
        )
        assert in_memory == by_search, query
        compared += len(by_search)
    assert compared > 200
