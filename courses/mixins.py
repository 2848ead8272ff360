"""Who may open an organiser's page, and the course such a page works on.

Every app's organiser pages for one course (courses, enrollment, attendance, questions,
feedback, certificates) use `ManagedCourseMixin`, so the rule is written once: the course comes
from `course_list_editable_by` (or a view's own scope), and a course out of scope is 404
(`portal.access`: a page about an object never answers 403).
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import user_is_organiser
from courses.models import Course
from courses.selectors import course_list_editable_by
from portal.access import RoleRequiredMixin, ScopedObjectMixin


class OrganiserRequiredMixin(RoleRequiredMixin):
    """A page with no object for organisers and administrators; anyone else signed in gets
    403."""

    role_refusal = _("This page is for course organisers.")

    def has_role(self, user) -> bool:
        return user_is_organiser(user)


class ManagedCourseMixin(ScopedObjectMixin):
    """`self.course`: the course named by the URL's `pk`, among those the user may edit.

    Anonymous visitors are asked to sign in; anyone else outside the course gets 404, so a
    course's id reveals nothing. `course_queryset` is the scope (attendance widens it to the
    course's check-in staff).
    """

    course_kwarg = "pk"

    def course_queryset(self, user) -> QuerySet[Course]:
        return course_list_editable_by(user)

    def look_up(self, **kwargs) -> None:
        self.course = get_object_or_404(
            self.course_queryset(self.request.user).select_related("region"),
            pk=kwargs[self.course_kwarg],
        )

    def manage_url(self) -> str:
        return reverse("courses:course-manage", args=[self.course.pk])
