"""API tokens: made on the profile page or by administrators, shown once, stored hashed,
scoped, expiring, revocable, and every change made with one audited under its name."""

import datetime
import re

import pytest
from django.utils import timezone

from accounts.roles import Role
from api.models import ApiToken, Scope
from api.services import api_token_revoke, token_hash
from audit.models import AuditEvent
from courses.models import Course
from enrollment.models import Registration
from tests.api.conftest import bearer, make_token
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_a_token_made_on_the_profile_page_is_shown_once_and_stored_hashed(client):
    user = UserFactory()
    client.force_login(user)
    page = client.post(
        "/accounts/tokens/",
        {"name": "人事系统", "scopes": [Scope.READ_COURSES, Scope.MANAGE_REGISTRATIONS]},
    )
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    secret = page.context["new"].secret
    assert secret.startswith("tp_") and secret in page.content.decode()
    token = ApiToken.objects.get(owner=user)
    assert token.secret_hash == token_hash(secret)
    assert secret not in str(list(ApiToken.objects.values_list()))
    assert token.scopes == sorted([Scope.READ_COURSES, Scope.MANAGE_REGISTRATIONS])
    listing = client.get("/accounts/tokens/")
    assert "人事系统" in listing.content.decode() and secret not in listing.content.decode()
    assert AuditEvent.objects.filter(action="api.token_created", target_id=str(token.pk)).exists()


def test_the_token_form_refuses_a_past_expiry_and_no_scope(client):
    client.force_login(UserFactory())
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page = client.post("/accounts/tokens/", {"name": "x", "expires_on": yesterday.isoformat()})
    assert page.status_code == 400
    assert set(page.context["form"].errors) == {"scopes", "expires_on"}
    assert not ApiToken.objects.exists()


def test_a_token_works_until_revoked_and_notes_where_it_was_used(client):
    user = UserFactory()
    secret = make_token(user, [Scope.READ_COURSES])
    api = bearer(secret, REMOTE_ADDR="203.0.113.9")
    me = api.get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["id"] == user.pk
    token = ApiToken.objects.get(owner=user)
    assert token.last_used_at is not None and token.last_used_ip == "203.0.113.9"

    client.force_login(user)
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    refused = api.get("/api/v1/me/")
    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"
    assert refused.headers["WWW-Authenticate"] == "Bearer"
    assert AuditEvent.objects.filter(action="api.token_revoked", target_id=str(token.pk)).exists()


def test_nobody_revokes_anothers_token(client):
    owner = UserFactory()
    make_token(owner)
    token = ApiToken.objects.get(owner=owner)
    client.force_login(UserFactory())
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize(
    "secret_of",
    [
        lambda user: make_token(user, expires_at=timezone.now() + datetime.timedelta(seconds=1)),
        lambda user: "tp_not-a-token",
        lambda user: "nonsense",
    ],
    ids=["expired", "unknown", "malformed"],
)
def test_expired_unknown_and_malformed_tokens_are_refused(secret_of):
    user = UserFactory()
    secret = secret_of(user)
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert bearer(secret).get("/api/v1/me/").status_code == 401


def test_a_deactivated_owners_token_is_refused():
    user = UserFactory()
    secret = make_token(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert bearer(secret).get("/api/v1/me/").status_code == 401


def test_a_token_without_the_scope_is_refused_with_403():
    secret = make_token(UserFactory(), [Scope.READ_COURSES])
    response = bearer(secret).get("/api/v1/registrations/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_every_change_made_with_a_token_is_audited_with_its_name():
    course = CourseFactory(status=Course.Status.PUBLISHED, capacity=5)
    SessionFactory(course=course)
    user = UserFactory()
    secret = make_token(user, [Scope.MANAGE_REGISTRATIONS], name="人事系统")
    api = bearer(secret)
    created = api.post(
        "/api/v1/registrations/", {"course": course.pk}, content_type="application/json"
    )
    assert created.status_code == 201, created.json()
    cancelled = api.post(
        f"/api/v1/registrations/{created.json()['id']}/cancel/", {}, content_type="application/json"
    )
    assert cancelled.status_code == 200
    events = AuditEvent.objects.filter(action="api.write").order_by("pk")
    assert [e.details["token"] for e in events] == ["人事系统", "人事系统"]
    assert [e.details["method"] for e in events] == ["POST", "POST"]
    assert events[0].actor_id == user.pk
    # Reads are not audited.
    api.get("/api/v1/registrations/")
    assert AuditEvent.objects.filter(action="api.write").count() == 2
    assert Registration.objects.get().status == Registration.Status.CANCELLED


def test_administrators_make_tokens_for_others_in_the_admin(client):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    owner = UserFactory()
    client.force_login(admin)
    response = client.post(
        "/admin/api/apitoken/add/",
        {"name": "省人社厅系统", "owner": owner.pk, "scopes": [Scope.READ_COURSES]},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(owner=owner)
    assert token.created_by == admin
    shown = [str(m) for m in response.context["messages"]]
    # The longest: the added-object message names the token by its prefix as well.
    secret = max((found for m in shown for found in re.findall(r"tp_[\w-]+", m)), key=len)
    assert token_hash(secret) == token.secret_hash
    assert bearer(secret).get("/api/v1/courses/").status_code == 200


def test_revoking_twice_changes_nothing():
    user = UserFactory()
    make_token(user)
    token = ApiToken.objects.get()
    first = api_token_revoke(token=token, by=user).revoked_at
    assert api_token_revoke(token=token, by=user).revoked_at == first
    assert AuditEvent.objects.filter(action="api.token_revoked").count() == 1


@pytest.mark.parametrize(("language", "words"), [("zh-hans", "新建令牌"), ("en", "New token")])
def test_the_token_page_speaks_the_users_language(client, language, words):
    user = UserFactory(preferred_language=language)
    make_token(user, name="人事系统")
    client.force_login(user)
    page = client.get("/accounts/tokens/").content.decode()
    assert words in page and "人事系统" in page


def test_the_admin_refuses_a_past_expiry_on_the_form(client):
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    response = client.post(
        "/admin/api/apitoken/add/",
        {
            "name": "旧系统",
            "owner": UserFactory().pk,
            "scopes": [Scope.READ_COURSES],
            "expires_at_0": "2020-01-01",
            "expires_at_1": "00:00:00",
        },
    )
    assert response.status_code == 200
    assert "expires_at" in response.context["adminform"].form.errors
    assert not ApiToken.objects.exists()
