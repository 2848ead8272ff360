"""One message per state change, in the trainee's language; the calendar only with a seat."""

import json

import pytest

from enrollment import services
from enrollment.services.notify import course_calendar_attachment
from notifications.attachments import attachment_contents
from notifications.models import OutgoingMail
from notifications.services import mail_send_many
from tests.enrollment.conftest import trainee_from

pytestmark = pytest.mark.django_db

SUBJECTS = {
    # event: (Chinese subject start, English subject start, calendar attached)
    "confirmed": ("报名成功", "Registration confirmed", True),
    "pending": ("报名已收到，等待审核", "Registration received, awaiting approval", False),
    "waitlisted": ("已进入候补名单", "On the waiting list", False),
    "approved": ("报名审核通过", "Registration approved", True),
    "rejected": ("报名审核不通过", "Registration not accepted", False),
    "promoted": ("候补转正", "A seat for you", True),
    "cancelled": ("报名已取消", "Registration cancelled", False),
}


def run_event(course, event, language):
    """Bring a fresh registration through `event`; return the registration it concerns."""
    organiser = course.organisers.first()
    person = trainee_from("44", preferred_language=language, full_name=f"学员{event}{language}")

    def register(who):
        return services.registration_create(course_id=course.pk, trainee=who)

    if event == "confirmed":
        return register(person)
    if event in ("pending", "approved", "rejected"):
        course.requires_approval = True
        course.save()
        registration = register(person)
        if event == "approved":
            services.registration_approve(registration_id=registration.pk, by=organiser)
        if event == "rejected":
            services.registration_reject(
                registration_id=registration.pk, by=organiser, reason="名额有限"
            )
        return registration
    if event == "cancelled":
        registration = register(person)
        services.registration_cancel(registration_id=registration.pk, by=person, reason="出差")
        return registration
    course.capacity = 1
    course.save()
    holder = register(trainee_from("11", full_name="占位"))
    registration = register(person)
    if event == "promoted":
        services.registration_cancel(registration_id=holder.pk, by=holder.trainee)
    return registration


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("event", list(SUBJECTS))
def test_each_state_change_sends_one_message(open_course, event, language):
    registration = run_event(open_course, event, language)
    mail = OutgoingMail.objects.get(key=f"registration:{registration.pk}:{event}")
    chinese, english, with_calendar = SUBJECTS[event]
    assert mail.language == language
    assert mail.subject.startswith(chinese if language == "zh-hans" else english)
    assert open_course.title in mail.subject
    calendars = [a for a in attachment_contents(mail.attachments) if a.mimetype == "text/calendar"]
    assert bool(calendars) == with_calendar
    if calendars:
        assert b"BEGIN:VCALENDAR" in calendars[0].content
    if event == "rejected":
        assert "名额有限" in mail.body_text
    if event == "cancelled":
        assert "出差" in mail.body_text
    assert OutgoingMail.objects.filter(
        key__startswith=f"registration:{registration.pk}:"
    ).count() == (1 if event in ("confirmed", "pending", "waitlisted") else 2)


def test_moved_to_waitlist_message_has_position_and_reason(open_course):
    organiser = open_course.organisers.first()
    open_course.capacity = 1
    open_course.save()
    registration = services.registration_create(
        course_id=open_course.pk, trainee=trainee_from("44")
    )
    services.registration_create(course_id=open_course.pk, trainee=trainee_from("45"))
    services.registration_move_to_waitlist(
        registration_id=registration.pk, by=organiser, reason="会场调整"
    )
    mail = OutgoingMail.objects.get(key__startswith=f"registration:{registration.pk}:moved")
    assert "会场调整" in mail.body_text
    assert "候补" in mail.subject


def test_changed_dates_or_venue_are_sent_to_active_registrants(open_course):

    from tests.factories.enrollment import RegistrationFactory

    organiser = open_course.organisers.first()
    open_course.capacity = 1
    open_course.save()
    confirmed = RegistrationFactory(course=open_course)
    waiting = RegistrationFactory(course=open_course, status="waitlisted")
    RegistrationFactory(course=open_course, status="cancelled")
    services.course_update(course=open_course, by=organiser, data={"summary": "新的简介"})
    assert not OutgoingMail.objects.filter(key__contains="course_changed").exists()

    services.course_update(course=open_course, by=organiser, data={"venue": "国家会议中心"})
    mails = OutgoingMail.objects.filter(key__contains="course_changed")
    assert {m.to_email for m in mails} == {confirmed.trainee.email, waiting.trainee.email}
    mail = mails.get(to_email=confirmed.trainee.email)
    assert "国家会议中心" in mail.body_text
    assert mail.attachments
    assert not mails.get(to_email=waiting.trainee.email).attachments


def test_the_calendar_is_the_courses_as_it_is_when_the_mail_leaves(open_course, smtp_sink):
    registration = services.registration_create(
        course_id=open_course.pk, trainee=trainee_from("44")
    )
    mail = OutgoingMail.objects.get(key=f"registration:{registration.pk}:confirmed")
    # The queued row names the calendar; it does not hold a copy of it.
    assert "VCALENDAR" not in json.dumps(mail.attachments)
    session = open_course.sessions.get()
    session.title = "开班仪式（改到上午）"
    session.save()

    assert mail_send_many(mail_ids=[mail.pk]) == {"skipped": 0, "sent": 1}
    (message,) = smtp_sink.messages
    (calendar,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert "开班仪式（改到上午）" in calendar.get_payload(decode=True).decode()


def test_a_calendar_of_a_course_that_is_gone_is_left_out(open_course, caplog):
    missing = open_course.pk + 1000
    made = attachment_contents([course_calendar_attachment(missing).as_json()])
    assert made == []
    assert "nothing to attach" in caplog.text
