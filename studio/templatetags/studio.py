"""`{% load studio %}`: durations, absolute URLs and personal parts of cached pages, for
every app's templates."""

from django import template
from django.utils.html import format_html

from studio.durations import format_time, iso_duration

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    return context["request"].build_absolute_uri(path)


@register.filter
def total_time(seconds):
    """`{{ seconds|total_time }}`: “14 min 30 s”."""
    return format_time(seconds)


@register.filter
def iso_time(seconds):
    """`{{ seconds|iso_time }}`: “PT14M30S”, for a <time datetime=…>."""
    return iso_duration(seconds)


@register.simple_tag(takes_context=True)
def personal(context, template_name, **objects):
    """`{% personal "poses/includes/safe_for_me.html" pose=pose %}`: a part of a cached page
    that differs from visitor to visitor, included here as it is for this one. The shared
    page keeps a marker around it, so that for a student it is rendered again from the
    objects it names (studio/cache.py)."""
    request = context["request"]
    parts = request.__dict__.setdefault("personal_parts", [])
    index = len(parts)
    parts.append(
        (template_name, {name: (obj._meta.label_lower, obj.pk) for name, obj in objects.items()})
    )
    with context.push(**objects):
        html = context.template.engine.get_template(template_name).render(context)
    return format_html("<!--personal {}-->{}<!--/personal {}-->", index, html, index)
