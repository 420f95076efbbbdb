"""Admin forms shared by the apps."""

from django import forms
from django.utils.functional import cached_property
from django.utils.timezone import localtime


class RefusesStaleSaves(forms.ModelForm):
    """Refuses to save over someone else's save made since this form was opened.

    The form carries the `updated_at` it was opened with; a save finds another one in the
    database, says so and keeps everything typed. Saving again from that form is then a
    deliberate choice to replace the other version.
    """

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["loaded_version"] = self.instance.updated_at.isoformat()

    @cached_property
    def changed_data(self):
        # The marker is how the form was opened, not something the teacher changed.
        return [name for name in super().changed_data if name != "loaded_version"]

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk:
            model = type(self.instance)
            current = model.objects.filter(pk=self.instance.pk).values_list("updated_at", flat=True)
            saved_at = current.first()
            if saved_at and saved_at.isoformat() != cleaned_data.get("loaded_version"):
                self.data = self.data.copy()
                self.data[self.add_prefix("loaded_version")] = saved_at.isoformat()
                name = model._meta.verbose_name
                raise forms.ValidationError(
                    "Someone else saved this %(name)s at %(time)s, after you opened it. Nothing "
                    "of yours was saved, and your text is still below. Open the %(name)s in "
                    "another tab to see their version (or its History), merge what you need "
                    "here, and save again: that save replaces theirs.",
                    code="edited_meanwhile",
                    params={
                        "name": name,
                        "time": localtime(saved_at).strftime("%H:%M:%S on %d %B"),
                    },
                )
        return cleaned_data
