"""A fixed query of the hot path, compiled to SQL once per thread instead of once per call.

Django compiles a queryset to SQL every time it runs it. For the row lock every step of the case
flow takes (the case with its agency, division, domain and region, and whether an approval blocks
it), compiling costs several times what the database spends answering (measured: ~2.7 ms of CPU
to compile, ~0.4 ms to execute). ``Precompiled`` builds the queryset once with a placeholder
value, compiles it, and from then on runs the same SQL with the value swapped in, turning the rows
into model instances with Django's own ``ModelIterable`` (select_related objects, annotations and
converters as the ORM makes them).

Only for a query whose shape never changes and that has exactly one varying parameter. The
compiled state is kept per thread and per connection object (Django's connections are per thread).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable

M = TypeVar("M", bound=Model)

#: stands for the varying value while the query is compiled; found again among the parameters
_PLACEHOLDER = -7_310_019_773


class Precompiled(Generic[M]):
    """``build(value)`` returns the queryset for ``value``; ``first(value)`` runs it (compiled once)."""

    def __init__(self, build: Callable[[Any], QuerySet[M]], *, using: str = DEFAULT_DB_ALIAS) -> None:
        self._build = build
        self._using = using
        self._local = threading.local()

    def _state(self) -> tuple[QuerySet[M], Any, str, list[Any], int]:
        connection = connections[self._using]
        state = getattr(self._local, "state", None)
        if state is None or state[0] is not connection:
            queryset = self._build(_PLACEHOLDER).using(self._using)
            compiler = queryset.query.get_compiler(using=self._using)
            sql, params = compiler.as_sql()  # also sets up the compiler's select and klass_info
            params = list(params)
            if params.count(_PLACEHOLDER) != 1:
                raise ValueError("Precompiled: the query must take its value exactly once")
            state = (connection, queryset, compiler, sql, params, params.index(_PLACEHOLDER))
            self._local.state = state
        return state[1:]

    def first(self, value: Any) -> M | None:
        queryset, compiler, sql, template, slot = self._state()
        params = list(template)
        params[slot] = value
        compiler.as_sql = lambda *args, **kwargs: (sql, tuple(params))
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        for obj in ModelIterable(queryset):
            return obj
        return None
