"""A teacher writes a pose in the admin, reorders its steps, previews it and publishes it."""

from playwright.sync_api import expect

from tests.browser.conftest import log_in_to_admin

STEPS = [
    ("Stand at the top of the mat", "Feet hip-width apart, arms by your sides."),
    ("Step the left foot back", "Turn the back foot out a little; square the hips."),
    ("Bend the front knee", "Knee over the ankle; reach both arms up."),
]


def drag(page, source, target):
    """Drag with the mouse in small steps, as a hand would (SortableJS watches the moves)."""
    start, end = source.bounding_box(), target.bounding_box()
    x, y = start["x"] + 20, start["y"] + start["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y - 8, steps=4)  # past SortableJS's threshold before the long glide
    page.mouse.move(end["x"] + 20, end["y"] + 2, steps=25)
    page.wait_for_timeout(100)  # let it settle the drop target on a busy machine
    page.mouse.up()


def save_and_continue(page, message):
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist")).to_contain_text(message)


def step_titles(page):
    return page.locator(".step__title").all_inner_texts()


def test_a_teacher_writes_reorders_previews_and_publishes_a_pose(
    transactional_db, django_user_model, open_page
):
    page = open_page(viewport={"width": 1280, "height": 8000})
    admin_url = log_in_to_admin(page, django_user_model)
    expect(page.get_by_role("heading", name="Poses and what links them")).to_be_visible()

    page.goto(f"{admin_url}poses/pose/add/")
    page.get_by_label("Sanskrit name").fill("Virabhadrasana")
    page.get_by_label("English name").fill("Warrior I")
    expect(page.get_by_label("Slug")).to_have_value("virabhadrasana")
    add_step = page.get_by_role("button", name="Add another Step")
    for number, (title, instruction) in enumerate(STEPS):
        add_step.click()
        page.locator(f"#id_steps-{number}-title").fill(title)
        page.locator(f"#id_steps-{number}-instruction").fill(instruction)

    save_and_continue(page, "was added successfully")

    # adminsortable2 lets saved rows be dragged, by their header.
    drag(page, page.locator("#steps-2 h3"), page.locator("#steps-0 h3"))
    rows = page.locator("#steps-group .inline-related.has_original")
    expect(rows.first.locator("input[id$='-title']")).to_have_value(STEPS[2][0])
    page.get_by_role("button", name="Add another Safety note").click()
    page.locator("#id_safety_notes-0-text").fill("Keep the front knee over the ankle.")
    save_and_continue(page, "was changed successfully")
    expect(rows.first.locator("input[id$='-title']")).to_have_value(STEPS[2][0])

    with page.context.expect_page() as preview_tab:
        page.get_by_role("link", name="Preview this draft").click()
    preview = preview_tab.value
    expect(preview.get_by_role("status")).to_contain_text("Draft preview")
    expected_order = [STEPS[2][0], STEPS[0][0], STEPS[1][0]]
    assert step_titles(preview) == expected_order
    expect(preview.locator(".precautions")).to_contain_text("Keep the front knee over the ankle.")

    page.get_by_label("Status").select_option("published")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    visitor = open_page()
    visitor.goto("/poses/virabhadrasana/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Virabhadrasana Warrior I")
    expect(visitor.get_by_text("Draft preview")).to_have_count(0)
    assert step_titles(visitor) == expected_order
