"""One error shape for every answer of the API: {"code", "message", "fields"}.

`code` is stable (the service's ValidationError code, or DRF's), `message` is in the caller's
language, `fields` maps an input field to its messages (empty when the error is not about one).
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from enrollment.services.common import CourseBusy

BUSY_RETRY_SECONDS = 2


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"code": code, "message": message, "fields": fields or {}}


def _field_errors(detail: Any) -> dict[str, list[str]]:
    if not isinstance(detail, dict):
        return {}
    fields = {}
    for name, messages in detail.items():
        items = messages if isinstance(messages, list) else [messages]
        fields[name] = [str(item) for item in items]
    return fields


def _service_refusal(exc: ValidationError) -> Response:
    code = getattr(exc, "code", None) or "invalid"
    fields = {}
    if hasattr(exc, "error_dict"):
        fields = {
            name: [str(m) for e in errors for m in e.messages]
            for name, errors in exc.error_dict.items()
        }
        first = next(iter(exc.error_dict.values()))[0]
        code = getattr(first, "code", None) or code
    return Response(error_body(code, " ".join(exc.messages), fields), status=400)


def _from_drf(exc: exceptions.APIException, response: Response) -> Response:
    if isinstance(exc, exceptions.ValidationError):
        fields = _field_errors(exc.detail)
        codes = exc.get_codes()
        code = "invalid"
        if isinstance(codes, dict) and len(codes) == 1:
            only = next(iter(codes.values()))
            code = only[0] if isinstance(only, list) and only and isinstance(only[0], str) else code
        message = (
            _("Please correct the fields listed.")
            if fields
            else " ".join(
                str(item) for item in (exc.detail if isinstance(exc.detail, list) else [exc.detail])
            )
        )
        response.data = error_body(code, message, fields)
        return response
    detail = exc.detail
    code = getattr(detail, "code", None) or exc.default_code
    response.data = error_body(str(code), str(detail))
    return response


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, CourseBusy):
        response = Response(
            error_body("busy", str(exc)), status=status.HTTP_503_SERVICE_UNAVAILABLE
        )
        response["Retry-After"] = str(BUSY_RETRY_SECONDS)
        return response
    if isinstance(exc, ValidationError):
        return _service_refusal(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found, or not yours to see."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    return _from_drf(exc, response)
