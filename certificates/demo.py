"""Demo data: course A's certificate rule (80 % attendance, the opening ceremony required,
excused sessions counted); once course A has finished, its certificates (idempotent)."""

from certificates import selectors, services
from certificates.models import CertificateRule
from courses.demo import TITLE_A
from courses.models import Course, Session


def seed(*, stdout=None) -> dict[str, int]:
    course = Course.objects.filter(title=TITLE_A).first()
    organiser = course.organisers.order_by("pk").first() if course else None
    if organiser is None:
        return {"certificates": 0}
    if not CertificateRule.objects.filter(course=course).exists():
        services.rule_save(
            course=course,
            by=organiser,
            auto_issue=True,
            min_attendance_percent=80,
            count_excused=True,
            require_feedback=False,
            required_sessions=list(
                Session.objects.filter(course=course, kind=Session.Kind.OPENING)
            ),
        )
    issued = 0
    if selectors.course_has_finished(course):
        issued = services.certificate_issue_for_course(course_id=course.pk)
    if stdout:
        stdout.write(f"certificates: rule for course A, {issued} new certificates")
    return {"certificates": issued}
