"""Nominating units, registering on behalf by form or spreadsheet, and import progress."""

import io
from typing import Any
from urllib.parse import quote

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from courses import selectors as course_selectors
from courses.mixins import ManagedCourseMixin
from courses.views.common import CourseFormView
from enrollment import selectors
from enrollment.forms import NominatingUnitForm, NomineeFormSet, NomineeUploadForm
from enrollment.imports import RawRow, nominee_template
from enrollment.models import ImportJob, NominatingUnit, Registration
from enrollment.services.import_jobs import import_job_keep_profiles, import_job_stop
from enrollment.services.nominating import nominating_unit_appoint, nominating_unit_remove
from enrollment.services.nominee_upload import nominees_upload
from enrollment.services.nominees import (
    NomineeErrors,
    ProfileKept,
    RowError,
    column_label,
    nominee_access,
    nominees_import,
)
from enrollment.views.common import CourseBusyMixin
from jobs.views import JobProgressView
from portal.access import ScopedObjectMixin
from portal.auth_types import signed_in
from portal.forms import error_text
from portal.views_base import ServiceActionView, ServiceFormView


class NominatingUnitListView(CourseFormView):
    template_name = "enrollment/nominatingunit_list.html"
    form_class = NominatingUnitForm

    def get_context_data(self, **kwargs) -> dict:
        units = selectors.nominating_unit_list_for_course(self.course)
        return super().get_context_data(units=units, **kwargs)

    def run_service(self, form):
        return nominating_unit_appoint(
            course=self.course,
            by=self.request.user,
            contact_email=form.cleaned_data["contact_email"],
            seat_allowance=form.cleaned_data["seat_allowance"],
        )

    def get_success_message(self, unit) -> str:
        return _("%(unit)s can now register its people.") % {"unit": unit.organisation}

    def get_success_url(self, result) -> str:
        return reverse("enrollment:nominatingunit-list", args=[self.course.pk])


class NominatingUnitRemoveView(ManagedCourseMixin, ServiceActionView):
    success_message = gettext_lazy("The nominating unit is removed.")

    def run_service(self):
        unit = get_object_or_404(NominatingUnit, course=self.course, pk=self.kwargs["unit_id"])
        return nominating_unit_remove(unit=unit, by=self.request.user)

    def get_success_url(self, result) -> str:
        return reverse("enrollment:nominatingunit-list", args=[self.course.pk])


class NomineeAccessMixin(LoginRequiredMixin):
    """Organisers of the course and contacts of its nominating units; anyone else gets 404."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.course = get_object_or_404(
            course_selectors.course_list_visible_to(request.user), pk=kwargs["pk"]
        )
        try:
            self.unit = nominee_access(course=self.course, by=request.user)
        except PermissionDenied:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)


def error_rows(errors: list) -> list[dict]:
    """Errors (RowError or their JSON form) with the column's label, for the result page."""
    rows = []
    for error in errors:
        data = error.as_json() if isinstance(error, RowError) else error
        rows.append({**data, "column_label": column_label(data["column"])})
    return rows


def kept_rows(items: list) -> list[dict]:
    """Rows for existing accounts with another name or unit (ProfileKept, or the JSON form an
    import job keeps), for the section that asks whether to keep the accounts' profiles."""
    rows = []
    for item in items:
        data = item.as_json() if isinstance(item, ProfileKept) else item
        rows.append({"row": data["row"], **data["kept"]})
    return rows


class NomineeCreateView(CourseBusyMixin, NomineeAccessMixin, ServiceFormView):
    """Register several people at once, by form or (`NomineeUploadView`) by uploading the
    template. Rows with problems show the page again with every problem listed."""

    template_name = "enrollment/nominee_create.html"
    invalid_status = 400
    refusals: tuple[type[Exception], ...] = (NomineeErrors,)
    #: Which of the page's two forms this view takes.
    form_name = "formset"

    def get_form(self, data=None, files=None):
        return NomineeFormSet(data, files, prefix="nominee")

    def get_context_data(self, form=None, errors=(), kept=(), **kwargs) -> dict:
        forms = {"formset": NomineeFormSet(prefix="nominee"), "upload_form": NomineeUploadForm()}
        if form is not None:
            forms[self.form_name] = form
        registrations = selectors.registration_list_nominated(course=self.course, unit=self.unit)
        awaiting = selectors.import_job_list_awaiting(course=self.course, user=self.request.user)
        return {
            "course": self.course,
            "unit": self.unit,
            **forms,
            "errors": error_rows(errors),
            "kept": kept_rows(list(kept)),
            "awaiting_jobs": awaiting,
            "registrations": registrations,
            **kwargs,
        }

    def run_service(self, formset):
        rows = [
            RawRow(number=index, values=form.row_values())
            for index, form in enumerate(formset.forms, start=1)
            if form.has_changed()
        ]
        return nominees_import(
            course=self.course,
            by=self.request.user,
            rows=rows,
            source=Registration.Source.ON_BEHALF,
            keep_existing_profiles=self.request.POST.get("keep_existing_profiles") == "1",
        )

    def form_refused(self, form, exc):
        context = self.get_context_data(form=form, errors=exc.problems(), kept=exc.kept)
        return render(self.request, self.template_name, context, status=self.invalid_status)

    def get_success_message(self, registrations) -> str:
        return _("%(count)s people registered.") % {"count": len(registrations)}

    def get_success_url(self, result) -> str:
        return reverse("enrollment:nominee-create", args=[self.course.pk])


class NomineeUploadView(NomineeCreateView):
    """A small file is registered at once; a large one goes to a worker (its progress page),
    and so does a small one that waits for the choice on existing accounts' profiles."""

    form_name = "upload_form"
    refusals = (ValidationError, NomineeErrors)

    def get_form(self, data=None, files=None):
        return NomineeUploadForm(data, files)

    def run_service(self, form):
        return nominees_upload(
            course=self.course,
            by=self.request.user,
            upload=form.cleaned_data["file"],
            language=self.request.LANGUAGE_CODE,
        )

    def form_refused(self, form, exc):
        if isinstance(exc, NomineeErrors):
            return super().form_refused(form, exc)
        # The file is no readable template: said on the file field.
        form.add_error("file", error_text(exc))
        return self.render_form(form, status=self.invalid_status)

    def get_success_message(self, result) -> str:
        if isinstance(result, ImportJob):
            return ""
        return super().get_success_message(result)

    def get_success_url(self, result) -> str:
        if isinstance(result, ImportJob):
            return reverse("enrollment:importjob-detail", args=[result.pk])
        return super().get_success_url(result)


class NomineeTemplateView(NomineeAccessMixin, View):
    def get(self, request, pk: int):
        buffer = io.BytesIO()
        nominee_template(buffer, time_zone=self.course.time_zone)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = content_disposition(_("nominees-template") + ".xlsx")
        response["X-Content-Type-Options"] = "nosniff"
        return response


def content_disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "ignore").decode() or "download.xlsx"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


class ImportJobMixin(ScopedObjectMixin):
    """`self.job`: an import among those the visitor uploaded; anyone else's is not found."""

    def look_up(self, **kwargs) -> None:
        self.job = get_object_or_404(
            ImportJob.objects.select_related("course"),
            pk=kwargs["job_id"],
            uploaded_by=self.request.user,
        )


class ImportJobDetailView(ImportJobMixin, View):
    template_name = "enrollment/importjob_detail.html"

    def get(self, request, job_id):
        kept = [error for error in self.job.errors if "kept" in error]
        errors = [error for error in self.job.errors if "kept" not in error]
        return render(
            request,
            self.template_name,
            {
                "job": self.job,
                "course": self.job.course,
                "errors": error_rows(errors),
                "kept": kept_rows(kept),
            },
        )


class ImportJobKeepProfilesView(ImportJobMixin, ServiceActionView):
    """One click registers a waiting upload's rows with the existing accounts' profiles."""

    def run_service(self) -> ImportJob:
        return import_job_keep_profiles(job_id=self.job.pk, by=signed_in(self.request))

    def get_success_url(self, result) -> str:
        return reverse("enrollment:importjob-detail", args=[self.job.pk])


class ImportJobStopView(ImportJobMixin, ServiceActionView):
    """Stop a waiting upload: its file is deleted and nothing is saved."""

    success_message = gettext_lazy("The import is stopped; nothing was saved.")

    def run_service(self) -> None:
        import_job_stop(job_id=self.job.pk, by=signed_in(self.request))

    def get_success_url(self, result) -> str:
        return reverse("enrollment:nominee-create", args=[self.job.course_id])

    def get_refused_url(self) -> str:
        return reverse("enrollment:importjob-detail", args=[self.job.pk])


class ImportJobStatusView(ImportJobMixin, JobProgressView):
    def get_job(self, request, **kwargs: Any) -> ImportJob:
        return self.job
