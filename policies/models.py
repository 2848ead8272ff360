"""The policy document library: documents, their issuing authorities, files and history."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import PINYIN_COLLATION
from portal.indexes import trigram_index


class IssuingAuthority(models.Model):
    """A body that issues documents (国务院办公厅, 教育部...); shared by many documents."""

    name_zh = models.CharField(
        _("Chinese name"), max_length=100, unique=True, db_collation=PINYIN_COLLATION
    )
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    short_name = models.CharField(
        _("short name"),
        max_length=40,
        blank=True,
        help_text=_("The abbreviation used in document numbers, e.g. 发改 or 人社部."),
    )

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("issuing authority")
        verbose_name_plural = _("issuing authorities")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language (Chinese when no English name is known)."""
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh


class Tag(models.Model):
    """A subject tag (技能人才, 职业教育...)."""

    name = models.CharField(
        pgettext_lazy("tag", "name"), max_length=50, unique=True, db_collation=PINYIN_COLLATION
    )

    class Meta:
        ordering = ["name"]
        verbose_name = pgettext_lazy("policy library", "tag")
        verbose_name_plural = pgettext_lazy("policy library", "tags")

    def __str__(self) -> str:
        return self.name


class PolicyDocument(models.Model):
    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        AMENDED = "amended", _("Amended")
        REPEALED = "repealed", _("Repealed")

    class Category(models.TextChoices):
        LAW = "law", pgettext_lazy("document type", "Law")
        REGULATION = "regulation", _("Administrative regulation")
        OPINION = "opinion", _("Opinion")
        NOTICE = "notice", _("Notice")
        PLAN = "plan", _("Plan or programme")
        MEASURES = "measures", _("Measures")
        SPEECH = "speech", _("Speech or instruction")
        OTHER = "other", _("Other")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        TRAINEES = "trainees", _("Registered trainees of linked courses")
        STAFF = "staff", _("Organisers and administrators")

    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=400, blank=True)
    number = models.CharField(
        _("document number"),
        max_length=100,
        blank=True,
        help_text=_("As printed on the document, e.g. 发改振兴〔2015〕2103号."),
    )
    # The parts of `number` (see policies.numbers), so any spelling of it finds the document.
    number_prefix = models.CharField(max_length=100, blank=True, editable=False)
    number_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    number_serial = models.PositiveIntegerField(null=True, blank=True, editable=False)
    number_key = models.CharField(max_length=120, blank=True, editable=False)
    authorities: "models.ManyToManyField[IssuingAuthority, DocumentAuthority]" = (
        models.ManyToManyField(
            IssuingAuthority,
            through="DocumentAuthority",
            related_name="documents",
            verbose_name=_("issuing authorities"),
        )
    )
    issue_date = models.DateField(_("issue date"))
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.IN_FORCE
    )
    category = models.CharField(
        _("category"), max_length=12, choices=Category.choices, default=Category.OTHER
    )
    tags = models.ManyToManyField(
        Tag,
        blank=True,
        related_name="documents",
        verbose_name=pgettext_lazy("policy library", "tags"),
    )
    summary = models.TextField(_("summary"), blank=True)
    full_text = models.TextField(
        pgettext_lazy("policy library", "full text"),
        blank=True,
        help_text=_("Optional; searched but not shown."),
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-issue_date", "-pk"]
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")
        indexes = [
            models.Index(fields=["number_year", "number_serial"], name="policydoc_number_parts"),
            models.Index(fields=["is_published", "visibility"], name="policydoc_published_vis"),
            trigram_index("title", "policydoc_title_trgm"),
            trigram_index("title_en", "policydoc_title_en_trgm"),
            trigram_index("number", "policydoc_number_trgm"),
            trigram_index("summary", "policydoc_summary_trgm"),
            trigram_index("full_text", "policydoc_full_text_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_date__isnull=True)
                | models.Q(effective_date__gte=models.F("issue_date")),
                name="policydoc_effective_after_issue",
            ),
            models.CheckConstraint(
                condition=models.Q(is_published=False) | models.Q(published_at__isnull=False),
                name="policydoc_published_has_date",
            ),
            models.UniqueConstraint(
                fields=["number_key"],
                condition=~models.Q(number_key=""),
                name="policydoc_unique_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）" if self.number else self.title

    def get_absolute_url(self) -> str:
        return reverse("policies:document-detail", args=[self.pk])

    @property
    def display_title(self) -> str:
        if (get_language() or "").startswith("en") and self.title_en:
            return self.title_en
        return self.title

    @property
    def is_superseded(self) -> bool:
        return self.status != self.Status.IN_FORCE


class DocumentAuthority(models.Model):
    """An issuing authority of a document, in the order printed on it (the lead body first)."""

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE)
    authority = models.ForeignKey(IssuingAuthority, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("issuing authority of a document")
        verbose_name_plural = _("issuing authorities of documents")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "authority"], name="docauthority_unique_pair"
            ),
        ]

    def __str__(self) -> str:
        return str(self.authority)


class DocumentRelation(models.Model):
    """`source` amends or replaces `target`; shown on both documents' pages."""

    class Kind(models.TextChoices):
        AMENDS = "amends", _("amends")
        REPLACES = "replaces", _("replaces")

    source = models.ForeignKey(
        PolicyDocument, on_delete=models.CASCADE, related_name="outgoing_relations"
    )
    target = models.ForeignKey(
        PolicyDocument, on_delete=models.CASCADE, related_name="incoming_relations"
    )
    kind = models.CharField(
        pgettext_lazy("document relation", "kind"), max_length=10, choices=Kind.choices
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("document relation")
        verbose_name_plural = _("document relations")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"], name="docrelation_unique_triple"
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="docrelation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.get_kind_display()} {self.target}"


def _stored_file_name(instance: "DocumentFile", filename: str) -> str:
    # Never the uploader's name: a random one with the extension of the detected type.
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"policies/{uuid.uuid4().hex}{suffix}"


class DocumentFile(models.Model):
    class Kind(models.TextChoices):
        ORIGINAL = "original", _("Original")
        TRANSLATION = "translation", _("Translation")
        ATTACHMENT = "attachment", _("Attachment")

    class TextStatus(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Extracted")
        NONE = "none", pgettext_lazy("text extraction", "No text")
        FAILED = "failed", _("Failed")

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(
        pgettext_lazy("document file", "kind"), max_length=12, choices=Kind.choices
    )
    file = models.FileField(
        pgettext_lazy("uploaded file", "file"), upload_to=_stored_file_name, max_length=200
    )
    display_name = models.CharField(pgettext_lazy("uploaded file", "file name"), max_length=200)
    size = models.PositiveBigIntegerField(pgettext_lazy("file size", "size"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    content_type = models.CharField(_("content type"), max_length=120)
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    text = models.TextField(_("extracted text"), blank=True, editable=False)
    text_status = models.CharField(
        _("text extraction"), max_length=8, choices=TextStatus.choices, default=TextStatus.PENDING
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
        ordering = ["kind", "pk"]
        verbose_name = _("document file")
        verbose_name_plural = _("document files")
        indexes = [trigram_index("text", "docfile_text_trgm")]

    def __str__(self) -> str:
        return self.display_name

    def get_download_url(self) -> str:
        return reverse("policies:document-file-download", args=[self.document_id, self.pk])


class DocumentChange(models.Model):
    """One entry of a document's history: who changed what, and when."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Withdrawn from publication")
        FILE_ADDED = "file_added", _("File added")
        FILE_REMOVED = "file_removed", _("File removed")
        STATUS_CHANGED = "status_changed", _("Status changed by a newer document")

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)
    # {"field": {"old": ..., "new": ...}} for edits; {"file": name} for files.
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("document change")
        verbose_name_plural = _("document changes")

    def __str__(self) -> str:
        return f"{self.document_id} {self.action} {self.changed_at:%Y-%m-%d %H:%M}"
