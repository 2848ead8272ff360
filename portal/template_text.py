"""Template filters that write labels and dates the way each language writes them.

Loaded as a builtin, so every template has them without `{% load %}`:

- `{{ label|colon }}` puts a label before its value: "Reason: " in English, "原因：" in Chinese.
  Templates never type ": " after a translated label.
- `{{ day|longdate }}` is a date in running text and e-mails: "Wednesday 10 November 2027",
  "2027年11月10日（星期三）"; `{{ moment|longdatetime }}` adds the time of day.
- `{{ first|daterange:last }}` is a span of days: "10–12 November 2027", "2027年11月10日至12日".
- `{{ start|timerange:end }}` is a session's time: "2027年11月10日（星期三）09:00至12:00".

Tables, spreadsheets and file names keep ISO dates (`date:"Y-m-d"`).
"""

import datetime

from django import template
from django.utils import formats, timezone
from django.utils.translation import pgettext

register = template.Library()


@register.filter(is_safe=True)
def colon(label: object) -> str:
    """A translated label followed by the colon of the active language."""
    return pgettext("a label before its value", "%(label)s: ") % {"label": label}


@register.filter(expects_localtime=True)
def longdate(day: datetime.date | None) -> str:
    """A date as running text writes it, with its weekday."""
    if not day:
        return ""
    return formats.date_format(day, pgettext("date format in running text", "l j F Y"))


@register.filter(expects_localtime=True)
def longdatetime(moment: datetime.datetime | None) -> str:
    """A moment as running text writes it: its date with the weekday, then the time of day."""
    if not moment:
        return ""
    return formats.date_format(moment, pgettext("date format in running text", "l j F Y, H:i"))


def _range_formats(first: datetime.date, last: datetime.date) -> tuple[str, str]:
    """How to write the first and the last day, leaving out what the two share."""
    if (first.year, first.month) == (last.year, last.month):
        return (
            pgettext("first day of a range in one month", "j"),
            pgettext("last day of a range in one month", "j F Y"),
        )
    if first.year == last.year:
        return (
            pgettext("first day of a range in one year", "j F"),
            pgettext("last day of a range in one year", "j F Y"),
        )
    full = pgettext("a day of a range across years", "j F Y")
    return full, full


@register.filter
def daterange(first: datetime.date | None, last: datetime.date | None = None) -> str:
    """The days from `first` to `last`; one day when they are the same or `last` is empty."""
    if not first:
        return ""
    if not last or last == first:
        return formats.date_format(first, pgettext("a single day", "j F Y"))
    first_format, last_format = _range_formats(first, last)
    return pgettext("date range", "%(first)s–%(last)s") % {
        "first": formats.date_format(first, first_format),
        "last": formats.date_format(last, last_format),
    }


@register.filter(expects_localtime=True)
def timerange(start: datetime.datetime | None, end: datetime.datetime | None = None) -> str:
    """A session's time as text writes it: its day with the weekday, then from when to when."""
    if not start:
        return ""
    day = longdate(start)
    if not end:
        return pgettext("a day and a time", "%(day)s, %(time)s") % {
            "day": day,
            "time": formats.time_format(start, "H:i"),
        }
    end = timezone.localtime(end) if timezone.is_aware(end) else end
    return pgettext("a day and a time range", "%(day)s, %(start)s–%(end)s") % {
        "day": day,
        "start": formats.time_format(start, "H:i"),
        "end": formats.time_format(end, "H:i"),
    }
