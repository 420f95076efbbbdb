"""Nothing a teacher types is cut: length-limited fields of the pose editor carry their limit
for the live counter instead of a maxlength the browser would cut a paste at, and the
server refuses text over it, says by how much, and shows the whole text again."""

import html
import re

import pytest

from poses.models import Pose, Step
from studio.markdown import MAX_MARKDOWN_LENGTH
from tests.admin_forms import POSE_ADD_URL as ADD_URL
from tests.admin_forms import admin_post_data, assert_saved, change_url, pose_fields, step_row
from tests.factories import make_pose, make_step

pytestmark = pytest.mark.django_db

TOO_LONG = MAX_MARKDOWN_LENGTH + 412
REFUSAL = "This text has 10,412 characters; the limit is 10,000. Shorten it by 412."


def long_text(length):
    """Words as a teacher would paste them, `length` characters long, ending in a mark
    that shows the end came through."""
    return ("Breathe in, lengthen the spine. " * length)[: length - 4] + " END"


def textarea_value(response, name):
    match = re.search(
        rf'<textarea name="{re.escape(name)}"[^>]*>\n?(.*?)</textarea>',
        response.content.decode(),
        re.DOTALL,
    )
    assert match, f"no textarea {name}"
    return html.unescape(match.group(1))


def test_no_field_of_the_pose_editor_cuts_text_at_a_maxlength(admin_client):
    pose = make_pose()
    make_step(pose, 1)
    page = admin_client.get(change_url(pose)).content.decode()
    assert "maxlength" not in page
    assert re.search(r'name="english_name"[^>]*data-max-length="120"', page)
    assert re.search(r'name="introduction"[^>]*data-max-length="10000"', page)
    assert re.search(r'name="steps-0-instruction"[^>]*data-max-length="10000"', page)
    assert re.search(r'name="image_alt"[^>]*data-max-length="250"', page)
    assert "js/character-count" in page


def test_guidance_for_a_kind_of_pose_is_counted_not_cut(admin_client):
    page = admin_client.get("/admin/poses/conditionguidance/add/").content.decode()
    assert "maxlength" not in page
    assert re.search(r'name="text"[^>]*data-max-length="10000"', page)
    assert "js/character-count" in page


@pytest.mark.parametrize(
    "url, field",
    [
        ("/admin/sequences/sequence/add/", "title"),
        ("/admin/poses/synonym/add/", "words"),
        ("/admin/poses/posetype/add/", "name"),
        ("/admin/poses/condition/add/", "name"),
        ("/admin/poses/poselink/add/", "reason"),
        ("/admin/poses/counterpose/add/", "reason"),
    ],
)
def test_every_other_editor_counts_its_limits_instead_of_cutting(admin_client, url, field):
    page = admin_client.get(url).content.decode()
    assert "maxlength" not in page
    assert re.search(rf'name="{field}"[^>]*data-max-length="\d+"', page)
    assert "js/character-count" in page


def test_an_introduction_over_the_limit_is_refused_and_shown_whole(admin_client):
    text = long_text(TOO_LONG)
    form_page = admin_client.get(ADD_URL)
    response = admin_client.post(
        ADD_URL, admin_post_data(form_page, pose_fields(introduction=text))
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["introduction"] == [REFUSAL]
    assert REFUSAL in response.content.decode()
    assert textarea_value(response, "introduction") == text
    assert not Pose.objects.exists()


def test_a_step_over_the_limit_is_refused_at_its_row_and_shown_whole(admin_client):
    pose = make_pose()
    step = make_step(pose, 1)
    text = long_text(TOO_LONG)
    form_page = admin_client.get(change_url(pose))
    rows = {"steps": [step_row(step.title, 1, step, instruction=text)]}
    response = admin_client.post(
        change_url(pose), admin_post_data(form_page, pose_fields(pose), rows)
    )
    assert response.status_code == 200
    step_forms = response.context["inline_admin_formsets"][0].formset.forms
    assert step_forms[0].errors["instruction"] == [REFUSAL]
    assert textarea_value(response, "steps-0-instruction") == text
    step.refresh_from_db()
    assert step.instruction == "Instruction for step 1."


@pytest.mark.parametrize(
    ("field", "limit"), [("english_name", 120), ("summary", 300), ("image_alt", 250)]
)
def test_a_line_over_its_limit_says_by_how_much_and_is_kept(admin_client, field, limit):
    text = "a" * (limit + 3)
    form_page = admin_client.get(ADD_URL)
    response = admin_client.post(ADD_URL, admin_post_data(form_page, pose_fields(**{field: text})))
    assert response.context["adminform"].form.errors[field] == [
        f"This text has {limit + 3:,} characters; the limit is {limit:,}. Shorten it by 3."
    ]
    assert f'value="{text}"' in response.content.decode()


def test_a_link_reason_over_its_limit_is_refused(admin_client):
    pose, other = make_pose(), make_pose()
    form_page = admin_client.get(change_url(pose))
    rows = {"follow_up_links": [{"follow_up": str(other.pk), "reason": "r" * 161}]}
    response = admin_client.post(
        change_url(pose), admin_post_data(form_page, pose_fields(pose), rows)
    )
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "follow_up_links"
    )
    assert formset.forms[0].errors["reason"] == [
        "This text has 161 characters; the limit is 160. Shorten it by 1."
    ]


def test_a_line_break_counts_as_one_character(admin_client):
    # Browsers send each line break as CR LF: 9,900 letters in 100 lines fit in 10,000.
    text = "\r\n".join(["a" * 99] * 100)
    assert len(text.replace("\r\n", "\n")) == 9_999
    form_page = admin_client.get(ADD_URL)
    assert_saved(
        admin_client.post(ADD_URL, admin_post_data(form_page, pose_fields(introduction=text)))
    )
    assert Pose.objects.get().introduction == text.replace("\r\n", "\n")


def test_a_step_saved_with_cr_lf_is_not_changed_by_saving_the_pose(admin_client):
    pose = make_pose()
    step = make_step(pose, 1, instruction="Sit tall.\r\nBreathe.")
    form_page = admin_client.get(change_url(pose))
    rows = {"steps": [step_row(step.title, 1, step, instruction="Sit tall.\r\nBreathe.")]}
    response = admin_client.post(
        change_url(pose), admin_post_data(form_page, pose_fields(pose), rows)
    )
    assert_saved(response)
    assert Step.objects.get().instruction == "Sit tall.\r\nBreathe."
