"""Organisers: registration list, decisions, waiting list, statistics, groups and messages."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from courses import selectors as course_selectors
from courses.mixins import ManagedCourseMixin
from courses.views.common import CourseFormView
from enrollment import selectors, services
from enrollment.forms import (
    RegistrantMessageForm,
    RegistrationDecisionForm,
    RegistrationFilterForm,
)
from enrollment.models import Registration
from enrollment.services.groups import group_assign, group_assign_balanced
from enrollment.services.messaging import registrants_message
from enrollment.views.charts import statistics_charts
from enrollment.views.common import CourseBusyMixin, filters_from
from portal.views_base import ServiceActionView

REGISTRATIONS_PAGE_SIZE = 50


def _list_url(course) -> str:
    return reverse("enrollment:registration-list", args=[course.pk])


class RegistrationListView(ManagedCourseMixin, View):
    template_name = "enrollment/registration_list.html"

    def get(self, request, pk: int):
        form = RegistrationFilterForm(request.GET or None, course=self.course)
        registrations = selectors.registration_list_for_course(self.course, filters_from(form))
        page = Paginator(registrations, REGISTRATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "course": self.course,
            "form": form,
            "page_obj": page,
            "registrations": list(page.object_list),
            "counts": selectors.registration_status_counts(self.course),
            "groups": list(self.course.groups.all()),
            "query_string": query.urlencode(),
            "statuses": Registration.Status,
        }
        return render(request, self.template_name, context)


class RegistrationListActionView(CourseBusyMixin, ManagedCourseMixin, ServiceActionView):
    """A step on the registration list; back to the list as it was filtered (`next`)."""

    def get_success_url(self, result) -> str:
        return self.next_url(_list_url(self.course))


class RegistrationDecisionView(RegistrationListActionView):
    """A decision on the ticked registrations, all in one transaction."""

    form_class = RegistrationDecisionForm

    def get_form_kwargs(self) -> dict:
        return {"course": self.course}


class RegistrationApproveView(RegistrationDecisionView):
    def run_service(self):
        return services.registration_approve_many(
            course_id=self.course.pk,
            registration_ids=self.form.cleaned_data["registrations"],
            by=self.request.user,
            skip_others=True,
        )

    def get_success_message(self, done) -> str:
        return _("%(count)s registrations approved.") % {"count": len(done)}


class RegistrationRejectView(RegistrationDecisionView):
    """The reason is shown to the rejected trainees."""

    def run_service(self):
        return services.registration_reject_many(
            course_id=self.course.pk,
            registration_ids=self.form.cleaned_data["registrations"],
            by=self.request.user,
            reason=self.form.cleaned_data["reason"],
            skip_others=True,
        )

    def get_success_message(self, done) -> str:
        return _("%(count)s registrations rejected.") % {"count": len(done)}


class RegistrationWaitlistView(CourseBusyMixin, LoginRequiredMixin, ServiceActionView):
    """The explicit step that moves a confirmed or pending trainee to the waiting list."""

    def run_service(self):
        self.registration = get_object_or_404(
            Registration.objects.filter(
                course__in=course_selectors.course_list_editable_by(self.request.user)
            ),
            pk=self.kwargs["registration_id"],
        )
        return services.registration_move_to_waitlist(
            registration_id=self.registration.pk,
            by=self.request.user,
            reason=self.request.POST.get("reason", ""),
        )

    def get_success_message(self, result) -> str:
        return _("%(name)s is now on the waiting list.") % {"name": self.registration.full_name}

    def get_success_url(self, result) -> str:
        return reverse("enrollment:registration-list", args=[self.registration.course_id])


class CourseStatisticsView(ManagedCourseMixin, View):
    template_name = "enrollment/course_statistics.html"

    def get(self, request, pk: int):
        stats = selectors.course_statistics(self.course)
        context = {"course": self.course, "stats": stats, **statistics_charts(stats)}
        return render(request, self.template_name, context)


class RegistrationGroupAssignView(RegistrationListActionView):
    def run_service(self):
        try:
            ids = [int(value) for value in self.request.POST.getlist("registrations")]
            group = self.request.POST.get("group")
            group_id = int(group) if group else None
        except ValueError:
            raise Http404 from None
        return group_assign(
            course_id=self.course.pk, by=self.request.user, registration_ids=ids, group_id=group_id
        )

    def get_success_message(self, count) -> str:
        return _("%(count)s trainees assigned.") % {"count": count}


class GroupBalanceView(RegistrationListActionView):
    def run_service(self):
        return group_assign_balanced(course_id=self.course.pk, by=self.request.user)

    def get_success_message(self, counts) -> str:
        return _("%(count)s confirmed trainees spread over %(groups)s groups.") % {
            "count": sum(counts.values()),
            "groups": len(counts),
        }


class RegistrantMessageView(CourseFormView):
    template_name = "enrollment/registrant_message.html"
    form_class = RegistrantMessageForm

    def get_form_kwargs(self) -> dict:
        return {"course": self.course}

    def run_service(self, form):
        return registrants_message(
            course=self.course,
            by=self.request.user,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            filters=filters_from(form),
        )

    def get_success_message(self, count) -> str:
        return _("The message is on its way to %(count)s people.") % {"count": count}

    def get_success_url(self, result) -> str:
        return _list_url(self.course)
