from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from privacy.models import DataDownload


def data_download_list_for_user(*, user: Any) -> QuerySet[DataDownload]:
    """The person's own downloads that have not expired: nobody else's, ever."""
    return DataDownload.objects.filter(user=user).exclude(expires_at__lt=timezone.now())
