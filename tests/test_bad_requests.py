"""Whatever a bot or a broken link sends, public URLs answer 200, 400, 404 or 405: never a
server error (500) and never a CSRF failure (403) for a read-only page."""

from urllib.parse import quote

import pytest
from django.db import OperationalError, connection
from django.test import Client

from tests.factories import make_pose

pytestmark = pytest.mark.django_db

ACCEPTABLE = {200, 400, 404, 405}
PUBLIC_URLS = ["/", "/poses/", "/poses/dandasana/", "/healthz"]
# Read by crawlers and feed readers, documented as read-only too.
DISCOVERY_URLS = ["/sitemap.xml", "/robots.txt", "/feeds/poses/"]

GARBAGE_QUERIES = [
    pytest.param("page=abc", id="page-not-a-number"),
    pytest.param("page=-1", id="page-negative"),
    pytest.param("page=0", id="page-zero"),
    pytest.param("page=99999", id="page-far-beyond"),
    pytest.param("page=99999999999999999999999", id="page-huge-number"),
    pytest.param("page=1e3", id="page-float"),
    pytest.param("page=%00", id="page-nul"),
    pytest.param("page=last", id="page-last"),
    pytest.param("page=1&page=abc", id="page-twice"),
    pytest.param("q=%00", id="q-nul"),
    pytest.param("q=%00%01%1b[31m", id="q-control-characters"),
    pytest.param("q=" + "a" * 10_000, id="q-10000-chars"),
    pytest.param("q=" + "%E0%A4%85" * 3_000, id="q-long-devanagari"),
    pytest.param("q=%ff%fe", id="q-invalid-utf8"),
    pytest.param("q=%", id="q-broken-escape"),
    pytest.param("q=%25%27%22%5C", id="q-sql-quotes"),
    pytest.param("q=' OR 1=1 --", id="q-sql-injection"),
    pytest.param("q=*%?_[]", id="q-like-wildcards"),
    pytest.param("level=<script>alert(1)</script>", id="level-script"),
    pytest.param("level=" + "b" * 10_000, id="level-10000-chars"),
    pytest.param("level=%ff%fe", id="level-invalid-utf8"),
    pytest.param("level=%00", id="level-nul"),
    pytest.param("level=advanced&level=beginner", id="level-twice"),
    pytest.param("type=%00&style=%ff&area=x&stretches=&safe_for=" + "z" * 5000, id="filters"),
    pytest.param("%ff%fe=%ff%fe", id="invalid-utf8-name"),
    pytest.param("=&=&&&", id="empty-names"),
    pytest.param("&".join(f"f{n}=1" for n in range(2_000)), id="too-many-fields"),
]

BAD_PATHS = [
    pytest.param("/poses/" + "a" * 5_000 + "/", id="overlong-slug"),
    pytest.param("/poses/jānu-śīrṣāsana/", id="unicode-slug"),
    pytest.param("/poses/" + quote("jānu-śīrṣāsana") + "/", id="unicode-slug-percent-encoded"),
    pytest.param("/poses/%00/", id="nul-slug"),
    pytest.param("/poses/dandasana%00/", id="slug-then-nul"),
    pytest.param("/poses/%ff%fe/", id="invalid-utf8-slug"),
    pytest.param("/poses/..%2f..%2fetc%2fpasswd/", id="path-traversal"),
    pytest.param("/poses/<script>/", id="script-slug"),
    pytest.param("/%00", id="nul-at-root"),
    pytest.param("/poses/dandasana/" + "x/" * 2_000, id="deep-path"),
]


@pytest.fixture(autouse=True)
def published_pose():
    return make_pose(slug="dandasana", sanskrit_name="Dandasana", english_name="Staff Pose")


@pytest.fixture
def strict_client():
    """A client that reports a server error as a 500 response instead of raising it, and
    checks CSRF tokens as a browser's requests are checked."""
    strict_client = Client(enforce_csrf_checks=True)
    strict_client.raise_request_exception = False
    return strict_client


@pytest.mark.parametrize("url", PUBLIC_URLS)
@pytest.mark.parametrize("query", GARBAGE_QUERIES)
def test_garbage_query_strings_are_answered_calmly(strict_client, url, query):
    response = strict_client.get(f"{url}?{query}")
    assert response.status_code in ACCEPTABLE, response.content[:500]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_script_in_the_query_is_never_echoed_as_markup(strict_client, url):
    response = strict_client.get(url, {"q": "<script>alert(1)</script>", "level": "<img src=x>"})
    assert response.status_code in ACCEPTABLE
    assert b"<script>alert(1)" not in response.content
    assert b"<img src=x>" not in response.content


@pytest.mark.parametrize("path", BAD_PATHS)
def test_malformed_paths_are_not_found(strict_client, path):
    response = strict_client.get(path)
    assert response.status_code in {400, 404}, response.content[:500]


@pytest.mark.parametrize("url", PUBLIC_URLS + DISCOVERY_URLS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_methods_are_not_allowed(strict_client, url, method):
    response = getattr(strict_client, method)(url, {"page": "1"})
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("url", DISCOVERY_URLS)
def test_discovery_urls_allow_only_reading(strict_client, url):
    response = strict_client.post(url)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("url", PUBLIC_URLS + DISCOVERY_URLS)
def test_head_requests_are_answered(strict_client, url):
    response = strict_client.head(url)
    assert response.status_code == 200
    assert response.content == b""


# The health check


def test_health_check_says_ok(strict_client):
    response = strict_client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"database: ok\ncache: ok\n"
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "no-cache" in response.headers["Cache-Control"]


def test_health_check_fails_when_the_database_does_not_answer(strict_client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(connection, "cursor", unreachable)
    response = strict_client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database: unavailable\ncache: ok\n"
    assert "no-cache" in response.headers["Cache-Control"]
