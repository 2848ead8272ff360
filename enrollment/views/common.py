"""Helpers the enrollment pages share: errors onto forms, the busy page, the organisers' course."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.roles import user_is_organiser
from courses.models import Course
from enrollment import selectors, services
from portal.forms import add_service_errors as add_errors  # noqa: F401 - used by the views
from portal.forms import error_text  # noqa: F401 - used by the views


def busy_response(request) -> HttpResponse:
    response = render(
        request,
        "enrollment/registration_busy.html",
        {"message": services.BUSY_MESSAGE},
        status=503,
    )
    response["Retry-After"] = "5"
    return response


class ManagedCourseMixin(LoginRequiredMixin):
    """`self.course` from the courses the user may change; anyone else gets 403/404."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not user_is_organiser(request.user):
            raise PermissionDenied(_("This page is for course organisers."))
        try:
            self.course = selectors.course_for_registrations(
                user=request.user, course_id=kwargs["pk"]
            )
        except Course.DoesNotExist:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)


def filters_from(form) -> selectors.RegistrationFilters:
    if not (form.is_bound and form.is_valid()):
        return selectors.RegistrationFilters()
    data = form.cleaned_data
    return selectors.RegistrationFilters(
        status=data.get("status") or "",
        region_id=data["region"].pk if data.get("region") else None,
        organisation_type=data.get("organisation_type") or "",
        group_id=data.get("group"),
        q=data.get("q") or "",
    )
