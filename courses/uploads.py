"""Checks on uploaded course materials.

The rules are the portal's shared upload rules (portal.uploads: type by content, size,
macros, ZIP and XML bombs, safe display names); this adds the checksum the material keeps.
"""

import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from portal.uploads import FileKind, safe_display_name, validate_upload

MATERIAL_KINDS = frozenset(FileKind)  # PDF, PPTX, DOCX, XLSX, PNG, JPEG


@dataclass(frozen=True)
class CheckedFile:
    display_name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def max_material_bytes() -> int:
    return settings.PORTAL_MATERIAL_MAX_BYTES


def check_material(upload: UploadedFile) -> CheckedFile:
    """Validate an uploaded slide deck or handout; raise ValidationError(code=...)."""
    content_type = validate_upload(upload, MATERIAL_KINDS, max_bytes=max_material_bytes())
    name = safe_display_name(upload.name or "")
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(
        display_name=name,
        extension=PurePosixPath(name.lower()).suffix.lstrip("."),
        content_type=content_type,
        size=upload.size or 0,  # validate_upload refused a file without a size
        sha256=digest.hexdigest(),
    )
