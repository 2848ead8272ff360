"""The questions spreadsheet of a course: every question with its status, votes and answer.

It is for the course's organisers and administrators, so it names the asker, anonymous or not
(anonymity is towards other trainees, never towards organisers); a column says whether the
trainee asked anonymously."""

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from courses.exporters import CourseExporter
from exports.registry import register
from exports.writer import Column
from questions.models import Question

DATETIME = "yyyy-mm-dd hh:mm"
CHUNK = 2000


@register
class QuestionListExporter(CourseExporter):
    name = "questions.list"
    title = gettext_lazy("Questions")

    def _questions(self) -> QuerySet[Question]:
        return Question.objects.filter(course_id=self.params["course"])

    def total(self) -> int:
        return self._questions().count()

    def columns(self) -> list[Column]:
        """The sheet's columns, headed in the active language."""
        return [
            Column(pgettext("row number", "No."), 6),
            Column(_("Question"), 50, wrap=True),
            Column(_("Asked by"), 12),
            Column(_("Organisation"), 24),
            Column(_("Anonymous to other trainees"), 10),
            Column(_("Asked"), 10),
            Column(_("Created"), 16, DATETIME),
            Column(_("Session"), 24),
            Column(_("Speaker"), 12),
            Column(_("Topic"), 14),
            Column(_("Status"), 14),
            Column(_("Visible to trainees"), 10),
            Column(_("Votes"), 8),
            Column(_("Duplicate of"), 10),
            Column(_("Answer"), 50, wrap=True),
            Column(_("Answered by"), 12),
            Column(_("Answered"), 16, DATETIME),
        ]

    def rows(self):
        """The questions in the order they were asked, with their vote counts."""
        return (
            self._questions()
            .annotate(vote_count=Count("votes"))
            .values_list(
                "pk",
                "text",
                "asker__full_name",
                "asker__organisation__name",
                "anonymous",
                "asked_phase",
                "created_at",
                "session__title",
                "speaker__name",
                "topic",
                "status",
                "visible_to_trainees",
                "vote_count",
                "merged_into_id",
                "answer",
                "answered_by__full_name",
                "answered_at",
            )
            .order_by("created_at", "pk")
        )

    def write(self, book, progress) -> None:
        yes, no = pgettext("yes or no", "Yes"), pgettext("yes or no", "No")
        statuses = dict(Question.Status.choices)
        phases = dict(Question.Phase.choices)
        sheet = book.sheet(_("Questions"), self.columns())
        count = 0
        for row in self.rows().iterator(chunk_size=CHUNK):
            (pk, text, asker, org, anonymous, phase, created, session, speaker, topic, status,
             visible, votes, merged, answer, answered_by, answered_at) = row  # fmt: skip
            sheet.append(
                [
                    pk,
                    text,
                    asker,
                    org or "",
                    yes if anonymous else no,
                    str(phases.get(phase, phase)),
                    created,
                    session or "",
                    speaker or "",
                    topic,
                    str(statuses.get(status, status)),
                    yes if visible else no,
                    votes,
                    merged or "",
                    answer,
                    answered_by or "",
                    answered_at,
                ]
            )
            count += 1
            if count % 200 == 0:
                progress(count)
        progress(count)
