"""Printable sign-in sheets: a session's or a group's trainees, to sign by hand."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from attendance.exporters.base import CHUNK, AttendanceCourseExporter, by_name
from courses.models import DiscussionGroup, Session
from exports.registry import register
from exports.writer import Column


@register
class SignInSheetExporter(AttendanceCourseExporter):
    """A sheet to print on A4 and sign by hand: a session's or a group's trainees."""

    name = "attendance.signin"
    title = gettext_lazy("Sign-in sheet")

    @classmethod
    def clean_params(cls, data) -> dict:
        params = super().clean_params(data)
        for key, model in (("session", Session), ("group", DiscussionGroup)):
            raw = data.get(key) or ""
            if not raw:
                params[key] = None
                continue
            try:
                pk = int(raw)
            except (TypeError, ValueError):
                pk = 0
            if not model.objects.filter(pk=pk, course_id=params["course"]).exists():
                raise ValidationError(
                    _("Choose a session or a group of this course."), code="invalid_target"
                )
            params[key] = pk
        return params

    def _group_id(self) -> int | None:
        if self.params.get("group"):
            return self.params["group"]
        if self.params.get("session"):
            return Session.objects.get(pk=self.params["session"]).discussion_group_id
        return None

    def _heading(self) -> str:
        parts = [self.course.title]
        if self.params.get("session"):
            session = Session.objects.get(pk=self.params["session"])
            starts = timezone.localtime(session.starts_at, self.course.tz)
            parts.append(f"{session.title} {starts:%Y-%m-%d %H:%M}")
        if self.params.get("group"):
            parts.append(DiscussionGroup.objects.get(pk=self.params["group"]).name)
        return " · ".join(parts)

    def queryset(self):
        registrations = self.confirmed()
        group_id = self._group_id()
        if group_id:
            registrations = registrations.filter(discussion_group_id=group_id)
        return by_name(registrations)

    def total(self) -> int:
        return self.queryset().count()

    def write(self, book, progress) -> None:
        sheet = book.sheet(
            _("Sign-in sheet"),
            [
                Column(pgettext("row number", "No."), 6),
                Column(pgettext("person", "Full name"), 14),
                Column(_("Organisation"), 40),
                Column(_("Signature"), 30),
            ],
            print_titles=True,
        )
        # The heading prints on every page; '&' is a control character in page headers.
        sheet.sheet.oddHeader.center.text = self._heading().replace("&", "&&")
        sheet.sheet.oddFooter.center.text = "&P / &N"
        rows = self.queryset().values_list("full_name", "organisation_name")
        for count, (name, org) in enumerate(rows.iterator(chunk_size=CHUNK), start=1):
            sheet.append([count, name, org, ""])
            progress(count)
