from django.db.models import QuerySet

from exports.models import ExportJob
from portal.auth_types import PortalUser

# Held by administrators (accounts grants it to their role) and by superusers.
VIEW_EVERY_EXPORT = "exports.view_every_export"


def export_job_list_for_user(*, user: PortalUser) -> QuerySet[ExportJob]:
    """Exports are private to the person who asked for them, and whoever may see every export."""
    jobs = ExportJob.objects.select_related("requested_by")
    if user.has_perm(VIEW_EVERY_EXPORT):
        return jobs
    return jobs.filter(requested_by=user)
