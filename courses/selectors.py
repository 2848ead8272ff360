"""Reads of courses, scoped to who is asking."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, overload

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import OrderBy
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Organisation
from accounts.roles import user_is_administrator, user_is_organiser
from accounts.types import AnyUser
from courses.models import (
    Course,
    CourseCheckinStaff,
    Material,
    Quota,
    ReadingPackItem,
    ReadingPackSection,
    Session,
    Speaker,
)
from courses.timetable_days import timetable_by_day, timetable_hours
from courses.trainees import IdSubquery, is_trainee, trainee_course_ids
from policies.hooks import CourseLink
from policies.models import DocumentAuthority, DocumentFile, PolicyDocument
from policies.selectors import DocumentFilters, document_list_visible_to, document_search

PUBLIC_STATUSES = (Course.Status.PUBLISHED, Course.Status.CANCELLED, Course.Status.ARCHIVED)


def course_list_visible_to(user: AnyUser) -> QuerySet[Course]:
    """Everything but drafts; drafts only to their organisers and administrators."""
    courses = Course.objects.all()
    if user_is_administrator(user):
        return courses
    if user.is_authenticated:
        # A subquery rather than a join: no duplicate rows, so no DISTINCT over every column.
        own = Course.organisers.through.objects.filter(user=user).values("course_id")
        return courses.filter(Q(status__in=PUBLIC_STATUSES) | Q(pk__in=own))
    return courses.filter(status__in=PUBLIC_STATUSES)


def course_list_editable_by(user: AnyUser) -> QuerySet[Course]:
    """Courses `user` may change: their own as organiser, every course as administrator."""
    if user_is_administrator(user):
        return Course.objects.all()
    if user_is_organiser(user):
        return Course.objects.filter(organisers=user)
    return Course.objects.none()


def course_can_edit(*, course: Course, user: AnyUser) -> bool:
    return course_list_editable_by(user).filter(pk=course.pk).exists()


@dataclass(frozen=True)
class CatalogueFilters:
    q: str = ""
    category: str = ""
    region_id: int | None = None
    month: datetime.date | None = None  # any day of the month
    open_only: bool = False
    organisation_type: str = ""


def course_catalogue(filters: CatalogueFilters | None = None) -> "Catalogue":
    """Published courses, upcoming first (soonest first), then past ones (latest first)."""
    filters = filters or CatalogueFilters()
    courses = Course.objects.filter(status=Course.Status.PUBLISHED)
    if filters.q:
        q = filters.q.strip()
        # The timetable counts too: a session's title, its speakers (name or organisation)
        # and the venue. The ids matching on the course row and those matching in its
        # timetable are one UNION, so each side keeps its trigram indexes and the page the
        # same few statements.
        on_course = Course.objects.filter(
            Q(title__icontains=q)
            | Q(summary__icontains=q)
            | Q(description__icontains=q)
            | Q(venue__icontains=q)
        ).values("pk")
        in_timetable = Session.objects.filter(
            Q(title__icontains=q)
            | Q(speakers__name__icontains=q)
            | Q(speakers__organisation__icontains=q)
        ).values("course_id")
        courses = courses.filter(pk__in=on_course.union(in_timetable))
    if filters.category:
        courses = courses.filter(category=filters.category)
    if filters.region_id:
        courses = courses.filter(region_id=filters.region_id)
    if filters.month:
        first = filters.month.replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        courses = courses.filter(starts_on__lt=following, ends_on__gte=first)
    if filters.open_only:
        now = timezone.now()
        courses = courses.filter(registration_opens_at__lte=now, registration_closes_at__gt=now)
    if filters.organisation_type:
        courses = courses.filter(
            Q(eligible_organisation_types=[])
            | Q(eligible_organisation_types__contains=[filters.organisation_type])
        )
    return Catalogue(courses, today=timezone.localdate())


class Catalogue:
    """The catalogue as a sequence the paginator slices, in three index-friendly parts.

    Sorting every published course by CASE expressions on "today" cannot use an index, so the
    order is built from three parts, each read in an order the (status, starts_on, ends_on)
    index serves and cut at the end of the requested page: upcoming courses (ends_on >= today,
    soonest first), undated ones, then past ones (latest first). One UNION ALL query fetches the
    keys of a page, one query its courses; the count is one conditional-free COUNT.
    """

    def __init__(self, courses: QuerySet[Course], *, today: datetime.date):
        self.courses = courses.order_by()
        self.today = today
        self._count: int | None = None

    def _parts(self) -> list[tuple[int, QuerySet[Course], list[str | OrderBy]]]:
        today = self.today
        upcoming = self.courses.filter(ends_on__gte=today, starts_on__isnull=False)
        undated = self.courses.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today, starts_on__isnull=True)
        )
        past = self.courses.filter(ends_on__lt=today)
        return [
            (0, upcoming, ["starts_on", "pk"]),
            (1, undated, ["pk"]),
            (2, past, [F("starts_on").desc(nulls_last=True), "pk"]),
        ]

    def count(self) -> int:
        if self._count is None:
            self._count = self.courses.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def explain(self, **options: Any) -> str:
        return "\n".join(
            query.order_by(*order).explain(**options) for _, query, order in self._parts()
        )

    def __iter__(self) -> Iterator[Course]:
        return iter(self[0 : self.count()])

    @overload
    def __getitem__(self, index: int) -> Course: ...
    @overload
    def __getitem__(self, index: slice) -> list[Course]: ...
    def __getitem__(self, index: int | slice) -> Course | list[Course]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        if stop is None:
            stop = self.count()
        if stop <= start:
            return []
        parts = [
            query.annotate(part=Value(part, output_field=IntegerField()))
            .order_by(*order)
            .values_list("part", "starts_on", "pk")[:stop]
            for part, query, order in self._parts()
        ]
        keys = list(parts[0].union(*parts[1:], all=True))

        def sort_key(row: tuple[int, datetime.date | None, int]) -> tuple[int, int, int]:
            part, starts_on, pk = row
            if part == 0:
                assert starts_on is not None  # upcoming courses are the dated ones
                return (0, starts_on.toordinal(), pk)
            if part == 1:
                return (1, 0, pk)
            return (2, -starts_on.toordinal() if starts_on else 1, pk)

        ids = [pk for _, _, pk in sorted(keys, key=sort_key)[start:stop]]
        by_id = Course.objects.select_related("region").in_bulk(ids)
        return [by_id[pk] for pk in ids]


def course_detail_for(*, course_id: int, user: AnyUser) -> Course:
    """One course with everything its page shows, or Course.DoesNotExist if out of scope."""
    return (
        course_list_visible_to(user)
        .select_related("region")
        .prefetch_related(
            "organisers",
            "host_organisations",
            Prefetch("quotas", queryset=Quota.objects.select_related("region")),
        )
        .get(pk=course_id)
    )


def session_list_for_course(course: Course) -> QuerySet[Session]:
    return (
        Session.objects.filter(course=course)
        .select_related("discussion_group")
        .prefetch_related(Prefetch("speakers", queryset=Speaker.objects.order_by("pk")))
    )


def material_levels_visible_to(*, user: AnyUser, course: Course, can_edit: bool) -> set[str]:
    """The visibility levels of `course`'s materials that `user` may download."""
    levels = {Material.Visibility.PUBLIC.value}
    if not user.is_authenticated:
        return levels
    if can_edit:
        return {value for value, _label in Material.Visibility.choices}
    if is_trainee(user=user, course=course):
        levels.add(Material.Visibility.TRAINEES.value)
    return levels


def material_list_visible_to(
    *, user: AnyUser, course: Course, can_edit: bool
) -> QuerySet[Material]:
    levels = material_levels_visible_to(user=user, course=course, can_edit=can_edit)
    return (
        Material.objects.filter(course=course, visibility__in=levels)
        .select_related("session")
        .order_by("session__starts_at", "title", "pk")
    )


def material_for_download(*, material_id: int, user: AnyUser) -> Material:
    """A material `user` may download, or Material.DoesNotExist."""
    material = Material.objects.select_related("course").get(pk=material_id)
    course = material.course
    if not course_list_visible_to(user).filter(pk=course.pk).exists():
        raise Material.DoesNotExist
    can_edit = course_can_edit(course=course, user=user)
    if material.visibility not in material_levels_visible_to(
        user=user, course=course, can_edit=can_edit
    ):
        raise Material.DoesNotExist
    return material


def course_dashboard_for(user: AnyUser) -> list[Course]:
    """The organiser's courses with their next session, drafts first (one query).

    Their registration counts come from enrollment (`{% with_seat_counts %}`)."""
    now = timezone.now()
    next_session = Session.objects.filter(course=OuterRef("pk"), ends_at__gte=now).order_by(
        "starts_at"
    )
    return list(
        course_list_editable_by(user)
        .select_related("region")
        .annotate(
            next_session_title=Subquery(next_session.values("title")[:1]),
            next_session_starts_at=Subquery(next_session.values("starts_at")[:1]),
            status_rank=Case(
                When(status=Course.Status.DRAFT, then=Value(0)),
                When(status=Course.Status.PUBLISHED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        )
        .order_by("status_rank", F("starts_on").asc(nulls_first=True), "pk")
    )


def speaker_list() -> QuerySet[Speaker]:
    return Speaker.objects.order_by("name", "pk")


def checkin_staff_list_for_course(course: Course) -> QuerySet[CourseCheckinStaff]:
    """The people the course's organisers assigned to take its attendance, first added first."""
    return (
        CourseCheckinStaff.objects.filter(course=course)
        .select_related("user")
        .order_by("added_at", "pk")
    )


def user_is_course_checkin_staff(user: AnyUser) -> bool:
    """Whether organisers assigned `user` to take attendance at some course."""
    return user.is_authenticated and CourseCheckinStaff.objects.filter(user=user).exists()


def speaker_list_editable_by(user: AnyUser) -> QuerySet[Speaker]:
    """Speakers are shared by every course: any organiser may change any of them."""
    return speaker_list() if user_is_organiser(user) else Speaker.objects.none()


def speaker_list_with_session_counts() -> QuerySet[Speaker]:
    return speaker_list().annotate(session_count=Count("sessions"))


def material_list_for_course(course: Course) -> list[Material]:
    """Every material of the course, for its organisers' list."""
    return list(
        course.materials.select_related("session").order_by("session__starts_at", "title", "pk")
    )


def course_part_counts(course: Course) -> dict[str, int]:
    """How many sessions, groups, materials and quotas the course has (one query)."""
    return Course.objects.filter(pk=course.pk).aggregate(
        sessions=Count("sessions", distinct=True),
        groups=Count("groups", distinct=True),
        materials=Count("materials", distinct=True),
        quotas=Count("quotas", distinct=True),
    )


def course_page(*, course: Course, user: AnyUser) -> dict:
    """What the course page shows `user`: timetable, materials, reading pack, quotas."""
    can_edit = course_can_edit(course=course, user=user)
    sessions = list(session_list_for_course(course))
    pack_visible = pack_can_view(user=user, course=course, can_edit=can_edit)
    materials = material_list_visible_to(user=user, course=course, can_edit=can_edit)
    days = timetable_by_day(course, sessions)
    return {
        "course": course,
        "can_edit": can_edit,
        "days": days,
        "course_hours": timetable_hours(days),
        "materials": list(materials),
        "pack_visible": pack_visible,
        "pack_sections": pack_for_course(course=course, user=user, can_edit=can_edit)
        if pack_visible
        else [],
        "pack_exists": not pack_visible and pack_exists(course),
        "quotas": list(course.quotas.all()),
        "eligible_labels": [
            Organisation.Type(value).label
            for value in course.eligible_organisation_types
            if value in Organisation.Type.values
        ],
    }


# -- Reading pack -----------------------------------------------------------------------------


def pack_can_view(*, user: AnyUser, course: Course, can_edit: bool | None = None) -> bool:
    """The pack's contents are for the course's registered trainees and its organisers."""
    if not user.is_authenticated:
        return False
    if can_edit is None:
        can_edit = course_can_edit(course=course, user=user)
    return can_edit or is_trainee(user=user, course=course)


def pack_exists(course: Course) -> bool:
    return ReadingPackItem.objects.filter(section__course=course).exists()


@dataclass
class PackSectionView:
    section: ReadingPackSection
    items: list[ReadingPackItem]


def pack_for_course(*, course: Course, user: AnyUser, can_edit: bool) -> list[PackSectionView]:
    """The pack in order with only the items `user` may see (a constant number of queries).

    Documents follow the library's visibility rule (`document_list_visible_to`); materials the
    course's own levels. Organisers of the course see every item.
    """
    levels = material_levels_visible_to(user=user, course=course, can_edit=can_edit)
    visible_documents = document_list_visible_to(user).values("pk")
    items: QuerySet[ReadingPackItem] = (
        ReadingPackItem.objects.filter(section__course=course)
        .filter(
            Q(document__in=visible_documents)
            | Q(material__course=course, material__visibility__in=levels)
        )
        .select_related("document", "material")
        .prefetch_related(
            Prefetch(
                "document__documentauthority_set",
                queryset=DocumentAuthority.objects.select_related("authority").order_by(
                    "position", "pk"
                ),
                to_attr="ordered_authorities",
            ),
            Prefetch(
                "document__files",
                queryset=DocumentFile.objects.order_by("kind", "pk"),
                to_attr="ordered_files",
            ),
        )
        .order_by("order", "pk")
    )
    by_section: dict[int, list[ReadingPackItem]] = {}
    for item in items:
        by_section.setdefault(item.section_id, []).append(item)
    views = [
        PackSectionView(section=section, items=by_section.get(section.pk, []))
        for section in ReadingPackSection.objects.filter(course=course).order_by("order", "pk")
    ]
    # One numbering through the pack, as in the bundle's file names (01-..., 02-...).
    position = 0
    for view in views:
        for item in view.items:
            position += 1
            item.position = position
    return views


PACK_SEARCH_RESULTS = 20


def pack_editor(*, course: Course, user: AnyUser, query: str) -> dict:
    """The pack editor's data: its sections, and the published documents matching `query`
    with those already in the pack."""
    results = []
    if query:
        found = document_search(user=user, filters=DocumentFilters(query=query))
        results = list(found.filter(is_published=True)[:PACK_SEARCH_RESULTS])
    in_pack = set(
        ReadingPackItem.objects.filter(section__course=course, document__isnull=False)
        .values_list("document_id", flat=True)
        .order_by()
    )
    return {
        "sections": pack_for_course(course=course, user=user, can_edit=True),
        "query": query,
        "results": results,
        "in_pack": in_pack,
    }


def registered_document_ids(user: AnyUser) -> IdSubquery:
    """For the library: documents in the packs of courses `user` attends as a trainee."""
    return (
        ReadingPackItem.objects.filter(
            section__course_id__in=trainee_course_ids(user), document__isnull=False
        )
        .order_by()
        .values("document_id")
    )


def course_links_for_document(document: PolicyDocument, user: AnyUser) -> list[CourseLink]:
    """For the document page: the courses whose pack uses it and that `user` may see."""
    courses = (
        course_list_visible_to(user)
        .filter(
            pk__in=ReadingPackSection.objects.filter(items__document=document).values("course_id")
        )
        .order_by(F("starts_on").desc(nulls_last=True), "pk")
    )
    return [
        CourseLink(
            title=course.title,
            url=course.get_absolute_url(),
            note=date_format(course.starts_on) if course.starts_on else "",
        )
        for course in courses
    ]


def course_list_exportable_by(user: AnyUser) -> QuerySet[Course]:
    """Courses whose spreadsheets `user` may download: the ones they may edit."""
    return course_list_editable_by(user)
