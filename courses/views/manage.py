"""The organisers' course pages: dashboard, new course, a course's control page and its
lifecycle steps (publish, archive, delete, copy), its change history, and who organises it."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.models import User
from courses import selectors, services
from courses.forms import CheckinStaffAddForm, CourseCloneForm, CourseForm, OrganiserAddForm
from courses.history import course_history
from courses.mixins import ManagedCourseMixin, OrganiserRequiredMixin
from courses.views.common import CourseFormView
from portal.views_base import ServiceActionView, ServiceFormView


class CourseDashboardView(OrganiserRequiredMixin, View):
    template_name = "courses/course_dashboard.html"

    def get(self, request):
        courses = selectors.course_dashboard_for(request.user)
        return render(request, self.template_name, {"courses": courses})


class CourseCreateView(OrganiserRequiredMixin, ServiceFormView):
    template_name = "courses/course_create.html"
    form_class = CourseForm
    invalid_status = 400
    success_message = gettext_lazy("The course is saved as a draft. Now add its timetable.")

    def run_service(self, form):
        return services.course_create(by=self.request.user, data=form.course_data())

    def get_success_url(self, course) -> str:
        return reverse("courses:course-manage", args=[course.pk])


class CourseManageView(ManagedCourseMixin, View):
    """One course's control page: its state, what is missing, and links to every editor."""

    template_name = "courses/course_manage.html"

    def get(self, request, pk: int):
        course = self.course
        missing = services.course_missing_for_publication(course) if course.is_draft else []
        context = {
            "course": course,
            "counts": selectors.course_part_counts(course),
            "missing": missing,
            "organisers": list(course.organisers.all()),
        }
        return render(request, self.template_name, context)


class CourseHistoryView(ManagedCourseMixin, View):
    """The course's change history: publication, cancellation, capacity and quotas."""

    template_name = "courses/course_history.html"

    def get(self, request, pk: int):
        context = {"course": self.course, "entries": course_history(self.course)}
        return render(request, self.template_name, context)


class CourseStepView(ManagedCourseMixin, ServiceActionView):
    """A lifecycle step with no input; back to the course's control page."""

    def get_success_url(self, result) -> str:
        return self.manage_url()


class CoursePublishView(CourseStepView):
    success_message = gettext_lazy("The course is published and appears in the catalogue.")

    def run_service(self):
        return services.course_publish(course=self.course, by=self.request.user)


class CourseArchiveView(CourseStepView):
    success_message = gettext_lazy("The course is archived.")

    def run_service(self):
        return services.course_archive(course=self.course, by=self.request.user)


class CourseDeleteView(CourseStepView):
    """GET asks to confirm; a deleted draft leads to the dashboard, a refusal stays."""

    http_method_names = ["get", "post", "options"]
    template_name = "courses/course_delete.html"
    success_message = gettext_lazy("The draft is deleted.")

    def get(self, request, pk: int):
        return render(request, self.template_name, {"course": self.course})

    def run_service(self):
        return services.course_delete(course=self.course, by=self.request.user)

    def get_success_url(self, result) -> str:
        return reverse("courses:course-dashboard")

    def get_refused_url(self) -> str:
        return self.manage_url()


def _a_year_later(day):
    if day.month == 2 and day.day == 29:
        return day
    return day.replace(year=day.year + 1)


class CourseCloneView(CourseFormView):
    template_name = "courses/course_clone.html"
    form_class = CourseCloneForm
    success_message = gettext_lazy("The copy is saved as a new draft.")

    def get_initial(self) -> dict:
        initial = {"title": self.course.title}
        if self.course.starts_on:
            initial["starts_on"] = _a_year_later(self.course.starts_on)
        return initial

    def run_service(self, form):
        return services.course_clone(
            course=self.course,
            by=self.request.user,
            title=form.cleaned_data["title"],
            starts_on=form.cleaned_data.get("starts_on"),
        )

    def get_success_url(self, clone) -> str:
        return reverse("courses:course-manage", args=[clone.pk])


class OrganiserListView(CourseFormView):
    template_name = "courses/organiser_list.html"
    form_class = OrganiserAddForm

    def get_context_data(self, **kwargs) -> dict:
        organisers = list(self.course.organisers.all())
        return super().get_context_data(organisers=organisers, **kwargs)

    def run_service(self, form):
        return services.course_organiser_add(
            course=self.course, by=self.request.user, email=form.cleaned_data["email"]
        )

    def get_success_message(self, user) -> str:
        return _("%(name)s now organises this course.") % {"name": user}

    def get_success_url(self, result) -> str:
        return reverse("courses:organiser-list", args=[self.course.pk])


class CheckinStaffListView(CourseFormView):
    """The course's check-in staff: who takes attendance at this course only."""

    template_name = "courses/checkinstaff_list.html"
    form_class = CheckinStaffAddForm
    error_fields = {
        "user_not_found": "identifier",
        "ambiguous": "identifier",
        "already": "identifier",
    }

    def get_context_data(self, **kwargs) -> dict:
        staff = list(selectors.checkin_staff_list_for_course(self.course))
        return super().get_context_data(staff=staff, **kwargs)

    def run_service(self, form):
        return services.checkin_staff_assign(
            course=self.course, by=self.request.user, identifier=form.cleaned_data["identifier"]
        )

    def get_success_message(self, user) -> str:
        return _("%(name)s can now take attendance at this course.") % {"name": user}

    def get_success_url(self, result) -> str:
        return reverse("courses:checkinstaff-list", args=[self.course.pk])


class CheckinStaffRemoveView(ManagedCourseMixin, ServiceActionView):
    def run_service(self):
        self.user = get_object_or_404(
            User.objects.filter(checkin_assignments__course=self.course), pk=self.kwargs["user_id"]
        )
        return services.checkin_staff_unassign(
            course=self.course, by=self.request.user, user=self.user
        )

    def get_success_message(self, result) -> str:
        return _("%(name)s no longer takes attendance at this course.") % {"name": self.user}

    def get_success_url(self, result) -> str:
        return reverse("courses:checkinstaff-list", args=[self.course.pk])


class OrganiserRemoveView(ManagedCourseMixin, ServiceActionView):
    def run_service(self):
        self.user = get_object_or_404(self.course.organisers.all(), pk=self.kwargs["user_id"])
        return services.course_organiser_remove(
            course=self.course, by=self.request.user, user=self.user
        )

    def get_success_message(self, result) -> str:
        return _("%(name)s no longer organises this course.") % {"name": self.user}

    def get_success_url(self, result) -> str:
        # Whoever removed themselves may no longer see the course's pages.
        if self.user == self.request.user and not selectors.course_can_edit(
            course=self.course, user=self.request.user
        ):
            return reverse("courses:course-dashboard")
        return reverse("courses:organiser-list", args=[self.course.pk])
