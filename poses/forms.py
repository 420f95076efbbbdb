from adminsortable2.admin import CustomInlineFormSet
from django import forms
from django.db import transaction
from django.db.models import F

# Far above any real position, so parked rows never meet the ones being written.
PARKING_OFFSET = 100_000


class PositionedForm(forms.ModelForm):
    def _get_validation_exclusions(self):
        # The formset renumbers positions 1..n itself, so a row moved onto a position another
        # row still holds in the database is not an error.
        return super()._get_validation_exclusions() | {"position"}


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
        unpositioned = float("inf")
        kept.sort(key=lambda form: form.cleaned_data.get("position") or unpositioned)
        for number, form in enumerate(kept, start=1):
            form.instance.position = number
        with transaction.atomic():
            self.get_queryset().update(position=F("position") + PARKING_OFFSET)
            saved = super().save(commit=True)
            untouched = [f.instance for f in kept if f.instance.pk and f.instance not in saved]
            self.model.objects.bulk_update(untouched, ["position"])
        return saved
