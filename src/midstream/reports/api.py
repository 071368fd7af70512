"""Sell-through and inventory reports API, mounted at /api/ (issue 3).

Read-only, from the monthly rollups and committed inventory positions; a distributor's token
sees only its own distributor (asking for another's ``distributor_id`` is 404).
"""

import datetime as dt

from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate

from midstream.accounts.permissions import Perm
from midstream.api.helpers import require
from midstream.core.scoping import get_in_scope
from midstream.partners.models import Distributor
from midstream.reports import selectors
from midstream.reports.schemas import (
    InventoryFilter,
    PositionOut,
    SellThroughFilter,
    SellThroughRowOut,
    SeriesOut,
)

router = Router(tags=["sell-through"])


def _month(text: str | None) -> dt.date | None:
    if not text:
        return None
    year, month = text.split("-")
    return dt.date(int(year), int(month), 1)


def _filters(scope, query: SellThroughFilter) -> selectors.SellThroughFilters:
    if query.distributor_id is not None:
        get_in_scope(Distributor, scope, pk=query.distributor_id)
    return selectors.SellThroughFilters(
        distributor_id=query.distributor_id,
        month_from=_month(query.month_from),
        month_to=_month(query.month_to),
        family_id=query.family_id,
        product_id=query.product_id,
        sku=(query.sku or "").strip(),
        reseller_id=query.reseller_id,
        reseller=(query.reseller or "").strip(),
    )


def _row(row: dict) -> dict:
    return {
        "month": row["month"],
        "distributor_id": row["distributor_id"],
        "distributor_code": row["distributor__code"],
        "product_id": row["product_id"],
        "sku": row["product__sku"],
        "reseller_id": row["reseller_id"],
        "reseller_partner_id": row["reseller__partner_id"],
        "reseller_name": row["reseller__name"],
        "currency": row["currency"],
        "quantity": selectors.row_quantity(row),
        "amount": selectors.row_amount(row),
        "lines": row["lines"] or 0,
    }


class _Rows:
    """A grouped queryset read page by page, each row shaped for ``SellThroughRowOut``."""

    def __init__(self, queryset):
        self.queryset = queryset

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, index: slice) -> list[dict]:
        return [_row(row) for row in self.queryset[index]]


@router.get(
    "/sell-through/monthly", response=list[SellThroughRowOut], operation_id="sellthrough_monthly"
)
@paginate(PageNumberPagination)
def sellthrough_monthly(request, filters: Query[SellThroughFilter]):
    """Sell-through per month x distributor x product x reseller x currency, from the active
    monthly rollups: quantity (base units, returns negative), amount as reported, lines."""
    scope = require(request, Perm.VIEW_SELLTHROUGH)
    return _Rows(selectors.sellthrough_rows(scope, _filters(scope, filters)))


@router.get("/sell-through/series", response=SeriesOut, operation_id="sellthrough_series")
def sellthrough_series(request, filters: Query[SellThroughFilter]):
    """Sell-in against sell-through quantity by month (empty months as zero). The reseller
    filters narrow sell-through only: sell-in has no reseller."""
    scope = require(request, Perm.VIEW_SELLTHROUGH)
    return {"months": selectors.sellthrough_series(scope, _filters(scope, filters))}


@router.get("/inventory/positions", response=list[PositionOut], operation_id="inventory_positions")
@paginate(PageNumberPagination)
def inventory_positions(request, filters: Query[InventoryFilter]):
    """The latest committed position per distributor x location x product (with
    ``as_of_month``: the latest reported in that month)."""
    scope = require(request, Perm.VIEW_SELLTHROUGH)
    if filters.distributor_id is not None:
        get_in_scope(Distributor, scope, pk=filters.distributor_id)
    positions = selectors.inventory_positions(
        scope,
        distributor_id=filters.distributor_id,
        product_id=filters.product_id,
        sku=(filters.sku or "").strip(),
        location=(filters.location or "").strip(),
        as_of_month=_month(filters.as_of_month),
    )
    return positions.order_by(*selectors.INVENTORY_ORDER)
