"""Chinese pages speak Chinese: no English word or code name leaks through a form or a table."""

import importlib.util
import re
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.roles import Role
from courses.models import Course
from policies.models import DocumentFile
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory, SpeakerFactory
from tests.factories.policies import PolicyDocumentFactory

ROOT = Path(__file__).resolve().parents[2]
LEAKS = ["Markdown", "Asia/", "Ctrl", "Mac", "JPEG", "SHA-", "收件地址"]


def visible_text(html: str) -> str:
    """The page's text as a reader sees it: no tags, scripts, styles or attribute values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def organiser(db):
    return UserFactory(roles=[Role.ORGANISER, Role.ADMINISTRATOR], preferred_language="zh-hans")


@pytest.mark.django_db
def test_organiser_forms_and_tables_have_no_english_left(client, organiser):
    course = CourseFactory(organisers=[organiser], status=Course.Status.PUBLISHED)
    SpeakerFactory(name="陈立新")
    document = PolicyDocumentFactory()
    DocumentFile.objects.create(
        document=document,
        kind=DocumentFile.Kind.ORIGINAL,
        file="policies/x.pdf",
        display_name="x.pdf",
        size=1,
        sha256="0" * 64,
        content_type="application/pdf",
    )
    client.force_login(organiser)
    pages = [
        reverse("courses:course-create"),
        reverse("courses:course-manage", args=[course.pk]),
        reverse("courses:session-list", args=[course.pk]),
        reverse("courses:material-list", args=[course.pk]),
        reverse("policies:document-detail", args=[document.pk]),
        reverse("policies:document-file-create", args=[document.pk]),
        reverse("exports:job-list"),
        reverse("attendance:course-list"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.text)
        assert [word for word in LEAKS if word in text] == [], url


@pytest.mark.django_db
def test_the_cross_course_export_names_its_dates_as_a_range(client, organiser):
    client.force_login(organiser)
    html = client.get(reverse("attendance:course-list")).text
    end_label = re.search(r'<label[^>]*for="id_date_to"[^>]*>(.*?)</label>', html, re.S)
    assert end_label, "the end date has a label"
    assert visible_text(end_label.group(1)).strip().rstrip("*").strip() == "至"


@pytest.mark.django_db
def test_time_zones_are_named_as_people_name_them(client, organiser):
    client.force_login(organiser)
    html = client.get(reverse("courses:course-create")).text
    assert re.search(r'<option value="Asia/Shanghai"[^>]*>北京时间 \(UTC\+08:00\)</option>', html)


def _checker():
    spec = importlib.util.spec_from_file_location("check", ROOT / "scripts/check_translations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CATALOGUE = """
msgid ""
msgstr ""
"Language: zh_Hans\\n"

msgid "to"
msgstr "至"

msgctxt "date range end"
msgid "to"
msgstr "至"

msgid "Open"
msgstr "待答复"

msgid "Last day"
msgstr "结业日期"

msgid "PDF"
msgstr "PDF"

msgid "%(n)s vote"
msgid_plural "%(n)s votes"
msgstr[0] "%(n)s 人支持"

msgid "Enter the speaker's name."
msgstr "请填写主讲人姓名。"

msgid ""
"Tags"
msgstr "标签"

#~ msgid "by"
#~ msgstr "操作人"
"""


def test_the_check_flags_short_words_without_a_context():
    assert _checker().without_context(CATALOGUE) == ["to", "Open", "Last day", "Tags"]
