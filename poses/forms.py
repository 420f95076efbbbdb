from django import forms
from django.utils.timezone import localtime

from poses.models import Pose


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
