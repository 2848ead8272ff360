"""Certificate pages: the public verification, the trainee's own PDF, and the organisers'
per-course page (rule, who qualifies, issue and revoke, the ZIP of all)."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
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
from enrollment.selectors import registration_list_confirmed_for
from portal.downloads import private_file_response
from portal.forms import error_text
from portal.observability import client_ip_var

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PDF = "application/pdf"


def _too_many_lookups() -> bool:
    """At most PORTAL_CERTIFICATE_VERIFY_RATE lookups per address in ten minutes: with codes of
    120 random bits guessing is hopeless anyway, this only keeps scanners from wasting work."""
    limit = int(getattr(settings, "PORTAL_CERTIFICATE_VERIFY_RATE", 120))
    key = f"certificates:verify:{client_ip_var.get() or '-'}"
    cache.add(key, 0, timeout=600)
    try:
        return cache.incr(key) > limit
    except ValueError:
        return False


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
        if _too_many_lookups():
            response = render(
                request,
                self.template_name,
                {"form": VerifyForm(), "result": "busy"},
                status=429,
            )
            response["Retry-After"] = "600"
            return response
        certificate = selectors.certificate_by_code(normalise_code(code))
        if certificate is None:
            result, status = "not_found", 404
        elif certificate.is_valid:
            result, status = "valid", 200
        else:
            result, status = "revoked", 200
        name_form = NameCheckForm(request.GET if "name" in request.GET else None)
        name_matches = None
        if result == "valid" and certificate is not None and name_form.is_valid():
            name_matches = same_name(name_form.cleaned_data["name"], certificate.trainee_name)
        response = render(
            request,
            self.template_name,
            {
                "form": VerifyForm(initial={"code": code}),
                "result": result,
                "name_form": name_form,
                "name_matches": name_matches,
            },
            status=status,
        )
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex"
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
        registration = (
            registration_list_confirmed_for(request.user)
            .select_related("course")
            .filter(course_id=pk)
            .first()
        )
        if registration is None:
            raise Http404
        course = registration.course
        rule = selectors.rule_or_default(course)
        row = selectors.eligibility_for_registration(registration, rule=rule)
        if row is not None:  # it holds the registration's certificate, if any
            held = row.certificate
            revoked = held is not None and held.status == Certificate.Status.REVOKED
        else:
            revoked = Certificate.objects.filter(
                registration=registration, status=Certificate.Status.REVOKED
            ).exists()
        return render(
            request,
            self.template_name,
            {
                "course": course,
                "finished": selectors.course_has_finished(course),
                "revoked": revoked,
                "row": row,
                "rule": rule,
                "has_rule": rule.pk is not None,  # not the unsaved defaults
            },
        )


class CertificateManageView(ManagedCourseMixin, View):
    template_name = "certificates/certificate_manage.html"

    def render_page(self, request, course: Course, form=None, status=200):
        rule = selectors.rule_for(course)
        rows = selectors.eligibility_for_course(course, rule=rule)
        return render(
            request,
            self.template_name,
            {
                "course": course,
                "rule": rule,
                "form": form or CertificateRuleForm(instance=rule, course=course),
                "rows": rows,
                "finished": selectors.course_has_finished(course),
                "issued": sum(1 for r in rows if r.certificate and r.certificate.is_valid),
                "revoked": sum(1 for r in rows if r.certificate and not r.certificate.is_valid),
                "qualifying": sum(1 for r in rows if r.qualifies),
                "archive": CertificateArchive.objects.filter(course=course).first(),
                "reason_form": ReasonForm(),
            },
            status=status,
        )

    def get(self, request, pk: int):
        return self.render_page(request, self.course)

    def post(self, request, pk: int):
        course = self.course
        form = CertificateRuleForm(request.POST, course=course)
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return self.render_page(request, course, form, status=400)
        try:
            services.rule_save(course=course, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return self.render_page(request, course, form, status=400)
        messages.success(request, _("The certificate rule has been saved."))
        return redirect("certificates:certificate-manage", pk=course.pk)


class IssueAllView(ManagedCourseMixin, View):
    def post(self, request, pk: int):
        course = self.course
        try:
            count = services.certificate_issue_for_course(course_id=course.pk, by=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("%(count)s new certificates issued.") % {"count": count})
        return redirect("certificates:certificate-manage", pk=course.pk)


class ReasonActionView(ManagedCourseMixin, View):
    """Issue or revoke one certificate by hand: a reason is required and audited."""

    done_message: "StrOrPromise" = ""
    object_kwarg = ""  # the URL's name for the registration or certificate id

    def act(self, *, course: Course, object_id: int, by, reason: str) -> None:
        raise NotImplementedError

    def post(self, request, pk: int, **kwargs):
        course = self.course
        object_id = kwargs[self.object_kwarg]
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Please give a reason."))
        else:
            try:
                self.act(
                    course=course,
                    object_id=object_id,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, self.done_message)
        return redirect("certificates:certificate-manage", pk=course.pk)


class CertificateIssueView(ReasonActionView):
    done_message = gettext_lazy("The certificate has been issued.")
    object_kwarg = "registration_id"

    def act(self, *, course, object_id, by, reason):
        services.certificate_issue(course=course, registration_id=object_id, by=by, reason=reason)


class CertificateRevokeView(ReasonActionView):
    done_message = gettext_lazy("The certificate has been revoked.")
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


class ArchiveRequestView(ManagedCourseMixin, View):
    def post(self, request, pk: int):
        course = self.course
        archive = services.archive_request(course=course, by=request.user, language=get_language())
        return redirect("certificates:archive-detail", archive_id=archive.pk)


class ArchiveMixin(LoginRequiredMixin):
    def archive(self, request, archive_id: int) -> CertificateArchive:
        return get_object_or_404(selectors.archive_list_for_user(request.user), pk=archive_id)


class ArchiveDetailView(ArchiveMixin, View):
    template_name = "certificates/archive_detail.html"

    def get(self, request, archive_id: int):
        archive = self.archive(request, archive_id)
        return render(request, self.template_name, {"bundle": archive, "course": archive.course})


class ArchiveStatusView(ArchiveMixin, View):
    def get(self, request, archive_id: int):
        archive = self.archive(request, archive_id)
        return JsonResponse(archive.progress())


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
