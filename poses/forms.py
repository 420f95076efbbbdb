from django import forms

from studio.forms import RefusesStaleSaves


class PoseAdminForm(RefusesStaleSaves):
    """The pose form: refuses a stale save, and records a safety review when ticked."""

    mark_safety_reviewed = forms.BooleanField(
        label="I have reviewed the safety content today",
        required=False,
        help_text="Tick after checking every precaution, substitute and benefit of this pose "
        "against current teaching: the pose page then shows your name and today's date.",
    )
