"""Fiscal calendar and currency conversion: pure rules, no Django, no clock.

A fiscal year starts on the first day of ``start_month`` and is named after the calendar
year in which it ends (start month October: FY2027 runs 2026-10-01 … 2027-09-30). With
``start_month`` 1 the fiscal year is the calendar year.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True, order=True)
class FiscalMonth:
    fiscal_year: int
    period: int  # 1..12 within the fiscal year
    start: dt.date

    @property
    def quarter(self) -> int:
        return (self.period - 1) // 3 + 1

    @property
    def end(self) -> dt.date:
        return _add_months(self.start, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return self.start.strftime("%Y-%m")

    @property
    def fiscal_label(self) -> str:
        return f"FY{self.fiscal_year} P{self.period:02d}"

    @property
    def quarter_label(self) -> str:
        return f"FY{self.fiscal_year} Q{self.quarter}"


@dataclass(frozen=True, slots=True)
class FiscalRange:
    label: str
    start: dt.date
    end: dt.date  # inclusive


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def fiscal_month_for(day: dt.date, start_month: int) -> FiscalMonth:
    """The fiscal month containing ``day`` for a fiscal year starting in ``start_month``."""
    if not 1 <= start_month <= 12:
        raise ValueError("start_month must be 1..12")
    offset = (day.month - start_month) % 12
    first_of_year_year = day.year if day.month >= start_month else day.year - 1
    fiscal_year = first_of_year_year if start_month == 1 else first_of_year_year + 1
    return FiscalMonth(fiscal_year=fiscal_year, period=offset + 1, start=month_start(day))


def fiscal_year_range(fiscal_year: int, start_month: int) -> FiscalRange:
    first_year = fiscal_year if start_month == 1 else fiscal_year - 1
    start = dt.date(first_year, start_month, 1)
    return FiscalRange(f"FY{fiscal_year}", start, _add_months(start, 12) - dt.timedelta(days=1))


def fiscal_quarter_range(fiscal_year: int, quarter: int, start_month: int) -> FiscalRange:
    if not 1 <= quarter <= 4:
        raise ValueError("quarter must be 1..4")
    year = fiscal_year_range(fiscal_year, start_month)
    start = _add_months(year.start, 3 * (quarter - 1))
    return FiscalRange(
        f"FY{fiscal_year} Q{quarter}", start, _add_months(start, 3) - dt.timedelta(days=1)
    )


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of every month from ``first``'s month to ``last``'s month, inclusive."""
    months = []
    current = month_start(first)
    while current <= last:
        months.append(current)
        current = _add_months(current, 1)
    return months


def convert_amount(amount: Decimal, rate: Decimal) -> Decimal:
    """Amount in the reporting currency, given units of reporting currency per unit."""
    return amount * rate
