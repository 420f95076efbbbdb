"""The README's screenshots, drawn by Chromium from the site as it is.

`make screenshots` runs this after loading the studio's fixtures into a scratch database:

    python -m tests.browser.screenshots docs/screenshots

It serves the site from that database on a free local port, opens each page as a visitor
(the admin as a superuser made for the run) and saves 1280×1400 pixels of it (a phone's
320 pixels for the practise view on a phone; for the editor's errors, the message at the
top above the row it points to). Never part of `make test`: the browser tests write nothing
into the repository.
"""

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

WIDTH, HEIGHT = 1280, 1400


def follow_up_to_itself(page, names):
    """Make Janusirsasana a follow-up of itself and save: the error is far down the form."""
    page.get_by_role("button", name="Add another Follow-up pose").click()
    row = page.locator("#follow_up_links-group tr.form-row.dynamic-follow_up_links").last
    # The picker searches as you type; its <select> is what the form sends.
    page.locator(f"#id_{row.get_attribute('id')}-follow_up").evaluate(
        "(select, [pk, name]) => { select.add(new Option(name, pk, true, true)); }",
        [str(names["janusirsasana"]), "Janusirsasana"],
    )
    page.get_by_role("button", name="Save and continue editing").first.click()
    page.locator(".errornote").first.wait_for()


@dataclass
class Picture:
    name: str
    url: str
    # The pieces of the page shown, one above the other: the element each starts at (a
    # little above it; None for the top of the page) and how tall it is.
    pieces: tuple = ((None, HEIGHT),)
    width: int = WIDTH
    scale: int = 1  # device pixels per CSS pixel
    prepare: Callable | None = None  # what to do on the page first: fill and save a form …


PICTURES = [
    Picture("pose-page.png", "/poses/janusirsasana/"),
    Picture("pose-list.png", "/poses/?level=beginner"),
    Picture("sequence-page.png", "/sequences/head-to-knee-class/"),
    Picture("sequence-practise.png", "/sequences/head-to-knee-class/practise/"),
    Picture(
        "sequence-practise-phone.png",
        "/sequences/head-to-knee-class/practise/",
        pieces=((None, 1100),),
        width=320,
        scale=2,
    ),
    Picture(
        "admin-pose-editor.png",
        "{admin}poses/pose/{janusirsasana}/change/",
        pieces=(("#steps-group", HEIGHT),),
    ),
    Picture(
        "admin-pose-errors.png",
        "{admin}poses/pose/{janusirsasana}/change/",
        pieces=((None, 330), ("#follow_up_links-group", 530)),
        prepare=follow_up_to_itself,
    ),
]


def save_picture(page, path, picture):
    """Save the picture's pieces of the page, one above the other with a gap, in palette
    colours (a small file); an unchanged picture leaves the file untouched."""
    from PIL import Image

    shots = []
    for start_at, height in picture.pieces:
        top = 0
        if start_at:
            top = max(0, page.locator(start_at).bounding_box()["y"] + page_scrolled(page) - 40)
        clip = {"x": 0, "y": top, "width": picture.width, "height": height}
        png = page.screenshot(full_page=True, clip=clip, animations="disabled", caret="hide")
        shots.append(Image.open(BytesIO(png)))
    gap = 12 * picture.scale
    whole = Image.new(
        "RGB",
        (shots[0].width, sum(shot.height for shot in shots) + gap * (len(shots) - 1)),
        "#8a8a8a",
    )
    y = 0
    for shot in shots:
        whole.paste(shot, (0, y))
        y += shot.height + gap
    small = BytesIO()
    whole.quantize(colors=256).save(small, "PNG", optimize=True)
    if not path.exists() or path.read_bytes() != small.getvalue():
        path.write_bytes(small.getvalue())
        return True
    return False


def page_scrolled(page):
    """How far down the window is scrolled (bounding boxes are measured from its top)."""
    return page.evaluate("window.scrollY")


def admin_session():
    """A session cookie value of a superuser made for this run."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(
        username="screenshots", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def take(folder):
    from django.conf import settings
    from playwright.sync_api import sync_playwright
    from pytest_django.live_server_helper import LiveServer

    from poses.models import Pose
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    names = {
        "admin": f"/{settings.ADMIN_URL}",
        "janusirsasana": Pose.objects.get(slug="janusirsasana").pk,
    }
    session = admin_session()
    server = LiveServer("localhost")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for picture in PICTURES:
                context = browser.new_context(
                    base_url=server.url,
                    viewport={"width": picture.width, "height": 900},
                    device_scale_factor=picture.scale,
                )
                if picture.url.startswith("{admin}"):
                    context.add_cookies(
                        [{"name": "sessionid", "value": session, "url": server.url}]
                    )
                page = context.new_page()
                response = page.goto(picture.url.format(**names))
                if response is None or response.status != 200:
                    raise SystemExit(f"{picture.url} answered {response and response.status}")
                page.wait_for_load_state("networkidle")
                if picture.prepare:
                    picture.prepare(page, names)
                    page.wait_for_load_state("networkidle")
                changed = save_picture(page, folder / picture.name, picture)
                print(f"{folder / picture.name}: {'updated' if changed else 'unchanged'}")
                context.close()
            browser.close()
    finally:
        server.stop()


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m tests.browser.screenshots FOLDER")
    folder = Path(sys.argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
    # Playwright's sync API keeps an event loop in this thread; the ORM calls here run only
    # between browser steps.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    import django

    django.setup()
    take(folder)


if __name__ == "__main__":
    main()
