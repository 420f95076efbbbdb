import re

import pytest

pytestmark = pytest.mark.django_db


def stylesheet_url(client):
    page = client.get("/").content.decode()
    return re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)


def test_pages_link_the_stylesheet_by_a_hashed_name(client):
    assert re.fullmatch(r"/static/css/studio\.[0-9a-f]{12}\.css", stylesheet_url(client))


def test_the_stylesheet_is_served_compressed_and_cached_for_good(client):
    response = client.get(stylesheet_url(client), headers={"accept-encoding": "gzip"})

    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]
