from django import template

from poses.templatetags.discovery import iso_duration
from sequences.models import format_time

register = template.Library()


@register.filter
def total_time(seconds):
    """`{{ seconds|total_time }}`: “14 min 30 s”."""
    return format_time(seconds)


@register.filter
def iso_time(seconds):
    """`{{ seconds|iso_time }}`: “PT14M30S”, for a <time datetime=…>."""
    return iso_duration(seconds)
