import datetime

import pytest

from feedback import services
from notifications.models import OutgoingMail
from tests.factories.enrollment import RegistrationFactory
from tests.questions.conftest import make_course

pytestmark = pytest.mark.django_db


def test_invitation_once_and_one_reminder_for_those_who_have_not_responded(organiser):
    course = make_course(organiser, days_ahead=0)
    survey = services.survey_save(
        user=organiser, course=course, intro="", open_days=3, anonymous=True
    )
    services.survey_template_apply(user=organiser, survey=survey)
    responder = RegistrationFactory(course=course).trainee
    waiting = RegistrationFactory(course=course).trainee
    RegistrationFactory(course=course, status="pending")
    opens = course.sessions.get().starts_at

    assert services.survey_notify(now=opens - datetime.timedelta(minutes=1)) == 0
    assert services.survey_notify(now=opens + datetime.timedelta(hours=1)) == 2
    assert services.survey_notify(now=opens + datetime.timedelta(hours=2)) == 0
    invite = OutgoingMail.objects.get(key=f"feedback:{survey.pk}:{waiting.pk}:invite")
    assert f"/feedback/course/{course.pk}/" in invite.body_text

    rating, sessions, single, multiple, text = survey.questions.order_by("order")
    services.survey_submit(
        user=responder,
        survey=survey,
        answers={
            rating.pk: 5,
            sessions.pk: {course.sessions.get().pk: 4},
            single.pk: single.choice_list[0],
            multiple.pk: multiple.choice_list[:1],
        },
    )
    # A day before closing: one reminder, only for the trainee who has not responded.
    assert services.survey_notify(now=opens + datetime.timedelta(days=2, hours=1)) == 1
    assert services.survey_notify(now=opens + datetime.timedelta(days=2, hours=2)) == 0
    reminders = OutgoingMail.objects.filter(key__endswith=":reminder")
    assert [m.recipient for m in reminders] == [waiting]
    assert services.survey_notify(now=opens + datetime.timedelta(days=3)) == 0  # closed
