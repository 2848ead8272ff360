"""Extension points for the apps that build on the library (courses registers both).

Why a registry here: the library's own pages (document list, detail, search, downloads) must
answer "may this user see this document?" and "which courses use it?", and those answers
depend on reading packs and registrations, which live in apps above the library. No view or
service of those apps stands between the library's pages and the question, so nothing could
pass the answer down; and imports flow courses → policies, so the library never imports
them. Instead they register here from their `AppConfig.ready()`:

- a *registration provider* answers "which documents may this trainee see because they are
  registered in a course that links them?" — it governs documents whose visibility is
  "registered trainees of linked courses". With none registered, only staff see them.
- a *course links provider* lists the courses that use a document, for the document page.

    # courses/apps.py
    def ready(self):
        from policies import hooks
        hooks.register_registration_provider(registered_document_ids)
        hooks.register_course_links_provider(course_links_for_document)
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from django.db.models import Model, QuerySet


class CourseLink(NamedTuple):
    title: str
    url: str
    note: str = ""


# (user) -> ids of documents linked to courses the user is registered in: a queryset of ids
# (`.values("<id>")`, used as a subquery, so the list stays one query) or any iterable of ints.
RegistrationProvider = Callable[[Any], QuerySet[Model, Mapping[str, object]] | Iterable[int]]
# (document, user) -> the courses that use the document and that the user may see.
CourseLinksProvider = Callable[[Any, Any], Iterable[CourseLink]]

_registration_providers: list[RegistrationProvider] = []
_course_links_providers: list[CourseLinksProvider] = []


def register_registration_provider(provider: RegistrationProvider) -> None:
    if provider not in _registration_providers:
        _registration_providers.append(provider)


def unregister_registration_provider(provider: RegistrationProvider) -> None:
    if provider in _registration_providers:
        _registration_providers.remove(provider)


def registration_providers() -> tuple[RegistrationProvider, ...]:
    return tuple(_registration_providers)


def register_course_links_provider(provider: CourseLinksProvider) -> None:
    if provider not in _course_links_providers:
        _course_links_providers.append(provider)


def unregister_course_links_provider(provider: CourseLinksProvider) -> None:
    if provider in _course_links_providers:
        _course_links_providers.remove(provider)


def course_links_providers() -> tuple[CourseLinksProvider, ...]:
    return tuple(_course_links_providers)
