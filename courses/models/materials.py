"""Slides and handouts of a course, stored under random names."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.models.course import Course
from courses.models.timetable import Session


def material_upload_to(instance: "Material", filename: str) -> str:
    # The stored name is random: the user's file name never reaches the file system.
    suffix = PurePosixPath(filename).suffix.lower()
    return f"materials/{uuid.uuid4().hex}{suffix}"


class Material(models.Model):
    """Slides and handouts of a course or one of its sessions."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        TRAINEES = "trainees", _("Registered trainees")
        ORGANISERS = "organisers", _("Organisers only")

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="materials"
    )
    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="materials",
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        pgettext_lazy("uploaded file", "file"), upload_to=material_upload_to, max_length=200
    )
    original_name = models.CharField(pgettext_lazy("uploaded file", "file name"), max_length=200)
    size = models.PositiveBigIntegerField(pgettext_lazy("file size", "size"))
    content_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    visibility = models.CharField(
        _("visible to"), max_length=20, choices=Visibility.choices, default=Visibility.TRAINEES
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["session__starts_at", "title", "pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:material-download", args=[self.pk])

    @property
    def file_kind(self) -> str:
        """PDF, PPTX... for lists, from the checked display name."""
        return PurePosixPath(self.original_name).suffix.lstrip(".").upper()
