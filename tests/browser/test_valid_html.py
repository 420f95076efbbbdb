"""The pages are valid HTML, as the Nu Html Checker (the W3C's validator) reads them."""

import json
import shutil
import subprocess

from tests.browser.conftest import PAGES, PROJECT_ROOT

VNU = PROJECT_ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"


def test_the_nu_html_checker_finds_no_errors(janusirsasana, client, tmp_path):
    assert VNU.exists(), "Install the checker first: npm ci (make test does)."
    assert shutil.which("java"), "The Nu Html Checker needs Java."
    pages = {}
    for name, url in PAGES.items():
        path = tmp_path / f"{name.replace(' ', '-')}.html"
        path.write_bytes(client.get(url).content)
        pages[path] = name
    # One run for all the pages: the checker takes seconds to start.
    result = subprocess.run(
        ["java", "-jar", VNU, "--format", "json", "--stdout", *pages],
        capture_output=True,
        text=True,
        timeout=120,
    )
    names = {path.name: name for path, name in pages.items()}
    errors = [
        f"{names.get(message.get('url', '').rpartition('/')[2], message.get('url'))}, "
        f"line {message.get('lastLine')}: {message['message']}"
        for message in json.loads(result.stdout)["messages"]
        if message["type"] in ("error", "non-document-error")
    ]
    assert errors == []
