"""The one place where stored Markdown becomes HTML.

Pages and the editor's live preview both call `render_markdown`, so whatever a teacher sees
in the preview is exactly what students get, and both are sanitised the same way.

A model lists its Markdown fields in `MARKDOWN_FIELDS`; each is rendered into its `*_html`
twin before every save (fixtures included) once its app calls `render_on_save` in ready().
"""

import re
from html import escape, unescape

import markdown
import nh3
from django.db.models.signals import pre_save

# Longer than any pose text we have seen by a factor of ten; the admin refuses more.
MAX_MARKDOWN_LENGTH = 10_000
# Brackets nested deeper than this are shown as typed instead of parsed as links.
MAX_BRACKET_DEPTH = 8

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
# Relative URLs (site paths, #anchors) pass; any other scheme, javascript: and data:
# included, is dropped with the attribute.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "sane_lists", "smarty"]


def render_markdown(text: str) -> str:
    text = escape_unparseable_brackets(text or "")
    try:
        html = markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    except RecursionError:
        # Lists or quotes nested thousands deep: show the text as typed rather than fail.
        html = "".join(f"<p>{escape(part)}</p>" for part in text.split("\n\n"))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


# Where rendered HTML breaks a line, and how a list item and a link read as plain text.
LINE_ENDS = re.compile(r"</(p|li|h[2-6]|tr|pre|blockquote|dt|dd)>|<br>|<hr>")
LIST_ITEM = re.compile(r"<li>")
LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.S)
TAG = re.compile(r"<[^>]+>")


def markdown_as_text(text: str) -> list[str]:
    """Lines of plain text as students read them once `text` is rendered (a link as
    “words (address)”): for comparing two versions. Never HTML; escape it to show it."""
    html = render_markdown(text)
    html = LINK.sub(lambda link: f"{link[2]} ({link[1]})", html)
    html = LINE_ENDS.sub("\n", LIST_ITEM.sub("• ", html))
    lines = (" ".join(unescape(TAG.sub("", line)).split()) for line in html.splitlines())
    return [line for line in lines if line]


def render_markdown_fields(sender, instance, **kwargs):
    """Render each Markdown field into its `*_html` twin (a pre_save receiver)."""
    for field in sender.MARKDOWN_FIELDS:
        setattr(instance, f"{field}_html", render_markdown(getattr(instance, field)))


def render_on_save(app_config):
    """Connect `render_markdown_fields` for each model of the app with MARKDOWN_FIELDS."""
    for model in app_config.get_models():
        if getattr(model, "MARKDOWN_FIELDS", ()):
            pre_save.connect(render_markdown_fields, sender=model)


def escape_unparseable_brackets(text: str) -> str:
    """Backslash-escape brackets that cannot be part of a link.

    Python-Markdown searches the rest of the text for the `]` (or `)`) closing every `[`
    (or `(` after a link text), so a text of stray brackets takes quadratic time: 50,000 of
    them took nine minutes. A bracket with no partner, or nested deeper than any link, can
    never become part of a link, so escaping it changes nothing a reader sees and keeps
    rendering fast.
    """
    partner_of = {}  # position of each bracket that has a partner -> its partner's position
    waiting = {"[": [], "(": []}
    closing = {"]": "[", ")": "("}
    escaped = False
    for position, character in enumerate(text):
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif character in waiting:
            waiting[character].append(position)
        elif character in closing and waiting[closing[character]]:
            opening = waiting[closing[character]].pop()
            partner_of[opening], partner_of[position] = position, opening
    to_escape = waiting["["] + waiting["("]
    depth = {"[": 0, "(": 0}
    for position in sorted(partner_of):
        character = text[position]
        if character in depth:
            depth[character] += 1
            if depth[character] > MAX_BRACKET_DEPTH:
                to_escape += [position, partner_of[position]]
        else:
            depth[closing[character]] -= 1
    if not to_escape:
        return text
    pieces, start = [], 0
    for position in sorted(to_escape):
        pieces += [text[start:position], "\\"]
        start = position
    pieces.append(text[start:])
    return "".join(pieces)
