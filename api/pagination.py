from rest_framework.pagination import CursorPagination


class ById(CursorPagination):
    """Cursor pagination in the order rows were made: a page never shifts while new rows are
    posted (the ledger only grows), and the next page is one indexed query however deep."""

    ordering = "id"
    page_size = 500
    page_size_query_param = "page_size"
    max_page_size = 5000
