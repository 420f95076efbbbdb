"""A pose page prints as a clean pose card: one or two A4 pages, no navigation, every step,
breath cue and precaution kept, link targets written out."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import PAGES

POSE_PAGE = PAGES["pose page"]


def after_content(locator):
    return locator.evaluate("element => getComputedStyle(element, '::after').content")


def test_a_printed_pose_has_no_navigation(janusirsasana, page):
    page.goto(POSE_PAGE)
    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-footer", ".skip-link", ".toc", ".eyebrow"):
        expect(page.locator(hidden)).to_be_hidden()


def test_a_printed_pose_keeps_its_steps_cues_and_precautions(janusirsasana, page):
    page.goto(POSE_PAGE)
    page.emulate_media(media="print")
    expect(page.locator(".step")).to_have_count(8)
    for step in page.locator(".step").all():
        expect(step).to_be_visible()
    expect(page.get_by_text("Exhale", exact=True).first).to_be_visible()
    expect(page.locator(".precautions")).to_be_visible()
    expect(page.locator(".precaution").first).to_contain_text("With diarrhea")
    expect(page.locator(".disclaimer")).to_be_visible()


def test_a_printed_pose_writes_out_where_its_links_go(janusirsasana, page):
    page.goto(POSE_PAGE)
    page.emulate_media(media="print")
    link = page.get_by_role("region", name="Preparatory poses").get_by_role("link").first
    assert after_content(link) == f'" ({link.get_attribute("href")})"'
    expect(page.locator(".pose__source")).to_have_text(
        re.compile(r"^http://.*/poses/janusirsasana/$")
    )


def test_link_targets_are_not_written_out_on_screen(janusirsasana, page):
    page.goto(POSE_PAGE)
    link = page.get_by_role("region", name="Preparatory poses").get_by_role("link").first
    assert after_content(link) == "none"
    expect(page.locator(".pose__source")).to_be_hidden()


def test_a_printed_pose_list_has_no_filters(janusirsasana, page):
    page.goto(PAGES["filtered list"])
    page.emulate_media(media="print")
    for hidden in (".site-header", ".filters", ".active-filters"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator(".pose-card").first).to_be_visible()


def printed_pages(page):
    """How many A4 sheets the page prints on (each is one /Type /Page object of the PDF)."""
    return len(re.findall(rb"/Type\s*/Page\b", page.pdf(format="A4")))


def choose_conditions(page, *names):
    page.goto("/safe-for-me/")
    for name in names:
        page.get_by_label(name, exact=True).check()
    page.locator("form.safety-profile__form [type=submit]").first.click()


# Five conditions this pose's notes speak of (each adds a precaution to the student's
# guidance) and two it says nothing about (named as such).
MANY_CONDITIONS = (
    "Knee injury",
    "Back injury",
    "Asthma",
    "Pregnancy",
    "Osteoporosis",
    "High blood pressure",
    "Neck injury",
)


def test_janusirsasana_prints_on_at_most_two_a4_pages(janusirsasana, page):
    page.goto(POSE_PAGE)
    assert 1 <= printed_pages(page) <= 2


def test_janusirsasana_with_a_students_guidance_prints_on_at_most_two_a4_pages(janusirsasana, page):
    choose_conditions(page, *MANY_CONDITIONS)
    page.goto(POSE_PAGE)
    expect(page.locator(".safe-for-me")).to_contain_text("Avoid this pose for you")
    assert 1 <= printed_pages(page) <= 2


def test_a_printed_guidance_keeps_the_pose_its_guidance_and_the_disclaimer(janusirsasana, page):
    choose_conditions(page, *MANY_CONDITIONS)
    page.goto(POSE_PAGE)
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Janusirsasana")
    expect(page.locator(".basics-layout .figure")).to_be_visible()
    for step in page.locator(".step").all():
        expect(step).to_be_visible()
    guidance = page.locator(".safe-for-me")
    expect(guidance).to_be_visible()
    expect(guidance.get_by_role("heading", name="Avoid this pose for you")).to_be_visible()
    expect(guidance.locator(".precaution").first).to_be_visible()
    expect(guidance).to_contain_text("no specific guidance for High blood pressure")
    expect(guidance.get_by_role("link", name="Change my conditions")).to_be_hidden()
    expect(page.locator(".disclaimer")).to_be_visible()
    expect(page.locator(".disclaimer")).to_contain_text("should not be construed as medical advice")
