"""Certificate pages: the public verification, the trainee's own PDF, and the organisers'
per-course page (rule, who qualifies, issue and revoke, the ZIP of all)."""

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View

from certificates import selectors, services
from certificates.forms import (
    CertificateRuleForm,
    NameCheckForm,
    ReasonForm,
    VerifyForm,
    same_name,
)
from certificates.models import Certificate, CertificateArchive, normalise_code
from certificates.pdf import certificate_filename
from courses.mixins import ManagedCourseMixin
from courses.models import Course
from enrollment.models import Registration
from jobs.views import JobProgressView
from portal.auth_types import signed_in
from portal.downloads import private_file_response
from portal.views_base import ServiceActionView, ServiceFormView

if TYPE_CHECKING:
    pass

PDF = "application/pdf"


class VerifyFormView(View):
    """Type a certificate number; a GET form, so it needs no session or cookie."""

    template_name = "certificates/certificate_verify.html"

    def get(self, request):
        if "code" in request.GET:
            form = VerifyForm(request.GET)
            if form.is_valid():
                return redirect("certificates:verify", code=form.cleaned_data["code"])
        else:
            form = VerifyForm()
        return render(request, self.template_name, {"form": form, "result": None})


class VerifyView(View):
    """Whether the code is valid, revoked or unknown, and nothing more. Whoever holds the paper
    may also check that the name printed on it is the holder's: the page answers "matches" or
    "does not match" and never shows a name, a course or anything else of the trainee."""

    template_name = "certificates/certificate_verify.html"

    def get(self, request, code: str):
        if services.verification_lookups_exceeded():
            return self.busy()
        result, certificate = selectors.certificate_verdict(normalise_code(code))
        name_form = NameCheckForm(request.GET if "name" in request.GET else None)
        name_matches = None
        holder_removed = (
            certificate is not None and certificate.holder_details_removed_at is not None
        )
        if result == "valid" and not holder_removed and certificate and name_form.is_valid():
            name_matches = same_name(name_form.cleaned_data["name"], certificate.trainee_name)
        response = render(
            request,
            self.template_name,
            {
                "form": VerifyForm(initial={"code": code}),
                "result": result,
                "name_form": name_form,
                "name_matches": name_matches,
                "certificate": certificate if result == "valid" else None,
                "holder_removed": holder_removed,
            },
            status=404 if result == "not_found" else 200,
        )
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    def busy(self) -> HttpResponse:
        response = render(
            self.request, self.template_name, {"form": VerifyForm(), "result": "busy"}, status=429
        )
        response["Retry-After"] = "600"
        return response


class CertificateMineView(LoginRequiredMixin, View):
    """The trainee's own certificate as a PDF; without one, why not."""

    template_name = "certificates/certificate_mine.html"

    def get(self, request, pk: int):
        try:
            certificate = selectors.certificate_for_trainee(user=request.user, course_id=pk)
        except Certificate.DoesNotExist:
            pass
        else:
            stored = services.certificate_pdf_file(certificate=certificate)
            return private_file_response(
                file=stored, filename=certificate_filename(certificate), content_type=PDF
            )
        try:
            page = selectors.certificate_pending_page(user=request.user, course_id=pk)
        except Registration.DoesNotExist as exc:
            raise Http404 from exc
        return render(request, self.template_name, page)


class CertificateManagedView(ManagedCourseMixin):
    """Back to the course's certificate page."""

    def get_success_url(self, result) -> str:
        return reverse("certificates:certificate-manage", args=[self.course.pk])


class CertificateManageView(CertificateManagedView, ServiceFormView):
    """Who qualifies and who holds a certificate; the form is the course's rule. A refused
    rule stays in the form as typed, with the reason above it."""

    template_name = "certificates/certificate_manage.html"
    form_class = CertificateRuleForm
    invalid_status = 400
    invalid_message = gettext_lazy("Please correct the errors below.")
    refused_as = "message"
    success_message = gettext_lazy("The certificate rule has been saved.")

    @cached_property
    def rule(self):
        return selectors.rule_for(self.course)

    def get_form_kwargs(self) -> dict:
        if self.request.method == "POST":
            return {"course": self.course}
        return {"course": self.course, "instance": self.rule}

    def get_context_data(self, **kwargs) -> dict:
        page = selectors.certificate_manage_page(course=self.course, rule=self.rule)
        return {**page, "reason_form": ReasonForm(), **kwargs}

    def run_service(self, form):
        return services.rule_save(
            course=self.course, by=signed_in(self.request), **form.cleaned_data
        )


class IssueAllView(CertificateManagedView, ServiceActionView):
    def run_service(self) -> int:
        return services.certificate_issue_for_course(
            course_id=self.course.pk, by=signed_in(self.request)
        )

    def get_success_message(self, result) -> str:
        return _("%(count)s new certificates issued.") % {"count": result}


class ReasonActionView(CertificateManagedView, ServiceActionView):
    """Issue or revoke one certificate by hand: a reason is required and audited."""

    object_kwarg = ""  # the URL's name for the registration or certificate id

    def act(self, *, course: Course, object_id: int, by, reason: str) -> None:
        raise NotImplementedError

    def run_service(self):
        form = ReasonForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("Please give a reason."), code="no_reason")
        return self.act(
            course=self.course,
            object_id=self.kwargs[self.object_kwarg],
            by=signed_in(self.request),
            reason=form.cleaned_data["reason"],
        )


class CertificateIssueView(ReasonActionView):
    success_message = gettext_lazy("The certificate has been issued.")
    object_kwarg = "registration_id"

    def act(self, *, course, object_id, by, reason):
        services.certificate_issue(course=course, registration_id=object_id, by=by, reason=reason)


class CertificateRevokeView(ReasonActionView):
    success_message = gettext_lazy("The certificate has been revoked.")
    object_kwarg = "certificate_id"

    def act(self, *, course, object_id, by, reason):
        services.certificate_revoke(course=course, certificate_id=object_id, by=by, reason=reason)


class CertificateDownloadView(ManagedCourseMixin, View):
    """An organiser's copy of any certificate of their course."""

    def get(self, request, pk: int, certificate_id: int):
        course = self.course
        certificate = get_object_or_404(
            Certificate.objects.select_related("course"), pk=certificate_id, course=course
        )
        stored = services.certificate_pdf_file(certificate=certificate)
        return private_file_response(
            file=stored, filename=certificate_filename(certificate), content_type=PDF
        )


class ArchiveRequestView(CertificateManagedView, ServiceActionView):
    """Ask for the ZIP of all the course's certificates; its page shows the progress."""

    def run_service(self) -> CertificateArchive:
        return services.archive_request(
            course=self.course, by=signed_in(self.request), language=get_language()
        )

    def get_success_url(self, result) -> str:
        if result is None:
            return super().get_success_url(result)
        return reverse("certificates:archive-detail", args=[result.pk])


class ArchiveMixin(LoginRequiredMixin):
    def archive(self, request, archive_id: int) -> CertificateArchive:
        return get_object_or_404(selectors.archive_list_for_user(request.user), pk=archive_id)


class ArchiveDetailView(ArchiveMixin, View):
    template_name = "certificates/archive_detail.html"

    def get(self, request, archive_id: int):
        archive = self.archive(request, archive_id)
        return render(request, self.template_name, {"bundle": archive, "course": archive.course})


class ArchiveStatusView(ArchiveMixin, JobProgressView):
    def get_job(self, request, **kwargs: Any) -> CertificateArchive:
        return self.archive(request, kwargs["archive_id"])


class ArchiveDownloadView(ArchiveMixin, View):
    def get(self, request, archive_id: int):
        archive = self.archive(request, archive_id)
        if archive.status != CertificateArchive.Status.DONE or not archive.file:
            messages.info(request, _("The file is not ready yet."))
            return redirect(reverse("certificates:archive-detail", args=[archive.pk]))
        return private_file_response(
            file=archive.file,
            filename=services.archive_filename(archive),
            content_type="application/zip",
        )
