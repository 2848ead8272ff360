"""Trainees: register, cancel, My courses and the personal calendar feed."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.services import profile_update
from courses import selectors as course_selectors
from courses.models import Course
from enrollment import selectors, services
from enrollment.calendar import personal_calendar_ics
from enrollment.forms import RegistrationCancelForm, RegistrationProfileForm
from enrollment.models import Registration
from enrollment.services.calendar_feed import calendar_feed_regenerate
from enrollment.views.common import CourseBusyMixin
from portal.auth_types import signed_in
from portal.forms import error_text
from portal.views_base import ServiceActionView, ServiceFormView


class RegistrationCreateView(CourseBusyMixin, LoginRequiredMixin, ServiceFormView):
    """Confirm the profile, then register; the outcome is decided under the course lock.

    A refused profile shows the form again; a refused registration is said on the course page.
    """

    template_name = "enrollment/registration_create.html"
    form_class = RegistrationProfileForm
    invalid_status = 400
    profile_confirmed = False

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            # The page shows only the course's title: no need for all its details.
            try:
                self.course = course_selectors.course_list_visible_to(request.user).get(
                    pk=kwargs["pk"]
                )
            except Course.DoesNotExist:
                raise Http404 from None
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if selectors.registration_active_for(user=request.user, course=self.course) is not None:
            messages.info(request, _("You are already registered for this course."))
            return redirect(self.course)
        if self.course.registration_state != "open":
            messages.error(request, _("Registration is not open."))
            return redirect(self.course)
        return super().get(request, *args, **kwargs)

    def get_initial(self) -> dict:
        return RegistrationProfileForm.initial_for(signed_in(self.request))

    def get_context_data(self, **kwargs) -> dict:
        return {"course": self.course, **kwargs}

    def run_service(self, form):
        profile_update(user=self.request.user, **form.profile_data())
        self.profile_confirmed = True
        return services.registration_create(course_id=self.course.pk, trainee=self.request.user)

    def form_refused(self, form, exc):
        if not self.profile_confirmed:
            form.add_error(None, error_text(exc))
            return self.render_form(form, status=self.invalid_status)
        say = messages.info if exc.code == "already_registered" else messages.error
        say(self.request, error_text(exc))
        return redirect(self.course)

    def succeeded(self, registration):
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(self.request, _("You are registered. Your seat is confirmed."))
        elif registration.status == Registration.Status.PENDING:
            messages.success(
                self.request,
                _("You are registered. A seat is reserved while the organisers review it."),
            )
        else:
            messages.warning(
                self.request,
                _("All seats are taken: you are number %(position)s on the waiting list.")
                % {"position": registration.place},
            )
        return redirect(self.course)


class RegistrationCancelView(CourseBusyMixin, LoginRequiredMixin, ServiceFormView):
    template_name = "enrollment/registration_cancel.html"
    form_class = RegistrationCancelForm
    invalid_status = 400
    success_message = gettext_lazy("Your registration is cancelled.")
    success_url = reverse_lazy("enrollment:registration-mine")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.registration = get_object_or_404(
                selectors.registration_list_for_user(request.user).select_related("course"),
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        return {"registration": self.registration, **kwargs}

    def run_service(self, form):
        return services.registration_cancel(
            registration_id=self.registration.pk,
            by=self.request.user,
            reason=form.cleaned_data["reason"],
        )

    def form_refused(self, form, exc):
        # Nothing to correct on the form (e.g. already cancelled): back to My courses.
        messages.error(self.request, error_text(exc))
        return redirect(self.success_url)


class RegistrationMineView(LoginRequiredMixin, View):
    template_name = "enrollment/registration_mine.html"

    def get(self, request):
        mine = selectors.registration_list_mine(request.user)
        feed = selectors.calendar_feed_for(request.user)
        feed_url = request.build_absolute_uri(feed.get_absolute_url()) if feed else ""
        context = {"upcoming": mine.upcoming, "past": mine.past, "feed_url": feed_url}
        return render(request, self.template_name, context)


class CalendarFeedRegenerateView(LoginRequiredMixin, ServiceActionView):
    """A new secret URL for the personal calendar; the old one stops working."""

    success_message = gettext_lazy("Your calendar has a new address. Subscribe to it again.")
    success_url = reverse_lazy("enrollment:registration-mine")

    def run_service(self):
        return calendar_feed_regenerate(user=self.request.user)


class CalendarFeedView(View):
    """Reached without signing in (calendar apps cannot): the secret token is the key."""

    def get(self, request, token: str):
        feed = selectors.calendar_feed_by_token(token)
        if feed is None:
            raise Http404
        body = personal_calendar_ics(feed.user, host=request.get_host())
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="my-courses.ics"'
        response["Cache-Control"] = "private, no-store"
        return response
