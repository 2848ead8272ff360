"""Demo data: course A's feedback survey with the standard questions and, once the survey has
opened (the course's last session has started), about three quarters of its trainees'
responses. Idempotent: a survey is created once, responses are added once."""

from django.db import transaction

from courses.demo import TITLE_A
from courses.models import Course
from enrollment.models import Registration
from feedback import selectors, services
from feedback.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse

SUGGESTIONS = [
    "希望增加地方典型案例的分享，讲得更具体一些。",
    "课程安排紧凑，政策解读很透彻，收获很大。",
    "分组讨论时间可以再长一点，便于充分交流。",
    "建议会后提供全部课件下载，便于回去传达学习。",
    "希望今后多组织现场教学，到企业和技工院校实地看一看。",
    "答疑环节很有帮助，建议每天安排一次。",
    "食宿安排周到，感谢主办方的辛苦工作。",
    "建议提前发放文件汇编，便于带着问题来学习。",
]


def _respond(survey: Survey) -> int:
    """Responses of about three trainees in four, with plausible, varied answers."""
    questions = selectors.survey_questions(survey)
    sessions = [s.pk for s in selectors.survey_sessions(survey.course)]
    trainees = list(
        Registration.objects.filter(course=survey.course, status=Registration.Status.CONFIRMED)
        .order_by("pk")
        .values_list("trainee_id", flat=True)
    )
    responders = [pk for n, pk in enumerate(trainees) if n % 4 != 3]
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(survey=survey, respondent_id=pk) for pk in responders
    )
    answers = []
    for n, response in enumerate(responses):
        for question in questions:
            if question.kind == SurveyQuestion.Kind.RATING:
                answers.append(
                    SurveyAnswer(
                        response=response, question=question, rating=(5, 4, 5, 3, 4)[n % 5]
                    )
                )
            elif question.kind == SurveyQuestion.Kind.SESSION_RATING:
                answers.extend(
                    SurveyAnswer(
                        response=response,
                        question=question,
                        session_id=session,
                        # Sessions differ: averages from about 3.7 to 4.5.
                        rating=5 - (n + k) % (4 + k * 5 % 4) // 2,
                    )
                    for k, session in enumerate(sessions)
                    if (n + k) % 6  # not every trainee rates every session
                )
            elif question.kind == SurveyQuestion.Kind.SINGLE:
                choices = question.choice_list
                pick = choices[min(len(choices) - 1, 1)] if n % 5 else choices[0]
                answers.append(SurveyAnswer(response=response, question=question, choices=[pick]))
            elif question.kind == SurveyQuestion.Kind.MULTIPLE:
                choices = question.choice_list
                picked = [c for k, c in enumerate(choices) if (n + k) % 3 != 0] or choices[:1]
                answers.append(SurveyAnswer(response=response, question=question, choices=picked))
            elif n % 3 == 0:  # a third write a suggestion
                answers.append(
                    SurveyAnswer(
                        response=response,
                        question=question,
                        text=SUGGESTIONS[n // 3 % len(SUGGESTIONS)],
                    )
                )
    SurveyAnswer.objects.bulk_create(answers, batch_size=2000)
    return len(responses)


def seed(*, stdout=None) -> dict[str, int]:
    course = Course.objects.filter(title=TITLE_A).first()
    organiser = course.organisers.order_by("pk").first() if course else None
    if organiser is None:
        return {"surveys": 0, "responses": 0}
    created = 0
    survey = Survey.objects.filter(course=course).first()
    if survey is None:
        with transaction.atomic():
            survey = services.survey_save(
                user=organiser,
                course=course,
                intro="请对本次培训进行评价，您的意见将用于改进今后的培训工作。",
                open_days=7,
                anonymous=True,
            )
            services.survey_template_apply(user=organiser, survey=survey)
        created = 1
    responses = 0
    if selectors.survey_state(survey) != "not_open" and not survey.responses.exists():
        with transaction.atomic():
            responses = _respond(survey)
    if stdout:
        stdout.write(f"feedback: {created} new survey for course A, {responses} responses")
    return {"surveys": created, "responses": responses}
