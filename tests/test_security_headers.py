import pytest

from tests.conftest import run_python
from tests.factories import make_pose, make_staff

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["home", "pose list", "pose page", "missing page"]


@pytest.fixture(params=PUBLIC_PAGES + ["admin index"])
def page(request, client, admin_client):
    """The response to one page of the site, as its visitor gets it."""
    pose = make_pose(slug="dandasana")
    urls = {
        "home": (client, "/"),
        "pose list": (client, "/poses/"),
        "pose page": (client, pose.get_absolute_url()),
        "missing page": (client, "/poses/no-such-pose/"),
        "admin index": (admin_client, "/admin/"),
    }
    visitor, url = urls[request.param]
    response = visitor.get(url)
    assert response.status_code == (404 if request.param == "missing page" else 200)
    return response


def csp_directives(response):
    """The Content-Security-Policy header as {directive: [source, …]}."""
    directives = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} given twice"
        directives[name.lower()] = sources
    return directives


def test_csp_allows_scripts_only_from_the_site_itself(page):
    script_sources = csp_directives(page)["script-src"]
    assert script_sources == ["'self'"]
    assert "'unsafe-inline'" not in script_sources
    assert "'unsafe-eval'" not in script_sources


def test_csp_forbids_framing_the_page(page):
    assert csp_directives(page)["frame-ancestors"] == ["'none'"]


def test_csp_forbids_plugins(page):
    assert csp_directives(page)["object-src"] == ["'none'"]


def test_csp_falls_back_to_the_site_itself_for_everything_else(page):
    assert csp_directives(page)["default-src"] == ["'self'"]


def test_browsers_may_not_guess_content_types(page):
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_other_sites_get_at_most_the_origin_as_referrer(page):
    assert page.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_camera_and_location_are_switched_off(page):
    features = [feature.strip() for feature in page.headers["Permissions-Policy"].split(",")]
    assert "camera=()" in features
    assert "geolocation=()" in features
    assert "microphone=()" in features


def test_windows_opened_from_other_sites_are_isolated(page):
    assert page.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_old_browsers_may_not_frame_the_page_either(page):
    assert page.headers["X-Frame-Options"] == "DENY"


def test_every_response_carries_a_request_id(page):
    assert len(page.headers["X-Request-ID"]) >= 16


def test_each_request_gets_its_own_id(client):
    first = client.get("/").headers["X-Request-ID"]
    second = client.get("/").headers["X-Request-ID"]
    assert first != second


def test_a_request_id_from_the_proxy_is_sent_back(client, settings):
    settings.REQUEST_ID_PROXY_ADDRESSES = ["127.0.0.1"]
    response = client.get("/", headers={"X-Request-ID": "proxy-7f3a9c"})
    assert response.headers["X-Request-ID"] == "proxy-7f3a9c"


def test_a_request_id_sent_by_a_client_is_replaced(client, settings):
    settings.REQUEST_ID_PROXY_ADDRESSES = ["127.0.0.1"]
    response = client.get("/", headers={"X-Request-ID": "proxy-7f3a9c"}, REMOTE_ADDR="203.0.113.9")
    assert response.headers["X-Request-ID"] != "proxy-7f3a9c"
    assert len(response.headers["X-Request-ID"]) >= 16


def test_without_a_proxy_no_request_id_is_taken_from_the_request(client, settings):
    settings.REQUEST_ID_PROXY_ADDRESSES = []
    response = client.get("/", headers={"X-Request-ID": "proxy-7f3a9c"})
    assert response.headers["X-Request-ID"] != "proxy-7f3a9c"


@pytest.mark.parametrize(
    "sent",
    ["a\nfake log line", "x" * 65, "<script>", ""],
    ids=["newline", "long", "markup", "empty"],
)
def test_the_proxy_id_must_look_like_an_id(client, settings, sent):
    settings.REQUEST_ID_PROXY_ADDRESSES = ["127.0.0.1"]
    response = client.get("/", headers={"X-Request-ID": sent})
    assert response.headers["X-Request-ID"] != sent
    assert len(response.headers["X-Request-ID"]) >= 16


def test_a_second_visit_gets_the_same_headers_and_a_new_request_id(client):
    # The second answer may come from the page cache: it must not lose the headers.
    pose = make_pose()
    first = client.get(pose.get_absolute_url())
    second = client.get(pose.get_absolute_url())
    assert second.status_code == 200
    for header in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
    ):
        assert second.headers[header] == first.headers[header]
    assert second.headers["X-Request-ID"] != first.headers["X-Request-ID"]


def test_the_lockout_page_sends_the_same_policy(client):
    # Pages rendered outside the views (here by axes) must not lose the headers.
    make_staff(username="teacher")
    for _ in range(6):
        response = client.post("/admin/login/", {"username": "teacher", "password": "wrong"})
    assert response.status_code == 429
    assert csp_directives(response)["script-src"] == ["'self'"]
    assert response.headers["X-Frame-Options"] == "DENY"


# HTTPS


def test_plain_http_is_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/poses/?page=2")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://testserver/poses/?page=2"


def test_https_requests_are_not_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/poses/", secure=True)
    assert response.status_code == 200


def test_https_responses_tell_browsers_to_stay_on_https(client):
    response = client.get("/", secure=True)
    hsts = [part.strip() for part in response.headers["Strict-Transport-Security"].split(";")]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts


# Cookies, with the settings a production server starts with (debug off, nothing overridden).

COOKIE_SCRIPT = """
import django
from django.core.management import call_command

django.setup()
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from django.test import Client

get_user_model().objects.create_superuser("owner", password="a long passphrase 1")
client = Client(HTTP_HOST="poses.example.org")
login_page = client.get("/admin/login/", secure=True)
assert login_page.status_code == 200, login_page.status_code
logged_in = client.post(
    "/admin/login/", {"username": "owner", "password": "a long passphrase 1"}, secure=True
)
assert logged_in.status_code == 302, logged_in.status_code
for cookie in (login_page.cookies["csrftoken"], logged_in.cookies["sessionid"]):
    print("cookie", cookie.key, "secure" if cookie["secure"] else "NOT SECURE")
"""


def test_admin_cookies_are_sent_over_https_only_in_production(tmp_path):
    result = run_python("-c", COOKIE_SCRIPT, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 0, result.stderr
    # The site logs to stdout too: read only the script's own lines.
    cookies = [line for line in result.stdout.splitlines() if line.startswith("cookie ")]
    assert cookies == ["cookie csrftoken secure", "cookie sessionid secure"]
