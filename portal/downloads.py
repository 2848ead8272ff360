"""Serving private files: only after the view checked permission, always as an attachment.

With PORTAL_X_ACCEL_REDIRECT set (production behind nginx), Django answers with headers only
and nginx streams the file from the shared media volume (an `internal` location), so web
workers are not tied up by large downloads.
"""

from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase


def content_disposition(filename: str) -> str:
    """RFC 6266/5987: an ASCII fallback plus the exact UTF-8 name; no header injection.

    `关于加强高技能人才的意见.pdf` gives `filename="download.pdf"` for old clients and the
    real name, percent-encoded, in `filename*`.
    """
    name = "".join(ch for ch in filename if ch >= " " and ch not in "\x7f/\\").strip() or "download"
    suffix = PurePosixPath(name).suffix
    stem = name[: len(name) - len(suffix)] if suffix else name
    ascii_only = "".join(ch for ch in stem if 32 <= ord(ch) < 127 and ch not in '"\\;').strip()
    ascii_suffix = "".join(ch for ch in suffix if 32 <= ord(ch) < 127 and ch not in '"\\;')
    fallback = (ascii_only if ascii_only.strip(" ._-") else "download") + ascii_suffix
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def private_file_response(*, file, filename: str, content_type: str) -> HttpResponseBase:
    """An attachment response for a FieldFile the caller has already authorised."""
    prefix = getattr(settings, "PORTAL_X_ACCEL_REDIRECT", "")
    response: HttpResponseBase
    if prefix and isinstance(file.storage, FileSystemStorage):
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(file.name)
    else:
        try:
            response = FileResponse(file.open("rb"), content_type=content_type)
        except FileNotFoundError:
            raise Http404 from None
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
