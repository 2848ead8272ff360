"""Labels and dates are written the way each language writes them, through one filter each."""

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from courses.models import Course
from tests.factories.courses import CourseFactory


def render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"), [("zh-hans", "原因：请假"), ("en", "Reason: 请假")]
)
def test_a_label_takes_the_colon_of_its_language(language, expected):
    assert render('{{ _("Reason")|colon }}{{ reason }}', language, reason="请假") == expected


def test_a_date_in_running_text_has_its_weekday():
    day = datetime.date(2027, 11, 10)
    assert render("{{ day|longdate }}", "zh-hans", day=day) == "2027年11月10日（星期三）"
    assert render("{{ day|longdate }}", "en", day=day) == "Wednesday 10 November 2027"


@pytest.mark.parametrize(
    ("first", "last", "chinese", "english"),
    [
        ((2027, 11, 10), (2027, 11, 12), "2027年11月10日至12日", "10–12 November 2027"),
        ((2027, 11, 30), (2027, 12, 2), "2027年11月30日至12月2日", "30 November–2 December 2027"),
        (
            (2027, 12, 30),
            (2028, 1, 2),
            "2027年12月30日至2028年1月2日",
            "30 December 2027–2 January 2028",
        ),
        ((2027, 11, 10), (2027, 11, 10), "2027年11月10日", "10 November 2027"),
    ],
)
def test_a_range_of_days_says_what_the_two_days_share_once(first, last, chinese, english):
    days = {"first": datetime.date(*first), "last": datetime.date(*last)}
    assert render("{{ first|daterange:last }}", "zh-hans", **days) == chinese
    assert render("{{ first|daterange:last }}", "en", **days) == english


def test_a_sessions_time_is_its_day_and_a_range_of_hours():
    start = datetime.datetime(2027, 11, 10, 9, 0, tzinfo=datetime.UTC)
    end = datetime.datetime(2027, 11, 10, 12, 0, tzinfo=datetime.UTC)
    source = '{% load tz %}{% timezone "UTC" %}{{ start|timerange:end }}{% endtimezone %}'
    assert render(source, "zh-hans", start=start, end=end) == "2027年11月10日（星期三）09:00至12:00"
    assert render(source, "en", start=start, end=end) == "Wednesday 10 November 2027, 09:00–12:00"


@pytest.mark.django_db
def test_the_course_page_gives_its_dates_as_a_chinese_range(client):
    course = CourseFactory(
        status=Course.Status.PUBLISHED,
        starts_on=datetime.date(2027, 11, 10),
        ends_on=datetime.date(2027, 11, 12),
    )
    html = client.get(
        reverse("courses:course-detail", args=[course.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).text
    assert "2027年11月10日至12日" in html
