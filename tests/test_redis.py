"""With REDIS_URL set, the cache and sessions really live in Redis (database 15 here)."""

import runpy

import pytest
import redis
from django.contrib.sessions.models import Session
from django.core.cache import cache

from tests.conftest import PROJECT_ROOT
from tests.factories import PASSWORD, make_pose, make_staff

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_db(settings, monkeypatch):
    """The cache and session settings the site makes of REDIS_URL, applied; the Redis
    database they point at, empty before and after."""
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    produced = runpy.run_path(str(PROJECT_ROOT / "studio" / "settings.py"))
    settings.CACHES = produced["CACHES"]
    settings.SESSION_ENGINE = produced["SESSION_ENGINE"]
    db = redis.Redis.from_url(REDIS_URL)
    db.flushdb()
    yield db
    db.flushdb()
    db.close()


def log_in_through_the_admin(client):
    make_staff(username="teacher", is_superuser=True)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "teacher", "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    return client.cookies["sessionid"].value


def test_cached_values_round_trip_through_redis(redis_db):
    cache.set("pose-count", 42)
    assert cache.get("pose-count") == 42
    assert redis_db.keys("*pose-count")


def test_a_value_removed_from_redis_is_gone_from_the_cache(redis_db):
    cache.set("pose-count", 42)
    redis_db.delete(*redis_db.keys("*pose-count"))
    assert cache.get("pose-count") is None


def test_an_admin_login_stores_the_session_in_redis(client, redis_db):
    session_key = log_in_through_the_admin(client)
    assert redis_db.keys(f"*{session_key}*")
    assert not Session.objects.exists()


def test_after_logging_in_the_next_request_is_logged_in(client, redis_db):
    log_in_through_the_admin(client)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Welcome, <strong>teacher</strong>." in " ".join(response.content.decode().split())


def test_a_session_lost_from_redis_logs_the_teacher_out(client, redis_db):
    session_key = log_in_through_the_admin(client)
    redis_db.delete(*redis_db.keys(f"*{session_key}*"))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")


# When Redis is down: pages are served without the cache, and /healthz says so

CLOSED_PORT_URL = "redis://127.0.0.1:6390/0"  # nothing listens here


@pytest.fixture
def redis_down(settings, monkeypatch):
    """The cache settings the site makes of a REDIS_URL that nothing answers at."""
    monkeypatch.setenv("REDIS_URL", CLOSED_PORT_URL)
    settings.CACHES = runpy.run_path(str(PROJECT_ROOT / "studio" / "settings.py"))["CACHES"]
    with pytest.raises(redis.ConnectionError):
        cache.get("anything")


@pytest.mark.parametrize("url", ["/", "/poses/", "/poses/dandasana/", "/sequences/"])
def test_public_pages_are_served_while_redis_is_down(client, redis_down, caplog, url):
    make_pose(english_name="Staff Pose", sanskrit_name="Dandasana", slug="dandasana")
    response = client.get(url)
    assert response.status_code == 200
    assert "Page cache unavailable" in caplog.text


def test_an_edit_is_saved_while_redis_is_down(redis_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pose = make_pose(english_name="Staff Pose")
    pose.refresh_from_db()
    assert pose.english_name == "Staff Pose"


def test_the_health_check_reports_the_cache_down(client, redis_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database: ok\ncache: unavailable\n"


def test_the_health_check_reports_redis_up(client, redis_db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"database: ok\ncache: ok\n"
