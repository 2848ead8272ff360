"""The feedback spreadsheet of a course: a summary per question and session, and one row per
response (with the respondent's name only if the survey is not anonymous)."""

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from courses.exporters import CourseExporter
from exports.registry import Progress, register
from exports.writer import Column, SafeWorkbook
from feedback import selectors
from feedback.models import Survey, SurveyAnswer, SurveyQuestion

CHUNK = 2000


@register
class SurveyResultsExporter(CourseExporter):
    name = "feedback.results"
    title = gettext_lazy("Feedback")

    invalid_course_message = gettext_lazy("Choose a course with a survey.")

    @classmethod
    def course_exists(cls, course_id: int) -> bool:
        return Survey.objects.filter(course_id=course_id).exists()

    @property
    def survey(self) -> Survey:
        if not hasattr(self, "_survey"):
            if hasattr(self, "_course"):
                self._survey = Survey.objects.get(course_id=self.params["course"])
                self._survey.course = self._course
            else:
                self._survey = Survey.objects.select_related("course").get(
                    course_id=self.params["course"]
                )
                # The course came with the survey: `self.course` need not fetch it again.
                self._course = self._survey.course
        return self._survey

    def total(self) -> int:
        return self.survey.responses.count()

    def write(self, book: SafeWorkbook, progress: Progress) -> None:
        survey = self.survey
        summary = book.sheet(
            pgettext("results sheet", "Summary"),
            [Column(_("Question"), 40), Column(_("Session"), 30), Column(_("Answers"), 10),
             Column(_("Average"), 10, "0.00"), Column(_("Distribution"), 40)],
        )  # fmt: skip
        for row in _summary_rows(selectors.survey_results(survey)):
            summary.append(row)
        self._write_responses(book, progress)

    def _write_responses(self, book, progress) -> None:
        """One row per response, one column per question (per session for session ratings)."""
        survey = self.survey
        columns, keys = self._answer_columns()
        # An anonymous survey's rows carry no name, no time and come in no particular order:
        # when someone responded, or in which order, could tell who they are.
        head = [Column(pgettext("row number", "No."), 6)]
        if not survey.anonymous:
            head += [
                Column(_("Submitted"), 16, "yyyy-mm-dd hh:mm"),
                Column(pgettext("person", "Full name"), 12),
            ]
        sheet = book.sheet(_("Responses"), head + columns)
        answers = self._answers()
        count = 0
        for number, (pk, submitted, name) in enumerate(self._respondents(), start=1):
            row = [number] + ([] if survey.anonymous else [submitted, name])
            sheet.append(row + [answers[pk].get(key, "") for key in keys])
            count += 1
            if count % 200 == 0:
                progress(count)
        progress(count)

    def _answer_columns(self) -> tuple[list[Column], list[tuple[int, int | None]]]:
        """The answer columns and the (question, session) each one shows."""
        survey = self.survey
        questions = selectors.survey_questions(survey)
        sessions = selectors.survey_sessions(survey.course)
        columns: list[Column] = []
        keys: list[tuple[int, int | None]] = []
        for question in questions:
            if question.kind == SurveyQuestion.Kind.SESSION_RATING:
                for session in sessions:
                    columns.append(Column(f"{question.text} · {session.title}", 16))
                    keys.append((question.pk, session.pk))
            else:
                columns.append(Column(question.text, 24, wrap=question.kind == "text"))
                keys.append((question.pk, None))
        return columns, keys

    def _answers(self) -> dict[int, dict[tuple[int, int | None], object]]:
        """Each response's answers by (question, session), as the cells show them."""
        answers: defaultdict[int, dict[tuple[int, int | None], object]] = defaultdict(dict)
        for answer in SurveyAnswer.objects.filter(response__survey=self.survey).iterator(CHUNK):
            value = (
                answer.rating
                if answer.rating is not None
                else ("; ".join(answer.choices) if answer.choices else answer.text)
            )
            answers[answer.response_id][(answer.question_id, answer.session_id)] = value
        return answers

    def _respondents(self):
        """(response, submitted, name) in the sheet's order; neither for an anonymous survey."""
        survey = self.survey
        if survey.anonymous:
            rows = survey.responses.order_by("?").values_list("pk", flat=True)
            return ((pk, None, "") for pk in rows)
        return survey.responses.order_by("submitted_at", "pk").values_list(
            "pk", "submitted_at", "respondent__full_name"
        )


def _summary_rows(results):
    """The response rate, then per question: its average per session and per speaker, or
    (for the other kinds) its answers and their distribution."""
    yield [_("Response rate"), "", results.responses, results.rate, ""]
    for result in results.questions:
        if not result.sessions:
            yield [
                result.question.text,
                "",
                result.answered,
                result.average,
                "; ".join(f"{bar.label}: {bar.count}" for bar in result.bars),
            ]
            continue
        for row in result.sessions:
            yield [result.question.text, row["session"].title, row["answered"], row["average"], ""]
        for row in result.speakers:
            speaker = _("Speaker: %(name)s") % {"name": row["speaker"].name}
            yield [result.question.text, speaker, row["answered"], row["average"], ""]
