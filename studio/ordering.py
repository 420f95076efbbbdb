"""Rows kept in an order a teacher drags: steps of a pose, poses of a sequence, links.

Positions are unique per parent, so rows are first *parked* far above any real position
(`park`), then given their new places. The one parking helper serves the sortable inlines
(`RenumberingInlineFormSet`), restoring a revision (`RestoresOrderedChildren`) and loading
rows in raw mode (`restores_in_place`).
"""

from adminsortable2.admin import CustomInlineFormSet
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.db.models.signals import pre_save

from studio.admin import SHORT_MARKDOWN_EDITOR, ShowsEveryError, object_or_404

# The heading's hint for ordered rows, as static/js/admin-ordering.js equips them.
REORDER_HINT = "drag ☰ or use ▲ ▼ to reorder"

# Far above any real position: rows moved out of the way while others take their place.
PARKING_OFFSET = 100_000


def park(queryset, field="position"):
    """Move these rows out of the way of the positions they hold."""
    queryset.update(**{field: F(field) + PARKING_OFFSET})


def restores_in_place(model, parent, field="position"):
    """Rows put back in their old places one by one (a revision restored, a fixture loaded:
    raw saves) park the row now in that place until its own turn comes."""

    def make_room(sender, instance, raw, **kwargs):
        if raw:
            parent_id = f"{parent}_id"
            holder = model.objects.filter(
                **{parent_id: getattr(instance, parent_id), field: getattr(instance, field)}
            )
            park(holder.exclude(pk=instance.pk), field)

    pre_save.connect(make_room, sender=model, weak=False, dispatch_uid=f"{model._meta.label}.park")


class PositionedForm(ShowsEveryError):
    def _get_validation_exclusions(self):
        # The formset renumbers positions 1..n itself, so a row moved onto a position another
        # row still holds in the database is not an error. Order fields are named position…
        # (a pose link has one for each of its two lists).
        ordering = {
            field.name
            for field in self._meta.model._meta.fields
            if field.name.startswith("position")
        }
        return super()._get_validation_exclusions() | ordering


class RenumberingInlineFormSet(CustomInlineFormSet):
    """Saves dragged rows as positions 1..n, in the order the teacher left them.

    Rows are first parked out of the way, so swapping two steps never trips the
    unique (pose, position) constraint halfway through.
    """

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        kept = [
            form
            for form in self.forms
            if form not in self.deleted_forms and (form.instance.pk or form.has_changed())
        ]
        order = self.default_order_field
        unpositioned = float("inf")
        kept.sort(key=lambda form: form.cleaned_data.get(order) or unpositioned)
        for number, form in enumerate(kept, start=1):
            setattr(form.instance, order, number)
        with transaction.atomic():
            park(self.get_queryset(), order)
            saved = super().save(commit=True)
            untouched = [f.instance for f in kept if f.instance.pk and f.instance not in saved]
            self.model.objects.bulk_update(untouched, [order])
        return saved


class OrderedInline:
    """Mixed into a sortable inline (adminsortable2): each saved row gets a ☰ handle and ▲ ▼
    buttons that move it one place (also from the keyboard); rows renumbered 1..n on save."""

    formfield_overrides = SHORT_MARKDOWN_EDITOR
    form = PositionedForm
    formset = RenumberingInlineFormSet
    extra = 0

    class Media:
        js = ("js/admin-ordering.js",)


class RestoresOrderedChildren:
    """For a VersionAdmin: a version being restored puts its ordered children (the related
    names in `ordered_children`) back in their old places, so today's rows are parked first.
    Undone with the rest unless the restore is saved."""

    ordered_children = ()

    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = object_or_404(self, request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        with transaction.atomic():
            for name in self.ordered_children:
                park(getattr(obj, name).all())
            response = super().revision_view(request, object_id, version_id, extra_context)
            if response.status_code != 302:
                transaction.set_rollback(True)
        return response
