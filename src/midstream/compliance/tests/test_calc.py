"""The pure compliance rules: periods, coverage, statuses, scores, reminders, estimates."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from midstream.compliance import calc

D = dt.date


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


# ─── periods ──────────────────────────────────────────────────────────────────────────────


def test_monthly_periods_end_in_the_window():
    assert calc.periods_ending_between("monthly", D(2025, 1, 15), D(2025, 3, 31)) == [
        (D(2025, 1, 1), D(2025, 1, 31)),
        (D(2025, 2, 1), D(2025, 2, 28)),
        (D(2025, 3, 1), D(2025, 3, 31)),
    ]


def test_weekly_periods_are_iso_weeks_monday_to_sunday():
    # 2025-01-01 is a Wednesday: its week started on Monday 2024-12-30.
    assert calc.periods_ending_between("weekly", D(2025, 1, 1), D(2025, 1, 14)) == [
        (D(2024, 12, 30), D(2025, 1, 5)),
        (D(2025, 1, 6), D(2025, 1, 12)),
    ]


def test_an_unknown_frequency_is_refused():
    with pytest.raises(ValueError, match="unknown frequency"):
        calc.period_containing("daily", D(2025, 1, 1))


def test_an_obligation_owes_the_periods_ending_while_it_is_in_force():
    periods = calc.obligation_periods(
        frequency="monthly",
        active_from=D(2025, 1, 15),
        active_to=D(2025, 3, 30),
        window_start=D(2024, 1, 1),
        window_end=D(2025, 12, 31),
    )
    # January ends after the start; March ends a day after the obligation.
    assert periods == [(D(2025, 1, 1), D(2025, 1, 31)), (D(2025, 2, 1), D(2025, 2, 28))]


def test_an_obligation_outside_the_window_owes_nothing():
    assert (
        calc.obligation_periods(
            frequency="weekly",
            active_from=D(2026, 1, 1),
            active_to=None,
            window_start=D(2025, 1, 1),
            window_end=D(2025, 6, 30),
        )
        == []
    )


@given(
    frequency=st.sampled_from(["weekly", "monthly"]),
    first=st.dates(D(2000, 1, 1), D(2040, 1, 1)),
    days=st.integers(0, 400),
)
def test_periods_tile_the_calendar_and_end_in_the_window(frequency, first, days):
    last = first + dt.timedelta(days=days)
    periods = calc.periods_ending_between(frequency, first, last)
    for start, end in periods:
        assert first <= end <= last
        assert start <= end
        assert calc.period_containing(frequency, start) == (start, end)
    for (_, end), (next_start, _) in itertools.pairwise(periods):
        assert next_start == end + dt.timedelta(days=1)


def test_the_due_date_counts_days_after_the_period_end():
    assert calc.due_date_for(D(2025, 1, 31), 10) == D(2025, 2, 10)
    assert calc.due_date_for(D(2025, 1, 31), 0) == D(2025, 1, 31)


# ─── coverage ─────────────────────────────────────────────────────────────────────────────


def test_one_report_for_the_whole_period_covers_it_when_received():
    piece = calc.Piece(D(2025, 1, 1), D(2025, 1, 31), at(D(2025, 2, 8)), 7)
    assert calc.coverage_received_at(D(2025, 1, 1), D(2025, 1, 31), [piece]) == (
        at(D(2025, 2, 8)),
        piece,
    )


def test_weekly_files_cover_a_month_when_the_last_one_arrives():
    pieces = [
        calc.Piece(D(2025, 1, 1), D(2025, 1, 12), at(D(2025, 1, 13)), 1),
        calc.Piece(D(2025, 1, 13), D(2025, 1, 19), at(D(2025, 1, 20)), 2),
        calc.Piece(D(2025, 1, 20), D(2025, 1, 31), at(D(2025, 2, 12)), 3),
    ]
    received, shown = calc.coverage_received_at(D(2025, 1, 1), D(2025, 1, 31), pieces)
    assert received == at(D(2025, 2, 12))
    # The piece overlapping most (12 days each: the later one) is the one shown.
    assert shown.submission_id == 3


def test_a_gap_means_not_covered():
    pieces = [
        calc.Piece(D(2025, 1, 1), D(2025, 1, 10), at(D(2025, 1, 11)), 1),
        calc.Piece(D(2025, 1, 12), D(2025, 1, 31), at(D(2025, 2, 2)), 2),
    ]
    assert calc.coverage_received_at(D(2025, 1, 1), D(2025, 1, 31), pieces) == (None, None)


def test_a_quarterly_report_covers_each_of_its_months():
    piece = calc.Piece(D(2025, 1, 1), D(2025, 3, 31), at(D(2025, 4, 5)), 9)
    assert calc.coverage_received_at(D(2025, 2, 1), D(2025, 2, 28), [piece])[0] == at(D(2025, 4, 5))


intervals = st.lists(
    st.tuples(st.integers(0, 40), st.integers(0, 15), st.integers(0, 60)), max_size=6
)


@given(intervals)
def test_coverage_is_reached_no_later_with_more_reports(raw):
    start, end = D(2025, 1, 1), D(2025, 1, 31)
    pieces = [
        calc.Piece(
            start + dt.timedelta(days=offset - 5),
            start + dt.timedelta(days=offset - 5 + length),
            at(end) + dt.timedelta(days=delay),
            number,
        )
        for number, (offset, length, delay) in enumerate(raw)
    ]
    extra = calc.Piece(start, end, at(end) + dt.timedelta(days=30), 99)
    before, _ = calc.coverage_received_at(start, end, pieces)
    after, _ = calc.coverage_received_at(start, end, [*pieces, extra])
    assert after is not None
    if before is not None:
        assert after <= before
        # Covered means every day is in some piece.
        days = {start + dt.timedelta(days=n) for n in range(31)}
        assert all(any(p.start <= day <= p.end for p in pieces) for day in days)


# ─── status and score ─────────────────────────────────────────────────────────────────────

PERIOD_END = D(2025, 1, 31)
DUE = D(2025, 2, 10)


@pytest.mark.parametrize(
    ("as_of", "received_on", "incomplete", "expected"),
    [
        (D(2025, 1, 20), None, False, ("upcoming", None)),
        (D(2025, 1, 31), None, False, ("upcoming", None)),
        (D(2025, 2, 1), None, False, ("due", None)),
        (D(2025, 2, 10), None, False, ("due", None)),
        (D(2025, 2, 11), None, False, ("missing", 1)),
        (D(2025, 3, 12), None, False, ("missing", 30)),
        (D(2025, 3, 12), D(2025, 2, 10), False, ("on_time", 0)),
        (D(2025, 3, 12), D(2025, 2, 14), False, ("late", 4)),
        (D(2025, 3, 12), D(2025, 2, 1), True, ("incomplete", 0)),
        (D(2025, 3, 12), D(2025, 2, 13), True, ("incomplete", 3)),
    ],
)
def test_status_for(as_of, received_on, incomplete, expected):
    evaluation = calc.status_for(
        period_end=PERIOD_END,
        due_date=DUE,
        as_of=as_of,
        received_on=received_on,
        incomplete=incomplete,
    )
    assert (evaluation.status, evaluation.days_late) == expected


@pytest.mark.parametrize(
    ("status", "days", "score"),
    [
        ("on_time", 0, Decimal(1)),
        ("late", 1, Decimal("0.95")),
        ("late", 10, Decimal("0.50")),
        ("late", 16, Decimal("0.2")),
        ("late", 90, Decimal("0.2")),
        ("incomplete", 0, Decimal("0.5")),
        ("incomplete", 12, Decimal("0.40")),
        ("missing", 5, Decimal(0)),
        ("due", None, None),
        ("upcoming", None, None),
        ("withdrawn", None, None),
    ],
)
def test_report_score(status, days, score):
    assert calc.report_score(status, days) == score


@given(st.integers(0, 365))
def test_a_late_score_never_rises_with_more_days_and_stays_in_bounds(days):
    score = calc.late_score(days)
    assert calc.LATE_FLOOR <= score <= 1
    assert calc.late_score(days + 1) <= score


def test_month_scores_average_each_month_and_the_trailing_twelve():
    rows = [
        (D(2025, 1, 1), "on_time", Decimal(1)),
        (D(2025, 1, 1), "missing", Decimal(0)),
        (D(2025, 2, 1), "late", Decimal("0.9")),
        (D(2025, 2, 1), "upcoming", None),
        (D(2024, 2, 1), "on_time", Decimal(1)),  # in January's 12 months, not February's
    ]
    months = {m.month: m for m in calc.month_scores(rows)}
    january, february = months[D(2025, 1, 1)], months[D(2025, 2, 1)]
    assert (january.reports, january.on_time, january.missing, january.score) == (
        2,
        1,
        1,
        Decimal("50.0"),
    )
    assert (january.trailing_reports, january.trailing_score) == (3, Decimal("66.7"))
    assert (february.reports, february.late, february.score) == (1, 1, Decimal("90.0"))
    # February's 12 months start in March 2024: the February 2024 report is out.
    assert (february.trailing_reports, february.trailing_score) == (3, Decimal("63.3"))


def test_a_month_with_nothing_scorable_has_no_score():
    [month] = calc.month_scores([(D(2025, 3, 1), "due", None)])
    assert (month.reports, month.score, month.trailing_score) == (0, None, None)


@given(st.lists(st.sampled_from(["0", "0.2", "0.5", "0.95", "1"]), min_size=1, max_size=30))
def test_a_percentage_is_between_0_and_100(values):
    value = calc.percent([Decimal(v) for v in values])
    assert Decimal(0) <= value <= Decimal(100)


# ─── reminders ────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("days", "stage"),
    [
        (-4, None),
        (-3, "before_due"),
        (-1, "before_due"),
        (0, "due"),
        (1, "overdue"),
        (6, "overdue"),
        (7, "escalated"),
        (21, "escalated"),
        (22, None),
    ],
)
def test_reminder_stage(days, stage):
    assert calc.reminder_stage(DUE, DUE + dt.timedelta(days=days), 7) == stage


STAGE_ORDER = [None, "before_due", "due", "overdue", "escalated"]


@given(st.integers(-10, 40), st.integers(2, 60))
def test_reminder_stages_only_move_forward_until_the_window_closes(days, escalate):
    stage = calc.reminder_stage(DUE, DUE + dt.timedelta(days=days), escalate)
    following = calc.reminder_stage(DUE, DUE + dt.timedelta(days=days + 1), escalate)
    if following is not None and stage is not None:
        assert STAGE_ORDER.index(following) >= STAGE_ORDER.index(stage)


# ─── incompleteness ───────────────────────────────────────────────────────────────────────

RULES = calc.DEFAULT_RULES


def test_heavily_bought_families_are_shares_per_currency():
    sellin = [
        ("1", "USD", Decimal(700)),
        ("2", "USD", Decimal(200)),
        ("3", "USD", Decimal(100)),
        ("3", "EUR", Decimal(50)),  # all of the EUR sell-in
    ]
    assert calc.heavily_bought_families(sellin, Decimal("0.25")) == {"1", "3"}


def test_a_family_gap_names_the_family():
    [reason] = calc.family_gap_reasons({"1", "2"}, {"2"}, {"1": "Switches"})
    assert reason.code == "family_missing"
    assert reason.message.startswith("No lines for Switches,")


def test_a_total_far_below_the_trailing_average_is_a_reason():
    history = [Decimal(100), Decimal(120), Decimal(80), Decimal(100)]
    reason = calc.total_reason(Decimal(39), history, RULES, "units")
    assert reason.as_dict() == {
        "code": "total_far_below_average",
        "message": "The report totals 39 units, 39% of the distributor's average of 100 over "
        "its previous 4 reports.",
    }
    assert calc.total_reason(Decimal(40), history, RULES, "units") is None


def test_without_enough_history_no_total_reason():
    assert calc.total_reason(Decimal(1), [Decimal(100), Decimal(100)], RULES, "units") is None
    assert calc.total_reason(None, [Decimal(100)] * 5, RULES, "units") is None


def test_only_the_last_six_totals_count():
    history = [Decimal(10_000)] + [Decimal(100)] * 6
    assert calc.trailing_average(history, RULES) == Decimal(100)


def test_many_rejected_lines_are_a_reason():
    assert calc.rejected_reason(100, 9, RULES) is None
    assert calc.rejected_reason(100, 10, RULES).message == (
        "10 of 100 lines were rejected and are not counted."
    )
    assert calc.rejected_reason(0, 0, RULES) is None


# ─── estimates ────────────────────────────────────────────────────────────────────────────


def _estimate(**changes):
    values = {
        "period_start": D(2025, 3, 1),
        "period_end": D(2025, 3, 31),
        "sellin_units": Decimal(100),
        "snapshots": {},
        "trailing_sellthrough": Decimal(0),
        "trailing_sellin": Decimal(0),
        "trailing_label": "2024-09 to 2025-02",
    }
    values.update(changes)
    return calc.estimate_sellthrough(**values)


def test_estimate_from_inventory_movement():
    estimate = _estimate(
        snapshots={D(2025, 2, 28): Decimal(50), D(2025, 3, 31): Decimal(30)},
        trailing_sellthrough=Decimal(10),
        trailing_sellin=Decimal(10),
    )
    assert (estimate.method, estimate.quantity) == ("inventory", Decimal(120))
    assert estimate.details["opening_date"] == "2025-02-28"
    assert estimate.details["closing_date"] == "2025-03-31"


def test_snapshots_too_far_from_the_period_edges_are_not_used():
    estimate = _estimate(snapshots={D(2025, 2, 10): Decimal(50), D(2025, 3, 31): Decimal(30)})
    assert estimate.method == "none"


def test_a_negative_movement_estimate_is_zero():
    estimate = _estimate(snapshots={D(2025, 2, 28): Decimal(0), D(2025, 3, 31): Decimal(500)})
    assert (estimate.quantity, estimate.details["clamped"]) == (Decimal(0), True)


def test_estimate_from_the_trailing_ratio():
    estimate = _estimate(trailing_sellthrough=Decimal(450), trailing_sellin=Decimal(600))
    assert (estimate.method, estimate.quantity) == ("ratio", Decimal(75))
    assert estimate.details["ratio"] == "0.7500"


def test_no_estimate_without_inventory_or_history():
    estimate = _estimate()
    assert (estimate.method, estimate.quantity) == ("none", None)


@given(
    sellin=st.integers(0, 10_000),
    opening=st.integers(0, 10_000),
    closing=st.integers(0, 10_000),
)
def test_an_inventory_estimate_is_never_negative(sellin, opening, closing):
    estimate = _estimate(
        sellin_units=Decimal(sellin),
        snapshots={D(2025, 2, 28): Decimal(opening), D(2025, 3, 31): Decimal(closing)},
    )
    assert estimate.quantity == max(0, sellin + opening - closing)
