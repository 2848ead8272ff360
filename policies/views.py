import logging

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from policies import selectors, services
from policies.forms import AuthorityForm, DocumentFileForm, DocumentForm, DocumentSearchForm
from policies.history import change_lines
from policies.models import DocumentFile, PolicyDocument
from portal.downloads import private_file_response
from portal.forms import add_service_errors as _add_errors

logger = logging.getLogger(__name__)
PAGE_SIZE = 20


def _visible_document(request, pk: int) -> PolicyDocument:
    try:
        return selectors.document_get_for_user(user=request.user, pk=pk)
    except PolicyDocument.DoesNotExist as exc:
        raise Http404 from exc


def _editable_document(request, pk: int) -> PolicyDocument:
    document = _visible_document(request, pk)
    if not selectors.document_can_edit(user=request.user, document=document):
        raise PermissionDenied
    return document


class LibraryStaffRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.user_is_library_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


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


class DocumentCreateView(LibraryStaffRequiredMixin, View):
    template_name = "policies/document_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": DocumentForm()})

    def post(self, request):
        form = DocumentForm(request.POST)
        if form.is_valid():
            try:
                document = services.document_create(
                    by=request.user,
                    data=form.document_data(),
                    publish=form.cleaned_data["publish"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The document is saved."))
                return redirect(document)
        return render(request, self.template_name, {"form": form}, status=400)


class DocumentUpdateView(LibraryStaffRequiredMixin, View):
    template_name = "policies/document_form.html"

    def get(self, request, pk: int):
        document = _editable_document(request, pk)
        form = DocumentForm(initial=DocumentForm.initial_for(document), document=document)
        return render(request, self.template_name, {"form": form, "document": document})

    def post(self, request, pk: int):
        document = _editable_document(request, pk)
        form = DocumentForm(request.POST, document=document)
        if form.is_valid():
            try:
                services.document_update(
                    document_id=document.pk, by=request.user, data=form.document_data()
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The document is saved."))
                return redirect(document)
        return render(request, self.template_name, {"form": form, "document": document}, status=400)


class DocumentPublishView(LibraryStaffRequiredMixin, View):
    def post(self, request, pk: int):
        document = _editable_document(request, pk)
        try:
            services.document_publish(document_id=document.pk, by=request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("The document is published."))
        return redirect(document)


class DocumentUnpublishView(LibraryStaffRequiredMixin, View):
    def post(self, request, pk: int):
        document = _editable_document(request, pk)
        try:
            services.document_unpublish(document_id=document.pk, by=request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("The document is withdrawn; only staff see it now."))
        return redirect(document)


class DocumentFileCreateView(LibraryStaffRequiredMixin, View):
    template_name = "policies/document_file_create.html"

    def get(self, request, pk: int):
        document = _editable_document(request, pk)
        form = DocumentFileForm(
            initial={"kind": DocumentFile.Kind.ORIGINAL if not document.files.exists() else ""}
        )
        return render(request, self.template_name, {"form": form, "document": document})

    def post(self, request, pk: int):
        document = _editable_document(request, pk)
        form = DocumentFileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.document_file_add(
                    document_id=document.pk,
                    by=request.user,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["upload"],
                )
            except ValidationError as exc:
                form.add_error("upload", exc)
            else:
                messages.success(request, _("The file is uploaded."))
                return redirect(document)
        return render(request, self.template_name, {"form": form, "document": document}, status=400)


class DocumentFileDeleteView(LibraryStaffRequiredMixin, View):
    def post(self, request, pk: int, file_pk: int):
        document = _editable_document(request, pk)
        document_file = document.files.filter(pk=file_pk).first()
        if document_file is None:
            raise Http404
        services.document_file_remove(file_id=document_file.pk, by=request.user)
        messages.success(request, _("The file is removed."))
        return redirect(document)


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


class AuthorityCreateView(LibraryStaffRequiredMixin, View):
    template_name = "policies/authority_create.html"

    def get(self, request):
        return render(request, self.template_name, {"form": AuthorityForm()})

    def post(self, request):
        form = AuthorityForm(request.POST)
        if form.is_valid():
            try:
                authority = services.authority_create(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("“%(name)s” is added; you can now name it on documents.")
                    % {"name": authority.name_zh},
                )
                return redirect("policies:document-list")
        return render(request, self.template_name, {"form": form}, status=400)
