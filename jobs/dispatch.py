"""Queueing a task by its name, after the transaction that asked for it has committed.

A service never imports its app's `tasks` module: it names the task (`"exports.export_run"`)
and the routes in the settings send it to its queue. A broker that is down or hung never
reaches the caller: the failure is logged, the row that describes the work stays in the
database, and the app's sweeper hands it out again.
"""

import logging
from functools import partial
from typing import Any

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task: str, *args: object, log: logging.Logger | None = None, **options: Any) -> bool:
    """Send task `task` with `args` now: True when the broker took it.

    `options` are those of `apply_async` (time limits, countdown). A task registered in this
    process is sent through its own `delay`/`apply_async`, so its defaults travel with it;
    otherwise by name (`send_task`). Failures are written to `log` (the caller's logger, so
    the warning is filed under the app that lost the message) and never raised.
    """
    try:
        registered = current_app.tasks.get(task)
        if registered is None:
            current_app.send_task(task, args=args, **options)
        elif options:
            registered.apply_async(args, **options)
        else:
            registered.delay(*args)
    except Exception:  # noqa: BLE001 - the broker's failures must not reach the caller
        subject = args[0] if len(args) == 1 else list(args)
        (log or logger).warning(
            "could not queue %s (%s); the sweeper will hand it out again",
            subject,
            task,
            exc_info=True,
        )
        return False
    return True


def enqueue_on_commit(
    task: str, *args: object, log: logging.Logger | None = None, **options: Any
) -> None:
    """`enqueue` once the current transaction commits (at once outside a transaction).

    A rolled-back transaction queues nothing: its rows are gone, and so is the task.
    """
    transaction.on_commit(partial(enqueue, task, *args, log=log, **options), robust=True)
