import pytest
from django.core.management import call_command

from courses.demo import TITLE_A
from questions import demo
from questions.models import Question, Vote

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_course_a_once(django_assert_max_num_queries):
    call_command("seed_demo", verbosity=0)
    questions = Question.objects.filter(course__title=TITLE_A)
    assert questions.count() == 160
    assert set(questions.values_list("status", flat=True)) >= {
        "open",
        "answered",
        "under_study",
        "hidden",
    }
    # Course A lies ahead in the demo: every question was asked before it.
    assert set(questions.values_list("asked_phase", flat=True)) == {"before"}
    assert Vote.objects.filter(question__course__title=TITLE_A).count() > 100
    votes = Vote.objects.count()
    with django_assert_max_num_queries(3):
        assert demo.seed() == {"questions": 0}
    assert Question.objects.count() == 160 and Vote.objects.count() == votes
