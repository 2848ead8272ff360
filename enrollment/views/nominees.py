"""Nominating units, registering on behalf by form or spreadsheet, and import progress."""

import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from courses import selectors as course_selectors
from courses.mixins import ManagedCourseMixin
from enrollment import services
from enrollment.forms import (
    NominatingUnitForm,
    NomineeFormSet,
    NomineeUploadForm,
)
from enrollment.imports import RawRow, check_upload, nominee_template, read_rows
from enrollment.models import (
    ACTIVE_STATUSES,
    ImportJob,
    NominatingUnit,
    Registration,
)
from enrollment.services.import_jobs import import_job_create, sync_row_limit
from enrollment.services.nominating import nominating_unit_appoint, nominating_unit_remove
from enrollment.services.nominees import (
    NomineeErrors,
    RowError,
    column_label,
    nominee_access,
    nominees_import,
)
from enrollment.views.common import (
    add_errors,
    busy_response,
    error_text,
)
from jobs.views import JobProgressView


class NominatingUnitListView(ManagedCourseMixin, View):
    organiser_role_required = True

    template_name = "enrollment/nominatingunit_list.html"

    def render_page(self, request, form, status=200):
        units = (
            NominatingUnit.objects.filter(course=self.course)
            .select_related("organisation__region", "contact")
            .annotate(
                used=Count("registrations", filter=Q(registrations__status__in=ACTIVE_STATUSES))
            )
        )
        return render(
            request,
            self.template_name,
            {"course": self.course, "form": form, "units": units},
            status=status,
        )

    def get(self, request, pk: int):
        return self.render_page(request, NominatingUnitForm())

    def post(self, request, pk: int):
        form = NominatingUnitForm(request.POST)
        if form.is_valid():
            try:
                unit = nominating_unit_appoint(
                    course=self.course,
                    by=request.user,
                    contact_email=form.cleaned_data["contact_email"],
                    seat_allowance=form.cleaned_data["seat_allowance"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(unit)s can now register its people.") % {"unit": unit.organisation},
                )
                return redirect("enrollment:nominatingunit-list", self.course.pk)
        return self.render_page(request, form, status=400)


class NominatingUnitRemoveView(ManagedCourseMixin, View):
    organiser_role_required = True

    def post(self, request, pk: int, unit_id: int):
        unit = get_object_or_404(NominatingUnit, course=self.course, pk=unit_id)
        nominating_unit_remove(unit=unit, by=request.user)
        messages.success(request, _("The nominating unit is removed."))
        return redirect("enrollment:nominatingunit-list", self.course.pk)


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


class NomineeCreateView(NomineeAccessMixin, View):
    """Register several people at once, by form or by uploading the template."""

    template_name = "enrollment/nominee_create.html"

    def render_page(self, request, *, formset=None, upload_form=None, errors=None, status=200):
        mine = Registration.objects.filter(course=self.course).select_related("region")
        if self.unit is not None:
            mine = mine.filter(nominating_unit=self.unit)
        else:
            mine = mine.exclude(source=Registration.Source.ONLINE)
        return render(
            request,
            self.template_name,
            {
                "course": self.course,
                "unit": self.unit,
                "formset": formset or NomineeFormSet(prefix="nominee"),
                "upload_form": upload_form or NomineeUploadForm(),
                "errors": error_rows(errors or []),
                "registrations": mine.order_by("-created_at", "-pk")[:200],
            },
            status=status,
        )

    def get(self, request, pk: int):
        return self.render_page(request)

    def post(self, request, pk: int):
        formset = NomineeFormSet(request.POST, prefix="nominee")
        if not formset.is_valid():
            return self.render_page(request, formset=formset, status=400)
        rows = [
            RawRow(number=index, values=form.row_values())
            for index, form in enumerate(formset.forms, start=1)
            if form.has_changed()
        ]
        return self.run(request, rows, Registration.Source.ON_BEHALF, formset=formset)

    def run(self, request, rows, source, **page):
        try:
            registrations = nominees_import(
                course=self.course, by=request.user, rows=rows, source=source
            )
        except services.CourseBusy:
            return busy_response(request)
        except NomineeErrors as exc:
            return self.render_page(request, errors=exc.errors, status=400, **page)
        messages.success(
            request,
            _("%(count)s people registered.") % {"count": len(registrations)},
        )
        return redirect("enrollment:nominee-create", self.course.pk)


class NomineeUploadView(NomineeCreateView):
    def post(self, request, pk: int):
        upload_form = NomineeUploadForm(request.POST, request.FILES)
        if not upload_form.is_valid():
            return self.render_page(request, upload_form=upload_form, status=400)
        upload = upload_form.cleaned_data["file"]
        try:
            data = check_upload(upload)
            total, rows = read_rows(data)
        except ValidationError as exc:
            upload_form.add_error("file", error_text(exc))
            return self.render_page(request, upload_form=upload_form, status=400)
        if total > sync_row_limit():
            rows.close()
            job = import_job_create(
                course=self.course,
                by=request.user,
                data=data,
                original_name=upload.name,
                language=request.LANGUAGE_CODE,
            )
            return redirect("enrollment:importjob-detail", job.pk)
        return self.run(request, rows, Registration.Source.IMPORT, upload_form=upload_form)


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


class ImportJobMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.job = get_object_or_404(
            ImportJob.objects.select_related("course"),
            pk=kwargs["job_id"],
            uploaded_by=request.user,
        )
        return super().dispatch(request, *args, **kwargs)


class ImportJobDetailView(ImportJobMixin, View):
    template_name = "enrollment/importjob_detail.html"

    def get(self, request, job_id):
        return render(
            request,
            self.template_name,
            {"job": self.job, "course": self.job.course, "errors": error_rows(self.job.errors)},
        )


class ImportJobStatusView(ImportJobMixin, JobProgressView):
    def get_job(self, request, job_id) -> ImportJob:
        return self.job
