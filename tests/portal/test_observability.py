import json
import logging
import time

import pytest

from notifications.models import OutgoingMail
from portal.observability import JsonFormatter, RequestIdFilter, before_task_publish, request_id_var


@pytest.mark.django_db
def test_every_response_carries_a_request_id_and_a_proxys_id_is_kept(client):
    first = client.get("/")
    assert len(first["X-Request-ID"]) == 16
    assert client.get("/").headers["X-Request-ID"] != first["X-Request-ID"]
    assert (
        client.get("/", HTTP_X_REQUEST_ID="abc123def456").headers["X-Request-ID"] == "abc123def456"
    )
    # Anything odd from outside is replaced, never echoed.
    assert client.get("/", HTTP_X_REQUEST_ID="x\r\nSet-Cookie: a=b").headers["X-Request-ID"] != "x"


def test_json_log_lines_carry_the_request_id_and_timing_fields():
    record = logging.LogRecord("portal.timing", logging.INFO, __file__, 1, "request", None, None)
    record.status, record.duration_ms, record.path = 200, 12.5, "/课程/"
    token = request_id_var.set("feedbeef12345678")
    try:
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "feedbeef12345678"
    assert (line["status"], line["duration_ms"], line["path"]) == (200, 12.5, "/课程/")


def test_tasks_published_during_a_request_carry_its_id():
    headers: dict = {}
    token = request_id_var.set("cafe0000cafe0000")
    try:
        before_task_publish(headers=headers)
    finally:
        request_id_var.reset(token)
    assert headers["portal_request_id"] == "cafe0000cafe0000"


@pytest.mark.integration
def test_the_worker_logs_the_request_id_of_the_request_that_queued_its_task(
    own_workers, smtp_sink_server
):
    worker = own_workers("observed", "mail", PORTAL_TIMING_LOG_LEVEL="INFO")
    from notifications.outbox import Message, enqueue

    token = request_id_var.set("0123456789abcdef")
    try:
        enqueue(
            Message(
                key="observed:1",
                to_email="a@example.cn",
                language="zh-hans",
                subject="s",
                body_text="b",
            )
        )
    finally:
        request_id_var.reset(token)
    deadline = time.monotonic() + 30
    while OutgoingMail.objects.get(key="observed:1").status != OutgoingMail.Status.SENT:
        assert time.monotonic() < deadline, "the mail was not sent"
        time.sleep(0.2)
    time.sleep(0.5)
    log = worker.log_path.read_text()
    assert "[0123456789abcdef] task" in log
