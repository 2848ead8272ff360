"""The whole reading pack as one ZIP: requested by a user, built by a worker, reused while the
pack and what the user may see stay the same.

The manifest fixed at request time lists exactly the items and files the requesting user may
see; its hash names the bundle. A later request by anyone who sees the same set gets the same
bundle; any change (an item, a note, a file, a document's status, what the user may see) gives
a new hash and a new build. The download re-checks that the user's current manifest still has
the bundle's hash, so nobody receives a file they may not (or no longer) see.
"""

import hashlib
import json
import logging
import shutil
import zipfile
from collections.abc import Sequence
from datetime import timedelta
from functools import partial
from typing import Any, Protocol, TypeAlias, cast

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from courses.models import Course, Material, ReadingPackBundle, ReadingPackItem
from courses.pack_contents import (
    contents_html,
    contents_names,
    contents_pdf,
    extension_of,
    item_file_name,
)
from courses.selectors import (
    course_can_edit,
    course_list_visible_to,
    pack_can_view,
    pack_for_course,
)
from policies.models import DocumentAuthority, DocumentFile

logger = logging.getLogger(__name__)

KEEP_DAYS = 14

# The contents of a bundle as plain data (JSON): the course, its sections, their items and
# every item's files with their checksums and names in the ZIP.
Manifest: TypeAlias = dict[str, Any]


class PackChanged(Exception):
    """A file of the manifest changed or disappeared while the bundle was being built."""


def pack_manifest(
    *, course: Course, user: User, language: str, can_edit: bool | None = None
) -> Manifest:
    """What `user` would get in a bundle now, as plain data (in `language`)."""
    if can_edit is None:
        can_edit = course_can_edit(course=course, user=user)
    with translation.override(language):
        sections = []
        position = 0
        for view in pack_for_course(course=course, user=user, can_edit=can_edit):
            if not view.items:
                continue
            items = []
            for item in view.items:
                position += 1
                items.append(_manifest_item(item, position))
            sections.append(
                {"heading": view.section.heading, "note": view.section.note, "items": items}
            )
        return {
            "course_id": course.pk,
            "course_title": course.title,
            "language": language,
            "sections": sections,
        }


class _PrefetchedDocument(Protocol):
    """What `pack_for_course` fetched onto each document (`Prefetch(to_attr=...)`), which the
    model itself does not declare."""

    ordered_files: list[DocumentFile]
    ordered_authorities: list[DocumentAuthority]


def _manifest_item(item: ReadingPackItem, position: int) -> dict[str, Any]:
    """The manifest's entry of the pack's item at `position`, with its files."""
    document = item.document
    sources: Sequence[DocumentFile | Material]
    if document is not None:
        prefetched = cast(_PrefetchedDocument, document)
        title, number = document.display_title, document.number
        sources = prefetched.ordered_files
        entry = {
            "kind": "document",
            "id": document.pk,
            "authorities": [link.authority.name for link in prefetched.ordered_authorities],
            "issue_date": document.issue_date.isoformat(),
            "status": str(document.get_status_display()),
        }
    else:
        material = item.material
        if material is None:  # ruled out by the pack_item_document_xor_material constraint
            raise ValueError(f"pack item {item.pk} holds neither a document nor a material")
        title, number = material.title, ""
        sources = [material]
        entry = {"kind": "material", "id": material.pk, "authorities": []}
    files = [
        _manifest_file(row, position=position, number=number, title=title, copy=copy)
        for copy, row in enumerate(sources, start=1)
    ]
    return {
        **entry,
        "position": position,
        "number": number,
        "title": title,
        "note": item.note,
        "files": files,
    }


def _manifest_file(
    row: DocumentFile | Material, *, position: int, number: str, title: str, copy: int
) -> dict[str, Any]:
    """A file of the manifest: which stored file (and its checksum), and its name in the ZIP."""
    if isinstance(row, DocumentFile):
        model, display = "document_file", row.display_name
    else:
        model, display = "material", row.original_name
    return {
        "model": model,
        "id": row.pk,
        "sha256": row.sha256,
        "name": item_file_name(
            position=position,
            number=number,
            title=title,
            extension=extension_of(display),
            copy=copy,
        ),
    }


def manifest_hash(manifest: Manifest) -> str:
    encoded = json.dumps(manifest, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _file_count(manifest: Manifest) -> int:
    return sum(len(item["files"]) for section in manifest["sections"] for item in section["items"])


def reading_pack_bundle_request(*, course: Course, user: User, language: str) -> ReadingPackBundle:
    """The bundle of what `user` may see now: an existing one, or a new one queued for a worker."""
    can_edit = course_can_edit(course=course, user=user)
    if not pack_can_view(user=user, course=course, can_edit=can_edit):
        raise PermissionDenied(
            gettext_lazy(
                "The reading pack is for the course's registered trainees and its organisers."
            )
        )
    manifest = pack_manifest(course=course, user=user, language=language, can_edit=can_edit)
    if not manifest["sections"]:
        raise ValidationError(
            gettext_lazy("The reading pack has nothing you can download yet."), code="empty"
        )
    digest = manifest_hash(manifest)
    with transaction.atomic():
        bundle, created = ReadingPackBundle.objects.get_or_create(
            course=course,
            content_hash=digest,
            defaults={"manifest": manifest, "progress_total": _file_count(manifest)},
        )
        bundle = ReadingPackBundle.objects.select_for_update().get(pk=bundle.pk)
        bundle.last_requested_at = timezone.now()
        fields = ["last_requested_at"]
        file_missing = bundle.status == ReadingPackBundle.Status.DONE and not (
            bundle.file and bundle.file.storage.exists(bundle.file.name)
        )
        if bundle.status == ReadingPackBundle.Status.FAILED or file_missing:
            bundle.status = ReadingPackBundle.Status.QUEUED
            bundle.progress_done = 0
            bundle.attempts = 0
            bundle.error = ""
            bundle.file = ""
            fields += ["status", "progress_done", "attempts", "error", "file"]
        bundle.save(update_fields=fields)
        if bundle.status != ReadingPackBundle.Status.DONE:
            # A second dispatch of a running bundle is harmless: only one worker claims it.
            # With the broker down, asking again once it is back dispatches it again.
            bundle.enqueue_on_commit()
    return bundle


def pack_bundle_for_download(*, bundle_id: int, user: User) -> ReadingPackBundle:
    """A finished bundle whose contents are exactly what `user` may see now.

    Raises ReadingPackBundle.DoesNotExist when the user may not have it; `PackChanged` when
    the pack (or what the user may see) changed since it was built.
    """
    bundle = pack_bundle_for_progress(bundle_id=bundle_id, user=user)
    current = pack_manifest(
        course=bundle.course, user=user, language=bundle.manifest.get("language", "zh-hans")
    )
    if manifest_hash(current) != bundle.content_hash:
        raise PackChanged
    return bundle


def pack_bundle_for_progress(*, bundle_id: int, user: User) -> ReadingPackBundle:
    """A bundle of a course whose pack `user` may see (for its progress page)."""
    bundle = ReadingPackBundle.objects.select_related("course").get(pk=bundle_id)
    course = bundle.course
    if not course_list_visible_to(user).filter(pk=course.pk).exists():
        raise ReadingPackBundle.DoesNotExist
    if not pack_can_view(user=user, course=course):
        raise ReadingPackBundle.DoesNotExist
    return bundle


def _source(entry: dict[str, Any]) -> FieldFile:
    """The stored file of a manifest entry, unchanged since the request, or PackChanged."""
    model = DocumentFile if entry["model"] == "document_file" else Material
    row = model.objects.filter(pk=entry["id"], sha256=entry["sha256"]).first()
    if row is None:
        raise PackChanged
    stored: FieldFile = row.file
    return stored


def reading_pack_bundle_build(*, bundle_id: int) -> str:
    """Write the ZIP of one bundle. Safe to call again: only one call builds a bundle."""
    bundle = ReadingPackBundle.claim(bundle_id)
    if bundle is None:
        return "skipped"
    manifest = bundle.manifest
    with translation.override(manifest.get("language", "zh-hans")):
        if bundle.attempts_exhausted():
            return bundle.fail(_("Building the reading pack stopped several times. Try again."))
        return bundle.build_zip(
            file_name="pack.zip",
            write=partial(_write_zip, bundle, manifest),
            on_error=partial(_failed, bundle),
        )


def _failed(bundle: ReadingPackBundle, exc: Exception) -> str:
    if isinstance(exc, PackChanged):
        return bundle.fail(
            _("The reading pack changed while it was being built. Please ask for it again."),
        )
    if isinstance(exc, SoftTimeLimitExceeded):
        return bundle.fail(_("Building the reading pack took too long. Try again later."))
    logger.exception("reading pack bundle %s failed", bundle.pk)
    return bundle.fail(
        _("Building the reading pack failed: %(error)s") % {"error": type(exc).__name__},
    )


def _write_zip(bundle: ReadingPackBundle, manifest: Manifest, archive: zipfile.ZipFile) -> None:
    pdf_name, html_name = contents_names()
    done = 0
    archive.writestr(pdf_name, contents_pdf(manifest))
    archive.writestr(html_name, contents_html(manifest))
    for section in manifest["sections"]:
        for item in section["items"]:
            for entry in item["files"]:
                stored = _source(entry)
                with stored.open("rb") as source, archive.open(entry["name"], "w") as target:
                    shutil.copyfileobj(source, target, 1024 * 1024)
                done += 1
                bundle.heartbeat(done)


def reading_pack_bundle_cleanup() -> int:
    """Delete bundles nobody asked for in KEEP_DAYS days (and their files)."""
    cutoff = timezone.now() - timedelta(days=KEEP_DAYS)
    return ReadingPackBundle.delete_with_files(
        ReadingPackBundle.objects.filter(last_requested_at__lt=cutoff)
    )
