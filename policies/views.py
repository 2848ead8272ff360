import logging

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from policies import selectors, services
from policies.forms import AuthorityForm, DocumentFileForm, DocumentForm, DocumentSearchForm
from policies.history import change_lines
from policies.models import DocumentFile, PolicyDocument
from portal.access import RoleRequiredMixin, ScopedObjectMixin
from portal.downloads import private_file_response
from portal.views_base import ServiceActionView, ServiceFormView

logger = logging.getLogger(__name__)
PAGE_SIZE = 20


def _visible_document(request, pk: int) -> PolicyDocument:
    try:
        return selectors.document_get_for_user(user=request.user, pk=pk)
    except PolicyDocument.DoesNotExist as exc:
        raise Http404 from exc


def _editable_document(request, pk: int) -> PolicyDocument:
    """The document among those the visitor may change: one they may only read is 404 here,
    as any object out of a page's scope (portal.access)."""
    document = _visible_document(request, pk)
    if not selectors.document_can_edit(user=request.user, document=document):
        raise Http404
    return document


class LibraryStaffRequiredMixin(RoleRequiredMixin):
    """Pages of the library with no document (adding one, an issuing authority)."""

    def has_role(self, user) -> bool:
        return selectors.user_is_library_staff(user)


class DocumentListView(View):
    template_name = "policies/document_list.html"

    def get(self, request):
        form = DocumentSearchForm(request.GET or None, user=request.user)
        documents = selectors.document_search(user=request.user, filters=form.filters())
        page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "page_obj": page,
                "documents": page.object_list,
                "query_string": query.urlencode(),
                "searching": any(value for key, value in request.GET.items() if key != "page"),
                "can_add": selectors.user_is_library_staff(request.user),
            },
        )


class DocumentDetailView(View):
    template_name = "policies/document_detail.html"

    def get(self, request, pk: int):
        document = _visible_document(request, pk)
        history = [
            (change, change_lines(change.changes))
            for change in selectors.document_history(document=document)
        ]
        return render(
            request,
            self.template_name,
            {
                "document": document,
                "files": selectors.document_files(document=document),
                "related": selectors.document_related(user=request.user, document=document),
                "history": history,
                "course_links": selectors.document_course_links(
                    document=document, user=request.user
                ),
                "can_edit": selectors.document_can_edit(user=request.user, document=document),
            },
        )


class DocumentCreateView(LibraryStaffRequiredMixin, ServiceFormView):
    template_name = "policies/document_form.html"
    form_class = DocumentForm
    invalid_status = 400
    success_message = _("The document is saved.")

    def run_service(self, form):
        return services.document_create(
            by=self.request.user, data=form.document_data(), publish=form.cleaned_data["publish"]
        )

    def get_success_url(self, document) -> str:
        return document.get_absolute_url()


class EditableDocumentMixin(ScopedObjectMixin):
    """`self.document` from the URL, among the documents the visitor may change (404 else);
    back to the document after each step."""

    request: HttpRequest
    document: PolicyDocument

    def look_up(self, **kwargs) -> None:
        self.document = _editable_document(self.request, kwargs["pk"])

    def get_success_url(self, result) -> str:
        return self.document.get_absolute_url()


class DocumentUpdateView(EditableDocumentMixin, ServiceFormView):
    template_name = "policies/document_form.html"
    form_class = DocumentForm
    invalid_status = 400
    success_message = _("The document is saved.")

    def get_form_kwargs(self) -> dict:
        return {"document": self.document}

    def get_initial(self) -> dict:
        return DocumentForm.initial_for(self.document)

    def get_context_data(self, **kwargs) -> dict:
        return {"document": self.document, **kwargs}

    def run_service(self, form):
        return services.document_update(
            document_id=self.document.pk, by=self.request.user, data=form.document_data()
        )


class DocumentPublishView(EditableDocumentMixin, ServiceActionView):
    success_message = _("The document is published.")

    def run_service(self):
        return services.document_publish(document_id=self.document.pk, by=self.request.user)


class DocumentUnpublishView(EditableDocumentMixin, ServiceActionView):
    success_message = _("The document is withdrawn; only staff see it now.")

    def run_service(self):
        return services.document_unpublish(document_id=self.document.pk, by=self.request.user)


class DocumentFileCreateView(EditableDocumentMixin, ServiceFormView):
    template_name = "policies/document_file_create.html"
    form_class = DocumentFileForm
    invalid_status = 400
    success_message = _("The file is uploaded.")

    def get_initial(self) -> dict:
        first = not self.document.files.exists()
        return {"kind": DocumentFile.Kind.ORIGINAL if first else ""}

    def get_context_data(self, **kwargs) -> dict:
        return {"document": self.document, **kwargs}

    def run_service(self, form):
        return services.document_file_add(
            document_id=self.document.pk,
            by=self.request.user,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["upload"],
        )

    def form_refused(self, form, exc):
        # Whatever the service finds wrong is about the uploaded file.
        form.add_error("upload", exc)
        return self.render_form(form, status=self.invalid_status)


class DocumentFileDeleteView(EditableDocumentMixin, ServiceActionView):
    success_message = _("The file is removed.")

    def run_service(self):
        document_file = self.document.files.filter(pk=self.kwargs["file_pk"]).first()
        if document_file is None:
            raise Http404
        return services.document_file_remove(file_id=document_file.pk, by=self.request.user)


class DocumentFileDownloadView(View):
    def get(self, request, pk: int, file_pk: int):
        try:
            document_file = selectors.document_file_get_for_user(
                user=request.user, document_pk=pk, file_pk=file_pk
            )
        except DocumentFile.DoesNotExist as exc:
            raise Http404 from exc
        try:
            response = private_file_response(
                file=document_file.file,
                filename=document_file.display_name,
                content_type=document_file.content_type,
            )
        except FileNotFoundError as exc:
            logger.error("stored file of document file %s is missing", document_file.pk)
            raise Http404 from exc
        services.document_file_count_download(file_id=document_file.pk)
        return response


class AuthorityCreateView(LibraryStaffRequiredMixin, ServiceFormView):
    template_name = "policies/authority_create.html"
    form_class = AuthorityForm
    invalid_status = 400
    success_url = reverse_lazy("policies:document-list")

    def run_service(self, form):
        return services.authority_create(by=self.request.user, **form.cleaned_data)

    def get_success_message(self, authority) -> str:
        return gettext("“%(name)s” is added; you can now name it on documents.") % {
            "name": authority.name_zh
        }
