"""Organisers: registration list, decisions, waiting list, statistics, groups and messages."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from courses import selectors as course_selectors
from courses.mixins import ManagedCourseMixin
from enrollment import selectors, services
from enrollment.forms import (
    RegistrantMessageForm,
    RegistrationDecisionForm,
    RegistrationFilterForm,
)
from enrollment.models import (
    Registration,
)
from enrollment.services.groups import group_assign, group_assign_balanced
from enrollment.services.messaging import registrants_message
from enrollment.views.common import (
    add_errors,
    busy_response,
    error_text,
    filters_from,
)

REGISTRATIONS_PAGE_SIZE = 50


class RegistrationListView(ManagedCourseMixin, View):
    organiser_role_required = True

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

    organiser_role_required = True

    def post(self, request, pk: int):
        form = RegistrationDecisionForm(request.POST, course=self.course)
        back = reverse("enrollment:registration-list", args=[self.course.pk])
        if request.POST.get("next", "").startswith(back):
            back = request.POST["next"]
        if not form.is_valid():
            for errors in form.errors.values():
                # An ErrorList iterates as its messages (str); the stubs allow errors too.
                messages.error(request, " ".join(errors))  # type: ignore[arg-type]
            return redirect(back)
        data = form.cleaned_data
        try:
            if data["action"] == "approve":
                done = services.registration_approve_many(
                    course_id=self.course.pk,
                    registration_ids=data["registrations"],
                    by=request.user,
                    skip_others=True,
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
                    skip_others=True,
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
    organiser_role_required = True

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


def _back_to_list(request, course) -> str:
    back = reverse("enrollment:registration-list", args=[course.pk])
    next_url = request.POST.get("next", "")
    return next_url if next_url.startswith(back) else back


class RegistrationGroupAssignView(ManagedCourseMixin, View):
    organiser_role_required = True

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
    organiser_role_required = True

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
    organiser_role_required = True

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
