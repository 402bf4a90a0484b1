"""A fixed query of the hot path, compiled to SQL once per thread instead of once per call.

Django compiles a queryset to SQL every time it runs it. For the row lock every step of the case
flow takes (the case with its agency, division, domain and region, and whether an approval blocks
it), compiling costs several times what the database spends answering (measured: ~2.7 ms of CPU
to compile, ~0.4 ms to execute). ``Precompiled`` builds the queryset once with a placeholder
value, compiles it, and from then on runs the same SQL with the value swapped in, turning the rows
into what the queryset gives with Django's own iterable (``ModelIterable``: model instances with
their select_related objects, annotations and converters as the ORM makes them; or the rows of
``values()``/``values_list()``).

Only for a query whose shape never changes, whatever its values: each value (an integer or a
string: the placeholders are integers, which a text column's lookup turns into their digits)
must appear exactly once among the compiled parameters. The compiled state is kept per thread and
per connection object (Django's connections are per thread).

``arity=`` says how many values a builder taking ``*values`` has (each gets the integer stand-in).
``placeholders=`` gives the stand-ins explicitly, one per value, for a value of another type (a
date: a date of no real row, found among the parameters as itself or as its ISO text) or for a
slice: Django writes ``LIMIT``/``OFFSET`` into the SQL as numbers, not parameters, so a positive
integer stand-in used in a slice (``qs[offset:offset + limit]``, with distinct large stand-ins)
is found once as a number in the SQL and made a parameter there.
"""

from __future__ import annotations

import inspect
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import GET_ITERATOR_CHUNK_SIZE, ModelIterable, get_related_populators

M = TypeVar("M", bound=Model)

#: stand for the varying values while the query is compiled (the i-th value: PLACEHOLDER - i);
#: found again among the parameters
#: the integer stand-in of a value (the next ones count down from it); also for code that compiles
#: a query of its own the same way
PLACEHOLDER = -7_310_019_773


def _slot(params: list[Any], placeholder: Any) -> int:
    found = [i for i, p in enumerate(params) if p == placeholder or p == str(placeholder)]
    if len(found) != 1:
        raise ValueError("Precompiled: the query must take each of its values exactly once")
    return found[0]


def _literal_to_param(sql: str, params: list[Any], placeholder: Any) -> str:
    """``placeholder`` written into ``sql`` as a number (a slice's LIMIT/OFFSET) made a parameter."""
    if not isinstance(placeholder, int) or placeholder <= 0:
        raise ValueError("Precompiled: the query must take each of its values exactly once")
    found = list(re.finditer(rf"(?<![\w.$]){placeholder}(?![\w.])", sql))
    if len(found) != 1:
        raise ValueError("Precompiled: the query must take each of its values exactly once")
    start, end = found[0].span()
    before = sum(1 for m in re.finditer(r"%[%s]", sql[:start]) if m.group() == "%s")
    params.insert(before, placeholder)
    return f"{sql[:start]}%s{sql[end:]}"


class Precompiled(Generic[M]):
    """``build(*values)`` returns the queryset for ``values``; ``first(*values)`` and
    ``all(*values)`` run it (compiled once per thread)."""

    def __init__(
        self,
        build: Callable[..., QuerySet[M]],
        *,
        using: str = DEFAULT_DB_ALIAS,
        placeholders: Sequence[Any] | None = None,
        arity: int | None = None,
    ) -> None:
        self._build = build
        self._placeholders = list(placeholders) if placeholders is not None else None
        if self._placeholders is not None:
            arity = len(self._placeholders)
        elif arity is None:  # a builder with ``*values`` says how many with ``arity=``
            arity = len(inspect.signature(build).parameters)
        self._arity = arity
        self._using = using
        self._local = threading.local()

    def _state(self) -> tuple[QuerySet[M], Any, str, list[Any], list[int], Any]:
        connection = connections[self._using]
        state = getattr(self._local, "state", None)
        if state is None or state[0] is not connection:
            placeholders = self._placeholders or [PLACEHOLDER - i for i in range(self._arity)]
            queryset = self._build(*placeholders).using(self._using)
            compiler = queryset.query.get_compiler(using=self._using)
            sql, params = compiler.as_sql()  # also sets up the compiler's select and klass_info
            params = list(params)
            for p in placeholders:
                if not any(x == p or x == str(p) for x in params):
                    sql = _literal_to_param(sql, params, p)
            slots = [_slot(params, p) for p in placeholders]
            # what Django works out again on every run from the compiled select alone (the rows'
            # converters, whether a column is composite; for a model query, the columns of each
            # model and the select_related populators): worked out once here, the compiler's
            # select never changing after it. For the case row lock's ~90 columns this was more
            # than half of the query's Python time.
            fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
            converters = compiler.get_converters(fields)
            composite = compiler.has_composite_fields(fields)
            compiler.get_converters = lambda expressions: converters
            compiler.has_composite_fields = lambda expressions: composite
            rows = queryset._iterable_class
            if rows is ModelIterable and not queryset._known_related_objects:
                rows = _ModelRows(queryset, compiler)
            state = (connection, queryset, compiler, sql, params, slots, rows)
            self._local.state = state
        return state[1:]

    def _rows(self, values: tuple[Any, ...]) -> Iterable[Any]:
        if len(values) != self._arity:
            raise TypeError(f"Precompiled: {self._arity} values expected, {len(values)} given")
        queryset, compiler, sql, template, slots, rows = self._state()
        params = list(template)
        for slot, value in zip(slots, values, strict=True):
            # as the compiled parameter was: a date compiled to its text (SQLite) is given as text
            params[slot] = str(value) if isinstance(template[slot], str) else value
        compiler.as_sql = lambda *args, **kwargs: (sql, tuple(params))
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        # the queryset's own kind of rows: model instances (as ModelIterable makes them), values(),
        # values_list()
        return rows(queryset)

    def first(self, *values: Any) -> M | None:
        for obj in self._rows(values):
            return obj
        return None

    def all(self, *values: Any) -> list[M]:
        return list(self._rows(values))


class _ModelRows:
    """``ModelIterable`` of a compiled query, with what it works out from the compiler before the
    first row — each model's columns, the select_related populators, the annotations' columns —
    kept from the first run: the same instances, made the same way (``from_db``, then each
    populator, then each annotation set)."""

    def __init__(self, queryset: QuerySet[Any], compiler: Any) -> None:
        select, klass_info = compiler.select, compiler.klass_info
        self.db = queryset.db
        self.compiler = compiler
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, self.db)
        self.annotations = list(compiler.annotation_col_map.items())

    def __call__(self, queryset: QuerySet[Any]) -> Iterator[Any]:
        compiler, db, model, init_list = self.compiler, self.db, self.model, self.init_list
        start, end, populators, annotations = self.start, self.end, self.populators, self.annotations
        for row in compiler.results_iter(
            compiler.execute_sql(chunked_fetch=False, chunk_size=GET_ITERATOR_CHUNK_SIZE)
        ):
            obj = model.from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations:
                setattr(obj, name, row[position])
            yield obj


class ByIds(Generic[M]):
    """A query over a list of ids (``build(ids)``, e.g. ``pk__in=ids``) of any length, compiled
    once per thread for each size class: the ids are padded to the next power of two by repeating
    the first (an ``IN`` list takes duplicates), so a page of 1–200 ids uses one of nine compiled
    queries instead of compiling one per request."""

    def __init__(self, build: Callable[[list[Any]], QuerySet[M]], *, using: str = DEFAULT_DB_ALIAS) -> None:
        self._build = build
        self._using = using
        self._sized: dict[int, Precompiled[M]] = {}

    def all(self, ids: Sequence[Any]) -> list[M]:
        if not ids:
            return []
        n = 1 << (len(ids) - 1).bit_length()
        compiled = self._sized.get(n)
        if compiled is None:
            compiled = self._sized.setdefault(
                n,
                Precompiled(
                    lambda *values: self._build(list(values)),
                    using=self._using,
                    arity=n,
                ),
            )
        return compiled.all(*ids, *[ids[0]] * (n - len(ids)))
