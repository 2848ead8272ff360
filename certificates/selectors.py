"""Reads: who may manage a course's certificates, and who meets the course's rule and why not."""

import datetime
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.db.models.functions import Collate
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import PINYIN_COLLATION
from accounts.types import AnyUser
from attendance.hours import RegistrationHours, hours_for_registrations
from attendance.models import Attendance
from certificates.models import Certificate, CertificateArchive, CertificateRule
from courses.models import Course, Session
from courses.selectors import course_list_editable_by
from enrollment.models import Registration
from enrollment.selectors import registration_list_confirmed_for, registration_list_confirmed_of
from feedback.models import SurveyResponse

ATTENDED = {Attendance.Status.PRESENT, Attendance.Status.LATE}


def rule_for(course: Course) -> CertificateRule | None:
    return (
        CertificateRule.objects.filter(course=course).prefetch_related("required_sessions").first()
    )


def rule_or_default(course: Course) -> CertificateRule:
    """The stored rule, or the defaults (unsaved) for a course without one."""
    return rule_for(course) or CertificateRule(course=course)


@dataclass
class Eligibility:
    """How one confirmed trainee stands against the course's rule."""

    registration: Registration
    sessions: int = 0  # sessions that apply to the trainee
    attended: int = 0  # of those, counted as attended under the rule
    hours: Decimal = Decimal("0")  # learning hours of the sessions that apply to the trainee
    attended_hours: Decimal = Decimal("0")  # learning hours earned by attendance
    missed_required: list[Session] = field(default_factory=list)
    feedback_missing: bool = False
    below_minimum: bool = False
    below_min_hours: bool = False
    certificate: Certificate | None = None

    @property
    def percent(self) -> int:
        """Shown rounded down, so 79.9 % never displays as 80 %."""
        return 100 * self.attended // self.sessions if self.sessions else 0

    @property
    def qualifies(self) -> bool:
        return not (
            self.below_minimum
            or self.below_min_hours
            or self.missed_required
            or self.feedback_missing
        )

    @property
    def reasons(self) -> list[str]:
        reasons = []
        if self.below_minimum:
            reasons.append(_("attendance below the minimum"))
        if self.below_min_hours:
            reasons.append(_("learning hours below the minimum"))
        for session in self.missed_required:
            reasons.append(_("missed: %(session)s") % {"session": session.title})
        if self.feedback_missing:
            reasons.append(_("feedback not submitted"))
        return reasons


@dataclass(frozen=True)
class _RuleCheck:
    """The course's rule as the marks it counts, the sessions it requires and the trainees who
    answered the survey."""

    rule: CertificateRule
    counted: Collection[str]
    required: Collection[int]
    responded: Collection[int]

    def standing(
        self,
        registration: Registration,
        applies: list[Session],
        marks: Mapping[int, str],
        certificate: Certificate | None,
        hours: RegistrationHours,
    ) -> Eligibility:
        """`applies`: the sessions that apply to the trainee; `marks`: theirs, by session;
        `hours`: the learning hours offered to and earned by them."""
        attended = [s for s in applies if marks.get(s.pk) in self.counted]
        row = Eligibility(
            registration=registration,
            sessions=len(applies),
            attended=len(attended),
            hours=hours.offered,
            attended_hours=hours.earned,
            certificate=certificate,
        )
        minimum = self.rule.min_attendance_percent
        row.below_minimum = row.attended * 100 < minimum * row.sessions or (
            row.sessions == 0 and minimum > 0
        )
        row.below_min_hours = hours.earned < self.rule.min_hours
        row.missed_required = [
            s for s in applies if s.pk in self.required and marks.get(s.pk) not in ATTENDED
        ]
        row.feedback_missing = (
            self.rule.require_feedback and registration.trainee_id not in self.responded
        )
        return row


def _counted_marks(rule: CertificateRule) -> set[str]:
    counted: set[str] = set(ATTENDED)
    if rule.count_excused:
        counted.add(Attendance.Status.EXCUSED)
    return counted


def _confirmed_in_pinyin_order(
    course: Course, registration_ids: Collection[int] | None
) -> list[Registration]:
    confirmed = registration_list_confirmed_of(course.pk).order_by(
        Collate("full_name", PINYIN_COLLATION), "pk"
    )
    if registration_ids is not None:
        confirmed = confirmed.filter(pk__in=registration_ids)
    return list(confirmed)


def _marks_by_registration(registrations: list[Registration]) -> dict[int, dict[int, str]]:
    """Each registration's attendance marks, by session."""
    marks: dict[int, dict[int, str]] = {}
    for registration_id, session_id, status in Attendance.objects.filter(
        registration__in=[r.pk for r in registrations]
    ).values_list("registration_id", "session_id", "status"):
        marks.setdefault(registration_id, {})[session_id] = status
    return marks


def _respondents(course: Course) -> set[int]:
    """The users who answered the course's survey."""
    return set(
        SurveyResponse.objects.filter(survey__course=course).values_list("respondent_id", flat=True)
    )


def _sessions_applying(sessions: list[Session], registration: Registration) -> list[Session]:
    """All sessions but those of other discussion groups."""
    return [
        s
        for s in sessions
        if s.discussion_group_id is None
        or s.discussion_group_id == registration.discussion_group_id
    ]


def eligibility_for_course(
    course: Course,
    *,
    rule: CertificateRule | None = None,
    registration_ids: Collection[int] | None = None,
) -> list[Eligibility]:
    """Every confirmed trainee of the course against its rule, in pinyin order: a constant
    number of queries whatever the course's size.

    A session applies to a trainee unless it is another discussion group's. Attended means
    present or late (and excused when the rule says so); a required session must have been
    attended in person (present or late). `attended / sessions >= minimum %` qualifies,
    computed in integers so that exactly the minimum is enough.
    """
    rule = rule or rule_or_default(course)
    counted = _counted_marks(rule)
    required = {s.pk for s in rule.required_sessions.all()} if rule.pk else set()
    sessions = list(Session.objects.filter(course=course).order_by("starts_at", "order", "pk"))
    registrations = _confirmed_in_pinyin_order(course, registration_ids)
    marks = _marks_by_registration(registrations)
    responded = _respondents(course) if rule.require_feedback else set()
    certificates = {
        c.registration_id: c
        for c in Certificate.objects.filter(registration__in=[r.pk for r in registrations])
    }
    check = _RuleCheck(rule=rule, counted=counted, required=required, responded=responded)
    hours = hours_for_registrations(registrations, courses=[course], sessions=sessions, marks=marks)
    return [
        check.standing(
            registration,
            _sessions_applying(sessions, registration),
            marks.get(registration.pk, {}),
            certificates.get(registration.pk),
            hours[registration.pk],
        )
        for registration in registrations
    ]


def eligibility_for_registration(
    registration: Registration, *, rule: CertificateRule | None = None
) -> Eligibility | None:
    """`rule`: the course's rule (or its defaults) when the caller has it already."""
    rows = eligibility_for_course(
        registration.course, registration_ids=[registration.pk], rule=rule
    )
    return rows[0] if rows else None


def course_has_finished(course: Course) -> bool:
    return course.phase == "finished"


def course_list_due_for_certificates(days: int = 30) -> QuerySet[Course]:
    """Published courses with an automatic rule that ended in the last `days` days (the phase
    check in the course's own time zone is left to the caller)."""
    today = timezone.localdate()
    return Course.objects.filter(
        status=Course.Status.PUBLISHED,
        certificate_rule__auto_issue=True,
        ends_on__lt=today + datetime.timedelta(days=1),
        ends_on__gte=today - datetime.timedelta(days=days),
    ).order_by("pk")


def certificate_for_trainee(*, user: AnyUser, course_id: int) -> Certificate:
    """The user's own valid certificate for the course, else Certificate.DoesNotExist."""
    if not user.is_authenticated:
        raise Certificate.DoesNotExist
    return Certificate.objects.select_related("course", "registration").get(
        course_id=course_id,
        registration__trainee=user,
        status=Certificate.Status.ISSUED,
    )


def certificate_by_code(code: str) -> Certificate | None:
    if not code:
        return None
    return Certificate.objects.select_related("course").filter(code=code).first()


def archive_list_for_user(user: AnyUser) -> QuerySet[CertificateArchive]:
    """The archives of the courses the user manages."""
    return CertificateArchive.objects.select_related("course").filter(
        course__in=course_list_editable_by(user)
    )


def certificate_manage_page(*, course: Course, rule: CertificateRule | None) -> dict:
    """What the organisers' certificate page shows: everyone's standing against the rule,
    how many are issued, revoked and qualifying, and the latest ZIP of all."""
    rows = eligibility_for_course(course, rule=rule)
    return {
        "course": course,
        "rule": rule,
        "rows": rows,
        "finished": course_has_finished(course),
        "issued": sum(1 for r in rows if r.certificate and r.certificate.is_valid),
        "revoked": sum(1 for r in rows if r.certificate and not r.certificate.is_valid),
        "qualifying": sum(1 for r in rows if r.qualifies),
        "archive": CertificateArchive.objects.filter(course=course).first(),
    }


def certificate_pending_page(*, user: AnyUser, course_id: int) -> dict:
    """Why a confirmed trainee has no certificate (yet): the course's rule, their standing and
    whether one was revoked. Registration.DoesNotExist when they are not a confirmed trainee."""
    registration = (
        registration_list_confirmed_for(user).select_related("course").get(course_id=course_id)
    )
    course = registration.course
    rule = rule_or_default(course)
    row = eligibility_for_registration(registration, rule=rule)
    if row is not None:  # it holds the registration's certificate, if any
        certificate = row.certificate
        revoked = certificate is not None and certificate.status == Certificate.Status.REVOKED
    else:
        revoked = Certificate.objects.filter(
            registration=registration, status=Certificate.Status.REVOKED
        ).exists()
    return {
        "course": course,
        "finished": course_has_finished(course),
        "revoked": revoked,
        "row": row,
        "rule": rule,
        "has_rule": rule.pk is not None,  # not the unsaved defaults
    }


def certificate_verdict(code: str) -> tuple[str, Certificate | None]:
    """Whether a certificate number is "valid", "revoked" or "not_found", with the certificate."""
    certificate = certificate_by_code(code)
    if certificate is None:
        return "not_found", None
    return ("valid" if certificate.is_valid else "revoked"), certificate
