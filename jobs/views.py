from typing import Any

from django.http import JsonResponse
from django.views import View

from jobs.models import BackgroundJob


class JobProgressView(View):
    """A job's progress as JSON, polled by its waiting page (`jobs/includes/progress.html`).

    A subclass fetches the job through a selector scoped to the user (`get_job`: 404 for a job
    they may not see) and may add to what the page receives (`progress`).
    """

    http_method_names = ["get"]

    def get_job(self, request, **kwargs: Any) -> BackgroundJob:
        """The job named by the URL's keyword arguments, among those the user may see."""
        raise NotImplementedError

    def progress(self, job: BackgroundJob) -> dict:
        return job.progress()

    def get(self, request, **kwargs):
        return JsonResponse(self.progress(self.get_job(request, **kwargs)))
