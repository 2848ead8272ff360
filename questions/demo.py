"""Demo data: about 160 trainees' questions to course A, with a mix of statuses and votes.

Questions asked after the course started are "during" ones, and only exist if it has started;
otherwise every question was asked before it. Idempotent: a course that has questions is left
alone."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from courses.demo import TITLE_A
from courses.models import Course, Session
from enrollment.models import Registration
from questions import selectors
from questions.models import Faq, Question, Vote

TOTAL = 160

STEMS = [
    "{topic}在基层落实时，经费保障的具体渠道有哪些？",
    "请问{topic}方面有没有可供参考的地方典型案例？",
    "{topic}涉及的配套文件预计什么时候出台？",
    "民营企业如何参与{topic}？有哪些支持政策？",
    "{topic}与现行职业资格制度如何衔接？",
    "{topic}的考核评价指标能否再具体说明一下？",
    "县级人社部门在{topic}中承担哪些职责？",
    "{topic}对技工院校教师队伍建设有什么要求？",
    "西部地区推进{topic}面临人才流失问题，有什么建议？",
    "{topic}的实施效果如何进行跟踪评估？",
]
TOPICS = [
    "高技能人才培养",
    "职业技能等级认定",
    "企业新型学徒制",
    "技能竞赛",
    "薪酬分配",
    "职业发展贯通",
    "培训补贴资金管理",
    "技能大师工作室建设",
]
ANSWER = "感谢提问。根据现行政策，{topic}由各地结合实际制定实施细则，可参考会议材料中的相关文件，具体问题可会后与主办方联系。"


def _status_for(n: int, during: bool) -> str:
    if n % 9 == 0:
        return Question.Status.HIDDEN
    if n % 5 == 0:
        return Question.Status.UNDER_STUDY
    if n % 3 == 0:
        return Question.Status.ON_THE_SPOT if during else Question.Status.ANSWERED
    if n % 2 == 0:
        return Question.Status.ANSWERED
    return Question.Status.OPEN


def _publish_faq(course: Course) -> None:
    """Once the course is over, its FAQ is published (grouped by session), once."""
    if not selectors.course_has_ended(course):
        return
    organiser = course.organisers.order_by("pk").first()
    if organiser is None:
        return
    Faq.objects.get_or_create(
        course=course,
        defaults={
            "published_at": timezone.now(),
            "published_by": organiser,
            "grouping": "session",
        },
    )


@dataclass(frozen=True)
class _Asking:
    """What the demo questions of a course are made from."""

    course: Course
    trainees: list[int]
    sessions: list[Session]
    organiser: User | None
    started: bool
    now: datetime.datetime

    def question(self, n: int) -> Question:
        """The n-th question: its topic, session, status and answer all follow from n."""
        topic = TOPICS[n % len(TOPICS)]
        during = self.started and n % 4 == 0
        status = _status_for(n, during)
        session = self.sessions[n % len(self.sessions)] if self.sessions and n % 3 != 1 else None
        speakers = list(session.speakers.all()) if session else []
        answered = status in (Question.Status.ANSWERED, Question.Status.ON_THE_SPOT)
        return Question(
            course=self.course,
            asker_id=self.trainees[n % len(self.trainees)],
            text=STEMS[n % len(STEMS)].format(topic=topic) + ("" if n <= 80 else f"（第{n}问）"),
            session=session,
            speaker=speakers[0] if speakers else None,
            topic=topic if n % 2 else "",
            anonymous=n % 4 == 1,
            status=status,
            visible_to_trainees=status != Question.Status.HIDDEN and n % 7 != 0,
            answer=ANSWER.format(topic=topic)
            if status == Question.Status.ANSWERED or (answered and n % 2)
            else "",
            answered_by_id=self.organiser.pk if answered and self.organiser else None,
            answered_at=self.now if answered else None,
            asked_phase=Question.Phase.DURING if during else Question.Phase.BEFORE,
        )


def _votes(questions: list[Question], trainees: list[int]) -> list[Vote]:
    """Some trainees' votes for each visible question, never the asker's own."""
    votes = []
    for question in questions:
        if not question.visible_to_trainees:
            continue
        supporters = (question.pk * 7) % 23
        for k in range(supporters):
            voter = trainees[(question.pk * 13 + k * 5) % len(trainees)]
            if voter != question.asker_id:
                votes.append(Vote(question=question, user_id=voter))
    return votes


def seed(*, stdout=None) -> dict[str, int]:
    course = Course.objects.filter(title=TITLE_A).first()
    if course is None:
        return {"questions": 0}
    if Question.objects.filter(course=course).exists():
        _publish_faq(course)  # the course may have ended since the questions were seeded
        return {"questions": 0}
    trainees = list(
        Registration.objects.filter(course=course, status=Registration.Status.CONFIRMED)
        .order_by("pk")
        .values_list("trainee_id", flat=True)[:200]
    )
    if not trainees:
        return {"questions": 0}
    asking = _Asking(
        course=course,
        trainees=trainees,
        organiser=course.organisers.order_by("pk").first(),
        sessions=list(
            Session.objects.filter(course=course, speakers__isnull=False)
            .prefetch_related("speakers")
            .distinct()
            .order_by("starts_at", "pk")
        ),
        started=selectors.course_has_started(course),
        now=timezone.now(),
    )
    questions = [asking.question(n) for n in range(1, TOTAL + 1)]
    with transaction.atomic():
        created = Question.objects.bulk_create(questions)
        votes = _votes(created, trainees)
        Vote.objects.bulk_create(votes, ignore_conflicts=True)
        _publish_faq(course)
    if stdout:
        stdout.write(f"questions: {len(created)} questions, {len(votes)} votes for course A")
    return {"questions": len(created)}
