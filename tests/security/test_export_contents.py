"""Every registered exporter, fed hostile text: the file still opens and nothing is lost
silently.

Every free-text field an export reads (names, organisations, titles, remarks, questions,
answers, survey texts ...) is overwritten in the database with hostile text: formula-looking
text, control characters Excel refuses, characters not allowed in sheet names, Chinese, and for
text fields more than Excel's 32,767 characters per cell. Then each exporter in
`exports.registry` writes its workbook, which must

- open in openpyxl and in LibreOffice (converted to CSV by `soffice`, as a user's program
  reads it);
- hold every hostile text as text: no control characters, formula-looking text with a quote
  prefix (never a formula);
- cut text longer than a cell holds to exactly 32,767 characters ending with the visible
  `truncation_mark()` ("… [cut: a spreadsheet cell holds at most 32,767 characters]"), so a
  reader sees that something was cut; shorter text is written whole.

A new exporter must be given parameters in PARAMS (the test names the one that is missing).
"""

import csv
import datetime
import os
import shutil
import subprocess

import pytest
from django.db import models
from openpyxl import load_workbook

from accounts.models import Organisation, User
from attendance.models import Attendance
from courses.models import Course, DiscussionGroup, Session
from enrollment.models import Registration
from exports.registry import exporter_list
from exports.writer import (
    FORMULA_TRIGGERS,
    ILLEGAL_CHARACTERS,
    MAX_CELL_TEXT,
    SafeWorkbook,
    truncation_mark,
)
from feedback.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from questions.models import Question
from tests.factories.accounts import UserFactory
from tests.factories.attendance import AttendanceFactory
from tests.factories.courses import CourseFactory, DiscussionGroupFactory, SessionFactory
from tests.factories.enrollment import RegistrationFactory
from tests.factories.questions import QuestionFactory

pytestmark = pytest.mark.django_db

# Hostile text for short fields: a formula, a control character, sheet-name separators.
SHORT = '=HYPERLINK("http://x","y")张三\x07/:*?[]'
# Hostile text for long fields: a formula first, control characters, then far too much.
# (PostgreSQL stores no NUL character, so none can reach an export.)
LONG = "=cmd|' /C calc'!A0 长文本\x01\x1b" + "汉字" * 20000 + "END"
LONG_MARKER = "汉字" * 50
SKIPPED_NAMES = {"password", "email", "token", "language", "number_key"}


def poison(instance) -> None:
    """Overwrite the free-text fields of one row with hostile text (bypassing the forms, as
    anything already in the database must be exportable)."""
    values = {}
    for field in instance._meta.concrete_fields:
        if field.choices or field.primary_key or field.name in SKIPPED_NAMES:
            continue
        if "zone" in field.name or isinstance(
            field, models.SlugField | models.EmailField | models.URLField
        ):
            continue
        if isinstance(field, models.TextField):
            values[field.name] = LONG
        elif isinstance(field, models.CharField):
            suffix = f"#{instance.pk}" if field.unique or field.name == "name" else ""
            values[field.name] = SHORT[: field.max_length - len(suffix)] + suffix
    type(instance).objects.filter(pk=instance.pk).update(**values)


@pytest.fixture
def world(db):
    organiser = UserFactory()
    course = CourseFactory(status=Course.Status.PUBLISHED, organisers=[organiser])
    session = SessionFactory(course=course)
    group = DiscussionGroupFactory(course=course)
    registrations = [
        RegistrationFactory(course=course, discussion_group=group, decision_reason="x"),
        RegistrationFactory(course=course, status=Registration.Status.CANCELLED),
    ]
    attendance = AttendanceFactory(registration=registrations[0], session=session, remark="x")
    question = QuestionFactory(course=course, asker=registrations[0].trainee, answer="x")
    survey = Survey.objects.create(course=course)
    text_question = SurveyQuestion.objects.create(
        survey=survey, kind=SurveyQuestion.Kind.TEXT, text="x", order=1
    )
    choice_question = SurveyQuestion.objects.create(
        survey=survey, kind=SurveyQuestion.Kind.SINGLE, text="x", choices="甲\n乙", order=2
    )
    response = SurveyResponse.objects.create(survey=survey, respondent=registrations[0].trainee)
    answer = SurveyAnswer.objects.create(response=response, question=text_question, text="x")
    SurveyAnswer.objects.create(response=response, question=choice_question, choices=["甲"])
    for instance in [
        course,
        session,
        group,
        attendance,
        question,
        survey,
        text_question,
        answer,
        *registrations,
        *(r.trainee for r in registrations),
        *(r.trainee.organisation for r in registrations),
    ]:
        poison(instance)
    for model in (Course, Session, DiscussionGroup, Registration, Attendance, User, Organisation):
        assert model.objects.filter(pk__isnull=False).exists()
    assert Question.objects.get(pk=question.pk).text == LONG
    return course


PARAMS = {
    "accounts.people": lambda course: {"region": "", "organisation_type": ""},
    "attendance.sheet": lambda course: {"course": course.pk},
    "attendance.registrations": lambda course: {"course": course.pk},
    "attendance.signin": lambda course: {"course": course.pk, "session": None, "group": None},
    "attendance.cross_course": lambda course: {
        "date_from": (course.starts_on - datetime.timedelta(days=1)).isoformat(),
        "date_to": (course.ends_on + datetime.timedelta(days=1)).isoformat(),
        "region": "",
        "organisation_type": "",
    },
    "questions.list": lambda course: {"course": course.pk},
    "feedback.results": lambda course: {"course": course.pk},
}
# Exporters that write a text field (reasons, questions and answers, survey answers); the
# others write only bounded fields (names, titles: at most a few hundred characters).
WRITES_LONG_TEXT = {"attendance.registrations", "questions.list", "feedback.results"}
EXPORTERS = sorted(
    exporter.name for exporter in exporter_list() if not exporter.name.startswith("tests.")
)


def test_every_registered_exporter_is_covered():
    missing = sorted(set(EXPORTERS) - set(PARAMS))
    assert not missing, f"give these exporters parameters in PARAMS: {', '.join(missing)}"
    assert len(EXPORTERS) >= 7


def _write(name: str, course, path) -> None:
    exporter_class = next(e for e in exporter_list() if e.name == name)
    exporter = exporter_class(PARAMS[name](course))
    book = SafeWorkbook(time_zone=exporter.time_zone())
    exporter.write(book, lambda rows: None)
    book.save(path)


def _check_cells(name: str, path) -> list[str]:
    """Every text cell of the workbook; asserts the rules on each."""
    texts = []
    workbook = load_workbook(path)  # not read-only: quote prefixes are kept
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str):
                    continue
                value = cell.value
                where = f"{name} {sheet.title}!{cell.coordinate}"
                texts.append(value)
                assert len(value) <= MAX_CELL_TEXT, where
                assert not ILLEGAL_CHARACTERS.search(value), where
                assert cell.data_type == "s", where
                if value.startswith(FORMULA_TRIGGERS):
                    assert cell.quotePrefix, where
                if LONG_MARKER in value:
                    # The whole text does not fit: cut to the limit with the visible mark.
                    assert len(value) == MAX_CELL_TEXT, where
                    assert value.endswith(truncation_mark()), where
                    assert value.startswith("=cmd|' /C calc'!A0 长文本汉字"), where
                elif value.endswith("END"):
                    raise AssertionError(f"{where}: long text not marked as cut")
    return texts


@pytest.mark.parametrize("name", EXPORTERS)
def test_hostile_text_is_written_safely_by_every_exporter(world, tmp_path, name):
    path = tmp_path / f"{name}.xlsx"
    _write(name, world, path)
    texts = _check_cells(name, path)
    # The hostile text went through this exporter (so the checks above saw it).
    assert any("张三" in text for text in texts), f"{name} wrote none of the hostile text"
    if name in WRITES_LONG_TEXT:
        assert any(LONG_MARKER in text for text in texts), f"{name} wrote no long text"


def test_libreoffice_opens_every_export_with_the_cut_text(world, tmp_path):
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is missing: `bash scripts/setup.sh test` installs it"
    paths = []
    for name in EXPORTERS:
        path = tmp_path / f"{name.replace('.', '-')}.xlsx"
        _write(name, world, path)
        paths.append(path)
    out = tmp_path / "out"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(out),
            *map(str, paths),
        ],
        check=True,
        timeout=300,
        env={**os.environ, "HOME": str(tmp_path)},
        capture_output=True,
    )
    csv.field_size_limit(10 * MAX_CELL_TEXT)
    for path in paths:
        converted = out / f"{path.stem}.csv"
        assert converted.exists(), f"LibreOffice could not open {path.name}"
        with open(converted, encoding="utf-8") as stream:
            lo_cells = [cell for row in csv.reader(stream) for cell in row]
        first_sheet = load_workbook(path).worksheets[0]
        written = [
            cell.value
            for row in first_sheet.iter_rows()
            for cell in row
            if isinstance(cell.value, str)
        ]
        # Every text LibreOffice read is the text written, the cut ones included.
        for value in written:
            assert value in lo_cells, f"{path.name}: {value[:40]!r} read differently"
