"""The Celery app the test workers run: the portal's own, plus the tests' exporters."""

from portal.celery import app
from tests import exporters  # noqa: F401 - registers the test exporters

__all__ = ["app"]
