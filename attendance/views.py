"""Attendance pages: the organiser's sessions of a course, the session roster, the rotating QR
code, the trainee's check-in and their own record."""

import datetime

import segno
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from accounts.roles import user_is_administrator
from attendance import selectors, services
from attendance.exporters import CrossCourseExportForm
from attendance.forms import AttendanceMarkForm, AttendanceSettingsUpdateForm, RosterFilterForm
from attendance.imports import attendance_import_read
from attendance.models import Attendance
from courses.mixins import ManagedCourseMixin
from courses.models import DiscussionGroup
from courses.selectors import course_list_visible_to
from enrollment.models import Registration

# How long a code seen fresh before the login page still counts when the trainee comes back.
CHECKIN_LOGIN_GRACE = datetime.timedelta(minutes=5)
SEEN_KEY = "attendance_checkin_seen"


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _session_for(request, pk):
    return get_object_or_404(selectors.session_list_for_attendance(request.user), pk=pk)


class CourseListView(LoginRequiredMixin, View):
    """Courses whose attendance the user takes: running and upcoming first, then past ones."""

    template_name = "attendance/course_list.html"

    def get(self, request):
        courses = selectors.course_list_for_attendance_by_date(request.user)[:100]
        is_administrator = user_is_administrator(request.user)
        if not is_administrator and not selectors.course_list_for_attendance(request.user).exists():
            raise PermissionDenied
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
                "groups": DiscussionGroup.objects.filter(course=course),
            },
        )


class AttendanceSettingsUpdateView(LoginRequiredMixin, View):
    def post(self, request, pk):
        course = get_object_or_404(selectors.course_list_exportable_by(request.user), pk=pk)
        form = AttendanceSettingsUpdateForm(
            request.POST, instance=selectors.attendance_settings_for(course)
        )
        if form.is_valid():
            services.attendance_settings_update(
                course_id=course.pk,
                auto_absent=form.cleaned_data["auto_absent"],
                late_after_minutes=form.cleaned_data["late_after_minutes"],
                by=request.user,
            )
            messages.success(request, _("Attendance settings saved."))
        else:
            messages.error(request, _("Late after must be a number of minutes from 0 to 240."))
        return redirect("attendance:session-list", course.pk)


class SessionRosterView(LoginRequiredMixin, View):
    """Mark trainees one by one or all at once; search and group filter work without reload."""

    template_name = "attendance/session_roster.html"

    def get(self, request, pk):
        session = _session_for(request, pk)
        groups = (
            []
            if session.discussion_group_id
            else list(DiscussionGroup.objects.filter(course_id=session.course_id))
        )
        form = RosterFilterForm(request.GET or None, groups=groups)
        q, group_id = "", None
        if form.is_valid():
            q, group_id = form.cleaned_data["q"], form.cleaned_data["group"]
        rows = selectors.roster_for_session(session, q=q, group_id=group_id)
        counts = {status: 0 for status in Attendance.Status.values}
        for row in rows:
            if row.mark:
                counts[row.mark.status] += 1
        return render(
            request,
            self.template_name,
            {
                "session": session,
                "course": session.course,
                "rows": rows,
                "form": form,
                "groups": groups,
                "group_id": group_id or "",
                "counts": counts,
                "unmarked": len(rows) - sum(counts.values()),
                "statuses": Attendance.Status.choices,
            },
        )


def _back_to_roster(request, session):
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("attendance:session-roster", args=[session.pk])
    return redirect(target)


class AttendanceMarkView(LoginRequiredMixin, View):
    def post(self, request, pk):
        session = _session_for(request, pk)
        form = AttendanceMarkForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(" ".join(form.non_field_errors()), code="invalid")
            if form.cleaned_data.get("undo"):
                registration_id = form.cleaned_data["undo"]
                services.attendance_undo(
                    session_id=session.pk, registration_id=registration_id, by=request.user
                )
                status, label, meta = "", _("Not marked"), ""
            else:
                registration_id = form.cleaned_data["registration_id"]
                status = form.cleaned_data["status"]
                services.attendance_mark(
                    session_id=session.pk,
                    registration_ids=[registration_id],
                    status=status,
                    remark=form.cleaned_data.get("remark") or "",
                    by=request.user,
                )
                mark = Attendance.objects.get(session=session, registration_id=registration_id)
                label, meta = mark.get_status_display(), _mark_meta(mark, session)
        except ValidationError as exc:
            message = " ".join(exc.messages) or _("Choose a trainee and a mark.")
            if _wants_json(request):
                return JsonResponse({"ok": False, "error": message}, status=400)
            messages.error(request, message)
            return _back_to_roster(request, session)
        if _wants_json(request):
            return JsonResponse(
                {
                    "ok": True,
                    "registration": registration_id,
                    "status": status,
                    "label": label,
                    "meta": meta,
                }
            )
        return _back_to_roster(request, session)


class AttendanceMarkAllView(LoginRequiredMixin, View):
    def post(self, request, pk):
        session = _session_for(request, pk)
        try:
            group_id = int(request.POST.get("group") or 0) or None
        except ValueError:
            group_id = None
        marked = services.attendance_mark_all(
            session_id=session.pk, by=request.user, group_id=group_id
        )
        messages.success(
            request,
            _("%(count)s trainees without a mark are now present.") % {"count": marked},
        )
        return _back_to_roster(request, session)


class AttendanceImportView(LoginRequiredMixin, View):
    """Marks of one session from a spreadsheet (e.g. typed up from a paper sign-in sheet)."""

    template_name = "attendance/attendance_import.html"

    def get(self, request, pk):
        session = _session_for(request, pk)
        return render(request, self.template_name, {"session": session, "course": session.course})

    def post(self, request, pk):
        session = _session_for(request, pk)
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError(_("Choose a spreadsheet to upload."), code="no_file")
            rows = attendance_import_read(upload)
            written = services.attendance_import(session_id=session.pk, rows=rows, by=request.user)
        except ValidationError as exc:
            return render(
                request,
                self.template_name,
                {"session": session, "course": session.course, "errors": exc.messages},
                status=400,
            )
        messages.success(request, _("%(count)s marks imported.") % {"count": written})
        return redirect("attendance:session-roster", session.pk)


def _qr_payload(request, session_id: int) -> dict:
    token = services.qr_token_make(session_id=session_id)
    url = request.build_absolute_uri(reverse("attendance:checkin", args=[token]))
    image = segno.make(url, error="m").svg_data_uri(scale=8, border=2)
    return {"url": url, "image": image, "refresh_in": services.qr_seconds_left()}


class SessionQrView(LoginRequiredMixin, View):
    """Full screen for the projector: the code changes every 30 seconds."""

    template_name = "attendance/session_qr.html"

    def get(self, request, pk):
        session = _session_for(request, pk)
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


class SessionQrCodeView(LoginRequiredMixin, View):
    """A fresh code for the projected page, with how many have checked in so far."""

    def get(self, request, pk):
        session = _session_for(request, pk)
        attended, expected = selectors.session_checked_in(session)
        response = JsonResponse(
            {**_qr_payload(request, session.pk), "attended": attended, "expected": expected}
        )
        response["Cache-Control"] = "no-store"
        return response


def _mark_meta(mark: Attendance, session) -> str:
    moment = timezone.localtime(mark.marked_at, session.course.tz)
    return " · ".join(
        part for part in (f"{mark.get_method_display()} {moment:%H:%M}", mark.remark) if part
    )


class SessionMarksView(LoginRequiredMixin, View):
    """The roster's marks as JSON, polled so staff see QR check-ins arrive."""

    def get(self, request, pk):
        session = _session_for(request, pk)
        marks = selectors.session_marks(session)
        response = JsonResponse(
            {
                "marks": {
                    str(registration_id): {
                        "status": mark.status,
                        "label": mark.get_status_display(),
                        "meta": _mark_meta(mark, session),
                    }
                    for registration_id, mark in marks.items()
                }
            }
        )
        response["Cache-Control"] = "no-store"
        return response


class CheckinView(View):
    """The URL in the QR code. GET checks the code and asks the phone to confirm (a script
    confirms at once); POST records the check-in."""

    template_name = "attendance/checkin.html"

    def _seen_fresh(self, request, token: str) -> bool:
        seen = request.session.get(SEEN_KEY, {})
        moment = seen.get(token)
        if not moment:
            return False
        return timezone.now() - datetime.datetime.fromisoformat(moment) < CHECKIN_LOGIN_GRACE

    def get(self, request, token):
        try:
            code = services.qr_token_read(token)
        except ValidationError as exc:
            return render(
                request,
                self.template_name,
                {"error": exc.messages[0], "code": exc.code},
                status=400,
            )
        if code.fresh:
            seen = request.session.get(SEEN_KEY, {})
            seen = {k: v for k, v in seen.items() if k == token or len(seen) < 10}
            seen[token] = timezone.now().isoformat()
            request.session[SEEN_KEY] = seen
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return render(request, self.template_name, {"token": token, "confirm": True})

    def post(self, request, token):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            result = services.qr_checkin(
                token=token, user=request.user, seen_fresh=self._seen_fresh(request, token)
            )
        except ValidationError as exc:
            return render(
                request,
                self.template_name,
                {"error": exc.messages[0], "code": exc.code},
                status=400,
            )
        return render(
            request,
            self.template_name,
            {
                "result": result,
                "attendance": result.attendance,
                "session": result.attendance.session,
                "course": result.attendance.session.course,
            },
        )


class AttendanceMineView(LoginRequiredMixin, View):
    template_name = "attendance/attendance_mine.html"

    def get(self, request, pk):
        course = get_object_or_404(course_list_visible_to(request.user), pk=pk)
        try:
            registration, rows = selectors.attendance_mine(user=request.user, course=course)
        except Registration.DoesNotExist:
            raise Http404 from None
        counts = {status: 0 for status in Attendance.Status.values}
        for row in rows:
            if row.mark:
                counts[row.mark.status] += 1
        return render(
            request,
            self.template_name,
            {"course": course, "registration": registration, "rows": rows, "counts": counts},
        )
