"""“Safe for me”: a student's conditions, chosen once and kept in their session.

No account is needed. The profile lives in the session: a student who has one gets the
shared cached page with its personal parts rendered for them (`{% personal %}`,
studio/cache.py). Pose and sequence pages then show every precaution for their conditions
(poses/safety.py), and say so where the library has no guidance for one of them.
"""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from poses.models import Condition

SESSION_KEY = "safety_profile"


def conditions_for(request: HttpRequest) -> list[str]:
    """The slugs of the conditions the student chose; none without a session."""
    session = getattr(request, "session", None)
    # A page rendered for everyone (studio/cache.py) shows no one's conditions.
    if session is None or getattr(request, "shared_render", False):
        return []
    slugs = session.get(SESSION_KEY, [])
    return [slug for slug in slugs if isinstance(slug, str)] if isinstance(slugs, list) else []


def chosen_conditions(request: HttpRequest) -> list[Condition]:
    """The conditions the student chose, read once a request."""
    if getattr(request, "shared_render", False):
        return []
    if not hasattr(request, "_chosen_conditions"):
        slugs = conditions_for(request)
        request._chosen_conditions = list(Condition.objects.filter(slug__in=slugs)) if slugs else []
    return request._chosen_conditions


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
