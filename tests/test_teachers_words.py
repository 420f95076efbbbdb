"""The admin speaks a teacher's language: history notes name what changed by its label, the
comparison shows what students see, the delete page lists what a teacher knows, an image
shows as itself, and the bulk link page reads right."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from reversion.models import Version

from poses.admin import with_article
from poses.models import PoseLink, PoseType, SearchKey
from tests.admin_forms import admin_post_data, assert_saved, change_url, pose_fields, step_row
from tests.factories import make_benefit, make_pose, make_step, make_teacher

pytestmark = pytest.mark.django_db


def save_pose(client, pose, fields=None, steps=None):
    """Save `pose` from its admin page, with these fields changed and these step rows."""
    page = client.get(change_url(pose))
    if steps is None:
        steps = [step_row(step.title, step.position, step) for step in pose.steps.all()]
    data = admin_post_data(page, pose_fields(pose, **(fields or {})), {"steps": steps})
    assert_saved(client.post(change_url(pose), data))


def history_of(client, pose):
    return client.get(f"/admin/poses/pose/{pose.pk}/history/").content.decode()


# History


def test_history_names_the_fields_changed_by_their_labels(admin_client):
    pose = make_pose()
    save_pose(admin_client, pose, {"introduction": "Sit tall.", "practice_time": "Mornings."})
    page = history_of(admin_client, pose)
    assert "Changed Introduction and When to practise." in page
    assert "loaded_version" not in page


def test_a_save_that_changes_nothing_says_so(admin_client):
    pose = make_pose()
    save_pose(admin_client, pose)
    page = history_of(admin_client, pose)
    assert "Saved without changes." in page
    assert "loaded_version" not in page


def test_history_says_steps_were_reordered_added_changed_and_removed(admin_client):
    pose = make_pose()
    sit, bend, fold = (
        make_step(pose, n, title=title, instruction=f"Instruction: {title}.")
        for n, title in enumerate(("Sit", "Bend", "Fold"), 1)
    )
    save_pose(
        admin_client,
        pose,
        steps=[
            step_row("Sit", 2, sit, breath_cue="inhale"),
            step_row("Bend", 1, bend),
            step_row("Fold", 3, fold, DELETE="on"),
            step_row("Rest", 4),
        ],
    )
    note = Version.objects.get_for_object(pose).first().revision.get_comment()
    assert note == ("Steps: reordered; changed “Sit” (breath cue); added “Rest”; removed “Fold”.")
    assert "Position" not in history_of(admin_client, pose)


# Comparing two versions


def compared(client, pose):
    newer, older = Version.objects.get_for_object(pose)[:2]
    url = f"/admin/poses/pose/{pose.pk}/history/compare/?older={older.pk}&newer={newer.pk}"
    return client.get(url).content.decode()


REMOVED = '<li class="diff-removed"><span class="visually-hidden">Removed: </span>'
ADDED = '<li class="diff-added"><span class="visually-hidden">Added: </span>'


def test_the_comparison_shows_choices_by_their_labels(admin_client):
    pose = make_pose()
    save_pose(admin_client, pose, {"level": "beginner"})
    save_pose(admin_client, pose, {"level": "advanced"})
    page = compared(admin_client, pose)
    assert f"{REMOVED}Level: Beginner</li>" in page
    assert f"{ADDED}Level: Advanced</li>" in page
    assert "<li>Status: Published</li>" in page


def test_the_comparison_names_the_starting_position(admin_client):
    pose = make_pose()
    dandasana = make_pose(sanskrit_name="Dandasana")
    save_pose(admin_client, pose)
    save_pose(admin_client, pose, {"starting_position": str(dandasana.pk)})
    page = compared(admin_client, pose)
    assert f"{REMOVED}Starting position: —</li>" in page
    assert f"{ADDED}Starting position: Dandasana</li>" in page


def test_the_comparison_shows_markdown_as_students_read_it(admin_client):
    pose = make_pose()
    save_pose(admin_client, pose, {"introduction": "Sit **tall**.\n\n- Breathe [slowly](/poses/)"})
    save_pose(admin_client, pose, {"introduction": "Sit **tall**.\n\n- Breathe *deeply*"})
    page = compared(admin_client, pose)
    assert "<li>Introduction: Sit tall.</li>" in page
    assert f"{REMOVED}    • Breathe slowly (/poses/)</li>" in page
    assert f"{ADDED}    • Breathe deeply</li>" in page
    assert "**" not in page


def test_the_comparison_never_shows_stored_html(admin_client):
    pose = make_pose()
    save_pose(admin_client, pose)
    save_pose(admin_client, pose, {"introduction": 'Hi <img src=x onerror="alert(1)"> there'})
    page = compared(admin_client, pose)
    assert f"{ADDED}Introduction: Hi there</li>" in page
    assert "onerror" not in page


# Deleting a pose


def test_the_delete_page_lists_what_a_teacher_knows_and_no_search_keys(admin_client):
    pose = make_pose(sanskrit_name="Dandasana")
    make_step(pose, 1, title="Sit with straight legs")
    make_benefit(pose, 1, "Strengthens the back.")
    pose.pose_types.add(PoseType.objects.create(name="Seated", slug="seated"))
    follow_up = make_pose(sanskrit_name="Paschimottanasana")
    PoseLink.objects.create(preparatory=pose, follow_up=follow_up)
    assert SearchKey.objects.filter(pose=pose).exists()  # what the search keeps of its names

    page = admin_client.get(f"/admin/poses/pose/{pose.pk}/delete/").content.decode()

    assert "Step: Sit with straight legs" in page
    assert "Benefit: Strengthens the back." in page
    assert "Dandasana prepares for Paschimottanasana" in page
    assert "<li>Steps: 1</li>" in page
    assert "Search key" not in page
    assert "relationship" not in page  # the row joining the pose to its type


def test_deleting_a_pose_still_deletes_its_search_keys(admin_client):
    pose = make_pose()
    admin_client.post(f"/admin/poses/pose/{pose.pk}/delete/", {"post": "yes"})
    assert not SearchKey.objects.exists()


def test_a_teacher_who_may_not_delete_links_is_still_told_the_pose_has_some(client):
    pose = make_pose()
    PoseLink.objects.create(preparatory=pose, follow_up=make_pose())
    user = make_teacher()
    user.user_permissions.add(Permission.objects.get(codename="delete_pose"))
    client.force_login(get_user_model().objects.get(pk=user.pk))
    page = client.get(f"/admin/poses/pose/{pose.pk}/delete/").content.decode()
    assert "permission to delete the following types of objects" in page
    assert "<li>preparatory link</li>" in page
    assert "Yes, I’m sure" not in page


# The image


def upload_image(client, pose, description):
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), "teal").save(buffer, format="PNG")
    photo = SimpleUploadedFile("my-pose.png", buffer.getvalue(), content_type="image/png")
    page = client.get(change_url(pose))
    data = admin_post_data(page, pose_fields(pose, image_alt=description))
    data["image"] = photo
    assert_saved(client.post(change_url(pose), data))
    pose.refresh_from_db()


def test_the_image_field_shows_the_photo_described(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pose = make_pose()
    upload_image(admin_client, pose, "A student folds over one leg")

    page = admin_client.get(change_url(pose)).content.decode()

    thumbnail = re.search(r'<p class="image-thumbnail"><img src="([^"]+)" alt="([^"]*)">', page)
    assert thumbnail, "no thumbnail above the image field"
    assert thumbnail[2] == "A student folds over one leg"
    assert thumbnail[1] == pose.image_small_jpeg.url  # the small copy, not the upload itself
    assert (tmp_path / pose.image_small_jpeg.name).exists()


def test_the_thumbnail_escapes_its_description(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pose = make_pose()
    upload_image(admin_client, pose, 'Fold "deep"><script>alert(1)</script>')
    page = admin_client.get(change_url(pose)).content.decode()
    assert 'alt="Fold &quot;deep&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert "<script>alert(1)" not in page


def test_a_pose_without_an_image_shows_no_thumbnail(admin_client):
    page = admin_client.get(change_url(make_pose())).content.decode()
    assert "image-thumbnail" not in page


# Linking poses in bulk


def open_bulk_link_page(client, poses, **form):
    return client.post(
        "/admin/poses/pose/",
        {"action": "link_poses", "_selected_action": [pose.pk for pose in poses], **form},
    )


def test_the_bulk_link_page_wears_the_admin_and_its_form_styles(admin_client):
    page = open_bulk_link_page(admin_client, [make_pose(), make_pose()])
    html = page.content.decode()
    assert "admin/base_site.html" in [template.name for template in page.templates]
    assert '<div class="breadcrumbs">' in html
    assert '<a href="/admin/poses/pose/">Poses</a>' in html
    assert 'href="/static/admin/css/forms.' in html
    # Each field on an admin form row, with its label and help.
    assert html.count('<div class="form-row') == 3
    assert '<label class="required" for="id_relation">Each selected pose:</label>' in html
    # The pose is picked by typing its name, as everywhere else in the admin.
    assert "admin-autocomplete" in html


def test_the_bulk_link_page_reads_right(admin_client):
    html = open_bulk_link_page(admin_client, [make_pose()]).content.decode()
    assert "is related to, as an alternative" in html
    assert "is related to, as a variation" in html
    assert "a alternative" not in html


def test_the_bulk_link_page_shows_a_missing_pose_at_its_field(admin_client):
    page = open_bulk_link_page(admin_client, [make_pose()], relation="prepared_by", apply="1")
    html = page.content.decode()
    assert "Please correct the error below." in html
    assert re.search(r'class="form-row[^"]*errors[^"]*field-other', html)
    assert not PoseLink.objects.exists()


def test_the_article_follows_the_word():
    assert with_article("alternative") == "an alternative"
    assert with_article("variation") == "a variation"
    assert with_article("Inversion") == "an Inversion"
