import os
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import Role
from exports.models import ExportJob
from exports.services import export_cleanup, export_request, export_run, export_sweep
from tests import exporters  # noqa: F401 - registers the test exporters
from tests.factories.accounts import OrganisationFactory, UserFactory, region


def _tmp_files(settings) -> list:
    tmp = settings.MEDIA_ROOT / "exports" / "tmp"
    return sorted(os.listdir(tmp)) if tmp.exists() else []


@pytest.fixture
def admin():
    return UserFactory(roles=[Role.ADMINISTRATOR], preferred_language="en")


@pytest.mark.django_db
def test_only_administrators_may_export_people(django_capture_on_commit_callbacks):
    trainee = UserFactory()
    organiser = UserFactory(roles=[Role.ORGANISER])
    for user in (trainee, organiser):
        with pytest.raises(PermissionDenied):
            export_request(user=user, exporter="accounts.people", data={}, language="zh-hans")
    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_unknown_exporter_and_bad_filters_are_refused(admin):
    with pytest.raises(ValidationError) as unknown:
        export_request(user=admin, exporter="nope", data={}, language="en")
    assert unknown.value.code == "unknown_exporter"
    with pytest.raises(ValidationError) as invalid:
        export_request(user=admin, exporter="accounts.people", data={"region": "x"}, language="en")
    assert invalid.value.code == "invalid_filter"


@pytest.mark.django_db
def test_people_export_writes_every_matching_person_with_headers_in_the_requesters_language(
    admin, django_capture_on_commit_callbacks, settings
):
    sichuan = OrganisationFactory(name="四川省人力资源和社会保障厅", region=region("51"))
    UserFactory(full_name='=HYPERLINK("http://x","y")', organisation=sichuan)
    UserFactory(full_name="张三", organisation=sichuan)
    UserFactory(full_name="北京人", organisation=OrganisationFactory(region=region("11")))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = export_request(
            user=admin, exporter="accounts.people", data={"region": region("51").pk}, language="en"
        )
    assert len(callbacks) == 1
    assert job.status == ExportJob.Status.QUEUED
    before = _tmp_files(settings)

    assert export_run(job_id=job.pk) == "done"
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert (job.progress_done, job.progress_total) == (2, 2)
    assert job.expires_at - timezone.now() > timedelta(days=6, hours=23)
    assert job.filename.endswith(".xlsx")
    sheet = load_workbook(job.file.path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Full name", "Organisation", "Organisation type", "Region")
    assert {row[0] for row in rows[1:]} == {'=HYPERLINK("http://x","y")', "张三"}
    assert {row[3] for row in rows[1:]} == {"Sichuan"}
    assert sheet["A2"].data_type == "s"
    assert _tmp_files(settings) == before


@pytest.mark.django_db
def test_a_job_runs_once_however_often_the_task_arrives(admin):
    job = export_request(user=admin, exporter="accounts.people", data={}, language="zh-hans")
    assert export_run(job_id=job.pk) == "done"
    assert export_run(job_id=job.pk) == "skipped"
    job.refresh_from_db()
    assert job.attempts == 1


@pytest.mark.django_db
def test_a_running_job_whose_worker_went_silent_is_taken_over(admin, settings):
    job = export_request(user=admin, exporter="accounts.people", data={}, language="zh-hans")
    stale = timezone.now() - timedelta(seconds=settings.PORTAL_EXPORT_STALE_SECONDS + 1)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.RUNNING, heartbeat_at=stale, attempts=1
    )
    assert export_sweep() == [str(job.pk)]
    assert export_run(job_id=job.pk) == "done"
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ExportJob.Status.DONE, 2)


@pytest.mark.django_db
def test_a_job_that_keeps_dying_ends_failed_with_a_message(admin, settings):
    job = export_request(user=admin, exporter="accounts.people", data={}, language="en")
    stale = timezone.now() - timedelta(seconds=settings.PORTAL_EXPORT_STALE_SECONDS + 1)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.RUNNING,
        heartbeat_at=stale,
        attempts=settings.PORTAL_EXPORT_MAX_ATTEMPTS,
    )
    assert export_run(job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert "stopped several times" in job.error


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("exporter", "message"),
    [("tests.broken", "The export failed"), ("tests.slow", "Narrow the filter")],
)
def test_a_failing_export_says_why_and_leaves_no_temporary_file(admin, settings, exporter, message):
    before = _tmp_files(settings)
    job = export_request(user=admin, exporter=exporter, data={}, language="en")
    assert export_run(job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert message in job.error
    assert not job.file
    assert _tmp_files(settings) == before


@pytest.mark.django_db
def test_cleanup_deletes_expired_files_and_keeps_the_record(admin):
    job = export_request(user=admin, exporter="accounts.people", data={}, language="en")
    export_run(job_id=job.pk)
    job.refresh_from_db()
    path = job.file.path
    assert os.path.exists(path)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    assert export_cleanup() == 1
    job.refresh_from_db()
    assert job.status == ExportJob.Status.EXPIRED
    assert not os.path.exists(path)


@pytest.mark.django_db
def test_the_same_export_asked_again_while_it_waits_or_runs_is_the_same_job(
    admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = export_request(user=admin, exporter="accounts.people", data={}, language="en")
        again = export_request(user=admin, exporter="accounts.people", data={}, language="en")
    assert again.pk == first.pk
    assert len(queued) == 1  # queued once
    # Another filter, language or person is another export.
    other = export_request(
        user=admin, exporter="accounts.people", data={"region": region("44").pk}, language="en"
    )
    chinese = export_request(user=admin, exporter="accounts.people", data={}, language="zh-hans")
    assert len({first.pk, other.pk, chinese.pk}) == 3
    # Once it is over, asking again makes a new one.
    ExportJob.objects.filter(pk=first.pk).update(status=ExportJob.Status.DONE)
    later = export_request(user=admin, exporter="accounts.people", data={}, language="en")
    assert later.pk != first.pk


@pytest.mark.django_db(transaction=True)
def test_the_same_export_asked_twice_at_once_makes_one_job():
    import threading

    from django.db import connection

    admin = UserFactory(roles=[Role.ADMINISTRATOR], preferred_language="en")
    barrier = threading.Barrier(4)
    jobs: list[int] = []

    def ask() -> None:
        try:
            barrier.wait()
            job = export_request(user=admin, exporter="accounts.people", data={}, language="en")
            jobs.append(job.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(jobs) == 4
    assert len(set(jobs)) == 1
    assert ExportJob.objects.count() == 1
