"""A URLconf whose only page fails, to show the site's own 500 page."""

from django.urls import path


def broken_view(request):
    raise RuntimeError("Simulated failure")


urlpatterns = [path("broken/", broken_view)]
