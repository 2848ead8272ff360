"""The organisers' course editors whose changes move seats or reach registered trainees:
the course form (capacity, dates, venue), the quotas and the cancellation.

They call enrollment's services (`enrollment.services.course_changes`), so they live here;
their URLs stay in the courses namespace (`enrollment.course_urls`).
"""

from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from courses.forms import CourseCancelForm, CourseForm
from courses.models import Course
from courses.quota_forms import QuotaForm
from courses.views.common import CourseFormView
from enrollment import services
from enrollment.views.common import CourseBusyMixin


class CourseEditorView(CourseBusyMixin, CourseFormView):
    """A form on one course, back to its control page once saved."""

    def get_success_url(self, result) -> str:
        return self.manage_url()


class CourseUpdateView(CourseEditorView):
    template_name = "courses/course_update.html"
    form_class = CourseForm
    success_message = _("The course is saved.")

    def get_form_kwargs(self) -> dict:
        if self.request.method == "POST":
            # The form writes into its instance while validating; the service gets a clean one.
            return {"instance": Course.objects.get(pk=self.course.pk)}
        return {"instance": self.course}

    def run_service(self, form):
        return services.course_update(
            course=self.course, by=self.request.user, data=form.course_data()
        )


class CourseCancelView(CourseEditorView):
    template_name = "courses/course_cancel.html"
    form_class = CourseCancelForm
    success_message = _("The course is cancelled; everyone registered is told.")

    def run_service(self, form):
        return services.course_cancel(
            course=self.course, by=self.request.user, reason=form.cleaned_data["reason"]
        )


class QuotaUpdateView(CourseEditorView):
    template_name = "courses/quota_update.html"
    form_class = QuotaForm
    success_message = _("The quotas are saved.")

    def get_form_kwargs(self) -> dict:
        return {"course": self.course, "regions": Region.objects.all()}

    def run_service(self, form):
        return services.quota_set(course=self.course, by=self.request.user, seats=form.seats())
