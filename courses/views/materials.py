"""Course materials: the permission-checked download, and the organisers' list, upload and
delete."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from courses import selectors, services
from courses.forms import MaterialUploadForm
from courses.models import Material
from courses.views.common import CourseFormView, CourseObjectMixin
from portal.downloads import private_file_response
from portal.views_base import ServiceActionView


class MaterialDownloadView(View):
    def get(self, request, pk: int):
        try:
            material = selectors.material_for_download(material_id=pk, user=request.user)
        except Material.DoesNotExist:
            if not request.user.is_authenticated and Material.objects.filter(pk=pk).exists():
                return redirect_to_login(request.get_full_path())
            raise Http404 from None
        return private_file_response(
            file=material.file, filename=material.original_name, content_type=material.content_type
        )


class MaterialListView(CourseFormView):
    template_name = "courses/material_list.html"
    form_class = MaterialUploadForm
    success_message = _("The file is uploaded.")

    def get_form_kwargs(self) -> dict:
        return {"course": self.course}

    def get_context_data(self, **kwargs) -> dict:
        materials = selectors.material_list_for_course(self.course)
        return super().get_context_data(materials=materials, **kwargs)

    def run_service(self, form):
        data = form.cleaned_data
        return services.material_upload(
            course=self.course,
            by=self.request.user,
            upload=data["file"],
            title=data.get("title") or "",
            visibility=data["visibility"],
            session=data.get("session"),
        )

    def form_refused(self, form, exc: ValidationError):
        # What the service says of the upload itself (type, size, content) is about the file.
        if not hasattr(exc, "error_dict"):
            exc = ValidationError({"file": exc.error_list})
        return super().form_refused(form, exc)

    def get_success_url(self, result) -> str:
        return reverse("courses:material-list", args=[self.course.pk])


class MaterialDeleteView(CourseObjectMixin, ServiceActionView):
    model = Material
    object_kwarg = "material_id"
    object_name = "material"
    list_url_name = "courses:material-list"
    success_message = _("The file is deleted.")

    def run_service(self):
        return services.material_delete(material=self.material, by=self.request.user)
