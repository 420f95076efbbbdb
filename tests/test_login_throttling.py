"""Admin login throttling (django-axes) and password rules for new accounts."""

import runpy

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import PROJECT_ROOT
from tests.factories import PASSWORD, make_staff

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/"
LOCKED_OUT = "Too many wrong passwords"


def log_in(client, username, password, address="127.0.0.1", **headers):
    return client.post(
        f"{LOGIN_URL}?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        headers=headers,
    )


def fail(client, username, times, address="127.0.0.1", **headers):
    for _ in range(times):
        response = log_in(client, username, "wrong-password", address, **headers)
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()


def assert_locked_out(response):
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED_OUT in html
    assert 'name="password"' not in html


def assert_logged_in(response):
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"


def test_four_wrong_passwords_still_allow_the_right_one(client):
    make_staff(username="teacher")
    fail(client, "teacher", 4)
    assert_logged_in(log_in(client, "teacher", PASSWORD))


def test_the_fifth_wrong_password_locks_the_user_out(client):
    make_staff(username="teacher")
    fail(client, "teacher", 4)
    assert_locked_out(log_in(client, "teacher", "wrong-password"))


def test_after_five_wrong_passwords_even_the_right_one_is_refused(client):
    make_staff(username="teacher")
    fail(client, "teacher", 4)
    log_in(client, "teacher", "wrong-password")
    response = log_in(client, "teacher", PASSWORD)
    assert_locked_out(response)
    assert "_auth_user_id" not in client.session


def test_a_locked_out_user_stays_locked_out_on_the_next_try(client):
    make_staff(username="teacher")
    fail(client, "teacher", 4)
    for _ in range(3):
        assert_locked_out(log_in(client, "teacher", "wrong-password"))


def test_another_user_at_the_same_address_is_not_locked_out(client):
    make_staff(username="teacher")
    make_staff(username="owner")
    fail(client, "teacher", 4)
    log_in(client, "teacher", "wrong-password")
    assert_logged_in(log_in(client, "owner", PASSWORD))


def test_the_same_user_from_another_address_is_not_locked_out(client):
    make_staff(username="teacher")
    fail(client, "teacher", 4, address="203.0.113.5")
    log_in(client, "teacher", "wrong-password", address="203.0.113.5")
    assert_logged_in(log_in(client, "teacher", PASSWORD, address="198.51.100.7"))


def test_the_right_password_before_the_limit_resets_the_count(client):
    make_staff(username="teacher")
    fail(client, "teacher", 4)
    assert_logged_in(log_in(client, "teacher", PASSWORD))
    client.logout()
    fail(client, "teacher", 4)
    assert_logged_in(log_in(client, "teacher", PASSWORD))


# Behind the proxy of docs/deploy.md: every request comes from 127.0.0.1, and the client's
# address is the last one the proxy appended to X-Forwarded-For.

PROXY = "127.0.0.1"


@pytest.fixture
def behind_proxy(settings, monkeypatch):
    """The client-address settings the site makes of DJANGO_BEHIND_PROXY=1, applied."""
    monkeypatch.setenv("DJANGO_BEHIND_PROXY", "1")
    monkeypatch.delenv("DJANGO_PROXY_COUNT", raising=False)
    produced = runpy.run_path(str(PROJECT_ROOT / "studio" / "settings.py"))
    for name in ("AXES_IPWARE_PROXY_COUNT", "AXES_IPWARE_META_PRECEDENCE_ORDER", "IPWARE_STRICT"):
        setattr(settings, name, produced[name])


def test_behind_the_proxy_the_attacker_is_locked_out_by_their_own_address(client, behind_proxy):
    make_staff(username="teacher")
    fail(client, "teacher", 4, PROXY, x_forwarded_for="203.0.113.5")
    log_in(client, "teacher", "wrong-password", PROXY, x_forwarded_for="203.0.113.5")
    assert_locked_out(log_in(client, "teacher", PASSWORD, PROXY, x_forwarded_for="203.0.113.5"))


def test_behind_the_proxy_the_user_elsewhere_still_logs_in(client, behind_proxy):
    make_staff(username="teacher")
    fail(client, "teacher", 4, PROXY, x_forwarded_for="203.0.113.5")
    log_in(client, "teacher", "wrong-password", PROXY, x_forwarded_for="203.0.113.5")
    assert_logged_in(log_in(client, "teacher", PASSWORD, PROXY, x_forwarded_for="198.51.100.7"))


def test_behind_the_proxy_addresses_the_client_adds_are_ignored(client, behind_proxy):
    # The proxy appends what it saw; a guesser forging a new address on each try stays one.
    make_staff(username="teacher")
    for forged in range(1, 6):
        log_in(
            client, "teacher", "wrong-password", PROXY,
            x_forwarded_for=f"198.51.100.{forged}, 203.0.113.5",
        )  # fmt: skip
    response = log_in(
        client, "teacher", PASSWORD, PROXY, x_forwarded_for="198.51.100.9, 203.0.113.5"
    )
    assert_locked_out(response)


def test_without_a_proxy_a_forwarded_address_is_not_trusted(client):
    make_staff(username="teacher")
    for forged in range(1, 6):
        log_in(client, "teacher", "wrong-password", x_forwarded_for=f"198.51.100.{forged}")
    assert_locked_out(log_in(client, "teacher", PASSWORD, x_forwarded_for="198.51.100.9"))


# Password rules


def add_user(admin_client, username, password):
    return admin_client.post(
        "/admin/auth/user/add/",
        {
            "username": username,
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password", "This password is too common."),
        ("sunrise", "This password is too short. It must contain at least 8 characters."),
        ("40917362", "This password is entirely numeric."),
        ("anjali-kapoor", "The password is too similar to the username."),
    ],
)
def test_a_weak_password_is_refused_in_the_admin(admin_client, password, message):
    response = add_user(admin_client, "anjali-kapoor", password)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not get_user_model().objects.filter(username="anjali-kapoor").exists()


def test_a_strong_password_is_accepted_in_the_admin(admin_client):
    response = add_user(admin_client, "anjali", "folded blanket under the knee")
    assert response.status_code == 302
    assert (
        get_user_model()
        .objects.get(username="anjali")
        .check_password("folded blanket under the knee")
    )
