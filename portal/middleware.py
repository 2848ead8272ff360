import logging

from django.db import OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class ServiceUnavailableMiddleware:
    """Turn database outages and lock timeouts into a friendly 503 instead of a 500.

    psycopg2's LockNotAvailable (our `lock_timeout`) and lost connections both arrive as
    OperationalError; the transaction has been rolled back, so nothing is half-written.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError):
            return None
        logger.warning("503 for %s: %s", request.path, exception)
        # Rendered without the request context: the user and session live in the database.
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response
