"""Request ids, JSON log lines and timings, carried from a request into the tasks it causes.

Every log line carries the id of the request (or task) that wrote it, so an operator can
follow one registration from the web server into the Celery worker that mailed it.
"""

import json
import logging
import time
import uuid
from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("portal_request_id", default="-")
client_ip_var: ContextVar[str | None] = ContextVar("portal_client_ip", default=None)
timing_logger = logging.getLogger("portal.timing")

HEADER = "portal_request_id"


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and extra fields."""

    EXTRA = ("method", "path", "status", "duration_ms", "task", "task_id", "state", "user_id")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        for key in self.EXTRA:
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestIdMiddleware:
    """Adopt the proxy's X-Request-ID (or make one), answer with it, and log the timing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = (
            incoming if 8 <= len(incoming) <= 64 and incoming.isalnum() else new_request_id()
        )
        token = request_id_var.set(request_id)
        ip_token = client_ip_var.set(_client_ip(request))
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            user = getattr(request, "user", None)
            timing_logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            request_id_var.reset(token)
            client_ip_var.reset(ip_token)


def _client_ip(request) -> str | None:
    # The same reading of proxy headers as the login throttling (PORTAL_PROXY_COUNT).
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


# --- Celery: carry the id into tasks and log their timings ---------------------------------

_task_started: dict[str, float] = {}


def before_task_publish(headers=None, **kwargs) -> None:
    if headers is not None and HEADER not in headers:
        headers[HEADER] = request_id_var.get()


def task_prerun(task_id=None, task=None, **kwargs) -> None:
    request_id = getattr(task.request, HEADER, None) or f"task-{(task_id or '')[:8]}"
    request_id_var.set(request_id)
    _task_started[task_id] = time.perf_counter()


def task_postrun(task_id=None, task=None, state=None, **kwargs) -> None:
    started = _task_started.pop(task_id, None)
    if started is not None:
        timing_logger.info(
            "task",
            extra={
                "task": task.name,
                "task_id": task_id,
                "state": state,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
    request_id_var.set("-")
