from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditEvent(models.Model):
    """One sensitive action: who did what to which object, when, from where.

    Rows are only ever added; administrators read them in the Django admin.
    """

    class Action(models.TextChoices):
        ROLE_GRANTED = "role.granted", _("Role granted")
        ROLE_REVOKED = "role.revoked", _("Role revoked")
        USER_DEACTIVATED = "user.deactivated", _("Account deactivated")
        REGISTRATION_APPROVED = "registration.approved", _("Registration approved")
        REGISTRATION_REJECTED = "registration.rejected", _("Registration rejected")
        EXPORT_REQUESTED = "export.requested", _("Export requested")
        EXPORT_DOWNLOADED = "export.downloaded", _("Export downloaded")
        DOCUMENT_CHANGED = "document.changed", _("Policy document changed")
        CERTIFICATE_ISSUED = "certificate.issued", _("Certificate issued by hand")
        CERTIFICATE_REVOKED = "certificate.revoked", _("Certificate revoked")
        CHECKIN_STAFF_ASSIGNED = "checkin_staff.assigned", _("Check-in staff assigned to a course")
        CHECKIN_STAFF_UNASSIGNED = (
            "checkin_staff.unassigned",
            _("Check-in staff removed from a course"),
        )
        API_TOKEN_CREATED = "api.token_created", _("API token created")
        API_TOKEN_REVOKED = "api.token_revoked", _("API token revoked")
        API_WRITE = "api.write", _("Change made with an API token")
        CERTIFICATES_ISSUED_BY_RULE = (
            "certificates.issued_by_rule",
            _("Certificates issued by the course's rule on request"),
        )
        COURSE_PUBLISHED = "course.published", _("Course published")
        COURSE_CANCELLED = "course.cancelled", _("Course cancelled")
        CAPACITY_CHANGED = "course.capacity_changed", _("Capacity changed")
        QUOTA_ADDED = "quota.added", _("Quota added")
        QUOTA_CHANGED = "quota.changed", _("Quota changed")
        QUOTA_REMOVED = "quota.removed", _("Quota removed")
        ERASURE_REQUESTED = "erasure.requested", _("Account deletion asked for")
        ERASURE_CANCELLED = "erasure.cancelled", _("Account deletion cancelled")
        ERASURE_HELD = "erasure.held", _("Account deletion held")
        ERASURE_RELEASED = "erasure.released", _("Account deletion no longer held")
        ERASURE_DONE = "erasure.done", _("Account anonymised")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("done by", "by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("by (as recorded)"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    target_type = models.CharField(_("object type"), max_length=60, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_name = models.CharField(_("object"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    created_at = models.DateTimeField(
        pgettext_lazy("time of event", "when"), auto_now_add=True, db_index=True
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["action", "-created_at"], name="audit_action_time")]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_name}"
        )
