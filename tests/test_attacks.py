"""The attack of issue 14, replayed: one short test per thing an attacker or a busy studio
did to a production-like install (gunicorn, debug off, SQLite and Redis, the proxy settings
of docs/deploy.md), each answered as it must be now, numbered as the issue numbers them.
The focused tests of each subject live beside their code's other tests and lend this module
their helpers; here the attack surface reads in one place. Section 10 is the upload corpus:
animated and multi-frame bombs made here, in a few hundred bytes each."""

import io
import json
import struct
import zlib

import pytest
import reversion
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image, ImageFile, WebPImagePlugin
from reversion.models import Version

from exchange.importer import import_poses, import_poses_from_text
from poses.models import Pose, PoseLink, SafetyNote, SearchKey
from poses.search import MAX_TYPO_KEYS
from sequences.models import Sequence
from tests import admin_forms
from tests.admin_forms import POSE_ADD_URL as ADD_URL
from tests.admin_forms import admin_post_data, change_url, form_errors, pose_fields
from tests.conftest import run_python
from tests.factories import (
    make_member,
    make_pose,
    make_safety_note,
    make_sequence,
    make_staff,
    make_teacher,
    row_counts,
)
from tests.test_exchange import exported, minimal_file, small_library, write_file
from tests.test_history_permissions import (
    as_shown,
    deleted_pose_version,
    recover,
    restore,
    saved_version,
)
from tests.test_login_throttling import (  # noqa: F401 (behind_proxy: a fixture)
    PASSWORD,
    PROXY,
    assert_locked_out,
    assert_logged_in,
    behind_proxy,
    fail,
    log_in,
)
from tests.test_redis import redis_down  # noqa: F401 (a fixture)
from tests.test_sqlite import MAKE_POSE, save_at_once
from tests.test_uploads import (
    NOT_A_PHOTO,
    NOT_VALID,
    UPLOAD_URL,
    gif_bomb,
    gif_growing_bomb,
    image_bytes,
    stored_files,
    too_many_frame_pixels,
    upload,
)

pytestmark = pytest.mark.django_db

STALE = "Someone else saved this pose"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def teacher_client(client):
    client.force_login(make_member("Teachers"))
    return client


# 1. Login throttling behind the proxy sees the client, not the proxy


@pytest.mark.usefixtures("behind_proxy")
def test_1_a_guesser_behind_the_proxy_locks_out_only_their_own_address(client):
    make_staff(username="teacher")
    fail(client, "teacher", 4, PROXY, x_forwarded_for="198.51.100.1, 203.0.113.5")
    log_in(client, "teacher", "wrong-password", PROXY, x_forwarded_for="198.51.100.2, 203.0.113.5")

    guesser = log_in(client, "teacher", PASSWORD, PROXY, x_forwarded_for="203.0.113.5")
    teacher = log_in(client, "teacher", PASSWORD, PROXY, x_forwarded_for="192.0.2.44")

    assert_locked_out(guesser)
    assert_logged_in(teacher)


# 2. The 499-byte animated GIF (see also the corpus in section 10)


def test_2_the_attacks_499_byte_gif_is_refused_from_its_headers(teacher_client, media_root):
    bomb = gif_bomb()
    assert len(bomb) == 499
    with not_decoded():
        response = teacher_client.post(UPLOAD_URL, {"image": upload("bomb.gif", bomb)})
    assert response.status_code == 400
    assert response.json() == {"error": too_many_frame_pixels(20, 6000)}
    assert stored_files(media_root) == []


# 3. Staff who only view poses upload nothing


def test_3_view_only_studio_staff_cannot_upload_an_image(client, media_root):
    client.force_login(make_member("Studio staff"))
    response = client.post(UPLOAD_URL, {"image": upload("pose.png", image_bytes("PNG"))})
    assert response.status_code == 403
    assert stored_files(media_root) == []


# 4. Import, restore and recover honour a teacher's permissions


def test_4_a_teachers_import_may_not_delete_or_create_links():
    small_library()
    counts = row_counts()
    data = exported("janusirsasana")
    data["poses"][0]["preparatory"] = [{"pose": "paschimottanasana", "reason": ""}]

    result = import_poses(data, user=make_teacher())

    assert {problem.field for problem in result.errors} == {"preparatory"}
    assert row_counts() == counts


def test_4_a_teachers_restore_keeps_the_link_staff_added_since(client):
    pose, other = make_pose(summary="Old"), make_pose()
    old = saved_version(pose, summary="Old")
    link = PoseLink.objects.create(preparatory=other, follow_up=pose, reason="Added by staff")
    client.force_login(make_teacher())

    restore(client, pose, old, summary="Old")

    assert PoseLink.objects.filter(pk=link.pk).exists()


def test_4_a_recovered_pose_comes_back_as_a_draft_not_public(admin_client, client):
    pose = make_pose()
    version = deleted_pose_version(admin_client, pose)
    recovered = recover(admin_client, version, pose)
    assert recovered.status == Pose.Status.DRAFT
    assert client.get(recovered.get_absolute_url()).status_code == 404


# 5. One long "other name" no longer grows the search index with its square

LONG_WORD = "".join(chr(ord("a") + (n * 7) % 26) for n in range(10_000))


def test_5_a_10000_letter_other_name_is_refused_by_the_model_admin_and_import(admin_client):
    with pytest.raises(ValidationError, match="other_names"):
        Pose(english_name="Long", sanskrit_name="Dirghasana", other_names=LONG_WORD).full_clean()
    response = admin_client.post(
        ADD_URL, admin_post_data(admin_client.get(ADD_URL), pose_fields(other_names=LONG_WORD))
    )
    assert "other_names" in form_errors(response)[0]
    (problem,) = import_poses(minimal_file(other_names=[LONG_WORD])).errors
    assert problem.field == "other_names"
    assert not Pose.objects.exists()


def test_5_a_10000_letter_name_saved_anyway_stores_a_bounded_index():
    pose = make_pose(sanskrit_name="Dirghasana", other_names=LONG_WORD)
    assert SearchKey.objects.filter(pose=pose).count() <= MAX_TYPO_KEYS


# 6. Two people editing links: a pose form opened before a link changed refuses to save


def link_change_url(link):
    return f"/admin/poses/poselink/{link.pk}/change/"


@pytest.fixture
def linked():
    """Dandasana prepares for Janusirsasana: one fact, on both poses' admin pages."""
    janu = make_pose(sanskrit_name="Janusirsasana", slug="janusirsasana")
    dandasana = make_pose(sanskrit_name="Dandasana", slug="dandasana", english_name="Staff Pose")
    link = PoseLink.objects.create(preparatory=dandasana, follow_up=janu, reason="Sit first")
    return janu, dandasana, link


def test_6_a_pose_form_refuses_to_revert_a_link_changed_meanwhile_in_the_links_admin(
    admin_client, linked
):
    janu, dandasana, link = linked
    teachers_page = admin_client.get(change_url(janu))
    edit = {"preparatory": dandasana.pk, "follow_up": janu.pk, "reason": "Straight legs first"}
    assert admin_client.post(link_change_url(link), edit).status_code == 302

    response = admin_client.post(
        change_url(janu), as_shown(teachers_page, janu, english_name="Typed meanwhile")
    )

    assert response.status_code == 200
    assert STALE in str(form_errors(response))
    assert 'value="Typed meanwhile"' in response.content.decode()
    link.refresh_from_db()
    assert link.reason == "Straight legs first"


def test_6_a_link_changed_on_one_pose_makes_the_other_poses_open_form_stale(admin_client, linked):
    janu, dandasana, link = linked
    dandasana_page = admin_client.get(change_url(dandasana))
    janu_page = admin_client.get(change_url(janu))
    data = as_shown(janu_page, janu)
    data["preparatory_links-0-reason"] = "Straight legs first"
    assert admin_client.post(change_url(janu), data).status_code == 302

    # Dandasana's form still shows the link as a follow-up with its old reason.
    response = admin_client.post(change_url(dandasana), as_shown(dandasana_page, dandasana))

    assert response.status_code == 200
    assert STALE in str(form_errors(response))
    link.refresh_from_db()
    assert link.reason == "Straight legs first"


def test_6_a_link_deleted_meanwhile_is_not_brought_back_by_an_older_form(admin_client, linked):
    janu, _, link = linked
    teachers_page = admin_client.get(change_url(janu))
    link.delete()

    response = admin_client.post(change_url(janu), as_shown(teachers_page, janu))

    assert response.status_code == 200
    assert STALE in str(form_errors(response))
    assert not PoseLink.objects.exists()


def test_6_bulk_links_added_meanwhile_make_an_open_form_stale(admin_client, linked):
    janu, _, _ = linked
    teachers_page = admin_client.get(change_url(janu))
    other = make_pose(sanskrit_name="Baddha Konasana", slug="baddha-konasana")
    admin_client.post(
        "/admin/poses/pose/",
        {
            "action": "link_poses",
            "_selected_action": [janu.pk],
            "apply": "1",
            "relation": "variation",
            "other": other.pk,
        },
    )

    response = admin_client.post(change_url(janu), as_shown(teachers_page, janu))

    assert STALE in str(form_errors(response))


def test_6_saving_again_after_the_refusal_saves_the_teachers_version(admin_client, linked):
    janu, dandasana, link = linked
    teachers_page = admin_client.get(change_url(janu))
    link.reason = "Straight legs first"
    link.save()
    refused = admin_client.post(change_url(janu), as_shown(teachers_page, janu))

    data = as_shown(teachers_page, janu, summary="Merged.")
    data["loaded_version"] = refused.context["adminform"].form["loaded_version"].value()
    data["preparatory_links-0-reason"] = "Straight legs first, then fold"
    assert admin_client.post(change_url(janu), data).status_code == 302

    link.refresh_from_db()
    assert link.reason == "Straight legs first, then fold"
    assert Pose.objects.get(pk=janu.pk).summary == "Merged."


def test_6_a_teachers_own_link_edit_saves_without_a_refusal(admin_client, linked):
    janu, _, link = linked
    data = as_shown(admin_client.get(change_url(janu)), janu)
    data["preparatory_links-0-reason"] = "Straight legs first"
    assert admin_client.post(change_url(janu), data).status_code == 302
    link.refresh_from_db()
    assert link.reason == "Straight legs first"


def test_6_restoring_a_version_with_a_link_makes_the_other_poses_open_form_stale(
    admin_client, linked
):
    janu, dandasana, link = linked
    with reversion.create_revision():
        reversion.add_to_revision(janu)
        reversion.add_to_revision(link)
    version = Version.objects.get_for_object(janu).get()
    link.delete()
    dandasana_page = admin_client.get(change_url(dandasana))

    restore(admin_client, janu, version)

    assert PoseLink.objects.filter(preparatory=dandasana, follow_up=janu).exists()
    response = admin_client.post(change_url(dandasana), as_shown(dandasana_page, dandasana))
    assert STALE in str(form_errors(response))


def test_6_two_teachers_on_one_sequence_do_not_revert_each_other(admin_client):
    sequence = make_sequence(make_pose())
    (item,) = sequence.items.all()
    form_page = admin_client.get(change_url(sequence))
    Sequence.objects.filter(pk=sequence.pk).update(
        title="Their title", updated_at=timezone.now() + timezone.timedelta(seconds=1)
    )
    fields = admin_forms.sequence_fields(title="My title", slug=sequence.slug)
    rows = [admin_forms.item_row(item.pose, 1, item)]
    data = admin_post_data(form_page, fields, {"items": rows})

    response = admin_client.post(change_url(sequence), data)

    assert "Someone else saved this sequence" in response.content.decode()
    assert Sequence.objects.get(pk=sequence.pk).title == "Their title"


# 7. What used to answer 500


@pytest.mark.parametrize(
    "url",
    [
        "/admin/poses/pose/abc/history/",
        "/admin/poses/pose/abc/history/compare/?older=x&newer=y",
        "/admin/sequences/sequence/abc/history/",
        "/admin/sequences/sequence/abc/history/1/",
    ],
)
def test_7_history_pages_with_a_non_numeric_id_are_not_server_errors(admin_client, url):
    assert admin_client.get(url).status_code in {302, 404}


def test_7_a_viewer_opening_a_sequence_restore_writes_nothing(client):
    sequence = Sequence.objects.create(title="Evening class", slug="evening-class")
    with reversion.create_revision():
        sequence.save()
    version = Version.objects.get_for_object(sequence).get()
    client.force_login(make_member("Studio staff"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/admin/sequences/sequence/{sequence.pk}/history/{version.pk}/")
    assert response.status_code == 403
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("[" * 100_000 + "]" * 100_000, "Nested", id="deeply-nested-json"),
        pytest.param(
            json.dumps(minimal_file()).replace("newasana", "\\ud800"),
            "not valid Unicode",
            id="lone-surrogate-in-a-slug",
        ),
        pytest.param(
            json.dumps(minimal_file(status="published", published_at="0001-01-01T00:00:00+05:00")),
            "is not a date and time",
            id="year-1-with-an-offset",
        ),
        pytest.param(
            json.dumps(minimal_file(status="published", published_at="9999-12-31T23:00:00-05:00")),
            "is not a date and time",
            id="year-9999-with-an-offset",
        ),
    ],
)
def test_7_a_hostile_import_file_is_a_clear_error(admin_client, text, message):
    (problem,) = import_poses_from_text(text).errors
    assert message in problem.message
    file = upload("poses.json", text.encode("utf-8"))
    response = admin_client.post("/admin/poses/pose/import/", {"file": file})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Pose.objects.exists()


def test_7_two_simultaneous_saves_of_one_pose_on_sqlite_both_succeed(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'studio.sqlite3'}"
    for command in (["migrate", "--verbosity=0"], ["shell", "-c", MAKE_POSE]):
        result = run_python("manage.py", *command, DATABASE_URL=database_url)
        assert result.returncode == 0, result.stderr
    save_at_once(database_url)


# 8. Redis down: the site stays up, the health check says so


@pytest.mark.usefixtures("redis_down")
def test_8_with_redis_down_pages_are_served_and_the_health_check_fails(client):
    make_pose(slug="dandasana")
    assert client.get("/poses/dandasana/").status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 503
    assert b"cache: unavailable" in health.content


# 9. Smaller ones


def test_9_a_teacher_plans_a_class_in_the_admin(client):
    poses = [make_pose(sanskrit_name=name) for name in ("Dandasana", "Janusirsasana", "Savasana")]
    client.force_login(make_member("Teachers"))
    add_url = admin_forms.SEQUENCE_ADD_URL
    form_page = client.get(add_url)
    assert form_page.status_code == 200
    rows = [admin_forms.item_row(pose, n) for n, pose in enumerate(poses, start=1)]
    data = admin_post_data(form_page, admin_forms.sequence_fields(), {"items": rows})

    admin_forms.assert_saved(client.post(add_url, data))

    sequence = Sequence.objects.get(slug="hamstrings-gently")
    assert [item.pose for item in sequence.items.all()] == poses
    # ... and changes it: a plan is revised before class.
    edit_url = change_url(sequence)
    data = admin_post_data(
        client.get(edit_url),
        admin_forms.sequence_fields(title="Hamstrings, slowly"),
        {"items": [admin_forms.item_row(i.pose, i.position, i) for i in sequence.items.all()]},
    )
    admin_forms.assert_saved(client.post(edit_url, data))
    assert Sequence.objects.get(pk=sequence.pk).title == "Hamstrings, slowly"


def test_9_a_teacher_may_not_delete_a_class_plan(client):
    sequence = Sequence.objects.create(title="Morning", slug="morning")
    client.force_login(make_member("Teachers"))
    response = client.post(f"/admin/sequences/sequence/{sequence.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Sequence.objects.filter(pk=sequence.pk).exists()


def test_9_studio_staff_read_class_plans_but_do_not_change_them(client):
    sequence = Sequence.objects.create(title="Morning", slug="morning")
    client.force_login(make_member("Studio staff"))
    edit_url = change_url(sequence)

    page = client.get(edit_url)
    assert page.status_code == 200
    assert "Morning" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert client.get(admin_forms.SEQUENCE_ADD_URL).status_code == 403
    refused = client.post(edit_url, admin_forms.sequence_fields(title="Changed"))
    assert refused.status_code == 403
    assert Sequence.objects.get(pk=sequence.pk).title == "Morning"


def test_9_an_anonymous_visitor_of_the_editor_endpoints_does_not_learn_the_admin_address(
    client,
):
    for url in (UPLOAD_URL, "/markdownx/markdownify/"):
        response = client.post(url, {"content": "*soft*"})
        assert response.status_code == 403
        assert "Location" not in response.headers
        assert b"/admin/" not in response.content


def test_9_import_poses_prints_escape_codes_from_the_file_as_text(tmp_path):
    data = minimal_file(level="\x1b[2J\x1b[31mbeginner")
    with pytest.raises(CommandError) as raised:
        call_command("import_poses", write_file(tmp_path, data), stderr=io.StringIO())
    assert "\x1b" not in str(raised.value)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param(
            {"format": "studio-poses", "version": True, "poses": []}, "version", id="true"
        ),
        pytest.param(
            minimal_file(sanskrit_name="J\u0430nusirsasana"), "sanskrit_name", id="cyrillic"
        ),
        pytest.param(
            minimal_file(english_name="Head to Kn\u0435e"), "english_name", id="cyrillic-e"
        ),
    ],
)
def test_9_import_refuses_a_true_version_and_look_alike_letters(data, field):
    (problem,) = import_poses(data).errors
    assert problem.field == field


def test_9_import_drops_zero_width_characters_from_names():
    assert import_poses(minimal_file(sanskrit_name="Ja\u200bnu\u200dsana")).ok
    assert Pose.objects.get(slug="newasana").sanskrit_name == "Janusana"


def test_9_a_request_id_sent_by_a_client_is_not_trusted(client, settings):
    settings.REQUEST_ID_PROXY_ADDRESSES = ["127.0.0.1"]
    forged = client.get("/", headers={"X-Request-ID": "victims-id"}, REMOTE_ADDR="203.0.113.5")
    assert forged.headers["X-Request-ID"] != "victims-id"
    from_proxy = client.get("/", headers={"X-Request-ID": "nginx-4f2a"}, REMOTE_ADDR="127.0.0.1")
    assert from_proxy.headers["X-Request-ID"] == "nginx-4f2a"


def test_9_the_admin_sends_a_large_import_to_the_command(admin_client, monkeypatch):
    small_library()
    monkeypatch.setattr("exchange.admin.MAX_ADMIN_IMPORT_POSES", 2)
    counts = row_counts()
    file = upload("poses.json", json.dumps(exported()).encode())
    response = admin_client.post("/admin/poses/pose/import/", {"file": file})
    assert "manage.py import_poses" in response.content.decode()
    assert row_counts() == counts


@pytest.mark.parametrize("url", ["/feeds/poses/", "/sitemap.xml", "/robots.txt"])
def test_9_discovery_urls_answer_a_post_with_405(url):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(url)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD"


def test_9_recovering_a_pose_brings_back_other_poses_instead_try(admin_client):
    halasana, viparita = make_pose(), make_pose(sanskrit_name="Viparita Karani")
    note = make_safety_note(halasana, 1, kind=SafetyNote.Kind.AVOID, substitute=viparita)
    version = deleted_pose_version(admin_client, viparita)

    recovered = recover(admin_client, version, viparita)

    note.refresh_from_db()
    assert note.substitute == recovered


# 10. The upload corpus: animated and multi-frame bombs, each refused before a pixel is
# decoded, with a message that says what is wrong


class Decoded(Exception):
    pass


class not_decoded:
    """Fails the test if Pillow decodes any pixels meanwhile: a bomb must be refused from
    what its headers declare, not after its frames have been painted."""

    LOADERS = (
        (Image.Image, "load"),
        (ImageFile.ImageFile, "load"),
        (WebPImagePlugin.WebPImageFile, "load"),
    )

    def __enter__(self):
        self.calls = []
        self.saved = [(owner, name, getattr(owner, name)) for owner, name in self.LOADERS]
        calls = self.calls

        def refuse(image, *args, **kwargs):
            calls.append(image.format)
            raise Decoded(image.format)

        for owner, name in self.LOADERS:
            setattr(owner, name, refuse)
        return self

    def __exit__(self, *exc_info):
        for owner, name, loader in self.saved:
            setattr(owner, name, loader)
        assert self.calls == [], f"decoded {self.calls}"


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_start(width, height):
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)


def png_bomb(size=20_000):
    """400 million pixels declared in 390 bytes; the pixel data is never read."""
    rows = zlib.compress(b"\x00" * (size + 1) * 16, 9)
    return png_start(size, size) + png_chunk(b"IDAT", rows) + png_chunk(b"IEND", b"")


def apng_bomb(frames, canvas=6000):
    """An animated PNG: a canvas × canvas first frame, then frames of one pixel each."""

    def frame_control(sequence, size):
        return png_chunk(
            b"fcTL", struct.pack(">IIIIIHHBB", sequence, size, size, 0, 0, 1, 10, 0, 0)
        )

    data = png_start(canvas, canvas) + png_chunk(b"acTL", struct.pack(">II", frames, 0))
    data += frame_control(0, canvas) + png_chunk(b"IDAT", zlib.compress(b"\x00" * 4, 9))
    for number in range(1, frames):
        pixel = struct.pack(">I", 2 * number) + zlib.compress(b"\x00\x00", 9)
        data += frame_control(2 * number - 1, 1) + png_chunk(b"fdAT", pixel)
    return data + png_chunk(b"IEND", b"")


def riff_chunk(kind, data):
    return kind + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b"")


def webp_bomb(frames, canvas=6000):
    """An animated WebP: a canvas × canvas canvas and frames of one pixel each."""
    one_pixel = image_bytes("WEBP", size=(1, 1), lossless=True)[12:]  # its VP8L chunk
    canvas_size = (canvas - 1).to_bytes(3, "little") * 2
    body = riff_chunk(b"VP8X", b"\x02\x00\x00\x00" + canvas_size)  # animated
    body += riff_chunk(b"ANIM", struct.pack("<IH", 0, 0))
    place = bytes(12) + (100).to_bytes(3, "little") + b"\x00"  # at 0,0, 1 × 1, 100 ms
    body += riff_chunk(b"ANMF", place + one_pixel) * frames
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


def multi_page_tiff(pages=20):
    buffer = io.BytesIO()
    first, *rest = [Image.new("L", (8, 8), shade) for shade in range(pages)]
    first.save(buffer, format="TIFF", save_all=True, append_images=rest)
    return buffer.getvalue()


CORPUS = [
    pytest.param(
        "bomb.gif", lambda: gif_bomb(count=20), too_many_frame_pixels(20, 6000), id="gif-20"
    ),
    pytest.param(
        "bomb.gif", lambda: gif_bomb(count=60), too_many_frame_pixels(60, 6000), id="gif-60"
    ),
    pytest.param(
        "many.gif",
        lambda: gif_bomb(canvas=1, count=5000),
        "This animation has 5000 frames; an animation can have at most 250.",
        id="gif-5000-frames",
    ),
    pytest.param("bomb.png", lambda: apng_bomb(20), too_many_frame_pixels(20, 6000), id="apng-20"),
    pytest.param("bomb.png", lambda: apng_bomb(60), too_many_frame_pixels(60, 6000), id="apng-60"),
    pytest.param("bomb.webp", lambda: webp_bomb(20), too_many_frame_pixels(20, 6000), id="webp-20"),
    pytest.param("bomb.webp", lambda: webp_bomb(60), too_many_frame_pixels(60, 6000), id="webp-60"),
    pytest.param("pages.tiff", multi_page_tiff, NOT_A_PHOTO, id="multi-page-tiff"),
    pytest.param("bomb.png", png_bomb, NOT_VALID, id="png-decompression-bomb"),
]


@pytest.mark.parametrize(("name", "make_content", "message"), CORPUS)
def test_10_the_editor_refuses_each_bomb_before_decoding_it(
    teacher_client, media_root, name, make_content, message
):
    file = upload(name, make_content())
    with not_decoded():
        response = teacher_client.post(UPLOAD_URL, {"image": file})
    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert stored_files(media_root) == []


@pytest.mark.parametrize(("name", "make_content", "message"), CORPUS)
def test_10_the_pose_form_refuses_each_bomb(admin_client, media_root, name, make_content, message):
    page = admin_client.get(ADD_URL)
    data = admin_post_data(page, pose_fields()) | {"image": upload(name, make_content())}
    response = admin_client.post(ADD_URL, data)
    assert response.context["adminform"].form.errors["image"] == [message]
    assert not Pose.objects.exists()
    assert stored_files(media_root) == []


def test_10_frames_that_outgrow_a_one_pixel_canvas_are_refused(teacher_client, media_root):
    # Seen only while decoding, frame by frame: refused at the frame that passes the budget.
    response = teacher_client.post(UPLOAD_URL, {"image": upload("bomb.gif", gif_growing_bomb())})
    assert response.json() == {"error": too_many_frame_pixels(20, 6000)}
