"""End to end: a confirmed registration opens the course's registered-trainee documents."""

import pytest
from django.urls import reverse

from enrollment.models import Registration
from policies.models import PolicyDocument
from policies.selectors import document_is_visible_to, document_list_visible_to
from tests.factories.courses import ReadingPackItemFactory, ReadingPackSectionFactory
from tests.factories.enrollment import RegistrationFactory
from tests.factories.policies import PolicyDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked():
    """A course whose reading pack holds a document for registered trainees only."""
    document = PolicyDocumentFactory(
        title="人社部关于技能人才评价的实施意见", visibility=PolicyDocument.Visibility.TRAINEES
    )
    section = ReadingPackSectionFactory(course__status="published")
    ReadingPackItemFactory(section=section, document=document)
    return section.course, document


@pytest.mark.parametrize(
    ("status", "visible"),
    [
        (Registration.Status.CONFIRMED, True),
        (Registration.Status.PENDING, False),
        (Registration.Status.WAITLISTED, False),
        (Registration.Status.CANCELLED, False),
    ],
)
def test_only_confirmed_trainees_of_the_linked_course_see_the_document(linked, status, visible):
    course, document = linked
    registration = RegistrationFactory(course=course, status=status)
    trainee = registration.trainee
    assert document_is_visible_to(user=trainee, document=document) is visible
    assert document_list_visible_to(trainee).filter(pk=document.pk).exists() is visible


def test_a_trainee_of_another_course_does_not_see_it(linked):
    _course, document = linked
    other = RegistrationFactory(status=Registration.Status.CONFIRMED)
    assert not document_is_visible_to(user=other.trainee, document=document)


def test_the_document_page_opens_for_the_registered_trainee_and_not_for_others(client, linked):
    course, document = linked
    registration = RegistrationFactory(course=course, status=Registration.Status.CONFIRMED)
    url = reverse("policies:document-detail", args=[document.pk])
    client.force_login(RegistrationFactory(status=Registration.Status.CONFIRMED).trainee)
    assert client.get(url).status_code == 404
    client.force_login(registration.trainee)
    response = client.get(url)
    assert response.status_code == 200
    assert document.title in response.content.decode()
    assert course.title in response.content.decode()  # "courses that use it"
