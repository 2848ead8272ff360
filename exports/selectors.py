from django.db.models import QuerySet

from accounts.roles import user_is_administrator
from exports.models import ExportJob


def export_job_list_for_user(*, user) -> QuerySet[ExportJob]:
    """Exports are private to the person who asked for them, and administrators."""
    jobs = ExportJob.objects.select_related("requested_by")
    if user_is_administrator(user):
        return jobs
    return jobs.filter(requested_by=user)
