"""What the course pages share: the course a visitor may see, and an organiser's form page."""

from django.http import Http404

from courses import selectors
from courses.mixins import ManagedCourseMixin
from courses.models import Course
from portal.views_base import ServiceFormView


def visible_course(request, pk: int) -> Course:
    try:
        return selectors.course_detail_for(course_id=pk, user=request.user)
    except Course.DoesNotExist:
        raise Http404 from None


class CourseFormView(ManagedCourseMixin, ServiceFormView):
    """A form on one course's editor page; invalid or refused input shows it again (400)."""

    invalid_status = 400

    def get_context_data(self, **kwargs) -> dict:
        return {"course": self.course, **kwargs}
