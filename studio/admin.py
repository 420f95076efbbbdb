"""What every app's admin shares: the Markdown editor, preview links, a 404 for bad ids, and
errors shown where they happened."""

from django import forms
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


class ShowsEveryError(forms.ModelForm):
    """An inline row whose error belongs to a field the row does not show (the pose it
    belongs to, when a link would join a pose to itself): shown on the row instead, where
    the teacher can read it, never only as "Please correct the error below."."""

    def _post_clean(self):
        super()._post_clean()
        unseen = [
            name
            for name in self._errors
            if name != forms.forms.NON_FIELD_ERRORS
            and (name not in self.fields or self.fields[name].widget.is_hidden)
        ]
        for name in unseen:
            for error in self._errors.pop(name).as_data():
                self.add_error(None, error)
