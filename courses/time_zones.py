"""Time zones as organisers and trainees name them: "北京时间", not "Asia/Shanghai"."""

import datetime
import zoneinfo

from babel.dates import get_timezone_location
from django.utils.functional import Promise
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext_lazy as _

DEFAULT_TIME_ZONE = "Asia/Shanghai"
# The zones a course in China (mainland, Hong Kong, Macao, Taiwan) is held in, first in the list.
COMMON: dict[str, Promise] = {
    DEFAULT_TIME_ZONE: _("Beijing time"),
    "Asia/Urumqi": _("Urumqi time"),
    "Asia/Hong_Kong": _("Hong Kong time"),
    "Asia/Macau": _("Macao time"),
    "Asia/Taipei": _("Taipei time"),
}
# Zones named after a place; "Etc/GMT+5" and the like name no place anyone is in.
PLACES: tuple[str, ...] = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/")
PLACES += ("Australia/", "Europe/", "Indian/", "Pacific/")


def utc_offset(name: str) -> str:
    """The zone's offset from UTC today, as "UTC+08:00"."""
    offset = datetime.datetime.now(zoneinfo.ZoneInfo(name)).utcoffset() or datetime.timedelta()
    sign = "-" if offset < datetime.timedelta() else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _place(name: str) -> str:
    """The zone's place in the reader's language, from the CLDR: "德国（柏林）时间"."""
    locale = to_locale(get_language() or "zh-hans").replace("zh_Hans", "zh_Hans_CN")
    try:
        return str(get_timezone_location(name, locale=locale))
    except (LookupError, ValueError):
        return name


def label(name: str) -> str:
    """A zone's name for people, with its offset: "北京时间 (UTC+08:00)"."""
    common = COMMON.get(name)
    return f"{common if common else _place(name)} ({utc_offset(name)})"


def choices() -> list[tuple[object, object]]:
    """The common zones first, then every other zone named after a place, by offset."""
    others = [
        name
        for name in zoneinfo.available_timezones() - set(COMMON)
        if name.startswith(PLACES) and name.count("/") == 1
    ]
    labelled = sorted((utc_offset(name), label(name), name) for name in others)
    return [
        *((name, label(name)) for name in COMMON),
        (_("Other time zones"), [(name, text) for _offset, text, name in labelled]),
    ]
