"""The Celery application. Workers start with `celery -A portal worker -Q default,mail,exports`."""

import os

from celery import Celery, signals

from portal import observability

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

signals.before_task_publish.connect(observability.before_task_publish, weak=False)
signals.task_prerun.connect(observability.task_prerun, weak=False)
signals.task_postrun.connect(observability.task_postrun, weak=False)
