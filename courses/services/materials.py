"""Slides and handouts: checked on the way in, stored under a random name."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.models import Course, Material, Session
from courses.services.common import ensure_can_edit, ensure_editable
from courses.uploads import check_material


@transaction.atomic
def material_upload(
    *,
    course: Course,
    by: User,
    upload: UploadedFile,
    title: str = "",
    visibility: str = Material.Visibility.TRAINEES,
    session: Session | None = None,
) -> Material:
    ensure_can_edit(course, by)
    ensure_editable(course)
    if session is not None and session.course_id != course.pk:
        raise ValidationError(
            {"session": ValidationError(_("Choose one of this course's sessions."), code="session")}
        )
    if visibility not in Material.Visibility.values:
        raise ValidationError(_("Choose who may see the file."), code="visibility")
    checked = check_material(upload)
    material = Material(
        course=course,
        session=session,
        title=(title or "").strip() or checked.display_name.rsplit(".", 1)[0],
        original_name=checked.display_name,
        size=checked.size,
        content_type=checked.content_type,
        sha256=checked.sha256,
        visibility=visibility,
        uploaded_by=by,
    )
    # The storage name is random (see material_upload_to); only the extension is kept.
    material.file.save(f"upload.{checked.extension}", upload, save=False)
    try:
        material.save()
    except Exception:
        material.file.storage.delete(material.file.name)
        raise
    return material


@transaction.atomic
def material_delete(*, material: Material, by: User) -> None:
    ensure_can_edit(material.course, by)
    name = material.file.name
    storage = material.file.storage
    material.delete()
    transaction.on_commit(lambda: storage.delete(name), robust=True)
