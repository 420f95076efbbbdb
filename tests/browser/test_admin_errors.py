"""A teacher's mistake deep in a long pose form is shown where it happened: at its row and
field, linked from the message at the top, and the page opens on the first one."""

from playwright.sync_api import TimeoutError, expect

from poses.models import Pose
from tests.browser.conftest import log_in_to_admin


def open_janusirsasana_in_the_admin(django_user_model, open_page):
    page = open_page(viewport={"width": 1280, "height": 900})
    admin_url = log_in_to_admin(page, django_user_model)
    pose = Pose.objects.get(slug="janusirsasana")
    page.goto(f"{admin_url}poses/pose/{pose.pk}/change/")
    return page, pose


def save(page):
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".errornote").first).to_contain_text("Please correct the error")


def in_view(page, selector):
    """Whether the first element `selector` finds comes into the window (waiting for the
    page to finish loading and scroll)."""
    try:
        page.wait_for_function(
            """selector => {
                const box = document.querySelector(selector).getBoundingClientRect();
                return box.top >= 0 && box.bottom <= window.innerHeight;
            }""",
            arg=selector,
            timeout=5000,
        )
    except TimeoutError:
        return False
    return True


def test_an_error_in_a_step_a_benefit_and_a_note_shows_at_each_and_is_linked(
    janusirsasana, django_user_model, open_page
):
    page, _ = open_janusirsasana_in_the_admin(django_user_model, open_page)
    page.locator("#id_steps-2-title").fill("")
    page.locator("#id_benefits-1-text").fill("")
    page.locator("#id_safety_notes-0-text").fill("")
    save(page)

    errors = page.locator("ul.errorlist").filter(has_text="This field is required.")
    expect(errors).to_have_count(3)
    # Each at its own row and field.
    expect(page.locator("#steps-2 .errorlist")).to_contain_text("This field is required.")
    expect(
        page.locator("#benefits-1 .field-text .errorlist, #benefits-group tr.row-form-errors")
    ).to_have_count(1)
    expect(page.locator("#safety_notes-0 .errorlist")).to_contain_text("This field is required.")
    # The message at the top links to each, by section and row.
    links = page.locator(".error-links a")
    expect(links).to_have_count(3)
    expect(links.nth(0)).to_contain_text("Steps, row 3")
    expect(links.nth(1)).to_contain_text("Benefits, row 2")
    expect(links.nth(2)).to_contain_text("Precautions, row 1")
    # The page opened on the first error, far down the form.
    assert in_view(page, "#steps-2 .errorlist")
    links.nth(2).click()
    assert in_view(page, "#id_safety_notes-0-text_error")
    expect(page.locator("#id_safety_notes-0-text")).to_be_focused()


def test_a_link_from_a_pose_to_itself_says_why_at_the_row(
    janusirsasana, django_user_model, open_page
):
    page, pose = open_janusirsasana_in_the_admin(django_user_model, open_page)
    page.get_by_role("button", name="Add another Follow-up pose").click()
    rows = page.locator("#follow_up_links-group tr.form-row.dynamic-follow_up_links")
    row_id = rows.last.get_attribute("id")
    select = page.locator(f"#id_{row_id}-follow_up")
    # The picker searches as you type; its <select> is what the form sends.
    select.evaluate(
        "(select, [pk, name]) => { select.add(new Option(name, pk, true, true)); }",
        [str(pose.pk), "Janusirsasana"],
    )
    save(page)

    row_error = page.locator("#follow_up_links-group tr.row-form-errors")
    expect(row_error).to_contain_text("A pose cannot prepare for itself.")
    link = page.locator(".error-links a")
    expect(link).to_have_count(1)
    expect(link).to_contain_text("Follow-up poses")
    expect(link).to_contain_text("A pose cannot prepare for itself.")
    assert in_view(page, "#follow_up_links-group tr.row-form-errors")
