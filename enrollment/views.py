"""Enrollment pages: register and cancel, My courses, the personal calendar feed, and the
organisers' registration list, decisions and statistics."""

import io
import logging
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts.roles import user_is_organiser
from accounts.services import profile_update
from courses import selectors as course_selectors
from courses.models import Course
from enrollment import selectors, services
from enrollment.calendar import personal_calendar_ics
from enrollment.forms import (
    NominatingUnitForm,
    NomineeFormSet,
    NomineeUploadForm,
    RegistrantMessageForm,
    RegistrationCancelForm,
    RegistrationDecisionForm,
    RegistrationFilterForm,
    RegistrationProfileForm,
)
from enrollment.imports import RawRow, check_upload, nominee_template, read_rows
from enrollment.models import (
    ACTIVE_STATUSES,
    CalendarFeed,
    ImportJob,
    NominatingUnit,
    Registration,
)
from enrollment.services.groups import group_assign, group_assign_balanced
from enrollment.services.import_jobs import import_job_create, sync_row_limit
from enrollment.services.messaging import registrants_message
from enrollment.services.nominating import nominating_unit_appoint, nominating_unit_remove
from enrollment.services.nominees import (
    NomineeErrors,
    RowError,
    column_label,
    nominee_access,
    nominees_import,
)

logger = logging.getLogger(__name__)

REGISTRATIONS_PAGE_SIZE = 50


def add_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: on the field it names, or on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        for error in exc.error_list:
            form.add_error(None, error)


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def busy_response(request) -> HttpResponse:
    response = render(
        request,
        "enrollment/registration_busy.html",
        {"message": services.BUSY_MESSAGE},
        status=503,
    )
    response["Retry-After"] = "5"
    return response


# -- Trainees ---------------------------------------------------------------------------------


class RegistrationCreateView(LoginRequiredMixin, View):
    """Confirm the profile, then register; the outcome is decided under the course lock."""

    template_name = "enrollment/registration_create.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            try:
                self.course = course_selectors.course_detail_for(
                    course_id=kwargs["pk"], user=request.user
                )
            except Course.DoesNotExist:
                raise Http404 from None
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, request, form, status=200):
        return render(
            request,
            self.template_name,
            {"course": self.course, "form": form},
            status=status,
        )

    def get(self, request, pk: int):
        existing = selectors.registration_active_for(user=request.user, course=self.course)
        if existing is not None:
            messages.info(request, _("You are already registered for this course."))
            return redirect(self.course)
        if self.course.registration_state != "open":
            messages.error(request, _("Registration is not open."))
            return redirect(self.course)
        form = RegistrationProfileForm(initial=RegistrationProfileForm.initial_for(request.user))
        return self.render_page(request, form)

    def post(self, request, pk: int):
        form = RegistrationProfileForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, form, status=400)
        try:
            profile_update(user=request.user, **form.profile_data())
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
            return self.render_page(request, form, status=400)
        try:
            registration = services.registration_create(
                course_id=self.course.pk, trainee=request.user
            )
        except services.CourseBusy:
            return busy_response(request)
        except ValidationError as exc:
            if exc.code == "already_registered":
                messages.info(request, error_text(exc))
            else:
                messages.error(request, error_text(exc))
            return redirect(self.course)
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(request, _("You are registered. Your seat is confirmed."))
        elif registration.status == Registration.Status.PENDING:
            messages.success(
                request,
                _("You are registered. A seat is reserved while the organisers review it."),
            )
        else:
            messages.warning(
                request,
                _("All seats are taken: you are number %(position)s on the waiting list.")
                % {"position": registration.place},
            )
        return redirect(self.course)


class RegistrationCancelView(LoginRequiredMixin, View):
    template_name = "enrollment/registration_cancel.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.registration = get_object_or_404(
                selectors.registration_list_for_user(request.user).select_related("course"),
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk: int):
        return render(
            request,
            self.template_name,
            {"registration": self.registration, "form": RegistrationCancelForm()},
        )

    def post(self, request, pk: int):
        form = RegistrationCancelForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                self.template_name,
                {"registration": self.registration, "form": form},
                status=400,
            )
        try:
            services.registration_cancel(
                registration_id=self.registration.pk,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.CourseBusy:
            return busy_response(request)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Your registration is cancelled."))
        return redirect("enrollment:registration-mine")


class RegistrationMineView(LoginRequiredMixin, View):
    template_name = "enrollment/registration_mine.html"

    def get(self, request):
        mine = selectors.registration_list_mine(request.user)
        feed = CalendarFeed.objects.filter(user=request.user).first()
        return render(
            request,
            self.template_name,
            {
                "upcoming": mine.upcoming,
                "past": mine.past,
                "feed_url": request.build_absolute_uri(feed.get_absolute_url()) if feed else "",
            },
        )


class CalendarFeedRegenerateView(LoginRequiredMixin, View):
    """A new secret URL for the personal calendar; the old one stops working."""

    def post(self, request):
        with transaction.atomic():
            CalendarFeed.objects.filter(user=request.user).delete()
            CalendarFeed.objects.create(user=request.user)
        messages.success(request, _("Your calendar has a new address. Subscribe to it again."))
        return redirect("enrollment:registration-mine")


class CalendarFeedView(View):
    """Reached without signing in (calendar apps cannot): the secret token is the key."""

    def get(self, request, token: str):
        feed = (
            CalendarFeed.objects.filter(token=token, user__is_active=True)
            .select_related("user")
            .first()
        )
        if feed is None:
            raise Http404
        body = personal_calendar_ics(feed.user, host=request.get_host())
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="my-courses.ics"'
        response["Cache-Control"] = "private, no-store"
        return response


# -- Organisers -------------------------------------------------------------------------------


class ManagedCourseMixin(LoginRequiredMixin):
    """`self.course` from the courses the user may change; anyone else gets 403/404."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not user_is_organiser(request.user):
            raise PermissionDenied(_("This page is for course organisers."))
        try:
            self.course = selectors.course_for_registrations(
                user=request.user, course_id=kwargs["pk"]
            )
        except Course.DoesNotExist:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)


def filters_from(form) -> selectors.RegistrationFilters:
    if not (form.is_bound and form.is_valid()):
        return selectors.RegistrationFilters()
    data = form.cleaned_data
    return selectors.RegistrationFilters(
        status=data.get("status") or "",
        region_id=data["region"].pk if data.get("region") else None,
        organisation_type=data.get("organisation_type") or "",
        group_id=data.get("group"),
        q=data.get("q") or "",
    )


class RegistrationListView(ManagedCourseMixin, View):
    template_name = "enrollment/registration_list.html"

    def get(self, request, pk: int):
        form = RegistrationFilterForm(request.GET or None, course=self.course)
        filters = filters_from(form)
        paginator = Paginator(
            selectors.registration_list_for_course(self.course, filters),
            REGISTRATIONS_PAGE_SIZE,
        )
        page = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            self.template_name,
            {
                "course": self.course,
                "form": form,
                "page_obj": page,
                "registrations": list(page.object_list),
                "counts": selectors.registration_status_counts(self.course),
                "groups": list(self.course.groups.all()),
                "query_string": query.urlencode(),
                "statuses": Registration.Status,
            },
        )


class RegistrationDecideView(ManagedCourseMixin, View):
    """Approve or reject the ticked registrations, all in one transaction."""

    def post(self, request, pk: int):
        form = RegistrationDecisionForm(request.POST, course=self.course)
        back = reverse("enrollment:registration-list", args=[self.course.pk])
        if request.POST.get("next", "").startswith(back):
            back = request.POST["next"]
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return redirect(back)
        data = form.cleaned_data
        try:
            if data["action"] == "approve":
                done = services.registration_approve_many(
                    course_id=self.course.pk,
                    registration_ids=data["registrations"],
                    by=request.user,
                )
                messages.success(
                    request, _("%(count)s registrations approved.") % {"count": len(done)}
                )
            else:
                done = services.registration_reject_many(
                    course_id=self.course.pk,
                    registration_ids=data["registrations"],
                    by=request.user,
                    reason=data["reason"],
                )
                messages.success(
                    request, _("%(count)s registrations rejected.") % {"count": len(done)}
                )
        except services.CourseBusy:
            return busy_response(request)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect(back)


class RegistrationWaitlistView(LoginRequiredMixin, View):
    """The explicit step that moves a confirmed or pending trainee to the waiting list."""

    def post(self, request, registration_id: int):
        registration = get_object_or_404(
            Registration.objects.filter(
                course__in=course_selectors.course_list_editable_by(request.user)
            ),
            pk=registration_id,
        )
        try:
            services.registration_move_to_waitlist(
                registration_id=registration.pk,
                by=request.user,
                reason=request.POST.get("reason", ""),
            )
        except services.CourseBusy:
            return busy_response(request)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("%(name)s is now on the waiting list.") % {"name": registration.full_name},
            )
        return redirect("enrollment:registration-list", registration.course_id)


def bar_chart(title: str, rows: list[tuple], *, colour: str = "#b22222") -> dict:
    """Geometry of a horizontal bar chart: rows are (label, value[, value label])."""
    label_width, bar_x, bar_max, line = 100, 106, 240, 20
    maximum = max([row[1] for row in rows] + [1])
    drawn = []
    for index, row in enumerate(rows):
        label, value = row[0], row[1]
        bar = round(bar_max * value / maximum)
        drawn.append(
            {
                "label": label,
                "value_label": row[2] if len(row) > 2 else value,
                "bar": bar,
                "y": index * line + 3,
                "text_y": index * line + 14,
                "value_x": bar_x + bar + 4,
                "colour": colour,
            }
        )
    return {
        "title": title,
        "rows": drawn,
        "width": label_width + bar_max + 60,
        "height": max(line, len(rows) * line + 4),
        "label_width": label_width,
        "bar_x": bar_x,
    }


class CourseStatisticsView(ManagedCourseMixin, View):
    template_name = "enrollment/course_statistics.html"

    def get(self, request, pk: int):
        stats = selectors.course_statistics(self.course)
        status_rows = [
            (label, stats.by_status[value]) for value, label in Registration.Status.choices
        ]
        region_rows = [
            (row.region.name, row.total) for row in stats.by_region if row.total or row.quota
        ]
        return render(
            request,
            self.template_name,
            {
                "course": self.course,
                "stats": stats,
                "status_rows": status_rows,
                "status_chart": bar_chart(_("By status"), status_rows),
                "region_chart": bar_chart(_("By region"), region_rows),
                "type_chart": bar_chart(
                    _("By organisation type"), [(label, n) for label, n, _held in stats.by_type]
                ),
                "day_chart": bar_chart(
                    _("Registrations per day"),
                    [(day.strftime("%m-%d"), n) for day, n in stats.per_day],
                    colour="#1f5f8b",
                ),
            },
        )


# -- Nominating units and registering on behalf -------------------------------------------


class NominatingUnitListView(ManagedCourseMixin, View):
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


class ImportJobStatusView(ImportJobMixin, View):
    def get(self, request, job_id):
        job = self.job
        return JsonResponse(
            {
                "status": job.status,
                "status_display": job.get_status_display(),
                "percent": job.percent,
                "finished": job.is_finished,
            }
        )


# -- Discussion groups and messages --------------------------------------------------------


def _back_to_list(request, course) -> str:
    back = reverse("enrollment:registration-list", args=[course.pk])
    next_url = request.POST.get("next", "")
    return next_url if next_url.startswith(back) else back


class RegistrationGroupAssignView(ManagedCourseMixin, View):
    def post(self, request, pk: int):
        try:
            ids = [int(value) for value in request.POST.getlist("registrations")]
            group_id = int(request.POST["group"]) if request.POST.get("group") else None
        except ValueError:
            raise Http404 from None
        try:
            count = group_assign(
                course_id=self.course.pk, by=request.user, registration_ids=ids, group_id=group_id
            )
        except services.CourseBusy:
            return busy_response(request)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("%(count)s trainees assigned.") % {"count": count})
        return redirect(_back_to_list(request, self.course))


class GroupBalanceView(ManagedCourseMixin, View):
    def post(self, request, pk: int):
        try:
            counts = group_assign_balanced(course_id=self.course.pk, by=request.user)
        except services.CourseBusy:
            return busy_response(request)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("%(count)s confirmed trainees spread over %(groups)s groups.")
                % {"count": sum(counts.values()), "groups": len(counts)},
            )
        return redirect(_back_to_list(request, self.course))


class RegistrantMessageView(ManagedCourseMixin, View):
    template_name = "enrollment/registrant_message.html"

    def get(self, request, pk: int):
        form = RegistrantMessageForm(course=self.course)
        return render(request, self.template_name, {"course": self.course, "form": form})

    def post(self, request, pk: int):
        form = RegistrantMessageForm(request.POST, course=self.course)
        if form.is_valid():
            try:
                count = registrants_message(
                    course=self.course,
                    by=request.user,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    filters=filters_from(form),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request, _("The message is on its way to %(count)s people.") % {"count": count}
                )
                return redirect("enrollment:registration-list", self.course.pk)
        return render(
            request, self.template_name, {"course": self.course, "form": form}, status=400
        )
