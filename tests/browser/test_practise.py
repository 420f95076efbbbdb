"""A student practises a sequence at home: one pose at a time, driven by the keyboard."""

import pytest
from playwright.sync_api import expect

from poses.models import Pose
from tests.browser.conftest import axe_violations
from tests.factories import make_item, make_sequence

URL = "/sequences/short-forward-folds/practise/"


def make_forward_folds(hold_value=30):
    """Dandasana, Janusirsasana on both sides, Paschimottanasana: four steps."""
    sequence = make_sequence(title="Short forward folds", slug="short-forward-folds")
    for slug, side in [("dandasana", ""), ("janusirsasana", "both"), ("paschimottanasana", "")]:
        make_item(sequence, Pose.objects.get(slug=slug), hold_value=hold_value, side=side)
    return sequence


@pytest.fixture
def console_errors(page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


def current_step(page):
    return page.locator("[data-practise-step]:visible")


def test_space_and_arrow_keys_drive_the_practise_view(janusirsasana, page, console_errors):
    make_forward_folds()
    page.goto(URL)
    steps = page.locator("[data-practise-step]")
    expect(steps).to_have_count(4)
    expect(current_step(page)).to_have_count(1)
    expect(current_step(page)).to_contain_text("Dandasana")
    timer = page.get_by_role("timer")
    expect(timer).to_have_text("0:30")
    toggle = page.locator("[data-practise-toggle]")
    expect(toggle).to_have_text("Start")

    page.keyboard.press("Space")
    expect(toggle).to_have_text("Pause")
    expect(timer).to_have_text("0:29", timeout=3000)

    page.keyboard.press("ArrowRight")
    expect(current_step(page)).to_contain_text("Janusirsasana")
    expect(current_step(page)).to_contain_text("Right side")
    page.keyboard.press("ArrowRight")
    expect(current_step(page)).to_contain_text("Left side")
    page.keyboard.press("ArrowLeft")
    expect(current_step(page)).to_contain_text("Right side")

    page.keyboard.press("Space")
    expect(toggle).to_have_text("Resume")
    assert console_errors == []


def test_the_timer_moves_on_to_the_next_pose_and_to_the_end(janusirsasana, page):
    make_forward_folds(hold_value=1)
    page.goto(URL)
    page.keyboard.press("Space")
    expect(current_step(page)).to_contain_text("Janusirsasana", timeout=4000)
    expect(page.get_by_role("heading", name="Well done")).to_be_visible(timeout=8000)
    expect(current_step(page)).to_have_count(0)
    expect(page.locator("[data-practise-toggle]")).to_have_text("Start again")


def test_the_visible_buttons_work_too(janusirsasana, page):
    make_forward_folds()
    page.goto(URL)
    page.get_by_role("button", name="Next").click()
    expect(current_step(page)).to_contain_text("Right side")
    page.get_by_role("button", name="Previous").click()
    expect(current_step(page)).to_contain_text("Dandasana")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("button", name="Pause")).to_be_focused()


def test_without_javascript_the_whole_sequence_is_listed(janusirsasana, open_page):
    make_forward_folds()
    page = open_page(java_script_enabled=False)
    page.goto(URL)
    expect(page.locator("[data-practise-step]:visible")).to_have_count(4)
    expect(page.get_by_role("timer")).to_be_hidden()
    expect(page.get_by_role("button")).to_have_count(1)  # the site search


def test_reduced_motion_turns_off_the_animation(janusirsasana, open_page):
    make_forward_folds()
    page = open_page(reduced_motion="reduce")
    page.goto(URL)
    animation = current_step(page).evaluate("step => getComputedStyle(step).animationName")
    assert animation == "none"


def test_the_practise_view_has_no_accessibility_violations(janusirsasana, open_page):
    make_forward_folds()
    page = open_page(bypass_csp=True)
    page.goto(URL)
    # Checked as the student reads it: after the step has faded in (0.4 s), not halfway.
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
    assert axe_violations(page) == []


def test_at_320_px_every_button_shows_its_whole_label(janusirsasana, open_page):
    make_forward_folds()
    page = open_page(viewport={"width": 320, "height": 640})
    page.goto(URL)
    buttons = [page.locator(f"[data-practise-{name}]") for name in ("previous", "toggle", "next")]
    boxes = [button.bounding_box() for button in buttons]
    for box in boxes:
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = (
                a["x"] + a["width"] <= b["x"]
                or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"]
                or b["y"] + b["height"] <= a["y"]
            )
            assert apart, f"buttons overlap: {a} {b}"
    for button in buttons:  # no label cut off inside its button
        assert button.evaluate("b => b.scrollWidth <= b.clientWidth")


def test_the_practise_view_counts_steps_and_poses_as_the_sequence_page_does(janusirsasana, page):
    make_forward_folds()
    page.goto(URL)
    expect(page.locator(".practise__intro")).to_contain_text("4 steps for 3 poses")


def test_after_the_last_pose_no_timer_is_left_showing(janusirsasana, page):
    make_forward_folds(hold_value=1)
    page.goto(URL)
    page.keyboard.press("Space")
    expect(page.get_by_role("heading", name="Well done")).to_be_visible(timeout=8000)
    expect(page.get_by_role("timer")).to_be_hidden()


def test_the_timer_stops_at_a_pose_to_avoid_and_says_what_to_do(janusirsasana, page):
    from poses.models import Condition, SafetyNote

    make_forward_folds(hold_value=1)
    knee = Condition.objects.create(name="Sore knee", slug="sore-knee")
    note = SafetyNote.objects.create(
        pose=Pose.objects.get(slug="paschimottanasana"),
        position=99,
        kind=SafetyNote.Kind.AVOID,
        text="Not with a sore knee.",
    )
    note.conditions.add(knee)
    page.goto("/safe-for-me/")
    page.get_by_label("Sore knee").check()
    page.locator("form.safety-profile__form [type=submit]").first.click()
    page.goto(URL)
    page.keyboard.press("Space")
    expect(current_step(page)).to_contain_text("Paschimottanasana", timeout=8000)
    expect(current_step(page)).to_contain_text("Skip it, or ask your teacher")
    toggle = page.locator("[data-practise-toggle]")
    expect(toggle).to_have_text("Start")
    page.wait_for_timeout(1500)  # longer than its hold: still there, still waiting
    expect(current_step(page)).to_contain_text("Paschimottanasana")
    expect(page.get_by_role("heading", name="Well done")).to_be_hidden()
