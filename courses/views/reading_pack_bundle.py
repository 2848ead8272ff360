"""The whole reading pack as one file: the request, its progress page and the download."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from courses import selectors
from courses.models import ReadingPackBundle
from courses.services import pack_bundle
from jobs.views import JobProgressView
from portal.downloads import private_file_response
from portal.views_base import ServiceActionView


class PackBundleRequestView(ServiceActionView):
    """Anyone who sees the course may ask; who may not see the pack is told on its page."""

    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(reverse("courses:course-detail", args=[kwargs["pk"]]))
        self.course = get_object_or_404(
            selectors.course_list_visible_to(request.user), pk=kwargs["pk"]
        )
        return super().post(request, *args, **kwargs)

    def run_service(self):
        try:
            return pack_bundle.reading_pack_bundle_request(
                course=self.course, user=self.request.user, language=get_language()
            )
        except PermissionDenied as exc:
            raise ValidationError(str(exc), code="pack_not_visible") from exc

    def get_success_url(self, bundle) -> str:
        if bundle is None:
            return self.course.get_absolute_url()
        if bundle.status == ReadingPackBundle.Status.DONE:
            # Built before for the same contents: the file at once.
            return reverse("courses:pack-bundle-download", args=[bundle.pk])
        return reverse("courses:pack-bundle-detail", args=[bundle.pk])


class PackBundleMixin:
    def bundle(self, request, bundle_id: int) -> ReadingPackBundle:
        try:
            return pack_bundle.pack_bundle_for_progress(bundle_id=bundle_id, user=request.user)
        except ReadingPackBundle.DoesNotExist:
            raise Http404 from None


class PackBundleDetailView(PackBundleMixin, View):
    template_name = "courses/readingpack_bundle.html"

    def get(self, request, bundle_id: int):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        bundle = self.bundle(request, bundle_id)
        return render(request, self.template_name, {"bundle": bundle, "course": bundle.course})


class PackBundleStatusView(LoginRequiredMixin, PackBundleMixin, JobProgressView):
    def get_job(self, request, **kwargs: Any) -> ReadingPackBundle:
        return self.bundle(request, kwargs["bundle_id"])


class PackBundleDownloadView(View):
    def get(self, request, bundle_id: int):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            bundle = pack_bundle.pack_bundle_for_download(bundle_id=bundle_id, user=request.user)
        except ReadingPackBundle.DoesNotExist:
            raise Http404 from None
        except pack_bundle.PackChanged:
            bundle = ReadingPackBundle.objects.select_related("course").get(pk=bundle_id)
            messages.info(
                request,
                _("The reading pack has changed since this file was made. Download it again."),
            )
            return redirect(bundle.course.get_absolute_url() + "#reading-pack")
        if bundle.status != ReadingPackBundle.Status.DONE or not bundle.file:
            return redirect("courses:pack-bundle-detail", bundle_id=bundle.pk)
        return private_file_response(
            file=bundle.file,
            filename=_("%(course)s - reading pack.zip") % {"course": bundle.course.title},
            content_type="application/zip",
        )
