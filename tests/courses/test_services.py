import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Organisation
from accounts.roles import Role
from courses import services
from courses.models import Course, Material, Quota, Session
from courses.quotas import QuotaKey
from enrollment import services as enrollment_services
from notifications.models import OutgoingMail
from tests.factories.accounts import UserFactory, region
from tests.factories.courses import (
    CourseFactory,
    DiscussionGroupFactory,
    SessionFactory,
    SpeakerFactory,
    at,
)
from tests.factories.enrollment import RegistrationFactory

pytestmark = pytest.mark.django_db


def codes(exc: ValidationError) -> set[str]:
    if hasattr(exc, "error_dict"):
        return {error.code for errors in exc.error_dict.values() for error in errors}
    return {error.code for error in exc.error_list}


@pytest.fixture
def organiser():
    return UserFactory(roles=[Role.ORGANISER])


@pytest.fixture
def course(organiser):
    return CourseFactory(organisers=[organiser])


def course_data(**overrides):
    start = datetime.date.today() + datetime.timedelta(days=30)
    data = {
        "title": "全国高技能人才政策培训班",
        "summary": "政策解读",
        "description": "",
        "category": Course.Category.POLICY,
        "venue": "报告厅",
        "city": "北京",
        "region": region("11"),
        "time_zone": "Asia/Shanghai",
        "starts_on": start,
        "ends_on": start + datetime.timedelta(days=4),
        "registration_opens_at": at(start - datetime.timedelta(days=20), "09:00"),
        "registration_closes_at": at(start - datetime.timedelta(days=2), "18:00"),
        "capacity": 520,
    }
    data.update(overrides)
    return data


# -- create / update ---------------------------------------------------------------------------


def test_course_create_makes_a_draft_organised_by_its_creator(organiser):
    course = services.course_create(by=organiser, data=course_data())
    assert course.status == Course.Status.DRAFT
    assert list(course.organisers.all()) == [organiser]


def test_trainee_cannot_create_a_course():
    with pytest.raises(PermissionDenied):
        services.course_create(by=UserFactory(), data=course_data())


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"ends_on": datetime.date.today()}, "dates_order"),
        (
            {"registration_closes_at": at(datetime.date.today(), "08:00")},
            "registration_window",
        ),
        (
            {
                "registration_closes_at": at(
                    datetime.date.today() + datetime.timedelta(days=60), "08:00"
                )
            },
            "registration_after_course",
        ),
        ({"capacity": 0}, "capacity"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ],
)
def test_course_create_refuses_inconsistent_data(organiser, overrides, code):
    with pytest.raises(ValidationError) as excinfo:
        services.course_create(by=organiser, data=course_data(**overrides))
    assert code in codes(excinfo.value)
    assert not Course.objects.exists()


def test_capacity_cannot_drop_below_the_regional_quotas(course, organiser):
    enrollment_services.quota_set(
        course=course, by=organiser, seats={QuotaKey(region("32").pk): 60}
    )
    with pytest.raises(ValidationError) as excinfo:
        enrollment_services.course_update(course=course, by=organiser, data={"capacity": 50})
    assert codes(excinfo.value) == {"quota_exceeds_capacity"}


def test_capacity_cannot_drop_below_seats_taken(course, organiser):
    RegistrationFactory.create_batch(2, course=course)
    with pytest.raises(ValidationError) as excinfo:
        enrollment_services.course_update(course=course, by=organiser, data={"capacity": 1})
    assert codes(excinfo.value) == {"capacity_below_taken"}


def test_course_dates_cannot_move_away_from_existing_sessions(course, organiser):
    SessionFactory(course=course, starts_at=at(course.ends_on, "09:00"))
    with pytest.raises(ValidationError) as excinfo:
        enrollment_services.course_update(
            course=course, by=organiser, data={"ends_on": course.starts_on}
        )
    assert codes(excinfo.value) == {"sessions_outside_dates"}


def test_cancelled_course_cannot_be_changed(organiser):
    course = CourseFactory(organisers=[organiser], status=Course.Status.CANCELLED)
    with pytest.raises(ValidationError) as excinfo:
        enrollment_services.course_update(course=course, by=organiser, data={"title": "新标题"})
    assert codes(excinfo.value) == {"not_editable"}


# -- co-organisers -----------------------------------------------------------------------------


def test_only_organisers_of_the_course_and_administrators_can_change_it(course, organiser):
    other_organiser = UserFactory(roles=[Role.ORGANISER])
    with pytest.raises(PermissionDenied):
        enrollment_services.course_update(course=course, by=other_organiser, data={"title": "改名"})
    administrator = UserFactory(roles=[Role.ADMINISTRATOR])
    enrollment_services.course_update(course=course, by=administrator, data={"title": "管理员改名"})
    course.refresh_from_db()
    assert course.title == "管理员改名"


def test_co_organiser_added_by_email_can_then_change_the_course(course, organiser):
    colleague = UserFactory(roles=[Role.ORGANISER], email="Colleague@Example.cn")
    services.course_organiser_add(course=course, by=organiser, email="colleague@example.CN")
    enrollment_services.course_update(course=course, by=colleague, data={"title": "合办培训班"})
    assert Course.objects.get(pk=course.pk).title == "合办培训班"


@pytest.mark.parametrize(
    ("make_user", "code"),
    [
        (lambda: None, "user_not_found"),
        (lambda: UserFactory(email="trainee@example.cn"), "not_organiser"),
    ],
)
def test_co_organiser_must_exist_and_hold_the_organiser_role(course, organiser, make_user, code):
    make_user()
    with pytest.raises(ValidationError) as excinfo:
        services.course_organiser_add(course=course, by=organiser, email="trainee@example.cn")
    assert codes(excinfo.value) == {code}


def test_the_last_organiser_cannot_be_removed(course, organiser):
    with pytest.raises(ValidationError) as excinfo:
        services.course_organiser_remove(course=course, by=organiser, user=organiser)
    assert codes(excinfo.value) == {"last_organiser"}


def test_a_stranger_cannot_add_themselves_as_co_organiser(course):
    stranger = UserFactory(roles=[Role.ORGANISER])
    with pytest.raises(PermissionDenied):
        services.course_organiser_add(course=course, by=stranger, email=stranger.email)
    assert not course.organisers.filter(pk=stranger.pk).exists()


# -- lifecycle ---------------------------------------------------------------------------------


def test_publish_lists_what_is_missing(organiser):
    course = services.course_create(
        by=organiser, data={"title": "未完成的培训班", "time_zone": "Asia/Shanghai"}
    )
    with pytest.raises(ValidationError) as excinfo:
        services.course_publish(course=course, by=organiser)
    assert excinfo.value.code == "incomplete"
    missing = {code for code, _label in services.course_missing_for_publication(course)}
    assert missing == {"dates", "capacity", "registration_window", "venue", "sessions"}
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT


def test_publish_a_complete_draft(course, organiser):
    SessionFactory(course=course)
    services.course_publish(course=course, by=organiser)
    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED
    assert course.published_at is not None


def test_publish_twice_is_refused(course, organiser):
    SessionFactory(course=course)
    services.course_publish(course=course, by=organiser)
    with pytest.raises(ValidationError) as excinfo:
        services.course_publish(course=course, by=organiser)
    assert excinfo.value.code == "not_draft"


def test_cancel_needs_a_reason_and_a_published_course(course, organiser):
    with pytest.raises(ValidationError) as excinfo:
        enrollment_services.course_cancel(course=course, by=organiser, reason="天气原因")
    assert excinfo.value.code == "not_published"
    course.status = Course.Status.PUBLISHED
    course.save()
    with pytest.raises(ValidationError) as excinfo:
        enrollment_services.course_cancel(course=course, by=organiser, reason="  ")
    assert excinfo.value.code == "reason_required"


def test_cancel_tells_everyone_registered_through_the_outbox(
    course, organiser, django_capture_on_commit_callbacks
):
    course.status = Course.Status.PUBLISHED
    course.save()
    trainees = [UserFactory(), UserFactory(preferred_language="en")]
    for trainee in trainees:
        RegistrationFactory(course=course, trainee=trainee)
    with django_capture_on_commit_callbacks(execute=False):
        enrollment_services.course_cancel(course=course, by=organiser, reason="因故延期举办")
    course.refresh_from_db()
    assert course.status == Course.Status.CANCELLED
    assert course.cancel_reason == "因故延期举办"
    mails = OutgoingMail.objects.order_by("pk")
    assert [mail.to_email for mail in mails] == [trainee.email for trainee in trainees]
    assert course.title in mails[0].subject
    assert "因故延期举办" in mails[0].body_text
    assert mails[1].language == "en"
    assert "cancelled" in mails[1].subject.lower()


def test_cancelling_a_course_cancels_every_registration_and_tells_each_person_once(
    course, organiser, django_capture_on_commit_callbacks
):
    from enrollment.models import Registration

    course.status = Course.Status.PUBLISHED
    course.capacity = 1
    course.save()
    confirmed = RegistrationFactory(course=course, status=Registration.Status.CONFIRMED)
    waiting = RegistrationFactory(course=course, status=Registration.Status.WAITLISTED)
    earlier = RegistrationFactory(
        course=course, status=Registration.Status.CANCELLED, cancel_reason="个人原因"
    )
    with django_capture_on_commit_callbacks(execute=False):
        enrollment_services.course_cancel(course=course, by=organiser, reason="因故延期举办")
    for registration in (confirmed, waiting, earlier):
        registration.refresh_from_db()
    # Nobody moves up into the freed seat: everyone's registration ends with the course.
    assert (confirmed.status, waiting.status) == (Registration.Status.CANCELLED,) * 2
    assert confirmed.cancel_reason == waiting.cancel_reason
    assert "因故延期举办" in confirmed.cancel_reason
    assert confirmed.cancelled_at is not None
    assert earlier.cancel_reason == "个人原因"  # a registration cancelled before keeps its own
    recipients = list(OutgoingMail.objects.values_list("to_email", flat=True))
    assert sorted(recipients) == sorted([confirmed.trainee.email, waiting.trainee.email])


def test_only_drafts_can_be_deleted(course, organiser):
    course.status = Course.Status.PUBLISHED
    course.save()
    with pytest.raises(ValidationError) as excinfo:
        services.course_delete(course=course, by=organiser)
    assert excinfo.value.code == "not_draft"
    course.status = Course.Status.DRAFT
    course.save()
    services.course_delete(course=course, by=organiser)
    assert not Course.objects.filter(pk=course.pk).exists()


def test_archive_waits_until_the_course_has_finished(organiser):
    course = CourseFactory(organisers=[organiser], status=Course.Status.PUBLISHED)
    with pytest.raises(ValidationError) as excinfo:
        services.course_archive(course=course, by=organiser)
    assert excinfo.value.code == "not_finished"
    past = datetime.date.today() - datetime.timedelta(days=30)
    Course.objects.filter(pk=course.pk).update(
        starts_on=past,
        ends_on=past + datetime.timedelta(days=1),
        registration_opens_at=at(past - datetime.timedelta(days=20), "09:00"),
        registration_closes_at=at(past - datetime.timedelta(days=1), "09:00"),
    )
    course.refresh_from_db()
    assert course.phase == "finished"
    services.course_archive(course=course, by=organiser)
    course.refresh_from_db()
    assert course.status == Course.Status.ARCHIVED


def test_draft_cannot_be_archived(course, organiser):
    with pytest.raises(ValidationError) as excinfo:
        services.course_archive(course=course, by=organiser)
    assert excinfo.value.code == "not_archivable"


def test_clone_copies_timetable_groups_quotas_and_materials_as_a_new_draft(
    course, organiser, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    course.status = Course.Status.PUBLISHED
    course.save()
    group = DiscussionGroupFactory(course=course, name="第一组", room="201")
    speaker = SpeakerFactory()
    session = SessionFactory(
        course=course,
        kind=Session.Kind.GROUP_DISCUSSION,
        room="201",
        discussion_group=group,
        speakers=[speaker],
    )
    city = Organisation.Type.CITY_BUREAU
    enrollment_services.quota_set(
        course=course,
        by=organiser,
        seats={
            QuotaKey(region("44").pk): 10,
            QuotaKey(None, city): 4,
            QuotaKey(region("44").pk, city): 2,
        },
    )
    services.material_upload(
        course=course,
        by=organiser,
        upload=SimpleUploadedFile("课件.pdf", b"%PDF-1.4 slides\n%%EOF\n"),
        session=session,
    )
    colleague = UserFactory(roles=[Role.ORGANISER])
    course.organisers.add(colleague)
    new_start = course.starts_on + datetime.timedelta(days=364)

    clone = services.course_clone(course=course, by=colleague, title="第二期", starts_on=new_start)

    assert clone.pk != course.pk
    assert clone.status == Course.Status.DRAFT
    assert clone.starts_on == new_start
    assert set(clone.organisers.all()) == {organiser, colleague}
    copied = clone.sessions.get()
    assert copied.starts_at == session.starts_at + datetime.timedelta(days=364)
    assert copied.discussion_group.course == clone
    assert copied.discussion_group.name == "第一组"
    assert list(copied.speakers.all()) == [speaker]
    assert {q.key: q.seats for q in Quota.objects.filter(course=clone)} == {
        QuotaKey(region("44").pk): 10,
        QuotaKey(None, city): 4,
        QuotaKey(region("44").pk, city): 2,
    }
    material = Material.objects.get(course=clone)
    assert material.session == copied
    assert material.file.name != Material.objects.get(course=course).file.name
    assert material.file.read() == b"%PDF-1.4 slides\n%%EOF\n"
    # The original is untouched.
    assert course.sessions.count() == 1


# -- timetable ---------------------------------------------------------------------------------


def session_args(course, day=None, start="09:00", end="10:00", room="报告厅", **extra):
    day = day or course.starts_on
    return {
        "course": course,
        "kind": extra.pop("kind", Session.Kind.LECTURE),
        "title": extra.pop("title", "专题讲座"),
        "starts_at": at(day, start),
        "ends_at": at(day, end),
        "room": room,
        **extra,
    }


def test_session_must_end_after_it_starts(course, organiser):
    with pytest.raises(ValidationError) as excinfo:
        services.session_create(by=organiser, **session_args(course, start="10:00", end="09:00"))
    assert codes(excinfo.value) == {"session_order"}


def test_session_must_lie_within_the_course_dates_in_its_time_zone(course, organiser):
    before = course.starts_on - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        services.session_create(by=organiser, **session_args(course, day=before))
    assert codes(excinfo.value) == {"session_outside_course"}
    # 01:00 Beijing time on the first day is 17:00 UTC the day before: still inside.
    services.session_create(by=organiser, **session_args(course, start="01:00", end="02:00"))


def test_overlapping_sessions_in_the_same_room_are_refused(course, organiser):
    services.session_create(by=organiser, **session_args(course, start="09:00", end="10:30"))
    with pytest.raises(ValidationError) as excinfo:
        services.session_create(
            by=organiser, **session_args(course, start="10:00", end="11:00", room=" 报告厅 ")
        )
    assert codes(excinfo.value) == {"room_overlap"}
    # Back to back is fine.
    services.session_create(by=organiser, **session_args(course, start="10:30", end="11:00"))


def test_parallel_group_discussions_in_different_rooms_are_allowed(course, organiser):
    groups = [DiscussionGroupFactory(course=course) for _ in range(3)]
    for index, group in enumerate(groups):
        services.session_create(
            by=organiser,
            **session_args(
                course,
                start="14:00",
                end="17:00",
                room=f"讨论室{index}",
                kind=Session.Kind.GROUP_DISCUSSION,
                discussion_group=group,
            ),
        )
    assert course.sessions.count() == 3
    with pytest.raises(ValidationError) as excinfo:
        services.session_create(
            by=organiser,
            **session_args(
                course,
                start="15:00",
                end="16:00",
                room="讨论室0",
                kind=Session.Kind.GROUP_DISCUSSION,
                discussion_group=groups[1],
            ),
        )
    assert codes(excinfo.value) == {"room_overlap"}


def test_session_update_does_not_clash_with_itself(course, organiser):
    session = services.session_create(by=organiser, **session_args(course))
    args = session_args(course, start="09:15", end="10:15", title="改期")
    args.pop("course")
    services.session_update(session=session, by=organiser, **args)
    session.refresh_from_db()
    assert session.title == "改期"


def test_session_group_must_belong_to_the_course(course, organiser):
    foreign_group = DiscussionGroupFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.session_create(
            by=organiser, **session_args(course, discussion_group=foreign_group)
        )
    assert codes(excinfo.value) == {"group_other_course"}


def test_published_course_keeps_its_last_session(course, organiser):
    session = SessionFactory(course=course)
    course.status = Course.Status.PUBLISHED
    course.save()
    with pytest.raises(ValidationError) as excinfo:
        services.session_delete(session=session, by=organiser)
    assert excinfo.value.code == "last_session"


def test_other_organiser_cannot_add_sessions(course):
    with pytest.raises(PermissionDenied):
        services.session_create(by=UserFactory(roles=[Role.ORGANISER]), **session_args(course))


def test_speaker_in_a_timetable_cannot_be_deleted(organiser):
    speaker = SpeakerFactory()
    SessionFactory(speakers=[speaker])
    with pytest.raises(ValidationError) as excinfo:
        services.speaker_delete(speaker=speaker, by=organiser)
    assert excinfo.value.code == "speaker_in_use"
    unused = services.speaker_create(by=organiser, name="李专家", title="教授")
    services.speaker_update(speaker=unused, by=organiser, name="李专家", title="研究员")
    services.speaker_delete(speaker=unused, by=organiser)


def test_group_names_are_unique_per_course(course, organiser):
    services.group_create(course=course, by=organiser, name="第一组")
    with pytest.raises(ValidationError) as excinfo:
        services.group_create(course=course, by=organiser, name="第一组")
    assert codes(excinfo.value) == {"group_name_taken"}
    services.group_create(course=CourseFactory(organisers=[organiser]), by=organiser, name="第一组")


# -- quotas ------------------------------------------------------------------------------------


def test_quotas_may_not_exceed_the_capacity(course, organiser):
    with pytest.raises(ValidationError) as excinfo:
        enrollment_services.quota_set(
            course=course,
            by=organiser,
            seats={QuotaKey(region("32").pk): 60, QuotaKey(region("44").pk): 41},
        )
    assert excinfo.value.code == "quota_exceeds_capacity"
    assert not Quota.objects.exists()


def test_quota_set_replaces_and_zero_removes(course, organiser):
    enrollment_services.quota_set(
        course=course,
        by=organiser,
        seats={QuotaKey(region("32").pk): 30, QuotaKey(region("44").pk): 20},
    )
    enrollment_services.quota_set(
        course=course,
        by=organiser,
        seats={QuotaKey(region("32").pk): 0, QuotaKey(region("44").pk): 25},
    )
    assert dict(course.quotas.values_list("region__code", "seats")) == {"44": 25}


def test_quota_needs_a_capacity(organiser):
    course = CourseFactory(organisers=[organiser], capacity=None)
    with pytest.raises(ValidationError) as excinfo:
        enrollment_services.quota_set(
            course=course, by=organiser, seats={QuotaKey(region("32").pk): 5}
        )
    assert excinfo.value.code == "capacity_missing"
