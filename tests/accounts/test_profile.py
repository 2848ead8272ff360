import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Organisation
from tests.factories.accounts import UserFactory, region


@pytest.mark.django_db
def test_profile_update_saves_details_and_reuses_an_existing_organisation(client):
    user = UserFactory()
    existing = Organisation.objects.create(
        name="广东省人力资源和社会保障厅",
        type=Organisation.Type.PROVINCIAL_DEPARTMENT,
        region=region("44"),
    )
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile-update"),
        {
            "full_name": "李四",
            "phone": "13912345678",
            "position": "副处长",
            "organisation_name": " 广东省人力资源和社会保障厅 ",
            "organisation_type": Organisation.Type.PROVINCIAL_DEPARTMENT,
            "region": region("44").pk,
            "preferred_language": "en",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.phone, user.position) == ("李四", "13912345678", "副处长")
    assert user.organisation == existing
    assert user.preferred_language == "en"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.django_db
def test_profile_with_an_invalid_mobile_number_is_refused(client):
    user = UserFactory(phone="13800000000")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile-update"),
        {
            "full_name": "李四",
            "phone": "12345",
            "organisation_name": "某单位",
            "organisation_type": Organisation.Type.OTHER,
            "region": region("11").pk,
            "preferred_language": "zh-hans",
        },
    )
    assert response.status_code == 400
    assert "phone" in response.context["form"].errors
    user.refresh_from_db()
    assert user.phone == "13800000000"


@pytest.mark.django_db
def test_profile_needs_login(client):
    response = client.get(reverse("accounts:profile-update"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.django_db
def test_language_switch_remembers_the_choice_for_signed_in_people(client):
    user = UserFactory(preferred_language="zh-hans")
    client.force_login(user)
    response = client.post(reverse("accounts:language-switch"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.preferred_language == "en"
    page = client.get("/")
    assert page.headers["Content-Language"] == "en"
    assert "Training Course Portal" in page.content.decode()


@pytest.mark.django_db
def test_language_switch_for_visitors_uses_a_cookie_and_ignores_foreign_redirects(client):
    response = client.post(
        reverse("accounts:language-switch"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    assert client.get("/").headers["Content-Language"] == "en"
    client.post(reverse("accounts:language-switch"), {"language": "zh-hans", "next": "/"})
    assert "培训班管理平台" in client.get("/").content.decode()


@pytest.mark.django_db
def test_language_switch_refuses_unknown_languages_and_get(client):
    assert client.get(reverse("accounts:language-switch")).status_code == 405
    response = client.post(reverse("accounts:language-switch"), {"language": "xx"}, follow=True)
    assert (
        settings.LANGUAGE_COOKIE_NAME not in response.cookies
        or response.cookies[settings.LANGUAGE_COOKIE_NAME].value != "xx"
    )


@pytest.mark.django_db
def test_home_page_is_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"
    assert "培训班管理平台" in response.content.decode()
