"""Delete my account: asked for with the password, cancellable during the cooling-off period,
held by an administrator with a reason, and then anonymised by the beat task, so the course's
statistics stay right, the address can sign up again and the certificate stays verifiable."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.roles import Role
from audit.models import AuditEvent
from certificates import services as certificate_services
from certificates.models import Certificate
from enrollment.models import Registration
from enrollment.selectors import course_statistics
from notifications.models import OutgoingMail
from privacy import erasure as erasure_services
from privacy.models import AccountErasure
from privacy.registry import ERASED_NAME
from privacy.tasks import erasure_run_task
from tests.factories.accounts import UserFactory, region
from tests.factories.courses import CourseFactory
from tests.factories.enrollment import RegistrationFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def registration():
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = CourseFactory(organisers=[organiser], title="乡村振兴专题培训班")
    registration = RegistrationFactory(
        course=course,
        full_name="欧阳明月",
        phone="13800138000",
        trainee__email="ouyang@example.cn",
        trainee__preferred_language="en",
    )
    RegistrationFactory(course=course, full_name="另一位学员")
    certificate_services.certificate_issue(
        course=course, registration_id=registration.pk, by=organiser, reason="结业"
    )
    return registration


def _statistics(course) -> tuple:
    stats = course_statistics(course)
    regions = [(row.region.code, dict(row.counts), row.held) for row in stats.by_region]
    return stats.by_status, regions, stats.by_type, stats.total


def _ask(client, user) -> AccountErasure:
    client.force_login(user)
    response = client.post(reverse("privacy:erasure"), {"password": PASSWORD})
    assert response.status_code == 302
    return AccountErasure.objects.get(user=user)


def _move_past_due(erasure: AccountErasure) -> None:
    """Seven days later: the timestamps move, nobody sleeps."""
    past = timezone.now() - timedelta(days=8)
    AccountErasure.objects.filter(pk=erasure.pk).update(
        requested_at=past, due_at=past + timedelta(days=7)
    )


def test_the_page_says_what_goes_and_what_stays(client, registration):
    client.force_login(registration.trainee)
    page = client.get(reverse("privacy:erasure")).content.decode()
    assert "counts by region" in page
    assert "verified" in page
    assert 'id="erasure-form"' in page


def test_a_wrong_password_deletes_nothing(client, registration):
    client.force_login(registration.trainee)
    response = client.post(reverse("privacy:erasure"), {"password": "not-mine"})
    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    assert not AccountErasure.objects.exists()


def test_asking_mails_the_person_shows_a_banner_everywhere_and_can_be_cancelled(
    client, registration
):
    user = registration.trainee
    erasure = _ask(client, user)
    assert erasure.status == AccountErasure.Status.PENDING
    assert erasure.due_at - erasure.requested_at == timedelta(days=7)
    assert OutgoingMail.objects.filter(key=f"privacy.erasure.requested.{erasure.pk}").exists()
    assert 'id="erasure-banner"' in client.get(reverse("courses:course-list")).content.decode()

    response = client.post(reverse("privacy:erasure-cancel"))
    assert response.status_code == 302
    erasure.refresh_from_db()
    assert erasure.status == AccountErasure.Status.CANCELLED
    assert 'id="erasure-banner"' not in client.get(reverse("courses:course-list")).content.decode()
    _move_past_due(erasure)
    assert erasure_run_task() == 0
    user.refresh_from_db()
    assert user.is_active and user.email == "ouyang@example.cn"


def test_the_banner_follows_the_person_to_another_sign_in(client, registration):
    user = registration.trainee
    erasure_services.erasure_request(user=user, password=PASSWORD)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert 'id="erasure-banner"' in client.get(reverse("courses:course-list")).content.decode()


def test_a_reminder_goes_out_one_day_before_and_only_once(client, registration):
    erasure = _ask(client, registration.trainee)
    assert erasure_services.erasure_remind() == 0
    AccountErasure.objects.filter(pk=erasure.pk).update(due_at=timezone.now() + timedelta(hours=20))
    assert erasure_services.erasure_remind() == 1
    assert erasure_services.erasure_remind() == 0
    assert OutgoingMail.objects.filter(key=f"privacy.erasure.reminder.{erasure.pk}").count() == 1


def test_when_due_the_account_is_anonymised_and_statistics_stay_right(client, registration):
    user, course = registration.trainee, registration.course
    certificate = Certificate.objects.get(registration=registration)
    certificate.pdf.save("c.pdf", ContentFile(b"%PDF-1.4"), save=True)
    pdf_name = certificate.pdf.name
    before = _statistics(course)
    erasure = _ask(client, user)
    assert erasure_run_task() == 0  # not yet due
    _move_past_due(erasure)

    assert erasure_run_task() == 1

    user.refresh_from_db()
    assert user.full_name == ERASED_NAME
    assert user.email.endswith("@erased.invalid")
    assert (user.phone, user.position) == ("", "")
    assert not user.is_active and not user.has_usable_password()
    registration.refresh_from_db()
    assert (registration.full_name, registration.phone) == (ERASED_NAME, "")
    assert registration.region.code and registration.organisation_type
    assert _statistics(course) == before
    certificate.refresh_from_db()
    assert certificate.trainee_name == ERASED_NAME and not certificate.pdf
    assert not default_storage.exists(pdf_name)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ERASURE_DONE, target_id=str(erasure.pk)
    ).exists()
    assert not AuditEvent.objects.filter(actor_name="ouyang@example.cn").exists()
    mail = OutgoingMail.objects.get(key=f"privacy.erasure.requested.{erasure.pk}")
    assert mail.to_email != "ouyang@example.cn" and mail.body_text == ""
    assert mail.status != OutgoingMail.Status.PENDING
    # Signed out for good.
    assert client.get(reverse("privacy:erasure")).status_code == 302


def test_the_task_run_twice_changes_nothing_more(client, registration):
    erasure = _ask(client, registration.trainee)
    _move_past_due(erasure)
    assert erasure_run_task() == 1
    user = User.objects.get(pk=registration.trainee.pk)
    events = AuditEvent.objects.count()
    assert erasure_run_task() == 0
    again = User.objects.get(pk=user.pk)
    assert again.email == user.email and again.password == user.password
    assert AuditEvent.objects.count() == events


def test_the_address_can_sign_up_again(client, registration):
    erasure = _ask(client, registration.trainee)
    _move_past_due(erasure)
    erasure_run_task()
    client.logout()
    response = client.post(
        reverse("account_signup"),
        {
            "email": "ouyang@example.cn",
            "full_name": "欧阳明月",
            "organisation_name": "河北省人力资源和社会保障厅",
            "organisation_type": Organisation.Type.PROVINCIAL_DEPARTMENT,
            "region": region("13").pk,
            "phone": "13800138000",
            "position": "处长",
            "preferred_language": "zh-hans",
            "password1": "a-long-enough-passphrase-2026",
            "password2": "a-long-enough-passphrase-2026",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="ouyang@example.cn", is_active=True).count() == 1


def test_the_certificate_stays_valid_without_its_holder(client, registration):
    code = Certificate.objects.get(registration=registration).code
    erasure = _ask(client, registration.trainee)
    _move_past_due(erasure)
    erasure_run_task()
    client.logout()
    page = client.get(reverse("certificates:verify", args=[code]), {"name": "欧阳明月"})
    text = page.content.decode()
    assert 'data-result="valid"' in text
    assert 'id="holder-removed"' in text
    assert "name-result" not in text and "欧阳明月" not in text


def test_a_held_erasure_is_not_executed_until_released(client, registration):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    erasure = _ask(client, registration.trainee)
    _move_past_due(erasure)
    with pytest.raises(erasure_services.ErasureError):
        erasure_services.erasure_hold(erasure=erasure, by=admin, reason="  ")
    erasure_services.erasure_hold(erasure=erasure, by=admin, reason="有未结的争议")

    assert erasure_run_task() == 0
    registration.trainee.refresh_from_db()
    assert registration.trainee.is_active
    assert Registration.objects.get(pk=registration.pk).full_name == "欧阳明月"

    erasure_services.erasure_release(erasure=erasure, by=admin)
    assert erasure_run_task() == 1


def test_administrators_see_pending_erasures_and_hold_one_with_a_reason(client, registration):
    erasure = _ask(client, registration.trainee)
    admin = UserFactory(roles=[Role.ADMINISTRATOR], is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get(reverse("admin:privacy_accounterasure_changelist"))
    assert listing.status_code == 200
    assert str(registration.trainee) in listing.content.decode()
    url = reverse("admin:privacy_accounterasure_change", args=[erasure.pk])
    response = client.post(url, {"held_reason": "有未结的争议"})
    assert response.status_code == 302
    erasure.refresh_from_db()
    assert (erasure.status, erasure.held_reason) == (AccountErasure.Status.HELD, "有未结的争议")


def test_the_page_banner_and_mail_speak_chinese(client, registration):
    user = registration.trainee
    User.objects.filter(pk=user.pk).update(preferred_language="zh-hans")
    client.force_login(user)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("privacy:erasure"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "将删除的信息" in text and "按地区计数" in text
    assert "What is removed" not in text
    erasure = erasure_services.erasure_request(user=User.objects.get(pk=user.pk), password=PASSWORD)
    mail = OutgoingMail.objects.get(key=f"privacy.erasure.requested.{erasure.pk}")
    assert mail.subject == "您的账号将被注销"
    assert "撤回注销" in mail.body_text and "年" in mail.body_text
