import io
import re
import zipfile

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import url_str_to_user_pk
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from accounts.models import Organisation, User
from enrollment.models import ImportJob, Registration
from enrollment.services.import_jobs import import_job_run
from notifications.attachments import attachment_contents
from notifications.models import OutgoingMail
from tests.enrollment.conftest import trainee_from
from tests.factories.enrollment import NominatingUnitFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "电子邮箱", "手机号码", "所在单位", "单位类型", "地区", "职务"]


def person(n: int, **changes) -> list:
    row = {
        "name": f"学员{n}",
        "email": f"nominee{n}@example.cn",
        "phone": f"139{n:08d}",
        "organisation": "广东省人力资源和社会保障厅",
        "type": "省级厅局",
        "region": "广东省",
        "position": "科员",
    }
    row.update(changes)
    return list(row.values())


def xlsx(rows, header=HEADER, *, as_text=True) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
        if as_text:
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, even when it looks like a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, course, data: bytes, name="名单.xlsx"):
    return client.post(
        reverse("enrollment:nominee-upload", args=[course.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )


@pytest.fixture
def organiser_client(client, open_course):
    client.force_login(open_course.organisers.first())
    return client


def test_template_has_the_columns_and_an_example_row_that_imports(organiser_client, open_course):
    response = organiser_client.get(reverse("enrollment:nominee-template", args=[open_course.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "姓名*"
    assert rows[0][-1] == "职务"
    assert len(rows) == 2
    upload(organiser_client, open_course, response.content)
    assert Registration.objects.get(course=open_course).full_name == "张三"


def test_good_file_with_chinese_english_and_formula_looking_text(organiser_client, open_course):
    rows = [
        person(1),
        person(
            2,
            name='=HYPERLINK("http://x","y")',
            organisation="深圳市智造科技有限公司",
            region="Guangdong",
            type="Enterprise",
        ),
        person(
            3,
            name="@SUM(A1)",
            organisation="人力资源和社会保障部",
            position="+1",
            region="11",
            type="Ministry or national body",
        ),
    ]
    response = upload(organiser_client, open_course, xlsx(rows))
    assert response.status_code == 302
    registrations = {r.trainee.email: r for r in Registration.objects.select_related("trainee")}
    assert len(registrations) == 3
    assert registrations["nominee2@example.cn"].full_name == '=HYPERLINK("http://x","y")'
    assert registrations["nominee2@example.cn"].organisation_type == Organisation.Type.ENTERPRISE
    assert registrations["nominee3@example.cn"].region.code == "11"
    assert registrations["nominee3@example.cn"].position == "+1"
    assert {r.source for r in registrations.values()} == {Registration.Source.IMPORT}
    # New accounts, each invited to set a password through allauth's reset link.
    invitation = OutgoingMail.objects.get(
        key__startswith="invitation:", to_email="nominee1@example.cn"
    )
    assert "/accounts/password/reset/key/" in invitation.body_text
    nominee = User.objects.get(email="nominee1@example.cn")
    assert not nominee.has_usable_password()
    uidb36, key = re.search(
        r"/accounts/password/reset/key/(\w+)-([\w-]+)/", invitation.body_text
    ).groups()
    assert url_str_to_user_pk(uidb36) == nominee.pk
    assert default_token_generator.check_token(nominee, key)


def test_a_real_formula_is_not_evaluated_but_reported(organiser_client, open_course):
    response = upload(organiser_client, open_course, xlsx([person(1, name="=1+1")], as_text=False))
    assert response.status_code == 400
    assert not Registration.objects.exists()
    # Said as a formula, not as an empty cell: a formula's result is never read.
    errors = response.context["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(2, "full_name")]
    assert errors[0]["message"] != str(_("Required."))


def test_bad_file_lists_every_error_by_row_and_column_and_saves_nothing(
    organiser_client, open_course
):
    RegistrationFactory(course=open_course, trainee=trainee_from("44", email="taken@example.cn"))
    rows = [
        person(1),
        person(2, email="not-an-address"),
        person(3, phone="2345678901"),
        person(4, region="火星"),
        person(5, type="外星单位"),
        person(6, email="nominee1@example.cn"),
        person(7, email="taken@example.cn"),
        person(8, name=""),
    ]
    response = upload(organiser_client, open_course, xlsx(rows))
    assert response.status_code == 400
    errors = [(e["row"], e["column"]) for e in response.context["errors"]]
    assert errors == [
        (3, "email"),
        (4, "phone"),
        (5, "region"),
        (6, "organisation_type"),
        (7, "email"),
        (8, "email"),
        (9, "full_name"),
    ]
    body = response.content.decode()
    assert "与第2行的电子邮箱重复" in body
    assert Registration.objects.count() == 1
    assert not User.objects.filter(email__startswith="nominee").exists()


def test_seat_rule_refusal_rolls_back_the_whole_file(organiser_client, open_course):
    open_course.eligible_organisation_types = [Organisation.Type.PROVINCIAL_DEPARTMENT]
    open_course.save()
    rows = [person(1), person(2, organisation="广州某某有限公司", type="企业")]
    response = upload(organiser_client, open_course, xlsx(rows))
    assert response.status_code == 400
    assert [e["row"] for e in response.context["errors"]] == [3]
    assert not Registration.objects.exists()
    assert not User.objects.filter(email__startswith="nominee").exists()


@pytest.mark.parametrize(
    "name, data, code",
    [
        ("list.csv", b"a,b", "file_type"),
        ("list.xlsx", b"", "file_empty"),
        ("list.xlsx", b"<html></html>", "file_content_mismatch"),
    ],
)
def test_unacceptable_files(organiser_client, open_course, name, data, code):
    response = upload(organiser_client, open_course, data, name=name)
    assert response.status_code == 400
    assert response.context["upload_form"].errors["file"]


def zip_with(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_zip_bomb_and_macros_are_refused(organiser_client, open_course):
    from django.core.exceptions import ValidationError

    from enrollment.imports import check_upload

    bomb = zip_with({"xl/workbook.xml": b"0" * (20 * 1024 * 1024)})
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile("a.xlsx", bomb))
    assert exc.value.code == "zip_bomb"
    macro = zip_with({"xl/workbook.xml": b"<x/>", "xl/vbaProject.bin": b"x"})
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile("a.xlsx", macro))
    assert exc.value.code == "file_macro"


def test_too_large_file(organiser_client, open_course, settings):
    from django.core.exceptions import ValidationError

    from enrollment.imports import check_upload

    settings.PORTAL_IMPORT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile("a.xlsx", xlsx([person(n) for n in range(50)])))
    assert exc.value.code == "file_too_large"


def test_wrong_header_is_reported(organiser_client, open_course):
    response = upload(organiser_client, open_course, xlsx([person(1)], header=["a", "b"]))
    assert response.status_code == 400
    assert "姓名" in " ".join(response.context["upload_form"].errors["file"])


def test_form_registers_several_people_on_behalf(organiser_client, open_course):
    from tests.factories.accounts import region

    data = {
        "nominee-TOTAL_FORMS": "3",
        "nominee-INITIAL_FORMS": "0",
        "nominee-MIN_NUM_FORMS": "0",
        "nominee-MAX_NUM_FORMS": "50",
    }
    for index in range(2):
        data.update(
            {
                f"nominee-{index}-full_name": f"代报{index}",
                f"nominee-{index}-email": f"behalf{index}@example.cn",
                f"nominee-{index}-phone": f"1370000000{index}",
                f"nominee-{index}-organisation_name": "四川省人社厅",
                f"nominee-{index}-organisation_type": Organisation.Type.PROVINCIAL_DEPARTMENT,
                f"nominee-{index}-region": region("51").pk,
            }
        )
    response = organiser_client.post(
        reverse("enrollment:nominee-create", args=[open_course.pk]), data
    )
    assert response.status_code == 302
    assert set(Registration.objects.values_list("source", "region__code")) == {
        (Registration.Source.ON_BEHALF, "51")
    }
    assert Registration.objects.count() == 2


def test_nominating_contact_registers_within_the_allowance(client, open_course):
    unit = NominatingUnitFactory(course=open_course, seat_allowance=2)
    client.force_login(unit.contact)
    page = client.get(reverse("enrollment:nominee-create", args=[open_course.pk]))
    assert page.status_code == 200
    response = upload(client, open_course, xlsx([person(1), person(2), person(3)]))
    assert response.status_code == 400
    assert "推荐名额已用完" in response.content.decode()
    assert not Registration.objects.exists()
    response = upload(client, open_course, xlsx([person(1), person(2)]))
    assert response.status_code == 302
    assert set(Registration.objects.values_list("nominating_unit", flat=True)) == {unit.pk}


def test_other_people_cannot_nominate(client, open_course):
    client.force_login(trainee_from("45"))
    assert (
        client.get(reverse("enrollment:nominee-create", args=[open_course.pk])).status_code == 404
    )
    response = upload(client, open_course, xlsx([person(1)]))
    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_large_files_go_to_a_worker_with_progress(organiser_client, open_course, settings):
    settings.PORTAL_IMPORT_SYNC_ROWS = 2
    response = upload(organiser_client, open_course, xlsx([person(n) for n in range(5)]))
    job = ImportJob.objects.get()
    assert response.url == reverse("enrollment:importjob-detail", args=[job.pk])
    assert not Registration.objects.exists()
    status = organiser_client.get(reverse("enrollment:importjob-status", args=[job.pk])).json()
    assert status["status"] == "queued"

    assert import_job_run(job_id=job.pk) == "done"
    assert import_job_run(job_id=job.pk) == "skipped"
    job.refresh_from_db()
    assert (job.status, job.created_count, job.percent) == ("done", 5, 100)
    assert not job.file
    assert Registration.objects.count() == 5
    page = organiser_client.get(response.url)
    assert 'id="import-done"' in page.content.decode()


def test_five_thousand_rows_with_one_bad_row_saves_nothing(organiser_client, open_course):
    rows = [person(n) for n in range(5000)]
    rows[4321][2] = "123"
    upload_data = xlsx(rows, as_text=False)
    response = upload(organiser_client, open_course, upload_data)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert import_job_run(job_id=job.pk) == "invalid"
    job.refresh_from_db()
    assert [(e["row"], e["column"]) for e in job.errors] == [(4323, "phone")]
    assert not Registration.objects.exists()


def test_other_users_cannot_see_an_import_job(client, organiser_client, open_course, settings):
    settings.PORTAL_IMPORT_SYNC_ROWS = 0
    upload(organiser_client, open_course, xlsx([person(1)]))
    job = ImportJob.objects.get()
    client.force_login(trainee_from("45"))
    assert client.get(reverse("enrollment:importjob-detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("enrollment:importjob-status", args=[job.pk])).status_code == 404


def test_command_prints_errors_and_exits_1_then_imports(open_course, tmp_path, capsys):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([person(1), person(2, phone="12")]))
    with pytest.raises(CommandError):
        call_command("import_nominees", str(open_course.pk), str(bad))
    assert "row 3" in capsys.readouterr().err
    assert not Registration.objects.exists()

    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx([person(1), person(2)]))
    call_command("import_nominees", str(open_course.pk), str(good))
    assert Registration.objects.count() == 2


def test_command_exit_status_is_1(open_course, tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([person(1, phone="12")]))
    result = subprocess.run(
        [sys.executable, "manage.py", "import_nominees", "999999", str(bad)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1


def test_sweeper_hands_out_lost_and_stalled_jobs_again(organiser_client, open_course, settings):
    import datetime

    from django.utils import timezone

    from enrollment.services.import_jobs import import_job_sweep

    settings.PORTAL_IMPORT_SYNC_ROWS = 0
    upload(organiser_client, open_course, xlsx([person(1)]))
    job = ImportJob.objects.get()
    now = timezone.now()
    assert import_job_sweep(now=now) == []  # just queued: its task is on the way
    assert import_job_sweep(now=now + datetime.timedelta(minutes=2)) == [job.pk]

    # A worker claimed it and died without a word.
    ImportJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=now, attempts=1)
    assert import_job_sweep(now=now + datetime.timedelta(minutes=2)) == []
    assert import_job_sweep(now=now + datetime.timedelta(minutes=10)) == [job.pk]
    assert import_job_run(job_id=job.pk) == "done"
    job.refresh_from_db()
    assert job.attempts == 2
    assert Registration.objects.count() == 1


def test_imported_rows_beyond_the_seats_wait_in_order_and_hear_their_place(
    organiser_client, open_course
):
    open_course.capacity = 2
    open_course.save()
    RegistrationFactory(course=open_course, trainee=trainee_from("44"))
    RegistrationFactory(course=open_course, trainee=trainee_from("45"), status="waitlisted")
    response = upload(organiser_client, open_course, xlsx([person(1), person(2), person(3)]))
    assert response.status_code == 302
    imported = Registration.objects.filter(trainee__email__startswith="nominee").order_by("pk")
    assert [r.status for r in imported] == ["confirmed", "waitlisted", "waitlisted"]
    mails = {
        mail.key: mail
        for mail in OutgoingMail.objects.filter(key__startswith="registration:").exclude(
            to_email__startswith="user"
        )
    }
    first, second, third = imported
    assert [
        a.mimetype
        for a in attachment_contents(mails[f"registration:{first.pk}:confirmed"].attachments)
    ] == ["text/calendar"]
    assert "您在候补名单中排第2位。" in mails[f"registration:{second.pk}:waitlisted"].body_text
    assert "您在候补名单中排第3位。" in mails[f"registration:{third.pk}:waitlisted"].body_text


def test_messages_of_many_registrations_match_each_rendered_alone(open_course):
    """The import renders each template once and puts each trainee's name and place in;
    every message must be the one rendered for that registration alone."""
    from django.db import transaction

    from enrollment.services.common import lock_course, seat_state
    from enrollment.services.notify import registration_message
    from enrollment.services.registration import register_many_locked

    open_course.capacity = 2
    open_course.save()
    people = [trainee_from("44", full_name=f"学员{n} & <{n}>") for n in range(6)]
    people[1].preferred_language = "en"
    people[1].save()
    with transaction.atomic():
        course = lock_course(open_course.pk)
        registrations, refusals = register_many_locked(
            course=course, seats=seat_state(course), trainees=people, by=None, source="import"
        )
    assert not refusals
    assert [r.status for r in registrations] == ["confirmed"] * 2 + ["waitlisted"] * 4
    mails = {mail.key: mail for mail in OutgoingMail.objects.all()}
    assert len(mails) == 6
    for registration in registrations:
        event = registration.status
        alone = registration_message(registration, event, position=registration.place)
        mail = mails[f"registration:{registration.pk}:{event}"]
        assert (mail.to_email, mail.language, mail.subject, mail.body_text) == (
            alone.to_email,
            alone.language,
            alone.subject,
            alone.body_text,
        )
        assert registration.full_name in mail.body_text
    assert (
        "您在候补名单中排第4位。"
        in mails[f"registration:{registrations[5].pk}:waitlisted"].body_text
    )
    assert [
        a.mimetype
        for a in attachment_contents(
            mails[f"registration:{registrations[0].pk}:confirmed"].attachments
        )
    ] == ["text/calendar"]


def test_an_import_drops_the_cached_public_course_page(
    client, organiser_client, open_course, django_capture_on_commit_callbacks
):
    """Registrations go in as one bulk insert, without save signals; the anonymous course page
    cached before must not keep showing the seats they took."""
    from django.test import Client

    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert "100 of 100" in visitor.get(open_course.get_absolute_url()).text  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(organiser_client, open_course, xlsx([person(1), person(2)]))
    assert response.status_code == 302
    assert Registration.objects.filter(course=open_course).count() == 2
    assert "98 of 100" in visitor.get(open_course.get_absolute_url()).text
