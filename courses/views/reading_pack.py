"""The organisers' reading-pack editor: sections and items, added, changed, moved, removed."""

from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses import selectors, services
from courses.forms import PackItemAddForm, PackItemNoteForm, PackSectionForm
from courses.mixins import ManagedCourseMixin
from courses.models import ReadingPackItem, ReadingPackSection
from courses.views.common import CourseFormView, CourseObjectMixin
from policies.selectors import document_list_visible_to
from portal.views_base import ServiceActionView, ServiceFormView


def _pack_url(course) -> str:
    return reverse("courses:pack-manage", args=[course.pk])


class PackManageView(CourseFormView):
    """The pack of one course: sections, items, and the forms that add to them."""

    template_name = "courses/readingpack_manage.html"
    form_class = PackSectionForm
    success_message = _("The section is added.")

    def get_context_data(self, form=None, **kwargs) -> dict:
        query = " ".join(self.request.GET.get("q", "").split())[:100]
        editor = selectors.pack_editor(course=self.course, user=self.request.user, query=query)
        add_form = PackItemAddForm(course=self.course)
        return super().get_context_data(section_form=form, add_form=add_form, **editor, **kwargs)

    def run_service(self, form):
        return services.pack_section_create(
            course=self.course,
            by=self.request.user,
            heading=form.cleaned_data["heading"],
            note=form.cleaned_data["note"],
        )

    def get_success_url(self, result) -> str:
        return _pack_url(self.course)


class PackItemAddView(ManagedCourseMixin, ServiceActionView):
    form_class = PackItemAddForm
    invalid_message = _("Choose a section and a document or material.")
    success_message = _("Added to the reading pack.")

    def get_form_kwargs(self) -> dict:
        return {"course": self.course}

    def run_service(self):
        data = self.form.cleaned_data
        document = None
        if data.get("document"):
            visible = document_list_visible_to(self.request.user)
            document = visible.filter(pk=data["document"]).first()
            if document is None:
                raise Http404
        return services.pack_item_add(
            section=data["section"],
            by=self.request.user,
            document=document,
            material=data.get("material"),
            note=data.get("note") or "",
        )

    def get_success_url(self, result) -> str:
        # Back to the search the document was found with; an invalid form to the plain page.
        query = self.request.POST.get("q", "")
        if query and not self.form.errors:
            return f"{_pack_url(self.course)}?{urlencode({'q': query})}"
        return _pack_url(self.course)


class PackSectionObjectMixin(CourseObjectMixin):
    model = ReadingPackSection
    object_kwarg = "section_id"
    object_name = "section"
    list_url_name = "courses:pack-manage"


class PackSectionUpdateView(PackSectionObjectMixin, ServiceFormView):
    section: ReadingPackSection
    template_name = "courses/readingpack_section_update.html"
    form_class = PackSectionForm
    invalid_status = 400
    success_message = _("The section is saved.")

    def get_form_kwargs(self) -> dict:
        return {"submit_label": _("Save the section")}

    def get_initial(self) -> dict:
        return {"heading": self.section.heading, "note": self.section.note}

    def get_context_data(self, **kwargs) -> dict:
        return {"course": self.course, "section": self.section, **kwargs}

    def run_service(self, form):
        return services.pack_section_update(
            section=self.section,
            by=self.request.user,
            heading=form.cleaned_data["heading"],
            note=form.cleaned_data["note"],
        )


class PackSectionMoveView(PackSectionObjectMixin, ServiceActionView):
    def run_service(self):
        direction = self.request.POST.get("direction", "")
        return services.pack_section_move(
            section=self.section, by=self.request.user, direction=direction
        )


class PackSectionDeleteView(PackSectionObjectMixin, ServiceActionView):
    success_message = _("The section is deleted.")

    def run_service(self):
        return services.pack_section_delete(section=self.section, by=self.request.user)


class PackItemObjectMixin(CourseObjectMixin):
    model = ReadingPackItem
    object_kwarg = "item_id"
    object_name = "item"
    course_path = "section__course"
    related = ("document", "material")
    list_url_name = "courses:pack-manage"


class PackItemUpdateView(PackItemObjectMixin, ServiceFormView):
    item: ReadingPackItem
    template_name = "courses/readingpack_item_update.html"
    form_class = PackItemNoteForm
    invalid_status = 400
    success_message = _("The note is saved.")

    def get_initial(self) -> dict:
        return {"note": self.item.note}

    def get_context_data(self, **kwargs) -> dict:
        return {"course": self.course, "item": self.item, **kwargs}

    def run_service(self, form):
        return services.pack_item_update(
            item=self.item, by=self.request.user, note=form.cleaned_data["note"]
        )


class PackItemMoveView(PackItemObjectMixin, ServiceActionView):
    def run_service(self):
        direction = self.request.POST.get("direction", "")
        return services.pack_item_move(item=self.item, by=self.request.user, direction=direction)


class PackItemRemoveView(PackItemObjectMixin, ServiceActionView):
    success_message = _("Removed from the reading pack.")

    def run_service(self):
        return services.pack_item_remove(item=self.item, by=self.request.user)
