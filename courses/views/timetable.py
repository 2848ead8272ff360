"""The timetable editor: a course's sessions by day, adding, changing and removing one."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses import selectors, services
from courses.forms import HoursRuleForm, SessionForm
from courses.hours import hours_rule_for
from courses.models import Session
from courses.views.common import CourseFormView, CourseObjectMixin
from portal.views_base import ServiceActionView, ServiceFormView


class SessionListView(CourseFormView):
    """The sessions by day, and a form to add one."""

    template_name = "courses/session_list.html"
    form_class = SessionForm
    success_message = _("The session is added to the timetable.")

    def get_form_kwargs(self) -> dict:
        return {"course": self.course}

    def get_initial(self) -> dict:
        return {"day": self.course.starts_on} if self.course.starts_on else {}

    def get_context_data(self, **kwargs) -> dict:
        sessions = list(selectors.session_list_for_course(self.course))
        days = selectors.timetable_by_day(self.course, sessions)
        return super().get_context_data(
            days=days, course_hours=selectors.timetable_hours(days), **kwargs
        )

    def run_service(self, form):
        return services.session_create(
            course=self.course, by=self.request.user, **form.session_data()
        )

    def get_success_url(self, result) -> str:
        return reverse("courses:session-list", args=[self.course.pk])


class SessionObjectMixin(CourseObjectMixin):
    model = Session
    object_kwarg = "session_id"
    object_name = "session"
    list_url_name = "courses:session-list"


class SessionUpdateView(SessionObjectMixin, ServiceFormView):
    session: Session
    template_name = "courses/session_update.html"
    form_class = SessionForm
    invalid_status = 400
    success_message = _("The session is saved.")

    def get_form_kwargs(self) -> dict:
        return {"course": self.course}

    def get_initial(self) -> dict:
        return SessionForm.initial_for(self.session)

    def get_context_data(self, **kwargs) -> dict:
        return {"course": self.course, "session": self.session, **kwargs}

    def run_service(self, form):
        return services.session_update(
            session=self.session, by=self.request.user, **form.session_data()
        )


class SessionDeleteView(SessionObjectMixin, ServiceActionView):
    success_message = _("The session is removed from the timetable.")

    def run_service(self):
        return services.session_delete(session=self.session, by=self.request.user)


class HoursRuleUpdateView(CourseFormView):
    """How the course counts its sessions' learning hours."""

    template_name = "courses/hoursrule_update.html"
    form_class = HoursRuleForm
    success_message = _("The hours rule is saved.")

    def get_form_kwargs(self) -> dict:
        return {"instance": hours_rule_for(self.course)}

    def run_service(self, form):
        return services.hours_rule_save(
            course=self.course, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self, result) -> str:
        return reverse("courses:session-list", args=[self.course.pk])
