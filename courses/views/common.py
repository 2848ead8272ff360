"""What the course pages share: the course a visitor may see, an organiser's form page, and
the lookup of one object of a course the organiser may change."""

from operator import attrgetter

from django.db.models import Model
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from courses import selectors
from courses.mixins import ManagedCourseMixin
from courses.models import Course
from portal.access import ScopedObjectMixin
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


class CourseObjectMixin(ScopedObjectMixin):
    """The object the URL names (`object_kwarg`), among those of the courses the user may
    change, as `self.<object_name>`, and its course as `self.course`; out of scope is 404.
    Each step on it leads back to the course's list of such objects (`list_url_name`)."""

    model: type[Model]
    object_kwarg = ""
    object_name = ""
    #: The way from the object to its course, and what else its pages show with it.
    course_path = "course"
    related: tuple[str, ...] = ()
    list_url_name = ""

    def look_up(self, **kwargs) -> None:
        editable = selectors.course_list_editable_by(self.request.user)
        queryset = self.model._default_manager.select_related(self.course_path, *self.related)
        found = get_object_or_404(
            queryset.filter(**{f"{self.course_path}__in": editable}),
            pk=kwargs[self.object_kwarg],
        )
        setattr(self, self.object_name, found)
        self.course = attrgetter(self.course_path.replace("__", "."))(found)

    def get_success_url(self, result) -> str:
        return reverse(self.list_url_name, args=[self.course.pk])
