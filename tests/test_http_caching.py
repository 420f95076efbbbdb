"""Pages by the book: what browsers and shared caches may keep, conditional requests, one
server-side entry per page whatever junk its URL carries, and students with a session served
the shared page with only their own parts rendered for them (studio/cache.py)."""

import re

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.cache import get_max_age

from poses.models import Condition, PoseLink, SafetyNote
from tests.conftest import run_python
from tests.factories import (
    make_item,
    make_pose,
    make_safety_note,
    make_sequence,
    make_staff,
    make_step,
)
from tests.pages import counted_get

pytestmark = pytest.mark.django_db


def cache_control(response):
    return {part.strip() for part in response["Cache-Control"].split(",")}


def choose_conditions(client, *conditions):
    response = client.post("/safe-for-me/", {"conditions": [c.slug for c in conditions]})
    assert response.status_code == 302


def knee_pose(**overrides):
    """A pose to avoid with a knee injury."""
    knee, _ = Condition.objects.get_or_create(name="Knee injury", slug="knee-injury")
    pose = make_pose(**overrides)
    make_step(pose, 1, title="Kneel down")
    note = make_safety_note(pose, 1, text="Kneeling loads the knee.", kind=SafetyNote.Kind.AVOID)
    note.conditions.add(knee)
    return pose, knee


@pytest.mark.parametrize("url", ["/", "/poses/", "/poses/?q=test", "/sequences/", "pose"])
def test_anonymous_pages_may_be_kept_by_browsers_briefly_and_by_shared_caches_longer(client, url):
    pose = make_pose()
    response = client.get(pose.get_absolute_url() if url == "pose" else url)
    assert response.status_code == 200
    control = cache_control(response)
    assert "public" in control
    assert "max-age=60" in control
    assert ("s-maxage=60" if "?q=" in url else "s-maxage=600") in control
    assert response["ETag"]
    assert "Cookie" in response["Vary"]


def test_a_page_is_never_kept_past_the_next_scheduled_publication(client):
    make_pose(published_at=timezone.now() + timezone.timedelta(seconds=30))
    shared_for = int(re.search(r"s-maxage=(\d+)", client.get("/poses/")["Cache-Control"])[1])
    assert 0 < shared_for <= 30
    assert get_max_age(client.get("/poses/")) <= 30


def test_a_browser_that_has_the_page_gets_304_without_the_body(client):
    pose = make_pose()
    first = client.get(pose.get_absolute_url())
    again = client.get(pose.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_a_changed_page_is_sent_again_in_full(client, django_capture_on_commit_callbacks):
    pose = make_pose(english_name="Before Pose")
    first = client.get(pose.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        pose.english_name = "After Pose"
        pose.save()
    again = client.get(pose.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert "After Pose" in again.content.decode()


def test_staff_and_students_with_a_session_get_private_pages(client):
    pose = make_pose()
    pose_url = pose.get_absolute_url()
    choose_conditions(client, Condition.objects.create(name="Asthma", slug="asthma"))
    assert {"private", "no-cache"} <= cache_control(client.get(pose_url))
    client.force_login(make_staff())
    assert {"private", "no-cache"} <= cache_control(client.get(pose_url))
    assert "public" not in cache_control(client.get("/poses/"))


def test_each_host_has_its_own_pages(client, settings):
    settings.ALLOWED_HOSTS = ["poses.example.org", "yoga.example.net"]
    pose = make_pose()
    first = client.get(pose.get_absolute_url(), headers={"host": "poses.example.org"})
    second = client.get(pose.get_absolute_url(), headers={"host": "yoga.example.net"})
    assert "http://poses.example.org/" in first.content.decode()
    page = second.content.decode()
    assert "http://yoga.example.net/" in page
    assert "poses.example.org" not in page


def test_junk_query_parameters_share_one_entry_and_never_reach_the_page(client):
    make_pose(english_name="Quiet Pose")
    queries, first = counted_get(client, "/poses/?utm_source=news-1&level=beginner")
    assert queries > 0
    for n in range(2, 30):
        queries, response = counted_get(client, f"/poses/?level=beginner&utm_source=news-{n}")
        assert queries == 0, "every junk value would be another entry in the cache"
        assert response.content == first.content
    assert "utm_source" not in first.content.decode()
    assert "news-1" not in first.content.decode()


def test_a_search_is_its_own_entry(client):
    make_pose(english_name="Quiet Pose")
    make_pose(english_name="Loud Pose")
    assert "Loud Pose" not in client.get("/poses/?q=quiet").content.decode()
    assert "Quiet Pose" not in client.get("/poses/?q=loud").content.decode()


def test_a_student_sees_their_own_guidance_on_the_shared_page(client):
    pose, knee = knee_pose(english_name="Kneeling Pose")
    anonymous_page = client.get(pose.get_absolute_url()).content.decode()  # stored for all
    assert "Avoid this pose for you" not in anonymous_page

    choose_conditions(client, knee)
    page = client.get(pose.get_absolute_url()).content.decode()
    assert "Avoid this pose for you" in page
    assert "Kneeling loads the knee." in page
    assert "Choose yours once" not in page  # the invitation is theirs to replace
    assert "<!--personal" not in page and "<!--personal" not in anonymous_page


def test_one_students_guidance_is_never_served_to_anyone_else(client):
    pose, knee = knee_pose()
    choose_conditions(client, knee)
    assert "Avoid this pose for you" in client.get(pose.get_absolute_url()).content.decode()

    anonymous = Client()
    page = anonymous.get(pose.get_absolute_url()).content.decode()
    assert "Avoid this pose for you" not in page
    assert "Choose yours once" in page

    other_student = Client()
    choose_conditions(other_student, Condition.objects.create(name="Asthma", slug="asthma"))
    page = other_student.get(pose.get_absolute_url()).content.decode()
    assert "No specific guidance for you here" in page
    assert "Kneeling loads the knee." in page  # the pose's precautions, for everyone
    assert "Avoid this pose for you" not in page


def test_a_student_costs_a_few_queries_however_much_the_page_shows(client):
    pose, knee = knee_pose()
    for n in range(8):  # a page with plenty to show: steps and linked poses
        make_step(pose, n + 2)
        PoseLink.objects.create(preparatory=make_pose(), follow_up=pose)
    anonymous_queries, _ = counted_get(client, pose.get_absolute_url())
    choose_conditions(client, knee)
    student_queries, response = counted_get(client, pose.get_absolute_url())
    assert "Avoid this pose for you" in response.content.decode()
    # The session, the student's conditions and the pose's guidance (pose, its types and
    # their guidance, its notes and their conditions): the shared page comes from the cache.
    assert student_queries <= 7
    assert student_queries < anonymous_queries


def test_students_on_a_sequence_page_get_their_flags_on_every_pose(client):
    sequence = make_sequence()
    knee_poses = [knee_pose()[0] for _ in range(3)]
    knee = Condition.objects.get(slug="knee-injury")
    for pose in knee_poses:
        make_item(sequence, pose)
    page = client.get(sequence.get_absolute_url()).content.decode()
    assert "Avoid for you" not in page
    assert "Safe for me?" in page

    choose_conditions(client, knee)
    page = client.get(sequence.get_absolute_url()).content.decode()
    assert page.count("Avoid for you") == 3
    assert "Safe for me?" not in page
    practise = client.get(sequence.get_absolute_url() + "practise/").content.decode()
    assert practise.count("Avoid for you") == 3


def test_staff_get_a_page_of_their_own(client):
    pose = make_pose()
    client.get(pose.get_absolute_url())  # the shared page, stored
    client.force_login(make_staff())
    queries, response = counted_get(client, pose.get_absolute_url())
    assert queries > 0
    assert 'href="/admin/' in response.content.decode() or "Admin" in response.content.decode()


def test_without_a_shared_cache_every_request_renders_afresh(client, settings):
    """Several web processes without Redis must never serve a page older than the last
    save: then no whole page is kept on the server (shared caches still get headers)."""
    settings.PAGE_CACHE = False
    pose = make_pose()
    client.get(pose.get_absolute_url())
    queries, response = counted_get(client, pose.get_absolute_url())
    assert queries > 0
    assert "public" in cache_control(response)


def test_the_page_cache_is_on_only_where_every_process_shares_it():
    check = "from django.conf import settings; print(settings.PAGE_CACHE)"
    setup = "import django; django.setup(); "
    assert run_python("-c", setup + check).stdout.strip() == "False"
    with_redis = run_python("-c", setup + check, REDIS_URL="redis://127.0.0.1:6379/15")
    assert with_redis.stdout.strip() == "True"
    one_process = run_python("-c", setup + check, DJANGO_PAGE_CACHE="1")
    assert one_process.stdout.strip() == "True"


def test_a_page_served_from_the_server_cache_keeps_its_surrogate_keys(client):
    pose = make_pose()
    first = client.get(pose.get_absolute_url())
    queries, again = counted_get(client, pose.get_absolute_url())
    assert queries == 0
    assert f"pose-{pose.pk}" in first["xkey"].split()
    assert again["xkey"] == first["xkey"]
    assert again["Surrogate-Key"] == first["Surrogate-Key"]
