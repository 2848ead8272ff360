"""Course pages: the public catalogue, course page, calendar and printable timetable, the
organisers' dashboard and editors, and the permission-checked material download."""

import logging

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import Organisation
from courses import selectors, services
from courses.caching import anonymous_page_cache
from courses.calendar import course_calendar_ics
from courses.forms import (
    CatalogueFilterForm,
    CourseCloneForm,
    CourseForm,
    GroupForm,
    MaterialUploadForm,
    OrganiserAddForm,
    SessionForm,
    SpeakerForm,
)
from courses.mixins import ManagedCourseMixin, OrganiserRequiredMixin
from courses.models import Course, DiscussionGroup, Material, Session, Speaker
from portal.downloads import private_file_response
from portal.forms import add_service_errors as add_errors
from portal.forms import error_text

logger = logging.getLogger(__name__)

CATALOGUE_PAGE_SIZE = 12


# -- Everyone ---------------------------------------------------------------------------------


class CourseListView(View):
    template_name = "courses/course_list.html"

    @anonymous_page_cache
    def get(self, request):
        form = CatalogueFilterForm(request.GET or None)
        filters = selectors.CatalogueFilters()
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            filters = selectors.CatalogueFilters(
                q=data.get("q") or "",
                category=data.get("category") or "",
                region_id=data["region"].pk if data.get("region") else None,
                month=data.get("month"),
                open_only=bool(data.get("open")),
                organisation_type=data.get("organisation_type") or "",
            )
        paginator = Paginator(selectors.course_catalogue(filters), CATALOGUE_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        courses = list(page.object_list)
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "page_obj": page,
                "courses": courses,
                "query_string": query.urlencode(),
                "searching": bool(request.GET),
            },
        )


def _visible_course(request, pk: int) -> Course:
    try:
        return selectors.course_detail_for(course_id=pk, user=request.user)
    except Course.DoesNotExist:
        raise Http404 from None


class CourseDetailView(View):
    template_name = "courses/course_detail.html"

    @anonymous_page_cache
    def get(self, request, pk: int):
        course = _visible_course(request, pk)
        can_edit = selectors.course_can_edit(course=course, user=request.user)
        sessions = list(selectors.session_list_for_course(course))
        materials = selectors.material_list_visible_to(
            user=request.user, course=course, can_edit=can_edit
        )
        pack_visible = selectors.pack_can_view(user=request.user, course=course, can_edit=can_edit)
        return render(
            request,
            self.template_name,
            {
                "course": course,
                "can_edit": can_edit,
                "days": selectors.timetable_by_day(course, sessions),
                "materials": list(materials),
                "pack_visible": pack_visible,
                "pack_sections": selectors.pack_for_course(
                    course=course, user=request.user, can_edit=can_edit
                )
                if pack_visible
                else [],
                "pack_exists": not pack_visible and selectors.pack_exists(course),
                "quotas": list(course.quotas.all()),
                "eligible_labels": [
                    Organisation.Type(value).label
                    for value in course.eligible_organisation_types
                    if value in Organisation.Type.values
                ],
            },
        )


class CourseCalendarView(View):
    def get(self, request, pk: int):
        course = _visible_course(request, pk)
        sessions = selectors.session_list_for_course(course)
        body = course_calendar_ics(course, sessions, host=request.get_host())
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="course-{course.pk}.ics"'
        return response


class CourseTimetablePrintView(View):
    template_name = "courses/course_print.html"

    def get(self, request, pk: int):
        course = _visible_course(request, pk)
        sessions = list(selectors.session_list_for_course(course))
        return render(
            request,
            self.template_name,
            {"course": course, "days": selectors.timetable_by_day(course, sessions)},
        )


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


# -- Organisers -------------------------------------------------------------------------------


class CourseDashboardView(OrganiserRequiredMixin, View):
    template_name = "courses/course_dashboard.html"

    def get(self, request):
        return render(
            request, self.template_name, {"courses": selectors.course_dashboard_for(request.user)}
        )


class CourseCreateView(OrganiserRequiredMixin, View):
    template_name = "courses/course_create.html"

    def get(self, request):
        return render(request, self.template_name, {"form": CourseForm()})

    def post(self, request):
        form = CourseForm(request.POST)
        if form.is_valid():
            try:
                course = services.course_create(by=request.user, data=form.course_data())
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request, _("The course is saved as a draft. Now add its timetable.")
                )
                return redirect("courses:course-manage", pk=course.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class CourseManageView(ManagedCourseMixin, View):
    """One course's control page: its state, what is missing, and links to every editor."""

    template_name = "courses/course_manage.html"

    def get(self, request, pk: int):
        course = self.course
        counts = Course.objects.filter(pk=course.pk).aggregate(
            sessions=Count("sessions", distinct=True),
            groups=Count("groups", distinct=True),
            materials=Count("materials", distinct=True),
            quotas=Count("quotas", distinct=True),
        )
        return render(
            request,
            self.template_name,
            {
                "course": course,
                "counts": counts,
                "missing": services.course_missing_for_publication(course)
                if course.is_draft
                else [],
                "organisers": list(course.organisers.all()),
            },
        )


class CourseActionView(ManagedCourseMixin, View):
    """A POST-only lifecycle step with no input: publish or archive."""

    action = ""

    def post(self, request, pk: int):
        service = {"publish": services.course_publish, "archive": services.course_archive}[
            self.action
        ]
        try:
            service(course=self.course, by=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            done = {
                "publish": _("The course is published and appears in the catalogue."),
                "archive": _("The course is archived."),
            }
            messages.success(request, done[self.action])
        return redirect(self.manage_url())


class CourseDeleteView(ManagedCourseMixin, View):
    template_name = "courses/course_delete.html"

    def get(self, request, pk: int):
        return render(request, self.template_name, {"course": self.course})

    def post(self, request, pk: int):
        try:
            services.course_delete(course=self.course, by=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return redirect(self.manage_url())
        messages.success(request, _("The draft is deleted."))
        return redirect("courses:course-dashboard")


class CourseCloneView(ManagedCourseMixin, View):
    template_name = "courses/course_clone.html"

    def get(self, request, pk: int):
        course = self.course
        initial = {"title": course.title}
        if course.starts_on:
            initial["starts_on"] = (
                course.starts_on.replace(year=course.starts_on.year + 1)
                if not (course.starts_on.month == 2 and course.starts_on.day == 29)
                else course.starts_on
            )
        form = CourseCloneForm(initial=initial)
        return render(request, self.template_name, {"form": form, "course": course})

    def post(self, request, pk: int):
        form = CourseCloneForm(request.POST)
        if form.is_valid():
            try:
                clone = services.course_clone(
                    course=self.course,
                    by=request.user,
                    title=form.cleaned_data["title"],
                    starts_on=form.cleaned_data.get("starts_on"),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The copy is saved as a new draft."))
                return redirect("courses:course-manage", pk=clone.pk)
        return render(
            request, self.template_name, {"form": form, "course": self.course}, status=400
        )


class OrganiserListView(ManagedCourseMixin, View):
    template_name = "courses/organiser_list.html"

    def render_page(self, request, form, status=200):
        return render(
            request,
            self.template_name,
            {"course": self.course, "form": form, "organisers": list(self.course.organisers.all())},
            status=status,
        )

    def get(self, request, pk: int):
        return self.render_page(request, OrganiserAddForm())

    def post(self, request, pk: int):
        form = OrganiserAddForm(request.POST)
        if form.is_valid():
            try:
                user = services.course_organiser_add(
                    course=self.course, by=request.user, email=form.cleaned_data["email"]
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("%(name)s now organises this course.") % {"name": user})
                return redirect("courses:organiser-list", pk=self.course.pk)
        return self.render_page(request, form, status=400)


class OrganiserRemoveView(ManagedCourseMixin, View):
    def post(self, request, pk: int, user_id: int):
        user = get_object_or_404(self.course.organisers.all(), pk=user_id)
        try:
            services.course_organiser_remove(course=self.course, by=request.user, user=user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request, _("%(name)s no longer organises this course.") % {"name": user}
            )
        if user == request.user and not selectors.course_can_edit(
            course=self.course, user=request.user
        ):
            return redirect("courses:course-dashboard")
        return redirect("courses:organiser-list", pk=self.course.pk)


# -- Timetable --------------------------------------------------------------------------------


class SessionListView(ManagedCourseMixin, View):
    """The timetable editor: the sessions by day, and a form to add one."""

    template_name = "courses/session_list.html"

    def render_page(self, request, form, status=200):
        sessions = list(selectors.session_list_for_course(self.course))
        return render(
            request,
            self.template_name,
            {
                "course": self.course,
                "days": selectors.timetable_by_day(self.course, sessions),
                "form": form,
            },
            status=status,
        )

    def get(self, request, pk: int):
        initial = {"day": self.course.starts_on} if self.course.starts_on else {}
        return self.render_page(request, SessionForm(course=self.course, initial=initial))

    def post(self, request, pk: int):
        form = SessionForm(request.POST, course=self.course)
        if form.is_valid():
            try:
                services.session_create(course=self.course, by=request.user, **form.session_data())
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The session is added to the timetable."))
                return redirect("courses:session-list", pk=self.course.pk)
        return self.render_page(request, form, status=400)


class SessionObjectMixin(OrganiserRequiredMixin):
    """Fetches `self.session` through the courses the user may change."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.session = get_object_or_404(
                Session.objects.select_related("course").filter(
                    course__in=selectors.course_list_editable_by(request.user)
                ),
                pk=kwargs["session_id"],
            )
            self.course = self.session.course
        return super().dispatch(request, *args, **kwargs)


class SessionUpdateView(SessionObjectMixin, View):
    template_name = "courses/session_update.html"

    def get(self, request, session_id: int):
        form = SessionForm(course=self.course, initial=SessionForm.initial_for(self.session))
        return render(
            request,
            self.template_name,
            {"form": form, "course": self.course, "session": self.session},
        )

    def post(self, request, session_id: int):
        form = SessionForm(request.POST, course=self.course)
        if form.is_valid():
            try:
                services.session_update(
                    session=self.session, by=request.user, **form.session_data()
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The session is saved."))
                return redirect("courses:session-list", pk=self.course.pk)
        return render(
            request,
            self.template_name,
            {"form": form, "course": self.course, "session": self.session},
            status=400,
        )


class SessionDeleteView(SessionObjectMixin, View):
    def post(self, request, session_id: int):
        try:
            services.session_delete(session=self.session, by=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("The session is removed from the timetable."))
        return redirect("courses:session-list", pk=self.course.pk)


class GroupListView(ManagedCourseMixin, View):
    template_name = "courses/group_list.html"

    def render_page(self, request, form, status=200):
        return render(
            request,
            self.template_name,
            {"course": self.course, "groups": list(self.course.groups.all()), "form": form},
            status=status,
        )

    def get(self, request, pk: int):
        return self.render_page(request, GroupForm())

    def post(self, request, pk: int):
        form = GroupForm(request.POST)
        if form.is_valid():
            try:
                services.group_create(course=self.course, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The discussion group is added."))
                return redirect("courses:group-list", pk=self.course.pk)
        return self.render_page(request, form, status=400)


class GroupObjectMixin(OrganiserRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.group = get_object_or_404(
                DiscussionGroup.objects.select_related("course").filter(
                    course__in=selectors.course_list_editable_by(request.user)
                ),
                pk=kwargs["group_id"],
            )
            self.course = self.group.course
        return super().dispatch(request, *args, **kwargs)


class GroupUpdateView(GroupObjectMixin, View):
    template_name = "courses/group_update.html"

    def get(self, request, group_id: int):
        form = GroupForm(
            initial={
                "name": self.group.name,
                "facilitator": self.group.facilitator,
                "room": self.group.room,
            }
        )
        return render(
            request, self.template_name, {"form": form, "course": self.course, "group": self.group}
        )

    def post(self, request, group_id: int):
        form = GroupForm(request.POST)
        if form.is_valid():
            try:
                services.group_update(group=self.group, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The discussion group is saved."))
                return redirect("courses:group-list", pk=self.course.pk)
        return render(
            request,
            self.template_name,
            {"form": form, "course": self.course, "group": self.group},
            status=400,
        )


class GroupDeleteView(GroupObjectMixin, View):
    def post(self, request, group_id: int):
        try:
            services.group_delete(group=self.group, by=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("The discussion group is deleted."))
        return redirect("courses:group-list", pk=self.course.pk)


class MaterialListView(ManagedCourseMixin, View):
    template_name = "courses/material_list.html"

    def render_page(self, request, form, status=200):
        materials = self.course.materials.select_related("session").order_by(
            "session__starts_at", "title", "pk"
        )
        return render(
            request,
            self.template_name,
            {"course": self.course, "materials": list(materials), "form": form},
            status=status,
        )

    def get(self, request, pk: int):
        return self.render_page(request, MaterialUploadForm(course=self.course))

    def post(self, request, pk: int):
        form = MaterialUploadForm(request.POST, request.FILES, course=self.course)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.material_upload(
                    course=self.course,
                    by=request.user,
                    upload=data["file"],
                    title=data.get("title") or "",
                    visibility=data["visibility"],
                    session=data.get("session"),
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    add_errors(form, exc)
                else:
                    for error in exc.error_list:
                        form.add_error("file", error)
            else:
                messages.success(request, _("The file is uploaded."))
                return redirect("courses:material-list", pk=self.course.pk)
        return self.render_page(request, form, status=400)


class MaterialDeleteView(OrganiserRequiredMixin, View):
    def post(self, request, material_id: int):
        material = get_object_or_404(
            Material.objects.select_related("course").filter(
                course__in=selectors.course_list_editable_by(request.user)
            ),
            pk=material_id,
        )
        services.material_delete(material=material, by=request.user)
        messages.success(request, _("The file is deleted."))
        return redirect("courses:material-list", pk=material.course_id)


# -- Speakers (shared by all courses) ---------------------------------------------------------


class SpeakerListView(OrganiserRequiredMixin, View):
    template_name = "courses/speaker_list.html"

    def get(self, request):
        speakers = selectors.speaker_list().annotate(session_count=Count("sessions"))
        paginator = Paginator(speakers, 50)
        page = paginator.get_page(request.GET.get("page"))
        return render(request, self.template_name, {"page_obj": page, "speakers": list(page)})


class SpeakerCreateView(OrganiserRequiredMixin, View):
    template_name = "courses/speaker_create.html"

    def get(self, request):
        return render(request, self.template_name, {"form": SpeakerForm()})

    def post(self, request):
        form = SpeakerForm(request.POST)
        if form.is_valid():
            try:
                services.speaker_create(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The speaker is saved."))
                return redirect("courses:speaker-list")
        return render(request, self.template_name, {"form": form}, status=400)


class SpeakerUpdateView(OrganiserRequiredMixin, View):
    template_name = "courses/speaker_update.html"

    def get(self, request, speaker_id: int):
        speaker = get_object_or_404(Speaker, pk=speaker_id)
        form = SpeakerForm(
            initial={
                "name": speaker.name,
                "title": speaker.title,
                "organisation": speaker.organisation,
                "bio": speaker.bio,
            }
        )
        return render(request, self.template_name, {"form": form, "speaker": speaker})

    def post(self, request, speaker_id: int):
        speaker = get_object_or_404(Speaker, pk=speaker_id)
        form = SpeakerForm(request.POST)
        if form.is_valid():
            try:
                services.speaker_update(speaker=speaker, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The speaker is saved."))
                return redirect("courses:speaker-list")
        return render(request, self.template_name, {"form": form, "speaker": speaker}, status=400)


class SpeakerDeleteView(OrganiserRequiredMixin, View):
    def post(self, request, speaker_id: int):
        speaker = get_object_or_404(Speaker, pk=speaker_id)
        try:
            services.speaker_delete(speaker=speaker, by=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("The speaker is deleted."))
        return redirect("courses:speaker-list")
