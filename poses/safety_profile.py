"""“Safe for me”: a student's conditions, chosen once and kept in their session.

No account is needed. The profile lives in the session, so a student who has one always
gets pages of their own: the page cache serves only visitors without a session cookie
(poses/cache.py). Pose and sequence pages then flag the poses to avoid or modify for them,
with the substitute pose a safety note offers.
"""

from dataclasses import dataclass

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from poses.models import Condition, SafetyNote

SESSION_KEY = "safety_profile"
FLAGGED_KINDS = (SafetyNote.Kind.AVOID, SafetyNote.Kind.MODIFY)


def conditions_for(request: HttpRequest) -> list[str]:
    """The slugs of the conditions the student chose; none without a session."""
    session = getattr(request, "session", None)
    if session is None:
        return []
    slugs = session.get(SESSION_KEY, [])
    return [slug for slug in slugs if isinstance(slug, str)] if isinstance(slugs, list) else []


@dataclass(frozen=True)
class PersonalPrecaution:
    """A safety note of a pose that concerns one of the student's conditions."""

    note: SafetyNote
    conditions: list  # the chosen conditions the note concerns

    @property
    def kind(self):
        return self.note.kind

    @property
    def substitute(self):
        """The pose to practise instead, when there is one students can see."""
        substitute = self.note.substitute
        return substitute if substitute is not None and substitute.is_published else None


def personal_precautions(pose, condition_slugs):
    """The pose's notes to avoid or modify it that concern one of the chosen conditions,
    those to avoid first.

    Reads `pose.safety_notes` with their conditions and substitutes, so a page that
    prefetched them asks nothing more; without conditions it reads nothing at all.
    """
    if not condition_slugs:
        return []
    chosen = set(condition_slugs)
    found = []
    for note in pose.safety_notes.all():
        if note.kind not in FLAGGED_KINDS:
            continue
        concerned = [condition for condition in note.conditions.all() if condition.slug in chosen]
        if concerned:
            found.append(PersonalPrecaution(note, concerned))
    return sorted(found, key=lambda precaution: precaution.kind != SafetyNote.Kind.AVOID)


class SafetyProfileForm(forms.Form):
    conditions = forms.ModelMultipleChoiceField(
        Condition.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="My conditions",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def safe_for_me(request: HttpRequest) -> HttpResponse:
    """Choose conditions (POST), then go back to the page the student came from."""
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.method == "POST" and "forget" in request.POST:
        request.session.pop(SESSION_KEY, None)
        return redirect(next_url or reverse("safe_for_me"))
    if request.method == "POST":
        form = SafetyProfileForm(request.POST)
        if form.is_valid():
            slugs = [condition.slug for condition in form.cleaned_data["conditions"]]
            if slugs:
                request.session[SESSION_KEY] = slugs
            else:
                request.session.pop(SESSION_KEY, None)
            return redirect(next_url or reverse("safe_for_me"))
    else:
        form = SafetyProfileForm(initial={"conditions": conditions_for(request)})
    chosen = Condition.objects.filter(slug__in=conditions_for(request))
    return render(
        request,
        "poses/safety_profile.html",
        {"form": form, "next": next_url, "chosen": chosen},
    )
