"""Rows for existing accounts whose name or unit differ from the account's are listed before
anything is saved; the organiser chooses to keep the accounts' profiles or to stop."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import Organisation
from enrollment.models import ImportJob, Registration
from enrollment.services.import_jobs import import_job_run
from tests.enrollment.conftest import trainee_from
from tests.enrollment.test_imports import person, upload, xlsx
from tests.factories.accounts import region

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


def test_upload_lists_existing_accounts_with_another_profile_and_saves_nothing(
    organiser_client, open_course, existing, matching
):
    data = xlsx([person(1), person(2), person(3)])
    response = upload(organiser_client, open_course, data)
    assert response.status_code == 400
    section = _kept_section(response.content.decode())
    assert section.count('class="profile-kept"') == 1  # the matching row is not listed
    assert "学员2" in section and ROW_UNIT in section  # what the row said
    assert "王五" in section and existing.organisation.name in section  # what the account has
    assert 'name="keep_existing_profiles"' in section
    assert 'id="stop-import"' in section
    assert not Registration.objects.exists()
    assert not ImportJob.objects.exists()


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


def test_upload_again_choosing_to_keep_the_profiles_registers_everyone(
    organiser_client, open_course, existing, matching
):
    data = xlsx([person(1), person(2), person(3)])
    response = organiser_client.post(
        reverse("enrollment:nominee-upload", args=[open_course.pk]),
        {"file": _file(data), "keep_existing_profiles": "True"},
    )
    assert response.status_code == 302
    assert Registration.objects.filter(course=open_course).count() == 3
    existing.refresh_from_db()
    assert existing.full_name == "王五"  # the account's own profile
    assert existing.organisation.region.code == "51"
    registration = Registration.objects.get(trainee=existing)
    assert registration.region.code == "51"


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


def test_large_file_in_the_worker_lists_the_rows_and_offers_to_keep_them(
    organiser_client, open_course, existing, settings
):
    settings.PORTAL_IMPORT_SYNC_ROWS = 1
    data = xlsx([person(1), person(2)])
    response = upload(organiser_client, open_course, data)
    job = ImportJob.objects.get()
    assert import_job_run(job_id=job.pk) == "invalid"
    assert not Registration.objects.exists()
    section = _kept_section(organiser_client.get(response.url).content.decode())
    assert section.count('class="profile-kept"') == 1
    assert 'id="keep-profiles-form"' in section

    organiser_client.post(
        reverse("enrollment:nominee-upload", args=[open_course.pk]),
        {"file": _file(data), "keep_existing_profiles": "True"},
    )
    again = ImportJob.objects.exclude(pk=job.pk).get()
    assert again.keep_existing_profiles
    assert import_job_run(job_id=again.pk) == "done"
    assert Registration.objects.count() == 2


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


def _file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("名单.xlsx", data)
