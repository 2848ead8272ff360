"""Reads of the library, always scoped to what the user may see.

The visibility rule lives here once:
- organisers and administrators ("library staff") see every document, drafts included;
- everybody else sees published documents that are public, and published documents for
  "registered trainees of linked courses" when a registration provider (see policies.hooks)
  says they are registered in a course that links the document.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.roles import user_is_administrator, user_is_organiser
from accounts.types import AnyUser
from policies import hooks
from policies.models import (
    DocumentAuthority,
    DocumentChange,
    DocumentFile,
    DocumentRelation,
    IssuingAuthority,
    PolicyDocument,
    Tag,
)
from policies.numbers import normalise_prefix, parse_document_number


def user_is_library_staff(user: AnyUser) -> bool:
    return user_is_organiser(user)


def document_can_edit(*, user: AnyUser, document: PolicyDocument) -> bool:
    """Administrators edit any document; organisers the documents they added."""
    if user_is_administrator(user):
        return True
    return user_is_organiser(user) and document.created_by_id == user.pk


def _registered_q(user: AnyUser) -> Q:
    q = Q(pk__in=[])
    for provider in hooks.registration_providers():
        q |= Q(pk__in=provider(user))
    return q


def document_list_visible_to(user: AnyUser) -> QuerySet[PolicyDocument]:
    """Every document the user may see (unordered by relevance, no prefetching)."""
    documents = PolicyDocument.objects.all()
    if user_is_library_staff(user):
        return documents
    visible = Q(is_published=True, visibility=PolicyDocument.Visibility.PUBLIC)
    if user.is_authenticated and hooks.registration_providers():
        visible |= Q(
            is_published=True, visibility=PolicyDocument.Visibility.TRAINEES
        ) & _registered_q(user)
    return documents.filter(visible)


def document_is_visible_to(*, user: AnyUser, document: PolicyDocument) -> bool:
    """The per-document form of `document_list_visible_to` (the reading pack uses it)."""
    if user_is_library_staff(user):
        return True
    if not document.is_published:
        return False
    if document.visibility == PolicyDocument.Visibility.PUBLIC:
        return True
    if document.visibility == PolicyDocument.Visibility.TRAINEES and user.is_authenticated:
        return any(
            PolicyDocument.objects.filter(pk=document.pk).filter(pk__in=provider(user)).exists()
            for provider in hooks.registration_providers()
        )
    return False


def _with_listing_data(
    documents: QuerySet[PolicyDocument], user: AnyUser
) -> QuerySet[PolicyDocument]:
    """What a result row shows: authorities in order, tags and the documents superseding it."""
    visible_sources = document_list_visible_to(user).values("pk")
    return documents.prefetch_related(
        Prefetch(
            "documentauthority_set",
            queryset=DocumentAuthority.objects.select_related("authority"),
            to_attr="ordered_authorities",
        ),
        Prefetch("tags", queryset=Tag.objects.order_by("name")),
        Prefetch(
            "incoming_relations",
            queryset=DocumentRelation.objects.filter(source__in=visible_sources)
            .select_related("source")
            .order_by("-source__issue_date", "pk"),
            to_attr="visible_superseding",
        ),
    )


def _ids_matching(term: str) -> QuerySet[Any, Any]:
    """Ids of documents with `term` in any searched text, as one UNION of index scans.

    Each branch is a case-insensitive substring match that the trigram index on that column
    answers; OR-ing them in one WHERE would force a sequential scan of the whole library.
    """
    documents = PolicyDocument.objects.order_by()
    branches: list[QuerySet[Any, Any]] = [
        documents.filter(**{f"{column}__icontains": term}).values("pk")
        for column in ("title", "title_en", "number", "summary", "full_text")
    ]
    branches.append(
        DocumentAuthority.objects.order_by()
        .filter(
            Q(authority__name_zh__icontains=term)
            | Q(authority__name_en__icontains=term)
            | Q(authority__short_name__icontains=term)
        )
        .values("document_id")
    )
    branches.append(
        DocumentFile.objects.order_by().filter(text__icontains=term).values("document_id")
    )
    return branches[0].union(*branches[1:])


def _query_q(query: str) -> Q:
    """Documents matching a search box entry: a document number in any spelling, or words.

    Chinese has no spaces, so a Chinese query is one substring; English words must each match
    somewhere (title, summary, full text, number, authority or a file's text).
    """
    words = Q()
    for term in query.split():
        words &= Q(pk__in=_ids_matching(term))
    number = parse_document_number(query)
    if number is None:
        return words
    by_number = Q(number_year=number.year, number_serial=number.serial)
    if number.prefix:
        by_number &= Q(number_prefix__icontains=normalise_prefix(number.prefix))
    return by_number | words


@dataclass(frozen=True)
class DocumentFilters:
    query: str = ""
    authority: IssuingAuthority | None = None
    year: int | None = None
    status: str = ""
    category: str = ""
    tag: Tag | None = None


def document_search(*, user: AnyUser, filters: DocumentFilters) -> QuerySet[PolicyDocument]:
    """The library's browse and search page: visible documents matching every filter."""
    documents = document_list_visible_to(user)
    query = " ".join(filters.query.split())
    if query:
        documents = documents.filter(_query_q(query))
    if filters.authority is not None:
        documents = documents.filter(
            Exists(
                DocumentAuthority.objects.filter(
                    document=OuterRef("pk"), authority=filters.authority
                )
            )
        )
    if filters.year:
        documents = documents.filter(issue_date__year=filters.year)
    if filters.status:
        documents = documents.filter(status=filters.status)
    if filters.category:
        documents = documents.filter(category=filters.category)
    if filters.tag is not None:
        documents = documents.filter(tags=filters.tag)
    return _with_listing_data(documents, user).order_by("-issue_date", "-pk")


def document_years() -> list[int]:
    """The issue years present in the library, newest first, for the year filter."""
    dates = PolicyDocument.objects.dates("issue_date", "year", order="DESC")
    return [day.year for day in dates]


def authority_list() -> QuerySet[IssuingAuthority]:
    return IssuingAuthority.objects.order_by("name_zh")


def tag_list_visible_to(user: AnyUser) -> QuerySet[Tag]:
    """Tags of documents the user may see (a staff-only document's tags stay unlisted)."""
    visible = document_list_visible_to(user).values("pk")
    return Tag.objects.filter(
        Exists(Tag.documents.through.objects.filter(tag=OuterRef("pk"), policydocument__in=visible))
    ).order_by("name")


def document_get_for_user(*, user: AnyUser, pk: int) -> PolicyDocument:
    """One visible document with its listing data; DoesNotExist when out of the user's scope."""
    return _with_listing_data(document_list_visible_to(user), user).get(pk=pk)


@dataclass
class RelatedDocuments:
    amends: list[PolicyDocument]
    amended_by: list[PolicyDocument]
    replaces: list[PolicyDocument]
    replaced_by: list[PolicyDocument]

    def __bool__(self) -> bool:
        return any([self.amends, self.amended_by, self.replaces, self.replaced_by])


def document_related(*, user: AnyUser, document: PolicyDocument) -> RelatedDocuments:
    """Documents linked to this one that the user may see, in both directions (one query)."""
    visible = document_list_visible_to(user).values("pk")
    relations = (
        DocumentRelation.objects.filter(Q(source=document) | Q(target=document))
        .filter(Q(source=document, target__in=visible) | Q(target=document, source__in=visible))
        .select_related("source", "target")
        .order_by("pk")
    )
    related = RelatedDocuments([], [], [], [])
    for relation in relations:
        outgoing = relation.source_id == document.pk
        if relation.kind == DocumentRelation.Kind.AMENDS:
            (related.amends if outgoing else related.amended_by).append(
                relation.target if outgoing else relation.source
            )
        else:
            (related.replaces if outgoing else related.replaced_by).append(
                relation.target if outgoing else relation.source
            )
    return related


def document_files(*, document: PolicyDocument) -> QuerySet[DocumentFile]:
    return document.files.order_by("kind", "pk")


def document_file_get_for_user(*, user: AnyUser, document_pk: int, file_pk: int) -> DocumentFile:
    """A file of a document the user may see; DoesNotExist otherwise."""
    return DocumentFile.objects.select_related("document").get(
        pk=file_pk, document_id=document_pk, document__in=document_list_visible_to(user)
    )


def document_history(*, document: PolicyDocument) -> QuerySet[DocumentChange]:
    return document.changes.select_related("changed_by").order_by("-changed_at", "-pk")


def document_course_links(*, document: PolicyDocument, user: AnyUser) -> list[hooks.CourseLink]:
    links: list[hooks.CourseLink] = []
    for provider in hooks.course_links_providers():
        links.extend(provider(document, user))
    return links


def document_choices_for_relations(
    *, exclude: PolicyDocument | None = None
) -> QuerySet[PolicyDocument]:
    """The documents an editor may link as amended or replaced."""
    documents = PolicyDocument.objects.order_by("-issue_date", "-pk")
    if exclude is not None:
        documents = documents.exclude(pk=exclude.pk)
    return documents
