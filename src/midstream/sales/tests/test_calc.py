"""Roll-ups into fiscal periods and conversion: worked examples and properties."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from midstream.sales.calc import MonthlyAmount, Period, month_end, period_for, totals_by_period


def row(month: str, currency: str, amount: str, *, distributor_id=1, lines=1) -> MonthlyAmount:
    return MonthlyAmount(
        distributor_id=distributor_id,
        month=dt.date.fromisoformat(f"{month}-01"),
        currency=currency,
        amount=Decimal(amount),
        quantity=Decimal(1),
        lines=lines,
    )


RATES = {"EUR": [(dt.date(2026, 1, 1), Decimal("1.10")), (dt.date(2026, 3, 15), Decimal("1.12"))]}


def rate(currency: str, on: dt.date):
    if currency == "USD":
        return Decimal(1)
    best = None
    for valid_from, value in RATES.get(currency, []):
        if valid_from <= on:
            best = value
    return best


def totals(rows, grain="month", start_month=1, **options):
    return totals_by_period(
        rows, grain=grain, start_month=start_month, reporting_currency="USD", rate=rate, **options
    )


def test_month_end():
    assert month_end(dt.date(2026, 2, 1)) == dt.date(2026, 2, 28)
    assert month_end(dt.date(2028, 2, 1)) == dt.date(2028, 2, 29)
    assert month_end(dt.date(2026, 12, 1)) == dt.date(2026, 12, 31)


@pytest.mark.parametrize(
    ("month", "grain", "start_month", "expected"),
    [
        ("2026-03", "month", 1, Period(dt.date(2026, 3, 1), "2026-03", "FY2026 P03")),
        ("2026-03", "month", 10, Period(dt.date(2026, 3, 1), "2026-03", "FY2026 P06")),
        ("2026-11", "month", 10, Period(dt.date(2026, 11, 1), "2026-11", "FY2027 P02")),
        ("2026-03", "quarter", 1, Period(dt.date(2026, 1, 1), "FY2026 Q1", "FY2026 Q1")),
        ("2026-03", "quarter", 10, Period(dt.date(2026, 1, 1), "FY2026 Q2", "FY2026 Q2")),
        ("2026-10", "quarter", 10, Period(dt.date(2026, 10, 1), "FY2027 Q1", "FY2027 Q1")),
        ("2026-03", "year", 1, Period(dt.date(2026, 1, 1), "FY2026", "FY2026")),
        ("2026-03", "year", 4, Period(dt.date(2025, 4, 1), "FY2026", "FY2026")),
        ("2026-04", "year", 4, Period(dt.date(2026, 4, 1), "FY2027", "FY2027")),
    ],
)
def test_period_for(month, grain, start_month, expected):
    assert period_for(dt.date.fromisoformat(f"{month}-01"), grain, start_month) == expected


def test_period_for_refuses_an_unknown_grain():
    with pytest.raises(ValueError, match="grain"):
        period_for(dt.date(2026, 1, 1), "week", 1)


def test_months_convert_at_the_rate_on_their_last_day():
    result = totals([row("2026-02", "EUR", "100.00"), row("2026-03", "EUR", "100.00")])

    assert [(t.period.label, t.amounts, t.reporting_amount) for t in result] == [
        ("2026-02", {"EUR": Decimal("100.00")}, Decimal("110.00")),
        ("2026-03", {"EUR": Decimal("100.00")}, Decimal("112.00")),
    ]


def test_a_quarter_sums_currencies_and_distributors_and_rounds_once():
    rows = [
        row("2026-01", "EUR", "0.05", distributor_id=1, lines=2),
        row("2026-02", "EUR", "0.05", distributor_id=2, lines=3),
        row("2026-02", "USD", "5.00", distributor_id=1),
    ]

    [quarter] = totals(rows, grain="quarter")

    assert quarter.period.label == "FY2026 Q1"
    assert quarter.amounts == {"EUR": Decimal("0.10"), "USD": Decimal("5.00")}
    # 0.055 + 0.055 + 5 = 5.11, rounded once; rounding each month would give 5.12.
    assert quarter.reporting_amount == Decimal("5.11")
    assert quarter.lines == 6
    assert quarter.missing_rates == ()


def test_a_missing_rate_leaves_no_total_and_names_the_currency():
    rows = [
        row("2026-03", "USD", "10.00"),
        row("2026-03", "GBP", "5.00"),
        row("2025-12", "EUR", "1"),
    ]

    result = totals(rows, grain="year")

    assert [(t.period.label, t.reporting_amount, t.missing_rates) for t in result] == [
        ("FY2025", None, ("EUR",)),
        ("FY2026", None, ("GBP",)),
    ]
    assert result[1].amounts == {"GBP": Decimal("5.00"), "USD": Decimal("10.00")}


def test_requested_months_appear_even_without_sell_in():
    months = [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]

    result = totals([row("2026-02", "USD", "3.00")], months=months)

    assert [(t.period.label, t.amounts, t.reporting_amount, t.lines) for t in result] == [
        ("2026-01", {}, Decimal("0.00"), 0),
        ("2026-02", {"USD": Decimal("3.00")}, Decimal("3.00"), 1),
        ("2026-03", {}, Decimal("0.00"), 0),
    ]


amounts = st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2)
month_rows = st.lists(
    st.builds(
        lambda month, amount, distributor_id: row(f"2026-{month:02d}", "USD", str(amount),
                                                  distributor_id=distributor_id),
        st.integers(1, 12),
        amounts,
        st.integers(1, 3),
    ),
    max_size=40,
)  # fmt: skip


@given(month_rows, st.sampled_from(["month", "quarter", "year"]), st.integers(1, 12))
def test_property_periods_partition_the_amounts(rows, grain, start_month):
    result = totals(rows, grain=grain, start_month=start_month)

    assert sum((t.reporting_amount for t in result), Decimal(0)) == sum(
        (r.amount for r in rows), Decimal(0)
    )
    assert sum(t.lines for t in result) == len(rows)
    starts = [t.period.start for t in result]
    assert starts == sorted(set(starts))


@given(month_rows, st.integers(1, 12))
def test_property_quarters_are_the_sum_of_their_months(rows, start_month):
    months = totals(rows, grain="month", start_month=start_month)
    quarters = totals(rows, grain="quarter", start_month=start_month)

    by_quarter: dict[str, Decimal] = {}
    for total in months:
        label = period_for(total.period.start, "quarter", start_month).label
        by_quarter[label] = by_quarter.get(label, Decimal(0)) + total.reporting_amount
    assert {t.period.label: t.reporting_amount for t in quarters} == by_quarter
