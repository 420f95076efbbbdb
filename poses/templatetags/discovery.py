"""A pose as schema.org data, for search engines and link previews."""

import json
from html import unescape

from django import template
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe

from poses.figures import figure_png_path
from studio.durations import iso_duration

register = template.Library()

# As Django's json_script escapes: no text a teacher types can close the <script> early.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def pose_json_ld(context, pose):
    """The pose as a schema.org HowTo, one HowToStep per step, in a JSON-LD <script>."""
    request = context["request"]
    data = {
        "@context": "https://schema.org",
        "@type": "HowTo",
        "name": f"{pose.sanskrit_name} ({pose.english_name})",
        "alternateName": [pose.sanskrit_name, pose.english_name, *pose.other_names_list()],
        "url": request.build_absolute_uri(pose.get_absolute_url()),
        "inLanguage": "en",
    }
    if pose.summary:
        data["description"] = pose.summary
    images = [pose.image.url] if pose.image else []
    if pose.figure:
        images.append(figure_png_path(pose))
    if images:
        urls = [request.build_absolute_uri(image) for image in images]
        data["image"] = urls[0] if len(urls) == 1 else urls
    # schema.org has no duration range: the pose takes at most its longest hold.
    longest_hold = pose.hold_max_seconds or pose.hold_min_seconds
    if longest_hold:
        data["totalTime"] = iso_duration(longest_hold)
    data["step"] = [
        {
            "@type": "HowToStep",
            "position": number,
            "name": step.title,
            "text": " ".join(unescape(strip_tags(step.instruction_html)).split()),
        }
        for number, step in enumerate(pose.steps.all(), start=1)
    ]
    text = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
