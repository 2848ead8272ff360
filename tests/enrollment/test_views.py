import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from accounts.models import Organisation
from accounts.roles import Role
from courses.models import Course
from enrollment.models import CalendarFeed, Registration
from tests.enrollment.conftest import set_quotas, trainee_from
from tests.factories.accounts import UserFactory, region
from tests.factories.courses import DiscussionGroupFactory
from tests.factories.enrollment import RegistrationFactory

pytestmark = pytest.mark.django_db


def profile_data(user, **changes):
    data = {
        "full_name": user.full_name,
        "phone": user.phone or "13800000000",
        "position": "处长",
        "organisation_name": user.organisation.name,
        "organisation_type": user.organisation.type,
        "region": user.organisation.region_id,
        "preferred_language": "zh-hans",
    }
    data.update(changes)
    return data


def test_register_confirms_profile_and_registers(client, open_course):
    trainee = trainee_from("44")
    client.force_login(trainee)
    url = reverse("enrollment:registration-create", args=[open_course.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert trainee.organisation.name in page.content.decode()

    response = client.post(url, profile_data(trainee, position="副处长"), follow=True)

    registration = Registration.objects.get(course=open_course, trainee=trainee)
    assert registration.status == "confirmed"
    assert registration.position == "副处长"
    trainee.refresh_from_db()
    assert trainee.position == "副处长"
    assert 'id="my-registration-status"' in response.content.decode()


def test_register_with_a_bad_phone_shows_the_form_again(client, open_course):
    trainee = trainee_from("44")
    client.force_login(trainee)
    url = reverse("enrollment:registration-create", args=[open_course.pk])
    response = client.post(url, profile_data(trainee, phone="12345"))
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_double_submit_says_already_registered(client, open_course):
    trainee = trainee_from("44")
    client.force_login(trainee)
    url = reverse("enrollment:registration-create", args=[open_course.pk])
    client.post(url, profile_data(trainee))
    response = client.post(url, profile_data(trainee), follow=True)
    assert response.status_code == 200
    assert "已报名" in response.content.decode()
    assert Registration.objects.filter(trainee=trainee).count() == 1


def test_full_course_tells_the_waiting_list_position(client, open_course):
    open_course.capacity = 1
    open_course.save()
    RegistrationFactory(course=open_course)
    trainee = trainee_from("44")
    client.force_login(trainee)
    response = client.post(
        reverse("enrollment:registration-create", args=[open_course.pk]),
        profile_data(trainee),
        follow=True,
    )
    assert Registration.objects.get(trainee=trainee).status == "waitlisted"
    assert "候补" in response.content.decode()


def test_not_eligible_shows_the_reason(client, open_course):
    open_course.eligible_organisation_types = [Organisation.Type.MINISTRY]
    open_course.save()
    trainee = trainee_from("44", Organisation.Type.ENTERPRISE)
    client.force_login(trainee)
    response = client.post(
        reverse("enrollment:registration-create", args=[open_course.pk]),
        profile_data(trainee),
        follow=True,
    )
    assert not Registration.objects.exists()
    assert "不接受该类型单位" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_locked_course_answers_503_with_the_busy_message(client):
    from tests.factories.courses import CourseFactory, SessionFactory

    course = CourseFactory(status=Course.Status.PUBLISHED)
    SessionFactory(course=course)
    trainee = trainee_from("44")
    client.force_login(trainee)
    locked, release = threading.Event(), threading.Event()

    def hold_lock():
        try:
            with transaction.atomic():
                Course.objects.select_for_update().get(pk=course.pk)
                locked.set()
                release.wait(timeout=15)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        response = client.post(
            reverse("enrollment:registration-create", args=[course.pk]), profile_data(trainee)
        )
    finally:
        release.set()
        holder.join()
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "当前报名人数较多" in response.content.decode()
    assert not Registration.objects.exists()


def test_cancel_with_reason(client, open_course):
    registration = RegistrationFactory(course=open_course)
    client.force_login(registration.trainee)
    url = reverse("enrollment:registration-cancel", args=[registration.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "单位有会"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert registration.cancel_reason == "单位有会"


def test_cancel_by_get_changes_nothing(client, open_course):
    registration = RegistrationFactory(course=open_course)
    client.force_login(registration.trainee)
    client.get(reverse("enrollment:registration-cancel", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_cancel_of_someone_elses_registration_is_404(client, open_course):
    registration = RegistrationFactory(course=open_course)
    client.force_login(trainee_from("45"))
    url = reverse("enrollment:registration-cancel", args=[registration.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_my_courses_shows_status_position_and_group(
    client, open_course, django_assert_max_num_queries
):
    group = DiscussionGroupFactory(course=open_course, name="第一组", room="301会议室")
    trainee = trainee_from("44")
    RegistrationFactory(course=open_course, trainee=trainee, discussion_group=group)
    for _ in range(3):
        other_course = RegistrationFactory(status="waitlisted", trainee=trainee).course
    client.force_login(trainee)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("enrollment:registration-mine"))
    body = response.content.decode()
    assert "301会议室" in body
    assert other_course.title in body
    assert "您在候补名单中排第1位" in body


def test_personal_calendar_feed_lists_confirmed_courses_and_can_be_regenerated(client, open_course):
    trainee = trainee_from("44")
    RegistrationFactory(course=open_course, trainee=trainee)
    waiting = RegistrationFactory(trainee=trainee, status="waitlisted")
    client.force_login(trainee)
    client.post(reverse("enrollment:calendar-feed-regenerate"))
    feed = CalendarFeed.objects.get(user=trainee)
    client.logout()
    response = client.get(feed.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert open_course.title in body
    assert waiting.course.title not in body

    client.force_login(trainee)
    client.post(reverse("enrollment:calendar-feed-regenerate"))
    assert client.get(feed.get_absolute_url()).status_code == 404


def test_registration_box_on_the_course_page(client, open_course):
    trainee = trainee_from("44")
    client.force_login(trainee)
    page = client.get(open_course.get_absolute_url()).content.decode()
    assert reverse("enrollment:registration-create", args=[open_course.pk]) in page
    RegistrationFactory(course=open_course, trainee=trainee, status="waitlisted")
    page = client.get(open_course.get_absolute_url()).content.decode()
    assert 'id="my-registration-status"' in page
    assert reverse("enrollment:registration-create", args=[open_course.pk]) not in page


# -- Organisers ---------------------------------------------------------------------------


def test_registration_list_filters_searches_and_counts(client, open_course):
    organiser = open_course.organisers.first()
    a = RegistrationFactory(course=open_course, trainee=trainee_from("44", full_name="王小明"))
    RegistrationFactory(course=open_course, trainee=trainee_from("11"), status="pending")
    client.force_login(organiser)
    url = reverse("enrollment:registration-list", args=[open_course.pk])
    body = client.get(url, {"q": "小明"}).content.decode()
    assert "王小明" in body
    body = client.get(url, {"status": "pending"}).content.decode()
    assert "王小明" not in body
    body = client.get(url, {"region": region("44").pk}).content.decode()
    assert a.full_name in body


def test_registration_list_queries_do_not_grow_with_rows(
    client, open_course, django_assert_max_num_queries
):
    organiser = open_course.organisers.first()
    group = DiscussionGroupFactory(course=open_course)
    for index in range(60):
        RegistrationFactory(
            course=open_course,
            status="waitlisted" if index % 3 else "confirmed",
            discussion_group=group if index % 2 else None,
        )
    client.force_login(organiser)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("enrollment:registration-list", args=[open_course.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('class="form-check-input row-tick"') == 50


def test_bulk_approve_and_reject(client, open_course):
    open_course.requires_approval = True
    open_course.save()
    organiser = open_course.organisers.first()
    first, second, third = (
        RegistrationFactory(course=open_course, status="pending") for _ in range(3)
    )
    client.force_login(organiser)
    approve = reverse("enrollment:registration-approve", args=[open_course.pk])
    reject = reverse("enrollment:registration-reject", args=[open_course.pk])
    client.post(approve, {"registrations": [first.pk, second.pk]})
    response = client.post(reject, {"registrations": [third.pk]}, follow=True)
    assert "请填写原因" in response.content.decode()
    client.post(reject, {"registrations": [third.pk], "reason": "不符合条件"})
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "confirmed", second.pk: "confirmed", third.pk: "rejected"}


def test_move_to_waitlist_from_the_list(client, open_course):
    organiser = open_course.organisers.first()
    open_course.capacity = 1
    open_course.save()
    registration = RegistrationFactory(course=open_course)
    waiting = RegistrationFactory(course=open_course, status="waitlisted")
    client.force_login(organiser)
    client.post(reverse("enrollment:registration-waitlist", args=[registration.pk]))
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert (registration.status, waiting.status) == ("waitlisted", "confirmed")


def test_move_to_waitlist_with_nobody_waiting_explains_and_keeps_the_seat(client, open_course):
    organiser = open_course.organisers.first()
    registration = RegistrationFactory(course=open_course)
    client.force_login(organiser)
    response = client.post(
        reverse("enrollment:registration-waitlist", args=[registration.pk]), follow=True
    )
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    assert any("waiting list" in str(m) or "候补" in str(m) for m in response.context["messages"])


def test_statistics_show_every_region_with_quota_use(
    client, open_course, django_assert_max_num_queries
):
    set_quotas(open_course, {"44": 2})
    organiser = open_course.organisers.first()
    for code in ["44", "44", "11", "51"]:
        RegistrationFactory(course=open_course, trainee=trainee_from(code, full_name=f"人{code}"))
    client.force_login(organiser)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("enrollment:course-statistics", args=[open_course.pk]))
    body = response.content.decode()
    assert body.count("<svg") == 4
    assert "2 / 2 (100%)" in body
    assert "西藏" in body  # a region without registrations still has its row


# -- Who may see what ---------------------------------------------------------------------


@pytest.fixture
def cast(open_course):
    open_course.capacity = 1
    open_course.save()
    registration = RegistrationFactory(course=open_course, trainee=trainee_from("44"))
    # Someone waits, so moving the registration to the waiting list is a real choice.
    RegistrationFactory(course=open_course, status="waitlisted")
    return {
        "course": open_course,
        "registration": registration,
        "trainee": registration.trainee,
        "other_trainee": trainee_from("45"),
        "other_organiser": UserFactory(roles=[Role.ORGANISER]),
        "organiser": open_course.organisers.first(),
        "administrator": UserFactory(roles=[Role.ADMINISTRATOR]),
    }


ORGANISER_PAGES = [
    "enrollment:registration-list",
    "enrollment:course-statistics",
    "enrollment:nominatingunit-list",
    "enrollment:registrant-message",
]
# Organisers of the course and nominating units' contacts; everyone else gets 404.
NOMINEE_PAGES = ["enrollment:nominee-create", "enrollment:nominee-template"]
EXPECTED = {
    # who: (organiser pages, the trainee's cancel page)
    None: (302, 302),
    "trainee": (404, 200),
    "other_trainee": (404, 404),
    "other_organiser": (404, 404),
    "organiser": (200, 404),
    "administrator": (200, 404),
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_permission_matrix(client, cast, who):
    if who:
        client.force_login(cast[who])
    organiser_status, cancel_status = EXPECTED[who]
    for name in ORGANISER_PAGES:
        assert client.get(reverse(name, args=[cast["course"].pk])).status_code == organiser_status
    for name in NOMINEE_PAGES:
        expected = {None: 302, "organiser": 200, "administrator": 200}.get(who, 404)
        assert client.get(reverse(name, args=[cast["course"].pk])).status_code == expected
    cancel = reverse("enrollment:registration-cancel", args=[cast["registration"].pk])
    assert client.get(cancel).status_code == cancel_status
    reject = reverse("enrollment:registration-reject", args=[cast["course"].pk])
    response = client.post(reject, {"registrations": [cast["registration"].pk], "reason": "x"})
    assert response.status_code == (302 if organiser_status == 200 else organiser_status)
    cast["registration"].refresh_from_db()
    assert (cast["registration"].status == "confirmed") is True  # confirmed cannot be rejected
    waitlist = reverse("enrollment:registration-waitlist", args=[cast["registration"].pk])
    response = client.post(waitlist)
    cast["registration"].refresh_from_db()
    moved = cast["registration"].status == "waitlisted"
    assert moved == (organiser_status == 200)
    assert client.get(reverse("enrollment:registration-mine")).status_code == (
        302 if who is None else 200
    )


def test_posts_need_the_csrf_token_and_gets_change_nothing(open_course):
    from django.test import Client

    registration = RegistrationFactory(course=open_course)
    trainee = trainee_from("46")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(trainee)
    url = reverse("enrollment:registration-create", args=[open_course.pk])
    assert strict.post(url, profile_data(trainee)).status_code == 403
    assert not Registration.objects.filter(trainee=trainee).exists()

    strict.force_login(open_course.organisers.first())
    for name, args in [
        ("enrollment:registration-approve", [open_course.pk]),
        ("enrollment:registration-reject", [open_course.pk]),
        ("enrollment:registration-group-assign", [open_course.pk]),
        ("enrollment:group-balance", [open_course.pk]),
        ("enrollment:registration-waitlist", [registration.pk]),
        ("enrollment:calendar-feed-regenerate", []),
    ]:
        assert strict.get(reverse(name, args=args)).status_code == 405
        assert strict.post(reverse(name, args=args)).status_code == 403
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_nominee_and_unit_pages_query_counts_stay_flat(
    client, open_course, django_assert_max_num_queries
):
    from tests.factories.enrollment import NominatingUnitFactory

    organiser = open_course.organisers.first()
    for _ in range(5):
        unit = NominatingUnitFactory(course=open_course)
        for _ in range(3):
            RegistrationFactory(
                course=open_course, nominating_unit=unit, source=Registration.Source.ON_BEHALF
            )
    client.force_login(organiser)
    with django_assert_max_num_queries(12):
        assert (
            client.get(reverse("enrollment:nominatingunit-list", args=[open_course.pk])).status_code
            == 200
        )
    with django_assert_max_num_queries(14):
        page = client.get(reverse("enrollment:nominee-create", args=[open_course.pk]))
    assert page.content.decode().count("<tr>") >= 15


def test_my_courses_shows_a_cancelled_course(client, open_course):
    registration = RegistrationFactory(course=open_course)
    Course.objects.filter(pk=open_course.pk).update(
        status=Course.Status.CANCELLED, cancel_reason="场地维修"
    )
    client.force_login(registration.trainee)
    body = client.get(reverse("enrollment:registration-mine")).content.decode()
    assert "场地维修" in body
    assert reverse("enrollment:registration-cancel", args=[registration.pk]) not in body


def test_registration_box_tells_when_the_regions_quota_is_full(client, open_course):
    set_quotas(open_course, {"44": 1})
    RegistrationFactory(course=open_course, trainee=trainee_from("44"))
    client.force_login(trainee_from("44", Organisation.Type.CITY_BUREAU))
    page = client.get(open_course.get_absolute_url()).content.decode()
    assert 'id="region-full"' in page
    assert "加入候补名单" in page
    client.force_login(trainee_from("11"))
    assert 'id="region-full"' not in client.get(open_course.get_absolute_url()).content.decode()


def test_bulk_approve_of_a_mixed_page_decides_only_the_pending(client, open_course):
    open_course.requires_approval = True
    open_course.save()
    pending = RegistrationFactory(course=open_course, status="pending")
    confirmed = RegistrationFactory(course=open_course)
    client.force_login(open_course.organisers.first())
    url = reverse("enrollment:registration-approve", args=[open_course.pk])
    response = client.post(url, {"registrations": [pending.pk, confirmed.pk]}, follow=True)
    assert "已将1条报名审核通过" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == "confirmed"
    response = client.post(url, {"registrations": [confirmed.pk]}, follow=True)
    assert "所选报名均不在待审核状态" in response.content.decode()
