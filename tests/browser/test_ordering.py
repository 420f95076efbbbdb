"""A teacher reorders a pose's steps and benefits one place at a time: with ▲ ▼, or from the
keyboard on the ☰ handle; the save keeps the order the page shows."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in_to_admin
from tests.browser.test_teacher_journey import drag
from tests.factories import make_benefit, make_pose, make_step

TITLES = ["Sit tall", "Bend the right knee", "Fold forward"]


@pytest.fixture
def pose(transactional_db):
    pose = make_pose(sanskrit_name="Janusirsasana")
    for position, title in enumerate(TITLES, 1):
        make_step(pose, position, title=title)
    make_benefit(pose, 1, "Stretches the hamstrings.")
    make_benefit(pose, 2, "Calms the mind.")
    return pose


@pytest.fixture
def change_page(pose, django_user_model, open_page):
    page = open_page(viewport={"width": 1280, "height": 900})
    admin_url = log_in_to_admin(page, django_user_model)
    page.goto(f"{admin_url}poses/pose/{pose.pk}/change/")
    return page


def step_rows(page):
    return page.locator("#steps-group .inline-related.has_original")


def titles_shown(page):
    return [row.locator("input[id$='-title']").input_value() for row in step_rows(page).all()]


def save(page):
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")


def saved_titles(pose):
    return list(pose.steps.order_by("position").values_list("title", flat=True))


def test_each_saved_step_has_a_visible_handle_and_its_number(change_page):
    rows = step_rows(change_page)
    expect(rows).to_have_count(3)
    for number, row in enumerate(rows.all(), 1):
        handle = row.get_by_role("button", name="Drag to reorder")
        expect(handle).to_be_visible()
        expect(handle).to_have_text("☰")
        expect(handle).to_have_attribute("title", "Drag to reorder")
        expect(row.locator("h3")).to_contain_text(f"Step {number}: {TITLES[number - 1]}")
    heading = change_page.locator("#steps-group h2")
    expect(heading).to_contain_text("drag ☰ or use ▲ ▼ to reorder")


def test_dragging_a_step_by_its_handle_renumbers_the_steps(change_page, pose):
    first = change_page.locator("#steps-0 h3")
    first.evaluate("header => header.scrollIntoView()")  # both steps in the window
    handle = change_page.locator("#steps-1").get_by_role("button", name="Drag to reorder")
    drag(change_page, handle, first)

    assert titles_shown(change_page) == [TITLES[1], TITLES[0], TITLES[2]]
    expect(step_rows(change_page).first.locator("h3")).to_contain_text(f"Step 1: {TITLES[1]}")
    save(change_page)
    assert saved_titles(pose) == [TITLES[1], TITLES[0], TITLES[2]]


def test_moving_step_3_up_makes_it_step_2_and_the_save_keeps_it(change_page, pose):
    step_rows(change_page).nth(2).get_by_role("button", name="Move up one place").click()

    assert titles_shown(change_page) == [TITLES[0], TITLES[2], TITLES[1]]
    expect(step_rows(change_page).nth(1).locator("h3")).to_contain_text(f"Step 2: {TITLES[2]}")
    expect(change_page.locator("#order-announcer")).to_have_text(
        f"Step “{TITLES[2]}” moved to position 2 of 3."
    )
    save(change_page)
    assert saved_titles(pose) == [TITLES[0], TITLES[2], TITLES[1]]
    assert titles_shown(change_page) == [TITLES[0], TITLES[2], TITLES[1]]


def test_the_handle_moves_a_step_with_the_arrow_keys(change_page, pose):
    # The row keeps its id wherever it moves.
    handle = change_page.locator("#steps-0").get_by_role("button", name="Drag to reorder")
    handle.focus()
    change_page.keyboard.press("ArrowDown")
    change_page.keyboard.press("ArrowDown")

    # The handle kept the focus as its row moved: the third press would say it is last.
    expect(handle).to_be_focused()
    expect(change_page.locator("#order-announcer")).to_have_text(
        f"Step “{TITLES[0]}” moved to position 3 of 3."
    )
    change_page.keyboard.press("ArrowDown")
    expect(change_page.locator("#order-announcer")).to_have_text(
        f"Step “{TITLES[0]}” is already last."
    )
    change_page.keyboard.press("ArrowUp")
    assert titles_shown(change_page) == [TITLES[1], TITLES[0], TITLES[2]]
    save(change_page)
    assert saved_titles(pose) == [TITLES[1], TITLES[0], TITLES[2]]


def test_a_benefit_moves_down_one_place(change_page, pose):
    first = change_page.locator("#benefits-group tr.has_original").first
    first.get_by_role("button", name="Move down one place").click()
    save(change_page)
    benefits = pose.benefits.order_by("position").values_list("text", flat=True)
    assert list(benefits) == ["Calms the mind.", "Stretches the hamstrings."]
