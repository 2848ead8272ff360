from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutgoingMail(models.Model):
    """One e-mail to send: the outbox row, written in the transaction of the change it reports.

    Delivery is at-least-once: a worker that dies after the SMTP server accepted the message
    but before the row was marked sent leaves it in `sending`; the sweeper hands it out again.
    A batch's sent rows are marked together when it is done, so that window is the sending
    time of one batch (well under a second); losing a message would be worse than a rare
    duplicate.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", pgettext_lazy("outgoing mail", "Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(pgettext_lazy("outgoing mail", "key"), max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to_email = models.EmailField(pgettext_lazy("e-mail recipient", "to"), max_length=254)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(pgettext_lazy("outgoing mail", "text body"))
    body_html = models.TextField(pgettext_lazy("outgoing mail", "HTML body"), blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(pgettext_lazy("outgoing mail", "sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_pending_due",
                condition=Q(status="pending"),
            ),
            models.Index(
                fields=["claimed_at"], name="outbox_sending", condition=Q(status="sending")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"),
                name="outbox_sent_has_sent_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to_email}: {self.subject}"
