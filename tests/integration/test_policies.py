import time

import pytest

from accounts.roles import Role
from policies.models import DocumentFile
from policies.selectors import DocumentFilters, document_search
from policies.services import document_file_add
from tests.factories.accounts import UserFactory
from tests.factories.policies import PolicyDocumentFactory
from tests.policies.files import pdf_bytes, upload

pytestmark = pytest.mark.integration


def test_a_worker_extracts_the_text_of_an_uploaded_pdf_for_search(celery_worker):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    document = PolicyDocumentFactory(created_by=admin, title="试点方案")
    stored = document_file_add(
        document_id=document.pk,
        by=admin,
        kind=DocumentFile.Kind.ORIGINAL,
        upload=upload("方案.pdf", pdf_bytes("国家开发银行提供融资支持")),
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            stored.refresh_from_db()
            if stored.text_status != DocumentFile.TextStatus.PENDING:
                break
            time.sleep(0.2)
        assert stored.text_status == DocumentFile.TextStatus.DONE
        found = document_search(user=admin, filters=DocumentFilters(query="融资支持"))
        assert list(found) == [document]
    finally:
        stored.file.delete(save=False)
