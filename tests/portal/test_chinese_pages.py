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
def test_a_speakers_title_is_the_post_they_hold(client, organiser):
    SpeakerFactory(name="陈立新", title="副部长")
    client.force_login(organiser)
    list_html = client.get(reverse("courses:speaker-list")).text
    assert re.search(r'<th scope="col">职务</th>', list_html)
    assert "标题" not in visible_text(list_html)
    form_html = client.get(reverse("courses:speaker-create")).text
    label = re.search(r'<label[^>]*for="id_title"[^>]*>(.*?)</label>', form_html, re.S)
    assert label and visible_text(label.group(1)).strip() == "职务"


@pytest.mark.django_db
def test_the_cross_course_export_starts_from_a_first_day(client, organiser):
    client.force_login(organiser)
    html = client.get(reverse("attendance:course-list")).text
    label = re.search(r'<label[^>]*for="id_date_from"[^>]*>(.*?)</label>', html, re.S)
    assert label and visible_text(label.group(1)).strip().rstrip("*").strip() == "开班日期（起）"


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


GLOSSARY = """
| Concept | English | Chinese | Avoid | Note |
| --- | --- | --- | --- | --- |
| organiser | organiser | 主办方 | 组织者、会务组 | |
| host organisation | hosted by | 主办单位 | 主办方 | 证书上印的单位 |
| registration | register | 报名 | 注册 | 报名人数 |
| trainee | trainee | 学员 | 报名人 | |
| discussion group | group | 讨论组 | 小组、分组（名词） | "分组"只作动词 |
| materials | material(s) | 课件资料 | 课件（单用） | |
"""

TRANSLATED = """
msgid "Organisers"
msgstr "组织者"

msgid "Registrations per day"
msgstr "每日报名人数"

msgid "registered by"
msgstr "报名人"

msgid "For organisers"
msgstr "主办方"

msgid "Group discussion"
msgstr "分组讨论"

msgid "Upload the course material."
msgstr "请上传课件资料。"

msgid "Slides"
msgstr "课件"

msgid "Row %(row)s"
msgstr "第 %(row)s 行"

msgid "Spread over %(groups)s groups."
msgid_plural "Spread over %(groups)s groups."
msgstr[0] "已分配到%(groups)s个讨论组。"

msgid "Reason: %(reason)s"
msgstr "原因:%(reason)s"

msgid "%(left)s of %(capacity)s left"
msgstr "剩余%(left)s / %(capacity)s"
"""


def test_the_check_reads_the_avoided_terms_from_the_glossary():
    avoided = _checker().avoided_terms(GLOSSARY)
    assert set(avoided) == {"组织者", "会务组", "注册", "报名人", "小组", "课件"}  # not 主办方
    assert avoided["报名人"] == ["报名人数"]
    assert avoided["课件"] == ["课件资料"]


def test_the_check_flags_avoided_terms_commas_and_spaced_placeholders():
    assert _checker().writing_problems(TRANSLATED, GLOSSARY) == [
        "avoided term 组织者: Organisers",
        "avoided term 报名人: registered by",
        "avoided term 课件: Slides",
        "spaces around a placeholder in '第 %(row)s': Row %(row)s",
        "spaces around a placeholder in '%(row)s 行': Row %(row)s",
        "ASCII punctuation in '因:': Reason: %(reason)s",
    ]


def test_the_check_flags_ascii_punctuation_by_chinese_in_templates_but_not_in_english():
    source = (
        '<p>{% trans "Status" %}: {{ status }}</p><p>出席,迟到</p>'
        "{% blocktrans %}a <strong>状态</strong> column (出席, 迟到){% endblocktrans %}"
        '{{ _("Reason")|colon }}{{ reason }}'
    )
    assert _checker().template_problems(source) == [
        "ASCII punctuation in '席,'",
        "a colon typed after '{% trans \"Status\" %}'",
    ]


def test_the_catalogue_and_the_templates_follow_the_glossary():
    checker = _checker()
    po = (ROOT / "locale/zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    glossary = (ROOT / "docs/glossary.zh-Hans.md").read_text(encoding="utf-8")
    assert checker.writing_problems(po, glossary) == []
    assert checker.all_template_problems() == []


@pytest.mark.django_db
def test_dates_in_running_text_read_as_chinese_dates(client):
    """Sentences and a document's particulars give 2020年5月1日（星期五）, not 2020-05-01."""
    course = CourseFactory(status=Course.Status.PUBLISHED)
    document = PolicyDocumentFactory()
    closes = visible_text(client.get(course.get_absolute_url()).text)
    day = course.registration_closes_at.astimezone(course.tz)
    assert f"{day.year}年{day.month}月{day.day}日（星期" in closes
    particulars = visible_text(client.get(document.get_absolute_url()).text)
    assert "2020年5月1日（星期五）" in particulars
    assert "2020-05-01" not in particulars


@pytest.mark.django_db
def test_my_exports_tells_an_organiser_where_a_courses_spreadsheets_are_built(client):
    organiser = UserFactory(roles=[Role.ORGANISER], preferred_language="zh-hans")
    client.force_login(organiser)
    html = client.get(reverse("exports:job-list")).text
    hint = re.search(r'<p id="course-exports-hint">(.*?)</p>', html, re.S)
    assert hint and f'href="{reverse("attendance:course-list")}"' in hint.group(1)
    assert "考勤表和签到表" in visible_text(hint.group(1))
    client.force_login(UserFactory(preferred_language="zh-hans"))
    assert "course-exports-hint" not in client.get(reverse("exports:job-list")).text
