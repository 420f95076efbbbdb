"""Pose images (admin) and editor images (/markdownx/upload/): only real photos get in, and
what is stored is a clean copy under a random name."""

import functools
import io
import json
import mimetypes
import os
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from poses.models import Pose
from tests.admin_forms import POSE_ADD_URL as ADD_URL
from tests.admin_forms import admin_post_data, pose_fields
from tests.factories import make_member, make_staff, make_user

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/markdownx/upload/"
GPS_INFO, MAKE, ORIENTATION = 0x8825, 0x010F, 0x0112
CAMERA_MAKE = "SpyCam Industries"

NOT_VALID = (
    "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
)
NOT_A_PHOTO = "Upload a photo in JPEG, PNG, WebP or GIF format. This file is not one."


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media_root):
    return sorted(
        p.relative_to(media_root).as_posix() for p in media_root.rglob("*") if p.is_file()
    )


def image_bytes(image_format, size=(8, 6), mode="RGB", **options):
    buffer = io.BytesIO()
    Image.new(mode, size, "teal" if mode == "RGB" else 0).save(
        buffer, format=image_format, **options
    )
    return buffer.getvalue()


def upload(name, content):
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return SimpleUploadedFile(name, content, content_type=content_type)


def exif_with_location(**tags):
    exif = Image.Exif()
    exif[MAKE] = CAMERA_MAKE
    exif[GPS_INFO] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}
    for tag, value in tags.items():
        exif[{"orientation": ORIENTATION}[tag]] = value
    return exif


def post_pose_with_image(admin_client, file):
    form_page = admin_client.get(ADD_URL)
    data = admin_post_data(form_page, pose_fields(image_alt="A student folds over one leg"))
    data["image"] = file
    return admin_client.post(ADD_URL, data)


def add_pose_image(admin_client, media_root, file):
    """Upload through the pose form; return the stored file's name and bytes."""
    response = post_pose_with_image(admin_client, file)
    assert response.status_code == 302, response.context and response.context["errors"]
    name = Pose.objects.get().image.name
    return name, (media_root / name).read_bytes()


def upload_in_editor(client, media_root, file):
    """Upload through the editor; return the stored file's name and bytes."""
    response = client.post(UPLOAD_URL, {"image": file})
    assert response.status_code == 200, response.content
    url = re.fullmatch(r"!\[Describe the image\]\(/media/(.+)\)", response.json()["image_code"])
    name = url.group(1)
    return name, (media_root / name).read_bytes()


@pytest.fixture
def staff_client(client):
    """A teacher: staff who may change poses, and so upload images for them."""
    client.force_login(make_member("Teachers"))
    return client


@pytest.fixture(params=["pose form", "editor"])
def store(request, admin_client, staff_client, media_root):
    """Each way a teacher uploads an image: store(file) -> (stored name, stored bytes)."""
    if request.param == "pose form":
        return lambda file: add_pose_image(admin_client, media_root, file)
    return lambda file: upload_in_editor(staff_client, media_root, file)


# What is accepted, and how it is stored

PHOTO_FORMATS = [
    pytest.param("JPEG", "jpg", id="jpeg"),
    pytest.param("PNG", "png", id="png"),
    pytest.param("WEBP", "webp", id="webp"),
    pytest.param("GIF", "gif", id="gif"),
]


@pytest.mark.parametrize(("image_format", "extension"), PHOTO_FORMATS)
def test_a_photo_is_stored_under_a_random_name_with_its_format_extension(
    store, image_format, extension
):
    name, stored = store(upload(f"holiday-of-jane-doe.{extension}", image_bytes(image_format)))
    folder, filename = name.split("/")
    assert folder in {"poses", "markdown"}
    assert re.fullmatch(rf"[0-9a-f]{{32}}\.{extension}", filename)
    assert "jane" not in name
    assert Image.open(io.BytesIO(stored)).format == image_format


def test_two_uploads_of_the_same_file_get_different_names(staff_client, media_root):
    first, _ = upload_in_editor(staff_client, media_root, upload("a.png", image_bytes("PNG")))
    second, _ = upload_in_editor(staff_client, media_root, upload("a.png", image_bytes("PNG")))
    assert first != second


def test_the_extension_follows_the_content_not_the_uploaded_name(store):
    name, _ = store(upload("pose.gif", image_bytes("PNG")))
    assert name.endswith(".png")


def test_the_stored_image_keeps_its_pixels(store):
    name, stored = store(upload("pose.png", image_bytes("PNG", size=(30, 20))))
    image = Image.open(io.BytesIO(stored))
    assert image.size == (30, 20)
    assert image.convert("RGB").getpixel((5, 5)) == (0, 128, 128)


@pytest.mark.parametrize(("image_format", "extension"), [p for p in PHOTO_FORMATS if p.id != "gif"])
def test_camera_make_and_gps_position_are_removed(store, image_format, extension):
    original = image_bytes(image_format, exif=exif_with_location())
    assert CAMERA_MAKE.encode() in original
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_INFO)

    _, stored = store(upload(f"pose.{extension}", original))

    assert not Image.open(io.BytesIO(stored)).getexif()
    assert CAMERA_MAKE.encode() not in stored


def test_a_phone_photo_stored_sideways_is_stored_upright(store):
    # Orientation 6: the camera was turned; viewers rotate the 4 × 2 pixels to 2 × 4.
    sideways = image_bytes("JPEG", size=(4, 2), exif=exif_with_location(orientation=6))
    _, stored = store(upload("pose.jpg", sideways))
    image = Image.open(io.BytesIO(stored))
    assert image.size == (2, 4)
    assert ORIENTATION not in image.getexif()


def test_an_animated_gif_keeps_its_frames(store):
    frames = [Image.new("RGB", (4, 4), colour) for colour in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(
        buffer, format="GIF", save_all=True, append_images=frames[1:], duration=200, loop=0
    )
    _, stored = store(upload("breath.gif", buffer.getvalue()))
    animation = Image.open(io.BytesIO(stored))
    assert animation.n_frames == 3
    assert animation.info["duration"] == 200


def test_the_pose_page_shows_the_stored_image(admin_client, client, media_root):
    name, _ = add_pose_image(admin_client, media_root, upload("pose.png", image_bytes("PNG")))
    html = client.get("/poses/janusirsasana/").content.decode()
    # Shown through renditions made from the stored file (see test_images.py).
    stem = name.rsplit(".", 1)[0]
    assert re.search(rf'<img src="/media/CACHE/images/{re.escape(stem)}/\w+\.jpg"', html)


# What is refused


def gif_html_polyglot():
    return image_bytes("GIF") + b"<script>alert(1)</script>"


def truncated_png():
    whole = image_bytes("PNG", size=(64, 64))
    return whole[: len(whole) // 2]


@functools.cache
def decompression_bomb():
    # 400 million pixels in a few kilobytes: Pillow itself refuses to open it.
    return image_bytes("PNG", size=(20000, 20000), mode="1")


@functools.cache
def panorama():
    return image_bytes("PNG", size=(12000, 9000), mode="1")


@functools.cache
def oversized_file():
    # A valid PNG of noise, stored uncompressed: just over 10 MB.
    noise = Image.frombytes("RGB", (1900, 1900), os.urandom(1900 * 1900 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG", compress_level=0)
    return buffer.getvalue()


def gif_frame(width, height):
    """A graphic control block and a frame of one pixel declared as width × height."""
    return (
        b"!\xf9\x04\x00\x0a\x00\x00\x00,\x00\x00\x00\x00"
        + width.to_bytes(2, "little")
        + height.to_bytes(2, "little")
        + b"\x00\x02\x02\x44\x01\x00"
    )


def gif_bomb(canvas=6000, frames=(1, 1), count=20):
    """The attack's 499 bytes: a 6000 × 6000 canvas and 20 frames of one pixel each, which a
    decoder paints onto a fresh canvas every time (25 s and 1.2 GB before this check)."""
    screen = canvas.to_bytes(2, "little") * 2 + b"\x80\x00\x00\x00\x00\x00\xff\xff\xff"
    loop = b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    return b"GIF89a" + screen + loop + gif_frame(*frames) * count + b";"


def gif_growing_bomb():
    # A one-pixel canvas whose later frames each declare 6000 × 6000: seen only on decoding.
    return gif_bomb(canvas=1, count=3)[:-1] + gif_frame(6000, 6000) * 17 + b";"


@functools.cache
def animation(image_format, size=(2000, 2000), count=11, **options):
    """count frames of size: 44 million pixels in all, over the 40 million budget."""
    frames = [Image.new("L", size, shade * 20) for shade in range(count)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format=image_format, save_all=True, append_images=frames[1:], **options)
    return buffer.getvalue()


def too_many_frame_pixels(count, size):
    return (
        f"This animation has {count} frames of {size} × {size} pixels; an animation can have "
        "at most 40 million pixels in all its frames."
    )


REFUSED = [
    pytest.param(
        "pose.svg",
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>',
        NOT_VALID,
        id="svg",
    ),
    pytest.param(
        "pose.png",
        lambda: b"<!doctype html><html><body><script>alert(1)</script></body></html>",
        NOT_VALID,
        id="html-named-png",
    ),
    pytest.param("pose.gif", gif_html_polyglot, NOT_A_PHOTO, id="gif-html-polyglot"),
    pytest.param("pose.png", truncated_png, NOT_VALID, id="truncated-png"),
    pytest.param("notes.txt", lambda: b"Sit tall, breathe out, fold.\n", NOT_VALID, id="text"),
    pytest.param(
        "pose.bmp", lambda: image_bytes("BMP"), NOT_A_PHOTO, id="bmp-a-format-we-do-not-serve"
    ),
    pytest.param("bomb.png", decompression_bomb, NOT_VALID, id="decompression-bomb"),
    pytest.param(
        "panorama.png",
        panorama,
        "This image is too large to open safely.",
        id="over-pillows-warning-limit",
        # In production Pillow only warns at this size; the site refuses it itself.
        marks=pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning"),
    ),
    pytest.param(
        "huge.png",
        lambda: image_bytes("PNG", size=(10000, 5000), mode="1"),
        "This image is 10000 × 5000 pixels; images can have at most 40 million pixels.",
        id="too-many-pixels",
    ),
    pytest.param(
        "big.png",
        oversized_file,
        "This file is 10.3 MB; images can be at most 10 MB.",
        id="over-10-mb",
    ),
    pytest.param("bomb.gif", gif_bomb, too_many_frame_pixels(20, 6000), id="animated-gif-bomb"),
    pytest.param(
        "bomb.gif", gif_growing_bomb, too_many_frame_pixels(20, 6000), id="gif-frames-outgrow"
    ),
    pytest.param(
        "many.gif",
        lambda: gif_bomb(canvas=1, count=5000),
        "This animation has 5000 frames; an animation can have at most 250.",
        id="gif-of-5000-frames",
    ),
    pytest.param(
        "bomb.png",
        lambda: animation("PNG", compress_level=1),
        too_many_frame_pixels(11, 2000),
        id="apng-bomb",
    ),
    pytest.param(
        "bomb.webp",
        lambda: animation("WEBP", lossless=True, method=0),
        too_many_frame_pixels(11, 2000),
        id="animated-webp-bomb",
    ),
    pytest.param(
        "pages.tiff",
        lambda: animation("TIFF", size=(64, 64), count=20),
        NOT_A_PHOTO,
        id="multi-page-tiff",
    ),
]


@pytest.mark.parametrize(("name", "make_content", "message"), REFUSED)
def test_the_pose_form_refuses(admin_client, media_root, name, make_content, message):
    response = post_pose_with_image(admin_client, upload(name, make_content()))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["image"] == [message]
    assert message in response.content.decode()
    assert not Pose.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(("name", "make_content", "message"), REFUSED)
def test_the_editor_refuses(staff_client, media_root, name, make_content, message):
    response = staff_client.post(UPLOAD_URL, {"image": upload(name, make_content())})
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"error": message}
    assert stored_files(media_root) == []


def test_the_editor_asks_for_a_file_when_none_is_sent(staff_client, media_root):
    response = staff_client.post(UPLOAD_URL, {})
    assert response.status_code == 400
    assert response.json() == {"error": "This field is required."}


# Who may upload


def test_anonymous_visitors_cannot_upload_in_the_admin(client, media_root):
    response = client.post(ADD_URL, {"image": upload("pose.png", image_bytes("PNG"))})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")
    assert stored_files(media_root) == []


def test_anonymous_visitors_cannot_upload_in_the_editor_nor_learn_the_admin_address(
    client, media_root
):
    response = client.post(UPLOAD_URL, {"image": upload("pose.png", image_bytes("PNG"))})
    assert response.status_code == 403
    assert "Location" not in response.headers
    assert b"/admin/" not in response.content
    assert stored_files(media_root) == []


def test_students_with_an_account_cannot_upload_in_the_admin(client, media_root):
    client.force_login(make_user())
    response = client.post(ADD_URL, {"image": upload("pose.png", image_bytes("PNG"))})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")
    assert stored_files(media_root) == []


def test_students_with_an_account_cannot_upload_in_the_editor(client, media_root):
    client.force_login(make_user())
    response = client.post(UPLOAD_URL, {"image": upload("pose.png", image_bytes("PNG"))})
    assert response.status_code == 403
    assert "Location" not in response.headers
    assert stored_files(media_root) == []


def test_staff_who_only_view_poses_cannot_upload_in_the_editor(client, media_root):
    client.force_login(make_member("Studio staff"))
    response = client.post(UPLOAD_URL, {"image": upload("pose.png", image_bytes("PNG"))})
    assert response.status_code == 403
    assert response.json() == {
        "error": "Only staff who may change poses or sequences can upload images."
    }
    assert stored_files(media_root) == []


def test_staff_without_any_permission_cannot_upload_in_the_editor(client, media_root):
    client.force_login(make_staff())
    response = client.post(UPLOAD_URL, {"image": upload("pose.png", image_bytes("PNG"))})
    assert response.status_code == 403
    assert stored_files(media_root) == []


def test_staff_who_may_change_sequences_can_upload_in_the_editor(client, media_root):
    planner = make_staff(username="planner")
    planner.user_permissions.add(Permission.objects.get(codename="change_sequence"))
    client.force_login(planner)
    name, _ = upload_in_editor(client, media_root, upload("pose.png", image_bytes("PNG")))
    assert name.startswith("markdown/")
