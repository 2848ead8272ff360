"""Trainees' questions to a course, their votes, and the course's published FAQ."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.models import Course, Session, Speaker


class Question(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("question status", "Open")
        ANSWERED = "answered", _("Answered in writing")
        ON_THE_SPOT = "on_the_spot", _("Answered on the spot")
        UNDER_STUDY = "under_study", _("Under further study")
        HIDDEN = "hidden", _("Hidden")

    class Phase(models.TextChoices):
        BEFORE = "before", _("Before the course")
        DURING = "during", _("During the course")

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="questions"
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    text = models.TextField(_("question"), max_length=2000)
    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
    )
    speaker = models.ForeignKey(
        Speaker,
        verbose_name=_("speaker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
    )
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    anonymous = models.BooleanField(_("anonymous to other trainees"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    visible_to_trainees = models.BooleanField(_("visible to trainees"), default=False)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    asked_phase = models.CharField(_("asked"), max_length=10, choices=Phase.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["course", "status"], name="question_course_status")]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_answered(self) -> bool:
        return self.status in ANSWERED_STATUSES

    @property
    def asker_for_trainees(self) -> str:
        """What other trainees see of the asker: the name, or nothing if anonymous."""
        return "" if self.anonymous else self.asker.full_name


ANSWERED_STATUSES = (Question.Status.ANSWERED, Question.Status.ON_THE_SPOT)


class Vote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_votes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("question vote", "vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="vote_once_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.question_id}"


class Faq(models.Model):
    """A course's answered questions, published after the course."""

    class Grouping(models.TextChoices):
        SESSION = "session", _("By session")
        TOPIC = "topic", _("By topic")

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="faq")
    grouping = models.CharField(
        _("grouped"), max_length=10, choices=Grouping.choices, default=Grouping.SESSION
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("FAQ")
        verbose_name_plural = pgettext_lazy("questions", "FAQs")

    def __str__(self) -> str:
        return f"FAQ {self.course_id}"
