"""Who may open what: every URL pattern of the portal against seven kinds of visitor.

The table `MATRIX` below is the access policy, written down once per URL pattern. It is read
together with the URL configuration: a pattern without an entry fails
`test_every_url_pattern_has_an_entry` with its name, so a new URL must be classified here (a
one-line change: `"app:pattern-name": RULE,`).

Visitors (columns):

- ``anonymous``: not signed in;
- ``trainee``: a confirmed trainee of the course, owner of the registration, question, calendar
  feed and reading-pack bundle below;
- ``stranger``: another verified trainee, not registered in the course; every object of the
  trainee is someone else's to them;
- ``other_organiser``: an organiser of another course;
- ``checkin``: check-in staff of every course (the role administrators grant);
- ``course_checkin``: check-in staff the course's organisers assigned to this course only;
- ``other_checkin``: check-in staff assigned to another course only (this one is not theirs);
- ``organiser``: an organiser of the course (owner of its import and export jobs);
- ``admin``: an administrator.

Outcomes of a GET (cells):

- ``OK``: 200; ``GO``: a redirect (302) that is not to the sign-in page (e.g. a page that only
  makes sense after an action sends the visitor back);
- ``LOGIN``: 302 to the sign-in page;
- ``NOT_FOUND``: 404, the rule for a page about an object: it is looked up among the objects
  the visitor may see, so nobody learns that e.g. course 17 exists, or who owns export job x;
- ``FORBIDDEN``: 403, only for a page with no object that needs a role the visitor lacks
  (docs/architecture.md, "Refusals: 403 or 404"). A refused visitor never gets the content
  either (the body is also checked for the course's secret marker);
- ``HEALTH``: `/healthz` answers 200, or 503 while a service is down (no worker runs here);
- ``NA``: the page only answers POST: GET gives 405, or exactly the refusal its POST gives that
  visitor when the page refuses before the method is looked at (`_get_of_post_only`;
  tests/security/test_csrf_and_methods checks that GET changes nothing).

For every pattern that accepts POST, `test_denied_visitors_cannot_post` posts an empty form as
every visitor the rule refuses (rule `post=` column, the GET rule by default): the answer must be
exactly the refusal the rule names (404, 403, or the sign-in page for anonymous visitors), never
a 200 or a redirect into the application.

Objects (URL keyword arguments) come from one shared set built per test (`world`), so the
test runs seven logins over the whole URL configuration, not one database set-up per cell.
Every `<int:pk>` is the course unless `_build_world`'s `kwargs` says otherwise for the pattern;
a URL about a new kind of object gets its object there (one line per pattern).
Django's admin (`/admin/`) is tested separately below: non-staff users are sent to its login.
"""

import re
import uuid
from dataclasses import dataclass, fields, replace

import pytest
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.roles import Role
from attendance.services import qr_token_make
from certificates import services as certificate_services
from certificates.models import CertificateArchive
from courses.models import Course, CourseCheckinStaff, Material, ReadingPackBundle
from courses.services import pack_bundle
from enrollment.models import CalendarFeed, ImportJob
from exports.models import ExportJob
from feedback.models import Survey
from portal.access import RoleRequiredMixin, ScopedObjectMixin
from privacy.models import DataDownload
from tests.courses.packs import build_pack
from tests.factories.accounts import UserFactory
from tests.factories.courses import (
    CourseFactory,
    DiscussionGroupFactory,
    SessionFactory,
    SpeakerFactory,
)
from tests.factories.enrollment import NominatingUnitFactory, RegistrationFactory
from tests.factories.questions import QuestionFactory
from webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db

# -- Outcomes and rules -----------------------------------------------------------------------

OK, GO, LOGIN, NA = "OK", "GO", "LOGIN", "NA"
NOT_FOUND, FORBIDDEN = "404", "403"
NF, FB = NOT_FOUND, FORBIDDEN
REFUSALS = (NOT_FOUND, FORBIDDEN, LOGIN)
HEALTH = "HEALTH"  # 200, or 503 while a service (here: the Celery workers) is down
VISITORS = (
    "anonymous",
    "trainee",
    "stranger",
    "other_organiser",
    "checkin",
    "organiser",
    "admin",
    "course_checkin",
    "other_checkin",
)


@dataclass(frozen=True)
class Rule:
    anonymous: str
    trainee: str
    stranger: str
    other_organiser: str
    checkin: str
    organiser: str
    admin: str
    #: Check-in staff of one course are, everywhere else, a signed-in visitor without a role
    #: (the `stranger`'s cell) unless a rule says otherwise.
    course_checkin: str = ""
    other_checkin: str = ""
    #: Who may POST, when it differs from who may GET (e.g. a POST-only view).
    post: "Rule | None" = None

    def but(self, **cells) -> "Rule":
        return replace(self, **cells)

    def for_post(self) -> "Rule":
        return self.post or self

    def cell(self, visitor: str) -> str:
        return getattr(self, visitor) or self.stranger


def rule(anonymous, trainee, stranger, other_organiser, checkin, organiser, admin) -> Rule:
    return Rule(anonymous, trainee, stranger, other_organiser, checkin, organiser, admin)


def post_only(allowed: Rule) -> Rule:
    """A view that answers POST only; `allowed` says who may post."""
    return rule(NA, NA, NA, NA, NA, NA, NA).but(post=allowed)


#                  anonymous trainee stranger other_org checkin organiser admin
PUBLIC = rule(OK, OK, OK, OK, OK, OK, OK)
SIGNED_IN = rule(LOGIN, OK, OK, OK, OK, OK, OK)
# Any organiser (or administrator), whatever the course, on a page with no object: the
# dashboard, the speakers' list, adding to the library. A missing role is 403.
ORGANISERS = rule(LOGIN, FB, FB, OK, FB, OK, OK)
# A speaker (shared by every course): any organiser; it does not exist for anyone else.
SPEAKER = rule(LOGIN, NF, NF, OK, NF, OK, OK)
# A webhook subscription: its owner (an organiser) only; it does not exist for anyone else,
# administrators included (the back office lists every subscription).
OWN_SUBSCRIPTION = rule(LOGIN, NF, NF, NF, NF, OK, NF)
# The course's own organisers and administrators.
COURSE_ORGANISERS = rule(LOGIN, NF, NF, NF, NF, OK, OK)
# Attendance: the course's organisers, administrators and check-in staff.
COURSE_STAFF = rule(LOGIN, NF, NF, NF, OK, OK, OK).but(course_checkin=OK)
# The course's confirmed trainees and its organisers.
COURSE_MEMBERS = rule(LOGIN, OK, NF, NF, NF, OK, OK)
# The trainee's own object (registration, bundle): nobody else's eyes.
TRAINEE_OWN = rule(LOGIN, OK, NF, NF, NF, NF, NF)
# The organiser's own job (an import they uploaded, an export they asked for) and admins.
ORGANISER_OWN = rule(LOGIN, NF, NF, NF, NF, OK, OK)
# A library document that only administrators may change (no organiser added it).
DOCUMENT_EDITORS = rule(LOGIN, NF, NF, NF, NF, NF, OK)

MATRIX: dict[str, Rule] = {
    # portal
    "home": PUBLIC,
    "healthz": rule(HEALTH, HEALTH, HEALTH, HEALTH, HEALTH, HEALTH, HEALTH),
    "javascript-catalog": PUBLIC,
    # accounts
    "accounts:profile-update": SIGNED_IN,
    "accounts:language-switch": post_only(PUBLIC),
    # API tokens: everyone their own (a stranger's token id is a 404, tests/api/test_tokens)
    "api-tokens:token-list": SIGNED_IN,
    "api-tokens:token-revoke": post_only(SIGNED_IN),
    "webhooks:subscription-list": ORGANISERS,
    "webhooks:subscription-detail": OWN_SUBSCRIPTION,
    "webhooks:subscription-pause": post_only(OWN_SUBSCRIPTION),
    "webhooks:subscription-resume": post_only(OWN_SUBSCRIPTION),
    "webhooks:subscription-delete": post_only(OWN_SUBSCRIPTION),
    "webhooks:delivery-send-again": post_only(OWN_SUBSCRIPTION),
    # courses: public pages
    "courses:course-list": PUBLIC,
    "courses:course-detail": PUBLIC,
    "courses:course-calendar": PUBLIC,
    "courses:course-print": PUBLIC,
    # the material is for registered trainees (Material.Visibility.TRAINEES)
    "courses:material-download": COURSE_MEMBERS,
    # Anyone who sees the course may ask; who may not gets a message on the course page (the
    # bundle rows below show that nobody fetches another's bundle).
    "courses:pack-bundle-request": post_only(SIGNED_IN),
    # A bundle is keyed by its contents and shared by everyone who sees the same set: its
    # progress is for whoever may see the pack; the download re-checks that the contents are
    # exactly what the visitor may see (the organiser sees more: "the pack has changed", GO).
    # Not built yet here, so the trainee is sent to the progress page (GO).
    "courses:pack-bundle-detail": COURSE_MEMBERS,
    "courses:pack-bundle-status": COURSE_MEMBERS,
    "courses:pack-bundle-download": COURSE_MEMBERS.but(trainee=GO, organiser=GO, admin=GO),
    # courses: organisers
    "courses:course-dashboard": ORGANISERS,
    "courses:course-create": ORGANISERS,
    "courses:course-manage": COURSE_ORGANISERS,
    "courses:course-update": COURSE_ORGANISERS,
    "courses:course-publish": post_only(COURSE_ORGANISERS),
    "courses:course-archive": post_only(COURSE_ORGANISERS),
    "courses:course-cancel": COURSE_ORGANISERS,
    "courses:course-delete": COURSE_ORGANISERS,
    "courses:course-history": COURSE_ORGANISERS,
    "courses:course-clone": COURSE_ORGANISERS,
    "courses:organiser-list": COURSE_ORGANISERS,
    "courses:organiser-remove": post_only(COURSE_ORGANISERS),
    "courses:checkinstaff-list": COURSE_ORGANISERS,
    "courses:checkinstaff-remove": post_only(COURSE_ORGANISERS),
    "courses:session-list": COURSE_ORGANISERS,
    "courses:hours-rule-update": COURSE_ORGANISERS,
    "courses:session-update": COURSE_ORGANISERS,
    "courses:session-delete": post_only(COURSE_ORGANISERS),
    "courses:group-list": COURSE_ORGANISERS,
    "courses:group-update": COURSE_ORGANISERS,
    "courses:group-delete": post_only(COURSE_ORGANISERS),
    "courses:quota-update": COURSE_ORGANISERS,
    "courses:material-list": COURSE_ORGANISERS,
    "courses:material-delete": post_only(COURSE_ORGANISERS),
    "courses:pack-manage": COURSE_ORGANISERS,
    "courses:pack-item-add": post_only(COURSE_ORGANISERS),
    "courses:pack-section-update": COURSE_ORGANISERS,
    "courses:pack-section-move": post_only(COURSE_ORGANISERS),
    "courses:pack-section-delete": post_only(COURSE_ORGANISERS),
    "courses:pack-item-update": COURSE_ORGANISERS,
    "courses:pack-item-move": post_only(COURSE_ORGANISERS),
    "courses:pack-item-remove": post_only(COURSE_ORGANISERS),
    # Speakers are shared by all courses: any organiser.
    "courses:speaker-list": ORGANISERS,
    "courses:speaker-create": ORGANISERS,
    "courses:speaker-update": SPEAKER,
    "courses:speaker-delete": post_only(SPEAKER),
    # enrollment: trainees
    "enrollment:registration-mine": SIGNED_IN,
    "learning:record-mine": SIGNED_IN,
    # The registration form for a published course: every signed-in user may register, the
    # trainee (already registered) and the organiser are sent back to the course page.
    "enrollment:registration-create": SIGNED_IN.but(trainee=GO),
    "enrollment:registration-cancel": TRAINEE_OWN,
    "enrollment:calendar-feed-regenerate": post_only(SIGNED_IN),
    # The feed's secret token is the credential (calendar programs cannot sign in).
    "enrollment:calendar-feed": PUBLIC,
    # enrollment: organisers
    "enrollment:registration-list": COURSE_ORGANISERS,
    "enrollment:registration-approve": post_only(COURSE_ORGANISERS),
    "enrollment:registration-reject": post_only(COURSE_ORGANISERS),
    "enrollment:registration-waitlist": post_only(COURSE_ORGANISERS),
    "enrollment:course-statistics": COURSE_ORGANISERS,
    "enrollment:nominatingunit-list": COURSE_ORGANISERS,
    "enrollment:nominatingunit-remove": post_only(COURSE_ORGANISERS),
    # Organisers of the course and contacts of its nominating units.
    "enrollment:nominee-create": COURSE_ORGANISERS,
    "enrollment:nominee-upload": COURSE_ORGANISERS,
    "enrollment:nominee-template": COURSE_ORGANISERS,
    # The person who uploaded the file, nobody else (not even administrators).
    "enrollment:importjob-detail": ORGANISER_OWN.but(admin=NF),
    "enrollment:importjob-status": ORGANISER_OWN.but(admin=NF),
    "enrollment:importjob-keep-profiles": post_only(ORGANISER_OWN.but(admin=NF)),
    "enrollment:importjob-stop": post_only(ORGANISER_OWN.but(admin=NF)),
    "enrollment:registration-group-assign": post_only(COURSE_ORGANISERS),
    "enrollment:group-balance": post_only(COURSE_ORGANISERS),
    "enrollment:registrant-message": COURSE_ORGANISERS,
    # attendance
    # No object: the list of courses whose attendance the visitor takes (an organiser's own,
    # possibly none yet); a visitor who takes none lacks the role.
    "attendance:course-list": rule(LOGIN, FB, FB, OK, OK, OK, OK).but(
        course_checkin=OK, other_checkin=OK
    ),
    "attendance:session-list": COURSE_STAFF,
    "attendance:change-list": COURSE_STAFF,
    "attendance:settings-update": post_only(COURSE_ORGANISERS),
    "attendance:attendance-mine": COURSE_MEMBERS.but(organiser=NF, admin=NF),
    "attendance:session-roster": COURSE_STAFF,
    "attendance:attendance-mark": post_only(COURSE_STAFF),
    "attendance:attendance-mark-all": post_only(COURSE_STAFF),
    "attendance:session-marks": COURSE_STAFF,
    "attendance:attendance-import": COURSE_STAFF,
    "attendance:session-qr": COURSE_STAFF,
    "attendance:session-qr-code": COURSE_STAFF,
    # The signed code is checked first (anyone may see that a code is valid); checking in
    # needs an account and a registration (refused with a message, see tests/attendance).
    "attendance:checkin": PUBLIC.but(anonymous=LOGIN),
    # questions
    "questions:question-list": COURSE_MEMBERS,
    "questions:question-create": post_only(COURSE_MEMBERS),
    "questions:question-triage": COURSE_ORGANISERS,
    "questions:question-bulk-show": post_only(COURSE_ORGANISERS),
    "questions:question-bulk-unshow": post_only(COURSE_ORGANISERS),
    "questions:question-bulk-hide": post_only(COURSE_ORGANISERS),
    # The projector view shows what trainees see anyway (anonymous askers stay anonymous).
    "questions:question-live": COURSE_MEMBERS,
    "questions:question-live-data": COURSE_MEMBERS,
    # Not published here: its organisers preview it, trainees get 404 until it is published.
    "questions:faq-detail": COURSE_MEMBERS.but(trainee=NF),
    "questions:faq-publish": post_only(COURSE_ORGANISERS),
    "questions:faq-unpublish": post_only(COURSE_ORGANISERS),
    # The asker edits their own question.
    "questions:question-update": TRAINEE_OWN,
    "questions:vote-create": post_only(COURSE_MEMBERS),
    "questions:vote-delete": post_only(COURSE_MEMBERS),
    # triage: one URL per action on one question
    "questions:question-answer": post_only(COURSE_ORGANISERS),
    "questions:question-answer-on-the-spot": post_only(COURSE_ORGANISERS),
    "questions:question-study": post_only(COURSE_ORGANISERS),
    "questions:question-hide": post_only(COURSE_ORGANISERS),
    "questions:question-reopen": post_only(COURSE_ORGANISERS),
    "questions:question-show": post_only(COURSE_ORGANISERS),
    "questions:question-unshow": post_only(COURSE_ORGANISERS),
    "questions:question-assign": post_only(COURSE_ORGANISERS),
    "questions:question-merge": post_only(COURSE_ORGANISERS),
    # feedback
    "feedback:response-create": COURSE_MEMBERS.but(organiser=NF, admin=NF),
    "feedback:survey-update": COURSE_ORGANISERS,
    # the editor's other forms, each posting to its own URL
    "feedback:survey-copy": post_only(COURSE_ORGANISERS),
    "feedback:survey-template-apply": post_only(COURSE_ORGANISERS),
    "feedback:question-create": post_only(COURSE_ORGANISERS),
    "feedback:question-delete": post_only(COURSE_ORGANISERS),
    "feedback:question-move-up": post_only(COURSE_ORGANISERS),
    "feedback:question-move-down": post_only(COURSE_ORGANISERS),
    "feedback:question-reorder": post_only(COURSE_ORGANISERS),
    "feedback:survey-results": COURSE_ORGANISERS,
    "feedback:survey-preview": COURSE_ORGANISERS,
    "feedback:question-update": COURSE_ORGANISERS,
    # certificates: whether a code is valid is public; the trainee downloads their own
    "certificates:verify-form": PUBLIC,
    "certificates:verify": PUBLIC,
    "certificates:certificate-mine": TRAINEE_OWN,
    "certificates:certificate-manage": COURSE_ORGANISERS,
    "certificates:certificate-issue-all": post_only(COURSE_ORGANISERS),
    "certificates:certificate-issue": post_only(COURSE_ORGANISERS),
    "certificates:certificate-revoke": post_only(COURSE_ORGANISERS),
    "certificates:certificate-download": COURSE_ORGANISERS,
    "certificates:archive-request": post_only(COURSE_ORGANISERS),
    "certificates:archive-detail": COURSE_ORGANISERS,
    "certificates:archive-status": COURSE_ORGANISERS,
    "certificates:archive-download": COURSE_ORGANISERS,
    # policy library (the document and its file are public)
    "policies:document-list": PUBLIC,
    "policies:document-detail": PUBLIC,
    "policies:document-file-download": PUBLIC,
    "policies:document-create": ORGANISERS,
    "policies:authority-create": ORGANISERS,
    # Administrators edit any document, organisers those they added (none here).
    "policies:document-update": DOCUMENT_EDITORS,
    "policies:document-publish": post_only(DOCUMENT_EDITORS),
    "policies:document-unpublish": post_only(DOCUMENT_EDITORS),
    "policies:document-file-create": DOCUMENT_EDITORS,
    "policies:document-file-delete": post_only(DOCUMENT_EDITORS),
    # exports: the list is everyone's own; a job is its requester's (and administrators')
    "exports:job-list": SIGNED_IN,
    "exports:job-create": post_only(COURSE_ORGANISERS),
    "exports:job-detail": ORGANISER_OWN,
    "exports:job-status": ORGANISER_OWN,
    "exports:job-download": ORGANISER_OWN,
    # privacy: everyone asks for their own data; a download is its person's alone (not even
    # administrators')
    "privacy:data-download": SIGNED_IN,
    "privacy:data-download-status": TRAINEE_OWN,
    "privacy:data-download-file": TRAINEE_OWN,
    # everyone may delete their own account (and cancel it); the page names nobody else
    "privacy:erasure": SIGNED_IN,
    "privacy:erasure-cancel": post_only(SIGNED_IN),
}

# allauth's own pages (sign-in, sign-up, password reset, e-mail confirmation ...): public by
# design; they handle signed-in visitors themselves (tests/accounts covers them).
PUBLIC_NAMESPACES_BY_MODULE = ("allauth.",)
# The API answers JSON with status codes of its own: its matrix is tests/api/test_access_matrix_api.
EXCLUDED_PREFIXES = ("admin/", "api/")

# -- The URL configuration --------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(
                entry.url_patterns,
                prefix + str(entry.pattern),
                entry.namespace if entry.namespace else namespace,
            )
        elif isinstance(entry, URLPattern):
            yield namespace, prefix + str(entry.pattern), entry


def _is_allauth(pattern: URLPattern) -> bool:
    return pattern.callback.__module__.startswith(PUBLIC_NAMESPACES_BY_MODULE)


def url_patterns() -> list[tuple[str, str, URLPattern]]:
    """(name, route, pattern) of every pattern this matrix is about."""
    found = []
    for namespace, route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(EXCLUDED_PREFIXES) or _is_allauth(pattern):
            continue
        name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or route)
        found.append((name, route, pattern))
    return found


PATTERNS = url_patterns()


def test_the_url_configuration_was_read():
    assert len(PATTERNS) > 90
    assert "courses:course-manage" in {name for name, _route, _pattern in PATTERNS}


def test_every_url_pattern_has_an_entry():
    missing = [f"{name} ({route})" for name, route, _pattern in PATTERNS if name not in MATRIX]
    assert not missing, (
        "URL patterns without an access rule; add them to MATRIX in "
        f"tests/security/test_access_matrix.py: {', '.join(missing)}"
    )


def test_every_entry_is_a_url_pattern():
    names = {name for name, _route, _pattern in PATTERNS}
    assert sorted(set(MATRIX) - names) == []


# -- The shared objects -----------------------------------------------------------------------

SECRET = "ACCESS-MATRIX-SECRET"


@dataclass
class World:
    visitors: dict
    kwargs: dict
    post_data: dict


def _build_world(media) -> World:
    organiser = UserFactory(roles=[Role.ORGANISER])
    pack = build_pack(organiser=organiser)
    course = pack.course
    Course.objects.filter(pk=course.pk).update(summary=SECRET)
    trainee = UserFactory()
    stranger = UserFactory()
    other_organiser = UserFactory(roles=[Role.ORGANISER])
    other_course = CourseFactory(organisers=[other_organiser], status=Course.Status.PUBLISHED)
    checkin = UserFactory(roles=[Role.CHECKIN_STAFF])
    course_checkin = UserFactory()
    CourseCheckinStaff.objects.create(course=course, user=course_checkin, added_by=organiser)
    other_checkin = UserFactory()
    CourseCheckinStaff.objects.create(course=other_course, user=other_checkin)
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    registration = RegistrationFactory(course=course, trainee=trainee)
    session = SessionFactory(course=course)
    group = DiscussionGroupFactory(course=course)
    speaker = SpeakerFactory()
    unit = NominatingUnitFactory(course=course)
    question = QuestionFactory(course=course, asker=trainee)
    survey = Survey.objects.create(course=course)
    survey_question = survey.questions.create(kind="rating", text="讲座是否有用？")
    feed = CalendarFeed.objects.create(user=trainee)
    certificate = certificate_services.certificate_issue(
        course=course, registration_id=registration.pk, by=organiser, reason="结业"
    )
    archive = CertificateArchive.objects.create(
        course=course,
        requested_by=organiser,
        language="zh-hans",
        status=CertificateArchive.Status.DONE,
    )
    archive.file.save("matrix.zip", ContentFile(SECRET.encode()), save=True)
    bundle = pack_bundle.reading_pack_bundle_request(
        course=course, user=trainee, language="zh-hans"
    )
    assert bundle.status == ReadingPackBundle.Status.QUEUED
    import_job = ImportJob.objects.create(
        course=course, uploaded_by=organiser, original_name="名单.xlsx"
    )
    export_job = ExportJob.objects.create(
        requested_by=organiser,
        exporter="attendance.sheet",
        title=SECRET,
        params={"course": course.pk},
        language="zh-hans",
        status=ExportJob.Status.DONE,
        filename="考勤.xlsx",
        expires_at=timezone.now() + timezone.timedelta(days=1),
    )
    export_job.file.save("matrix.xlsx", ContentFile(SECRET.encode()), save=True)
    data_download = DataDownload.objects.create(
        user=trainee,
        language="zh-hans",
        status=DataDownload.Status.DONE,
        expires_at=timezone.now() + timezone.timedelta(days=1),
    )
    data_download.file.save("my-data.zip", ContentFile(SECRET.encode()), save=True)
    item = pack.central.items.first()
    document_file = pack.public_doc.files.first()
    subscription = WebhookSubscription.objects.create(
        owner=organiser,
        name=SECRET,
        url="https://hr.example.cn/",
        secret="s",
        events=["course.changed"],
    )
    delivery = WebhookDelivery.objects.create(
        key="matrix",
        subscription=subscription,
        event_type="course.changed",
        resource="course",
        resource_id=course.pk,
        status=WebhookDelivery.Status.FAILED,
        retry_until=timezone.now(),
    )
    kwargs = {
        "webhooks:subscription-detail": {"pk": subscription.pk},
        "webhooks:subscription-pause": {"pk": subscription.pk},
        "webhooks:subscription-resume": {"pk": subscription.pk},
        "webhooks:subscription-delete": {"pk": subscription.pk},
        "webhooks:delivery-send-again": {"pk": subscription.pk, "delivery": delivery.pk},
        "courses:material-download": {"pk": pack.trainee_material.pk},
        "courses:pack-bundle-detail": {"bundle_id": bundle.pk},
        "courses:pack-bundle-status": {"bundle_id": bundle.pk},
        "courses:pack-bundle-download": {"bundle_id": bundle.pk},
        "courses:organiser-remove": {"pk": course.pk, "user_id": organiser.pk},
        "courses:checkinstaff-remove": {"pk": course.pk, "user_id": course_checkin.pk},
        "courses:session-update": {"session_id": session.pk},
        "courses:session-delete": {"session_id": session.pk},
        "courses:group-update": {"group_id": group.pk},
        "courses:group-delete": {"group_id": group.pk},
        "courses:material-delete": {"material_id": pack.trainee_material.pk},
        "courses:pack-section-update": {"section_id": pack.central.pk},
        "courses:pack-section-move": {"section_id": pack.central.pk},
        "courses:pack-section-delete": {"section_id": pack.central.pk},
        "courses:pack-item-update": {"item_id": item.pk},
        "courses:pack-item-move": {"item_id": item.pk},
        "courses:pack-item-remove": {"item_id": item.pk},
        "courses:speaker-update": {"speaker_id": speaker.pk},
        "courses:speaker-delete": {"speaker_id": speaker.pk},
        "enrollment:registration-cancel": {"pk": registration.pk},
        "enrollment:calendar-feed": {"token": feed.token},
        "enrollment:registration-waitlist": {"registration_id": registration.pk},
        "enrollment:nominatingunit-remove": {"pk": course.pk, "unit_id": unit.pk},
        "enrollment:importjob-detail": {"job_id": import_job.pk},
        "enrollment:importjob-status": {"job_id": import_job.pk},
        "enrollment:importjob-keep-profiles": {"job_id": import_job.pk},
        "enrollment:importjob-stop": {"job_id": import_job.pk},
        "attendance:session-roster": {"pk": session.pk},
        "attendance:attendance-mark": {"pk": session.pk},
        "attendance:attendance-mark-all": {"pk": session.pk},
        "attendance:session-marks": {"pk": session.pk},
        "attendance:attendance-import": {"pk": session.pk},
        "attendance:session-qr": {"pk": session.pk},
        "attendance:session-qr-code": {"pk": session.pk},
        "attendance:checkin": {"token": qr_token_make(session_id=session.pk)},
        "questions:question-update": {"pk": question.pk},
        "feedback:question-update": {"question_pk": survey_question.pk},
        "questions:vote-create": {"pk": question.pk},
        "questions:vote-delete": {"pk": question.pk},
        "questions:question-answer": {"pk": question.pk},
        "questions:question-answer-on-the-spot": {"pk": question.pk},
        "questions:question-study": {"pk": question.pk},
        "questions:question-hide": {"pk": question.pk},
        "questions:question-reopen": {"pk": question.pk},
        "questions:question-show": {"pk": question.pk},
        "questions:question-unshow": {"pk": question.pk},
        "questions:question-assign": {"pk": question.pk},
        "questions:question-merge": {"pk": question.pk},
        "certificates:verify": {"code": certificate.code},
        "certificates:certificate-issue": {"registration_id": registration.pk},
        "certificates:certificate-revoke": {"certificate_id": certificate.pk},
        "certificates:certificate-download": {"certificate_id": certificate.pk},
        "certificates:archive-detail": {"archive_id": archive.pk},
        "certificates:archive-status": {"archive_id": archive.pk},
        "certificates:archive-download": {"archive_id": archive.pk},
        "policies:document-detail": {"pk": pack.public_doc.pk},
        "policies:document-update": {"pk": pack.public_doc.pk},
        "policies:document-publish": {"pk": pack.public_doc.pk},
        "policies:document-unpublish": {"pk": pack.public_doc.pk},
        "policies:document-file-create": {"pk": pack.public_doc.pk},
        "policies:document-file-download": {"pk": pack.public_doc.pk, "file_pk": document_file.pk},
        "policies:document-file-delete": {"pk": pack.public_doc.pk, "file_pk": document_file.pk},
        "exports:job-create": {"exporter": "attendance.sheet"},
        "exports:job-detail": {"pk": export_job.pk},
        "exports:job-status": {"pk": export_job.pk},
        "exports:job-download": {"pk": export_job.pk},
        "privacy:data-download-status": {"pk": data_download.pk},
        "privacy:data-download-file": {"pk": data_download.pk},
    }
    # Any other `<int:pk>` is the course.
    defaults = {"pk": course.pk}
    visitors = {
        "anonymous": None,
        "trainee": trainee,
        "stranger": stranger,
        "other_organiser": other_organiser,
        "checkin": checkin,
        "organiser": organiser,
        "admin": admin,
        "course_checkin": course_checkin,
        "other_checkin": other_checkin,
    }
    # POSTs that would be refused for bad data before the permission check get good data.
    post_data = {"exports:job-create": {"course": course.pk}}
    return World(visitors=visitors, kwargs={"__default__": defaults, **kwargs}, post_data=post_data)


@pytest.fixture
def world(settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path
    return _build_world(tmp_path)


def _url(world: World, name: str, route: str) -> str:
    values = world.kwargs.get(name, {})
    defaults = world.kwargs["__default__"]

    def fill(match):
        key = match.group(2)
        if key in values:
            return str(values[key])
        if key in defaults:
            return str(defaults[key])
        return str(uuid.uuid4()) if match.group(1) == "uuid" else "1"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)


def _get_of_post_only(rule: Rule, visitor: str, pattern: URLPattern) -> str:
    """A POST-only page answers GET with 405, except that the refusals `portal.access` makes
    before the method is looked at (sign-in, the object's scope, the role) come first."""
    refusal = rule.for_post().cell(visitor)
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is None or refusal not in REFUSALS:
        return NA
    if issubclass(view_class, (ScopedObjectMixin, RoleRequiredMixin)):
        return refusal
    if refusal == LOGIN and issubclass(view_class, LoginRequiredMixin):
        return LOGIN
    return NA


def _accepted(rule: Rule, visitor: str, pattern: URLPattern) -> set[str]:
    expected = rule.cell(visitor)
    if expected == HEALTH:
        return {OK, "HTTP 503"}
    if expected == NA:
        return {_get_of_post_only(rule, visitor, pattern)}
    return {expected}


def _outcome(response) -> str:
    status = response.status_code
    if status == 200:
        return OK
    if status in (301, 302, 303):
        location = response.headers.get("Location", "")
        return LOGIN if "/accounts/login/" in location else GO
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return NOT_FOUND
    if status == 405:
        return NA
    return f"HTTP {status}"


def _client(world: World, visitor: str) -> Client:
    client = Client()
    user = world.visitors[visitor]
    if user is not None:
        client.force_login(user)
    return client


def _leaks(response, expected: str) -> bool:
    """A refused visitor must not see the course's or the export's content."""
    if expected == OK or getattr(response, "streaming", False):
        return False
    return SECRET.encode() in (response.content or b"")


@pytest.mark.parametrize("visitor", VISITORS)
def test_get_answers_what_the_matrix_says(world, visitor):
    client = _client(world, visitor)
    wrong = []
    for name, route, pattern in PATTERNS:
        expected = MATRIX[name].cell(visitor)
        url = _url(world, name, route)
        response = client.get(url)
        got = _outcome(response)
        good = got in _accepted(MATRIX[name], visitor, pattern)
        if not good or _leaks(response, expected):
            wrong.append(f"{name} GET {url}: expected {expected}, got {got}")
    assert not wrong, f"{visitor}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("visitor", VISITORS)
def test_denied_visitors_cannot_post(world, visitor):
    client = _client(world, visitor)
    wrong = []
    for name, route, pattern in PATTERNS:
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is None or not hasattr(view_class, "post"):
            continue
        expected = MATRIX[name].for_post().cell(visitor)
        if expected not in REFUSALS:
            continue
        url = _url(world, name, route)
        got = _outcome(client.post(url, world.post_data.get(name, {})))
        if got != expected:
            wrong.append(f"{name} POST {url}: expected {expected}, got {got}")
    assert not wrong, f"{visitor}:\n" + "\n".join(wrong)


def test_the_rules_name_every_visitor():
    assert [field.name for field in fields(Rule)][: len(VISITORS)] == list(VISITORS)


# -- Django's admin ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "roles", [[], [Role.ORGANISER], [Role.CHECKIN_STAFF]], ids=["trainee", "organiser", "checkin"]
)
def test_admin_site_sends_non_staff_to_its_login(client, roles):
    client.force_login(UserFactory(roles=roles))
    for url in ("/admin/", "/admin/accounts/user/", "/admin/audit/auditevent/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/admin/login/"), url


def test_admin_site_opens_for_administrators(client):
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/audit/auditevent/").status_code == 200


def test_material_visibility_is_what_the_matrix_relies_on(world):
    assert Material.objects.filter(visibility=Material.Visibility.TRAINEES).exists()


# -- Exports: one course's export is about an object, the cross-course one is not ------------


@pytest.mark.parametrize(
    ("roles", "expected"),
    [([], 403), ([Role.ORGANISER], 403), ([Role.CHECKIN_STAFF], 403), ([Role.ADMINISTRATOR], 302)],
    ids=["trainee", "organiser", "checkin", "admin"],
)
def test_cross_course_export_is_refused_for_a_missing_role(client, roles, expected):
    client.force_login(UserFactory(roles=roles))
    response = client.post(
        reverse("exports:job-create", args=["attendance.cross_course"]),
        {"date_from": "2026-01-01", "date_to": "2026-12-31"},
    )
    assert response.status_code == expected
    assert ExportJob.objects.exists() == (expected == 302)


def test_export_of_another_organisers_course_is_not_found(client):
    course = CourseFactory(status=Course.Status.PUBLISHED)
    client.force_login(UserFactory(roles=[Role.ORGANISER]))
    response = client.post(
        reverse("exports:job-create", args=["attendance.sheet"]), {"course": course.pk}
    )
    assert response.status_code == 404
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("exporter", ["attendance.sheet", "feedback.results"])
def test_an_export_of_a_course_out_of_reach_says_the_same_whether_it_exists(client, exporter):
    """A course id that does not exist and another organiser's course (with or without a
    survey) get the same 404: the answer tells a stranger nothing about which ids exist."""
    other = CourseFactory(status=Course.Status.PUBLISHED)
    missing = other.pk + 1000
    client.force_login(UserFactory(roles=[Role.ORGANISER]))
    url = reverse("exports:job-create", args=[exporter])
    answers = [client.post(url, {"course": pk}).status_code for pk in (other.pk, missing, "x")]
    assert answers == [404, 404, 404]
    assert not ExportJob.objects.exists()


def test_an_organiser_hears_why_their_own_course_cannot_be_exported(client):
    organiser = UserFactory(roles=[Role.ORGANISER], preferred_language="en")
    course = CourseFactory(status=Course.Status.PUBLISHED, organisers=[organiser])
    client.force_login(organiser)
    response = client.post(
        reverse("exports:job-create", args=["feedback.results"]), {"course": course.pk}, follow=True
    )
    assert "Choose a course with a survey." in response.text
    assert not ExportJob.objects.exists()
