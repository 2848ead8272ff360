"""A course's feedback survey, its questions, and the trainees' responses."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.models import Course, Session


class Survey(models.Model):
    course = models.OneToOneField(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="survey"
    )
    intro = models.TextField(_("introduction"), blank=True)
    open_days = models.PositiveSmallIntegerField(
        pgettext_lazy("survey", "days open"),
        default=7,
        help_text=_("The survey opens when the course's last session starts."),
    )
    anonymous = models.BooleanField(
        _("anonymous responses"),
        default=True,
        help_text=_("Organisers then see only totals and texts, without names."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return str(self.course)


class SurveyQuestion(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating (1–5)")
        SESSION_RATING = "session_rating", _("Rating of each session (1–5)")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TEXT = "text", pgettext_lazy("survey question kind", "Free text")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(
        pgettext_lazy("survey question", "kind"), max_length=20, choices=Kind.choices
    )
    text = models.CharField(_("question"), max_length=300)
    choices = models.TextField(_("choices"), blank=True, help_text=_("One choice per line."))
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class SurveyResponse(models.Model):
    """One trainee's response. The respondent is kept only to allow one response each; an
    anonymous survey's results never show it."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_responses"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(fields=["survey", "respondent"], name="survey_response_once")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.pk}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"
