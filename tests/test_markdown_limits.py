"""More hostile Markdown: syntax that could smuggle attributes or links past the sanitiser,
and input made to exhaust the parser (studio/markdown.py's limits)."""

import time

import pytest

from poses.models import Pose, Step
from studio.markdown import MAX_MARKDOWN_LENGTH, escape_unparseable_brackets, render_markdown
from tests.admin_forms import POSE_ADD_URL as ADD_URL
from tests.admin_forms import admin_post_data, pose_fields, step_row
from tests.factories import make_staff
from tests.test_markdown import (
    DANGEROUS_SCHEMES,
    DANGEROUS_TAGS,
    URL_ATTRIBUTES,
    link_target,
    parse_tags,
)

PREVIEW_URL = "/markdownx/markdownify/"
LINK = '<a href="/poses/dandasana/" rel="noopener noreferrer nofollow">Dandasana</a>'


def assert_no_script_targets(html):
    """Like `assert_harmless`, but a javascript: shown as plain text is fine."""
    for tag, attrs in parse_tags(html):
        assert tag not in DANGEROUS_TAGS, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            if name in URL_ATTRIBUTES:
                assert not link_target(value).startswith(DANGEROUS_SCHEMES), html


def link_hrefs(html):
    return [dict(attrs).get("href") for tag, attrs in parse_tags(html) if tag == "a"]


# Attribute lists: `{: … }` must never become attributes.

ATTRIBUTE_LISTS = [
    pytest.param('Sit tall.\n{: onclick="alert(1)" }', "Sit tall.", id="after-paragraph"),
    pytest.param('Sit tall. {: onclick="alert(1)" }', "Sit tall.", id="end-of-paragraph"),
    pytest.param('## Fold forward {: onclick="alert(1)" }', "Fold forward", id="heading"),
    pytest.param(
        '## Fold forward\n{: onmouseover="alert(1)" #x .y }', "Fold forward", id="after-heading"
    ),
    pytest.param('[Dandasana](/poses/dandasana/){: onclick="alert(1)" }', "Dandasana", id="link"),
    pytest.param(
        '[Dandasana](/poses/dandasana/){: href="javascript:alert(1)" }',
        "Dandasana",
        id="link-href-override",
    ),
    pytest.param('![Fold](/media/fold.png){: onerror="alert(1)" }', 'alt="Fold"', id="image"),
    pytest.param('*soft*{: style="color:red" }', "<em>soft</em>", id="emphasis-style"),
    pytest.param('- one\n{: onclick="alert(1)" }\n- two', "two", id="list-item"),
    pytest.param('> quote\n{: onclick="alert(1)" }', "quote", id="blockquote"),
]
ALLOWED_ATTRIBUTE_NAMES = {"href", "rel", "src", "alt", "title"}


@pytest.mark.parametrize(("text", "shown"), ATTRIBUTE_LISTS)
def test_attribute_lists_add_no_attributes(text, shown):
    html = render_markdown(text)
    assert_no_script_targets(html)
    for _tag, attrs in parse_tags(html):
        assert {name for name, _ in attrs} <= ALLOWED_ATTRIBUTE_NAMES, html


@pytest.mark.parametrize(("text", "shown"), ATTRIBUTE_LISTS)
def test_attribute_lists_keep_the_teachers_text(text, shown):
    assert shown in render_markdown(text)


def test_a_link_with_an_attribute_list_keeps_its_own_href():
    html = render_markdown('[Dandasana](/poses/dandasana/){: href="javascript:alert(1)" }')
    assert link_hrefs(html) == ["/poses/dandasana/"]


# Reference-style links whose definition hides a javascript: URL

REFERENCE_DEFINITIONS = [
    pytest.param("&#106;avascript:alert(1)", id="decimal-entity"),
    pytest.param("&#x6A;&#x61;vascript:alert(1)", id="hex-entities"),
    pytest.param("&#0000106avascript:alert(1)", id="padded-entity-no-semicolon"),
    pytest.param("javascript&colon;alert(1)", id="named-colon"),
    pytest.param("javascript&#58;alert(1)", id="entity-colon"),
    pytest.param("java&#x09;script:alert(1)", id="encoded-tab"),
    pytest.param("java&#x0A;script:alert(1)", id="encoded-newline"),
    pytest.param("java&#13;script:alert(1)", id="encoded-carriage-return"),
    pytest.param("java\tscript:alert(1)", id="literal-tab"),
    pytest.param("\x01javascript:alert(1)", id="leading-control-character"),
    pytest.param("   javascript:alert(1)", id="leading-spaces"),
    pytest.param("<javascript:alert(1)>", id="angle-brackets"),
    pytest.param("< javascript:alert(1) >", id="angle-brackets-spaced"),
    pytest.param('JaVaScRiPt:alert(1) "Safe title"', id="mixed-case-with-title"),
    pytest.param("javascript:alert(1)\n  'title'", id="title-on-next-line"),
    pytest.param("&#x20;javascript:alert(1)", id="encoded-space"),
    pytest.param("vbscript:msgbox(1)", id="vbscript"),
    pytest.param("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", id="data"),
]


@pytest.mark.parametrize("definition", REFERENCE_DEFINITIONS)
@pytest.mark.parametrize(
    "reference",
    [
        pytest.param("[Dandasana][ref]", id="full"),
        pytest.param("[ref][]", id="collapsed"),
        pytest.param("[ref]", id="shortcut"),
        pytest.param("![Fold][ref]", id="image"),
    ],
)
def test_reference_links_to_scripts_lose_their_target(reference, definition):
    html = render_markdown(f"Try {reference} first.\n\n[ref]: {definition}")
    assert_no_script_targets(html)


def test_a_reference_link_to_a_page_is_kept():
    html = render_markdown("Try [Dandasana][ref] first.\n\n[ref]: /poses/dandasana/")
    assert link_hrefs(html) == ["/poses/dandasana/"]


# Autolinks

AUTOLINKS = [
    pytest.param("<javascript:alert(1)>", id="javascript"),
    pytest.param("<JAVASCRIPT:alert(1)>", id="upper-case"),
    pytest.param("<javascript&#58;alert(1)>", id="entity-colon"),
    pytest.param("<java\tscript:alert(1)>", id="tab"),
    pytest.param("<vbscript:msgbox(1)>", id="vbscript"),
    pytest.param("<data:text/html,<script>alert(1)</script>>", id="data"),
    pytest.param("<http://javascript:alert(1)>", id="http-wrapping-javascript"),
]


@pytest.mark.parametrize("text", AUTOLINKS)
def test_autolinks_to_scripts_lose_their_target(text):
    html = render_markdown(f"Read {text} first.")
    assert_no_script_targets(html)
    assert all(href is None for href in link_hrefs(html)), html


def test_an_email_autolink_starting_with_javascript_stays_a_mail_link():
    html = render_markdown("<javascript:alert(1)@example.com>")
    assert link_hrefs(html) == ["mailto:javascript:alert(1)@example.com"]


def test_an_https_autolink_is_kept():
    html = render_markdown("<https://example.com/janu>")
    assert link_hrefs(html) == ["https://example.com/janu"]


# Input made to exhaust the parser: each renders (a RecursionError or a minutes-long render
# would be a 500 or a timeout) and still shows what was typed.

HOSTILE = [
    pytest.param("[" * 10_000, "[" * 10_000, id="10000-stray-brackets"),
    pytest.param("(" * 10_000, "(" * 10_000, id="10000-stray-parentheses"),
    pytest.param("[a](" * 2_500, "[a](" * 2_500, id="unclosed-links"),
    pytest.param("[" * 2_500 + "]" * 2_500, "[" * 2_500 + "]" * 2_500, id="deeply-nested-brackets"),
    pytest.param("- " * 3_000 + "x", "- - - x", id="lists-3000-deep"),
    pytest.param(">" * 9_987 + " Breathe out.", "Breathe out.", id="quotes-10000-deep"),
    pytest.param("> - " * 2_499 + "x", "x", id="quotes-and-lists-interleaved"),
    pytest.param("*a" * 5_000, "<em>a</em>a<em>a</em>", id="5000-emphasis-markers"),
    pytest.param("`" * 10_000, "`" * 1_000, id="10000-backticks"),
    pytest.param("<" * 10_000, "&lt;" * 1_000, id="10000-angle-brackets"),
    pytest.param("    " * 2_499 + "x", "x", id="deep-indentation"),
]


def test_hostile_inputs_fit_within_the_limit():
    # So the preview and the admin accept each of them, as they would from a teacher.
    assert all(len(param.values[0]) <= MAX_MARKDOWN_LENGTH for param in HOSTILE)


@pytest.mark.parametrize(("text", "shown"), HOSTILE)
def test_hostile_input_renders_and_shows_the_text(text, shown):
    html = render_markdown(text)
    assert shown in html


# The live preview re-renders as the teacher types, and a save renders every field: text the
# admin accepts must render in far less time than a request may take.
RENDER_BUDGET_SECONDS = 2


def render_seconds(text):
    started = time.perf_counter()
    render_markdown(text)
    return time.perf_counter() - started


def test_ten_thousand_stray_brackets_render_within_the_budget():
    # Unescaped, Python-Markdown takes about 20 seconds over these (quadratic search for `]`).
    assert render_seconds("[" * 10_000) < RENDER_BUDGET_SECONDS


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "shown"), HOSTILE)
def test_the_preview_answers_hostile_input(client, text, shown):
    client.force_login(make_staff())
    response = client.post(PREVIEW_URL, {"content": text})
    assert response.status_code == 200
    assert shown in response.content.decode()


# Brackets that cannot be links are escaped; everything else is left alone.


@pytest.mark.parametrize(
    "text",
    [
        "Sit tall and breathe.",
        "See [Dandasana](/poses/dandasana/) and (gently) bend.",
        "Read [the guide][guide] first.\n\n[guide]: https://example.com/guide",
        "![A seated fold](https://example.com/fold.png)",
        "Use \\[square brackets\\] and \\(parentheses\\) as typed.",
        "[Outer [inner](/poses/a/) text](/poses/b/)",
        "- (1) inhale\n- (2) exhale [see](/poses/c/)",
        "A footnote-like [1] and a list [a, b].",
        "",
    ],
)
def test_text_with_only_matched_brackets_is_left_unchanged(text):
    assert escape_unparseable_brackets(text) == text


def test_stray_brackets_show_as_typed():
    assert render_markdown("Bend [the knee (gently") == "<p>Bend [the knee (gently</p>"


def test_a_link_among_a_few_stray_brackets_still_renders_as_a_link():
    html = render_markdown("[[[ Try [Dandasana](/poses/dandasana/) first ((( ]")
    assert html == f"<p>[[[ Try {LINK} first ((( ]</p>"


@pytest.mark.parametrize("stray", ["[", "("])
def test_a_link_after_many_stray_brackets_still_renders_as_a_link(stray):
    # Brackets that are never closed do not nest anything: the link after them is a link.
    html = render_markdown(stray * 10 + " Try [Dandasana](/poses/dandasana/) first.")
    assert html == f"<p>{stray * 10} Try {LINK} first.</p>"


def test_brackets_nested_deeper_than_any_link_show_as_typed():
    html = render_markdown("[" * 12 + "deep" + "]" * 12)
    assert html == "<p>" + "[" * 12 + "deep" + "]" * 12 + "</p>"


# Length limits


@pytest.mark.django_db
def test_the_admin_refuses_an_introduction_over_the_limit(admin_client):
    form_page = admin_client.get(ADD_URL)
    data = admin_post_data(form_page, pose_fields(introduction="a" * (MAX_MARKDOWN_LENGTH + 1)))
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 200
    message = "This text has 10,001 characters; the limit is 10,000. Shorten it by 1."
    assert response.context["adminform"].form.errors["introduction"] == [message]
    assert message in response.content.decode()
    assert not Pose.objects.exists()


@pytest.mark.django_db
def test_the_admin_refuses_a_step_instruction_over_the_limit(admin_client):
    form_page = admin_client.get(ADD_URL)
    step = step_row("Fold", 1, instruction="a" * (MAX_MARKDOWN_LENGTH + 1))
    data = admin_post_data(form_page, pose_fields(), {"steps": [step]})
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "the limit is 10,000. Shorten it by 1." in response.content.decode()
    assert not Pose.objects.exists()
    assert not Step.objects.exists()


@pytest.mark.django_db
def test_the_admin_accepts_an_introduction_at_the_limit(admin_client, client):
    form_page = admin_client.get(ADD_URL)
    text = ("Breathe. " * MAX_MARKDOWN_LENGTH)[:MAX_MARKDOWN_LENGTH]
    data = admin_post_data(form_page, pose_fields(introduction=text))
    assert admin_client.post(ADD_URL, data).status_code == 302
    assert "Breathe. Breathe." in client.get("/poses/janusirsasana/").content.decode()


@pytest.mark.django_db
def test_the_preview_refuses_text_over_the_limit(client):
    client.force_login(make_staff())
    response = client.post(PREVIEW_URL, {"content": "a" * (MAX_MARKDOWN_LENGTH + 1)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Too long to preview" in html
    assert "10,001 characters; the limit is 10,000. All of your text is kept" in html


@pytest.mark.django_db
def test_the_preview_renders_text_at_the_limit(client):
    client.force_login(make_staff())
    response = client.post(PREVIEW_URL, {"content": "a" * MAX_MARKDOWN_LENGTH})
    assert response.status_code == 200
    assert response.content.decode() == "<p>" + "a" * MAX_MARKDOWN_LENGTH + "</p>"
