import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from midstream.core.calc import (
    fiscal_month_for,
    fiscal_quarter_range,
    fiscal_year_range,
    months_between,
)


def test_calendar_fiscal_year():
    month = fiscal_month_for(dt.date(2026, 3, 15), 1)
    assert (month.fiscal_year, month.period, month.quarter) == (2026, 3, 1)
    assert month.fiscal_label == "FY2026 P03"


def test_fiscal_year_starting_in_july_is_named_after_its_end():
    month = fiscal_month_for(dt.date(2026, 7, 1), 7)
    assert (month.fiscal_year, month.period, month.quarter) == (2027, 1, 1)
    june = fiscal_month_for(dt.date(2026, 6, 30), 7)
    assert (june.fiscal_year, june.period, june.quarter) == (2026, 12, 4)
    assert fiscal_year_range(2027, 7).start == dt.date(2026, 7, 1)
    assert fiscal_year_range(2027, 7).end == dt.date(2027, 6, 30)
    q2 = fiscal_quarter_range(2027, 2, 7)
    assert (q2.start, q2.end, q2.label) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
        "FY2027 Q2",
    )


def test_months_between_is_inclusive():
    assert months_between(dt.date(2025, 11, 20), dt.date(2026, 2, 1)) == [
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
    ]


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)), st.integers(1, 12))
def test_every_day_falls_inside_its_fiscal_year_and_quarter(day, start_month):
    month = fiscal_month_for(day, start_month)
    year = fiscal_year_range(month.fiscal_year, start_month)
    quarter = fiscal_quarter_range(month.fiscal_year, month.quarter, start_month)
    assert year.start <= day <= year.end
    assert quarter.start <= day <= quarter.end
    assert month.start <= day <= month.end
    assert 1 <= month.period <= 12
