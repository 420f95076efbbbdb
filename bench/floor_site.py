"""The bare Django floor for `make bench`: settings, URLs and one view in a single file.

A project of its own, sharing nothing with Studio but Django and gunicorn, so every page of
the site can be compared with what the framework costs on this machine in the same run:

    gunicorn --chdir bench floor_site:application --workers 2 --bind 127.0.0.1:18766
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-floor-only-answers-ok",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
)


def floor(request):
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [path("", floor)]

application = get_wsgi_application()
