"""Trainees: register, cancel, My courses and the personal calendar feed."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accounts.services import profile_update
from courses import selectors as course_selectors
from courses.models import Course
from enrollment import selectors, services
from enrollment.calendar import personal_calendar_ics
from enrollment.forms import (
    RegistrationCancelForm,
    RegistrationProfileForm,
)
from enrollment.models import (
    CalendarFeed,
    Registration,
)
from enrollment.views.common import (
    busy_response,
    error_text,
)


class RegistrationCreateView(LoginRequiredMixin, View):
    """Confirm the profile, then register; the outcome is decided under the course lock."""

    template_name = "enrollment/registration_create.html"

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

    def render_page(self, request, form, status=200):
        return render(
            request,
            self.template_name,
            {"course": self.course, "form": form},
            status=status,
        )

    def get(self, request, pk: int):
        existing = selectors.registration_active_for(user=request.user, course=self.course)
        if existing is not None:
            messages.info(request, _("You are already registered for this course."))
            return redirect(self.course)
        if self.course.registration_state != "open":
            messages.error(request, _("Registration is not open."))
            return redirect(self.course)
        form = RegistrationProfileForm(initial=RegistrationProfileForm.initial_for(request.user))
        return self.render_page(request, form)

    def post(self, request, pk: int):
        form = RegistrationProfileForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, form, status=400)
        try:
            profile_update(user=request.user, **form.profile_data())
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
            return self.render_page(request, form, status=400)
        try:
            registration = services.registration_create(
                course_id=self.course.pk, trainee=request.user
            )
        except services.CourseBusy:
            return busy_response(request)
        except ValidationError as exc:
            if exc.code == "already_registered":
                messages.info(request, error_text(exc))
            else:
                messages.error(request, error_text(exc))
            return redirect(self.course)
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(request, _("You are registered. Your seat is confirmed."))
        elif registration.status == Registration.Status.PENDING:
            messages.success(
                request,
                _("You are registered. A seat is reserved while the organisers review it."),
            )
        else:
            messages.warning(
                request,
                _("All seats are taken: you are number %(position)s on the waiting list.")
                % {"position": registration.place},
            )
        return redirect(self.course)


class RegistrationCancelView(LoginRequiredMixin, View):
    template_name = "enrollment/registration_cancel.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.registration = get_object_or_404(
                selectors.registration_list_for_user(request.user).select_related("course"),
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk: int):
        return render(
            request,
            self.template_name,
            {"registration": self.registration, "form": RegistrationCancelForm()},
        )

    def post(self, request, pk: int):
        form = RegistrationCancelForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                self.template_name,
                {"registration": self.registration, "form": form},
                status=400,
            )
        try:
            services.registration_cancel(
                registration_id=self.registration.pk,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.CourseBusy:
            return busy_response(request)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Your registration is cancelled."))
        return redirect("enrollment:registration-mine")


class RegistrationMineView(LoginRequiredMixin, View):
    template_name = "enrollment/registration_mine.html"

    def get(self, request):
        mine = selectors.registration_list_mine(request.user)
        feed = CalendarFeed.objects.filter(user=request.user).first()
        return render(
            request,
            self.template_name,
            {
                "upcoming": mine.upcoming,
                "past": mine.past,
                "feed_url": request.build_absolute_uri(feed.get_absolute_url()) if feed else "",
            },
        )


class CalendarFeedRegenerateView(LoginRequiredMixin, View):
    """A new secret URL for the personal calendar; the old one stops working."""

    def post(self, request):
        with transaction.atomic():
            CalendarFeed.objects.filter(user=request.user).delete()
            CalendarFeed.objects.create(user=request.user)
        messages.success(request, _("Your calendar has a new address. Subscribe to it again."))
        return redirect("enrollment:registration-mine")


class CalendarFeedView(View):
    """Reached without signing in (calendar apps cannot): the secret token is the key."""

    def get(self, request, token: str):
        feed = (
            CalendarFeed.objects.filter(token=token, user__is_active=True)
            .select_related("user")
            .first()
        )
        if feed is None:
            raise Http404
        body = personal_calendar_ics(feed.user, host=request.get_host())
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="my-courses.ics"'
        response["Cache-Control"] = "private, no-store"
        return response
