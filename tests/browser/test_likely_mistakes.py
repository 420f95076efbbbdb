"""A likely mistake is told after the save, and dismissed from the page without losing what
the teacher has typed since."""

from playwright.sync_api import expect

from tests.browser.test_admin_errors import open_janusirsasana_in_the_admin


def test_a_duplicate_step_is_warned_and_dismissed_without_losing_edits(
    janusirsasana, django_user_model, open_page
):
    page, _ = open_janusirsasana_in_the_admin(django_user_model, open_page)
    expect(page.locator(".likely-mistakes")).to_have_count(0)
    first = page.locator("#id_steps-0-instruction").input_value()
    page.locator("#id_steps-1-instruction").fill(first)
    page.get_by_role("button", name="Save and continue editing").first.click()

    expect(page.locator(".messagelist .warning").last).to_contain_text("Please check 1 possible")
    panel = page.locator(".likely-mistakes")
    expect(panel.get_by_role("heading")).to_have_text("Please check: 1 possible mistake")
    expect(panel.locator("li")).to_contain_text("Steps 1 and 2 have the same instruction")

    page.locator("#id_summary").fill("An edit not saved yet.")
    panel.get_by_role("button", name="Dismiss").click()
    expect(panel.get_by_role("heading")).to_have_text("Nothing left to check")
    expect(panel.locator("[aria-live]")).to_have_text("Dismissed. Nothing left to check.")
    expect(page.locator("#id_summary")).to_have_value("An edit not saved yet.")

    page.reload()
    expect(page.locator(".likely-mistakes")).to_have_count(0)
