from typing import Any, Generic, TypeVar

from django.http import HttpRequest, JsonResponse
from django.views import View

from jobs.models import BackgroundJob

JobT = TypeVar("JobT", bound=BackgroundJob)


class JobProgressView(View, Generic[JobT]):
    """A job's progress as JSON, polled by its waiting page (`jobs/includes/progress.html`).

    A subclass fetches the job through a selector scoped to the user (`get_job`, taking the
    URL's arguments by name: 404 for a job they may not see) and may add to what the page
    receives (`progress`).
    """

    http_method_names = ["get"]

    # Each kind takes its URL's argument by its own name (`pk`, `bundle_id`); a signature of
    # `*args, **kwargs` lets its override name it.
    def get_job(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JobT:
        """The job named by the URL's keyword arguments, among those the user may see."""
        raise NotImplementedError

    def progress(self, job: JobT) -> dict[str, object]:
        return job.progress()

    def get(self, request: HttpRequest, **kwargs: Any) -> JsonResponse:
        return JsonResponse(self.progress(self.get_job(request, **kwargs)))
