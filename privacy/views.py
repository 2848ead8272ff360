from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from jobs.views import JobProgressView
from portal.downloads import private_file_response
from portal.template_text import longdatetime
from privacy import banner
from privacy.erasure import (
    ErasureError,
    cooling_off_days,
    erasure_cancel,
    erasure_open_for_user,
    erasure_request,
)
from privacy.forms import ErasureForm
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


class AccountErasureView(LoginRequiredMixin, View):
    """Delete my account: what goes and what stays, the password to confirm, and while it is
    pending, the date and a button to cancel."""

    template_name = "privacy/erasure.html"

    def _render(self, request: HttpRequest, form: ErasureForm, status: int = 200) -> HttpResponse:
        context = {
            "form": form,
            "erasure": erasure_open_for_user(user=request.user),
            "days": cooling_off_days(),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, ErasureForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ErasureForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            erasure = erasure_request(user=request.user, password=form.cleaned_data["password"])
        except ErasureError:
            form.add_error("password", _("That is not your password."))
            return self._render(request, form, status=400)
        banner.remember(request, erasure)
        messages.warning(
            request,
            _("Your account will be deleted on %(date)s. You can cancel until then.")
            % {"date": longdatetime(timezone.localtime(erasure.due_at))},
        )
        return redirect("privacy:erasure")


class AccountErasureCancelView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        if erasure_cancel(user=request.user):
            messages.success(request, _("Your account will not be deleted."))
        banner.remember(request, None)
        return redirect("privacy:erasure")
