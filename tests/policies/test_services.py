import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from policies.models import DocumentChange, DocumentFile, DocumentRelation, PolicyDocument
from policies.services import (
    DocumentData,
    authority_create,
    document_create,
    document_file_add,
    document_file_count_download,
    document_file_extract_text,
    document_file_remove,
    document_publish,
    document_unpublish,
    document_update,
)
from tests.factories.accounts import UserFactory
from tests.factories.policies import IssuingAuthorityFactory, PolicyDocumentFactory
from tests.policies.files import docx_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(roles=[Role.ADMINISTRATOR])


@pytest.fixture
def organiser():
    return UserFactory(roles=[Role.ORGANISER])


def _data(**overrides) -> DocumentData:
    values = {
        "title": "关于加强新时代高技能人才队伍建设的意见",
        "number": "中办发〔2022〕15号",
        "issue_date": datetime.date(2022, 10, 7),
        "authorities": [IssuingAuthorityFactory(name_zh="中共中央办公厅")],
        "tags": ["高技能人才", "技能人才评价", "高技能人才"],
    }
    values.update(overrides)
    return DocumentData(**values)


def test_create_stores_number_parts_authorities_in_order_tags_and_history(admin):
    first = IssuingAuthorityFactory(name_zh="中共中央办公厅")
    second = IssuingAuthorityFactory(name_zh="国务院办公厅")
    document = document_create(by=admin, data=_data(authorities=[first, second]))
    assert (document.number_prefix, document.number_year, document.number_serial) == (
        "中办发",
        2022,
        15,
    )
    assert [link.authority for link in document.documentauthority_set.all()] == [first, second]
    assert sorted(document.tags.values_list("name", flat=True)) == ["技能人才评价", "高技能人才"]
    assert not document.is_published
    (change,) = document.changes.all()
    assert change.action == DocumentChange.Action.CREATED
    assert change.changed_by == admin
    assert change.changes["authorities"]["new"] == ["中共中央办公厅", "国务院办公厅"]


def test_trainees_cannot_create_documents():
    with pytest.raises(PermissionDenied):
        document_create(by=UserFactory(), data=_data())


def test_duplicate_number_in_another_spelling_is_refused(admin):
    document_create(by=admin, data=_data())
    with pytest.raises(ValidationError) as caught:
        document_create(by=admin, data=_data(number="中办发[2022]15号"))
    assert caught.value.error_dict["number"][0].code == "duplicate_number"


def test_effective_date_before_issue_date_is_refused(admin):
    with pytest.raises(ValidationError) as caught:
        document_create(by=admin, data=_data(effective_date=datetime.date(2022, 1, 1)))
    assert caught.value.error_dict["effective_date"][0].code == "effective_before_issue"


def test_edit_records_field_level_diff_with_who_and_when(admin):
    document = document_create(by=admin, data=_data())
    document_update(
        document_id=document.pk,
        by=admin,
        data=_data(title="关于加强高技能人才队伍建设的意见", status=PolicyDocument.Status.AMENDED),
    )
    change = document.changes.filter(action=DocumentChange.Action.EDITED).get()
    assert change.changed_by == admin
    assert change.changes == {
        "title": {
            "old": "关于加强新时代高技能人才队伍建设的意见",
            "new": "关于加强高技能人才队伍建设的意见",
        },
        "status": {"old": "in_force", "new": "amended"},
    }


def test_saving_without_changes_records_nothing(admin):
    document = document_create(by=admin, data=_data())
    document_update(document_id=document.pk, by=admin, data=_data())
    assert document.changes.count() == 1


def test_organiser_edits_own_documents_only(organiser):
    own = document_create(by=organiser, data=_data())
    document_update(document_id=own.pk, by=organiser, data=_data(title="新标题"))
    someone_elses = PolicyDocumentFactory()
    with pytest.raises(PermissionDenied):
        document_update(document_id=someone_elses.pk, by=organiser, data=_data(number=""))
    with pytest.raises(PermissionDenied):
        document_publish(document_id=someone_elses.pk, by=organiser)


def test_administrator_edits_any_document(admin, organiser):
    document = document_create(by=organiser, data=_data())
    document_update(document_id=document.pk, by=admin, data=_data(title="管理员改的标题"))
    document.refresh_from_db()
    assert document.title == "管理员改的标题"


def test_publish_and_unpublish_are_recorded(admin):
    document = document_create(by=admin, data=_data())
    document_publish(document_id=document.pk, by=admin)
    with pytest.raises(ValidationError) as caught:
        document_publish(document_id=document.pk, by=admin)
    assert caught.value.code == "already_published"
    document_unpublish(document_id=document.pk, by=admin)
    document.refresh_from_db()
    assert not document.is_published and document.published_at is None
    assert list(document.changes.values_list("action", flat=True)) == [
        "unpublished",
        "published",
        "created",
    ]


def test_publishing_a_replacement_repeals_the_old_document_and_records_it(admin):
    old = PolicyDocumentFactory()
    new = document_create(by=admin, data=_data(replaces=[old]))
    old.refresh_from_db()
    assert old.status == PolicyDocument.Status.IN_FORCE  # a draft changes nothing yet
    document_publish(document_id=new.pk, by=admin)
    old.refresh_from_db()
    assert old.status == PolicyDocument.Status.REPEALED
    change = old.changes.get(action=DocumentChange.Action.STATUS_CHANGED)
    assert change.changes["status"] == {"old": "in_force", "new": "repealed"}
    assert DocumentRelation.objects.get(source=new, target=old).kind == "replaces"


def test_an_amending_document_marks_the_old_one_amended(admin):
    old = PolicyDocumentFactory()
    document_create(by=admin, data=_data(amends=[old]), publish=True)
    old.refresh_from_db()
    assert old.status == PolicyDocument.Status.AMENDED


def test_relations_are_replaced_on_edit_and_recorded(admin):
    first, second = PolicyDocumentFactory(), PolicyDocumentFactory()
    document = document_create(by=admin, data=_data(amends=[first]))
    document_update(document_id=document.pk, by=admin, data=_data(amends=[second]))
    assert list(document.outgoing_relations.values_list("target_id", flat=True)) == [second.pk]
    change = document.changes.get(action=DocumentChange.Action.EDITED)
    assert change.changes["amends"] == {"old": [str(first)], "new": [str(second)]}


def test_a_document_cannot_amend_itself(admin):
    document = document_create(by=admin, data=_data())
    with pytest.raises(ValidationError) as caught:
        document_update(document_id=document.pk, by=admin, data=_data(amends=[document]))
    assert caught.value.error_dict["amends"][0].code == "self_relation"


# Files ----------------------------------------------------------------------------------------


def test_file_add_stores_random_name_checksum_and_dispatches_extraction(
    admin, django_capture_on_commit_callbacks, media_root
):
    import hashlib

    document = PolicyDocumentFactory(created_by=admin)
    content = pdf_bytes()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        stored = document_file_add(
            document_id=document.pk,
            by=admin,
            kind=DocumentFile.Kind.ORIGINAL,
            upload=upload("../../关于\r\n意见.pdf", content),
        )
    assert len(callbacks) == 1
    assert stored.display_name == "关于意见.pdf"
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.size == len(content)
    assert stored.content_type == "application/pdf"
    assert stored.text_status == DocumentFile.TextStatus.PENDING
    assert stored.file.name.startswith("policies/") and "关于" not in stored.file.name
    assert (media_root / stored.file.name).read_bytes() == content
    assert document.changes.get().action == DocumentChange.Action.FILE_ADDED


def test_rejected_upload_stores_nothing(admin, media_root):
    document = PolicyDocumentFactory(created_by=admin)
    with pytest.raises(ValidationError) as caught:
        document_file_add(
            document_id=document.pk,
            by=admin,
            kind=DocumentFile.Kind.ORIGINAL,
            upload=upload("通知.pdf", b"<html>not a pdf</html>"),
        )
    assert caught.value.code == "content_mismatch"
    assert not DocumentFile.objects.exists()
    assert not (media_root / "policies").exists() or not any((media_root / "policies").iterdir())


def test_trainee_cannot_upload():
    document = PolicyDocumentFactory()
    with pytest.raises(PermissionDenied):
        document_file_add(
            document_id=document.pk,
            by=UserFactory(),
            kind=DocumentFile.Kind.ORIGINAL,
            upload=upload("a.pdf", pdf_bytes()),
        )


def _stored(admin, name: str, content: bytes, kind=DocumentFile.Kind.ORIGINAL) -> DocumentFile:
    document = PolicyDocumentFactory(created_by=admin)
    return document_file_add(
        document_id=document.pk, by=admin, kind=kind, upload=upload(name, content)
    )


def test_extract_text_from_pdf(admin):
    stored = _stored(admin, "a.pdf", pdf_bytes("关于加强新时代高技能人才队伍建设的意见"))
    assert document_file_extract_text(file_id=stored.pk) == DocumentFile.TextStatus.DONE
    stored.refresh_from_db()
    assert "高技能人才队伍建设" in stored.text


def test_extract_text_from_docx(admin):
    stored = _stored(admin, "a.docx", docx_bytes(["第一条 双元培育", "Article 2 dual-track"]))
    assert document_file_extract_text(file_id=stored.pk) == DocumentFile.TextStatus.DONE
    stored.refresh_from_db()
    assert stored.text == "第一条 双元培育\nArticle 2 dual-track"


def test_extract_text_of_a_damaged_file_is_marked_failed(admin):
    stored = _stored(admin, "a.docx", docx_bytes())
    stored.file.storage.delete(stored.file.name)
    with stored.file.storage.open(stored.file.name, "wb") as broken:
        broken.write(b"PK\x03\x04 broken")
    assert document_file_extract_text(file_id=stored.pk) == DocumentFile.TextStatus.FAILED


def test_extract_text_of_a_missing_row_does_nothing():
    assert document_file_extract_text(file_id=987654) == "missing"


def test_images_are_not_sent_for_extraction(admin, django_capture_on_commit_callbacks):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, "PNG")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        stored = _stored(admin, "图.png", buffer.getvalue(), kind=DocumentFile.Kind.ATTACHMENT)
    assert callbacks == []
    assert stored.text_status == DocumentFile.TextStatus.NONE


def test_remove_file_records_history_and_deletes_after_commit(
    admin, django_capture_on_commit_callbacks, media_root
):
    stored = _stored(admin, "a.pdf", pdf_bytes())
    path = media_root / stored.file.name
    with django_capture_on_commit_callbacks(execute=True):
        document_file_remove(file_id=stored.pk, by=admin)
    assert not path.exists()
    assert stored.document.changes.filter(action=DocumentChange.Action.FILE_REMOVED).exists()


def test_download_count_is_an_atomic_increment(admin):
    stored = _stored(admin, "a.pdf", pdf_bytes())
    document_file_count_download(file_id=stored.pk)
    document_file_count_download(file_id=stored.pk)
    stored.refresh_from_db()
    assert stored.download_count == 2


def test_authority_create_refuses_duplicates(admin):
    authority_create(by=admin, name_zh="国家开发银行", name_en="China Development Bank")
    with pytest.raises(ValidationError) as caught:
        authority_create(by=admin, name_zh="国家 开发银行")
    assert caught.value.error_dict["name_zh"][0].code == "duplicate_authority"
    with pytest.raises(PermissionDenied):
        authority_create(by=UserFactory(), name_zh="某部")


@pytest.mark.django_db(transaction=True)
def test_concurrent_downloads_are_all_counted():
    import threading

    from django.db import connection

    document = PolicyDocumentFactory()
    stored = DocumentFile.objects.create(
        document=document,
        kind=DocumentFile.Kind.ORIGINAL,
        file="policies/x.pdf",
        display_name="x.pdf",
        size=1,
        sha256="0" * 64,
        content_type="application/pdf",
    )
    barrier = threading.Barrier(12)

    def download():
        barrier.wait()
        try:
            document_file_count_download(file_id=stored.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=download) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored.refresh_from_db()
    assert stored.download_count == 12


def test_document_changes_are_in_the_audit_log_too(admin):
    from audit.models import AuditEvent

    document = document_create(by=admin, data=_data())
    document_publish(document_id=document.pk, by=admin)
    events = AuditEvent.objects.filter(target_id=str(document.pk), action="document.changed")
    assert [event.details["action"] for event in events.order_by("pk")] == ["created", "published"]
    assert all(event.actor == admin for event in events)
