"""The API's one pagination: ``limit``/``offset`` as DRF's, bounded. A ``limit`` above
``MAX_LIMIT`` is lowered to it; an ``offset`` beyond ``MAX_OFFSET`` (or not a number) is refused
400 ``INVALID_INPUT`` instead of reaching the database as an out-of-range integer."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.pagination import LimitOffsetPagination

from .errors import ValidationFailed

MAX_LIMIT = 500
MAX_OFFSET = 10_000_000


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT
    count_queryset = None  # what ``count`` counts, when not the page's own queryset

    def paginate_queryset(self, queryset, request, view=None, *, count_queryset=None):
        """``count_queryset``: the same rows without what only the page shows (a ``values()``
        over joined tables): counted without those joins."""
        self.count_queryset = count_queryset
        return super().paginate_queryset(queryset, request, view)

    def get_count(self, queryset) -> int:
        return super().get_count(queryset if self.count_queryset is None else self.count_queryset)

    def get_offset(self, request) -> int:
        raw = request.query_params.get(self.offset_query_param)
        if raw in (None, ""):
            return 0
        if not raw.isdigit() or len(raw) > 9 or int(raw) > MAX_OFFSET:
            raise ValidationFailed(
                _("参数 offset 须为 0 至 %(max)s 的整数。") % {"max": MAX_OFFSET}, code="INVALID_INPUT"
            )
        return int(raw)

    def get_limit(self, request) -> int | None:
        raw = request.query_params.get(self.limit_query_param)
        if raw not in (None, "") and (not raw.isdigit() or len(raw) > 9):
            raise ValidationFailed(
                _("参数 limit 须为 1 至 %(max)s 的整数。") % {"max": MAX_LIMIT}, code="INVALID_INPUT"
            )
        return super().get_limit(request)

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for p in params:
            if p["name"] == self.limit_query_param:
                p["schema"].update({"minimum": 1, "maximum": MAX_LIMIT})
            elif p["name"] == self.offset_query_param:
                p["schema"].update({"minimum": 0, "maximum": MAX_OFFSET})
        return params
