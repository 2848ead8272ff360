"""A short-lived cache of the public course pages as anonymous visitors see them.

The catalogue, its searches and the course pages are the most visited pages and the same for
every anonymous visitor; rendering them costs 15-35 ms of CPU, serving them from the cache
well under one. An entry lives at most `PUBLIC_PAGE_SECONDS` and is dropped as soon as a
course, its sessions, materials or quotas, or a registration is saved or deleted (a version
number bumped on those signals), and when any change made under the course lock commits
(`courses.services.common.lock_course`), so bulk inserts and updates drop them too. Signed-in visitors,
visitors with pending messages, and responses setting cookies are never cached. The CSRF
tokens of the page's forms (the language switch) are stored as a placeholder and filled in
with the visitor's own token when the page is served.
"""

import functools
import hashlib
import re

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

PUBLIC_PAGE_SECONDS = 30
VERSION_KEY = "courses:public-pages:version"
WATCHED_APPS = {"courses", "enrollment"}
# Their rows never show on the public pages: jobs and personal settings.
UNSEEN_MODELS = {"courses.readingpackbundle", "enrollment.importjob", "enrollment.calendarfeed"}
_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_PLACEHOLDER = rb"\g<1>__csrf_token__\g<2>"


def bump_version(sender=None, **kwargs) -> None:
    """Drop the cached pages once the change is committed: a page cached under the new version
    before then could show the old data, and the bump would run while the saving transaction
    holds its locks (a registration holds the course's)."""
    if sender is not None and (
        sender._meta.app_label not in WATCHED_APPS or sender._meta.label_lower in UNSEEN_MODELS
    ):
        return
    transaction.on_commit(_bump_now, robust=True)


def _bump_now() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, timeout=None)


def connect_signals() -> None:
    post_save.connect(bump_version, dispatch_uid="courses-public-pages-save")
    post_delete.connect(bump_version, dispatch_uid="courses-public-pages-delete")


def _cacheable_request(request) -> bool:
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and len(messages.get_messages(request)) == 0
    )


def anonymous_page_cache(view_method):
    """Decorate a class-based view's `get`: serve anonymous visitors from the cache."""

    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        if not _cacheable_request(request):
            return view_method(self, request, *args, **kwargs)
        digest = hashlib.sha1(request.get_full_path().encode(), usedforsecurity=False)
        key = f"courses:public-page:{get_language()}:{digest.hexdigest()}"
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY, 0)
        entry = found.get(key)
        if entry is not None and entry[0] == version:
            content = entry[2]
            if b"__csrf_token__" in content:
                content = content.replace(b"__csrf_token__", get_token(request).encode())
            return HttpResponse(content, content_type=entry[1])
        response = view_method(self, request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            content = _TOKEN.sub(_PLACEHOLDER, response.content)
            cache.set(
                key,
                (version, response["Content-Type"], content),
                timeout=PUBLIC_PAGE_SECONDS,
            )
        return response

    return wrapper
