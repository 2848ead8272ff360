from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Organisation
from accounts.roles import Role
from enrollment.models import Registration
from enrollment.selectors import RegistrationFilters
from enrollment.services.groups import group_assign, group_assign_balanced
from enrollment.services.messaging import registrants_message
from notifications.models import OutgoingMail
from tests.enrollment.conftest import trainee_from
from tests.factories.accounts import UserFactory, region
from tests.factories.courses import DiscussionGroupFactory
from tests.factories.enrollment import RegistrationFactory

pytestmark = pytest.mark.django_db

TYPES = [Organisation.Type.PROVINCIAL_DEPARTMENT, Organisation.Type.CITY_BUREAU]


def test_balanced_groups_mix_regions_and_types(open_course):
    organiser = open_course.organisers.first()
    groups = [DiscussionGroupFactory(course=open_course, name=f"第{n}组") for n in range(1, 4)]
    for code in ["11", "44", "51"]:
        for kind in TYPES:
            for n in range(2):
                RegistrationFactory(
                    course=open_course,
                    trainee=trainee_from(code, kind, full_name=f"{code}{kind}{n}"),
                )
    waiting = RegistrationFactory(course=open_course, status="waitlisted")

    counts = group_assign_balanced(course_id=open_course.pk, by=organiser)

    assert sorted(counts.values()) == [4, 4, 4]
    for group in groups:
        members = Registration.objects.filter(discussion_group=group)
        assert len(set(members.values_list("region_id", flat=True))) >= 2
        assert len(set(members.values_list("organisation_type", flat=True))) == 2
    waiting.refresh_from_db()
    assert waiting.discussion_group is None


def test_balancing_needs_groups(open_course):
    with pytest.raises(ValidationError) as exc:
        group_assign_balanced(course_id=open_course.pk, by=open_course.organisers.first())
    assert exc.value.code == "no_groups"


def test_assign_by_hand_and_refuse_another_courses_group(open_course):
    organiser = open_course.organisers.first()
    group = DiscussionGroupFactory(course=open_course)
    foreign = DiscussionGroupFactory()
    registration = RegistrationFactory(course=open_course)
    assert (
        group_assign(
            course_id=open_course.pk,
            by=organiser,
            registration_ids=[registration.pk],
            group_id=group.pk,
        )
        == 1
    )
    registration.refresh_from_db()
    assert registration.discussion_group == group
    with pytest.raises(ValidationError) as exc:
        group_assign(
            course_id=open_course.pk,
            by=organiser,
            registration_ids=[registration.pk],
            group_id=foreign.pk,
        )
    assert exc.value.code == "group_other_course"
    with pytest.raises(PermissionDenied):
        group_assign(
            course_id=open_course.pk,
            by=UserFactory(roles=[Role.ORGANISER]),
            registration_ids=[registration.pk],
            group_id=None,
        )


def test_group_pages_assign_and_balance(client, open_course):
    organiser = open_course.organisers.first()
    group = DiscussionGroupFactory(course=open_course, room="302")
    registration = RegistrationFactory(course=open_course)
    client.force_login(organiser)
    client.post(
        reverse("enrollment:registration-group-assign", args=[open_course.pk]),
        {"registrations": [registration.pk], "group": group.pk},
    )
    registration.refresh_from_db()
    assert registration.discussion_group == group
    response = client.post(reverse("enrollment:group-balance", args=[open_course.pk]))
    assert response.status_code == 302
    client.force_login(registration.trainee)
    assert "302" in client.get(reverse("enrollment:registration-mine")).content.decode()


def test_message_goes_to_the_filtered_registrants_in_their_language(open_course):
    organiser = open_course.organisers.first()
    cantonese = RegistrationFactory(
        course=open_course, trainee=trainee_from("44", preferred_language="en")
    )
    RegistrationFactory(course=open_course, trainee=trainee_from("11"))
    RegistrationFactory(
        course=open_course,
        trainee=trainee_from("44", Organisation.Type.CITY_BUREAU),
        status="cancelled",
    )
    count = registrants_message(
        course=open_course,
        by=organiser,
        subject="报到须知",
        body="请于开班前一天报到。",
        filters=RegistrationFilters(region_id=region("44").pk),
    )
    assert count == 1
    mail = OutgoingMail.objects.get(key__contains=":message:")
    assert mail.to_email == cantonese.trainee.email
    assert mail.language == "en"
    assert "请于开班前一天报到。" in mail.body_text
    assert mail.subject.startswith("报到须知")


def test_message_page(client, open_course):
    organiser = open_course.organisers.first()
    for _ in range(3):
        RegistrationFactory(course=open_course)
    client.force_login(organiser)
    url = reverse("enrollment:registrant-message", args=[open_course.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"subject": "", "body": ""}).status_code == 400
    response = client.post(url, {"subject": "通知", "body": "正文"})
    assert response.status_code == 302
    assert Counter(OutgoingMail.objects.values_list("subject", flat=True)) == {
        f"通知（{open_course.title}）": 3
    }
    client.force_login(trainee_from("45"))
    assert client.post(url, {"subject": "x", "body": "y"}).status_code == 404
