"""Writes on the library. Every change to a document is recorded in its history."""

import datetime
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from jobs.dispatch import enqueue_on_commit
from policies import extraction
from policies.models import (
    DocumentAuthority,
    DocumentChange,
    DocumentFile,
    DocumentRelation,
    IssuingAuthority,
    PolicyDocument,
    Tag,
)
from policies.numbers import number_parts
from policies.selectors import document_can_edit, user_is_library_staff
from policies.uploads import ATTACHMENT_KINDS, ORIGINAL_KINDS
from portal.uploads import safe_display_name, validate_upload

logger = logging.getLogger(__name__)

# Long texts are kept in the history only as their beginning.
HISTORY_TEXT_LIMIT = 300


@dataclass
class DocumentData:
    """Everything an editor sets on a document (the form's cleaned data)."""

    title: str
    issue_date: datetime.date
    authorities: Sequence[IssuingAuthority]
    title_en: str = ""
    number: str = ""
    effective_date: datetime.date | None = None
    status: str = PolicyDocument.Status.IN_FORCE
    category: str = PolicyDocument.Category.OTHER
    tags: Sequence[str] = field(default_factory=list)
    summary: str = ""
    full_text: str = ""
    visibility: str = PolicyDocument.Visibility.PUBLIC
    amends: Sequence[PolicyDocument] = field(default_factory=list)
    replaces: Sequence[PolicyDocument] = field(default_factory=list)


SCALAR_FIELDS = [
    "title",
    "title_en",
    "number",
    "issue_date",
    "effective_date",
    "status",
    "category",
    "summary",
    "full_text",
    "visibility",
]


def _field_error(field_name: str, message: str, code: str) -> ValidationError:
    return ValidationError({field_name: ValidationError(message, code=code)})


def _history_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and len(value) > HISTORY_TEXT_LIMIT:
        return value[:HISTORY_TEXT_LIMIT] + "…"
    return value


def _snapshot(document: PolicyDocument) -> dict:
    data = {name: getattr(document, name) for name in SCALAR_FIELDS}
    data["authorities"] = [
        link.authority.name_zh
        for link in DocumentAuthority.objects.filter(document=document).select_related("authority")
    ]
    data["tags"] = sorted(document.tags.values_list("name", flat=True))
    for kind in DocumentRelation.Kind:
        data[kind.value] = sorted(
            str(relation.target)
            for relation in document.outgoing_relations.filter(kind=kind).select_related("target")
        )
    return data


def _diff(before: dict, after: dict) -> dict:
    return {
        name: {"old": _history_value(before.get(name)), "new": _history_value(value)}
        for name, value in after.items()
        if before.get(name) != value
    }


def _record(document: PolicyDocument, action: str, by: User, changes: dict) -> DocumentChange:
    audit_record(
        actor=by,
        action=AuditEvent.Action.DOCUMENT_CHANGED,
        target=document,
        details={"action": action, "fields": sorted(changes)},
    )
    return DocumentChange.objects.create(
        document=document, action=action, changed_by=by, changes=changes
    )


def _clean(data: DocumentData, *, document: PolicyDocument | None) -> dict:
    title = " ".join(data.title.split())
    if not title:
        raise _field_error("title", _("Enter the document's title."), "title")
    if not data.authorities:
        raise _field_error(
            "authorities", _("Choose at least one issuing authority."), "no_authority"
        )
    if data.effective_date and data.effective_date < data.issue_date:
        raise _field_error(
            "effective_date",
            _("A document cannot take effect before it is issued."),
            "effective_before_issue",
        )
    number = data.number.strip()
    parts = number_parts(number)
    if number:
        same = PolicyDocument.objects.filter(number_key=parts["number_key"])
        if document is not None:
            same = same.exclude(pk=document.pk)
        if same.exists():
            raise _field_error(
                "number", _("Another document already has this number."), "duplicate_number"
            )
    linked = [*data.amends, *data.replaces]
    if document is not None and any(other.pk == document.pk for other in linked):
        raise _field_error(
            "amends", _("A document cannot amend or replace itself."), "self_relation"
        )
    return {
        "title": title,
        "title_en": " ".join(data.title_en.split()),
        "number": number,
        **parts,
        "issue_date": data.issue_date,
        "effective_date": data.effective_date,
        "status": data.status,
        "category": data.category,
        "summary": data.summary.strip(),
        "full_text": data.full_text.strip(),
        "visibility": data.visibility,
    }


def _set_authorities(document: PolicyDocument, authorities: Sequence[IssuingAuthority]) -> None:
    DocumentAuthority.objects.filter(document=document).delete()
    seen: set[int] = set()
    links: list[DocumentAuthority] = []
    for authority in authorities:
        if authority.pk in seen:
            continue
        seen.add(authority.pk)
        links.append(DocumentAuthority(document=document, authority=authority, position=len(links)))
    DocumentAuthority.objects.bulk_create(links)


def _tags_from_names(names: Sequence[str]) -> list[Tag]:
    tags = []
    for name in dict.fromkeys(" ".join(name.split()) for name in names):
        if name:
            tags.append(Tag.objects.get_or_create(name=name[:50])[0])
    return tags


def _set_relations(document: PolicyDocument, data: DocumentData) -> None:
    wanted = {(DocumentRelation.Kind.AMENDS, target.pk) for target in data.amends} | {
        (DocumentRelation.Kind.REPLACES, target.pk) for target in data.replaces
    }
    existing = {
        (relation.kind, relation.target_id): relation
        for relation in document.outgoing_relations.all()
    }
    for key, relation in existing.items():
        if key not in wanted:
            relation.delete()
    for kind, target_id in wanted - existing.keys():
        DocumentRelation.objects.create(source=document, target_id=target_id, kind=kind)


def _apply_relations_to_targets(document: PolicyDocument, by: User) -> None:
    """A published document that amends or replaces others changes their status."""
    if not document.is_published:
        return
    relations = document.outgoing_relations.select_related("target").order_by("pk")
    for relation in relations:
        target = PolicyDocument.objects.select_for_update().get(pk=relation.target_id)
        if relation.kind == DocumentRelation.Kind.REPLACES:
            new_status = PolicyDocument.Status.REPEALED
        elif target.status == PolicyDocument.Status.IN_FORCE:
            new_status = PolicyDocument.Status.AMENDED
        else:
            continue
        if target.status == new_status:
            continue
        changes = {
            "status": {"old": target.status, "new": new_status},
            "by_document": {"old": None, "new": str(document)},
        }
        target.status = new_status
        target.save(update_fields=["status", "updated_at"])
        _record(target, DocumentChange.Action.STATUS_CHANGED, by, changes)


@transaction.atomic
def document_create(*, by: User, data: DocumentData, publish: bool = False) -> PolicyDocument:
    if not user_is_library_staff(by):
        raise PermissionDenied
    values = _clean(data, document=None)
    document = PolicyDocument.objects.create(created_by=by, **values)
    _set_authorities(document, data.authorities)
    document.tags.set(_tags_from_names(data.tags))
    _set_relations(document, data)
    _record(document, DocumentChange.Action.CREATED, by, _diff({}, _snapshot(document)))
    if publish:
        _publish(document, by)
    return document


@transaction.atomic
def document_update(*, document_id: int, by: User, data: DocumentData) -> PolicyDocument:
    document = PolicyDocument.objects.select_for_update().get(pk=document_id)
    if not document_can_edit(user=by, document=document):
        raise PermissionDenied
    before = _snapshot(document)
    values = _clean(data, document=document)
    for name, value in values.items():
        setattr(document, name, value)
    document.save()
    _set_authorities(document, data.authorities)
    document.tags.set(_tags_from_names(data.tags))
    _set_relations(document, data)
    changes = _diff(before, _snapshot(document))
    if changes:
        _record(document, DocumentChange.Action.EDITED, by, changes)
        _apply_relations_to_targets(document, by)
    return document


def _publish(document: PolicyDocument, by: User) -> None:
    document.is_published = True
    document.published_at = timezone.now()
    document.save(update_fields=["is_published", "published_at", "updated_at"])
    _record(document, DocumentChange.Action.PUBLISHED, by, {})
    _apply_relations_to_targets(document, by)


@transaction.atomic
def document_publish(*, document_id: int, by: User) -> PolicyDocument:
    document = PolicyDocument.objects.select_for_update().get(pk=document_id)
    if not document_can_edit(user=by, document=document):
        raise PermissionDenied
    if document.is_published:
        raise ValidationError(_("This document is already published."), code="already_published")
    _publish(document, by)
    return document


@transaction.atomic
def document_unpublish(*, document_id: int, by: User) -> PolicyDocument:
    document = PolicyDocument.objects.select_for_update().get(pk=document_id)
    if not document_can_edit(user=by, document=document):
        raise PermissionDenied
    if not document.is_published:
        raise ValidationError(_("This document is not published."), code="not_published")
    document.is_published = False
    document.published_at = None
    document.save(update_fields=["is_published", "published_at", "updated_at"])
    _record(document, DocumentChange.Action.UNPUBLISHED, by, {})
    return document


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def document_file_add(
    *, document_id: int, by: User, kind: str, upload: UploadedFile
) -> DocumentFile:
    """Check and store an uploaded file; its text is extracted for search after commit."""
    document = PolicyDocument.objects.select_for_update().get(pk=document_id)
    if not document_can_edit(user=by, document=document):
        raise PermissionDenied
    if kind not in DocumentFile.Kind.values:
        raise ValidationError(_("Choose what kind of file this is."), code="kind")
    allowed = ATTACHMENT_KINDS if kind == DocumentFile.Kind.ATTACHMENT else ORIGINAL_KINDS
    content_type = validate_upload(upload, allowed)
    # An upload always has a name and a size (validate_upload has read both).
    display_name = safe_display_name(upload.name or "")
    extractable = extraction.can_extract(content_type)
    document_file = DocumentFile(
        document=document,
        kind=kind,
        display_name=display_name,
        size=upload.size or 0,
        sha256=_sha256(upload),
        content_type=content_type,
        uploaded_by=by,
        text_status=(
            DocumentFile.TextStatus.PENDING if extractable else DocumentFile.TextStatus.NONE
        ),
    )
    document_file.file.save(display_name, upload, save=False)
    stored_name = document_file.file.name
    # The file is written before the row; if saving the row fails, remove it again.
    try:
        document_file.save()
        _record(
            document,
            DocumentChange.Action.FILE_ADDED,
            by,
            {
                "file": {"old": None, "new": display_name},
                "file_kind": {"old": None, "new": kind},
            },
        )
    except Exception:
        document_file.file.storage.delete(stored_name)
        raise
    if extractable:
        enqueue_on_commit("policies.document_file_extract_text", document_file.pk, log=logger)
    return document_file


@transaction.atomic
def document_file_remove(*, file_id: int, by: User) -> None:
    document_file = DocumentFile.objects.select_related("document").get(pk=file_id)
    document = PolicyDocument.objects.select_for_update().get(pk=document_file.document_id)
    if not document_can_edit(user=by, document=document):
        raise PermissionDenied
    storage, name = document_file.file.storage, document_file.file.name
    changes = {
        "file": {"old": document_file.display_name, "new": None},
        "file_kind": {"old": document_file.kind, "new": None},
    }
    document_file.delete()
    _record(document, DocumentChange.Action.FILE_REMOVED, by, changes)
    transaction.on_commit(lambda: storage.delete(name), robust=True)


def document_file_count_download(*, file_id: int) -> None:
    """One more download; an atomic UPDATE, so concurrent downloads are all counted."""
    DocumentFile.objects.filter(pk=file_id).update(download_count=F("download_count") + 1)


def document_file_extract_text(*, file_id: int) -> str:
    """Extract a file's text for search. Idempotent; returns the resulting text status."""
    document_file = DocumentFile.objects.filter(pk=file_id).first()
    if document_file is None:
        return "missing"
    try:
        with document_file.file.open("rb") as stored:
            text = extraction.extract_text(stored, document_file.content_type)
    except extraction.ExtractionError as exc:
        logger.warning("text extraction failed for document file %s: %s", file_id, exc)
        status, text = DocumentFile.TextStatus.FAILED, ""
    else:
        status = DocumentFile.TextStatus.DONE if text else DocumentFile.TextStatus.NONE
    DocumentFile.objects.filter(pk=file_id).update(text=text, text_status=status)
    return status


@transaction.atomic
def authority_create(
    *, by: User, name_zh: str, name_en: str = "", short_name: str = ""
) -> IssuingAuthority:
    if not user_is_library_staff(by):
        raise PermissionDenied
    name_zh = "".join(name_zh.split())
    if not name_zh:
        raise _field_error("name_zh", _("Enter the authority's Chinese name."), "name")
    if IssuingAuthority.objects.filter(name_zh=name_zh).exists():
        raise _field_error(
            "name_zh", _("This issuing authority already exists."), "duplicate_authority"
        )
    return IssuingAuthority.objects.create(
        name_zh=name_zh, name_en=" ".join(name_en.split()), short_name=short_name.strip()
    )
