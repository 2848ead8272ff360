import factory
from django.utils import timezone

from enrollment.models import NominatingUnit, Registration
from tests.factories.accounts import OrganisationFactory, UserFactory
from tests.factories.courses import CourseFactory


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A row written directly (no seat rules): for setting up a course's state in tests."""

    class Meta:
        model = Registration

    course = factory.SubFactory(CourseFactory, status="published")
    trainee = factory.SubFactory(UserFactory)
    status = Registration.Status.CONFIRMED
    full_name = factory.LazyAttribute(lambda o: o.trainee.full_name)
    organisation_name = factory.LazyAttribute(lambda o: o.trainee.organisation.name)
    organisation_type = factory.LazyAttribute(lambda o: o.trainee.organisation.type)
    region = factory.LazyAttribute(lambda o: o.trainee.organisation.region)
    phone = factory.LazyAttribute(lambda o: o.trainee.phone)
    waitlisted_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Registration.Status.WAITLISTED else None
    )


class NominatingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NominatingUnit

    course = factory.SubFactory(CourseFactory, status="published")
    organisation = factory.SubFactory(OrganisationFactory)
    contact = factory.LazyAttribute(lambda o: UserFactory(organisation=o.organisation))
