"""Serving stored files privately; reusable by any app that keeps files behind permissions."""

from pathlib import PurePosixPath
from urllib.parse import quote

from django.http import FileResponse

from policies.uploads import safe_display_name


def attachment_disposition(display_name: str) -> str:
    """`attachment` with an ASCII fallback name and the real one as RFC 5987 `filename*`."""
    name = safe_display_name(display_name)
    suffix = PurePosixPath(name).suffix.encode("ascii", "ignore").decode("ascii")
    stem = name[: len(name) - len(suffix)] if suffix else name
    stem = stem.encode("ascii", "ignore").decode("ascii").strip()
    fallback = (stem if stem.strip(" ._-") else "download") + suffix
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def private_file_response(field_file, *, display_name: str, content_type: str) -> FileResponse:
    """The stored file as a download: never rendered inline, never sniffed, never cached."""
    response = FileResponse(field_file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(display_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
