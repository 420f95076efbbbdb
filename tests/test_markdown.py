from html.parser import HTMLParser

import pytest

from studio.markdown import render_markdown
from tests.factories import make_staff, make_user

PREVIEW_URL = "/markdownx/markdownify/"


class TagCollector(HTMLParser):
    """Every start tag with its attributes, as a browser would read them (entities decoded)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def parse_tags(html):
    collector = TagCollector()
    collector.feed(html)
    collector.close()
    return collector.tags


def link_target(value):
    """A URL as a browser resolves its scheme: outer controls/spaces trimmed, tabs and
    newlines removed anywhere, case ignored."""
    value = (value or "").strip("".join(chr(c) for c in range(0x21)))
    return value.replace("\t", "").replace("\n", "").replace("\r", "").lower()


DANGEROUS_TAGS = {
    "script", "style", "iframe", "frame", "object", "embed", "svg", "math", "base", "meta",
    "link", "form", "input", "button", "noscript", "body", "details", "template", "video",
    "audio", "source",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "xlink:href", "action", "formaction", "background", "data", "poster",
    "srcset", "cite", "longdesc",
}  # fmt: skip
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")


def assert_harmless(html):
    assert "<script" not in html.lower()
    assert "javascript:" not in html.lower()
    assert "vbscript:" not in html.lower()
    for tag, attrs in parse_tags(html):
        assert tag not in DANGEROUS_TAGS, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            assert name not in {"style", "srcdoc"}, html
            if name in URL_ATTRIBUTES:
                assert not link_target(value).startswith(DANGEROUS_SCHEMES), html


XSS_PAYLOADS = [
    pytest.param("<script>alert(1)</script>", id="script"),
    pytest.param("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", id="script-uppercase-src"),
    pytest.param("<scr<script>ipt>alert(1)</scr</script>ipt>", id="script-nested"),
    pytest.param("<img src=x onerror=alert(1)>", id="img-onerror"),
    pytest.param("<ImG sRc=x OnErRoR=alert(1)>", id="img-onerror-mixed-case"),
    pytest.param('<img src="x" alt="a" onerror="alert(1)"/>', id="img-onerror-self-closing"),
    pytest.param("<svg onload=alert(1)>", id="svg-onload"),
    pytest.param("<svg><script>alert(1)</script></svg>", id="svg-script"),
    pytest.param(
        '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', id="svg-xlink"
    ),
    pytest.param("<body onload=alert(1)>", id="body-onload"),
    pytest.param("<details open ontoggle=alert(1)>x</details>", id="details-ontoggle"),
    pytest.param("<input autofocus onfocus=alert(1)>", id="input-onfocus"),
    pytest.param('<a href="https://example.com/" onclick="alert(1)">x</a>', id="a-onclick"),
    pytest.param('<p onmouseover="alert(1)">hi</p>', id="p-onmouseover"),
    pytest.param("[x](javascript:alert(1))", id="md-link-javascript"),
    pytest.param("[x](JaVaScRiPt:alert(1))", id="md-link-mixed-case"),
    pytest.param("[x](<javascript:alert(1)>)", id="md-link-angle-destination"),
    pytest.param("![x](javascript:alert(1))", id="md-image-javascript"),
    pytest.param("<javascript:alert(1)>", id="md-autolink-javascript"),
    pytest.param("[x][ref]\n\n[ref]: javascript:alert(1)", id="md-reference-link"),
    pytest.param('[x][ref]\n\n[ref]: JAVASCRIPT:alert(1) "t"', id="md-reference-link-upper"),
    pytest.param('<a href="javascript:alert(1)">x</a>', id="html-link-javascript"),
    pytest.param("<a href=javascript:alert(1)>x</a>", id="html-link-unquoted"),
    pytest.param("[x](&#106;avascript:alert(1))", id="md-link-decimal-entity"),
    pytest.param("[x](&#x6A;avascript:alert(1))", id="md-link-hex-entity"),
    pytest.param(
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
        id="html-link-all-entities",
    ),
    pytest.param('<a href="&#x6A;avascript:alert(1)">x</a>', id="html-link-hex-entity"),
    pytest.param(
        '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
        '&#0000112&#0000116&#0000058alert(1)">x</a>',
        id="html-link-padded-entities-no-semicolons",
    ),
    pytest.param('<a href="javascript&colon;alert(1)">x</a>', id="html-link-named-colon"),
    pytest.param('<a href="java\tscript:alert(1)">x</a>', id="tab-in-scheme"),
    pytest.param('<a href="java&#x09;script:alert(1)">x</a>', id="encoded-tab-in-scheme"),
    pytest.param('<a href="java&#x0A;script:alert(1)">x</a>', id="encoded-newline-in-scheme"),
    pytest.param("[x](java\nscript:alert(1))", id="md-link-newline-in-scheme"),
    pytest.param('<a href="  javascript:alert(1)">x</a>', id="leading-spaces"),
    pytest.param('<a href=" \x01javascript:alert(1)">x</a>', id="leading-control-char"),
    pytest.param("[x](\x01javascript:alert(1))", id="md-link-leading-control-char"),
    pytest.param("[x](vbscript:msgbox(1))", id="md-link-vbscript"),
    pytest.param('<a href="VBScript:msgbox(1)">x</a>', id="html-link-vbscript"),
    pytest.param(
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", id="md-link-data"
    ),
    pytest.param(
        '<a href="data:text/html,<script>alert(1)</script>">x</a>', id="html-link-data-html"
    ),
    pytest.param("![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)", id="md-img-data"),
    pytest.param('<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">', id="html-img-data"),
    pytest.param("<img src=javascript:alert(1)>", id="html-img-javascript"),
    pytest.param('<iframe src="javascript:alert(1)"></iframe>', id="iframe"),
    pytest.param('<iframe srcdoc="<script>alert(1)</script>"></iframe>', id="iframe-srcdoc"),
    pytest.param("<style>body{background:url(javascript:alert(1))}</style>", id="style-element"),
    pytest.param('<div style="background:url(javascript:alert(1))">x</div>', id="style-attribute"),
    pytest.param('<object data="javascript:alert(1)"></object>', id="object"),
    pytest.param('<embed src="javascript:alert(1)">', id="embed"),
    pytest.param('<base href="javascript:alert(1)//">', id="base"),
    pytest.param('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', id="meta"),
    pytest.param('<table background="javascript:alert(1)"><tr><td>x</td></tr></table>', id="table"),
    pytest.param('[x](https://example.com "a\\" onmouseover=\\"alert(1)")', id="md-title-quote"),
    pytest.param('![x](https://example.com/a.png "a\\" onerror=\\"alert(1)")', id="md-img-title"),
    pytest.param('<http://example.com/" onmouseover="alert(1)>', id="md-autolink-quote"),
    pytest.param('<a href="https://x" title="x" onmouseover="alert(1)">x</a>', id="a-title-on"),
    pytest.param(
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">', id="noscript-mxss"
    ),
    pytest.param(
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>"
        "</table></mtext></math>",
        id="math-mglyph-mxss",
    ),
    pytest.param(
        "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
        id="form-math-mxss",
    ),
    pytest.param("<!--><img src=x onerror=alert(1)>-->", id="comment-breakout"),
    pytest.param('<p title="--><img src=x onerror=alert(1)>">x</p>', id="title-breakout"),
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_render_markdown_strips_script_from(payload):
    assert_harmless(render_markdown(payload))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_inside_teacher_text_is_stripped_and_the_text_before_it_kept(payload):
    html = render_markdown(f"Sit tall.\n\n{payload}\n\nBreathe out.")
    assert_harmless(html)
    assert "<p>Sit tall.</p>" in html


def test_the_checker_catches_what_it_must():
    # The checks above only mean something if they reject the real thing.
    for dangerous in (
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" JAVA&#x09;SCRIPT:alert(1)">x</a>',
        '<img src="x" onerror="alert(1)">',
        '<img src="data:image/png;base64,AAAA">',
        "<svg></svg>",
    ):
        with pytest.raises(AssertionError):
            assert_harmless(dangerous)


# What teachers may write survives.


def test_emphasis_is_kept():
    assert (
        render_markdown("*soft* and **firm**") == "<p><em>soft</em> and <strong>firm</strong></p>"
    )


def test_lists_are_kept():
    html = render_markdown("- one\n- two\n\n1. first\n2. second")
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in html


def test_tables_are_kept():
    html = render_markdown("| Side | Hold |\n| --- | --- |\n| Left | 30 s |")
    assert "<table>" in html
    assert "<th>Side</th>" in html
    assert "<td>30 s</td>" in html


def test_fenced_code_is_kept_and_escaped():
    html = render_markdown("```\nif a < b:\n    fold()\n```")
    assert html == "<pre><code>if a &lt; b:\n    fold()\n</code></pre>"


def test_headings_quotes_and_rules_are_kept():
    html = render_markdown("> quote\n\n---\n\n## Heading")
    assert "<blockquote>" in html
    assert "<hr>" in html
    assert "<h2>Heading</h2>" in html


@pytest.mark.parametrize(
    "href",
    ["https://example.com/janu", "http://example.com/", "mailto:studio@example.com", "/poses/x/"],
)
def test_safe_links_are_kept(href):
    html = render_markdown(f"[Read more]({href})")
    assert parse_tags(html) == [
        ("p", []),
        ("a", [("href", href), ("rel", "noopener noreferrer nofollow")]),
    ]


def test_images_with_https_sources_are_kept():
    html = render_markdown("![A seated fold](https://example.com/fold.png)")
    assert ("img", [("alt", "A seated fold"), ("src", "https://example.com/fold.png")]) in (
        parse_tags(html)
    )


def test_disallowed_tags_keep_their_text():
    assert render_markdown('<div class="x">Breathe</div>') == "Breathe"


# The editor's live preview uses the same sanitiser and is for teachers only.


@pytest.mark.django_db
@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_preview_returns_sanitised_html_to_staff(client, payload):
    client.force_login(make_staff())
    response = client.post(PREVIEW_URL, {"content": f"**Fold** forward.\n\n{payload}"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Fold</strong> forward." in html
    assert_harmless(html)


@pytest.mark.django_db
def test_preview_renders_markdown_for_staff(client):
    client.force_login(make_staff())
    response = client.post(PREVIEW_URL, {"content": "*soft* and [Dandasana](/poses/dandasana/)"})
    assert response.content.decode() == (
        '<p><em>soft</em> and <a href="/poses/dandasana/" rel="noopener noreferrer nofollow">'
        "Dandasana</a></p>"
    )


@pytest.mark.django_db
def test_preview_refuses_anonymous_visitors_without_naming_the_admin(client):
    response = client.post(PREVIEW_URL, {"content": "*soft*"})
    assert response.status_code == 403
    assert "Location" not in response.headers
    assert b"/admin/" not in response.content
    assert b"<em>" not in response.content


@pytest.mark.django_db
def test_preview_is_not_for_students_with_an_account(client):
    client.force_login(make_user())
    response = client.post(PREVIEW_URL, {"content": "*soft*"})
    assert response.status_code == 403
    assert "Location" not in response.headers
    assert b"<em>" not in response.content
