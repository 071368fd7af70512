"""Reporting compliance rules (issue 4, part B): pure functions, no Django, no clock.

* the periods an obligation owes and their due dates;
* when a set of received reports first covered a period (``coverage_received_at``);
* the status of an expected report as of a day, its score, and the reminder stage due;
* the incompleteness rules (a heavily bought product family absent, a total far below the
  distributor's own trailing average, many rejected lines);
* the estimate of a missing period's sell-through.

``docs/compliance.md`` states every rule and threshold in words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

WEEKLY = "weekly"
MONTHLY = "monthly"

UPCOMING = "upcoming"
DUE = "due"
ON_TIME = "on_time"
LATE = "late"
INCOMPLETE = "incomplete"
MISSING = "missing"

BEFORE_DUE = "before_due"
STAGE_DUE = "due"
OVERDUE = "overdue"
ESCALATED = "escalated"

# Reminders: the first one goes this many days before the due date; an escalation is sent
# at most this many days after it became due (older ones are not worth an e-mail any more).
REMIND_DAYS_BEFORE = 3
ESCALATION_WINDOW_DAYS = 14

# Scores.
LATE_DECAY_PER_DAY = Decimal("0.05")
LATE_FLOOR = Decimal("0.2")
INCOMPLETE_SCORE = Decimal("0.5")
SCORE_PLACES = Decimal("0.0001")
PERCENT_PLACES = Decimal("0.1")

# Estimates: an inventory snapshot counts as a period's opening (closing) stock when it is
# dated at most this many days before the period starts (ends).
SNAPSHOT_TOLERANCE_DAYS = 10
RATIO_MONTHS = 6


@dataclass(frozen=True)
class IncompletenessRules:
    """Thresholds of the incompleteness rules (defaults documented in docs/compliance.md)."""

    # A family is "bought heavily" when it is at least this share of the distributor's
    # sell-in amount (in one currency) over the months ending with the period's month.
    family_share: Decimal = Decimal("0.25")
    family_months: int = 3
    # A total is "far below" when it is under this share of the trailing average of the
    # same obligation's previous reports (at least ``history_min`` of the last
    # ``history_size`` with a total).
    total_ratio: Decimal = Decimal("0.4")
    history_size: int = 6
    history_min: int = 3
    # Too many rejected lines: at least this share of the lines read.
    rejected_share: Decimal = Decimal("0.1")


DEFAULT_RULES = IncompletenessRules()


# ─── periods ──────────────────────────────────────────────────────────────────────────────


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date) -> dt.date:
    return add_months(day, 1) - dt.timedelta(days=1)


def period_containing(frequency: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar month, or the ISO week (Monday to Sunday), containing ``day``."""
    if frequency == MONTHLY:
        return month_start(day), month_end(day)
    if frequency == WEEKLY:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    raise ValueError(f"unknown frequency {frequency!r}")


def periods_ending_between(
    frequency: str, first: dt.date, last: dt.date
) -> list[tuple[dt.date, dt.date]]:
    """Every period whose last day falls in ``first`` … ``last`` (inclusive), in order."""
    periods = []
    start, end = period_containing(frequency, first)
    while start <= last:
        if first <= end <= last:
            periods.append((start, end))
        start = end + dt.timedelta(days=1)
        end = period_containing(frequency, start)[1]
    return periods


def obligation_periods(
    *,
    frequency: str,
    active_from: dt.date,
    active_to: dt.date | None,
    window_start: dt.date,
    window_end: dt.date,
) -> list[tuple[dt.date, dt.date]]:
    """The periods an obligation owes within a window.

    A period is owed when it *ends* while the obligation is in force: the obligation in force
    when a period closes is the one that asks for its report. Only periods ending in the
    window are returned.
    """
    first = max(active_from, window_start)
    last = window_end if active_to is None else min(active_to, window_end)
    if first > last:
        return []
    return periods_ending_between(frequency, first, last)


def due_date_for(period_end: dt.date, due_days: int) -> dt.date:
    return period_end + dt.timedelta(days=due_days)


# ─── coverage ─────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Piece:
    """An accepted report covering ``start`` … ``end``: the active version of one period of
    submissions, and when the first accepted version of that period was received."""

    start: dt.date
    end: dt.date
    received_at: dt.datetime
    submission_id: int


def overlap_days(a_start: dt.date, a_end: dt.date, b_start: dt.date, b_end: dt.date) -> int:
    return max(0, (min(a_end, b_end) - max(a_start, b_start)).days + 1)


def covers(intervals: Iterable[tuple[dt.date, dt.date]], start: dt.date, end: dt.date) -> bool:
    """Whether the union of ``intervals`` contains every day of ``start`` … ``end``."""
    reached = start - dt.timedelta(days=1)  # the last day covered so far
    for first, last in sorted(intervals):
        if first > reached + dt.timedelta(days=1):
            break
        reached = max(reached, last)
        if reached >= end:
            return True
    return reached >= end


def coverage_received_at(
    start: dt.date, end: dt.date, pieces: Sequence[Piece]
) -> tuple[dt.datetime | None, Piece | None]:
    """When the reports received first covered the whole period, and the piece to show.

    Pieces are taken in the order they were received; the period is complete at the moment
    the union of those received so far covers it. The piece shown is the one overlapping the
    period most (the most recently received among equals). ``(None, None)`` when the pieces,
    all together, do not cover the period.
    """
    relevant = [piece for piece in pieces if overlap_days(piece.start, piece.end, start, end)]
    if not relevant:
        return None, None
    completed = None
    received: list[tuple[dt.date, dt.date]] = []
    for piece in sorted(relevant, key=lambda p: (p.received_at, p.submission_id)):
        received.append((piece.start, piece.end))
        if covers(received, start, end):
            completed = piece.received_at
            break
    if completed is None:
        return None, None
    shown = max(
        relevant,
        key=lambda p: (overlap_days(p.start, p.end, start, end), p.received_at, p.submission_id),
    )
    return completed, shown


# ─── status, score ────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Evaluation:
    status: str
    days_late: int | None


def status_for(
    *,
    period_end: dt.date,
    due_date: dt.date,
    as_of: dt.date,
    received_on: dt.date | None,
    incomplete: bool = False,
) -> Evaluation:
    """The status of one expected report as of ``as_of``.

    Delivered (``received_on`` is the day the period was first covered): incomplete when a
    rule flagged it, else late when received after the due date, else on time; ``days_late``
    counts the days after the due date (0 when on time). Not delivered: upcoming while the
    period runs (until and including its last day), due until the due date, then missing,
    with ``days_late`` the days overdue.
    """
    if received_on is not None:
        days_late = max(0, (received_on - due_date).days)
        if incomplete:
            return Evaluation(INCOMPLETE, days_late)
        return Evaluation(LATE if days_late else ON_TIME, days_late)
    if as_of <= period_end:
        return Evaluation(UPCOMING, None)
    if as_of <= due_date:
        return Evaluation(DUE, None)
    return Evaluation(MISSING, (as_of - due_date).days)


def late_score(days_late: int) -> Decimal:
    """1 on time; 0.05 less per day late, never below 0.2."""
    if days_late <= 0:
        return Decimal(1)
    return max(LATE_FLOOR, Decimal(1) - LATE_DECAY_PER_DAY * days_late)


def report_score(status: str, days_late: int | None) -> Decimal | None:
    """The score of one report: on time 1, late decaying, incomplete at most 0.5, missing 0.

    Reports not yet scorable (upcoming, due, withdrawn) have no score.
    """
    if status == ON_TIME:
        return Decimal(1)
    if status == LATE:
        return late_score(days_late or 0)
    if status == INCOMPLETE:
        return min(INCOMPLETE_SCORE, late_score(days_late or 0))
    if status == MISSING:
        return Decimal(0)
    return None


def percent(scores: Sequence[Decimal]) -> Decimal | None:
    """The mean of ``scores`` as a percentage with one decimal (half up); None if empty."""
    if not scores:
        return None
    mean = sum(scores, Decimal(0)) / len(scores)
    return (mean * 100).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)


@dataclass
class MonthScore:
    month: dt.date
    reports: int = 0
    on_time: int = 0
    late: int = 0
    incomplete: int = 0
    missing: int = 0
    score: Decimal | None = None
    trailing_reports: int = 0
    trailing_score: Decimal | None = None
    scores: list[Decimal] = field(default_factory=list, repr=False)


def month_scores(reports: Iterable[tuple[dt.date, str, Decimal | None]]) -> list[MonthScore]:
    """Monthly and trailing-12-month scores from ``(period_month, status, score)`` rows.

    A month's score is the mean of the scores of its scorable reports; the trailing score of
    a month is the mean over every scorable report of the 12 months ending with it (each
    report weighs the same, so a weekly obligation counts more than a monthly one). Months
    with reports but none scorable yet have a count and no score.
    """
    by_month: dict[dt.date, MonthScore] = {}
    for month, status, score in reports:
        entry = by_month.setdefault(month, MonthScore(month=month))
        if score is None:
            continue
        entry.reports += 1
        entry.scores.append(score)
        if status in (ON_TIME, LATE, INCOMPLETE, MISSING):
            setattr(entry, status, getattr(entry, status) + 1)
    months = sorted(by_month)
    for month in months:
        entry = by_month[month]
        entry.score = percent(entry.scores)
        first = add_months(month, -11)
        trailing = [
            score for other in months if first <= other <= month for score in by_month[other].scores
        ]
        entry.trailing_reports = len(trailing)
        entry.trailing_score = percent(trailing)
    return [by_month[month] for month in months]


# ─── reminders ────────────────────────────────────────────────────────────────────────────


def reminder_stage(due_date: dt.date, as_of: dt.date, escalate_after_days: int) -> str | None:
    """The reminder due on ``as_of`` for a report not yet received, if any.

    * before the due date: from ``REMIND_DAYS_BEFORE`` days before it to the day before;
    * due: on the due date itself (never caught up later: "due today" a day late is wrong);
    * overdue: from the day after the due date until the escalation;
    * escalated: from ``escalate_after_days`` after the due date, for
      ``ESCALATION_WINDOW_DAYS`` days (older reports are not escalated by e-mail any more).
    """
    days = (as_of - due_date).days
    if -REMIND_DAYS_BEFORE <= days < 0:
        return BEFORE_DUE
    if days == 0:
        return STAGE_DUE
    if 0 < days < escalate_after_days:
        return OVERDUE
    if escalate_after_days <= days <= escalate_after_days + ESCALATION_WINDOW_DAYS:
        return ESCALATED
    return None


# ─── incompleteness ───────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Reason:
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


def heavily_bought_families(sellin: Iterable[tuple[str, str, Decimal]], share: Decimal) -> set[str]:
    """Families whose sell-in amount is at least ``share`` of the total in its currency.

    ``sellin`` rows are ``(family, currency, amount)`` over the window; shares are taken per
    currency, so amounts in different currencies are never added together.
    """
    totals: dict[str, Decimal] = {}
    by_family: dict[tuple[str, str], Decimal] = {}
    for family, currency, amount in sellin:
        totals[currency] = totals.get(currency, Decimal(0)) + amount
        by_family[(currency, family)] = by_family.get((currency, family), Decimal(0)) + amount
    heavy = set()
    for (currency, family), amount in by_family.items():
        total = totals[currency]
        if total > 0 and amount > 0 and amount >= share * total:
            heavy.add(family)
    return heavy


def family_gap_reasons(
    heavy: set[str], reported: set[str], names: dict[str, str] | None = None
) -> list[Reason]:
    names = names or {}
    return [
        Reason(
            "family_missing",
            f"No lines for {names.get(family, family)}, a product family the distributor "
            "bought heavily in the months up to this period.",
        )
        for family in sorted(heavy - reported, key=lambda f: names.get(f, f))
    ]


def trailing_average(history: Sequence[Decimal], rules: IncompletenessRules) -> Decimal | None:
    """The mean of the last ``history_size`` totals, or None with fewer than ``history_min``."""
    recent = list(history)[-rules.history_size :]
    if len(recent) < rules.history_min:
        return None
    return sum(recent, Decimal(0)) / len(recent)


def total_reason(
    total: Decimal | None, history: Sequence[Decimal], rules: IncompletenessRules, unit: str
) -> Reason | None:
    """A reason when ``total`` is under ``total_ratio`` of the trailing average."""
    if total is None:
        return None
    average = trailing_average(history, rules)
    if average is None or average <= 0:
        return None
    if total < rules.total_ratio * average:
        share = (total / average * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return Reason(
            "total_far_below_average",
            f"The report totals {_number(total)} {unit}, {share}% of the distributor's "
            f"average of {_number(average)} over its previous "
            f"{min(len(history), rules.history_size)} reports.",
        )
    return None


def rejected_reason(
    lines_read: int, lines_rejected: int, rules: IncompletenessRules
) -> Reason | None:
    if lines_read <= 0 or lines_rejected <= 0:
        return None
    if Decimal(lines_rejected) >= rules.rejected_share * lines_read:
        return Reason(
            "lines_rejected",
            f"{lines_rejected} of {lines_read} lines were rejected and are not counted.",
        )
    return None


def _plain(value: Decimal) -> str:
    """A quantity as text without trailing zeros (``100.000`` and ``100`` read the same)."""
    return format(value.normalize(), "f")


def _number(value: Decimal) -> str:
    rounded = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{rounded:,}"


# ─── estimates ────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Estimate:
    method: str  # "inventory", "ratio" or "none"
    quantity: Decimal | None
    details: dict


def snapshot_near(
    snapshots: dict[dt.date, Decimal], day: dt.date, tolerance: int = SNAPSHOT_TOLERANCE_DAYS
) -> tuple[dt.date, Decimal] | None:
    """The latest snapshot dated ``day`` or at most ``tolerance`` days before it."""
    candidates = [d for d in snapshots if day - dt.timedelta(days=tolerance) <= d <= day]
    if not candidates:
        return None
    best = max(candidates)
    return best, snapshots[best]


def estimate_sellthrough(
    *,
    period_start: dt.date,
    period_end: dt.date,
    sellin_units: Decimal,
    snapshots: dict[dt.date, Decimal],
    trailing_sellthrough: Decimal,
    trailing_sellin: Decimal,
    trailing_label: str,
) -> Estimate:
    """The likely sell-through (units) of a period nobody reported.

    With inventory snapshots around the period: sell-in + opening - closing stock (never
    below zero). Otherwise, with a history: sell-in times the trailing ratio of reported
    sell-through to sell-in. Otherwise no estimate.
    """
    opening = snapshot_near(snapshots, period_start - dt.timedelta(days=1))
    closing = snapshot_near(snapshots, period_end)
    if opening is not None and closing is not None and opening[0] < closing[0]:
        raw = sellin_units + opening[1] - closing[1]
        quantity = max(Decimal(0), raw).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return Estimate(
            "inventory",
            quantity,
            {
                "sell_in": _plain(sellin_units),
                "opening": _plain(opening[1]),
                "opening_date": opening[0].isoformat(),
                "closing": _plain(closing[1]),
                "closing_date": closing[0].isoformat(),
                "clamped": raw < 0,
            },
        )
    if trailing_sellin > 0 and trailing_sellthrough > 0:
        ratio = trailing_sellthrough / trailing_sellin
        quantity = (sellin_units * ratio).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return Estimate(
            "ratio",
            max(Decimal(0), quantity),
            {
                "sell_in": _plain(sellin_units),
                "ratio": str(ratio.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)),
                "trailing_sell_through": _plain(trailing_sellthrough),
                "trailing_sell_in": _plain(trailing_sellin),
                "window": trailing_label,
            },
        )
    return Estimate(
        "none",
        None,
        {
            "sell_in": _plain(sellin_units),
            "note": "No inventory reports around the period and no reported history to "
            "derive a sell-through ratio from.",
        },
    )
