"""A student who leaves a search's results without opening a pose is counted for staff (the
words searched for only); one who opens a result is not."""

import time

from playwright.sync_api import expect

from poses.models import SearchMiss


def left_unopened(query, wait=5.0):
    """The count of `query` left without opening a result, once the beacon has arrived."""
    deadline = time.monotonic() + wait
    while True:
        found = SearchMiss.objects.filter(query=query, kind=SearchMiss.Kind.UNOPENED).first()
        if found or time.monotonic() > deadline:
            return found.count if found else 0
        time.sleep(0.1)


def test_leaving_the_results_unopened_is_counted(janusirsasana, page):
    page.goto("/poses/?q=forward+bend")
    expect(page.get_by_role("heading", level=1)).to_have_text("Poses matching “forward bend”")
    page.get_by_role("link", name="Sequences", exact=True).click()  # away, by the menu
    page.wait_for_url("**/sequences/")
    assert left_unopened("forward bend") == 1


def test_opening_a_result_is_not_counted(janusirsasana, page):
    page.goto("/poses/?q=forward+bend")
    page.get_by_role("link", name="Janusirsasana Head to Knee Pose", exact=True).click()
    page.wait_for_url("**/poses/janusirsasana/")
    page.goto("/")
    assert left_unopened("forward bend", wait=1.5) == 0
