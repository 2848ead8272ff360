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
