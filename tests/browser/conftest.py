"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Chromium must be at /usr/bin/chromium (`.ci/run` installs it when it is missing). Without
it these tests fail: they never skip.
"""

from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = PROJECT_ROOT / "node_modules/axe-core/axe.min.js"

# The pages every accessibility and validity check visits.
PAGES = {
    "home": "/",
    "filtered list": "/poses/?level=beginner",
    "pose page": "/poses/janusirsasana/",
    "not found": "/poses/no-such-pose/",
}


@pytest.fixture(scope="session")
def live_server(collected_static_files):
    """pytest-django's live server, serving static files as production does.

    Its usual handler looks for static files unhashed, in the source folders, and answers
    404 for the hashed names the pages link to. Passed straight to the site, requests for
    them reach whitenoise, which serves the collected STATIC_ROOT; uploaded media are
    still served from MEDIA_ROOT.
    """
    server = LiveServer("localhost", start=False)
    server.thread.static_handler = lambda application: application
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: install it with `apt-get install chromium`.")
    # Playwright's sync API keeps an event loop running in this thread, and the ORM refuses
    # to run beside one; the tests only call it between browser steps.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, live_server):
    """Open a page in a new browser context (its own cookies, viewport, colour scheme …).

    Afterwards, every request any of them made must have gone to the live server (the site
    uses no fonts, scripts or images from elsewhere), and no script may have failed or
    been blocked by the Content Security Policy.
    """
    contexts, requested, script_errors = [], [], []

    def record_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            script_errors.append(message.text)

    def open_page(**context_options):
        context = browser.new_context(base_url=live_server.url, **context_options)
        context.set_default_timeout(10_000)
        context.on("request", lambda request: requested.append(request.url))
        context.on("console", record_console)
        context.on("weberror", lambda error: script_errors.append(str(error.error)))
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    host = urlsplit(live_server.url).netloc
    elsewhere = [url for url in requested if urlsplit(url).netloc not in (host, "")]
    assert not elsewhere, f"Requests left the site: {elsewhere}"
    assert not script_errors


@pytest.fixture
def page(open_page):
    return open_page(viewport={"width": 1280, "height": 900})


@pytest.fixture
def janusirsasana(transactional_db):
    """Janusirsasana and the poses it links to, as the studio's fixture ships them."""
    call_command("load_poses", PROJECT_ROOT / "fixtures/janusirsasana.json", stdout=StringIO())


def axe_violations(page):
    """What axe-core finds wrong on the page, one line per rule and element.

    The page's context needs `bypass_csp=True`: axe is injected as an inline script.
    """
    assert AXE.exists(), "Install axe-core first: npm ci (make test does)."
    page.add_script_tag(path=AXE)
    violations = page.evaluate("async () => (await axe.run()).violations")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — {node['target']}"
        for violation in violations
        for node in violation["nodes"]
    ]


ADMIN_PASSWORD = "a-long-password-for-tests"


def log_in_to_admin(page, django_user_model, username="teacher"):
    """Make a superuser and sign in through the admin's own login form, as a teacher does;
    returns the admin's URL prefix."""
    django_user_model.objects.create_superuser(username, f"{username}@example.org", ADMIN_PASSWORD)
    admin_url = f"/{settings.ADMIN_URL}"
    page.goto(admin_url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return admin_url
