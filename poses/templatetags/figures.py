"""Figures on pages: {% pose_figure pose size="card" %} draws a pose's body model as SVG."""

from django import template
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe

from poses.figures import figure_png_path, figure_svg, mirrored, validate_figure

register = template.Library()


@register.simple_tag
def pose_figure(pose, size="card", figure=None, title="", mirror=False):
    """The pose's figure (or `figure`, e.g. a step's), titled “Figure of <Sanskrit name>”.

    Nothing when there is no figure, or when stored data could not be drawn (only data
    written around the model's validator can be).
    """
    figure = pose.figure if figure is None else figure
    if not figure:
        return ""
    try:
        validate_figure(figure)
    except ValidationError:
        return ""
    if mirror:
        figure = mirrored(figure)
    title = title or f"Figure of {pose.sanskrit_name}" + (", left side" if mirror else "")
    return mark_safe(figure_svg(figure, title, size))


@register.simple_tag(takes_context=True)
def pose_figure_png_url(context, pose):
    """The absolute address of the pose's figure as a PNG, for link previews; "" without one."""
    if not pose.figure:
        return ""
    return context["request"].build_absolute_uri(figure_png_path(pose))


@register.simple_tag
def step_figure(pose, step):
    """A step's own figure, titled by the step, beside its instruction."""
    return pose_figure(pose, size="step", figure=step.figure, title=f"Figure: {step.title}")
