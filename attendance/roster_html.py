"""The HTML of the roster's rows, built in Python rather than by the template engine.

A roster of 450 trainees has five buttons and a badge per row; through templates that was some
19,000 template nodes and a second of rendering. Here each row's fixed parts are formatted once
per page and filled with the row's values, with everything a trainee typed escaped.
"""

from collections.abc import Mapping, Sequence

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from attendance.models import Attendance, AttendanceChange
from attendance.selectors import RosterRow
from courses.models import Session


def mark_meta(mark: Attendance, session: Session) -> str:
    """How and when a mark was given, and its remark: "QR self check-in 09:02 · 病假"."""
    moment = timezone.localtime(mark.marked_at, session.course.tz)
    return " · ".join(
        part for part in (f"{mark.get_method_display()} {moment:%H:%M}", mark.remark) if part
    )


def _status_label(status: str) -> str:
    return str(Attendance.Status(status).label) if status else _("Not marked")


def change_text(change: AttendanceChange, session: Session) -> str:
    """One correction in a line: "11-10 09:40 Present → Absent · 张三: 早退"."""
    moment = timezone.localtime(change.changed_at, session.course.tz)
    who = change.changed_by.full_name if change.changed_by else ""
    arrow = f"{_status_label(change.old_status)} → {_status_label(change.new_status)}"
    text = f"{moment:%m-%d %H:%M} {arrow}"
    if who:
        text += f" · {who}"
    return _("%(change)s: %(reason)s") % {"change": text, "reason": change.reason}


def history_html(
    changes: Sequence[AttendanceChange], session: Session, registration_id: int
) -> str:
    """The "corrected" badge that opens the list of a mark's corrections (a tap on a phone),
    with a link to the trainee's history; empty for a mark never corrected."""
    if not changes:
        return ""
    lines = [change_text(change, session) for change in changes]
    items = mark_safe("".join(format_html("<li>{}</li>", line) for line in lines))
    url = reverse("attendance:change-list", args=[session.course_id])
    return format_html(
        '<details class="roster-history small"><summary class="badge text-bg-warning" '
        'title="{}">{}</summary><ol class="list-unstyled mb-1 mt-1">{}</ol>'
        '<a href="{}?registration={}">{}</a></details>',
        lines[-1],
        pgettext("attendance mark", "Corrected"),
        items,
        url,
        registration_id,
        _("All corrections of this trainee"),
    )


def _badge(mark: Attendance | None, labels: Mapping[str, str]) -> str:
    if mark is None:
        return f'<span class="badge text-bg-light border" data-status="">{labels[""]}</span>'
    return (
        f'<span class="badge attendance-{mark.status}" data-status="{mark.status}">'
        f"{labels[mark.status]}</span>"
    )


def _buttons_pattern(statuses: Sequence[tuple[str, str]]) -> str:
    """The buttons of a row with `{pk}` and `{name}` left to fill in (labels escaped)."""
    buttons = [
        f'<button type="submit" name="mark" value="{{pk}}:{value}" '
        f'class="btn btn-sm btn-outline-dark roster-mark" data-status="{value}" '
        f'aria-label="{escape(label)}: {{name}}">{escape(label)}</button>'
        for value, label in statuses
    ]
    undo = escape(_("Undo"))
    buttons.append(
        f'<button type="submit" name="undo" value="{{pk}}" class="btn btn-sm btn-link '
        f'roster-undo" aria-label="{undo}: {{name}}">{undo}</button>'
    )
    return "".join(buttons)


def roster_rows_html(rows: Sequence[RosterRow], session: Session) -> SafeString:
    """The `<li>` of every roster row."""
    statuses = [(value, str(label)) for value, label in Attendance.Status.choices]
    labels = {value: escape(label) for value, label in statuses} | {"": escape(_("Not marked"))}
    buttons = _buttons_pattern(statuses)
    out = []
    for row in rows:
        registration = row.registration
        name = escape(registration.full_name)
        group = registration.discussion_group
        detail: str = escape(registration.organisation_name)
        if group is not None:
            detail += f" · {escape(group.name)}"
        meta = escape(mark_meta(row.mark, session)) if row.mark else ""
        pk = registration.pk
        history = history_html(row.changes, session, pk)
        out.append(
            f'<li class="list-group-item roster-row" id="r{pk}" data-name="{name}" '
            f'data-group="{group.pk if group else ""}" data-registration="{pk}">'
            '<div class="d-flex justify-content-between align-items-start gap-2"><div>'
            f'<div class="fw-semibold roster-name">{name}</div>'
            f'<div class="small text-muted">{detail}</div>'
            f'<div class="small text-muted roster-meta">{meta}</div></div>'
            f'<div class="roster-status text-end">{_badge(row.mark, labels)}'
            f'<div class="roster-changes">{history}</div></div></div>'
            f'<div class="d-flex flex-wrap gap-1 mt-2">{buttons.format(pk=pk, name=name)}</div>'
            "</li>"
        )
    return mark_safe("".join(out))  # every value above is escaped
