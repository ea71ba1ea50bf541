"""An ORM query built and compiled once, then run again and again with new values.

Building a queryset with subqueries and compiling it to SQL costs far more than running it
(over a millisecond in Python against a few hundredths in SQLite), and the hottest lookups,
such as the access check of every write, are the same query each time with other ids. A
``PreparedQuery`` is written as an ordinary queryset, with stand-ins for the values that
change; its SQL is compiled once per database connection and each call runs it with the
values of the call and builds the rows exactly as the queryset would (``select_related``
objects and annotations included).

Only plain values may change (ids): where a stand-in ends up in the SQL is found by looking
for it among the compiled parameters, each exactly as many times as ``build`` said.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)

# Stand-ins: ids no row ever has (negative), far from any other parameter a query carries.
_FIRST_STAND_IN = -7_340_032_001


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    # For each parameter, the name of the value it takes, or None to keep the compiled one.
    slots: tuple[str | None, ...]
    compiler: SQLCompiler
    init_list: list[str]
    fields_start: int
    fields_end: int
    related_populators: list[Any]
    annotation_col_map: Mapping[str, int]


class PreparedQuery(Generic[M]):
    """``build(**stand_ins)`` makes the queryset; ``first(**values)`` runs it with values.

    ``names`` maps each value's name to how many times it appears among the query's
    parameters (a user's id in two subqueries is 2).
    """

    def __init__(self, build: Callable[..., QuerySet[M]], names: Mapping[str, int]) -> None:
        self._build = build
        self._names = dict(names)
        self._local = threading.local()

    def _compile(self, alias: str) -> _Compiled:
        stand_ins = {name: _FIRST_STAND_IN - n for n, name in enumerate(self._names)}
        queryset = self._build(**stand_ins)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        by_value = {value: name for name, value in stand_ins.items()}
        slots = tuple(by_value.get(p) if isinstance(p, int) else None for p in params)
        for name, times in self._names.items():
            if slots.count(name) != times:
                raise ValueError(f"{name!r} is among the parameters {slots.count(name)} times")
        klass_info = compiler.klass_info
        assert klass_info is not None, "a query of model instances"
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        return _Compiled(
            sql=sql,
            params=tuple(params),
            slots=slots,
            compiler=compiler,
            init_list=[f[0].target.attname for f in compiler.select[start:end]],
            fields_start=start,
            fields_end=end,
            # As Django 5.2 calls it (the type stubs follow a later Django).
            related_populators=get_related_populators(  # type: ignore[call-arg]
                klass_info, compiler.select, alias
            ),
            annotation_col_map=compiler.annotation_col_map or {},
        )

    def _compiled(self, alias: str) -> _Compiled:
        # Per thread and connection: a compiler belongs to the connection it was made for.
        connection = connections[alias]
        kept: dict[str, tuple[object, _Compiled]] = self._local.__dict__.setdefault("kept", {})
        found = kept.get(alias)
        if found is None or found[0] is not connection:
            found = (connection, self._compile(alias))
            kept[alias] = found
        return found[1]

    def first(self, *, using: str = "default", **values: Any) -> tuple[M, dict[str, Any]] | None:
        """The first row the query finds with these values, built as the queryset would, and
        its annotations by name (also set on it, as the queryset does)."""
        compiled = self._compiled(using)
        params = [
            p if slot is None else values[slot]
            for p, slot in zip(compiled.params, compiled.slots, strict=True)
        ]
        with connections[using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        compiler = compiled.compiler
        (converted,) = compiler.results_iter(results=[[row]])
        assert compiler.klass_info is not None, "compiled for model instances"
        model: type[M] = compiler.klass_info["model"]
        obj = model.from_db(
            using, compiled.init_list, converted[compiled.fields_start : compiled.fields_end]
        )
        for populator in compiled.related_populators:
            populator.populate(converted, obj)
        annotations = {
            name: converted[position] for name, position in compiled.annotation_col_map.items()
        }
        for name, value in annotations.items():
            setattr(obj, name, value)
        return obj, annotations
