"""The base of every spreadsheet about one course (attendance, questions, feedback...)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.types import AnyUser
from courses.models import Course
from courses.selectors import course_list_exportable_by
from exports.registry import Exporter


class CourseExporter(Exporter):
    """An export of one course (`params["course"]`), for its organisers and administrators.

    Not registered itself: apps subclass it with a `name`, `title`, `total` and `write`.
    A subclass that needs more of the course (a survey, say) overrides `course_exists`
    and the message and code of the error for a course that does not qualify. That check runs
    only after `can_request`: a course the caller may not export is not found, whether or not
    it exists, so an id tells a stranger nothing.
    """

    about_one_object = True
    invalid_course_message = gettext_lazy("Choose a course.")
    invalid_course_code = "invalid_course"

    @classmethod
    def course_exists(cls, course_id: int) -> bool:
        """Whether `course_id` is a course this export can be of."""
        return Course.objects.filter(pk=course_id).exists()

    @classmethod
    def clean_params(cls, data) -> dict:
        try:
            course_id = int(data.get("course") or 0)
        except (TypeError, ValueError):
            course_id = 0
        return {"course": course_id}

    def check(self) -> None:
        if not self.course_exists(self.params["course"]):
            raise ValidationError(str(self.invalid_course_message), code=self.invalid_course_code)

    @property
    def course(self) -> Course:
        if not hasattr(self, "_course"):
            self._course = Course.objects.get(pk=self.params["course"])
        return self._course

    def can_request(self, user: AnyUser) -> bool:
        # Parameters without a course (pk=None, which the stubs refuse) match no course.
        course_id = self.params.get("course")
        return course_list_exportable_by(user).filter(pk=course_id).exists()  # type: ignore[misc]

    def time_zone(self) -> str:
        return str(self.course.tz)

    def describe(self) -> str:
        return f"{self.title}: {self.course.title}"

    def filename(self) -> str:
        return f"{self.course.title}-{self.title}-{timezone.localdate():%Y%m%d}.xlsx"
