"""The README's screenshots, drawn by Chromium from the site as it is.

`make screenshots` runs this after loading the studio's fixtures into a scratch database:

    python -m tests.browser.screenshots docs/screenshots

It serves the site from that database on a free local port, opens each page as a visitor
(the admin as a superuser made for the run) and saves 1280×1400 pixels of it. Never part of
`make test`: the browser tests write nothing into the repository.
"""

import os
import sys
from io import BytesIO
from pathlib import Path

# Each picture: file name, the page, and the element whose top the picture starts at (a
# little above it), if not the top of the page.
PICTURES = [
    ("pose-page.png", "/poses/janusirsasana/", None),
    ("pose-list.png", "/poses/?level=beginner", None),
    ("sequence-page.png", "/sequences/head-to-knee-class/", None),
    ("sequence-practise.png", "/sequences/head-to-knee-class/practise/", None),
    ("admin-pose-editor.png", "{admin}poses/pose/{janusirsasana}/change/", "#steps-group"),
]
WIDTH, HEIGHT = 1280, 1400


def save_picture(page, path, top=0):
    """Save WIDTH×HEIGHT pixels of the page, from `top` down, in palette colours (a small
    file); an unchanged picture leaves the file untouched."""
    from PIL import Image

    clip = {"x": 0, "y": top, "width": WIDTH, "height": HEIGHT}
    png = page.screenshot(full_page=True, clip=clip, animations="disabled", caret="hide")
    small = BytesIO()
    Image.open(BytesIO(png)).quantize(colors=256).save(small, "PNG", optimize=True)
    if not path.exists() or path.read_bytes() != small.getvalue():
        path.write_bytes(small.getvalue())
        return True
    return False


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
            for name, url, start_at in PICTURES:
                context = browser.new_context(
                    base_url=server.url, viewport={"width": WIDTH, "height": 900}
                )
                if url.startswith("{admin}"):
                    context.add_cookies(
                        [{"name": "sessionid", "value": session, "url": server.url}]
                    )
                page = context.new_page()
                response = page.goto(url.format(**names))
                if response is None or response.status != 200:
                    raise SystemExit(f"{url} answered {response and response.status}")
                page.wait_for_load_state("networkidle")
                top = 0
                if start_at:
                    top = max(0, page.locator(start_at).bounding_box()["y"] - 40)
                changed = save_picture(page, folder / name, top)
                print(f"{folder / name}: {'updated' if changed else 'unchanged'}")
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
