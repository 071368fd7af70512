"""Read side for dashboards and reports: counts, totals and series, each a fixed number of
queries whatever the data's size."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BigIntegerField, Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import Cast, Round, RowNumber, TruncMonth
from django.utils import timezone

from midstream.catalog.models import Product
from midstream.core.calc import months_between
from midstream.core.scoping import Scope
from midstream.ingest.choices import SubmissionStatus
from midstream.ingest.models import InventoryFact, SellThroughMonth
from midstream.network.models import Reseller
from midstream.partners.models import Distributor
from midstream.sales.models import SellInLine
from midstream.sales.selectors import bar_chart, sellin_report


def last_twelve_months(today: dt.date) -> list[dt.date]:
    """First days of the twelve calendar months ending with ``today``'s month."""
    index = today.year * 12 + today.month - 1 - 11
    return months_between(dt.date(index // 12, index % 12 + 1, 1), today)


def sellin_last_twelve_months(today: dt.date) -> dict:
    """Vendor-wide sell-in of the last twelve months in the reporting currency.

    ``total`` is ``None`` (and ``missing_rates`` names the currencies) when an exchange
    rate is missing, rather than a total that leaves some currencies out.
    """
    months = last_twelve_months(today)
    report = sellin_report(Scope.vendor(), date_from=months[0], date_to=today, months=months)
    return {
        "reporting_currency": report.reporting_currency,
        "months": report.totals,
        "total": report.reporting_total,
        "missing_rates": report.missing_rates,
        "lines": sum(total.lines for total in report.totals),
        "chart": bar_chart(report),
    }


def dashboard_summary(today: dt.date | None = None) -> dict:
    by_status = dict(
        Distributor.objects.unscoped().values_list("status").annotate(n=Count("id")).order_by()
    )
    return {
        "distributors_by_status": by_status,
        "distributor_count": sum(by_status.values()),
        "reseller_count": Reseller.objects.unscoped().count(),
        "product_count": Product.objects.count(),
        "sellin": sellin_last_twelve_months(today or timezone.localdate()),
    }


# ─── sell-through explorer (issue 3): rollups only, never the raw sell-through lines ──────


@dataclass(frozen=True)
class SellThroughFilters:
    """What the explorer and its API narrow to. Months are first days of months.

    ``sku`` matches one product's SKU (any case); ``reseller`` matches a reseller's partner id
    exactly or its name in part (any case).
    """

    distributor_id: int | None = None
    month_from: dt.date | None = None
    month_to: dt.date | None = None
    family_id: int | None = None
    product_id: int | None = None
    sku: str = ""
    reseller_id: int | None = None
    reseller: str = ""


def _thousandths(field: str) -> Sum:
    """An exact sum of a 3-decimal column (on SQLite too, which keeps decimals as floats)."""
    return Sum(Cast(Round(F(field) * 1000), BigIntegerField()))


def _ten_thousandths(field: str) -> Sum:
    """The same for a 4-decimal column (amounts as reported)."""
    return Sum(Cast(Round(F(field) * 10000), BigIntegerField()))


def _product_filters(queryset: QuerySet, filters: SellThroughFilters) -> QuerySet:
    if filters.distributor_id is not None:
        queryset = queryset.filter(distributor_id=filters.distributor_id)
    if filters.family_id is not None:
        queryset = queryset.filter(product__family_id=filters.family_id)
    if filters.product_id is not None:
        queryset = queryset.filter(product_id=filters.product_id)
    if filters.sku:
        queryset = queryset.filter(product__sku__iexact=filters.sku)
    return queryset


def active_months(scope: Scope, filters: SellThroughFilters) -> QuerySet[SellThroughMonth]:
    """The active rollup rows ``scope`` may see that match ``filters``."""
    rows = SellThroughMonth.objects.for_scope(scope).filter(active=True)
    if filters.distributor_id is None and scope.vendor_wide:
        # The rollups' one index leads with the distributor: naming them all reads each
        # distributor's months through it instead of the whole table.
        rows = rows.filter(distributor_id__in=Distributor.objects.for_scope(scope).values("pk"))
    rows = _product_filters(rows, filters)
    if filters.month_from is not None:
        rows = rows.filter(month__gte=filters.month_from)
    if filters.month_to is not None:
        rows = rows.filter(month__lte=filters.month_to)
    if filters.reseller_id is not None:
        rows = rows.filter(reseller_id=filters.reseller_id)
    if filters.reseller:
        rows = rows.filter(
            Q(reseller__partner_id__iexact=filters.reseller)
            | Q(reseller__name__icontains=filters.reseller)
        )
    return rows


# The order of the explorer's table (its grouping), also its tie-break when sorted otherwise;
# rows without a reseller come last on every database.
SELLTHROUGH_ORDER = (
    "month",
    "distributor__code",
    "product__sku",
    F("reseller__partner_id").asc(nulls_last=True),
    "currency",
)


def sellthrough_rows(scope: Scope, filters: SellThroughFilters) -> QuerySet:
    """Rollup rows summed per month x distributor x product x reseller x currency.

    Several active submissions may hold the same month (a late line, an overlapping period),
    so rows are grouped again here. Values, not models: ``quantity`` and ``amount`` are exact
    Decimals, ``lines`` the count of sell-through lines behind the row.
    """
    return (
        active_months(scope, filters)
        .values(
            "month",
            "distributor_id",
            "distributor__code",
            "product_id",
            "product__sku",
            "product__description",
            "reseller_id",
            "reseller__partner_id",
            "reseller__name",
            "currency",
        )
        .annotate(
            thousandths=_thousandths("quantity"),
            ten_thousandths=_ten_thousandths("amount"),
            lines=Sum("line_count"),
        )
        .order_by(*SELLTHROUGH_ORDER)
    )


def row_quantity(row: dict) -> Decimal:
    return Decimal(row["thousandths"] or 0).scaleb(-3)


def row_amount(row: dict) -> Decimal:
    """The exact sum, shown with two decimals unless it has more (9.995 stays 9.995)."""
    amount = Decimal(row["ten_thousandths"] or 0).scaleb(-4)
    cents = amount.quantize(Decimal("0.01"))
    return cents if cents == amount else amount.normalize()


@dataclass(frozen=True)
class SeriesMonth:
    month: dt.date
    sell_in_quantity: Decimal
    sell_through_quantity: Decimal
    sell_through_lines: int


def sellthrough_series(scope: Scope, filters: SellThroughFilters) -> list[SeriesMonth]:
    """Sell-in against sell-through quantity by month: two aggregate queries.

    Sell-through comes from the active rollup rows; sell-in from the vendor's invoice lines to
    the distributors (the distributor, family and product filters apply; the reseller filter
    does not, sell-in having no reseller). Months run from ``month_from`` (else the first month
    with data) to ``month_to`` (else the last), empty months included as zero.
    """
    through = {
        _as_date(row["month"]): row
        for row in active_months(scope, filters)
        .values("month")
        .annotate(thousandths=_thousandths("quantity"), lines=Sum("line_count"))
        .order_by("month")
    }
    sellin = _product_filters(SellInLine.objects.for_scope(scope), filters)
    if filters.month_from is not None:
        sellin = sellin.filter(invoice_date__gte=filters.month_from)
    if filters.month_to is not None:
        sellin = sellin.filter(invoice_date__lt=_next_month(filters.month_to))
    sold_in = {
        _as_date(row["invoice_month"]): row["thousandths"]
        for row in sellin.annotate(invoice_month=TruncMonth("invoice_date"))
        .values("invoice_month")
        .annotate(thousandths=_thousandths("quantity"))
        .order_by("invoice_month")
    }
    known = sorted(set(through) | set(sold_in))
    first = filters.month_from or (known[0] if known else None)
    last = filters.month_to or (known[-1] if known else None)
    if first is None or last is None or first > last:
        return []
    return [
        SeriesMonth(
            month=month,
            sell_in_quantity=Decimal(sold_in.get(month) or 0).scaleb(-3),
            sell_through_quantity=Decimal(
                (through[month]["thousandths"] or 0) if month in through else 0
            ).scaleb(-3),
            sell_through_lines=(through[month]["lines"] or 0) if month in through else 0,
        )
        for month in months_between(first, last)
    ]


def series_chart(series: list[SeriesMonth]) -> dict:
    """Chart.js data: sell-in bars and a sell-through line, quantities as decimal strings."""
    return {
        "labels": [point.month.strftime("%Y-%m") for point in series],
        "label": "Sell-in and sell-through quantity by month",
        "datasets": [
            {
                "label": "Sell-in quantity",
                "type": "bar",
                "values": [str(point.sell_in_quantity) for point in series],
            },
            {
                "label": "Sell-through quantity",
                "type": "line",
                "values": [str(point.sell_through_quantity) for point in series],
            },
        ],
    }


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _next_month(month: dt.date) -> dt.date:
    index = month.year * 12 + month.month
    return dt.date(index // 12, index % 12 + 1, 1)


# ─── inventory positions ─────────────────────────────────────────────────────────────────


def inventory_positions(
    scope: Scope,
    *,
    distributor_id: int | None = None,
    product_id: int | None = None,
    sku: str = "",
    location: str = "",
    as_of_month: dt.date | None = None,
) -> QuerySet[InventoryFact]:
    """The latest reported position per distributor x location x product.

    Only committed submissions count (a superseded version's positions are history). With
    ``as_of_month``, the latest position reported within that month. One query: the positions
    of each key are numbered newest first (as-of date, then id) by a window function and the
    first is kept, one sort of the matching rows whatever their number. The filters narrow
    whole keys, so they apply before the numbering.
    """
    reported = InventoryFact.objects.for_scope(scope).filter(
        submission__status=SubmissionStatus.COMMITTED
    )
    if as_of_month is not None:
        reported = reported.filter(
            as_of_date__gte=as_of_month, as_of_date__lt=_next_month(as_of_month)
        )
    if distributor_id is not None:
        reported = reported.filter(distributor_id=distributor_id)
    if product_id is not None:
        reported = reported.filter(product_id=product_id)
    if sku:
        reported = reported.filter(product__sku__iexact=sku)
    if location:
        reported = reported.filter(location__icontains=location)
    newest_first = Window(
        RowNumber(),
        partition_by=[F("distributor_id"), F("location"), F("product_id")],
        order_by=[F("as_of_date").desc(), F("pk").desc()],
    )
    return (
        reported.annotate(newest=newest_first)
        .filter(newest=1)
        .select_related("distributor", "product")
    )


INVENTORY_ORDER = ("distributor__code", "location", "product__sku", "pk")
