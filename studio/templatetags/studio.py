"""`{% load studio %}`: durations and absolute URLs, for every app's templates."""

from django import template

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
