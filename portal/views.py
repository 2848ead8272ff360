"""Pages that belong to the portal as a whole: the home page and the health check."""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.generic import TemplateView

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    template_name = "home.html"


def _check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.warning("health: database unreachable", exc_info=True)
        return False


def _check_redis() -> bool:
    import redis
    from django.conf import settings

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        return bool(client.ping())
    except Exception:
        logger.warning("health: redis unreachable", exc_info=True)
        return False


def _check_workers(redis_up: bool) -> bool:
    if not redis_up:
        return False
    from portal.celery import app

    try:
        return bool(app.control.ping(timeout=1.0))
    except Exception:
        logger.warning("health: celery control ping failed", exc_info=True)
        return False


def healthz(request):
    """Reachability of the database, Redis and at least one Celery worker, for load balancers."""
    database = _check_database()
    redis_up = _check_redis()
    checks = {"database": database, "redis": redis_up, "celery": _check_workers(redis_up)}
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


def server_error(request):
    """The 500 handler. A database outage met outside a view (loading the session or the user
    in middleware) still gets the friendly 503 page rather than a server error."""
    import sys

    from django.db import OperationalError
    from django.http import HttpResponse, HttpResponseServerError
    from django.template.loader import render_to_string

    if isinstance(sys.exc_info()[1], OperationalError):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response
    return HttpResponseServerError(render_to_string("500.html"))


def page_not_found(request, exception):
    """The 404 handler. An address under /api/ that matches no route (a negative id, a typo)
    gets the API's JSON error shape; every other address gets the portal's 404 page."""
    from django.utils.translation import gettext
    from django.views import defaults

    if request.path.startswith("/api/"):
        body = {
            "code": "not_found",
            "message": gettext("Not found, or not yours to see."),
            "fields": {},
        }
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)
