import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from poses.models import Condition, Pose, PoseLink, PoseType, RelatedPose, Step
from tests.admin_forms import POSE_ADD_URL as ADD_URL
from tests.admin_forms import (
    admin_post_data,
    assert_saved,
    change_url,
    pose_fields,
    step_row,
    step_titles_on_page,
)
from tests.factories import make_draft, make_pose, make_step

pytestmark = pytest.mark.django_db

CHANGELIST_URL = "/admin/poses/pose/"


def tiny_png():
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("pose.png", buffer.getvalue(), content_type="image/png")


def changelist_names(response):
    return re.findall(
        r'<th class="field-sanskrit_name"><a [^>]*>(.*?)</a>', response.content.decode()
    )


# The changelist


def test_changelist_lists_every_pose(admin_client):
    make_pose(sanskrit_name="Dandasana")
    make_draft(sanskrit_name="Draftasana")
    response = admin_client.get(CHANGELIST_URL)
    assert response.status_code == 200
    assert sorted(changelist_names(response)) == ["Dandasana", "Draftasana"]


def test_changelist_searches_sanskrit_name(admin_client):
    make_pose(sanskrit_name="Janusirsasana")
    make_pose(sanskrit_name="Dandasana")
    response = admin_client.get(CHANGELIST_URL, {"q": "janu"})
    assert changelist_names(response) == ["Janusirsasana"]


def test_changelist_searches_other_names(admin_client):
    make_pose(sanskrit_name="Janusirsasana", other_names="Head-on-knee Pose\nJanu Sirsasana")
    make_pose(sanskrit_name="Dandasana", other_names="Stick Pose")
    response = admin_client.get(CHANGELIST_URL, {"q": "head-on-knee"})
    assert changelist_names(response) == ["Janusirsasana"]


def test_changelist_filters_drafts(admin_client):
    make_pose(sanskrit_name="Dandasana")
    make_draft(sanskrit_name="Draftasana")
    response = admin_client.get(CHANGELIST_URL, {"status": "draft"})
    assert response.status_code == 200
    assert changelist_names(response) == ["Draftasana"]


def test_changelist_filters_by_level(admin_client):
    make_pose(sanskrit_name="Dandasana", level="beginner")
    make_pose(sanskrit_name="Sirsasana", level="advanced")
    response = admin_client.get(CHANGELIST_URL, {"level": "beginner"})
    assert response.status_code == 200
    assert changelist_names(response) == ["Dandasana"]


def test_the_pose_type_list_shows_how_students_read_each_name(admin_client):
    PoseType.objects.create(name="Forward-Bend", slug="forward-bend")
    response = admin_client.get("/admin/poses/posetype/")
    assert response.status_code == 200
    assert re.search(r'<td class="field-label">Forward bend</td>', response.content.decode())


# The add page


def test_add_page_has_the_markdown_editor(admin_client):
    response = admin_client.get(ADD_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="markdownx"' in html
    assert 'name="introduction"' in html
    assert 'class="markdownx-preview"' in html


def test_add_page_has_sortable_steps(admin_client):
    html = admin_client.get(ADD_URL).content.decode()
    assert '<fieldset class="module sortable" aria-labelledby="steps-heading">' in html
    assert 'name="steps-__prefix__-position"' in html
    assert "adminsortable2" in html


def test_a_teacher_adds_a_pose_with_three_steps(admin_client, client):
    form_page = admin_client.get(ADD_URL)
    steps = [step_row("Sit tall", 1), step_row("Bend your right knee", 2), step_row("Fold", 3)]
    data = admin_post_data(form_page, pose_fields(), {"steps": steps})
    assert_saved(admin_client.post(ADD_URL, data))
    assert step_titles_on_page(client, "janusirsasana") == [
        "Sit tall",
        "Bend your right knee",
        "Fold",
    ]
    assert list(Step.objects.values_list("position", flat=True)) == [1, 2, 3]


def test_steps_dragged_before_the_first_save_keep_the_dragged_order(
    admin_client, client, django_capture_on_commit_callbacks
):
    form_page = admin_client.get(ADD_URL)
    steps = [step_row("Fold", 3), step_row("Sit tall", 1), step_row("Bend", 2)]
    data = admin_post_data(form_page, pose_fields(), {"steps": steps})
    with django_capture_on_commit_callbacks(execute=True):  # the save commits
        assert_saved(admin_client.post(ADD_URL, data))
    assert step_titles_on_page(client, "janusirsasana") == ["Sit tall", "Bend", "Fold"]
    assert list(Step.objects.values_list("position", flat=True)) == [1, 2, 3]


def test_a_pose_added_as_published_is_public_at_once(admin_client, client):
    form_page = admin_client.get(ADD_URL)
    assert_saved(admin_client.post(ADD_URL, admin_post_data(form_page, pose_fields())))
    assert client.get("/poses/janusirsasana/").status_code == 200


def test_a_pose_added_as_draft_stays_private(
    admin_client, client, django_capture_on_commit_callbacks
):
    form_page = admin_client.get(ADD_URL)
    data = admin_post_data(form_page, pose_fields(status="draft"))
    with django_capture_on_commit_callbacks(execute=True):  # the save commits
        assert_saved(admin_client.post(ADD_URL, data))
    assert client.get("/poses/janusirsasana/").status_code == 404


def test_a_backwards_hold_range_is_a_form_error_and_nothing_is_saved(admin_client):
    form_page = admin_client.get(ADD_URL)
    data = admin_post_data(
        form_page,
        pose_fields(hold_min_seconds="180", hold_max_seconds="30"),
        {"steps": [step_row("Sit tall", 1)]},
    )
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert (
        "The longest hold cannot be shorter than the shortest hold."
        in (response.context["adminform"].form.errors["hold_max_seconds"])
    )
    assert "The longest hold cannot be shorter than the shortest hold." in (
        response.content.decode()
    )
    assert not Pose.objects.exists()
    assert not Step.objects.exists()


def test_an_image_without_a_description_is_a_form_error(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    form_page = admin_client.get(ADD_URL)
    data = admin_post_data(form_page, pose_fields(image_alt=""))
    data["image"] = tiny_png()
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert (
        "Describe the image for students who cannot see it."
        in (response.context["adminform"].form.errors["image_alt"])
    )
    assert not Pose.objects.exists()


def test_an_image_with_a_description_shows_on_the_pose_page(
    admin_client, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    form_page = admin_client.get(ADD_URL)
    data = admin_post_data(form_page, pose_fields(image_alt="A student folds over one leg"))
    data["image"] = tiny_png()
    with django_capture_on_commit_callbacks(execute=True):  # the save commits
        assert_saved(admin_client.post(ADD_URL, data))
    html = client.get("/poses/janusirsasana/").content.decode()
    assert 'alt="A student folds over one leg" width="2" height="2"' in html


# Editing an existing pose


def test_reordering_steps_in_the_change_view_saves_the_new_order(admin_client, client):
    pose = make_pose(slug="janusirsasana")
    sit, bend, fold = (
        make_step(pose, n, title=t) for n, t in enumerate(["Sit", "Bend", "Fold"], 1)
    )
    form_page = admin_client.get(change_url(pose))
    # Fold is dragged to the top: each new position is still held by another row in the DB.
    steps = [step_row("Sit", 2, sit), step_row("Bend", 3, bend), step_row("Fold", 1, fold)]
    data = admin_post_data(form_page, pose_fields(pose), {"steps": steps})
    assert_saved(admin_client.post(change_url(pose), data))
    assert step_titles_on_page(client, "janusirsasana") == ["Fold", "Sit", "Bend"]
    positions = dict(Step.objects.values_list("title", "position"))
    assert positions == {"Fold": 1, "Sit": 2, "Bend": 3}


def test_swapping_two_steps_in_the_change_view(admin_client, client):
    pose = make_pose(slug="janusirsasana")
    sit, fold = make_step(pose, 1, title="Sit"), make_step(pose, 2, title="Fold")
    form_page = admin_client.get(change_url(pose))
    steps = [step_row("Sit", 2, sit), step_row("Fold", 1, fold)]
    data = admin_post_data(form_page, pose_fields(pose), {"steps": steps})
    assert_saved(admin_client.post(change_url(pose), data))
    assert step_titles_on_page(client, "janusirsasana") == ["Fold", "Sit"]


def test_deleting_a_step_renumbers_the_rest(admin_client):
    pose = make_pose()
    sit, bend, fold = (
        make_step(pose, n, title=t) for n, t in enumerate(["Sit", "Bend", "Fold"], 1)
    )
    form_page = admin_client.get(change_url(pose))
    steps = [
        step_row("Sit", 1, sit, DELETE="on"),
        step_row("Bend", 2, bend),
        step_row("Fold", 3, fold),
    ]
    data = admin_post_data(form_page, pose_fields(pose), {"steps": steps})
    assert_saved(admin_client.post(change_url(pose), data))
    assert dict(Step.objects.values_list("title", "position")) == {"Bend": 1, "Fold": 2}


def test_a_step_added_to_an_existing_pose_goes_last(admin_client, client):
    pose = make_pose(slug="janusirsasana")
    sit, fold = make_step(pose, 1, title="Sit"), make_step(pose, 2, title="Fold")
    form_page = admin_client.get(change_url(pose))
    steps = [step_row("Sit", 1, sit), step_row("Fold", 2, fold), step_row("Release", 0)]
    data = admin_post_data(form_page, pose_fields(pose), {"steps": steps})
    assert_saved(admin_client.post(change_url(pose), data))
    assert step_titles_on_page(client, "janusirsasana") == ["Sit", "Fold", "Release"]
    assert dict(Step.objects.values_list("title", "position")) == {
        "Sit": 1,
        "Fold": 2,
        "Release": 3,
    }


def test_saving_a_pose_without_touching_its_steps_keeps_their_positions(admin_client):
    pose = make_pose()
    sit, fold = make_step(pose, 1, title="Sit"), make_step(pose, 2, title="Fold")
    form_page = admin_client.get(change_url(pose))
    steps = [step_row("Sit", 1, sit), step_row("Fold", 2, fold)]
    data = admin_post_data(form_page, pose_fields(pose, english_name="Renamed"), {"steps": steps})
    assert_saved(admin_client.post(change_url(pose), data))
    assert dict(Step.objects.values_list("title", "position")) == {"Sit": 1, "Fold": 2}
    assert Pose.objects.get().english_name == "Renamed"


def test_a_precaution_added_in_the_admin_shows_its_conditions_and_substitute(admin_client, client):
    pose = make_pose(slug="janusirsasana")
    substitute = make_pose(sanskrit_name="Dandasana", slug="dandasana")
    knee = Condition.objects.create(name="Knee injury", slug="knee-injury")
    back = Condition.objects.create(name="Back injury", slug="back-injury")
    form_page = admin_client.get(change_url(pose))
    note = {
        "kind": "avoid",
        "conditions": [str(back.pk), str(knee.pk)],
        "text": "Avoid this pose with any *back or knee* injury.",
        "substitute": str(substitute.pk),
        "position": "1",
    }
    data = admin_post_data(form_page, pose_fields(pose), {"safety_notes": [note]})
    assert_saved(admin_client.post(change_url(pose), data))
    html = client.get("/poses/janusirsasana/").content.decode()
    assert "Avoid this pose with any <em>back or knee</em> injury." in html
    assert "Concerns: Back injury, Knee injury" in html
    assert 'Instead, try <a href="/poses/dandasana/">' in html


def test_a_preparatory_link_added_on_one_pose_shows_on_the_other(admin_client, client):
    dandasana = make_pose(sanskrit_name="Dandasana", slug="dandasana")
    janu = make_pose(sanskrit_name="Janusirsasana", slug="janusirsasana")
    form_page = admin_client.get(change_url(janu))
    link = {"preparatory": str(dandasana.pk), "reason": "The starting position", "position": "1"}
    data = admin_post_data(form_page, pose_fields(janu), {"preparatory_links": [link]})
    assert_saved(admin_client.post(change_url(janu), data))
    html = client.get("/poses/dandasana/").content.decode()
    follow_ups = re.search(r'<h2 id="follow-up">.*?</section>', html, re.DOTALL).group(0)
    assert 'href="/poses/janusirsasana/"' in follow_ups
    assert "The starting position" in follow_ups


def test_a_pose_cannot_be_linked_to_itself_in_the_admin(admin_client):
    pose = make_pose()
    form_page = admin_client.get(change_url(pose))
    link = {"preparatory": str(pose.pk), "reason": "", "position": "1"}
    data = admin_post_data(form_page, pose_fields(pose), {"preparatory_links": [link]})
    response = admin_client.post(change_url(pose), data)
    assert response.status_code == 200
    assert "A pose cannot prepare for itself." in response.content.decode()
    assert not PoseLink.objects.exists()


def test_a_related_pose_added_in_the_admin_shows_on_both_pages(admin_client, client):
    janu = make_pose(sanskrit_name="Janusirsasana", slug="janusirsasana")
    pascha = make_pose(sanskrit_name="Paschimottanasana", slug="paschimottanasana")
    form_page = admin_client.get(change_url(janu))
    related = {"related": str(pascha.pk), "kind": "variation"}
    data = admin_post_data(form_page, pose_fields(janu), {"related_links": [related]})
    assert_saved(admin_client.post(change_url(janu), data))
    assert (
        'href="/poses/paschimottanasana/"' in client.get("/poses/janusirsasana/").content.decode()
    )
    assert (
        'href="/poses/janusirsasana/"' in client.get("/poses/paschimottanasana/").content.decode()
    )


def test_a_related_pose_removed_in_the_admin_leaves_both_pages(admin_client):
    janu, pascha = make_pose(), make_pose()
    link = RelatedPose.objects.create(pose=janu, related=pascha)
    form_page = admin_client.get(change_url(janu))
    row = {"id": str(link.pk), "pose": str(janu.pk), "related": str(pascha.pk)}
    row.update(kind="variation", DELETE="on")
    data = admin_post_data(form_page, pose_fields(janu), {"related_links": [row]})
    assert_saved(admin_client.post(change_url(janu), data))
    assert not RelatedPose.objects.exists()


def test_the_change_view_of_a_draft_links_to_its_preview(admin_client):
    draft = make_draft(slug="draftasana")
    html = admin_client.get(change_url(draft)).content.decode()
    assert '<a href="/poses/draftasana/" target="_blank" rel="noopener">Preview this draft' in html


def test_the_change_view_of_a_published_pose_links_to_the_site(admin_client):
    pose = make_pose(slug="dandasana")
    html = admin_client.get(change_url(pose)).content.decode()
    assert '<a href="/poses/dandasana/" target="_blank" rel="noopener">View on site</a>' in html


def test_pose_pickers_search_as_you_type(admin_client):
    dandasana = make_pose(sanskrit_name="Dandasana", english_name="Staff Pose")
    make_pose(sanskrit_name="Janusirsasana", english_name="Head to Knee Pose")
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "poses",
            "model_name": "poselink",
            "field_name": "preparatory",
            "term": "Dand",
        },
    )
    assert response.status_code == 200
    assert response.json()["results"] == [
        {"id": str(dandasana.pk), "text": "Dandasana (Staff Pose)"}
    ]


# Names are indexed for search: each has a length limit, and there are only so many


@pytest.mark.parametrize(
    ("other_names", "message"),
    [
        ("a" * 10_000, "Other name 1 has 10000 characters; each can have at most 120."),
        (
            "Seated Head to Knee\n" + "b" * 121,
            "Other name 2 has 121 characters; each can have at most 120.",
        ),
        (
            "\n".join(f"Name {number}" for number in range(31)),
            "31 other names; a pose can have at most 30.",
        ),
    ],
    ids=["10000-letters", "121-letters", "31-names"],
)
def test_too_long_or_too_many_other_names_are_a_form_error(admin_client, other_names, message):
    form_page = admin_client.get(ADD_URL)
    data = admin_post_data(form_page, pose_fields(other_names=other_names))
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["other_names"] == [message]
    assert not Pose.objects.exists()


def test_thirty_other_names_of_120_characters_are_accepted(admin_client):
    form_page = admin_client.get(ADD_URL)
    other_names = "\n".join(f"{number:03} " + "c" * 116 for number in range(30))
    response = admin_client.post(
        ADD_URL, admin_post_data(form_page, pose_fields(other_names=other_names))
    )
    assert_saved(response)


def test_the_model_refuses_a_long_other_name_outside_the_admin():
    pose = make_pose(other_names="d" * 10_000)
    with pytest.raises(ValidationError) as refused:
        pose.full_clean()
    assert "other_names" in refused.value.message_dict


def test_a_name_with_a_look_alike_letter_is_a_form_error_and_nothing_is_saved(admin_client):
    form_page = admin_client.get("/admin/poses/pose/add/")
    # The second letter is a Cyrillic “а”, which looks like the Latin one.
    data = admin_post_data(form_page, pose_fields(sanskrit_name="Jаnusirsasana"))
    response = admin_client.post("/admin/poses/pose/add/", data)
    assert response.status_code == 200
    assert "sanskrit_name" in response.context["adminform"].form.errors
    assert not Pose.objects.filter(slug="janusirsasana").exists()
