"""List pages: search, filters, sorting, pagination and CSV/XLSX export, declared once.

A list view builds a ``ListSpec`` (columns, searchable fields, filters, sort keys) and calls
``render_list(request, queryset, spec, template=…)``. The queryset must already be scoped
and carry the ``select_related`` its columns need: the page runs a fixed number of queries
whatever its size (pinned in each app's tests).

Query parameters: ``q`` (search), one per filter name, ``sort`` (``name`` or ``-name``),
``page``, ``per_page`` (at most 200) and ``export`` (``csv`` or ``xlsx``; exports ignore
pagination and stream every matching row, up to ``EXPORT_LIMIT``).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from midstream.core.exports import csv_response, xlsx_response

EXPORT_LIMIT = 200_000
MAX_PER_PAGE = 200


def _lookup(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part)
        if callable(obj):
            obj = obj()
    return obj


def _display(value: Any) -> Any:
    """How a cell reads on the page (exports keep the raw value)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


@dataclass(frozen=True)
class Column:
    """One column: ``value`` is a dotted attribute path or a callable on the row.

    ``link`` is a URL name taking the row's pk (``"partners:distributor_detail"``) or a
    callable returning a URL. ``sort`` is the ORM ordering key, if the column sorts.
    """

    key: str
    label: str
    value: str | Callable[[Any], Any] | None = None
    link: str | Callable[[Any], str] | None = None
    sort: str | None = None
    numeric: bool = False

    def value_for(self, row: Any) -> Any:
        accessor = self.value or self.key
        return accessor(row) if callable(accessor) else _lookup(row, accessor)

    def url_for(self, row: Any) -> str | None:
        if self.link is None:
            return None
        if callable(self.link):
            return self.link(row)
        return reverse(self.link, args=[row.pk])


@dataclass(frozen=True)
class Filter:
    """A select filter: ``lookup`` is the ORM lookup, ``choices`` the (value, label) pairs."""

    name: str
    label: str
    lookup: str
    choices: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ListSpec:
    name: str  # used for the export file name
    columns: list[Column]
    search_fields: list[str] = field(default_factory=list)
    filters: list[Filter] = field(default_factory=list)
    default_sort: str = "pk"
    per_page: int = 50


@dataclass
class ListPage:
    spec: ListSpec
    page: Any
    rows: list[list[dict[str, Any]]]
    query: str
    sort: str
    active_filters: dict[str, str]
    per_page: int
    total: int

    def querystring(self, **changes: Any) -> str:
        params = {"q": self.query, "sort": self.sort, "per_page": self.per_page}
        params.update(self.active_filters)
        params.update(changes)
        return urlencode({key: value for key, value in params.items() if value not in ("", None)})

    def sort_link(self, column: Column) -> str | None:
        if not column.sort:
            return None
        next_sort = f"-{column.key}" if self.sort == column.key else column.key
        return "?" + self.querystring(sort=next_sort, page=1)

    def sort_marker(self, column: Column) -> str:
        if self.sort == column.key:
            return "▲"
        if self.sort == f"-{column.key}":
            return "▼"
        return ""

    @property
    def headers(self) -> list[dict[str, Any]]:
        return [
            {
                "label": column.label,
                "link": self.sort_link(column),
                "marker": self.sort_marker(column),
                "numeric": column.numeric,
            }
            for column in self.spec.columns
        ]

    @property
    def filter_controls(self) -> list[dict[str, Any]]:
        return [
            {
                "name": flt.name,
                "label": flt.label,
                "choices": flt.choices,
                "selected": self.active_filters.get(flt.name, ""),
            }
            for flt in self.spec.filters
        ]

    @property
    def csv_link(self) -> str:
        return "?" + self.querystring(export="csv")

    @property
    def xlsx_link(self) -> str:
        return "?" + self.querystring(export="xlsx")

    @property
    def previous_link(self) -> str | None:
        if not self.page.has_previous():
            return None
        return "?" + self.querystring(page=self.page.previous_page_number())

    @property
    def next_link(self) -> str | None:
        if not self.page.has_next():
            return None
        return "?" + self.querystring(page=self.page.next_page_number())


def filter_queryset(
    request: HttpRequest, queryset: QuerySet, spec: ListSpec
) -> tuple[QuerySet, str, str, dict[str, str]]:
    """Apply the request's search, filters and sort; return the queryset and the state."""
    query = request.GET.get("q", "").strip()[:200]
    if query and spec.search_fields:
        terms = [Q(**{f"{name}__icontains": query}) for name in spec.search_fields]
        queryset = queryset.filter(reduce(operator.or_, terms))
    active: dict[str, str] = {}
    for flt in spec.filters:
        value = request.GET.get(flt.name, "")
        allowed = {str(choice) for choice, _label in flt.choices}
        if value and value in allowed:
            queryset = queryset.filter(**{flt.lookup: value})
            active[flt.name] = value
    sortable = {column.key: column.sort for column in spec.columns if column.sort}
    sort = request.GET.get("sort", "")
    key = sort.removeprefix("-")
    if key in sortable:
        order = sortable[key]
        queryset = queryset.order_by(f"-{order}" if sort.startswith("-") else order, "pk")
    else:
        sort = ""
        queryset = queryset.order_by(spec.default_sort, "pk")
    return queryset, query, sort, active


def export_rows(queryset: QuerySet, spec: ListSpec):
    for row in queryset[:EXPORT_LIMIT].iterator(chunk_size=2000):
        yield [column.value_for(row) for column in spec.columns]


def render_list(
    request: HttpRequest,
    queryset: QuerySet,
    spec: ListSpec,
    *,
    template: str = "core/list.html",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    queryset, query, sort, active = filter_queryset(request, queryset, spec)
    export = request.GET.get("export")
    header = [column.label for column in spec.columns]
    if export == "csv":
        return csv_response(spec.name, header, export_rows(queryset, spec))
    if export == "xlsx":
        return xlsx_response(spec.name, header, export_rows(queryset, spec))
    try:
        per_page = min(max(int(request.GET.get("per_page", spec.per_page)), 1), MAX_PER_PAGE)
    except ValueError:
        per_page = spec.per_page
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        [
            {
                "value": _display(column.value_for(row)),
                "url": column.url_for(row),
                "numeric": column.numeric,
            }
            for column in spec.columns
        ]
        for row in page.object_list
    ]
    listing = ListPage(
        spec=spec,
        page=page,
        rows=rows,
        query=query,
        sort=sort,
        active_filters=active,
        per_page=per_page,
        total=paginator.count,
    )
    return render(request, template, {"listing": listing, **(context or {})})
