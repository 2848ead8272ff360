"""API tokens: a system's credential, stored as a hash, shown once when created."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Scope(models.TextChoices):
    """What a token may do; the owner's own permissions still apply on top."""

    READ_COURSES = "courses:read", _("Read courses and policy documents")
    MANAGE_REGISTRATIONS = "registrations:write", _("Read and manage registrations")
    WRITE_ATTENDANCE = "attendance:write", _("Mark attendance")
    EXPORTS = "exports", _("Start and download exports")
    READ_PERSONAL_DATA = "personal:read", _("Read personal data (mobile numbers, e-mail addresses)")


class ApiToken(models.Model):
    """A credential for another system, acting as its owner within its scopes.

    Only the SHA-256 of the secret is stored: the secret is long and random, so a slow hash
    adds nothing, and a stolen database gives no usable token. `prefix` (the secret's first
    characters) lets people tell their tokens apart.
    """

    name = models.CharField(pgettext_lazy("token", "name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
    )
    scopes = ArrayField(
        models.CharField(max_length=30, choices=Scope.choices),
        verbose_name=_("scopes"),
        default=list,
        blank=True,
    )
    prefix = models.CharField(_("beginning of the token"), max_length=12, editable=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(pgettext_lazy("token", "last used"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class IdempotencyRecord(models.Model):
    """The first answer to a write sent with an `Idempotency-Key`, kept a day: the same key
    and body get it again, a different body with the same key is refused."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("idempotency", "user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    key = models.CharField(_("idempotency key"), max_length=200)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    response = models.JSONField(_("response"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_one_per_user_key")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return self.key
