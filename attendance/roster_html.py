"""The HTML of the roster's rows, built in Python rather than by the template engine.

A roster of 450 trainees has five buttons and a badge per row; through templates that was some
19,000 template nodes and a second of rendering. Here each row's fixed parts are formatted once
per page and filled with the row's values, with everything a trainee typed escaped.
"""

from collections.abc import Mapping, Sequence
from html import escape  # the standard library's: Django's lazy-aware one is slower per call

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from attendance.models import Attendance, AttendanceChange
from attendance.selectors import RosterRow
from courses.models import Session
from portal.template_text import colon


class _Words:
    """The translated words and the time zone of one page, looked up once rather than per row
    (a lazy translation costs a lookup every time it is shown)."""

    def __init__(self, session: Session):
        self.session = session
        self.tz = session.course.tz
        self.statuses = [(value, str(label)) for value, label in Attendance.Status.choices]
        self.status = dict(self.statuses) | {"": _("Not marked")}
        self.method = {value: str(label) for value, label in Attendance.Method.choices}
        self.corrected = pgettext("attendance mark", "Corrected")
        self.all_of_trainee = _("All corrections of this trainee")
        self.change_pattern = _("%(change)s: %(reason)s")
        self.history_url = reverse("attendance:change-list", args=[session.course_id])


def _meta(mark: Attendance, words: _Words) -> str:
    moment = timezone.localtime(mark.marked_at, words.tz)
    return " · ".join(
        part for part in (f"{words.method[mark.method]} {moment:%H:%M}", mark.remark) if part
    )


def mark_meta(mark: Attendance, session: Session) -> str:
    """How and when a mark was given, and its remark: "QR self check-in 09:02 · 病假"."""
    return _meta(mark, _Words(session))


def _change_text(change: AttendanceChange, words: _Words) -> str:
    """One correction in a line: "11-10 09:40 Present → Absent · 张三: 早退"."""
    moment = timezone.localtime(change.changed_at, words.tz)
    arrow = f"{words.status[change.old_status]} → {words.status[change.new_status]}"
    text = f"{moment:%m-%d %H:%M} {arrow}"
    if change.changed_by:
        text += f" · {change.changed_by.full_name}"
    return words.change_pattern % {"change": text, "reason": change.reason}


def _history(changes: Sequence[AttendanceChange], words: _Words, registration_id: int) -> str:
    if not changes:
        return ""
    lines = [_change_text(change, words) for change in changes]
    items = mark_safe("".join(format_html("<li>{}</li>", line) for line in lines))
    return format_html(
        '<details class="roster-history small"><summary class="badge text-bg-warning" '
        'title="{}">{}</summary><ol class="list-unstyled mb-1 mt-1">{}</ol>'
        '<a href="{}?registration={}">{}</a></details>',
        lines[-1],
        words.corrected,
        items,
        words.history_url,
        registration_id,
        words.all_of_trainee,
    )


def history_html(
    changes: Sequence[AttendanceChange], session: Session, registration_id: int
) -> str:
    """The "corrected" badge that opens the list of a mark's corrections (a tap on a phone),
    with a link to the trainee's history; empty for a mark never corrected."""
    return _history(changes, _Words(session), registration_id)


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
        f'aria-label="{escape(colon(label))}{{name}}">{escape(label)}</button>'
        for value, label in statuses
    ]
    undo = pgettext("attendance mark", "Undo")
    buttons.append(
        f'<button type="submit" name="undo" value="{{pk}}" class="btn btn-sm btn-link '
        f'roster-undo" aria-label="{escape(colon(undo))}{{name}}">{escape(undo)}</button>'
    )
    return "".join(buttons)


def roster_rows_html(rows: Sequence[RosterRow], session: Session) -> SafeString:
    """The `<li>` of every roster row."""
    words = _Words(session)
    labels = {value: escape(label) for value, label in words.status.items()}
    buttons = _buttons_pattern(words.statuses)
    out = []
    for row in rows:
        registration = row.registration
        name = escape(registration.full_name)
        group = registration.discussion_group
        detail = escape(registration.organisation_name)
        if group is not None:
            detail += f" · {escape(group.name)}"
        meta = escape(_meta(row.mark, words)) if row.mark else ""
        pk = registration.pk
        history = _history(row.changes, words, pk)
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
