from rest_framework.pagination import LimitOffsetPagination


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """DRF's limit/offset with a largest page: an unbounded limit reaches the database past 64 bits."""

    max_limit = 500
