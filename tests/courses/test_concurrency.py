import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.roles import Role
from courses import services
from courses.models import Session
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory, at


@pytest.mark.django_db(transaction=True)
def test_concurrent_sessions_in_one_room_at_one_time_only_one_wins():
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = CourseFactory(organisers=[organiser])
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    outcomes: list[str] = []

    def add(number: int) -> None:
        barrier.wait()
        try:
            services.session_create(
                course=course,
                by=organiser,
                kind=Session.Kind.LECTURE,
                title=f"讲座{number}",
                starts_at=at(course.starts_on, "09:00"),
                ends_at=at(course.starts_on, "10:00"),
                room="报告厅",
            )
            outcomes.append("created")
        except ValidationError as exc:
            outcomes.append(exc.error_dict["room"][0].code)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["created"] + ["room_overlap"] * (threads_count - 1)
    assert Session.objects.filter(course=course).count() == 1
