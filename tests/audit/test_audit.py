import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditEvent
from exports.services import export_request, export_run
from tests.factories.accounts import UserFactory


@pytest.fixture
def admin():
    return UserFactory(roles=[Role.ADMINISTRATOR], is_superuser=True)


def _change_user(client, admin, person, **overrides):
    data = {
        "email": person.email,
        "full_name": person.full_name,
        "phone": person.phone,
        "position": person.position,
        "organisation": person.organisation_id,
        "preferred_language": person.preferred_language,
        "is_active": "on",
        "groups": [group.pk for group in person.groups.all()],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
    }
    data.update(overrides)
    data = {key: value for key, value in data.items() if value is not None}
    client.force_login(admin)
    return client.post(reverse("admin:accounts_user_change", args=[person.pk]), data)


@pytest.mark.django_db
def test_role_changes_in_the_administration_are_logged(client, admin):
    person = UserFactory()
    organiser = Group.objects.get(name=Role.ORGANISER)
    groups = [group.pk for group in person.groups.all()] + [organiser.pk]

    response = _change_user(client, admin, person, groups=groups)

    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.ROLE_GRANTED)
    assert (event.actor, event.target_id, event.details) == (
        admin,
        str(person.pk),
        {"role": "organiser"},
    )
    assert event.ip_address == "127.0.0.1"
    assert len(event.request_id) == 16

    _change_user(
        client, admin, person, groups=[group.pk for group in person.groups.exclude(pk=organiser.pk)]
    )
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.ROLE_REVOKED, target_id=str(person.pk)
        ).count()
        == 1
    )


@pytest.mark.django_db
def test_deactivating_an_account_is_logged_and_ends_its_sessions(client, admin):
    person = UserFactory()
    from django.test import Client

    their_browser = Client()
    their_browser.force_login(person)
    assert their_browser.get(reverse("accounts:profile-update")).status_code == 200

    _change_user(client, admin, person, is_active=None)

    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.USER_DEACTIVATED, target_id=str(person.pk)
    ).exists()
    response = their_browser.get(reverse("accounts:profile-update"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.django_db
def test_exports_requested_and_downloaded_are_logged(client, admin):
    job = export_request(user=admin, exporter="accounts.people", data={}, language="zh-hans")
    export_run(job_id=job.pk)
    client.force_login(admin)
    client.get(reverse("exports:job-download", args=[job.pk]))
    actions = list(
        AuditEvent.objects.filter(target_id=str(job.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["export.downloaded", "export.requested"]


@pytest.mark.django_db
def test_a_refused_export_leaves_no_event():
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        export_request(user=UserFactory(), exporter="accounts.people", data={}, language="en")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("roles", "status"), [([Role.ADMINISTRATOR], 200), ([Role.ORGANISER], 302), ([], 302)]
)
def test_only_administrators_read_the_audit_log_and_nobody_edits_it(client, roles, status):
    user = UserFactory(roles=roles, is_staff=bool(roles))
    client.force_login(user)
    response = client.get(reverse("admin:audit_auditevent_changelist"))
    assert response.status_code in ((status,) if status == 200 else (302, 403))
    if status == 200:
        event = AuditEvent.objects.create(action=AuditEvent.Action.EXPORT_REQUESTED, actor_name="x")
        assert (
            client.post(
                reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}
            ).status_code
            == 403
        )
        assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_registration_decisions_are_logged(open_course_with_pending):
    from enrollment import services

    course, organiser, first, second = open_course_with_pending
    services.registration_approve(registration_id=first.pk, by=organiser)
    services.registration_reject(registration_id=second.pk, by=organiser, reason="名额已满")
    approved = AuditEvent.objects.get(action=AuditEvent.Action.REGISTRATION_APPROVED)
    rejected = AuditEvent.objects.get(action=AuditEvent.Action.REGISTRATION_REJECTED)
    assert (approved.actor, approved.target_id) == (organiser, str(first.pk))
    assert (rejected.target_id, rejected.details["reason"]) == (str(second.pk), "名额已满")


@pytest.fixture
def open_course_with_pending():
    from courses.models import Course
    from tests.factories.courses import CourseFactory, SessionFactory
    from tests.factories.enrollment import RegistrationFactory

    organiser = UserFactory(roles=[Role.ORGANISER])
    course = CourseFactory(status=Course.Status.PUBLISHED, capacity=10, organisers=[organiser])
    SessionFactory(course=course)
    first = RegistrationFactory(course=course, status="pending")
    second = RegistrationFactory(course=course, status="pending")
    return course, organiser, first, second
