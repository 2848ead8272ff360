"""Queueing by name after commit; a broker that is down never reaches the caller."""

import logging

import pytest
from django.db import transaction

from jobs.dispatch import enqueue, enqueue_on_commit


@pytest.mark.django_db
def test_a_task_is_queued_only_when_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            enqueue_on_commit("tests.no_such_task", 1)
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue_on_commit("tests.no_such_task", 2)
            raise RuntimeError("rolled back")
    assert [callback.args for callback in callbacks] == [("tests.no_such_task", 1)]


def test_a_broker_that_is_down_is_logged_not_raised(broker_down, caplog):
    log = logging.getLogger("tests.jobs")
    with caplog.at_level(logging.WARNING, logger="tests.jobs"):
        assert enqueue("tests.no_such_task", 7, log=log) is False
    (record,) = caplog.records
    assert record.args[0] == 7 and record.args[1] == "tests.no_such_task"
