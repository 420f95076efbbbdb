"""Safety guidance in templates: a pose's precautions, and what they say for the student's
“Safe for me” conditions (see poses/safety.py and poses/safety_profile.py)."""

from django import template

from poses import safety, safety_profile

register = template.Library()


@register.simple_tag
def pose_precautions(pose):
    """`{% pose_precautions pose as precautions %}`: its notes, then the studio's guidance."""
    return safety.precautions(pose)


@register.simple_tag(takes_context=True)
def personal_guidance(context, pose):
    """`{% personal_guidance pose as guidance %}`: every precaution for their conditions, and
    the conditions nothing here speaks of."""
    return safety.personal_guidance(pose, safety_profile.chosen_conditions(context["request"]))


@register.simple_tag(takes_context=True)
def has_safety_profile(context):
    return bool(safety_profile.conditions_for(context["request"]))
