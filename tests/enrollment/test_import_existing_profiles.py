"""Rows for existing accounts whose name or unit differ from the account's are listed before
anything is saved; the organiser chooses to keep the accounts' profiles or to stop."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from accounts.roles import Role
from enrollment.models import ImportJob, Registration
from enrollment.services.import_jobs import import_job_run
from enrollment.tasks import import_cleanup_task
from tests.enrollment.conftest import trainee_from
from tests.enrollment.test_imports import person, upload, xlsx
from tests.factories.accounts import UserFactory, region

pytestmark = pytest.mark.django_db

ROW_UNIT = "广东省人力资源和社会保障厅"  # what `person` rows say


@pytest.fixture
def organiser_client(client, open_course):
    client.force_login(open_course.organisers.first())
    return client


@pytest.fixture
def existing(db):
    """An account the file's second row names by its address, with another name and unit."""
    return trainee_from("51", email="nominee2@example.cn", full_name="王五")


@pytest.fixture
def matching(db):
    """An account the file's third row names with the same name and unit."""
    user = trainee_from("44", email="nominee3@example.cn", full_name="学员3")
    user.organisation.name = ROW_UNIT
    user.organisation.save()
    return user


def _kept_section(html: str) -> str:
    start = html.index('id="profiles-kept"')
    return html[start : html.index("</section>", start)]


def test_upload_keeps_the_file_and_lists_the_existing_accounts_on_the_imports_page(
    organiser_client, open_course, existing, matching
):
    response = upload(organiser_client, open_course, xlsx([person(1), person(2), person(3)]))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("enrollment:importjob-detail", args=[job.pk])
    assert job.status == ImportJob.Status.AWAITING
    assert job.file.storage.exists(job.file.name)
    section = _kept_section(organiser_client.get(response.url).content.decode())
    assert section.count('class="profile-kept"') == 1  # the matching row is not listed
    assert "学员2" in section and ROW_UNIT in section  # what the row said
    assert "王五" in section and existing.organisation.name in section  # what the account has
    assert reverse("enrollment:importjob-keep-profiles", args=[job.pk]) in section
    assert reverse("enrollment:importjob-stop", args=[job.pk]) in section
    assert 'type="file"' not in section  # nothing to choose again
    assert not Registration.objects.exists()


def test_rows_with_errors_are_listed_with_the_kept_rows_and_no_choice_is_offered(
    organiser_client, open_course, existing
):
    response = upload(organiser_client, open_course, xlsx([person(1, phone="12"), person(2)]))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="import-error"' in html
    section = _kept_section(html)
    assert section.count('class="profile-kept"') == 1
    assert 'id="keep-profiles' not in section  # the errors are to be corrected first
    assert not Registration.objects.exists()


def test_one_click_on_keep_registers_everyone_and_deletes_the_file(
    organiser_client, open_course, existing, matching, django_capture_on_commit_callbacks
):
    upload(organiser_client, open_course, xlsx([person(1), person(2), person(3)]))
    job = ImportJob.objects.get()
    stored = job.file.name
    with django_capture_on_commit_callbacks() as queued:
        response = organiser_client.post(_keep_url(job))
    assert response.status_code == 302
    assert response.url == reverse("enrollment:importjob-detail", args=[job.pk])
    assert len(queued) == 1  # the run is queued once the choice is committed
    assert not Registration.objects.exists()

    assert import_job_run(job_id=job.pk) == "done"
    assert Registration.objects.filter(course=open_course).count() == 3
    existing.refresh_from_db()
    assert existing.full_name == "王五"  # the account's own profile
    assert Registration.objects.get(trainee=existing).region.code == "51"
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert not job.file and not job.file.storage.exists(stored)
    assert 'id="import-done"' in organiser_client.get(response.url).content.decode()


def test_keep_twice_queues_the_import_once(organiser_client, open_course, existing):
    upload(organiser_client, open_course, xlsx([person(1), person(2)]))
    job = ImportJob.objects.get()
    organiser_client.post(_keep_url(job))
    response = organiser_client.post(_keep_url(job), follow=True)
    assert ImportJob.objects.get().status == ImportJob.Status.QUEUED
    assert response.redirect_chain[-1][0] == reverse("enrollment:importjob-detail", args=[job.pk])
    assert 'class="alert alert-danger' in response.content.decode()
    # Stopping comes too late too: the file is being imported.
    organiser_client.post(reverse("enrollment:importjob-stop", args=[job.pk]))
    assert ImportJob.objects.get().file


def test_stop_deletes_the_file_and_saves_nothing(organiser_client, open_course, existing):
    upload(organiser_client, open_course, xlsx([person(1), person(2)]))
    job = ImportJob.objects.get()
    response = organiser_client.post(reverse("enrollment:importjob-stop", args=[job.pk]))
    assert response.status_code == 302
    assert response.url == reverse("enrollment:nominee-create", args=[open_course.pk])
    assert not ImportJob.objects.exists()
    assert not job.file.storage.exists(job.file.name)
    assert not Registration.objects.exists()
    assert organiser_client.post(_keep_url(job)).status_code == 404


def test_another_organiser_can_neither_keep_nor_stop_the_upload(
    organiser_client, client, open_course, existing
):
    upload(organiser_client, open_course, xlsx([person(1), person(2)]))
    job = ImportJob.objects.get()
    organiser = UserFactory(roles=[Role.ORGANISER])
    open_course.organisers.add(organiser)
    client.force_login(organiser)
    assert client.post(_keep_url(job)).status_code == 404
    assert client.post(reverse("enrollment:importjob-stop", args=[job.pk])).status_code == 404
    page = client.get(reverse("enrollment:nominee-create", args=[open_course.pk]))
    assert 'id="imports-awaiting"' not in page.content.decode()
    assert ImportJob.objects.get().status == ImportJob.Status.AWAITING


def test_the_import_page_shows_the_upload_still_waiting_for_a_choice(
    organiser_client, open_course, existing
):
    upload(organiser_client, open_course, xlsx([person(1), person(2)]))
    job = ImportJob.objects.get()
    page = organiser_client.get(reverse("enrollment:nominee-create", args=[open_course.pk]))
    html = page.content.decode()
    start = html.index('id="imports-awaiting"')
    assert reverse("enrollment:importjob-detail", args=[job.pk]) in html[start:]


def test_an_upload_left_without_a_choice_for_a_day_is_swept(
    organiser_client, open_course, existing
):
    data = xlsx([person(1), person(2)])
    upload(organiser_client, open_course, data, name="old.xlsx")
    upload(organiser_client, open_course, data, name="new.xlsx")
    old = ImportJob.objects.get(original_name="old.xlsx")
    a_day_ago = timezone.now() - timedelta(days=1, minutes=1)
    ImportJob.objects.filter(pk=old.pk).update(created_at=a_day_ago, finished_at=a_day_ago)

    assert import_cleanup_task() == 1
    assert list(ImportJob.objects.values_list("original_name", flat=True)) == ["new.xlsx"]
    assert not old.file.storage.exists(old.file.name)
    assert ImportJob.objects.get().file
    assert not Registration.objects.exists()


def test_a_row_matching_its_account_is_not_reported(organiser_client, open_course, matching):
    response = upload(organiser_client, open_course, xlsx([person(1), person(3)]))
    assert response.status_code == 302
    assert Registration.objects.filter(course=open_course).count() == 2


def test_a_row_with_the_same_name_and_unit_spaced_otherwise_is_not_reported(
    organiser_client, open_course, matching
):
    row = person(3, name=" 学员3 ", organisation=f"{ROW_UNIT} ")
    response = upload(organiser_client, open_course, xlsx([row]))
    assert response.status_code == 302


def _formset(index_rows: list[dict]) -> dict:
    data = {
        "nominee-TOTAL_FORMS": str(len(index_rows)),
        "nominee-INITIAL_FORMS": "0",
        "nominee-MIN_NUM_FORMS": "0",
        "nominee-MAX_NUM_FORMS": "50",
    }
    for index, row in enumerate(index_rows):
        data.update({f"nominee-{index}-{key}": value for key, value in row.items()})
    return data


def _form_row(n: int, **changes) -> dict:
    row = {
        "full_name": f"学员{n}",
        "email": f"nominee{n}@example.cn",
        "phone": f"139{n:08d}",
        "organisation_name": ROW_UNIT,
        "organisation_type": Organisation.Type.PROVINCIAL_DEPARTMENT,
        "region": region("44").pk,
    }
    return {**row, **changes}


def test_form_lists_the_rows_and_saves_only_when_asked_to_keep_the_profiles(
    organiser_client, open_course, existing
):
    url = reverse("enrollment:nominee-create", args=[open_course.pk])
    data = _formset([_form_row(1), _form_row(2)])
    response = organiser_client.post(url, data)
    assert response.status_code == 400
    section = _kept_section(response.content.decode())
    assert section.count('class="profile-kept"') == 1
    assert 'form="nominee-form" name="keep_existing_profiles" value="1"' in section
    assert not Registration.objects.exists()

    response = organiser_client.post(url, {**data, "keep_existing_profiles": "1"})
    assert response.status_code == 302
    assert set(Registration.objects.values_list("trainee__full_name", flat=True)) == {
        "学员1",
        "王五",
    }


def test_large_file_waits_for_the_choice_after_the_worker_and_one_click_imports_it(
    organiser_client, open_course, existing, settings
):
    settings.PORTAL_IMPORT_SYNC_ROWS = 1
    response = upload(organiser_client, open_course, xlsx([person(1), person(2)]))
    job = ImportJob.objects.get()
    assert import_job_run(job_id=job.pk) == "awaiting"
    assert not Registration.objects.exists()
    job.refresh_from_db()
    assert job.file.storage.exists(job.file.name)
    section = _kept_section(organiser_client.get(response.url).content.decode())
    assert section.count('class="profile-kept"') == 1
    assert reverse("enrollment:importjob-keep-profiles", args=[job.pk]) in section

    organiser_client.post(_keep_url(job))
    assert ImportJob.objects.get().keep_existing_profiles
    assert import_job_run(job_id=job.pk) == "done"
    assert Registration.objects.count() == 2
    assert not job.file.storage.exists(job.file.name)


def test_command_stops_without_the_flag_and_imports_with_it(
    open_course, existing, matching, tmp_path, capsys
):
    path = tmp_path / "nominees.xlsx"
    path.write_bytes(xlsx([person(1), person(2), person(3)]))
    with pytest.raises(CommandError, match="--keep-existing-profiles"):
        call_command("import_nominees", str(open_course.pk), str(path))
    err = capsys.readouterr().err
    assert "row 3:" in err and "王五" in err and "学员2" in err  # row 3: the file's 2nd person
    assert "row 4:" not in err  # the matching account
    assert not Registration.objects.exists()

    call_command("import_nominees", str(open_course.pk), str(path), "--keep-existing-profiles")
    out = capsys.readouterr().out
    assert "row 3:" in out and "Imported 3" in out
    assert Registration.objects.count() == 3


def _keep_url(job: ImportJob) -> str:
    return reverse("enrollment:importjob-keep-profiles", args=[job.pk])
