"""The settings a production server gets from its environment (docs/deploy.md).

Each test starts a fresh Python process, as a server does, so the settings module is read
with exactly the variables given and none of the test run's.
"""

import json

import pytest

from tests.conftest import run_python

REDIS_URL = "redis://127.0.0.1:6379/15"

READ_SETTINGS = """
import json
from django.conf import settings
from django.urls import reverse

print("settings " + json.dumps({
    "admin_url": reverse("admin:index"),
    "cache_backend": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "session_engine": settings.SESSION_ENGINE,
    "proxy_ssl_header": settings.SECURE_PROXY_SSL_HEADER,
    "debug": settings.DEBUG,
}))
"""


def read_settings(**env):
    result = run_python("manage.py", "shell", "-c", READ_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stdout.splitlines() if line.startswith("settings ")]
    return json.loads(line.removeprefix("settings "))


@pytest.fixture(scope="module")
def plain_production():
    """Settings with only the required variables set."""
    return read_settings()


@pytest.fixture(scope="module")
def configured_production():
    """Settings behind a proxy, with Redis and a moved admin."""
    return read_settings(
        DJANGO_BEHIND_PROXY="1", DJANGO_ADMIN_URL="backstage/", REDIS_URL=REDIS_URL
    )


def test_production_settings_pass_the_deploy_check():
    result = run_python("manage.py", "check", "--deploy")
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    assert result.returncode == 0


def test_without_a_secret_key_the_site_refuses_to_start():
    result = run_python("manage.py", "check", DJANGO_SECRET_KEY=None)
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_checking_the_migrations_needs_no_secret_key():
    """They sign nothing: a fresh clone checks them with no settings at all."""
    result = run_python(
        "manage.py", "makemigrations", "--check", "--dry-run", DJANGO_SECRET_KEY=None
    )
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_local_development_needs_no_secret_key():
    result = run_python("manage.py", "check", DJANGO_SECRET_KEY=None, DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_debug_is_off_unless_asked_for(plain_production):
    assert plain_production["debug"] is False


def test_behind_a_proxy_its_https_header_is_trusted(configured_production):
    assert configured_production["proxy_ssl_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_without_a_proxy_no_forwarded_header_is_trusted(plain_production):
    # Trusting X-Forwarded-Proto with no proxy to set it would let any client claim HTTPS.
    assert plain_production["proxy_ssl_header"] is None


def test_the_admin_can_be_moved(configured_production):
    assert configured_production["admin_url"] == "/backstage/"


def test_the_admin_is_at_admin_by_default(plain_production):
    assert plain_production["admin_url"] == "/admin/"


def test_with_redis_the_cache_is_shared_through_redis(configured_production):
    assert configured_production["cache_backend"] == "django.core.cache.backends.redis.RedisCache"
    assert configured_production["cache_location"] == REDIS_URL


def test_with_redis_sessions_live_in_the_cache(configured_production):
    assert configured_production["session_engine"] == "django.contrib.sessions.backends.cache"


def test_without_redis_the_cache_is_in_the_process(plain_production):
    assert plain_production["cache_backend"] == "django.core.cache.backends.locmem.LocMemCache"


def test_without_redis_sessions_live_in_the_database(plain_production):
    assert plain_production["session_engine"] == "django.contrib.sessions.backends.db"
