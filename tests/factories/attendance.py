import factory
from django.utils import timezone

from attendance.models import Attendance
from tests.factories.courses import SessionFactory
from tests.factories.enrollment import RegistrationFactory


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    registration = factory.SubFactory(RegistrationFactory)
    session = factory.SubFactory(
        SessionFactory, course=factory.SelfAttribute("..registration.course")
    )
    status = Attendance.Status.PRESENT
    method = Attendance.Method.LIST
    marked_at = factory.LazyFunction(timezone.now)
