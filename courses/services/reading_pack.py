"""A course's reading pack: sections in order, each an ordered list of documents and materials.

Every write locks the course row first (the one serialisation point of a course), so two
organisers reordering at once never end up with two items in the same place.
"""

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.models import Course, Material, ReadingPackItem, ReadingPackSection
from courses.services.common import ensure_can_edit, ensure_editable, lock_course
from policies.models import PolicyDocument

UP = "up"
DOWN = "down"

# The pack's rows that keep an `order` within their course or section.
Ordered = TypeVar("Ordered", ReadingPackSection, ReadingPackItem)


def _locked(course: Course, by: User) -> Course:
    ensure_can_edit(course, by)
    course = lock_course(course.pk)
    ensure_editable(course)
    return course


def _clean_heading(heading: str) -> str:
    heading = " ".join((heading or "").split())
    if not heading:
        raise ValidationError(
            {"heading": ValidationError(_("Give the section a heading."), code="heading_required")}
        )
    return heading


def _swap(rows: list[Ordered], index: int, direction: str) -> list[Ordered]:
    """`rows` with the row at `index` moved one place; ValidationError at either end."""
    if direction not in (UP, DOWN):
        raise ValidationError(_("Move up or down."), code="direction")
    target = index - 1 if direction == UP else index + 1
    if target < 0 or target >= len(rows):
        raise ValidationError(_("It is already at the end of the list."), code="at_edge")
    rows[index], rows[target] = rows[target], rows[index]
    return rows


def _gone() -> ValidationError:
    return ValidationError(_("Someone else removed it in the meantime."), code="gone")


def _still_there(rows: QuerySet[Ordered]) -> Ordered:
    """The one row of `rows`, re-read under the course lock; `gone` if it was deleted."""
    row = rows.first()
    if row is None:
        raise _gone()
    return row


def _index_of(rows: list[Ordered], pk: int) -> int:
    for index, row in enumerate(rows):
        if row.pk == pk:
            return index
    raise _gone()


def _renumber(rows: list[Ordered], model: type[Ordered]) -> None:
    for position, row in enumerate(rows):
        row.order = position
    model.objects.bulk_update(rows, ["order"])


@transaction.atomic
def pack_section_create(
    *, course: Course, by: User, heading: str, note: str = ""
) -> ReadingPackSection:
    course = _locked(course, by)
    heading = _clean_heading(heading)
    count = ReadingPackSection.objects.filter(course=course).count()
    return ReadingPackSection.objects.create(
        course=course, heading=heading, note=(note or "").strip(), order=count
    )


@transaction.atomic
def pack_section_update(
    *, section: ReadingPackSection, by: User, heading: str, note: str = ""
) -> ReadingPackSection:
    _locked(section.course, by)
    section = _still_there(ReadingPackSection.objects.filter(pk=section.pk))
    section.heading = _clean_heading(heading)
    section.note = (note or "").strip()
    section.save(update_fields=["heading", "note"])
    return section


@transaction.atomic
def pack_section_move(*, section: ReadingPackSection, by: User, direction: str) -> None:
    course = _locked(section.course, by)
    sections = list(ReadingPackSection.objects.filter(course=course).order_by("order", "pk"))
    _renumber(_swap(sections, _index_of(sections, section.pk), direction), ReadingPackSection)


@transaction.atomic
def pack_section_delete(*, section: ReadingPackSection, by: User) -> None:
    """Delete a section and its items (the documents and materials themselves stay)."""
    course = _locked(section.course, by)
    ReadingPackSection.objects.filter(pk=section.pk).delete()
    _renumber(
        list(ReadingPackSection.objects.filter(course=course).order_by("order", "pk")),
        ReadingPackSection,
    )


@transaction.atomic
def pack_item_add(
    *,
    section: ReadingPackSection,
    by: User,
    document: PolicyDocument | None = None,
    material: Material | None = None,
    note: str = "",
) -> ReadingPackItem:
    """Append a library document or one of the course's materials to a section."""
    course = _locked(section.course, by)
    _still_there(ReadingPackSection.objects.filter(pk=section.pk, course=course))
    if (document is None) == (material is None):
        raise ValidationError(_("Choose either a document or a material."), code="one_source")
    in_pack = ReadingPackItem.objects.filter(section__course=course)
    if document is not None:
        document = PolicyDocument.objects.get(pk=document.pk)
        if not document.is_published:
            raise ValidationError(
                _("Only published documents can be added to a reading pack."),
                code="document_not_published",
            )
        if in_pack.filter(document=document).exists():
            raise ValidationError(
                _("This document is already in the reading pack."), code="already_in_pack"
            )
    else:
        assert material is not None  # one_source above
        if material.course_id != course.pk:
            raise ValidationError(
                _("Choose one of this course's materials."), code="material_other_course"
            )
        if in_pack.filter(material=material).exists():
            raise ValidationError(
                _("This material is already in the reading pack."), code="already_in_pack"
            )
    count = ReadingPackItem.objects.filter(section=section).count()
    return ReadingPackItem.objects.create(
        section_id=section.pk,
        document=document,
        material=material,
        note=(note or "").strip(),
        order=count,
    )


@transaction.atomic
def pack_item_update(*, item: ReadingPackItem, by: User, note: str) -> ReadingPackItem:
    _locked(item.section.course, by)
    item = _still_there(ReadingPackItem.objects.filter(pk=item.pk))
    item.note = (note or "").strip()
    item.save(update_fields=["note"])
    return item


@transaction.atomic
def pack_item_move(*, item: ReadingPackItem, by: User, direction: str) -> None:
    """Move an item one place up or down inside its section."""
    _locked(item.section.course, by)
    items = list(ReadingPackItem.objects.filter(section_id=item.section_id).order_by("order", "pk"))
    _renumber(_swap(items, _index_of(items, item.pk), direction), ReadingPackItem)


@transaction.atomic
def pack_item_remove(*, item: ReadingPackItem, by: User) -> None:
    _locked(item.section.course, by)
    ReadingPackItem.objects.filter(pk=item.pk).delete()
    _renumber(
        list(ReadingPackItem.objects.filter(section_id=item.section_id).order_by("order", "pk")),
        ReadingPackItem,
    )


def pack_copy(*, source: Course, target: Course, materials: dict[int, Material]) -> None:
    """Copy the pack of `source` into `target` (used by course_clone, inside its transaction).

    `materials` maps the source's material ids to their copies; documents are shared.
    """
    sections = ReadingPackSection.objects.filter(course=source).prefetch_related("items")
    for section in sections.order_by("order", "pk"):
        copy = ReadingPackSection.objects.create(
            course=target, heading=section.heading, note=section.note, order=section.order
        )
        ReadingPackItem.objects.bulk_create(
            ReadingPackItem(
                section=copy,
                order=item.order,
                note=item.note,
                document_id=item.document_id,
                material=materials.get(item.material_id) if item.material_id else None,
            )
            for item in sorted(section.items.all(), key=lambda row: (row.order, row.pk))
            if item.document_id or item.material_id in materials
        )
