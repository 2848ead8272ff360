"""The personal calendar feed's secret address."""

from django.db import transaction

from accounts.models import User
from enrollment.models import CalendarFeed


@transaction.atomic
def calendar_feed_regenerate(*, user: User) -> CalendarFeed:
    """A new secret URL for the user's calendar; the old one stops working."""
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user)
