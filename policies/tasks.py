from celery import shared_task

from policies.services import document_file_extract_text


@shared_task(name="policies.document_file_extract_text")
def document_file_extract_text_task(file_id: int) -> str:
    return document_file_extract_text(file_id=file_id)
