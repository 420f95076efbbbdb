"""Uploaded images where no proxy serves them (`make run`, `make serve`): served as images,
never sniffed into something else, never run as a page."""

import pytest


@pytest.fixture
def uploaded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SERVE_MEDIA = True
    (tmp_path / "poses").mkdir()
    (tmp_path / "poses" / "abc123.png").write_bytes(b"\x89PNG\r\n\x1a\n fake")
    return "poses/abc123.png"


def test_an_uploaded_image_is_served_with_its_type_and_safe_headers(client, uploaded):
    response = client.get(f"/media/{uploaded}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_nothing_outside_the_media_folder_is_served(client, uploaded):
    for url in ("/media/../../studio/settings.py", "/media/%2e%2e/%2e%2e/studio/settings.py"):
        response = client.get(url)
        assert response.status_code in (400, 404)  # refused, or never found
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"SECRET_KEY" not in body
    assert client.get("/media/poses/").status_code == 404  # no listing


def test_behind_a_proxy_the_site_leaves_media_to_it(client, uploaded, settings):
    settings.SERVE_MEDIA = False
    assert client.get(f"/media/{uploaded}").status_code == 404


def test_media_answers_only_reading(client, uploaded):
    assert client.post(f"/media/{uploaded}").status_code == 405
