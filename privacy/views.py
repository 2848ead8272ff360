from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from jobs.views import JobProgressView
from portal.downloads import private_file_response
from privacy.models import DataDownload
from privacy.selectors import data_download_list_for_user
from privacy.services import data_download_file_exists, data_download_request


class DataDownloadView(LoginRequiredMixin, View):
    """The person's page: ask for their data, watch it being built, download it."""

    def get(self, request: HttpRequest) -> HttpResponse:
        download = data_download_list_for_user(user=request.user).first()
        context = {"job": download, "keep_days": settings.PORTAL_DATA_DOWNLOAD_KEEP_DAYS}
        return render(request, "privacy/datadownload_detail.html", context)

    def post(self, request: HttpRequest) -> HttpResponse:
        data_download_request(user=request.user, language=get_language() or "en")
        messages.success(
            request, _("Your data is being put together. This page shows when it is ready.")
        )
        return redirect("privacy:data-download")


class DataDownloadStatusView(LoginRequiredMixin, JobProgressView[DataDownload]):
    def get_job(self, request: HttpRequest, *args: Any, **kwargs: Any) -> DataDownload:
        return get_object_or_404(data_download_list_for_user(user=request.user), pk=kwargs["pk"])


class DataDownloadFileView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: str) -> HttpResponseBase:
        download = get_object_or_404(
            data_download_list_for_user(user=request.user),
            pk=pk,
            status=DataDownload.Status.DONE,
        )
        if not data_download_file_exists(download):
            raise Http404
        name = f"my-data-{download.created_at:%Y%m%d}.zip"
        return private_file_response(
            file=download.file, filename=name, content_type="application/zip"
        )
