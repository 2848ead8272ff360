from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from exports.models import ExportJob
from exports.services import export_request, export_run
from tests.factories.accounts import UserFactory


@pytest.fixture
def done_job():
    owner = UserFactory(roles=[Role.ADMINISTRATOR], full_name="导出人")
    job = export_request(user=owner, exporter="accounts.people", data={}, language="zh-hans")
    export_run(job_id=job.pk)
    job.refresh_from_db()
    return job


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("other_administrator", 200),
        ("organiser", 404),
        ("trainee", 404),
        ("anonymous", 302),
    ],
)
def test_download_is_private_to_the_requester_and_administrators(client, done_job, who, status):
    users = {
        "owner": done_job.requested_by,
        "other_administrator": UserFactory(roles=[Role.ADMINISTRATOR]),
        "organiser": UserFactory(roles=[Role.ORGANISER]),
        "trainee": UserFactory(),
    }
    if who in users:
        client.force_login(users[who])
    for name in ("exports:job-download", "exports:job-detail", "exports:job-status"):
        response = client.get(reverse(name, args=[done_job.pk]))
        assert response.status_code == status, name


@pytest.mark.django_db
def test_download_is_an_attachment_with_a_safe_unicode_file_name(client, done_job):
    client.force_login(done_job.requested_by)
    response = client.get(reverse("exports:job-download", args=[done_job.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E4%BA%BA%E5%91%98" in response["Content-Disposition"]
    assert b"".join(response.streaming_content)[:2] == b"PK"
    done_job.refresh_from_db()
    assert done_job.download_count == 1


@pytest.mark.django_db
def test_expired_download_answers_410_gone(client, done_job):
    ExportJob.objects.filter(pk=done_job.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    client.force_login(done_job.requested_by)
    response = client.get(reverse("exports:job-download", args=[done_job.pk]))
    assert response.status_code == 410


@pytest.mark.django_db
def test_status_json_reports_progress_and_the_download_link(client, done_job):
    client.force_login(done_job.requested_by)
    data = client.get(reverse("exports:job-status", args=[done_job.pk])).json()
    assert data["status"] == "done"
    assert data["percent"] == 100
    assert data["download_url"] == reverse("exports:job-download", args=[done_job.pk])


@pytest.mark.django_db
def test_requesting_an_export_needs_post_and_the_right_role(client):
    trainee = UserFactory()
    client.force_login(trainee)
    url = reverse("exports:job-create", args=["accounts.people"])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_my_exports_page_lists_only_my_jobs(client, done_job, django_assert_max_num_queries):
    other = UserFactory(roles=[Role.ADMINISTRATOR])
    client.force_login(other)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("exports:job-list"))
    assert response.status_code == 200
    assert done_job.get_absolute_url() not in response.content.decode()
    client.force_login(done_job.requested_by)
    assert done_job.get_absolute_url() in client.get(reverse("exports:job-list")).content.decode()


@pytest.mark.django_db
def test_behind_nginx_the_file_is_handed_over_by_x_accel_redirect(client, done_job, settings):
    settings.PORTAL_X_ACCEL_REDIRECT = "/protected-media/"
    client.force_login(done_job.requested_by)
    response = client.get(reverse("exports:job-download", args=[done_job.pk]))
    assert response["X-Accel-Redirect"] == f"/protected-media/exports/{done_job.pk}.xlsx"
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
