"""Which courses a user attends as a trainee: the one question courses asks of the app above.

Materials for registered trainees and the reading pack are open to a course's confirmed
trainees, and the pack is also read by a worker building its bundle, far from any view that
could pass the answer in. Registrations belong to enrollment, which builds on courses and is
never imported here, so enrollment registers its selector (`course_ids_confirmed_for`) in its
AppConfig.ready(). Everything else about registrations reaches course pages from enrollment's
template tags and views, and every change that moves seats is an enrollment service.
"""

from collections.abc import Callable, Mapping

from django.db.models import Model, QuerySet

from accounts.models import User
from accounts.types import AnyUser
from courses.models import Course

# Rows of `.values("<id field>")`: a queryset usable as a subquery.
IdSubquery = QuerySet[Model, Mapping[str, object]]
# (user) -> the ids of the courses `user` attends, as a queryset usable as a subquery.
TraineeCourseIds = Callable[[User], IdSubquery]

_provider: TraineeCourseIds | None = None


def register(provider: TraineeCourseIds) -> None:
    global _provider
    _provider = provider


def trainee_course_ids(user: AnyUser) -> IdSubquery:
    """Ids of the courses `user` attends; none until enrollment has registered its answer."""
    if _provider is None or not user.is_authenticated:
        return Course.objects.none().values("pk")
    return _provider(user)


def is_trainee(*, user: AnyUser, course: Course) -> bool:
    if not user.is_authenticated:
        return False
    return Course.objects.filter(pk=course.pk, pk__in=trainee_course_ids(user)).exists()
