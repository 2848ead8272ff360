import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.roles import Role
from attendance import services
from attendance.models import Attendance, AttendanceChange, AttendanceSettings
from courses.models import Course
from enrollment.models import Registration
from tests.factories.accounts import UserFactory
from tests.factories.attendance import AttendanceFactory
from tests.factories.courses import CourseFactory, DiscussionGroupFactory, SessionFactory
from tests.factories.enrollment import RegistrationFactory

pytestmark = pytest.mark.django_db


def _code(excinfo) -> str:
    return excinfo.value.code


# -- marking from the roster ------------------------------------------------------------------


def test_organiser_marks_one_and_a_correction_overwrites(session, registration, organiser):
    services.attendance_mark(
        session_id=session.pk, registration_ids=[registration.pk], status="present", by=organiser
    )
    services.attendance_mark(
        session_id=session.pk,
        registration_ids=[registration.pk],
        status="excused",
        remark="病假",
        reason="补交假条",
        by=organiser,
    )
    mark = Attendance.objects.get()
    assert (mark.status, mark.remark, mark.method, mark.marked_by) == (
        "excused",
        "病假",
        "list",
        organiser,
    )


def test_a_correction_keeps_the_old_mark_with_who_when_and_why(session, registration, organiser):
    first = AttendanceFactory(
        registration=registration, session=session, status="present", method="qr"
    )
    other_staff = UserFactory(roles=[Role.ADMINISTRATOR])
    services.attendance_mark(
        session_id=session.pk,
        registration_ids=[registration.pk],
        status="absent",
        reason="代签，本人未到",
        by=other_staff,
    )
    services.attendance_undo(
        session_id=session.pk, registration_id=registration.pk, reason="待核实", by=organiser
    )
    history = list(
        AttendanceChange.objects.filter(session=session, registration=registration).values_list(
            "old_status",
            "old_method",
            "old_marked_at",
            "new_status",
            "method",
            "reason",
            "changed_by",
        )
    )
    assert history == [
        ("present", "qr", first.marked_at, "absent", "list", "代签，本人未到", other_staff.pk),
        ("absent", "list", history[1][2], "", "undo", "待核实", organiser.pk),
    ]
    assert all(change.changed_at for change in AttendanceChange.objects.all())
    assert not Attendance.objects.exists()


def test_changing_a_mark_needs_a_reason_and_nothing_is_lost(session, registration, organiser):
    AttendanceFactory(registration=registration, session=session, status="present")
    for change in (
        lambda: services.attendance_mark(
            session_id=session.pk,
            registration_ids=[registration.pk],
            status="absent",
            reason="  ",
            by=organiser,
        ),
        lambda: services.attendance_undo(
            session_id=session.pk, registration_id=registration.pk, by=organiser
        ),
    ):
        with pytest.raises(ValidationError) as excinfo:
            change()
        assert _code(excinfo) == "reason_required"
    assert Attendance.objects.get().status == "present"
    assert not AttendanceChange.objects.exists()


def test_a_first_mark_needs_no_reason_and_the_same_mark_again_is_no_correction(
    session, registration, organiser
):
    for _ in range(2):
        services.attendance_mark(
            session_id=session.pk,
            registration_ids=[registration.pk],
            status="late",
            by=organiser,
        )
    assert Attendance.objects.get().status == "late"
    assert not AttendanceChange.objects.exists()
    other = RegistrationFactory(course=session.course)
    services.attendance_mark(
        session_id=session.pk,
        registration_ids=[other.pk],
        status="excused",
        reason="会前请假",
        by=organiser,
    )
    assert Attendance.objects.get(registration=other).remark == "会前请假"
    assert not AttendanceChange.objects.exists()


def test_mark_all_keeps_existing_marks_and_skips_the_unconfirmed(session, organiser):
    excused = RegistrationFactory(course=session.course)
    AttendanceFactory(registration=excused, session=session, status="excused")
    others = RegistrationFactory.create_batch(3, course=session.course)
    RegistrationFactory(course=session.course, status=Registration.Status.PENDING)
    RegistrationFactory(course=session.course, status=Registration.Status.CANCELLED)
    assert services.attendance_mark_all(session_id=session.pk, by=organiser) == 3
    marks = dict(Attendance.objects.values_list("registration_id", "status"))
    assert marks == {excused.pk: "excused", **{r.pk: "present" for r in others}}


def test_mark_all_of_one_group(session, organiser):
    group = DiscussionGroupFactory(course=session.course)
    member = RegistrationFactory(course=session.course, discussion_group=group)
    RegistrationFactory(course=session.course)
    services.attendance_mark_all(session_id=session.pk, by=organiser, group_id=group.pk)
    assert list(Attendance.objects.values_list("registration_id", flat=True)) == [member.pk]


def test_unconfirmed_or_other_course_trainees_cannot_be_marked(session, organiser):
    pending = RegistrationFactory(course=session.course, status=Registration.Status.WAITLISTED)
    stranger = RegistrationFactory()
    for registration in (pending, stranger):
        with pytest.raises(ValidationError) as excinfo:
            services.attendance_mark(
                session_id=session.pk,
                registration_ids=[registration.pk],
                status="present",
                by=organiser,
            )
        assert _code(excinfo) == "not_on_roster"
    assert not Attendance.objects.exists()


def test_invalid_status_is_refused(session, registration, organiser):
    with pytest.raises(ValidationError) as excinfo:
        services.attendance_mark(
            session_id=session.pk, registration_ids=[registration.pk], status="gone", by=organiser
        )
    assert _code(excinfo) == "invalid_status"


def test_undo_returns_to_unmarked(session, registration, organiser):
    AttendanceFactory(registration=registration, session=session)
    assert services.attendance_undo(
        session_id=session.pk, registration_id=registration.pk, by=organiser, reason="点错了"
    )
    assert not Attendance.objects.exists()
    assert not services.attendance_undo(
        session_id=session.pk, registration_id=registration.pk, by=organiser
    )


@pytest.mark.parametrize(
    "role,allowed",
    [
        ([Role.CHECKIN_STAFF], True),
        ([Role.ADMINISTRATOR], True),
        ([Role.ORGANISER], False),  # an organiser of another course
        ([], False),  # a trainee
    ],
)
def test_who_may_mark(session, registration, role, allowed):
    user = UserFactory(roles=role)
    call = lambda: services.attendance_mark(  # noqa: E731
        session_id=session.pk, registration_ids=[registration.pk], status="present", by=user
    )
    if allowed:
        call()
        assert Attendance.objects.count() == 1
    else:
        with pytest.raises(PermissionDenied):
            call()
        assert not Attendance.objects.exists()


def test_the_trainee_cannot_mark_themselves(session, registration, trainee):
    with pytest.raises(PermissionDenied):
        services.attendance_mark(
            session_id=session.pk, registration_ids=[registration.pk], status="present", by=trainee
        )


def test_checkin_staff_cannot_take_attendance_of_a_draft_course():
    course = CourseFactory(status=Course.Status.DRAFT)
    session = SessionFactory(course=course)
    registration = RegistrationFactory(course=course)
    with pytest.raises(PermissionDenied):
        services.attendance_mark(
            session_id=session.pk,
            registration_ids=[registration.pk],
            status="present",
            by=UserFactory(roles=[Role.CHECKIN_STAFF]),
        )


# -- QR self check-in -------------------------------------------------------------------------


def test_checkin_marks_present_once(session, registration, trainee):
    token = services.qr_token_make(session_id=session.pk)
    first = services.qr_checkin(token=token, user=trainee)
    second = services.qr_checkin(token=token, user=trainee)
    assert first.created and not second.created
    mark = Attendance.objects.get()
    assert (mark.status, mark.method, mark.registration) == ("present", "qr", registration)


def test_checkin_after_the_grace_period_is_late(course, registration, trainee):
    now = timezone.now()
    session = SessionFactory(
        course=course,
        starts_at=now - datetime.timedelta(minutes=11),
        ends_at=now + datetime.timedelta(hours=1),
    )
    services.qr_checkin(token=services.qr_token_make(session_id=session.pk), user=trainee)
    assert Attendance.objects.get().status == "late"


def test_grace_period_is_the_course_setting(course, registration, trainee):
    AttendanceSettings.objects.create(course=course, late_after_minutes=20)
    now = timezone.now()
    session = SessionFactory(
        course=course,
        starts_at=now - datetime.timedelta(minutes=15),
        ends_at=now + datetime.timedelta(hours=1),
    )
    services.qr_checkin(token=services.qr_token_make(session_id=session.pk), user=trainee)
    assert Attendance.objects.get().status == "present"


def test_checkin_accepts_the_previous_code_but_not_older(session, registration, trainee):
    now = timezone.now()
    previous = services.qr_token_make(
        session_id=session.pk, now=now - datetime.timedelta(seconds=30)
    )
    older = services.qr_token_make(session_id=session.pk, now=now - datetime.timedelta(seconds=61))
    with pytest.raises(ValidationError) as excinfo:
        services.qr_checkin(token=older, user=trainee, now=now)
    assert _code(excinfo) == "expired_code"
    assert not Attendance.objects.exists()
    assert services.qr_checkin(token=previous, user=trainee, now=now).created


def test_an_expired_code_seen_fresh_before_login_still_counts(session, registration, trainee):
    old = services.qr_token_make(
        session_id=session.pk, now=timezone.now() - datetime.timedelta(minutes=2)
    )
    assert services.qr_checkin(token=old, user=trainee, seen_fresh=True).created


@pytest.mark.parametrize("token", ["", "garbage", "1-2:abc:def"])
def test_a_forged_code_is_invalid(session, registration, trainee, token):
    with pytest.raises(ValidationError) as excinfo:
        services.qr_checkin(token=token, user=trainee)
    assert _code(excinfo) == "invalid_code"


def test_a_code_signed_with_another_salt_is_invalid(session, registration, trainee):
    from django.core import signing

    token = signing.TimestampSigner().sign(f"{session.pk}-{int(timezone.now().timestamp()) // 30}")
    with pytest.raises(ValidationError) as excinfo:
        services.qr_checkin(token=token, user=trainee)
    assert _code(excinfo) == "invalid_code"


def test_not_registered(session):
    with pytest.raises(ValidationError) as excinfo:
        services.qr_checkin(token=services.qr_token_make(session_id=session.pk), user=UserFactory())
    assert _code(excinfo) == "not_registered"
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("status", ["pending", "waitlisted"])
def test_not_confirmed(session, status):
    registration = RegistrationFactory(course=session.course, status=status)
    with pytest.raises(ValidationError) as excinfo:
        services.qr_checkin(
            token=services.qr_token_make(session_id=session.pk), user=registration.trainee
        )
    assert _code(excinfo) == "not_confirmed"


def test_cancelled_registration_counts_as_not_registered(session):
    registration = RegistrationFactory(course=session.course, status="cancelled")
    with pytest.raises(ValidationError) as excinfo:
        services.qr_checkin(
            token=services.qr_token_make(session_id=session.pk), user=registration.trainee
        )
    assert _code(excinfo) == "not_registered"


def test_registered_for_another_course_only(session):
    other = RegistrationFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.qr_checkin(token=services.qr_token_make(session_id=session.pk), user=other.trainee)
    assert _code(excinfo) == "not_registered"


def test_wrong_session_of_another_group(course, trainee):
    mine, theirs = DiscussionGroupFactory(course=course), DiscussionGroupFactory(course=course)
    Registration.objects.filter(trainee=trainee).update(discussion_group=mine)
    now = timezone.now()
    session = SessionFactory(
        course=course,
        discussion_group=theirs,
        starts_at=now,
        ends_at=now + datetime.timedelta(hours=1),
    )
    with pytest.raises(ValidationError) as excinfo:
        services.qr_checkin(token=services.qr_token_make(session_id=session.pk), user=trainee)
    assert _code(excinfo) == "wrong_session"
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    "starts_in,ends_in,allowed",
    [
        (datetime.timedelta(minutes=31), datetime.timedelta(hours=2), False),  # too early
        (datetime.timedelta(minutes=29), datetime.timedelta(hours=2), True),  # opens 30 min before
        (-datetime.timedelta(hours=2), -datetime.timedelta(minutes=1), False),  # over
    ],
)
def test_window(course, registration, trainee, starts_in, ends_in, allowed):
    now = timezone.now()
    session = SessionFactory(course=course, starts_at=now + starts_in, ends_at=now + ends_in)
    token = services.qr_token_make(session_id=session.pk, now=now)
    if allowed:
        assert (
            services.qr_checkin(token=token, user=trainee, now=now).attendance.status == "present"
        )
    else:
        with pytest.raises(ValidationError) as excinfo:
            services.qr_checkin(token=token, user=trainee, now=now)
        assert _code(excinfo) == "outside_window"
        assert not Attendance.objects.exists()


def test_checkin_keeps_a_mark_the_staff_already_gave(session, registration, trainee):
    AttendanceFactory(registration=registration, session=session, status="excused")
    result = services.qr_checkin(token=services.qr_token_make(session_id=session.pk), user=trainee)
    assert not result.created
    assert Attendance.objects.get().status == "excused"


# -- automatic absence ------------------------------------------------------------------------


def _ended_session(course):
    now = timezone.now()
    return SessionFactory(
        course=course,
        starts_at=now - datetime.timedelta(hours=2),
        ends_at=now - datetime.timedelta(minutes=1),
    )


def test_auto_absent_marks_only_the_unmarked_of_ended_sessions(course, registration, session):
    ended = _ended_session(course)
    present = RegistrationFactory(course=course)
    AttendanceFactory(registration=present, session=ended, status="present")
    RegistrationFactory(course=course, status=Registration.Status.PENDING)
    services.attendance_mark_absent()
    assert dict(
        Attendance.objects.filter(session=ended).values_list("registration_id", "status")
    ) == {registration.pk: "absent", present.pk: "present"}
    assert Attendance.objects.get(registration=registration).method == "automatic"
    assert not Attendance.objects.filter(session=session).exists()  # still running
    services.attendance_mark_absent()
    assert Attendance.objects.count() == 2


def test_auto_absent_respects_the_course_setting(course, registration):
    AttendanceSettings.objects.create(course=course, auto_absent=False)
    _ended_session(course)
    services.attendance_mark_absent()
    assert not Attendance.objects.exists()


def test_auto_absent_only_group_members_for_a_group_session(course, registration):
    group = DiscussionGroupFactory(course=course)
    member = RegistrationFactory(course=course, discussion_group=group)
    session = _ended_session(course)
    session.discussion_group = group
    session.save()
    services.attendance_mark_absent()
    assert list(Attendance.objects.values_list("registration_id", flat=True)) == [member.pk]


def test_auto_absent_task_runs_the_service(course, registration):
    from attendance.tasks import attendance_mark_absent_task

    _ended_session(course)
    assert attendance_mark_absent_task() == 1
