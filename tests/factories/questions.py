import factory

from questions.models import Question, Vote
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    course = factory.SubFactory(CourseFactory, status="published")
    asker = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"问题{n}：职业技能等级认定如何衔接？")
    asked_phase = Question.Phase.BEFORE
    visible_to_trainees = True


class VoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vote

    question = factory.SubFactory(QuestionFactory)
    user = factory.SubFactory(UserFactory)
