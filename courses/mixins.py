"""Who may open an organiser's page, and the course such a page works on.

Every app's organiser pages for one course (courses, enrollment, attendance, questions,
feedback, certificates) use `ManagedCourseMixin`, so the rule is written once: the course comes
from `course_list_editable_by` (or a view's own scope), and a course out of scope is 404.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import user_is_organiser
from courses.models import Course
from courses.selectors import course_list_editable_by


class OrganiserRequiredMixin(LoginRequiredMixin):
    """Signed-in organisers and administrators; anyone else signed in gets 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not user_is_organiser(request.user):
            raise PermissionDenied(_("This page is for course organisers."))
        return super().dispatch(request, *args, **kwargs)


class ManagedCourseMixin(LoginRequiredMixin):
    """`self.course`: the course named by the URL's `pk`, among those the user may edit.

    Anonymous visitors are asked to sign in; anyone else outside the course gets 404, so a
    course's id reveals nothing. A view that sets `organiser_role_required` tells signed-in
    users without the organiser role so (403) instead. `course_queryset` is the scope
    (attendance widens it to check-in staff).
    """

    organiser_role_required = False
    course_kwarg = "pk"

    def course_queryset(self, user) -> QuerySet[Course]:
        return course_list_editable_by(user)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.organiser_role_required and not user_is_organiser(request.user):
            raise PermissionDenied(_("This page is for course organisers."))
        self.course = get_object_or_404(
            self.course_queryset(request.user).select_related("region"),
            pk=kwargs[self.course_kwarg],
        )
        return super().dispatch(request, *args, **kwargs)

    def manage_url(self) -> str:
        return reverse("courses:course-manage", args=[self.course.pk])
