import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import Organisation, User
from accounts.roles import Role, user_has_role
from notifications.models import OutgoingMail
from tests.factories.accounts import region


def _signup_data(**overrides) -> dict:
    data = {
        "email": "zhang.san@example.cn",
        "full_name": "张 三",
        "organisation_name": "河北省人力资源和社会保障厅",
        "organisation_type": Organisation.Type.PROVINCIAL_DEPARTMENT,
        "region": region("13").pk,
        "phone": "13800138000",
        "position": "处长",
        "preferred_language": "zh-hans",
        "password1": "a-long-enough-passphrase-2026",
        "password2": "a-long-enough-passphrase-2026",
    }
    data.update(overrides)
    return data


def _confirmation_link(mail: OutgoingMail) -> str:
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.body_text).group(0)


@pytest.mark.django_db
def test_signup_creates_an_unverified_person_with_their_unit_and_queues_the_verification_mail(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("account_signup"), _signup_data())

    assert response.status_code == 302
    user = User.objects.get(email="zhang.san@example.cn")
    assert user.full_name == "张三"  # Chinese names carry no space
    assert user.organisation.name == "河北省人力资源和社会保障厅"
    assert user.organisation.region.code == "13"
    assert not EmailAddress.objects.get(user=user).verified
    mail = OutgoingMail.objects.get(recipient=user)
    assert mail.key.startswith("account:email_confirmation_signup:")
    assert mail.language == "zh-hans"
    assert "/accounts/confirm-email/" in mail.body_text
    assert len(callbacks) == 1  # the send task is queued only after commit


@pytest.mark.django_db
def test_signup_mail_is_written_in_the_language_chosen_at_signup(client):
    client.post(reverse("account_signup"), _signup_data(preferred_language="en"))
    mail = OutgoingMail.objects.get(to_email="zhang.san@example.cn")
    assert mail.language == "en"
    assert "Confirm" in mail.subject or "confirm" in mail.subject.lower()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "23800138000"),
        ("phone", "1380013800"),
        ("email", "not-an-address"),
        ("region", ""),
    ],
)
def test_signup_with_bad_input_shows_the_error_and_saves_nothing(client, field, value):
    response = client.post(reverse("account_signup"), _signup_data(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.exists()
    assert not OutgoingMail.objects.exists()


@pytest.mark.django_db
def test_confirming_the_address_verifies_it_and_makes_a_trainee(client):
    client.post(reverse("account_signup"), _signup_data())
    user = User.objects.get(email="zhang.san@example.cn")
    link = _confirmation_link(OutgoingMail.objects.get(recipient=user))
    path = link.split("://", 1)[1].split("/", 1)[1]

    response = client.post("/" + path)

    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert user_has_role(User.objects.get(pk=user.pk), Role.TRAINEE)


@pytest.mark.django_db
def test_an_unverified_person_cannot_sign_in(client):
    client.post(reverse("account_signup"), _signup_data())
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "zhang.san@example.cn", "password": "a-long-enough-passphrase-2026"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
