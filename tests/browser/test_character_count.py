"""A teacher pasting more than a box holds keeps every word: the count under the box says
how much is too much, and saving says so at the field with all the text still there."""

from playwright.sync_api import expect

from tests.browser.test_admin_errors import open_janusirsasana_in_the_admin, save


def words(length):
    return ("Lengthen the spine as you breathe in. " * length)[:length]


def test_a_long_paste_is_kept_counted_and_refused_at_the_field(
    janusirsasana, django_user_model, open_page
):
    page, _ = open_janusirsasana_in_the_admin(django_user_model, open_page)
    box = page.locator("#id_introduction")
    count = page.locator("#id_introduction-count")
    expect(count).to_contain_text("of 10,000 characters")

    box.fill(words(9_650))
    expect(count).to_have_text("9,650 of 10,000 characters: 350 left.")
    expect(count).to_have_class("character-count character-count--near")

    # Pasted on top, then typed: the browser keeps all of it.
    box.focus()
    page.keyboard.press("End")
    page.keyboard.insert_text(words(750))
    page.keyboard.type(" twelve more")
    assert box.evaluate("box => box.value.length") == 10_412
    expect(count).to_contain_text("10,412 of 10,000 characters: 412 too many.")
    expect(count).to_have_class("character-count character-count--over")
    # Told to a screen reader once typing pauses.
    expect(page.locator("#id_introduction-count + [aria-live=polite]")).to_contain_text(
        "412 too many"
    )

    save(page)
    error = page.locator(".field-introduction .errorlist")
    expect(error).to_have_text(
        "This text has 10,412 characters; the limit is 10,000. Shorten it by 412."
    )
    assert box.evaluate("box => box.value.length") == 10_412
    assert box.input_value().endswith(" twelve more")
    expect(count).to_contain_text("412 too many")


def test_a_step_added_in_the_page_is_counted(janusirsasana, django_user_model, open_page):
    page, _ = open_janusirsasana_in_the_admin(django_user_model, open_page)
    page.get_by_role("button", name="Add another Step").click()
    row = page.locator(".dynamic-steps").last
    title = row.locator("input[name$='-title']")
    title.fill("Bend your right knee")
    expect(row.locator(".character-count").first).to_have_text("20 of 120 characters")
    # Read out with the field, after whatever else describes it.
    described_by = title.get_attribute("aria-describedby").split()
    assert title.get_attribute("id") + "-count" in described_by
