"""What the enrollment pages share: the busy page, the registration list's filters."""

from django.http import HttpResponse
from django.shortcuts import render

from enrollment import selectors, services


class CourseBusyMixin:
    """The course row locked elsewhere past the lock timeout: the busy page (503), not a 500."""

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except services.CourseBusy:
            return busy_response(request)


def busy_response(request) -> HttpResponse:
    response = render(
        request,
        "enrollment/registration_busy.html",
        {"message": services.BUSY_MESSAGE},
        status=503,
    )
    response["Retry-After"] = "5"
    return response


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
