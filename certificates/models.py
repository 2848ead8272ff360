"""Certificates of completion: each course's rule, one certificate per registration, and the
ZIP of a course's certificates built by a worker."""

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.models import Course, Session
from enrollment.models import Registration
from jobs.models import ZipJob

# Crockford's base32 without I, L, O, U: easy to read aloud and type from paper.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 24  # 120 random bits: guessing a valid code is hopeless


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed (any case, spaces, dashes, O for 0, I/L for 1) as a stored code."""
    text = (text or "")[:100].upper().translate(str.maketrans("OIL", "011"))
    return "".join(ch for ch in text if ch in CODE_ALPHABET)


class CertificateRule(models.Model):
    """What a trainee of the course must have done to receive a certificate.

    Only courses with a rule get certificates automatically when they finish.
    """

    course = models.OneToOneField(
        Course,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="certificate_rule",
    )
    auto_issue = models.BooleanField(
        _("issue automatically when the course finishes"),
        default=True,
        help_text=_("Every trainee who meets the rule receives a certificate."),
    )
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"),
        default=80,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Share of the sessions that apply to the trainee, present or late."),
    )
    count_excused = models.BooleanField(
        _("excused sessions count as attended"),
        default=False,
    )
    required_sessions = models.ManyToManyField(
        Session,
        verbose_name=_("sessions that must be attended"),
        blank=True,
        related_name="+",
        help_text=_("For example the opening ceremony; present or late."),
    )
    require_feedback = models.BooleanField(_("feedback must be submitted"), default=False)
    min_hours = models.DecimalField(
        _("minimum learning hours"),
        max_digits=5,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Learning hours the trainee must have earned; 0 for no minimum."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("certificate rule")
        verbose_name_plural = _("certificate rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_attendance_percent__lte=100), name="certificate_rule_percent_max"
            ),
        ]

    def __str__(self) -> str:
        return str(self.course)


def certificate_upload_to(instance: "Certificate", filename: str) -> str:
    return f"certificates/{uuid.uuid4().hex}.pdf"


class Certificate(models.Model):
    """One registration's certificate. The details printed on it are kept as issued."""

    class Status(models.TextChoices):
        ISSUED = "issued", pgettext_lazy("certificate status", "Issued")
        REVOKED = "revoked", pgettext_lazy("certificate status", "Revoked")

    registration = models.OneToOneField(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="certificate",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="certificates"
    )
    code = models.CharField(
        pgettext_lazy("certificate", "code"), max_length=32, unique=True, default=new_code
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ISSUED
    )
    trainee_name = models.CharField(_("trainee"), max_length=100)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, default=0)
    attendance_percent = models.PositiveSmallIntegerField(_("attendance (%)"), default=0)
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when issued automatically by the rule."),
    )
    issue_reason = models.TextField(_("reason for issuing by hand"), blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)
    # Written on the first download; the printed details never change after issue.
    pdf = models.FileField(_("PDF"), upload_to=certificate_upload_to, max_length=200, blank=True)
    # Set when the holder deleted their account: the certificate stays valid, without them.
    holder_details_removed_at = models.DateTimeField(
        _("holder's details removed"), null=True, blank=True
    )

    class Meta:
        ordering = ["course", "pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        indexes = [models.Index(fields=["course", "status"], name="certificate_course_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="issued") | Q(revoked_at__isnull=False),
                name="certificate_revoked_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainee_name} – {self.course}"

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.ISSUED


def archive_upload_to(instance: "CertificateArchive", filename: str) -> str:
    return f"certificates/archives/{uuid.uuid4().hex}.zip"


class CertificateArchive(ZipJob):
    """Every issued certificate of a course as one ZIP, built by a worker with progress."""

    run_task = "certificates.archive_build"
    tmp_dir = "certificates/tmp"
    claim_related = ("course",)

    course = models.ForeignKey(
        Course,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="certificate_archives",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=10)
    file = models.FileField(
        pgettext_lazy("uploaded file", "file"),
        upload_to=archive_upload_to,
        max_length=200,
        blank=True,
    )

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("certificate archive")
        verbose_name_plural = _("certificate archives")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_done__lte=models.F("progress_total")),
                name="certificate_archive_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.created_at:%Y-%m-%d %H:%M}"
