"""The site's URLs plus ``/bench/nue/``, a view that does nothing (``portal.settings_bench``)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as site_urlpatterns

BARE_PATH = "bench/nue/"


@login_not_required
def bare(request):
    """What any page costs before its own work: the middleware and a response."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path(BARE_PATH, bare, name="bench_bare"), *site_urlpatterns]
