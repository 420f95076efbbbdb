"""A student finds a pose by searching and filtering, and follows its links."""

import re

from playwright.sync_api import expect


def test_a_student_searches_filters_opens_a_pose_and_follows_a_link(janusirsasana, page):
    page.goto("/")
    page.get_by_role("searchbox", name="Search poses").fill("head to knee")
    page.keyboard.press("Enter")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Poses matching “head to knee”")

    filters = page.get_by_role("complementary", name="Filters")
    filters.get_by_role("link", name="Beginner", exact=True).click()
    expect(page).to_have_url(re.compile(r"/poses/\?q=head\+to\+knee&level=beginner$"))
    expect(page.get_by_role("list", name="Filters in use")).to_contain_text("Level: Beginner")

    page.get_by_role("link", name="Janusirsasana Head to Knee Pose", exact=True).click()
    expect(page).to_have_url(re.compile(r"/poses/janusirsasana/$"))
    expect(heading).to_have_text("Janusirsasana Head to Knee Pose")

    preparatory = page.get_by_role("region", name="Preparatory poses").get_by_role("link")
    first = preparatory.first
    name = first.locator('[lang="sa-Latn"]').inner_text()
    first.click()
    expect(heading).to_contain_text(name)
    assert name != "Janusirsasana"

    page.go_back()
    expect(page).to_have_url(re.compile(r"/poses/janusirsasana/$"))
    expect(heading).to_have_text("Janusirsasana Head to Knee Pose")


def test_a_student_lists_the_poses_for_beginners(janusirsasana, page):
    page.goto("/poses/")
    page.get_by_role("complementary", name="Filters").get_by_role(
        "link", name="Beginner", exact=True
    ).click()
    expect(page).to_have_url(re.compile(r"/poses/\?level=beginner$"))
    levels = page.locator(".pose-card__meta")
    expect(levels).to_have_count(7)
    for level in levels.all():
        expect(level).to_contain_text("Beginner")
