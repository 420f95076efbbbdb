"""A teacher drags a joint of a pose's figure in the admin, saves, and sees it on the site."""

import json

from playwright.sync_api import expect

from poses.models import Pose
from tests.browser.conftest import log_in_to_admin
from tests.test_figures import standing


def test_a_teacher_drags_a_joint_and_saves_the_figure(
    transactional_db, django_user_model, open_page
):
    pose = Pose.objects.create(
        sanskrit_name="Tadasana",
        english_name="Mountain Pose",
        slug="tadasana",
        status=Pose.Status.PUBLISHED,
        figure=standing(),
    )
    Pose.objects.create(
        sanskrit_name="Vrksasana",
        english_name="Tree Pose",
        slug="vrksasana",
        figure=standing(near="left"),
    )
    page = open_page(viewport={"width": 1280, "height": 2400})
    admin_url = log_in_to_admin(page, django_user_model)

    page.goto(f"{admin_url}poses/pose/{pose.pk}/change/")
    start = page.locator("[data-figure-start]").first
    expect(start.locator("option", has_text="Vrksasana (Tree Pose)")).to_have_count(1)
    hand = page.locator('.figure-editor__joint[data-joint="right_hand"]').first
    box = hand.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y - 120, steps=12)
    page.mouse.up()
    moved = json.loads(page.locator("#id_figure").input_value())["joints"]["right_hand"]
    assert moved[0] > 110 and moved[1] < 60

    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    pose.refresh_from_db()
    assert pose.figure["joints"]["right_hand"] == moved

    page.goto(pose.get_absolute_url())
    figure = page.get_by_role("img", name="Figure of Tadasana")
    expect(figure).to_be_visible()
    assert figure.bounding_box()["width"] > 100


def test_mirroring_in_the_editor_swaps_left_and_right(
    transactional_db, django_user_model, open_page
):
    pose = Pose.objects.create(
        sanskrit_name="Tadasana", english_name="Mountain Pose", slug="tadasana", figure=standing()
    )
    page = open_page(viewport={"width": 1280, "height": 1600})
    admin_url = log_in_to_admin(page, django_user_model)
    page.goto(f"{admin_url}poses/pose/{pose.pk}/change/")
    page.get_by_role("button", name="Mirror left ↔ right").first.click()
    assert json.loads(page.locator("#id_figure").input_value())["near"] == "left"
