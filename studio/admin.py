"""What every app's admin shares: the Markdown editor, preview links, a 404 for bad ids."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404
from django.utils.html import format_html
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

# Every Markdown field gets the editor with its live, sanitised preview; inline rows get a
# shorter box so a pose's eight steps fit on a screen or two.
MARKDOWN_EDITOR = {MarkdownxField: {"widget": AdminMarkdownxWidget}}
SHORT_MARKDOWN_EDITOR = {MarkdownxField: {"widget": AdminMarkdownxWidget(attrs={"rows": 4})}}


def object_or_404(model_admin, request, object_id):
    """The object an admin URL names, or 404, also for an id that could name none ("abc")."""
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None:
        raise Http404(f"No {model_admin.opts.verbose_name} has the id “{object_id}”.")
    return obj


class PreviewLinkMixin:
    """A read-only `preview_link` field for a Publishable: its page, or its draft preview."""

    @admin.display(description="Preview")
    def preview_link(self, obj):
        if not obj.pk:
            return f"Save the {self.opts.verbose_name} once to preview it."
        label = "View on site" if obj.is_published else "Preview this draft (staff only)"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), label
        )
