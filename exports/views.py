from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View

from exports.models import ExportJob
from exports.registry import exporter_get, exporter_list
from exports.selectors import export_job_list_for_user
from exports.services import XLSX, export_download_record, export_request
from jobs.views import JobProgressView
from portal.auth_types import signed_in
from portal.downloads import private_file_response


class ExportJobListView(LoginRequiredMixin, View):
    template_name = "exports/exportjob_list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        user = signed_in(request)
        jobs = export_job_list_for_user(user=user).filter(requested_by=user)[:50]
        offers = []
        for exporter in exporter_list():
            form_class = exporter.form_class if exporter.offer_on_list else None
            if form_class is not None and exporter({}).can_request(user):
                offers.append({"exporter": exporter, "form": form_class()})
        return render(request, self.template_name, {"jobs": jobs, "offers": offers})


class ExportJobCreateView(LoginRequiredMixin, View):
    """Start an export; every app's "export" buttons post here with the exporter's filters."""

    def post(self, request: HttpRequest, exporter: str) -> HttpResponse:
        try:
            exporter_get(exporter)
            job = export_request(
                user=signed_in(request),
                exporter=exporter,
                data=request.POST,
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
        except PermissionDenied:
            if exporter_get(exporter).about_one_object:
                raise Http404 from None
            raise
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("exports:job-list")
        return redirect(job)


class ExportJobDetailView(LoginRequiredMixin, View):
    template_name = "exports/exportjob_detail.html"

    def get(self, request: HttpRequest, pk: UUID) -> HttpResponse:
        job = get_object_or_404(export_job_list_for_user(user=signed_in(request)), pk=pk)
        return render(request, self.template_name, {"job": job})


class ExportJobStatusView(LoginRequiredMixin, JobProgressView[ExportJob]):
    def get_job(self, request: HttpRequest, pk: UUID) -> ExportJob:
        return get_object_or_404(export_job_list_for_user(user=signed_in(request)), pk=pk)

    def progress(self, job: ExportJob) -> dict[str, object]:
        done = job.status == ExportJob.Status.DONE
        return {
            **job.progress(),
            "download_url": reverse("exports:job-download", args=[job.pk]) if done else None,
        }


class ExportJobDownloadView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: UUID) -> HttpResponseBase:
        user = signed_in(request)
        job = get_object_or_404(export_job_list_for_user(user=user), pk=pk)
        expired = job.status == ExportJob.Status.EXPIRED or (
            job.expires_at is not None and job.expires_at < timezone.now()
        )
        if expired:
            return render(request, "exports/exportjob_expired.html", {"job": job}, status=410)
        if job.status != ExportJob.Status.DONE or not job.file:
            messages.info(request, _("This export is not ready yet."))
            return redirect(job)
        response = private_file_response(
            file=job.file, filename=job.filename or "export.xlsx", content_type=XLSX
        )
        export_download_record(job=job, by=user)
        return response
