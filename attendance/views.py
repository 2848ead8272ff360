"""Attendance pages: the organiser's sessions of a course, the session roster, the rotating QR
code, the trainee's check-in and their own record."""

import datetime

import segno
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.roles import user_is_administrator
from attendance import selectors, services
from attendance.exporters import CrossCourseExportForm
from attendance.forms import (
    AttendanceImportForm,
    AttendanceMarkForm,
    AttendanceSettingsUpdateForm,
    RosterFilterForm,
)
from attendance.imports import attendance_import_read
from attendance.models import Attendance
from attendance.roster_html import history_html, mark_meta, roster_rows_html
from courses.mixins import ManagedCourseMixin
from courses.selectors import course_list_visible_to, user_is_course_checkin_staff
from enrollment.models import Registration
from portal.access import RoleRequiredMixin, ScopedObjectMixin
from portal.auth_types import signed_in
from portal.forms import error_text
from portal.views_base import ServiceActionView, ServiceFormView

# How long a code seen fresh before the login page still counts when the trainee comes back.
CHECKIN_LOGIN_GRACE = datetime.timedelta(minutes=5)
SEEN_KEY = "attendance_checkin_seen"


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


class SessionStaffMixin(ScopedObjectMixin):
    """`self.session`: the session named by the URL's `pk`, among those whose attendance the
    user takes; anyone else signed in gets 404."""

    def look_up(self, **kwargs) -> None:
        self.session = get_object_or_404(
            selectors.session_list_for_attendance(self.request.user), pk=kwargs["pk"]
        )


class CourseListView(RoleRequiredMixin, View):
    """Courses whose attendance the user takes: running and upcoming first, then past ones."""

    template_name = "attendance/course_list.html"
    role_refusal = gettext_lazy("This page is for check-in staff and course organisers.")

    def has_role(self, user) -> bool:
        # Staff assigned only to a course still in draft see an empty list, as the menu offers it.
        return (
            user_is_administrator(user)
            or selectors.course_list_for_attendance(user).exists()
            or user_is_course_checkin_staff(user)
        )

    def get(self, request):
        courses = selectors.course_list_for_attendance_by_date(request.user)[:100]
        is_administrator = user_is_administrator(request.user)
        return render(
            request,
            self.template_name,
            {
                "courses": courses,
                "cross_course_form": CrossCourseExportForm() if is_administrator else None,
            },
        )


class SessionListView(ManagedCourseMixin, View):
    """One course's sessions with their marks, links to rosters and QR codes, and exports."""

    template_name = "attendance/session_list.html"

    def course_queryset(self, user):
        return selectors.course_list_for_attendance(user)

    def get(self, request, pk):
        course = self.course
        can_export = selectors.course_list_exportable_by(request.user).filter(pk=pk).exists()
        return render(
            request,
            self.template_name,
            {
                "course": course,
                "rows": selectors.session_counts_for_course(course),
                "can_export": can_export,
                "settings_form": AttendanceSettingsUpdateForm(
                    instance=selectors.attendance_settings_for(course)
                )
                if can_export
                else None,
                "groups": selectors.group_list_for_course(course.pk),
            },
        )


class ChangeListView(ManagedCourseMixin, View):
    """The corrections of a course's marks, newest first: of one session (`?session=`) or one
    trainee (`?registration=`), or all."""

    template_name = "attendance/change_list.html"
    paginate_by = 100

    def course_queryset(self, user):
        return selectors.course_list_for_attendance(user)

    def get(self, request, pk):
        course = self.course
        session = _int_param(request, "session")
        registration = _int_param(request, "registration")
        changes = selectors.change_list_for_course(
            course, session_id=session, registration_id=registration
        )
        page = Paginator(changes, self.paginate_by).get_page(request.GET.get("page"))
        first = page.object_list[0] if page.object_list else None
        return render(
            request,
            self.template_name,
            {
                "course": course,
                "page_obj": page,
                "query_string": urlencode(
                    {k: v for k, v in (("session", session), ("registration", registration)) if v}
                ),
                "session": first.session if first and session else None,
                "registration": first.registration if first and registration else None,
                "filtered": bool(session or registration),
            },
        )


def _int_param(request, name: str) -> int | None:
    try:
        return int(request.GET.get(name) or 0) or None
    except ValueError:
        return None


class AttendanceSettingsUpdateView(ManagedCourseMixin, ServiceActionView):
    success_message = gettext_lazy("Attendance settings saved.")

    def course_queryset(self, user):
        return selectors.course_list_exportable_by(user)

    def run_service(self):
        form = AttendanceSettingsUpdateForm(
            self.request.POST, instance=selectors.attendance_settings_for(self.course)
        )
        if not form.is_valid():
            raise ValidationError(
                _("Late after must be a number of minutes from 0 to 240."), code="invalid"
            )
        return services.attendance_settings_update(
            course_id=self.course.pk,
            auto_absent=form.cleaned_data["auto_absent"],
            late_after_minutes=form.cleaned_data["late_after_minutes"],
            late_hours=form.cleaned_data["late_hours"],
            excused_hours=form.cleaned_data["excused_hours"],
            by=self.request.user,
        )

    def get_success_url(self, result) -> str:
        return reverse("attendance:session-list", args=[self.course.pk])


class SessionRosterView(SessionStaffMixin, View):
    """Mark trainees one by one or all at once; search and group filter work without reload."""

    template_name = "attendance/session_roster.html"

    def get(self, request, pk):
        session = self.session
        groups = selectors.roster_groups(session)
        form = RosterFilterForm(request.GET or None, groups=groups)
        q, group_id = "", None
        if form.is_valid():
            q, group_id = form.cleaned_data["q"], form.cleaned_data["group"]
        rows = selectors.roster_for_session(session, q=q, group_id=group_id)
        counts = selectors.mark_counts(rows)
        return render(
            request,
            self.template_name,
            {
                "session": session,
                "course": session.course,
                "rows": rows,
                "rows_html": roster_rows_html(rows, session),
                "form": form,
                "groups": groups,
                "group_id": group_id or "",
                "counts": counts,
                "unmarked": len(rows) - sum(counts.values()),
                "statuses": Attendance.Status.choices,
            },
        )


class RosterActionView(SessionStaffMixin, ServiceActionView):
    """A POST from the roster: back to the page it came from (`next`, on this site only), else
    to the roster."""

    def get_success_url(self, result) -> str:
        target = self.request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()}):
            target = reverse("attendance:session-roster", args=[self.session.pk])
        return target


class AttendanceMarkView(RosterActionView):
    """One roster button: a mark, or undoing one. The roster's script asks for JSON (the new
    mark, or why not); without script the page comes back."""

    def run_service(self) -> dict:
        form = AttendanceMarkForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(" ".join(map(str, form.non_field_errors())), code="invalid")
        data, session, user = form.cleaned_data, self.session, signed_in(self.request)
        reason = data.get("reason") or ""
        if data.get("undo"):
            registration_id = data["undo"]
            services.attendance_undo(
                session_id=session.pk, registration_id=registration_id, by=user, reason=reason
            )
            return self._result(registration_id, None)
        registration_id = data["registration_id"]
        services.attendance_mark(
            session_id=session.pk,
            registration_ids=[registration_id],
            status=data["status"],
            remark=data.get("remark") or "",
            reason=reason,
            by=user,
        )
        return self._result(
            registration_id,
            selectors.attendance_of(session=session, registration_id=registration_id),
        )

    def _result(self, registration_id: int, mark: Attendance | None) -> dict:
        """The row's new state for the roster's script."""
        session = self.session
        changes = selectors.changes_by_registration(session, registration_id=registration_id)
        changes_of_row = changes.get(registration_id, [])
        return {
            "registration": registration_id,
            "status": mark.status if mark else "",
            "label": mark.get_status_display() if mark else _("Not marked"),
            "meta": mark_meta(mark, session) if mark else "",
            "history": history_html(changes_of_row, session, registration_id),
        }

    def succeeded(self, result) -> HttpResponse:
        if _wants_json(self.request):
            return JsonResponse({"ok": True, **result})
        return super().succeeded(result)

    def refused(self, exc: ValidationError) -> HttpResponse:
        message = error_text(exc) or _("Choose a trainee and a mark.")
        if _wants_json(self.request):
            return JsonResponse({"ok": False, "error": message, "code": exc.code}, status=400)
        return super().refused(ValidationError(message, code=exc.code))


class AttendanceMarkAllView(RosterActionView):
    def run_service(self) -> int:
        try:
            group_id = int(self.request.POST.get("group") or 0) or None
        except ValueError:
            group_id = None
        return services.attendance_mark_all(
            session_id=self.session.pk, by=signed_in(self.request), group_id=group_id
        )

    def get_success_message(self, result) -> str:
        return _("%(count)s trainees without a mark are now present.") % {"count": result}


class AttendanceImportView(SessionStaffMixin, ServiceFormView):
    """Marks of one session from a spreadsheet (e.g. typed up from a paper sign-in sheet).
    If any row has a problem nothing is saved, and every problem is listed."""

    template_name = "attendance/attendance_import.html"
    form_class = AttendanceImportForm
    invalid_status = 400

    def get_context_data(self, **kwargs) -> dict:
        return {"session": self.session, "course": self.session.course, **kwargs}

    def run_service(self, form) -> int:
        upload = form.cleaned_data["file"]
        if upload is None:
            raise ValidationError(_("Choose a spreadsheet to upload."), code="no_file")
        rows = attendance_import_read(upload)
        return services.attendance_import(
            session_id=self.session.pk,
            rows=rows,
            by=signed_in(self.request),
            reason=form.cleaned_data["reason"],
        )

    def form_refused(self, form, exc: ValidationError) -> HttpResponse:
        context = self.get_context_data(form=form, errors=exc.messages)
        return render(self.request, self.template_name, context, status=self.invalid_status)

    def get_success_message(self, result) -> str:
        return _("%(count)s marks imported.") % {"count": result}

    def get_success_url(self, result) -> str:
        return reverse("attendance:session-roster", args=[self.session.pk])


def _qr_payload(request, session_id: int) -> dict:
    token = services.qr_token_make(session_id=session_id)
    url = request.build_absolute_uri(reverse("attendance:checkin", args=[token]))
    image = segno.make(url, error="m").svg_data_uri(scale=8, border=2)
    return {"url": url, "image": image, "refresh_in": services.qr_seconds_left()}


class SessionQrView(SessionStaffMixin, View):
    """Full screen for the projector: the code changes every 30 seconds."""

    template_name = "attendance/session_qr.html"

    def get(self, request, pk):
        session = self.session
        attended, expected = selectors.session_checked_in(session)
        return render(
            request,
            self.template_name,
            {
                "session": session,
                "course": session.course,
                "qr": _qr_payload(request, session.pk),
                "attended": attended,
                "expected": expected,
            },
        )


class SessionQrCodeView(SessionStaffMixin, View):
    """A fresh code for the projected page, with how many have checked in so far."""

    def get(self, request, pk):
        session = self.session
        attended, expected = selectors.session_checked_in(session)
        response = JsonResponse(
            {**_qr_payload(request, session.pk), "attended": attended, "expected": expected}
        )
        response["Cache-Control"] = "no-store"
        return response


class SessionMarksView(SessionStaffMixin, View):
    """The roster's marks as JSON, polled so staff see QR check-ins arrive."""

    def get(self, request, pk):
        session = self.session
        marks = selectors.session_marks(session)
        changes = selectors.changes_by_registration(session)
        response = JsonResponse(
            {
                "marks": {
                    str(registration_id): {
                        "status": mark.status,
                        "label": mark.get_status_display(),
                        "meta": mark_meta(mark, session),
                    }
                    for registration_id, mark in marks.items()
                },
                "history": {
                    str(registration_id): history_html(rows, session, registration_id)
                    for registration_id, rows in changes.items()
                },
            }
        )
        response["Cache-Control"] = "no-store"
        return response


class CheckinView(ServiceActionView):
    """The URL in the QR code. GET checks the code and asks the phone to confirm (a script
    confirms at once); POST records the check-in and shows the result on the same page (no
    redirect: the phone shows where it is, whatever the outcome)."""

    template_name = "attendance/checkin.html"
    http_method_names = ["get", "post", "options"]

    def _seen_fresh(self, token: str) -> bool:
        seen = self.request.session.get(SEEN_KEY, {})
        moment = seen.get(token)
        if not moment:
            return False
        return timezone.now() - datetime.datetime.fromisoformat(moment) < CHECKIN_LOGIN_GRACE

    def get(self, request, token):
        try:
            code = services.qr_token_read(token)
        except ValidationError as exc:
            return self.refused(exc)
        if code.fresh:
            seen = request.session.get(SEEN_KEY, {})
            seen = {k: v for k, v in seen.items() if k == token or len(seen) < 10}
            seen[token] = timezone.now().isoformat()
            request.session[SEEN_KEY] = seen
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return render(request, self.template_name, {"token": token, "confirm": True})

    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().post(request, *args, **kwargs)

    def run_service(self):
        token = self.kwargs["token"]
        return services.qr_checkin(
            token=token, user=self.request.user, seen_fresh=self._seen_fresh(token)
        )

    def succeeded(self, result) -> HttpResponse:
        attendance = result.attendance
        return render(
            self.request,
            self.template_name,
            {
                "result": result,
                "attendance": attendance,
                "session": attendance.session,
                "course": attendance.session.course,
            },
        )

    def refused(self, exc: ValidationError) -> HttpResponse:
        context = {"error": exc.messages[0], "code": exc.code}
        return render(self.request, self.template_name, context, status=400)


class AttendanceMineView(LoginRequiredMixin, View):
    template_name = "attendance/attendance_mine.html"

    def get(self, request, pk):
        course = get_object_or_404(course_list_visible_to(request.user), pk=pk)
        try:
            registration, rows = selectors.attendance_mine(user=request.user, course=course)
        except Registration.DoesNotExist:
            raise Http404 from None
        return render(
            request,
            self.template_name,
            {
                "course": course,
                "registration": registration,
                "rows": rows,
                "counts": selectors.mark_counts(rows),
            },
        )
