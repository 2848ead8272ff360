"""A small portal with one of everything, and the addresses of its main pages, for the checks
that visit many pages at once (accessibility, phone layout)."""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from courses.models import Course
from enrollment.models import Registration
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory, SessionFactory, SpeakerFactory
from tests.factories.enrollment import RegistrationFactory
from tests.factories.policies import PolicyDocumentFactory

PASSWORD = "correct-horse-battery"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


@dataclass(frozen=True)
class Portal:
    organiser: User
    administrator: User
    trainee: User
    open_course: Course
    running_course: Course
    session_id: int
    document_id: int

    def pages(self) -> dict[str, tuple[User | None, str]]:
        """Page name → (who looks at it, its address)."""
        course, running = self.open_course.pk, self.running_course.pk
        return {
            "catalogue": (None, "/courses/"),
            "home": (None, "/"),
            "course page": (None, f"/courses/{course}/"),
            "sign-in": (None, "/accounts/login/"),
            "sign-up": (None, "/accounts/signup/"),
            "my courses": (self.trainee, "/enrollment/mine/"),
            "registration": (self.trainee, f"/enrollment/course/{course}/register/"),
            "policy library": (self.trainee, "/documents/"),
            "document": (self.trainee, f"/documents/{self.document_id}/"),
            "organiser dashboard": (self.organiser, "/courses/manage/"),
            "course editor": (self.organiser, f"/courses/manage/{course}/"),
            "timetable editor": (self.organiser, f"/courses/manage/{course}/sessions/"),
            "registration list": (self.organiser, f"/enrollment/course/{running}/registrations/"),
            "statistics": (self.organiser, f"/enrollment/course/{running}/statistics/"),
            "roster": (self.organiser, f"/attendance/session/{self.session_id}/"),
            "organiser exports": (self.organiser, "/exports/"),
            "administrator exports": (self.administrator, "/exports/"),
            "cross-course attendance": (self.administrator, "/attendance/"),
        }


def build_portal() -> Portal:
    organiser = UserFactory(roles=[Role.ORGANISER], full_name="组织者甲")
    administrator = UserFactory(roles=[Role.ADMINISTRATOR], full_name="管理员甲")
    trainee = UserFactory(full_name="王小明")
    now = timezone.now()
    start = timezone.localdate() + datetime.timedelta(days=14)
    open_course = CourseFactory(
        status=Course.Status.PUBLISHED,
        organisers=[organiser],
        title="全国技工院校教学管理培训班",
        starts_on=start,
        ends_on=start + datetime.timedelta(days=1),
        registration_opens_at=now - datetime.timedelta(days=3),
    )
    speaker = SpeakerFactory(name="陈立新", title="司长")
    SessionFactory(course=open_course, title="开班仪式", speakers=[speaker])
    running_course = CourseFactory(
        status=Course.Status.PUBLISHED,
        organisers=[organiser],
        title="全国高技能人才政策培训班",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        registration_opens_at=now - datetime.timedelta(days=10),
        registration_closes_at=now - datetime.timedelta(hours=1),
    )
    session = SessionFactory(
        course=running_course,
        title="政策解读",
        starts_at=now - datetime.timedelta(minutes=5),
        ends_at=now + datetime.timedelta(hours=2),
        speakers=[speaker],
    )
    RegistrationFactory(course=running_course, trainee=trainee)
    for name, status in [
        ("赵一", Registration.Status.CONFIRMED),
        ("钱二", Registration.Status.PENDING),
        ("孙三", Registration.Status.WAITLISTED),
    ]:
        RegistrationFactory(
            course=running_course, trainee=UserFactory(full_name=name), status=status
        )
    document = PolicyDocumentFactory(title="关于健全高技能人才培养体系的意见")
    return Portal(
        organiser=organiser,
        administrator=administrator,
        trainee=trainee,
        open_course=open_course,
        running_course=running_course,
        session_id=session.pk,
        document_id=document.pk,
    )


def sign_in(page, live_server, user: User) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")


def pages_by_visitor(portal: Portal) -> dict[User | None, list[tuple[str, str]]]:
    visits: dict[User | None, list[tuple[str, str]]] = {}
    for name, (who, path) in portal.pages().items():
        visits.setdefault(who, []).append((name, path))
    return visits
