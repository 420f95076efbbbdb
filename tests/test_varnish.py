"""Varnish, really running, in front of the live test server, with deploy/varnish/studio.vcl.

varnishd must be installed (`apt-get install varnish varnish-modules`; `.ci/run` and
`make varnish` install it): without it these tests fail, they never skip.
"""

import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.http import HttpResponse
from django.urls import include, path
from django.utils.cache import patch_cache_control

from poses.models import PoseLink, PoseType, Step
from sequences.models import Sequence, SequenceItem
from studio import edge
from tests.factories import make_pose, make_step

VCL = Path(__file__).resolve().parents[1] / "deploy" / "varnish" / "studio.vcl"

pytestmark = pytest.mark.django_db(transaction=True)


# Two tagged pages that must never be stored, served beside the site (ROOT_URLCONF below).
@edge.tagged("poses")
def page_setting_a_cookie(request):
    response = HttpResponse("A page that sets a cookie")
    response.set_cookie("flavour", "chosen")
    return response


@edge.tagged("poses")
def private_page(request):
    response = HttpResponse(f"Private page number {time.monotonic_ns()}")
    patch_cache_control(response, private=True)
    return response


urlpatterns = [
    path("test-cookie/", page_setting_a_cookie),
    path("test-private/", private_page),
    path("", include("studio.urls")),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def varnish(live_server, tmp_path_factory):
    """varnishd on a free port, with the repository's VCL pointed at the live server."""
    varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
    if not Path(varnishd).exists():
        pytest.fail(
            "varnishd is not installed: `apt-get install varnish varnish-modules` "
            "(.ci/run and `make varnish` install it)."
        )
    workdir = tmp_path_factory.mktemp("varnish")
    backend_port = live_server.url.rsplit(":", 1)[1]
    vcl = re.sub(r'\.port = "\d+";', f'.port = "{backend_port}";', VCL.read_text(), count=1)
    (workdir / "studio.vcl").write_text(vcl)
    port = free_port()
    process = subprocess.Popen(
        [
            varnishd, "-F", "-j", "none", "-n", str(workdir / "instance"),
            "-a", f"127.0.0.1:{port}", "-f", str(workdir / "studio.vcl"), "-s", "malloc,32m",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            if process.poll() is not None:
                pytest.fail(f"varnishd stopped: {process.stdout.read().decode()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("varnishd did not answer within 10 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def edge_cache(varnish, settings):
    """An empty Varnish that the site purges after each save, as VARNISH_URL sets up."""
    settings.VARNISH_URLS = [varnish]
    settings.ROOT_URLCONF = __name__
    edge.purge(["poses", "sequences", "vocabulary"])
    return varnish


def get(url, cookie=None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers, response.read().decode()


def test_a_repeated_anonymous_request_is_a_hit(edge_cache):
    pose = make_pose(english_name="Repeated Pose")
    first, body = get(f"{edge_cache}/poses/{pose.slug}/")
    again, body_again = get(f"{edge_cache}/poses/{pose.slug}/")
    assert (first["X-Cache"], again["X-Cache"]) == ("MISS", "HIT")
    assert "Repeated Pose" in body_again
    assert body_again == body


def test_the_keys_stay_between_the_site_and_its_cache(edge_cache):
    pose = make_pose()
    headers, _ = get(f"{edge_cache}/poses/{pose.slug}/")
    assert headers["xkey"] is None
    assert headers["Surrogate-Key"] is None


def test_an_edit_is_visible_on_the_next_request(edge_cache):
    pose = make_pose(english_name="Before The Edit")
    other = make_pose(english_name="Untouched Pose")
    for url in (f"/poses/{pose.slug}/", f"/poses/{other.slug}/", "/poses/"):
        get(edge_cache + url)
        assert get(edge_cache + url)[0]["X-Cache"] == "HIT"

    pose.english_name = "After The Edit"
    pose.save()

    headers, body = get(f"{edge_cache}/poses/{pose.slug}/")
    assert headers["X-Cache"] == "MISS"
    assert "After The Edit" in body
    assert "Before The Edit" not in body
    # The list shows every pose's name: purged too. A page not showing it stays cached.
    assert "After The Edit" in get(f"{edge_cache}/poses/")[1]
    assert get(f"{edge_cache}/poses/{other.slug}/")[0]["X-Cache"] == "HIT"


def test_an_edit_of_a_linked_pose_purges_the_page_that_names_it(edge_cache):
    pose = make_pose(english_name="Main Pose")
    preparation = make_pose(english_name="Old Preparation Name")
    PoseLink.objects.create(preparatory=preparation, follow_up=pose)
    url = f"{edge_cache}/poses/{pose.slug}/"
    get(url)
    assert get(url)[0]["X-Cache"] == "HIT"

    preparation.english_name = "New Preparation Name"
    preparation.save()

    headers, body = get(url)
    assert headers["X-Cache"] == "MISS"
    assert "New Preparation Name" in body


def test_a_pose_just_published_appears_on_the_pages_that_link_to_it(edge_cache):
    pose = make_pose(english_name="Main Pose")
    draft = make_pose(english_name="Draft Follow Up", status="draft")
    PoseLink.objects.create(preparatory=pose, follow_up=draft)
    url = f"{edge_cache}/poses/{pose.slug}/"
    assert "Draft Follow Up" not in get(url)[1]

    draft.status = "published"
    draft.save()

    assert "Draft Follow Up" in get(url)[1]


def test_a_page_with_a_session_is_never_shared(edge_cache):
    pose = make_pose(english_name="Personal Pose")
    session = SessionStore()
    session["safety_profile"] = ["knee-injury"]
    session.create()
    url = f"{edge_cache}/poses/{pose.slug}/"
    cookie = f"sessionid={session.session_key}"

    personal = [get(url, cookie)[0]["X-Cache"] for _ in range(2)]
    anonymous = get(url)[0]["X-Cache"]
    assert personal == ["PASS", "PASS"]  # never looked up, never stored
    assert anonymous == "MISS"  # what the student got was not kept for others
    assert get(url, cookie)[0]["X-Cache"] == "PASS"  # nor is the shared page served to them


def test_analytics_cookies_do_not_split_the_cache(edge_cache):
    pose = make_pose()
    url = f"{edge_cache}/poses/{pose.slug}/"
    get(url, "_ga=GA1.1.1; csrftoken=abc")
    assert get(url, "_ga=GA1.1.2")[0]["X-Cache"] == "HIT"


def test_a_response_setting_a_cookie_is_not_stored(edge_cache):
    get(f"{edge_cache}/test-cookie/")
    headers, _ = get(f"{edge_cache}/test-cookie/")
    assert headers["X-Cache"] == "MISS"
    assert headers["Set-Cookie"].startswith("flavour=chosen")


def test_a_private_response_is_not_stored(edge_cache):
    _, first = get(f"{edge_cache}/test-private/")
    headers, second = get(f"{edge_cache}/test-private/")
    assert headers["X-Cache"] == "MISS"
    assert first != second


def test_tracking_parameters_share_one_entry(edge_cache):
    get(f"{edge_cache}/poses/?level=beginner&utm_source=newsletter")
    for junk in ("utm_source=feed&level=beginner", "level=beginner&fbclid=x1&utm_campaign=y"):
        assert get(f"{edge_cache}/poses/?{junk}")[0]["X-Cache"] == "HIT", junk
    assert get(f"{edge_cache}/poses/?level=beginner")[0]["X-Cache"] == "HIT"
    # A parameter the page reads is not junk.
    assert get(f"{edge_cache}/poses/?level=advanced&utm_source=x")[0]["X-Cache"] == "MISS"


def test_only_the_site_may_purge(edge_cache):
    request = urllib.request.Request(edge_cache, method="PURGE", headers={"xkey-purge": "poses"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200  # from 127.0.0.1, in the purgers ACL
    request = urllib.request.Request(edge_cache, method="PURGE")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400  # no keys: nothing purged by accident


def test_an_edit_of_a_pose_purges_the_sequences_that_show_it(edge_cache):
    pose = make_pose(english_name="Pose In A Class")
    sequence = Sequence.objects.create(title="Morning class", slug="morning", status="published")
    SequenceItem.objects.create(sequence=sequence, pose=pose, position=1, hold_value=30)
    url = f"{edge_cache}/sequences/morning/"
    get(url)
    assert get(url)[0]["X-Cache"] == "HIT"

    pose.english_name = "Renamed Pose In A Class"
    pose.save()

    assert "Renamed Pose In A Class" in get(url)[1]


def test_a_pose_just_published_appears_in_the_sequences_that_include_it(edge_cache):
    draft = make_pose(english_name="Not Yet Published", status="draft")
    sequence = Sequence.objects.create(title="Noon class", slug="noon", status="published")
    SequenceItem.objects.create(sequence=sequence, pose=draft, position=1, hold_value=30)
    url = f"{edge_cache}/sequences/noon/"
    assert "Not Yet Published" not in get(url)[1]

    draft.status = "published"
    draft.save()

    assert "Not Yet Published" in get(url)[1]


# What each save purges, without Varnish: the keys sent after the commit.


@pytest.fixture
def purged(settings, monkeypatch):
    settings.VARNISH_URLS = ["http://127.0.0.1:9"]
    sent = []
    monkeypatch.setattr(edge, "purge", lambda keys: sent.append(set(keys)))
    return sent


def test_a_teachers_save_is_one_purge_after_the_commit(purged):
    pose = make_pose()
    purged.clear()
    with transaction.atomic():
        pose.english_name = "Renamed"
        pose.save()
        for position in (1, 2, 3):
            Step.objects.create(pose=pose, position=position, title=f"Step {position}")
        assert purged == []  # nothing before the commit
    assert purged == [{f"pose-{pose.pk}", "poses"}]


def test_a_rolled_back_save_purges_nothing(purged):
    pose = make_pose()
    purged.clear()
    with transaction.atomic():
        pose.english_name = "Never saved"
        pose.save()
        transaction.set_rollback(True)
    assert purged == []


def test_a_link_purges_both_poses_and_nothing_else(purged):
    pose, other = make_pose(), make_pose()
    purged.clear()
    PoseLink.objects.create(preparatory=pose, follow_up=other)
    assert purged == [{f"pose-{pose.pk}", f"pose-{other.pk}"}]


def test_a_step_moved_to_another_pose_purges_both(purged):
    pose, other = make_pose(), make_pose()
    step = make_step(pose, 1)
    purged.clear()
    with transaction.atomic():  # as the admin saves
        step.pose = other
        step.save()
    assert purged == [{f"pose-{pose.pk}", f"pose-{other.pk}", "poses"}]


def test_a_vocabulary_term_purges_every_page_that_names_terms(purged):
    PoseType.objects.create(name="Balance", slug="balance")
    assert purged == [{"vocabulary", "poses"}]


def test_tagging_a_pose_purges_it_and_the_lists(purged):
    pose = make_pose()
    pose_type = PoseType.objects.create(name="Balance", slug="balance")
    purged.clear()
    pose.pose_types.add(pose_type)
    assert purged == [{f"pose-{pose.pk}", "poses"}]


def test_a_sequence_purges_its_page_and_the_list(purged):
    sequence = Sequence.objects.create(title="Evening class", slug="evening")
    assert purged == [{f"sequence-{sequence.pk}", "sequences"}]


def test_a_cache_that_does_not_answer_never_fails_a_save(settings, caplog):
    settings.VARNISH_URLS = ["http://127.0.0.1:9"]  # nothing listens there
    pose = make_pose(english_name="Saved Anyway")
    assert "did not purge" in caplog.text
    pose.refresh_from_db()
    assert pose.english_name == "Saved Anyway"
