"""Registering the people of an uploaded nominee template: at once, or in a worker."""

from django.core.files.uploadedfile import UploadedFile

from accounts.models import User
from courses.models import Course
from enrollment.imports import check_upload, read_rows
from enrollment.models import ImportJob, Registration
from enrollment.services.import_jobs import import_job_create, sync_row_limit
from enrollment.services.nominees import ExistingProfiles, nominees_import


def nominees_upload(
    *, course: Course, by: User, upload: UploadedFile, language: str
) -> ImportJob | list[Registration]:
    """The registrations of a small file (NomineeErrors lists every problem), or the queued
    ImportJob of a large one. A small file whose only problem is rows for existing accounts
    with another name or unit is kept as an ImportJob waiting for the uploader's choice, as a
    large one is after its check. A file that is no readable template is a ValidationError."""
    data = check_upload(upload)
    total, rows = read_rows(data)
    name = upload.name or ""
    if total > sync_row_limit():
        rows.close()
        return import_job_create(
            course=course, by=by, data=data, original_name=name, language=language
        )
    try:
        return nominees_import(course=course, by=by, rows=rows, source=Registration.Source.IMPORT)
    except ExistingProfiles as exc:
        return import_job_create(
            course=course, by=by, data=data, original_name=name, language=language, kept=exc.kept
        )
