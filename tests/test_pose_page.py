import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from poses.models import Condition, PoseLink, RelatedPose, Step, Style
from tests.factories import (
    make_draft,
    make_full_pose,
    make_pose,
    make_safety_note,
    make_staff,
    make_step,
    make_user,
)
from tests.pages import counted_get
from tests.work import clear_pages

pytestmark = pytest.mark.django_db


def page(client, pose):
    response = client.get(pose.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def section(html, heading_id):
    """The HTML of the page section whose heading has this id ("" when there is none)."""
    match = re.search(rf'<h2 id="{heading_id}">.*?</section>', html, re.DOTALL)
    return match.group(0) if match else ""


def step_titles(html):
    return re.findall(r'<h3 class="step__title">(.*?)</h3>', html)


# Steps


def test_steps_show_in_position_order(client):
    pose = make_pose()
    make_step(pose, 3, title="Fold forward")
    make_step(pose, 1, title="Sit tall")
    make_step(pose, 2, title="Bend the right knee")
    assert step_titles(page(client, pose)) == ["Sit tall", "Bend the right knee", "Fold forward"]


def test_reordered_steps_show_in_their_new_order(client):
    pose = make_pose()
    sit, bend, fold = (
        make_step(pose, n, title=t) for n, t in enumerate(["Sit", "Bend", "Fold"], 1)
    )
    # Park one row first: positions are unique per pose.
    Step.objects.filter(pk=fold.pk).update(position=99)
    Step.objects.filter(pk=sit.pk).update(position=3)
    Step.objects.filter(pk=fold.pk).update(position=1)
    assert step_titles(page(client, pose)) == ["Fold", "Bend", "Sit"]


def test_step_shows_its_breath_cue_and_side(client):
    pose = make_pose()
    make_step(pose, 1, title="Fold forward", breath_cue="exhale", side="right")
    html = page(client, pose)
    assert '<span class="cue cue--exhale">Exhale</span>' in html
    assert '<span class="cue cue--side">Right side</span>' in html


def test_step_instruction_shows_as_html(client):
    pose = make_pose()
    make_step(pose, 1, instruction="Sit on a *folded blanket*.")
    assert "<p>Sit on a <em>folded blanket</em>.</p>" in section(page(client, pose), "steps")


# Links between poses


def test_a_preparatory_link_shows_on_both_poses(client):
    # One stored fact, read from both ends.
    dandasana = make_pose(sanskrit_name="Dandasana", english_name="Staff Pose", slug="dandasana")
    janu = make_pose(sanskrit_name="Janusirsasana", slug="janusirsasana")
    PoseLink.objects.create(preparatory=dandasana, follow_up=janu, reason="The starting position")

    on_follow_up = page(client, janu)
    assert 'href="/poses/dandasana/"' in section(on_follow_up, "preparatory")
    assert "The starting position" in section(on_follow_up, "preparatory")
    assert section(on_follow_up, "follow-up") == ""

    on_preparatory = page(client, dandasana)
    assert 'href="/poses/janusirsasana/"' in section(on_preparatory, "follow-up")
    assert section(on_preparatory, "preparatory") == ""


def test_preparatory_poses_show_in_link_order(client):
    pose = make_pose()
    second = make_pose(sanskrit_name="Aaasana")
    first = make_pose(sanskrit_name="Zzzasana")
    PoseLink.objects.create(preparatory=second, follow_up=pose, position_among_preparatory=2)
    PoseLink.objects.create(preparatory=first, follow_up=pose, position_among_preparatory=1)
    links = section(page(client, pose), "preparatory")
    assert links.index("Zzzasana") < links.index("Aaasana")


def test_a_related_pose_shows_on_both_poses(client):
    janu = make_pose(sanskrit_name="Janusirsasana", slug="janusirsasana")
    pascha = make_pose(sanskrit_name="Paschimottanasana", slug="paschimottanasana")
    RelatedPose.objects.create(pose=janu, related=pascha, kind=RelatedPose.Kind.VARIATION)
    on_janu = section(page(client, janu), "related")
    on_pascha = section(page(client, pascha), "related")
    assert 'href="/poses/paschimottanasana/"' in on_janu
    assert "Variation" in on_janu
    assert 'href="/poses/janusirsasana/"' in on_pascha
    assert "Variation" in on_pascha


def test_links_to_draft_poses_are_hidden_from_the_public(client):
    pose = make_pose()
    draft = make_draft(slug="secret-draft", sanskrit_name="Secretasana")
    PoseLink.objects.create(preparatory=draft, follow_up=pose)
    PoseLink.objects.create(preparatory=pose, follow_up=draft)
    RelatedPose.objects.create(pose=pose, related=draft)
    make_safety_note(pose, 1, text="Take care.", substitute=draft)
    html = page(client, pose)
    assert "secret-draft" not in html
    assert "Secretasana" not in html
    assert section(html, "preparatory") == ""
    assert section(html, "follow-up") == ""
    assert section(html, "related") == ""


def test_links_to_poses_scheduled_for_later_are_hidden_from_the_public(client):
    pose = make_pose()
    later = make_pose(slug="coming-soon", published_at=timezone.now() + timedelta(days=3))
    PoseLink.objects.create(preparatory=later, follow_up=pose)
    RelatedPose.objects.create(pose=pose, related=later)
    assert "coming-soon" not in page(client, pose)


def test_a_published_substitute_is_linked_from_its_precaution(client):
    pose = make_pose()
    substitute = make_pose(slug="dandasana", sanskrit_name="Dandasana")
    make_safety_note(pose, 1, text="Knees first.", substitute=substitute)
    precautions = section(page(client, pose), "precautions")
    assert 'Instead, try <a href="/poses/dandasana/">' in precautions


def test_a_precaution_lists_the_conditions_it_concerns(client):
    pose = make_pose()
    note = make_safety_note(pose, 1, text="Avoid with injured knees.")
    note.conditions.add(Condition.objects.create(name="Knee injury", slug="knee-injury"))
    precautions = section(page(client, pose), "precautions")
    assert "Avoid with injured knees." in precautions
    assert "Concerns: Knee injury" in precautions


# Who sees what


def test_a_draft_is_not_found_for_anonymous_visitors(client):
    draft = make_draft()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_draft_is_not_found_for_logged_in_students(client):
    draft = make_draft()
    client.force_login(make_user())
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_staff_preview_a_draft_with_a_banner(client):
    draft = make_draft(sanskrit_name="Draftasana")
    client.force_login(make_staff())
    html = page(client, draft)
    assert "Draft preview" in html
    assert "Draftasana" in html
    assert '<meta name="robots" content="noindex">' in html


def test_a_published_pose_has_no_draft_banner(client):
    client.force_login(make_staff())
    html = page(client, make_pose())
    assert "Draft preview" not in html
    assert "noindex" not in html


def test_a_pose_scheduled_for_later_is_not_found_for_the_public(client):
    pose = make_pose(published_at=timezone.now() + timedelta(days=1))
    assert client.get(pose.get_absolute_url()).status_code == 404


def test_staff_see_when_a_scheduled_pose_goes_public(client):
    pose = make_pose(published_at=timezone.now() + timedelta(days=1))
    client.force_login(make_staff())
    assert "Scheduled — this pose becomes public on" in page(client, pose)


def test_an_unknown_pose_shows_our_own_not_found_page(client):
    response = client.get("/poses/no-such-pose/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_a_draft_shows_our_own_not_found_page(client):
    response = client.get(make_draft().get_absolute_url())
    assert "We could not find that page" in response.content.decode()


def test_a_server_error_shows_our_own_page(client, settings):
    settings.ROOT_URLCONF = "tests.broken_urls"
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


# Pose list and home page


def pose_cards(html):
    return re.findall(r'<span class="pose-card__name" lang="sa-Latn">(.*?)</span>', html)


def test_pose_list_shows_published_poses_only(client):
    make_pose(sanskrit_name="Dandasana")
    make_draft(sanskrit_name="Draftasana")
    make_pose(sanskrit_name="Laterasana", published_at=timezone.now() + timedelta(days=1))
    response = client.get("/poses/")
    assert response.status_code == 200
    assert pose_cards(response.content.decode()) == ["Dandasana"]


def test_pose_list_shows_24_poses_a_page(client):
    for number in range(25):
        make_pose(english_name=f"Pose {number:02}", sanskrit_name=f"Listasana{number:02}")
    first = client.get("/poses/").content.decode()
    second = client.get("/poses/?page=2").content.decode()
    assert len(pose_cards(first)) == 24
    assert pose_cards(second) == ["Listasana24"]
    assert "25 poses" in first
    assert "Page 1 of 2" in first
    assert 'href="?page=2"' in first


def test_pose_list_says_when_nothing_is_published(client):
    make_draft()
    assert "No poses are published yet." in client.get("/poses/").content.decode()


def test_home_page_lists_published_poses(client):
    make_pose(sanskrit_name="Dandasana", english_name="Staff Pose")
    make_draft(sanskrit_name="Draftasana")
    make_pose(sanskrit_name="Laterasana", published_at=timezone.now() + timezone.timedelta(days=1))
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert pose_cards(html) == ["Dandasana"]
    assert "Browse all 1 pose" in html


def test_pose_card_links_to_the_pose_page(client):
    make_pose(slug="dandasana")
    assert 'href="/poses/dandasana/"' in client.get("/").content.decode()


# Page cost: a constant number of queries, however much the pose holds. Rendering takes 12;
# the page cache asks once more, when the next scheduled pose goes public.

# The pose, then one query each for its types, their guidance, styles, two body area lists,
# steps, benefits, notes, their conditions, preparatory, follow-up, counterposes, related poses.
POSE_PAGE_QUERIES = 15


def test_pose_page_costs_the_same_queries_with_3_or_30_of_everything(client):
    small, _ = counted_get(client, make_full_pose(3).get_absolute_url())
    large, response = counted_get(client, make_full_pose(30).get_absolute_url())
    large_html = response.content.decode()
    # Make sure the larger page really shows 30 of each.
    assert len(step_titles(large_html)) == 30
    assert section(large_html, "follow-up").count("<li>") == 30
    assert section(large_html, "related").count("<li>") == 30
    assert large_html.count("Instead, try") == 30
    assert small == large


def basics(html):
    """The rows of the pose's basics table: {heading: text}."""
    rows = re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', html, re.DOTALL)
    return {heading: re.sub(r"<[^>]+>", "", text) for heading, text in rows}


def test_styles_and_body_areas_come_from_the_facet_index_once_it_is_built(client):
    """The same basics from the facet index as from the database, three queries fewer. A
    pose page does not build the index itself (a list page or the sitemap does)."""
    pose = make_full_pose(3)
    pose.styles.add(Style.objects.create(name="Hatha", slug="hatha"))
    cache.clear()
    client.get(pose.get_absolute_url())  # the time of the next publication, kept from now
    clear_pages()
    from_database, response = counted_get(client, pose.get_absolute_url())
    by_database = basics(response.content.decode())
    assert by_database["Style of yoga"] == "Hatha, Style 3"
    assert by_database["Stretches"] == "Hips 3"
    assert by_database["Strengthens"] == "Legs 3"

    client.get("/poses/")  # builds the index
    clear_pages()
    from_index, response = counted_get(client, pose.get_absolute_url())
    assert basics(response.content.decode()) == by_database
    assert from_index == from_database - 3


def test_pose_page_query_count(client, django_assert_num_queries):
    pose = make_full_pose(3)
    with django_assert_num_queries(POSE_PAGE_QUERIES):
        page(client, pose)
