import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from poses.models import BodyArea, Condition, Level, PoseType, SafetyNote
from tests.factories import make_draft, make_pose, make_safety_note
from tests.pages import card_names, counted_get, page_elements, result_count

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("janusirsasana_library"),
]

ALL_FIXTURE_POSES = [
    "Adho Mukha Svanasana",
    "Baddha Konasana",
    "Dandasana",
    "Janusirsasana",
    "Paschimottanasana",
    "Purvottanasana",
    "Supta Padangusthasana",
    "Uttanasana",
]


def all_but(*names):
    return [name for name in ALL_FIXTURE_POSES if name not in names]


def browse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def query_of(url):
    """A URL's parameters as {name: value}."""
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def facet_choices(response):
    """(label, URL, count shown, selected) for every choice of every filter on the page."""
    (filters,) = page_elements(response, "aside", class_="filters")
    choices = []
    for item in page_elements(filters, "li"):
        (link,) = page_elements(item, "a")
        (count,) = page_elements(item, "span", class_="count")
        choices.append(
            (link.text, link.attributes["href"], int(count.text), "aria-current" in link.attributes)
        )
    return choices


def flagged_for_modification(response):
    """The names of the cards marked “Modify for <condition>”."""
    return [
        page_elements(card, "span", class_="pose-card__name")[0].text
        for card in page_elements(response, "li", class_="pose-card")
        if any(
            flag.text.startswith("Modify for ")
            for flag in page_elements(card, "p", class_="pose-card__flag")
        )
    ]


def revolved_head_to_knee():
    """An intermediate seated forward bend, safe with a back injury."""
    pose = make_pose(
        sanskrit_name="Parivrtta Janusirsasana",
        english_name="Revolved Head to Knee Pose",
        summary="A twisting forward bend.",
        level=Level.INTERMEDIATE,
    )
    pose.pose_types.add(PoseType.objects.get(slug="sitting"))
    return pose


# Pose types read as words: the fixture stores them as "Forward-Bend"


def test_the_type_filter_and_the_cards_name_pose_types_in_words(client):
    response = browse(client, "/poses/?type=forward-bend")
    labels = [label for label, *_ in facet_choices(response)]
    assert "Forward bend" in labels
    assert "Side bend" in labels
    cards = [card.text for card in page_elements(response, "p", class_="pose-card__meta")]
    assert any("Forward bend" in card for card in cards)
    removable = page_elements(response, "ul", class_="active-filters")[0].text
    assert "Pose type: Forward bend" in removable
    assert "Forward-Bend" not in response.content.decode()


def test_a_pose_page_names_its_pose_types_in_words(client):
    html = browse(client, "/poses/janusirsasana/").content.decode()
    assert "Forward bend, Side bend" in html
    assert "Forward-Bend" not in html


# Each filter alone


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/poses/?level=intermediate", ["Purvottanasana"]),
        ("/poses/?level=beginner", all_but("Purvottanasana")),
        ("/poses/?type=forward-bend", ["Janusirsasana", "Paschimottanasana", "Uttanasana"]),
        ("/poses/?type=supine", ["Supta Padangusthasana"]),
        ("/poses/?style=hatha-yoga", all_but("Janusirsasana")),
        ("/poses/?stretches=hips", ["Baddha Konasana", "Supta Padangusthasana", "Uttanasana"]),
        ("/poses/?strengthens=back", ["Dandasana", "Janusirsasana", "Purvottanasana"]),
        ("/poses/?safe_for=knee-injury", all_but("Janusirsasana")),
        # Downward Dog is modified in pregnancy, not avoided: it stays, marked.
        ("/poses/?safe_for=pregnancy", all_but("Janusirsasana")),
    ],
)
def test_a_filter_alone_narrows_the_list_to_its_poses(client, url, expected):
    response = browse(client, url)
    assert card_names(response) == expected
    assert result_count(response) == len(expected)


def test_area_finds_poses_that_stretch_or_strengthen_it(client):
    back = BodyArea.objects.get(slug="back")
    make_pose(sanskrit_name="Bhujangasana").stretches.add(back)
    both = make_pose(sanskrit_name="Salabhasana")
    both.stretches.add(back)
    both.strengthens.add(back)

    response = browse(client, "/poses/?area=back")

    # Dandasana, Janusirsasana and Purvottanasana strengthen the back; each pose once.
    assert card_names(response) == [
        "Bhujangasana",
        "Dandasana",
        "Janusirsasana",
        "Purvottanasana",
        "Salabhasana",
    ]


def test_safe_for_a_condition_hides_janusirsasana_which_is_to_be_avoided(client):
    response = browse(client, "/poses/?safe_for=knee-injury")
    assert "Janusirsasana" not in card_names(response)
    assert "Janusirsasana" in card_names(browse(client, "/poses/"))


def test_safe_for_a_condition_marks_the_poses_to_modify(client):
    # Baddha Konasana has a “modify” note for a knee injury; the others have none for it.
    response = browse(client, "/poses/?safe_for=knee-injury")
    assert flagged_for_modification(response) == ["Baddha Konasana"]


def test_safe_for_marks_a_pose_with_a_modify_note_for_that_condition_only(client):
    pose = make_pose(sanskrit_name="Virasana")
    note = make_safety_note(pose, 1, kind=SafetyNote.Kind.MODIFY)
    note.conditions.add(Condition.objects.get(slug="asthma"))

    assert "Virasana" in flagged_for_modification(browse(client, "/poses/?safe_for=asthma"))
    assert "Virasana" not in flagged_for_modification(browse(client, "/poses/?safe_for=pregnancy"))
    assert flagged_for_modification(browse(client, "/poses/")) == []


# Filters together, and with a search


def test_filters_combine(client):
    response = browse(
        client, "/poses/?level=beginner&type=stretch&style=hatha-yoga&safe_for=pregnancy"
    )
    # Stretches in Hatha yoga for beginners that are not to be avoided when pregnant;
    # Purvottanasana is intermediate, Janusirsasana (avoid) not Hatha yoga.
    assert card_names(response) == [
        "Adho Mukha Svanasana",
        "Baddha Konasana",
        "Paschimottanasana",
        "Supta Padangusthasana",
        "Uttanasana",
    ]


def test_filters_combine_with_a_search(client):
    revolved_head_to_knee()

    # Poses named forward bends first (“Seated Forward Bend”, then Janusirsasana by another
    # name), then those whose text speaks of forward bends (Dandasana's benefits, the
    # revolved variation's steps, Purvottanasana's counterpose).
    assert card_names(browse(client, "/poses/?q=forward+bend")) == [
        "Paschimottanasana",
        "Uttanasana",
        "Janusirsasana",
        "Dandasana",
        "Parivrtta Janusirsasana",
        "Purvottanasana",
    ]
    assert card_names(browse(client, "/poses/?q=forward+bend&type=sitting")) == [
        "Paschimottanasana",
        "Janusirsasana",
        "Dandasana",
        "Parivrtta Janusirsasana",
    ]
    assert card_names(browse(client, "/poses/?q=forward+bend&type=sitting&level=beginner")) == [
        "Paschimottanasana",
        "Janusirsasana",
        "Dandasana",
    ]


# Facet counts


@pytest.mark.parametrize(
    "url",
    [
        "/poses/",
        "/poses/?q=asana&type=stretch&stretches=hamstrings&safe_for=back-injury",
    ],
)
def test_each_choice_shows_how_many_poses_following_it_lists(client, url):
    # A draft must not be counted.
    draft = make_draft(level=Level.INTERMEDIATE)
    draft.pose_types.add(PoseType.objects.get(slug="stretch"))
    response = browse(client, url)
    choices = facet_choices(response)

    assert len(choices) >= 20
    for label, choice_url, shown, selected in choices:
        # A selected choice's link removes it; its count is that of the page itself.
        listed = result_count(response if selected else browse(client, "/poses/" + choice_url))
        assert (label, shown) == (label, listed)


def test_a_choice_that_would_list_no_pose_is_not_offered(client):
    # The studio's fixture has no advanced pose.
    choices = facet_choices(browse(client, "/poses/"))
    assert "Advanced" not in [label for label, *_ in choices]
    assert all(shown > 0 for _, _, shown, _ in choices)


def test_a_search_that_finds_nothing_offers_no_filters(client):
    response = browse(client, "/poses/?q=xylophone")
    assert card_names(response) == []
    assert page_elements(response, "aside", class_="filters") == []
    assert "Filter" not in [element.text for element in page_elements(response, "h2")]


def test_filters_that_find_nothing_stay_listed_to_be_removed_and_offer_nothing_else(client):
    # Purvottanasana, the only intermediate pose, is no forward bend.
    response = browse(client, "/poses/?level=intermediate&type=forward-bend")
    assert card_names(response) == []
    choices = facet_choices(response)
    selected = [(label, shown) for label, _, shown, is_selected in choices if is_selected]
    assert selected == [("Intermediate", 0), ("Forward bend", 0)]
    assert all(shown > 0 for _, _, shown, is_selected in choices if not is_selected)
    (forward_bend,) = [url for label, url, *_ in choices if label == "Forward bend"]
    assert query_of(forward_bend) == {"level": "intermediate"}
    assert card_names(browse(client, "/poses/" + forward_bend)) == ["Purvottanasana"]


# Active filters


BASE = "/poses/?q=forward+bend&level=beginner&type=sitting&safe_for=back-injury"


def test_each_filter_in_use_is_listed(client):
    response = browse(client, BASE)
    (in_use,) = page_elements(response, "ul", aria_label="Filters in use")
    assert [link.attributes.get("aria-label") for link in page_elements(in_use, "a")] == [
        "Remove filter Level: Beginner",
        "Remove filter Pose type: Sitting",
        "Remove filter Guidance for: Back injury",
        None,  # “Clear all filters”
    ]
    # Dandasana's benefits speak of seated forward bends: found by its text, ranked last.
    assert card_names(response) == ["Paschimottanasana", "Dandasana"]


@pytest.mark.parametrize(
    ("label", "parameter", "expected"),
    [
        (
            "Level: Beginner",
            "level",
            ["Paschimottanasana", "Dandasana", "Parivrtta Janusirsasana"],
        ),
        ("Pose type: Sitting", "type", ["Paschimottanasana", "Uttanasana", "Dandasana"]),
        (
            "Guidance for: Back injury",
            "safe_for",
            ["Paschimottanasana", "Janusirsasana", "Dandasana"],
        ),
    ],
)
def test_removing_a_filter_keeps_the_search_and_the_other_filters(
    client, label, parameter, expected
):
    revolved_head_to_knee()
    (link,) = page_elements(browse(client, BASE), "a", aria_label=f"Remove filter {label}")
    url = "/poses/" + link.attributes["href"]

    kept = query_of(BASE)
    del kept[parameter]
    assert query_of(url) == kept
    assert card_names(browse(client, url)) == expected


def test_clearing_all_filters_keeps_the_search(client):
    response = browse(client, BASE)
    (link,) = [link for link in page_elements(response, "a") if link.text == "Clear all filters"]
    url = link.attributes["href"]

    assert query_of(url) == {"q": "forward bend"}
    assert card_names(browse(client, url)) == [
        "Paschimottanasana",
        "Uttanasana",
        "Janusirsasana",
        "Dandasana",
        "Purvottanasana",
    ]


# Sharing a filtered list


def test_a_filtered_list_can_be_shared_by_its_url(client):
    # One student searches, then picks two filters from the page …
    response = browse(client, "/poses/?q=forward+bend")
    for label in ["Sitting", "Back injury"]:
        (choice,) = [choice for choice in facet_choices(response) if choice[0] == label]
        url = "/poses/" + choice[1]
        response = browse(client, url)
    assert card_names(response) == ["Paschimottanasana", "Dandasana"]

    # … and another opens the link they were sent.
    cache.clear()
    shared = browse(Client(), url)
    assert card_names(shared) == ["Paschimottanasana", "Dandasana"]
    assert result_count(shared) == 2


# Values the list does not know


@pytest.mark.parametrize(
    "url",
    [
        "/poses/?level=expert",
        "/poses/?type=nope",
        "/poses/?style=nope",
        "/poses/?area=nope",
        "/poses/?stretches=nope",
        "/poses/?strengthens=nope",
        "/poses/?safe_for=unknown",
        "/poses/?q=asana&level=beginner&type=nope",
    ],
)
def test_an_unknown_filter_value_says_nothing_matched(client, url):
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 200
    assert card_names(response) == []
    assert "Nothing matched" in response.content.decode()
    assert any(
        link.text == "see all poses" for link in page_elements(response, "a", href="/poses/")
    )


# Pages of results


def test_the_list_shows_24_poses_a_page_and_the_rest_on_page_2(client):
    added = [make_pose().sanskrit_name for _ in range(22)]

    first = browse(client, "/poses/")
    second = browse(client, "/poses/?page=2")

    assert len(card_names(first)) == 24
    assert len(card_names(second)) == 6
    assert sorted(card_names(first) + card_names(second)) == sorted(ALL_FIXTURE_POSES + added)
    assert "Page 2 of 2" in second.content.decode()


def test_pager_links_keep_the_search_and_filters(client):
    flow = PoseType.objects.create(name="Flow", slug="flow")
    for number in range(1, 27):
        make_pose(sanskrit_name=f"Kramasana {number:02}").pose_types.add(flow)
    for number in range(27, 30):
        make_pose(sanskrit_name=f"Kramasana {number:02}", level=Level.ADVANCED).pose_types.add(flow)
    url = "/poses/?q=kramasana&level=beginner&type=flow"

    (next_link,) = page_elements(browse(client, url), "a", rel="next")
    assert query_of(next_link.attributes["href"]) == {**query_of(url), "page": "2"}
    second = browse(client, "/poses/" + next_link.attributes["href"])
    assert card_names(second) == ["Kramasana 25", "Kramasana 26"]

    (previous_link,) = page_elements(second, "a", rel="prev")
    assert query_of(previous_link.attributes["href"]) == {**query_of(url), "page": "1"}
    first = browse(client, "/poses/" + previous_link.attributes["href"])
    assert card_names(first) == [f"Kramasana {number:02}" for number in range(1, 25)]


# A fixed number of queries, whatever the size of the library

FILTERED = "/poses/?q=asana&level=beginner&safe_for=knee-injury&type=forward-bend"


@pytest.fixture(scope="module")
def pages_at_two_sizes(janusirsasana_library, django_db_blocker):
    """{(poses generated, URL): (queries made, card names)} for the whole list and a filtered
    search, with 100 and then 1,000 generated poses (rolled back afterwards)."""

    def render(url):
        client = Client()
        client.get(url)  # anything done only once per process is not counted
        cache.clear()  # a page served from the cache would make no queries at all
        queries, response = counted_get(client, url)
        return queries, card_names(response)

    measured = {}
    with django_db_blocker.unblock(), transaction.atomic():
        for size, more in [(100, 100), (1000, 900)]:
            call_command("generate_poses", more, stdout=io.StringIO())
            for url in ["/poses/", FILTERED]:
                measured[size, url] = render(url)
        transaction.set_rollback(True)
    return measured


def test_the_pose_list_makes_as_many_queries_with_1000_poses_as_with_100(pages_at_two_sizes):
    queries_100, _ = pages_at_two_sizes[100, "/poses/"]
    queries_1000, _ = pages_at_two_sizes[1000, "/poses/"]
    assert queries_1000 == queries_100


def test_a_filtered_search_makes_as_many_queries_with_1000_poses_as_with_100(pages_at_two_sizes):
    queries_100, names_100 = pages_at_two_sizes[100, FILTERED]
    queries_1000, names_1000 = pages_at_two_sizes[1000, FILTERED]
    # Fewer cards with 100 poses than with 1,000: a query per card would show here too.
    assert len(names_100) < len(names_1000)
    assert queries_1000 == queries_100


@pytest.mark.parametrize("url", ["/poses/", FILTERED])
def test_with_1000_poses_a_page_still_shows_24_cards(pages_at_two_sizes, url):
    _, names = pages_at_two_sizes[1000, url]
    assert len(names) == 24
