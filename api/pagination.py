from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Pages that stay right while rows are added: the cursor is the last id seen."""

    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
