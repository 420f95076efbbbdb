from io import BytesIO
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.html import escape

from poses.figures import figure_svg
from poses.models import Pose

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STYLE = """
body { margin: 0; padding: 16px; background: #faf8f4; color: #24302b;
       font: 13px/1.3 system-ui, sans-serif; }
h1 { font: 600 20px Georgia, serif; margin: 0 0 12px; }
ol { list-style: none; margin: 0; padding: 0; display: grid;
     grid-template-columns: repeat(%(columns)s, 208px); gap: 8px; }
li { background: #fff; border: 1px solid #dcd8cf; border-radius: 6px; padding: 4px 4px 6px; }
svg { display: block; width: 200px; height: 150px; }
b { display: block; font-weight: 600; }
span { color: #55625c; }
"""


def contact_sheet_html(items, title, columns=6):
    """An HTML page of figures in a grid, each with its names: items are
    (figure, sanskrit name, english name)."""
    cells = "".join(
        f"<li>{figure_svg(figure, f'Figure of {sanskrit}', size='page')}"
        f"<b>{escape(sanskrit)}</b><span>{escape(english)}</span></li>"
        for figure, sanskrit, english in items
    )
    return (
        f"<!doctype html><meta charset=utf-8><title>{escape(title)}</title>"
        f"<style>{STYLE % {'columns': columns}}</style>"
        f"<h1>{escape(title)}</h1><ol>{cells}</ol>"
    )


def screenshot(html, path):
    """Chromium's picture of the page, in palette colours to keep the file small."""
    from PIL import Image
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.set_content(html)
        png = page.screenshot(full_page=True, animations="disabled")
        browser.close()
    small = BytesIO()
    Image.open(BytesIO(png)).quantize(colors=64).save(small, "PNG", optimize=True)
    Path(path).write_bytes(small.getvalue())


class Command(BaseCommand):
    help = (
        "Draw every pose's figure, named, on one contact sheet and save it as a PNG "
        "(taken by Chromium at /usr/bin/chromium), to check them at a glance."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="e.g. docs/figures.png")
        parser.add_argument("--columns", type=int, default=6)

    def handle(self, *args, output, columns, **options):
        if not CHROMIUM.exists():
            raise CommandError(f"No Chromium at {CHROMIUM}: install it with apt-get.")
        poses = Pose.objects.exclude(figure=None).order_by("sanskrit_name")
        items = [(pose.figure, pose.sanskrit_name, pose.english_name) for pose in poses]
        if not items:
            raise CommandError("No pose has a figure yet: load the fixtures first.")
        title = f"The studio's pose figures ({len(items)})"
        screenshot(contact_sheet_html(items, title, columns), output)
        self.stdout.write(f"Drew {len(items)} figures into {output}.")
