"""Sell-in roll-ups: monthly amounts grouped into fiscal periods and converted. Pure rules.

Issue 2, points 7 and 9. The database sums net amounts per (distributor, month, currency);
these functions group the months into the vendor's fiscal months, quarters or years and
convert each month's amount into the reporting currency with the rate in force on the last
day of that month. A missing rate is reported as missing (``reporting_amount`` is ``None``
and the currency is listed), never silently left out of a total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from midstream.core.calc import fiscal_month_for
from midstream.core.money import quantize

GRAINS = ("month", "quarter", "year")


@dataclass(frozen=True, slots=True)
class MonthlyAmount:
    """What the database sums: one distributor's net amount in one currency in one month."""

    distributor_id: int
    month: dt.date  # first day of the calendar month
    currency: str
    amount: Decimal
    quantity: Decimal
    lines: int


@dataclass(frozen=True, slots=True, order=True)
class Period:
    start: dt.date  # first day of the period's first month
    label: str  # "2026-03", "FY2026 Q1", "FY2026"
    fiscal_label: str  # "FY2026 P03" for months; the label otherwise


@dataclass
class PeriodTotal:
    period: Period
    amounts: dict[str, Decimal] = field(default_factory=dict)  # per line currency
    reporting_amount: Decimal | None = Decimal(0)
    missing_rates: tuple[str, ...] = ()
    lines: int = 0


def month_end(month: dt.date) -> dt.date:
    following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def period_for(month: dt.date, grain: str, start_month: int) -> Period:
    """The fiscal period of ``grain`` containing ``month``."""
    fiscal = fiscal_month_for(month, start_month)
    if grain == "month":
        return Period(fiscal.start, fiscal.label, fiscal.fiscal_label)
    if grain == "quarter":
        first_period = (fiscal.quarter - 1) * 3 + 1
        start = _shift_months(fiscal.start, first_period - fiscal.period)
        return Period(start, fiscal.quarter_label, fiscal.quarter_label)
    if grain == "year":
        start = _shift_months(fiscal.start, 1 - fiscal.period)
        label = f"FY{fiscal.fiscal_year}"
        return Period(start, label, label)
    raise ValueError(f"grain must be one of {', '.join(GRAINS)}")


def _shift_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def totals_by_period(
    rows: Iterable[MonthlyAmount],
    *,
    grain: str,
    start_month: int,
    reporting_currency: str,
    rate: Callable[[str, dt.date], Decimal | None],
    months: Iterable[dt.date] = (),
) -> list[PeriodTotal]:
    """Sum ``rows`` per fiscal period, per currency and converted; oldest period first.

    ``rate(currency, day)`` gives units of the reporting currency per unit, or ``None`` when
    no rate is known. Each month's amount is converted at the rate on the month's last day;
    the period's reporting amount is rounded once, at the end. ``months`` lists months that
    must appear even without sell-in (a chart's empty bars).
    """
    totals: dict[Period, PeriodTotal] = {}
    converted: dict[Period, Decimal] = {}
    missing: dict[Period, set[str]] = {}
    for month in months:
        period = period_for(month, grain, start_month)
        totals.setdefault(period, PeriodTotal(period))
    for row in rows:
        period = period_for(row.month, grain, start_month)
        total = totals.setdefault(period, PeriodTotal(period))
        total.amounts[row.currency] = total.amounts.get(row.currency, Decimal(0)) + row.amount
        total.lines += row.lines
        factor = rate(row.currency, month_end(row.month))
        if factor is None:
            missing.setdefault(period, set()).add(row.currency)
        else:
            converted[period] = converted.get(period, Decimal(0)) + row.amount * factor
    result = []
    for period in sorted(totals):
        total = totals[period]
        total.amounts = dict(sorted(total.amounts.items()))
        if period in missing:
            total.reporting_amount = None
            total.missing_rates = tuple(sorted(missing[period]))
        else:
            total.reporting_amount = quantize(converted.get(period, Decimal(0)), reporting_currency)
        result.append(total)
    return result
