from adminsortable2.admin import CustomInlineFormSet
from django import forms
from django.db import transaction
from django.db.models import F
from django.utils.timezone import localtime

from poses.models import Pose, Step

# The fields that order an inline's rows (a pose link has one for each of its two lists).
ORDER_FIELDS = {"position", "position_among_preparatory", "position_among_follow_ups"}


class PositionedForm(forms.ModelForm):
    def _get_validation_exclusions(self):
        # The formset renumbers positions 1..n itself, so a row moved onto a position another
        # row still holds in the database is not an error.
        return super()._get_validation_exclusions() | ORDER_FIELDS


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
            self.get_queryset().update(**{order: F(order) + Step.PARKING_OFFSET})
            saved = super().save(commit=True)
            untouched = [f.instance for f in kept if f.instance.pk and f.instance not in saved]
            self.model.objects.bulk_update(untouched, [order])
        return saved


class PoseAdminForm(forms.ModelForm):
    """Refuses to save over another teacher's save made since this form was opened."""

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)
    mark_safety_reviewed = forms.BooleanField(
        label="I have reviewed the safety content today",
        required=False,
        help_text="Tick after checking every precaution, substitute and benefit of this pose "
        "against current teaching: the pose page then shows your name and today's date.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["loaded_version"] = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk:
            current = Pose.objects.filter(pk=self.instance.pk).values_list("updated_at", flat=True)
            saved_at = current.first()
            if saved_at and saved_at.isoformat() != cleaned_data.get("loaded_version"):
                # Saving again from this form is then a deliberate choice to replace theirs.
                self.data = self.data.copy()
                self.data[self.add_prefix("loaded_version")] = saved_at.isoformat()
                raise forms.ValidationError(
                    "Someone else saved this pose at %(time)s, after you opened it. Nothing of "
                    "yours was saved, and your text is still below. Open the pose in another "
                    "tab to see their version (or its History), merge what you need here, "
                    "and save again: that save replaces theirs.",
                    code="edited_meanwhile",
                    params={"time": localtime(saved_at).strftime("%H:%M:%S on %d %B")},
                )
        return cleaned_data
