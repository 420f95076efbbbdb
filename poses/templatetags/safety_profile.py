"""The student's “Safe for me” profile in templates (see poses/safety_profile.py)."""

from django import template

from poses import safety_profile

register = template.Library()


@register.simple_tag(takes_context=True)
def personal_precautions(context, pose):
    """`{% personal_precautions pose as precautions %}`: what to avoid or modify, for them."""
    return safety_profile.personal_precautions(
        pose, safety_profile.conditions_for(context["request"])
    )


@register.simple_tag(takes_context=True)
def has_safety_profile(context):
    return bool(safety_profile.conditions_for(context["request"]))
