"""Speakers, shared by all courses: the list, adding, changing and deleting one."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View

from courses import selectors, services
from courses.forms import SpeakerForm
from courses.mixins import OrganiserRequiredMixin
from courses.models import Speaker
from portal.access import ScopedObjectMixin
from portal.views_base import ServiceActionView, ServiceFormView

SPEAKERS_PAGE_SIZE = 50


class SpeakerListView(OrganiserRequiredMixin, View):
    template_name = "courses/speaker_list.html"

    def get(self, request):
        speakers = selectors.speaker_list_with_session_counts()
        page = Paginator(speakers, SPEAKERS_PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, self.template_name, {"page_obj": page, "speakers": list(page)})


class SpeakerCreateView(OrganiserRequiredMixin, ServiceFormView):
    template_name = "courses/speaker_create.html"
    form_class = SpeakerForm
    invalid_status = 400
    success_message = _("The speaker is saved.")
    success_url = reverse_lazy("courses:speaker-list")

    def run_service(self, form):
        return services.speaker_create(by=self.request.user, **form.cleaned_data)


class SpeakerObjectMixin(ScopedObjectMixin):
    """`self.speaker` from the URL, among the speakers the visitor may change (404 else)."""

    success_url = reverse_lazy("courses:speaker-list")
    speaker: Speaker

    def look_up(self, **kwargs) -> None:
        self.speaker = get_object_or_404(
            selectors.speaker_list_editable_by(self.request.user), pk=kwargs["speaker_id"]
        )


class SpeakerUpdateView(SpeakerObjectMixin, ServiceFormView):
    template_name = "courses/speaker_update.html"
    form_class = SpeakerForm
    invalid_status = 400
    success_message = _("The speaker is saved.")

    def get_initial(self) -> dict:
        fields = ("name", "title", "organisation", "bio")
        return {name: getattr(self.speaker, name) for name in fields}

    def get_context_data(self, **kwargs) -> dict:
        return {"speaker": self.speaker, **kwargs}

    def run_service(self, form):
        return services.speaker_update(
            speaker=self.speaker, by=self.request.user, **form.cleaned_data
        )


class SpeakerDeleteView(SpeakerObjectMixin, ServiceActionView):
    success_message = _("The speaker is deleted.")

    def run_service(self):
        return services.speaker_delete(speaker=self.speaker, by=self.request.user)
