"""A course's discussion groups: the list with a form to add one, changing and deleting one."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses import services
from courses.forms import GroupForm
from courses.models import DiscussionGroup
from courses.views.common import CourseFormView, CourseObjectMixin
from portal.views_base import ServiceActionView, ServiceFormView


def _group_list_url(course) -> str:
    return reverse("courses:group-list", args=[course.pk])


class GroupListView(CourseFormView):
    template_name = "courses/group_list.html"
    form_class = GroupForm
    success_message = _("The discussion group is added.")

    def get_context_data(self, **kwargs) -> dict:
        groups = list(self.course.groups.all())
        return super().get_context_data(groups=groups, **kwargs)

    def run_service(self, form):
        return services.group_create(course=self.course, by=self.request.user, **form.cleaned_data)

    def get_success_url(self, result) -> str:
        return _group_list_url(self.course)


class GroupObjectMixin(CourseObjectMixin):
    model = DiscussionGroup
    object_kwarg = "group_id"
    object_name = "group"
    list_url_name = "courses:group-list"


class GroupUpdateView(GroupObjectMixin, ServiceFormView):
    group: DiscussionGroup
    template_name = "courses/group_update.html"
    form_class = GroupForm
    invalid_status = 400
    success_message = _("The discussion group is saved.")

    def get_initial(self) -> dict:
        group = self.group
        return {"name": group.name, "facilitator": group.facilitator, "room": group.room}

    def get_context_data(self, **kwargs) -> dict:
        return {"course": self.course, "group": self.group, **kwargs}

    def run_service(self, form):
        return services.group_update(group=self.group, by=self.request.user, **form.cleaned_data)


class GroupDeleteView(GroupObjectMixin, ServiceActionView):
    success_message = _("The discussion group is deleted.")

    def run_service(self):
        return services.group_delete(group=self.group, by=self.request.user)
