"""Speakers, shared by all courses: the list, adding, changing and deleting one."""

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View

from courses import selectors, services
from courses.forms import SpeakerForm
from courses.mixins import OrganiserRequiredMixin
from courses.models import Speaker
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


class SpeakerObjectMixin(OrganiserRequiredMixin):
    """`self.speaker` from the URL, looked up once the visitor is known to be an organiser."""

    success_url = reverse_lazy("courses:speaker-list")
    kwargs: dict[str, Any]

    @cached_property
    def speaker(self) -> Speaker:
        return get_object_or_404(Speaker, pk=self.kwargs["speaker_id"])


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
