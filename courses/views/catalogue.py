"""The public catalogue, the course page and its printable timetable."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views import View

from courses import selectors
from courses.caching import anonymous_page_cache
from courses.forms import CatalogueFilterForm
from courses.views.common import visible_course

CATALOGUE_PAGE_SIZE = 12


def catalogue_filters(form: CatalogueFilterForm) -> selectors.CatalogueFilters:
    if not (form.is_bound and form.is_valid()):
        return selectors.CatalogueFilters()
    data = form.cleaned_data
    return selectors.CatalogueFilters(
        q=data.get("q") or "",
        category=data.get("category") or "",
        region_id=data["region"].pk if data.get("region") else None,
        month=data.get("month"),
        open_only=bool(data.get("open")),
        organisation_type=data.get("organisation_type") or "",
    )


class CourseListView(View):
    template_name = "courses/course_list.html"

    @anonymous_page_cache
    def get(self, request):
        form = CatalogueFilterForm(request.GET or None)
        catalogue = selectors.course_catalogue(catalogue_filters(form))
        page = Paginator(catalogue, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "form": form,
            "page_obj": page,
            "courses": list(page.object_list),
            "query_string": query.urlencode(),
            "searching": bool(request.GET),
        }
        return render(request, self.template_name, context)


class CourseDetailView(View):
    template_name = "courses/course_detail.html"

    @anonymous_page_cache
    def get(self, request, pk: int):
        course = visible_course(request, pk)
        page = selectors.course_page(course=course, user=request.user)
        return render(request, self.template_name, page)


class CourseTimetablePrintView(View):
    template_name = "courses/course_print.html"

    def get(self, request, pk: int):
        course = visible_course(request, pk)
        sessions = list(selectors.session_list_for_course(course))
        days = selectors.timetable_by_day(course, sessions)
        return render(request, self.template_name, {"course": course, "days": days})
