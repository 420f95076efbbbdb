"""What every app's admin shares: the Markdown editor, preview links, a 404 for bad ids,
errors shown where they happened, length limits that never cut a teacher's text, and
history notes and delete pages in a teacher's words."""

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.http import Http404
from django.utils.html import format_html
from django.utils.text import capfirst, get_text_list
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

# Every Markdown field gets the editor with its live, sanitised preview; inline rows get a
# shorter box so a pose's eight steps fit on a screen or two.
MARKDOWN_EDITOR = {MarkdownxField: {"widget": AdminMarkdownxWidget}}
SHORT_MARKDOWN_EDITOR = {MarkdownxField: {"widget": AdminMarkdownxWidget(attrs={"rows": 4})}}


class ImageWithThumbnail(AdminFileWidget):
    """An image field that shows the photo, small and described, above the admin's usual
    "Currently: <file name>" (a random name: uploads are renamed). `rendition` names the
    smaller copy to show (an imagekit spec of the model); `alt_field` the description."""

    def __init__(self, rendition, alt_field, attrs=None):
        super().__init__(attrs)
        self.rendition, self.alt_field = rendition, alt_field

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        if not self.is_initial(value):
            return field
        try:
            thumbnail = getattr(value.instance, self.rendition).url
        except (OSError, ValueError):  # its file is missing: the file name is all there is
            return field
        alt = getattr(value.instance, self.alt_field) or "The current image (not described)"
        return format_html(
            '<p class="image-thumbnail"><img src="{}" alt="{}"></p>{}', thumbnail, alt, field
        )


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

    @property
    def media(self):
        return super().media + forms.Media(
            js=["js/character-count.js"], css={"all": ["css/editor-aids.css"]}
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.TextField) and db_field.max_length and not db_field.choices:
            kwargs.setdefault("form_class", TextBoxField)
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        return shows_length_limit(formfield) if formfield is not None else None


class ChangesInTeachersWords:
    """For a ModelAdmin: each save's note (its History, the admin's log) names what changed as
    the form labels it ("Changed Introduction and Level. Steps: reordered; added “Fold
    forward”."), never a field the teacher does not see, such as the hidden version marker."""

    def construct_change_message(self, request, form, formsets, add=False):
        notes = []
        stored = {field.name for field in form.instance._meta.get_fields()}
        labels = [
            str(form.fields[name].label or name)
            for name in form.changed_data
            if name in stored and not form.fields[name].widget.is_hidden
        ]
        if add:
            notes.append("Added.")
        elif labels:
            notes.append(f"Changed {get_text_list(labels, 'and')}.")
        # The inlines the formsets were made from, in the same order (ModelAdmin.change_view),
        # for their headings: "Steps", not the model's "steps" or a link's "preparatory links".
        inlines = self.get_inline_instances(request, form.instance)
        for formset, inline in zip(formsets, inlines, strict=False):
            changes = self.rows_changed(formset)
            if changes:
                heading = inline.verbose_name_plural if inline.model is formset.model else None
                title = str(heading or formset.model._meta.verbose_name_plural).split(" — ")[0]
                notes.append(f"{capfirst(title)}: {'; '.join(changes)}.")
        return " ".join(notes) or "Saved without changes."

    @staticmethod
    def rows_changed(formset):
        order = getattr(formset, "default_order_field", None)
        reordered, changes = False, []
        for row, names in formset.changed_objects:
            fields = formset.forms[0].fields if formset.forms else {}
            labels = [
                str(fields[name].label or name)
                for name in names
                if name in fields and name != order and not fields[name].widget.is_hidden
            ]
            reordered = reordered or order in names
            if labels:
                changes.append(f"changed “{row}” ({get_text_list(labels, 'and').lower()})")
        if reordered:
            changes.insert(0, "reordered")
        changes += [f"added “{row}”" for row in formset.new_objects]
        changes += [f"removed “{row}”" for row in formset.deleted_objects]
        return changes


class DeletePageInTeachersWords:
    """For a ModelAdmin: the delete page lists what a teacher knows (the pose, its steps,
    notes, links …), not the rows kept for the machine: `internal_models` and the rows that
    join two tables (a pose and its types). They are deleted all the same; none has an admin
    of its own, so none can need a permission or be protected."""

    internal_models = ()

    def get_deleted_objects(self, objs, request):
        to_delete, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        internal = [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.auto_created or model in self.internal_models
        ]
        # Django lists each row as "Verbose name: row", nested under the row it goes with.
        prefixes = tuple(f"{capfirst(model._meta.verbose_name)}: " for model in internal)
        plurals = {model._meta.verbose_name_plural for model in internal}

        def shown(items):
            kept, hidden = [], False
            for item in items:
                if not isinstance(item, list):
                    hidden = str(item).startswith(prefixes)
                    if not hidden:
                        kept.append(item)
                elif hidden:
                    kept += shown(item)  # what goes with a hidden row is listed in its place
                elif children := shown(item):
                    kept.append(children)
            return kept

        counts = {name: count for name, count in counts.items() if name not in plurals}
        return shown(to_delete), counts, perms_needed, protected
