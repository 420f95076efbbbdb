"""Warnings about likely mistakes in a saved pose (poses/mistakes.py): they never stop a save,
they say which step or image, and a teacher can dismiss one until its content changes."""

import pytest
from django.contrib.messages import get_messages

from poses.mistakes import (
    description_problem,
    duplicate_steps,
    likely_mistakes,
    missing_breath_cues,
    undismissed_mistakes,
)
from poses.models import DismissedWarning, Step
from tests.admin_forms import admin_post_data, assert_saved, change_url, pose_fields, step_row
from tests.factories import make_benefit, make_draft, make_pose, make_step, make_teacher

DUPLICATE = "Steps 1 and 3 have the same instruction, “Fold forward.”: was one pasted twice?"


def steps(*rows):
    """Unsaved steps from (title, instruction, breath cue)."""
    return [Step(title=title, instruction=text, breath_cue=cue) for title, text, cue in rows]


def messages_of(mistakes):
    return [mistake.message for mistake in mistakes]


# Duplicate steps


def test_two_steps_with_the_same_instruction_are_named():
    found = duplicate_steps(
        steps(
            ("Fold", "Fold forward.", ""), ("Sit", "Sit tall.", ""), ("Fold", "Fold forward.", "")
        )
    )
    assert messages_of(found) == [DUPLICATE]


def test_case_and_spacing_do_not_hide_a_duplicate_step():
    found = duplicate_steps(steps(("A", "Fold  forward.\n", ""), ("B", "fold forward.", "")))
    assert messages_of(found) == [
        "Steps 1 and 2 have the same instruction, “Fold forward.”: was one pasted twice?"
    ]


def test_three_alike_steps_are_one_warning():
    found = duplicate_steps(steps(*[("Hold", "Breathe.", "")] * 3))
    assert messages_of(found) == [
        "Steps 1, 2 and 3 have the same instruction, “Breathe.”: was one pasted twice?"
    ]


def test_different_steps_are_no_warning():
    assert duplicate_steps(steps(("A", "Sit tall.", ""), ("B", "Fold forward.", ""))) == []


# Breath cues


def test_a_step_without_a_breath_cue_between_two_with_one_is_named():
    found = missing_breath_cues(
        steps(("Lift", "Lift.", "inhale"), ("Fold", "Fold.", ""), ("Rest", "Rest.", "exhale"))
    )
    assert messages_of(found) == [
        "Step 2 (“Fold”) has no breath cue, though steps 1 and 3 have one."
    ]


def test_a_first_or_last_step_without_a_breath_cue_is_no_warning():
    assert missing_breath_cues(steps(("Sit", "Sit.", ""), ("Lift", "Lift.", "inhale"))) == []
    assert missing_breath_cues(steps(("Lift", "Lift.", "inhale"), ("Rest", "Rest.", ""))) == []


def test_a_step_without_a_breath_cue_beside_another_without_is_no_warning():
    rows = [("A", "A.", "inhale"), ("B", "B.", ""), ("C", "C.", ""), ("D", "D.", "exhale")]
    assert missing_breath_cues(steps(*rows)) == []


# Image descriptions


@pytest.mark.parametrize(
    ("description", "problem"),
    [
        ("", "has no description"),
        ("   ", "has no description"),
        ("IMG_2031.jpg", "is described only by a file name, “IMG_2031.jpg”"),
        ("DSC0042", "is described only by a file name, “DSC0042”"),
        ("Image", "is described only as “Image”"),
        ("photo.", "is described only as “photo.”"),
        ("Janusirsasana", "is described only as “Janusirsasana”"),
        ("Seated", "has a very short description, “Seated”"),
    ],
)
def test_an_image_description_that_says_little_is_named(description, problem):
    assert description_problem(description, {"janusirsasana"}) == problem


def test_a_real_image_description_is_no_warning():
    assert description_problem("A woman folds over her right leg, hands at the foot.") == ""


@pytest.mark.django_db
def test_an_image_in_a_step_without_a_description_is_named():
    pose = make_pose()
    make_step(pose, 1)
    make_step(pose, 2, instruction='Reach forward.\n\n![]("/media/markdownx/ab12.webp")')
    assert messages_of(likely_mistakes(pose)) == [
        "An image in step 2 (ab12.webp) has no description: describe what it shows for "
        "students who use a screen reader."
    ]


@pytest.mark.django_db
def test_an_image_in_a_benefit_described_by_its_file_name_is_named():
    pose = make_pose(introduction="![A woman folds over her right leg](/media/a.jpg)")
    make_benefit(pose, 1, text="![fold.png](/media/fold.png)")
    assert messages_of(likely_mistakes(pose)) == [
        "An image in benefit 1 (fold.png) is described only by a file name, “fold.png”: "
        "describe what it shows for students who use a screen reader."
    ]


@pytest.mark.django_db
def test_the_pose_image_described_as_a_placeholder_is_named():
    pose = make_pose(image="poses/3f9c.jpg", image_alt="Photo")
    assert messages_of(likely_mistakes(pose)) == [
        "The pose's image (3f9c.jpg) is described only as “Photo”: describe what it shows for "
        "students who use a screen reader."
    ]


# English names


@pytest.mark.django_db
def test_another_pose_with_the_same_english_name_is_named():
    make_draft(sanskrit_name="Ardhasana", english_name="Half Pose")
    pose = make_pose(sanskrit_name="Ardha Chandrasana", english_name="half-pose")
    assert messages_of(likely_mistakes(pose)) == [
        "Ardhasana (a draft) is also called “half-pose” in English: students will find 2 poses "
        "of that name."
    ]


@pytest.mark.django_db
def test_a_pose_with_its_own_english_name_has_no_warning():
    make_pose(english_name="Half Moon Pose")
    assert likely_mistakes(make_pose(english_name="Half Pose")) == []


# Dismissing


@pytest.mark.django_db
def test_a_dismissed_warning_stays_hidden_until_its_content_changes():
    pose = make_pose()
    make_step(pose, 1, instruction="Fold forward.")
    make_step(pose, 2, instruction="Fold forward.")
    [mistake] = undismissed_mistakes(pose)
    DismissedWarning.objects.create(pose=pose, kind=mistake.kind, fingerprint=mistake.fingerprint)
    assert undismissed_mistakes(pose) == []
    make_step(pose, 3, instruction="Fold forward.")
    assert messages_of(undismissed_mistakes(pose)) == [
        "Steps 1, 2 and 3 have the same instruction, “Fold forward.”: was one pasted twice?"
    ]


@pytest.mark.django_db
def test_a_dismissal_is_of_one_warning_only():
    pose = make_pose()
    make_step(pose, 1, instruction="Fold forward.")
    make_step(pose, 2, instruction="Fold forward.")
    [mistake] = undismissed_mistakes(pose)
    DismissedWarning.objects.create(pose=pose, kind=mistake.kind, fingerprint=mistake.fingerprint)
    pose.steps.update(instruction="Sit tall.")
    assert messages_of(undismissed_mistakes(pose)) == [
        "Steps 1 and 2 have the same instruction, “Sit tall.”: was one pasted twice?"
    ]


# Through the admin


def save_with_duplicate_steps(client, pose, **extra):
    form_page = client.get(change_url(pose))
    rows = {
        "steps": [
            step_row("Fold", 1, instruction="Fold forward."),
            step_row("Sit", 2, instruction="Sit tall."),
            step_row("Fold again", 3, instruction="fold  forward."),
        ]
    }
    data = admin_post_data(form_page, pose_fields(pose, **extra), rows)
    return client.post(change_url(pose), data)


@pytest.mark.django_db
def test_saving_duplicate_steps_saves_them_and_warns(client):
    client.force_login(make_teacher())
    pose = make_pose()
    response = save_with_duplicate_steps(client, pose)
    assert_saved(response)
    assert list(pose.steps.values_list("title", flat=True)) == ["Fold", "Sit", "Fold again"]
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert warnings == [f"Please check (saved anyway): {DUPLICATE}"]
    page = client.get(change_url(pose)).content.decode()
    assert "Please check: 1 possible mistake" in page
    assert DUPLICATE in page


@pytest.mark.django_db
def test_save_and_continue_points_to_the_list_on_the_page(client):
    client.force_login(make_teacher())
    pose = make_pose()
    response = save_with_duplicate_steps(client, pose, _continue="Save and continue editing")
    assert_saved(response)
    page = client.get(response.url)
    assert "Saved. Please check 1 possible mistake, listed under" in page.content.decode()
    assert [m.message for m in page.context["likely_mistakes"]] == [DUPLICATE]


@pytest.mark.django_db
def test_a_dismissed_warning_stays_hidden_after_saving_again(client):
    client.force_login(make_teacher())
    pose = make_pose()
    assert_saved(save_with_duplicate_steps(client, pose))
    [mistake] = client.get(change_url(pose)).context["likely_mistakes"]
    dismiss_url = f"/admin/poses/pose/{pose.pk}/dismiss-warning/"
    response = client.post(
        dismiss_url, {"kind": mistake.kind, "fingerprint": mistake.fingerprint}, follow=True
    )
    assert "Dismissed: " + DUPLICATE in response.content.decode()
    assert "Please check:" not in response.content.decode()
    # Saved again as it is: no warning. With the two steps reworded alike: a new one.
    assert not warnings_after_saving(client, pose)
    reworded = "Lengthen the spine, then fold."
    assert warnings_after_saving(client, pose, instruction=reworded) == [
        "Please check (saved anyway): Steps 1 and 3 have the same instruction, "
        f"“{reworded}”: was one pasted twice?"
    ]


def warnings_after_saving(client, pose, **step_changes):
    """Save the pose with its steps as they are, but for `step_changes` to steps 1 and 3."""
    form_page = client.get(change_url(pose))
    rows = [
        step_row(step.title, step.position, step, instruction=step.instruction)
        for step in pose.steps.all()
    ]
    for row in rows[0], rows[2]:
        row.update(step_changes)
    data = admin_post_data(form_page, pose_fields(pose), {"steps": rows})
    response = client.post(change_url(pose), data)
    assert_saved(response)
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


@pytest.mark.django_db
def test_dismissing_by_script_answers_json_and_needs_the_right_to_change(client):
    pose = make_pose()
    make_step(pose, 1, instruction="Fold forward.")
    make_step(pose, 2, instruction="Fold forward.")
    [mistake] = likely_mistakes(pose)
    data = {"kind": mistake.kind, "fingerprint": mistake.fingerprint}
    url = f"/admin/poses/pose/{pose.pk}/dismiss-warning/"
    client.force_login(make_teacher())
    assert client.get(url).status_code == 405
    response = client.post(url, data, headers={"accept": "application/json"})
    assert response.json() == {"dismissed": True}
    assert DismissedWarning.objects.get().dismissed_by == "asha"
    stale = client.post(
        url, {**data, "fingerprint": "0" * 64}, headers={"accept": "application/json"}
    )
    assert stale.json() == {"dismissed": False}
    assert DismissedWarning.objects.count() == 1


@pytest.mark.django_db
def test_a_pose_without_mistakes_shows_no_panel(admin_client):
    pose = make_pose()
    make_step(pose, 1)
    assert "Please check:" not in admin_client.get(change_url(pose)).content.decode()
