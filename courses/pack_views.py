"""Reading-pack pages: the organisers' editor, and the bundle download with its progress page."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from courses import selectors, services
from courses.forms import PackItemAddForm, PackItemNoteForm, PackSectionForm
from courses.mixins import ManagedCourseMixin, OrganiserRequiredMixin
from courses.models import Course, ReadingPackBundle, ReadingPackItem, ReadingPackSection
from courses.services import pack_bundle
from jobs.views import JobProgressView
from policies.selectors import DocumentFilters, document_list_visible_to, document_search
from portal.downloads import private_file_response
from portal.forms import add_service_errors as add_errors
from portal.forms import error_text

SEARCH_RESULTS = 20


# -- Organisers -------------------------------------------------------------------------------


class PackManageView(ManagedCourseMixin, View):
    """The pack of one course: sections, items, and the forms that add to them."""

    template_name = "courses/readingpack_manage.html"

    def render_page(self, request, section_form, status=200):
        course = self.course
        query = " ".join(request.GET.get("q", "").split())[:100]
        results = []
        if query:
            results = list(
                document_search(user=request.user, filters=DocumentFilters(query=query)).filter(
                    is_published=True
                )[:SEARCH_RESULTS]
            )
        in_pack = set(
            ReadingPackItem.objects.filter(section__course=course, document__isnull=False)
            .values_list("document_id", flat=True)
            .order_by()
        )
        return render(
            request,
            self.template_name,
            {
                "course": course,
                "sections": selectors.pack_for_course(
                    course=course, user=request.user, can_edit=True
                ),
                "section_form": section_form,
                "add_form": PackItemAddForm(course=course),
                "query": query,
                "results": results,
                "in_pack": in_pack,
            },
            status=status,
        )

    def get(self, request, pk: int):
        return self.render_page(request, PackSectionForm())

    def post(self, request, pk: int):
        form = PackSectionForm(request.POST)
        if form.is_valid():
            try:
                services.pack_section_create(
                    course=self.course,
                    by=request.user,
                    heading=form.cleaned_data["heading"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The section is added."))
                return redirect("courses:pack-manage", pk=self.course.pk)
        return self.render_page(request, form, status=400)


class PackItemAddView(ManagedCourseMixin, View):
    def post(self, request, pk: int):
        form = PackItemAddForm(request.POST, course=self.course)
        target = reverse("courses:pack-manage", args=[self.course.pk])
        if not form.is_valid():
            messages.error(request, _("Choose a section and a document or material."))
            return redirect(target)
        data = form.cleaned_data
        document = None
        if data.get("document"):
            document = document_list_visible_to(request.user).filter(pk=data["document"]).first()
            if document is None:
                raise Http404
        try:
            services.pack_item_add(
                section=data["section"],
                by=request.user,
                document=document,
                material=data.get("material"),
                note=data.get("note") or "",
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Added to the reading pack."))
        query = request.POST.get("q", "")
        return redirect(f"{target}?{urlencode({'q': query})}" if query else target)


class PackSectionObjectMixin(OrganiserRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.section = get_object_or_404(
                ReadingPackSection.objects.select_related("course").filter(
                    course__in=selectors.course_list_editable_by(request.user)
                ),
                pk=kwargs["section_id"],
            )
            self.course = self.section.course
        return super().dispatch(request, *args, **kwargs)


class PackSectionUpdateView(PackSectionObjectMixin, View):
    template_name = "courses/readingpack_section_update.html"

    def form(self, data=None):
        return PackSectionForm(
            data,
            initial={"heading": self.section.heading, "note": self.section.note},
            submit_label=_("Save the section"),
        )

    def get(self, request, section_id: int):
        return render(
            request,
            self.template_name,
            {"course": self.course, "section": self.section, "form": self.form()},
        )

    def post(self, request, section_id: int):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                services.pack_section_update(
                    section=self.section,
                    by=request.user,
                    heading=form.cleaned_data["heading"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The section is saved."))
                return redirect("courses:pack-manage", pk=self.course.pk)
        return render(
            request,
            self.template_name,
            {"course": self.course, "section": self.section, "form": form},
            status=400,
        )


class PackSectionMoveView(PackSectionObjectMixin, View):
    def post(self, request, section_id: int):
        try:
            services.pack_section_move(
                section=self.section, by=request.user, direction=request.POST.get("direction", "")
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("courses:pack-manage", pk=self.course.pk)


class PackSectionDeleteView(PackSectionObjectMixin, View):
    def post(self, request, section_id: int):
        try:
            services.pack_section_delete(section=self.section, by=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("The section is deleted."))
        return redirect("courses:pack-manage", pk=self.course.pk)


class PackItemObjectMixin(OrganiserRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.item = get_object_or_404(
                ReadingPackItem.objects.select_related(
                    "section__course", "document", "material"
                ).filter(section__course__in=selectors.course_list_editable_by(request.user)),
                pk=kwargs["item_id"],
            )
            self.course = self.item.section.course
        return super().dispatch(request, *args, **kwargs)


class PackItemUpdateView(PackItemObjectMixin, View):
    template_name = "courses/readingpack_item_update.html"

    def context(self, form):
        return {"course": self.course, "item": self.item, "form": form}

    def get(self, request, item_id: int):
        form = PackItemNoteForm(initial={"note": self.item.note})
        return render(request, self.template_name, self.context(form))

    def post(self, request, item_id: int):
        form = PackItemNoteForm(request.POST)
        if form.is_valid():
            try:
                services.pack_item_update(
                    item=self.item, by=request.user, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The note is saved."))
                return redirect("courses:pack-manage", pk=self.course.pk)
        return render(request, self.template_name, self.context(form), status=400)


class PackItemMoveView(PackItemObjectMixin, View):
    def post(self, request, item_id: int):
        try:
            services.pack_item_move(
                item=self.item, by=request.user, direction=request.POST.get("direction", "")
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("courses:pack-manage", pk=self.course.pk)


class PackItemRemoveView(PackItemObjectMixin, View):
    def post(self, request, item_id: int):
        try:
            services.pack_item_remove(item=self.item, by=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Removed from the reading pack."))
        return redirect("courses:pack-manage", pk=self.course.pk)


# -- Trainees and organisers: the whole pack as one file ---------------------------------------


class PackBundleRequestView(View):
    def post(self, request, pk: int):
        if not request.user.is_authenticated:
            return redirect_to_login(reverse("courses:course-detail", args=[pk]))
        try:
            course = selectors.course_list_visible_to(request.user).get(pk=pk)
        except Course.DoesNotExist:
            raise Http404 from None
        try:
            bundle = pack_bundle.reading_pack_bundle_request(
                course=course, user=request.user, language=get_language()
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect(course.get_absolute_url())
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return redirect(course.get_absolute_url())
        if bundle.status == ReadingPackBundle.Status.DONE:
            # Built before for the same contents: the file at once.
            return redirect("courses:pack-bundle-download", bundle_id=bundle.pk)
        return redirect("courses:pack-bundle-detail", bundle_id=bundle.pk)


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


class PackBundleStatusView(PackBundleMixin, JobProgressView):
    def get_job(self, request, bundle_id: int) -> ReadingPackBundle:
        if not request.user.is_authenticated:
            raise Http404
        return self.bundle(request, bundle_id)


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
