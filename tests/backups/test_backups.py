"""Backups are proven: a backup restores into a scratch database and media folder with the same
row counts and file checksums, and a trainee of the restored portal signs in and downloads
their certificate; a damaged backup is refused before anything is touched."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg2 import sql

from accounts.roles import Role
from backups import services
from certificates.models import Certificate
from certificates.services import certificate_issue_for_course, certificate_pdf_file
from tests.certificates.conftest import L, P, make_finished_course, mark, rule
from tests.factories.accounts import UserFactory
from tests.factories.enrollment import RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery"  # the factories' password


def _admin(statement: sql.Composable) -> None:
    database = connection.settings_dict
    admin = psycopg2.connect(
        dbname=database["NAME"],
        user=database["USER"] or None,
        password=database["PASSWORD"] or None,
        host=database["HOST"] or None,
        port=database["PORT"] or None,
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(statement)
    finally:
        admin.close()


@pytest.fixture
def scratch_database():
    """An empty database on the same server, named after the test database."""
    name = f"{connection.settings_dict['NAME']}_restore"
    _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield {**connection.settings_dict, "NAME": name}
    _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def restored_run():
    """The run id (and so the media folder, see the test settings) of the restored portal."""
    run = f"{os.environ['PORTAL_TEST_RUN']}-restored"
    media = Path(settings.BASE_DIR) / ".local" / "test-media" / run
    shutil.rmtree(media, ignore_errors=True)
    yield run, media
    shutil.rmtree(media, ignore_errors=True)


@pytest.fixture
def certificate(settings, tmp_path):
    """A small data set: a finished course, a trainee with a certificate and its stored PDF
    (in a media folder of this test's own, so the backup holds only what the test made)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = make_finished_course(organiser, sessions=4)
    rule(course, organiser)
    registration = RegistrationFactory(course=course, trainee=UserFactory(full_name="欧阳明月"))
    mark(registration, [P, P, L, P])
    RegistrationFactory(course=course)
    assert certificate_issue_for_course(course_id=course.pk) == 1
    issued = Certificate.objects.get()
    certificate_pdf_file(certificate=issued)
    return issued


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _table_counts(database) -> dict[str, int]:
    return services.database_row_counts(database=database)


# Run by the restored portal: sign in as the trainee, download the certificate.
SIGN_IN_AND_DOWNLOAD = """
import hashlib, os
from django.test import Client
from django.urls import reverse
client = Client()
signed_in = client.post(
    reverse("account_login"),
    {"login": os.environ["RESTORED_EMAIL"], "password": os.environ["RESTORED_PASSWORD"]},
)
response = client.get(
    reverse("certificates:certificate-mine", args=[os.environ["RESTORED_COURSE"]])
)
body = b"".join(response.streaming_content) if response.streaming else response.content
print(signed_in.status_code, response.status_code, response["Content-Type"],
      hashlib.sha256(body).hexdigest())
"""


def _download_from_restored_portal(*, run: str, database: str, certificate: Certificate) -> str:
    """Sign in and download in another process whose portal uses only the restored database
    and media folder."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "PORTAL_TEST_RUN": run,
        "PORTAL_TEST_DATABASE_NAME": database,
        "RESTORED_EMAIL": certificate.registration.trainee.email,
        "RESTORED_PASSWORD": PASSWORD,
        "RESTORED_COURSE": str(certificate.registration.course_id),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SIGN_IN_AND_DOWNLOAD],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_a_backup_restores_with_the_same_rows_and_files_and_the_trainee_downloads_the_certificate(
    tmp_path, certificate, scratch_database, restored_run
):
    run, media = restored_run
    folder = services.backup_create(into=tmp_path / "backups")
    manifest = json.loads((folder / services.MANIFEST).read_text("utf-8"))
    assert manifest["database"]["row_counts"] == _table_counts(connection.settings_dict)
    assert manifest["database"]["row_counts"]["certificates_certificate"] == 1
    original = Path(settings.MEDIA_ROOT) / certificate.pdf.name
    assert manifest["media"]["sha256"][certificate.pdf.name] == _sha256(original)

    result = services.backup_restore(source=folder, database=scratch_database, media_root=media)

    assert _table_counts(scratch_database) == manifest["database"]["row_counts"]
    assert result.rows == sum(manifest["database"]["row_counts"].values())
    assert services.media_checksums(media) == manifest["media"]["sha256"]
    line = _download_from_restored_portal(
        run=run, database=scratch_database["NAME"], certificate=certificate
    )
    assert line.split() == ["302", "200", "application/pdf", _sha256(original)]


def test_a_damaged_backup_is_refused_naming_what_is_wrong_before_anything_is_restored(
    tmp_path, certificate, scratch_database
):
    folder = services.backup_create(into=tmp_path / "backups")
    dump = folder / services.DUMP
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    (folder / services.MEDIA / certificate.pdf.name).unlink()
    media = tmp_path / "restored-media"

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(folder), "--check-only")
    message = str(refused.value)
    assert "database dump changed" in message
    assert f"media file missing: {certificate.pdf.name}" in message

    with pytest.raises(services.BackupError, match="database dump changed"):
        services.backup_restore(source=folder, database=scratch_database, media_root=media)
    assert _table_counts(scratch_database) == {}
    assert not media.exists()


def test_restore_refuses_a_database_that_has_tables(tmp_path, certificate):
    folder = services.backup_create(into=tmp_path / "backups")
    with pytest.raises(services.BackupError, match="is not empty"):
        services.backup_restore(
            source=folder, database=connection.settings_dict, media_root=tmp_path / "m"
        )
    assert Certificate.objects.count() == 1


def test_a_failed_backup_says_why_and_leaves_no_folder(tmp_path):
    missing = {**connection.settings_dict, "NAME": f"{connection.settings_dict['NAME']}_missing"}
    with pytest.raises(services.BackupError, match="Cannot connect to the database"):
        services.backup_create(into=tmp_path, database=missing)
    assert list(tmp_path.iterdir()) == []
