"""A course's reading pack: sections of policy documents and materials, and its ZIP bundles."""

import uuid
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.models.course import Course
from courses.models.materials import Material
from jobs.models import ZipJob


class ReadingPackSection(models.Model):
    """A heading of a course's reading pack ("compilation of work documents")."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="pack_sections"
    )
    heading = models.CharField(_("heading"), max_length=200)
    note = models.TextField(pgettext_lazy("reading pack", "note"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("reading pack section")
        verbose_name_plural = _("reading pack sections")
        indexes = [models.Index(fields=["course", "order"], name="pack_section_course_idx")]

    def __str__(self) -> str:
        return self.heading


class ReadingPackItem(models.Model):
    """One entry of a pack section: a policy document of the library or a course material."""

    section = models.ForeignKey(
        ReadingPackSection,
        verbose_name=_("section"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    note = models.TextField(pgettext_lazy("reading pack", "note"), blank=True)
    document = models.ForeignKey(
        "policies.PolicyDocument",
        verbose_name=_("policy document"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pack_items",
    )
    material = models.ForeignKey(
        Material,
        verbose_name=_("material"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pack_items",
    )

    if TYPE_CHECKING:
        # Not a field: the item's number through the whole pack, set by `pack_for_course`.
        position: int

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("reading pack item")
        verbose_name_plural = _("reading pack items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(document__isnull=False, material__isnull=True)
                | models.Q(document__isnull=True, material__isnull=False),
                name="pack_item_document_xor_material",
            ),
        ]
        indexes = [models.Index(fields=["section", "order"], name="pack_item_section_idx")]

    def __str__(self) -> str:
        return str(self.document or self.material)


def pack_bundle_upload_to(instance: "ReadingPackBundle", filename: str) -> str:
    return f"reading-packs/{uuid.uuid4().hex}.zip"


class ReadingPackBundle(ZipJob):
    """The whole pack as one ZIP, built by a worker for one set of visible items.

    `content_hash` covers the pack's items, their files' checksums, what the requesting user may
    see and the language of the contents page: users who see the same set share one bundle, and
    any change to the pack gives a new hash, hence a new bundle.
    """

    run_task = "courses.reading_pack_build"
    tmp_dir = "reading-packs/tmp"
    claim_related = ("course",)

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="pack_bundles"
    )
    content_hash = models.CharField(_("content hash"), max_length=64)
    manifest = models.JSONField(_("manifest"), default=dict)
    file = models.FileField(
        pgettext_lazy("uploaded file", "file"),
        upload_to=pack_bundle_upload_to,
        max_length=200,
        blank=True,
    )
    last_requested_at = models.DateTimeField(_("last requested"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("reading pack bundle")
        verbose_name_plural = _("reading pack bundles")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "content_hash"], name="pack_bundle_unique_per_content"
            ),
            models.CheckConstraint(
                condition=models.Q(progress_done__lte=models.F("progress_total")),
                name="pack_bundle_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.content_hash[:12]}"
