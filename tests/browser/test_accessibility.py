"""Accessible to everyone: axe-core finds nothing, the keyboard reaches everything in
order, images are described, pages reflow on a phone and at 200% zoom."""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from tests.browser.conftest import PAGES, axe_violations
from tests.factories import make_pose

POSE_PAGE = PAGES["pose page"]


def focused(page):
    """The focused element, as a short description: tag, id and text or label."""
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            const text = element.getAttribute("aria-label") || element.textContent;
            return [element.tagName.toLowerCase(), element.id, text.trim().replace(/\\s+/g, " ")];
        }"""
    )


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_axe_finds_no_violations(janusirsasana, open_page, color_scheme):
    page = open_page(color_scheme=color_scheme, bypass_csp=True)
    found = {}
    for name, url in PAGES.items():
        page.goto(url)
        found[name] = axe_violations(page)
    assert found == {name: [] for name in PAGES}


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content(
    janusirsasana, page
):
    page.goto(POSE_PAGE)
    page.keyboard.press("Tab")
    assert focused(page) == ["a", "", "Skip to content"]
    assert page.get_by_role("link", name="Skip to content").is_visible()
    page.keyboard.press("Enter")
    assert focused(page)[:2] == ["main", "main"]
    page.keyboard.press("Tab")
    assert focused(page) == ["a", "", "All poses"]
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_tab_stops_follow_the_page_from_top_to_bottom(janusirsasana, page):
    page.goto(POSE_PAGE)
    for number in range(100):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break  # past the last one
        page.evaluate(f"document.activeElement.dataset.tabStop = {number}")
    stops = page.evaluate(
        "[...document.querySelectorAll('[data-tab-stop]')].map(e => Number(e.dataset.tabStop))"
    )
    assert len(stops) > 20
    assert stops == sorted(stops)


def test_the_header_comes_first_in_the_tab_order(janusirsasana, page):
    page.goto(POSE_PAGE)
    stops = []
    for _ in range(5):
        page.keyboard.press("Tab")
        stops.append(focused(page))
    assert stops == [
        ["a", "", "Skip to content"],
        ["a", "", "Studio pose library"],
        ["input", "site-search-q", ""],
        ["button", "", "Search"],
        ["a", "", "All poses"],
    ]


def test_the_focused_element_has_a_visible_outline(janusirsasana, page):
    page.goto(POSE_PAGE)
    for _ in range(8):
        page.keyboard.press("Tab")
        outline = page.evaluate(
            """() => {
                const style = getComputedStyle(document.activeElement);
                return [style.outlineStyle, parseFloat(style.outlineWidth)];
            }"""
        )
        assert outline[0] != "none" and outline[1] >= 2, focused(page)


def test_every_image_has_alt_text(janusirsasana, open_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pose = make_pose(sanskrit_name="Tadasana", image_alt="Standing tall, arms by the sides")
    png = io.BytesIO()
    Image.new("RGB", (40, 60), "teal").save(png, "PNG")
    pose.image.save("tadasana.png", ContentFile(png.getvalue()))
    page = open_page()
    for url in [*PAGES.values(), pose.get_absolute_url()]:
        page.goto(url)
        images = page.eval_on_selector_all("img", "images => images.map(i => i.alt)")
        assert all(alt.strip() for alt in images), url
    assert page.get_by_role("img").get_attribute("alt") == "Standing tall, arms by the sides"
    assert page.evaluate("document.querySelector('main img').naturalWidth") == 40


def test_pages_fit_a_320_pixel_wide_screen(janusirsasana, open_page):
    page = open_page(viewport={"width": 320, "height": 640})
    for name, url in PAGES.items():
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, name


def test_at_320_px_each_menu_link_stays_on_one_line(janusirsasana, open_page):
    page = open_page(viewport={"width": 320, "height": 640})
    page.goto(PAGES["home"])
    links = page.get_by_role("navigation", name="Main").get_by_role("link")
    assert links.count() >= 3
    for link in links.all():
        # An inline link broken over two lines has a box on each.
        assert link.evaluate("link => link.getClientRects().length") == 1, link.inner_text()


def test_pages_reflow_at_200_percent_zoom(janusirsasana, open_page):
    # A 1280-pixel window zoomed to 200% lays pages out in 640 CSS pixels.
    page = open_page(viewport={"width": 640, "height": 400}, device_scale_factor=2)
    for name, url in PAGES.items():
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 640, name
        main = page.evaluate("[document.querySelector('main').scrollWidth, innerWidth]")
        assert main[0] <= main[1], name


def test_sanskrit_names_are_marked_as_sanskrit(janusirsasana, page):
    page.goto(POSE_PAGE)
    assert page.locator('h1 [lang="sa-Latn"]').inner_text() == "Janusirsasana"
    page.goto(PAGES["filtered list"])
    names = page.locator(".pose-card__name")
    assert names.count() == 7
    assert set(names.evaluate_all("names => names.map(n => n.lang)")) == {"sa-Latn"}


def test_motion_is_reduced_when_asked(janusirsasana, open_page):
    scroll = "getComputedStyle(document.documentElement).scrollBehavior"
    page = open_page(reduced_motion="reduce")
    page.goto(POSE_PAGE)
    assert page.evaluate(scroll) == "auto"
    page = open_page(reduced_motion="no-preference")
    page.goto(POSE_PAGE)
    assert page.evaluate(scroll) == "smooth"


def test_pages_use_system_fonts_only(janusirsasana, page):
    for url in PAGES.values():
        page.goto(url)
        assert page.evaluate("document.fonts.size") == 0, url
