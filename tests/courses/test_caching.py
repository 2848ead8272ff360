"""The anonymous cache of the catalogue and course pages."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Course
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory

pytestmark = pytest.mark.django_db


def _token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


def test_an_anonymous_catalogue_is_served_from_the_cache_without_queries(client):
    CourseFactory(title="全国技工教育培训班", status=Course.Status.PUBLISHED)
    first = client.get(reverse("courses:course-list"))
    with CaptureQueriesContext(connection) as queries:
        second = client.get(reverse("courses:course-list"))
    assert len(queries) == 0
    assert "全国技工教育培训班" in second.content.decode()
    assert first.content.decode().count("培训班") == second.content.decode().count("培训班")


def test_saving_a_course_drops_the_cached_pages_once_committed(
    client, django_capture_on_commit_callbacks
):
    course = CourseFactory(title="旧标题培训班", status=Course.Status.PUBLISHED)
    assert "旧标题培训班" in client.get(reverse("courses:course-list")).content.decode()
    assert "旧标题培训班" in client.get(course.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks() as on_commit:
        course.title = "新标题培训班"
        course.save()
        # Not committed yet: the cached page stays (a page cached now would be dropped too).
        assert "旧标题培训班" in client.get(reverse("courses:course-list")).content.decode()
    for callback in on_commit:
        callback()
    assert "新标题培训班" in client.get(reverse("courses:course-list")).content.decode()
    assert "新标题培训班" in client.get(course.get_absolute_url()).content.decode()


def test_a_signed_in_visitor_is_never_served_a_cached_page(client):
    CourseFactory(title="公开培训班", status=Course.Status.PUBLISHED)
    client.get(reverse("courses:course-list"))  # cached for anonymous visitors
    user = UserFactory(full_name="王小明")
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("courses:course-list"))
    assert len(queries) > 0
    assert "王小明" in response.content.decode()


def test_a_cached_page_carries_each_visitors_own_csrf_token(client):
    from django.test import Client

    CourseFactory(status=Course.Status.PUBLISHED)
    client.get(reverse("courses:course-list"))  # another visitor fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(reverse("courses:course-list"))
    token = _token(page)
    assert token != "__csrf_token__"
    switched = visitor.post(
        reverse("accounts:language-switch"),
        {"csrfmiddlewaretoken": token, "language": "en", "next": "/courses/"},
    )
    assert switched.status_code == 302


def test_search_results_are_cached_per_query(client):
    CourseFactory(title="产教融合培训班", status=Course.Status.PUBLISHED)
    CourseFactory(title="数字技能培训班", status=Course.Status.PUBLISHED)
    url = reverse("courses:course-list")
    assert "数字技能培训班" not in client.get(url, {"q": "产教融合"}).content.decode()
    assert "产教融合培训班" not in client.get(url, {"q": "数字技能"}).content.decode()
