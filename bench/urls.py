from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    """The baseline: Django's request cycle with no template and no database."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare", bare),
    path("", include("portal.urls")),
]
handler500 = "portal.views.server_error"
