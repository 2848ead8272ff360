"""What a webhook delivery carries: the resource as the API shows it (registered with the
webhooks app in `ApiConfig.ready`). Personal fields are masked, as for a token without
`personal:read`: a receiver that needs them reads the resource through the API."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch

from api import serializers as s
from api.views import WithParts
from courses.models import Course, Quota
from courses.selectors import session_list_for_course
from enrollment.models import Registration


def course_payload(course_id: int) -> dict[str, Any] | None:
    course = (
        Course.objects.select_related("region")
        .prefetch_related(
            "organisers",
            "host_organisations",
            Prefetch("quotas", queryset=Quota.objects.select_related("region")),
        )
        .filter(pk=course_id)
        .first()
    )
    if course is None:
        return None
    shown = WithParts(
        course,
        timetable=list(session_list_for_course(course).order_by("starts_at", "order", "pk")),
        groups_list=list(course.groups.order_by("name", "pk")),
    )
    return dict(s.CourseDetailSerializer(shown).data)


def registration_payload(registration_id: int) -> dict[str, Any] | None:
    registration = (
        Registration.objects.select_related("trainee", "region").filter(pk=registration_id).first()
    )
    if registration is None:
        return None
    return dict(s.RegistrationSerializer(registration).data)


def course_organisers(course_ids: set[int]) -> Iterable[tuple[int, int]]:
    return Course.organisers.through.objects.filter(course_id__in=course_ids).values_list(
        "course_id", "user_id"
    )
