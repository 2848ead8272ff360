"""The same trainee's vote sent eight times at once, against the real PostgreSQL: threads
released together by a Barrier, each on its own connection."""

import threading

import pytest
from django.db import connection

from questions import services
from questions.models import Vote
from tests.factories.enrollment import RegistrationFactory
from tests.factories.questions import QuestionFactory
from tests.questions.conftest import make_course

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(jobs) -> list:
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # noqa: BLE001 - the assertions report it
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def organiser(transactional_db):
    from accounts.roles import Role
    from tests.factories.accounts import UserFactory

    return UserFactory(roles=[Role.ORGANISER])


def test_one_vote_when_the_same_trainee_votes_eight_times_at_once(organiser):
    course = make_course(organiser, days_ahead=3)
    question = QuestionFactory(course=course, asker=RegistrationFactory(course=course).trainee)
    voter = RegistrationFactory(course=course).trainee
    results = run_together([lambda: services.vote_add(user=voter, question=question)] * 8)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results.count(True) == 1
    assert results.count(False) == 7
    assert Vote.objects.filter(question=question, user=voter).count() == 1


def test_different_trainees_voting_at_once_all_count(organiser):
    course = make_course(organiser, days_ahead=3)
    question = QuestionFactory(course=course, asker=RegistrationFactory(course=course).trainee)
    voters = [RegistrationFactory(course=course).trainee for _ in range(6)]
    results = run_together(
        [lambda user=user: services.vote_add(user=user, question=question) for user in voters]
    )
    assert results == [True] * 6
    assert Vote.objects.filter(question=question).count() == 6
