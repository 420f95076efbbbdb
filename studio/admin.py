"""What every app's admin shares: the Markdown editor, preview links, a 404 for bad ids,
errors shown where they happened, and length limits that never cut a teacher's text."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
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


class LengthLimit(MaxLengthValidator):
    """Refuses text over a limit, saying by how much: the teacher shortens it knowing that
    nothing was cut."""

    message = (
        "This text has %(length)s characters; the limit is %(limit)s. Shorten it by %(excess)s."
    )

    def __call__(self, value):
        length = self.clean(value)
        if length > self.limit_value:
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "length": f"{length:,}",
                    "limit": f"{self.limit_value:,}",
                    "excess": f"{length - self.limit_value:,}",
                    "value": value,
                },
            )


class TextBoxField(forms.CharField):
    """Text from a box of several lines. Browsers send each line break as two characters (CR
    LF); it is kept as one (LF), so a line break counts once, as in the box and its counter."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value

    def has_changed(self, initial, data):
        # Text saved before with CR LF is not changed by being sent back unedited.
        if isinstance(initial, str):
            initial = initial.replace("\r\n", "\n")
        return super().has_changed(initial, data)


def shows_length_limit(formfield):
    """A form field whose length is limited takes whatever is typed or pasted: no
    `maxlength` for the browser to cut a long paste at without a word. It carries its limit
    as `data-max-length` for the live counter (js/character-count.js), and the server
    refuses text over it with `LengthLimit`'s message, re-showing all of it."""
    limit = getattr(formfield, "max_length", None)
    if limit is None or formfield.widget.is_hidden:
        return formfield
    formfield.widget.attrs.pop("maxlength", None)
    formfield.widget.attrs["data-max-length"] = str(limit)
    formfield.validators = [
        LengthLimit(limit) if type(validator) is MaxLengthValidator else validator
        for validator in formfield.validators
    ]
    return formfield


class CountsCharacters:
    """For a ModelAdmin or an inline: every length-limited field shows its limit instead of
    enforcing it in the browser (`shows_length_limit`); the admin loads js/character-count.js."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.TextField) and db_field.max_length and not db_field.choices:
            kwargs.setdefault("form_class", TextBoxField)
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        return shows_length_limit(formfield) if formfield is not None else None
