"""Every write of certificates: the course's rule, issuing (automatic and by hand), revoking,
the stored PDF, and the ZIP of a course's certificates."""

import logging
import zipfile
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from certificates import selectors
from certificates.models import (
    Certificate,
    CertificateArchive,
    CertificateRule,
    certificate_upload_to,
)
from certificates.pdf import certificate_pdf
from courses.models import Course, Session
from courses.pack_contents import safe_part
from enrollment.models import Registration
from portal.observability import client_ip_var

logger = logging.getLogger(__name__)

ACTION_ISSUED = AuditEvent.Action.CERTIFICATE_ISSUED
ACTION_REVOKED = AuditEvent.Action.CERTIFICATE_REVOKED
ARCHIVE_KEEP_DAYS = 2


def _reason(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Please give a reason."), code="reason_required")
    return text[:2000]


@transaction.atomic
def rule_save(
    *,
    course: Course,
    by: User,
    auto_issue: bool,
    min_attendance_percent: int,
    count_excused: bool,
    require_feedback: bool,
    required_sessions: list[Session],
    min_hours: Decimal = Decimal("0"),
) -> CertificateRule:
    if not 0 <= min_attendance_percent <= 100:
        raise ValidationError(_("The minimum must be between 0 and 100 %."), code="invalid_percent")
    if min_hours < 0:
        raise ValidationError(_("The minimum hours cannot be negative."), code="invalid_hours")
    if any(session.course_id != course.pk for session in required_sessions):
        raise ValidationError(_("That session is not part of this course."), code="invalid_session")
    rule, _created = CertificateRule.objects.update_or_create(
        course=course,
        defaults={
            "auto_issue": auto_issue,
            "min_attendance_percent": min_attendance_percent,
            "count_excused": count_excused,
            "require_feedback": require_feedback,
            "min_hours": min_hours,
        },
    )
    rule.required_sessions.set(required_sessions)
    return rule


def _new_certificate(
    row: selectors.Eligibility, *, now: datetime, by: User | None = None, reason: str = ""
) -> Certificate:
    registration = row.registration
    return Certificate(
        registration=registration,
        course_id=registration.course_id,
        trainee_name=registration.full_name,
        organisation_name=registration.organisation_name,
        hours=row.attended_hours,  # the learning hours earned, as printed
        attendance_percent=row.percent,
        issued_at=now,
        issued_by=by,
        issue_reason=reason,
    )


def certificate_issue_for_course(*, course_id: int, by: User | None = None) -> int:
    """Issue a certificate to every confirmed trainee who meets the rule and has none yet.

    Idempotent and safe to run concurrently: one certificate per registration is a unique
    constraint, and the insert skips registrations that already have one (revoked ones
    included, so a revoked certificate never comes back by itself). Returns how many were new.
    `by`: the organiser who asked for it now (audited); None for the automatic run.
    """
    course = Course.objects.get(pk=course_id)
    if not selectors.course_has_finished(course):
        raise ValidationError(
            _("Certificates are issued once the course has finished."), code="not_finished"
        )
    now = timezone.now()
    new = [
        _new_certificate(row, now=now)
        for row in selectors.eligibility_for_course(course)
        if row.qualifies and row.certificate is None
    ]
    with transaction.atomic():
        before = Certificate.objects.filter(course=course).count()
        Certificate.objects.bulk_create(new, ignore_conflicts=True)
        created = Certificate.objects.filter(course=course).count() - before
        if by is not None:
            audit_record(
                actor=by,
                action=AuditEvent.Action.CERTIFICATES_ISSUED_BY_RULE,
                target=course,
                details={"new_certificates": max(created, 0)},
            )
    logger.info("certificates: %s new for course %s", created, course.pk)
    return max(created, 0)


def certificate_issue_due() -> dict[int, int]:
    """The beat's sweep: every finished course with an automatic rule, ended recently."""
    issued = {}
    for course in selectors.course_list_due_for_certificates():
        if selectors.course_has_finished(course):
            issued[course.pk] = certificate_issue_for_course(course_id=course.pk)
    return issued


def _discard_pdf(name: str) -> None:
    if name:
        transaction.on_commit(partial(default_storage.delete, name), robust=True)


@transaction.atomic
def certificate_issue(
    *, course: Course, registration_id: int, by: User, reason: str
) -> Certificate:
    """An organiser issues a certificate by hand (whatever the rule says), or reinstates a
    revoked one with its old code. The reason is audited."""
    reason = _reason(reason)
    try:
        registration = Registration.objects.select_for_update().get(
            pk=registration_id, course=course
        )
    except Registration.DoesNotExist:
        raise ValidationError(_("There is no such registration."), code="not_found") from None
    if registration.status != Registration.Status.CONFIRMED:
        raise ValidationError(
            _("Only confirmed trainees can receive a certificate."), code="not_confirmed"
        )
    row = selectors.eligibility_for_registration(registration)
    assert row is not None  # every confirmed trainee of the course has one
    certificate = Certificate.objects.select_for_update().filter(registration=registration).first()
    now = timezone.now()
    if certificate is not None and certificate.is_valid:
        raise ValidationError(_("This trainee already has a certificate."), code="already_issued")
    if certificate is not None:
        _discard_pdf(certificate.pdf.name)
        fresh = _new_certificate(row, now=now, by=by, reason=reason)
        for name in ("trainee_name", "organisation_name", "hours", "attendance_percent"):
            setattr(certificate, name, getattr(fresh, name))
        certificate.status = Certificate.Status.ISSUED
        certificate.issued_at, certificate.issued_by, certificate.issue_reason = now, by, reason
        certificate.revoked_at, certificate.revoked_by, certificate.revoke_reason = None, None, ""
        certificate.pdf = ""
        certificate.save()
    else:
        try:
            with transaction.atomic():
                certificate = _new_certificate(row, now=now, by=by, reason=reason)
                certificate.save()
        except IntegrityError:
            # The automatic run inserted one a moment ago.
            raise ValidationError(
                _("This trainee already has a certificate."), code="already_issued"
            ) from None
    audit_record(
        actor=by,
        action=ACTION_ISSUED,
        target=certificate,
        details={
            "reason": reason,
            "registration": registration.pk,
            "meets_rule": row.qualifies,
            "attendance_percent": row.percent,
        },
    )
    return certificate


@transaction.atomic
def certificate_revoke(
    *, course: Course, certificate_id: int, by: User, reason: str
) -> Certificate:
    reason = _reason(reason)
    try:
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id, course=course)
    except Certificate.DoesNotExist:
        raise ValidationError(_("There is no such certificate."), code="not_found") from None
    if not certificate.is_valid:
        raise ValidationError(_("This certificate is already revoked."), code="already_revoked")
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at, certificate.revoked_by, certificate.revoke_reason = (
        timezone.now(),
        by,
        reason,
    )
    certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        actor=by,
        action=ACTION_REVOKED,
        target=certificate,
        details={"reason": reason, "registration": certificate.registration_id},
    )
    return certificate


def certificate_pdf_file(*, certificate: Certificate) -> FieldFile:
    """The certificate's stored PDF, written on first use (a FieldFile)."""
    # The stubs give a FileField's value as Any; it is the field's FieldFile.
    if certificate.pdf and default_storage.exists(certificate.pdf.name):
        return cast(FieldFile, certificate.pdf)
    name = default_storage.save(
        certificate_upload_to(certificate, ""), ContentFile(certificate_pdf(certificate))
    )
    stored = Certificate.objects.filter(pk=certificate.pk, pdf=certificate.pdf.name or "").update(
        pdf=name
    )
    if stored:
        certificate.pdf = name
    else:  # someone else stored it first: use theirs
        default_storage.delete(name)
        certificate.refresh_from_db(fields=["pdf"])
    return cast(FieldFile, certificate.pdf)


# The ZIP of a course's certificates ------------------------------------------------------


def archive_request(*, course: Course, by: User, language: str) -> CertificateArchive:
    with transaction.atomic():
        archive = CertificateArchive.objects.create(
            course=course,
            requested_by=by,
            language=language,
            progress_total=Certificate.objects.filter(
                course=course, status=Certificate.Status.ISSUED
            ).count(),
        )
        archive.enqueue_on_commit()
    return archive


def archive_entry_name(position: int, certificate: Certificate) -> str:
    # The code's start keeps two trainees of the same name apart.
    name = safe_part(certificate.trainee_name) or "certificate"
    return f"{position:03d}-{name}-{certificate.code[:6]}.pdf"


def archive_build(*, archive_id: int) -> str:
    """Write one PDF per issued certificate into a ZIP. Safe to call again: one call builds."""
    archive = CertificateArchive.claim(archive_id)
    if archive is None:
        return "skipped"
    with translation.override(archive.language):
        if archive.attempts_exhausted():
            return archive.fail(_("Building the file stopped several times. Please try again."))
        course = archive.course
        if not course.hosts:  # the PDFs name the hosting organisations or the organisers
            prefetch_related_objects([course], "host_organisations", "organisers")
        certificates = list(
            Certificate.objects.filter(course=course, status=Certificate.Status.ISSUED).order_by(
                "trainee_name", "pk"
            )
        )
        for certificate in certificates:
            certificate.course = course
        archive.set_total(len(certificates))
        return archive.build_zip(
            file_name="certificates.zip",
            write=partial(_write_archive, archive, certificates),
            on_error=partial(_archive_failed, archive),
        )


def _write_archive(
    archive: CertificateArchive, certificates: list[Certificate], bundle: zipfile.ZipFile
) -> None:
    for position, certificate in enumerate(certificates, start=1):
        stored = certificate_pdf_file(certificate=certificate)
        with stored.open("rb") as stream:
            bundle.writestr(archive_entry_name(position, certificate), stream.read())
        archive.heartbeat(position)


def _archive_failed(archive: CertificateArchive, exc: Exception) -> str:
    logger.exception("certificate archive %s failed", archive.pk)
    return archive.fail(_("The file could not be built: %(error)s") % {"error": type(exc).__name__})


def archive_cleanup() -> int:
    """Delete archives older than a few days (the certificates stay; the ZIP is rebuilt on
    request)."""
    cutoff = timezone.now() - timedelta(days=ARCHIVE_KEEP_DAYS)
    return CertificateArchive.delete_with_files(
        CertificateArchive.objects.filter(created_at__lt=cutoff)
    )


def archive_filename(archive: CertificateArchive) -> str:
    return f"{safe_part(archive.course.title)}-{safe_part(_('Certificates'))}.zip"


def verification_lookups_exceeded() -> bool:
    """Count one certificate look-up from the caller's address (the web page and the API share
    the budget): True past PORTAL_CERTIFICATE_VERIFY_RATE in ten minutes. With codes of 120
    random bits guessing is hopeless anyway; this only keeps scanners from wasting work."""
    limit = int(getattr(settings, "PORTAL_CERTIFICATE_VERIFY_RATE", 120))
    key = f"certificates:verify:{client_ip_var.get() or '-'}"
    cache.add(key, 0, timeout=600)
    try:
        return int(cache.incr(key)) > limit
    except ValueError:
        return False
