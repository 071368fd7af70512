"""Sell-in reads: lines, imports, and the monthly roll-up (issue 2, points 7 and 9)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BigIntegerField, Count, F, QuerySet, Sum
from django.db.models.functions import Cast, Round, TruncMonth

from midstream.core.calc import months_between
from midstream.core.errors import DomainError
from midstream.core.scoping import Scope, get_in_scope
from midstream.core.selectors import get_vendor_settings, rate_table
from midstream.partners.models import Distributor
from midstream.sales.calc import MonthlyAmount, PeriodTotal, totals_by_period
from midstream.sales.models import SellInImport, SellInLine


def sellin_lines(scope: Scope) -> QuerySet[SellInLine]:
    """The lines ``scope`` may see, with what list columns show."""
    return SellInLine.objects.for_scope(scope).select_related("distributor", "product")


def get_sellin_line(scope: Scope, pk) -> SellInLine:
    """One line; 404 for a missing line and for another distributor's alike."""
    return get_in_scope(
        SellInLine.objects.unscoped().select_related("distributor", "product", "imported_by"),
        scope,
        pk=pk,
    )


def sellin_imports() -> QuerySet[SellInImport]:
    """Import history (vendor side: one import may span many distributors)."""
    return SellInImport.objects.select_related("actor")


def sellin_months(scope: Scope) -> list[dt.date]:
    """First days of the months that have sell-in, newest first (one query)."""
    return list(SellInLine.objects.for_scope(scope).dates("invoice_date", "month", order="DESC"))


def monthly_amounts(
    scope: Scope,
    *,
    distributor_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[MonthlyAmount]:
    """Net amount, quantity and line count per (distributor, month, currency): one query.

    The sums run over whole cents and thousandths cast to integers, so they are exact on
    SQLite too (which keeps decimals as floating point) and the same on PostgreSQL.
    """
    lines = SellInLine.objects.for_scope(scope)
    if distributor_id is not None:
        lines = lines.filter(distributor_id=distributor_id)
    if date_from is not None:
        lines = lines.filter(invoice_date__gte=date_from)
    if date_to is not None:
        lines = lines.filter(invoice_date__lte=date_to)
    rows = (
        lines.annotate(month=TruncMonth("invoice_date"))
        .values("distributor_id", "month", "currency")
        .annotate(
            cents=Sum(Cast(Round(F("net_amount") * 100), BigIntegerField())),
            thousandths=Sum(Cast(Round(F("quantity") * 1000), BigIntegerField())),
            lines=Count("id"),
        )
        .order_by("month", "distributor_id", "currency")
    )
    return [
        MonthlyAmount(
            distributor_id=row["distributor_id"],
            month=_as_date(row["month"]),
            currency=row["currency"],
            amount=Decimal(row["cents"]).scaleb(-2),
            quantity=Decimal(row["thousandths"]).scaleb(-3),
            lines=row["lines"],
        )
        for row in rows
    ]


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


@dataclass(frozen=True)
class DistributorSummary:
    distributor: Distributor
    lines: int
    amounts: dict[str, Decimal]
    reporting_amount: Decimal | None
    missing_rates: tuple[str, ...]


def summarize(distributor: Distributor, totals: list[PeriodTotal]) -> DistributorSummary:
    amounts: dict[str, Decimal] = {}
    for total in totals:
        for currency, amount in total.amounts.items():
            amounts[currency] = amounts.get(currency, Decimal(0)) + amount
    missing = tuple(sorted({code for total in totals for code in total.missing_rates}))
    return DistributorSummary(
        distributor=distributor,
        lines=sum(total.lines for total in totals),
        amounts=dict(sorted(amounts.items())),
        reporting_amount=None
        if missing
        else sum((total.reporting_amount for total in totals), Decimal("0.00")),
        missing_rates=missing,
    )


@dataclass
class SellInReport:
    """Sell-in per fiscal period: overall and per distributor, per currency and converted."""

    reporting_currency: str
    grain: str
    totals: list[PeriodTotal]
    by_distributor: list[tuple[Distributor, list[PeriodTotal]]] = field(default_factory=list)
    currencies: list[str] = field(default_factory=list)

    @property
    def missing_rates(self) -> list[str]:
        return sorted({code for total in self.totals for code in total.missing_rates})

    @property
    def distributor_summaries(self) -> list[DistributorSummary]:
        return [summarize(distributor, totals) for distributor, totals in self.by_distributor]

    @property
    def reporting_total(self) -> Decimal | None:
        if any(total.reporting_amount is None for total in self.totals):
            return None
        return sum((total.reporting_amount for total in self.totals), Decimal("0.00"))


def sellin_report(
    scope: Scope,
    *,
    grain: str = "month",
    distributor_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    months: list[dt.date] | None = None,
) -> SellInReport:
    """Sell-in per month, fiscal quarter or fiscal year, converted to the reporting currency.

    Amounts are converted month by month at the rate in force on the month's last day
    (``core.selectors.rate_table``); where a rate is missing the period's converted total
    is ``None`` and the currency is named, never a wrong total. ``months`` lists months
    that must appear even when empty (defaults to every month between the first and the
    last with sell-in).
    """
    vendor_settings = get_vendor_settings()
    rates = rate_table()

    def rate(currency: str, on: dt.date) -> Decimal | None:
        try:
            return rates.rate(currency, on)
        except DomainError:
            return None

    rows = monthly_amounts(
        scope, distributor_id=distributor_id, date_from=date_from, date_to=date_to
    )
    if months is None and rows:
        months = months_between(rows[0].month, rows[-1].month)
    options = {
        "grain": grain,
        "start_month": vendor_settings.fiscal_year_start_month,
        "reporting_currency": rates.reporting_currency,
        "rate": rate,
    }
    totals = totals_by_period(rows, months=months or (), **options)
    distributor_ids = sorted({row.distributor_id for row in rows})
    distributors = Distributor.objects.unscoped().in_bulk(distributor_ids) if rows else {}
    by_distributor = [
        (
            distributors[pk],
            totals_by_period(
                [row for row in rows if row.distributor_id == pk], months=months or (), **options
            ),
        )
        for pk in sorted(distributor_ids, key=lambda pk: distributors[pk].code)
    ]
    return SellInReport(
        reporting_currency=rates.reporting_currency,
        grain=grain,
        totals=totals,
        by_distributor=by_distributor,
        currencies=sorted({row.currency for row in rows}),
    )


def bar_chart(report: SellInReport) -> dict:
    """Chart.js data for a report: reporting-currency amounts per period, gaps where a rate
    is missing. Amounts travel as decimal strings (never floats); Chart.js reads them."""
    return {
        "labels": [total.period.label for total in report.totals],
        "label": f"Net sell-in ({report.reporting_currency})",
        "values": [
            None if total.reporting_amount is None else str(total.reporting_amount)
            for total in report.totals
        ],
    }
