"""A pose's photo is served in the sizes and formats a screen needs, made once."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import make_pose

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(width=2000, height=1500):
    data = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(data, "JPEG")
    return SimpleUploadedFile("photo.jpg", data.getvalue(), content_type="image/jpeg")


def pose_page(client, pose):
    response = client.get(pose.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_photo_comes_in_webp_with_a_jpeg_fallback_at_two_widths(client):
    pose = make_pose(image=photo(), image_alt="A teacher folding over her left leg")
    page = pose_page(client, pose)

    webp = re.search(r'<source type="image/webp" srcset="([^"]+)"', page).group(1)
    jpeg = re.search(r'<img src="[^"]+" srcset="([^"]+)"', page).group(1)
    assert re.fullmatch(r"\S+\.webp 640w, \S+\.webp 1280w", webp)
    assert re.fullmatch(r"\S+\.jpg 640w, \S+\.jpg 1280w", jpeg)
    assert 'alt="A teacher folding over her left leg"' in page


def test_the_photo_keeps_its_place_while_it_loads(client):
    pose = make_pose(image=photo(2000, 1500), image_alt="A pose")
    assert 'width="640" height="480"' in pose_page(client, pose)


def test_renditions_are_made_once_and_kept(client, media_in_tmp):
    pose = make_pose(image=photo(), image_alt="A pose")
    pose_page(client, pose)
    made = {path: path.stat().st_mtime_ns for path in media_in_tmp.rglob("CACHE/**/*.*")}
    assert len(made) == 4
    for path in made:
        width = Image.open(path).width
        assert width in (640, 1280)

    pose_page(client, pose.__class__.objects.get(pk=pose.pk))
    again = {path: path.stat().st_mtime_ns for path in media_in_tmp.rglob("CACHE/**/*.*")}
    assert again == made


def test_a_small_photo_is_never_enlarged(client, media_in_tmp):
    pose = make_pose(image=photo(500, 400), image_alt="A pose")
    pose_page(client, pose)
    widths = {Image.open(path).width for path in media_in_tmp.rglob("CACHE/**/*.*")}
    assert widths == {500}


def test_a_pose_whose_photo_file_is_missing_still_shows(client, media_in_tmp):
    pose = make_pose(image=photo(), image_alt="A pose")
    for path in media_in_tmp.rglob("*.jpg"):
        path.unlink()
    assert "<h1" in pose_page(client, pose)
