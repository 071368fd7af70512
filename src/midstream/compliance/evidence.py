"""What one distributor delivered and bought, read in a fixed number of queries.

The status recomputation (``services.recompute``) works on this bundle: the distributor's
submissions grouped into versions of one period, the product families its sales reports
mention, the stock dates and totals of its inventory reports, and its sell-in by day and
family. Reads only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from midstream.compliance import calc
from midstream.ingest.choices import OPEN_STATUSES, WAITING_STATUSES, SubmissionStatus
from midstream.ingest.models import InventoryFact, SellThroughMonth, Submission
from midstream.partners.choices import ReportType
from midstream.sales.models import SellInLine

ACCEPTED = (SubmissionStatus.COMMITTED, SubmissionStatus.SUPERSEDED)
# How far before the window the evidence reaches: the sell-through ratio of an estimate
# looks back six months, the family rule three.
LOOKBACK_MONTHS = calc.RATIO_MONTHS + 1


@dataclass(frozen=True)
class Delivered:
    """The active version of one period of submissions of one kind."""

    piece: calc.Piece
    kind: str
    snapshot: dt.date  # inventory: the latest stock date of its lines (else the period end)
    lines_read: int
    lines_rejected: int
    lines_accepted: int


@dataclass(frozen=True)
class Attempt:
    """A submission that was not (or not yet) accepted: rejected, failed, or still open."""

    submission_id: int
    kind: str
    status: str
    start: dt.date | None
    end: dt.date | None
    submitted_at: dt.datetime


@dataclass
class Evidence:
    delivered: dict[str, list[Delivered]] = field(default_factory=dict)  # by kind
    attempts: list[Attempt] = field(default_factory=list)
    # submission id -> family id -> sell-through quantity, by month
    sales_families: dict[int, dict[dt.date, dict[int, Decimal]]] = field(default_factory=dict)
    # inventory submission id -> the stock dates of its lines
    stock_dates: dict[int, set[dt.date]] = field(default_factory=dict)
    # stock date -> on hand, over the active inventory reports
    snapshots: dict[dt.date, Decimal] = field(default_factory=dict)
    # sell-in: day -> units; (month, family, currency) -> amount
    sellin_units: dict[dt.date, Decimal] = field(default_factory=dict)
    sellin_amounts: dict[tuple[dt.date, int, str], Decimal] = field(default_factory=dict)
    # reported sell-through units by month (active reports)
    sellthrough_units: dict[dt.date, Decimal] = field(default_factory=dict)

    def sellin_between(self, first: dt.date, last: dt.date) -> Decimal:
        return sum(
            (units for day, units in self.sellin_units.items() if first <= day <= last),
            Decimal(0),
        )

    def sellin_families(self, first_month: dt.date, last_month: dt.date):
        """``(family, currency, amount)`` of the sell-in in the months given (inclusive)."""
        return [
            (str(family), currency, amount)
            for (month, family, currency), amount in self.sellin_amounts.items()
            if first_month <= month <= last_month
        ]

    def sellthrough_between(self, first_month: dt.date, last_month: dt.date) -> Decimal:
        return sum(
            (
                units
                for month, units in self.sellthrough_units.items()
                if first_month <= month <= last_month
            ),
            Decimal(0),
        )


def load_evidence(distributor_id: int, window_start: dt.date, window_end: dt.date) -> Evidence:
    """Everything the statuses of ``distributor_id``'s reports in the window depend on."""
    since = calc.add_months(window_start, -LOOKBACK_MONTHS)
    evidence = Evidence()
    rows = (
        Submission.objects.for_distributor(distributor_id)
        .filter(
            Q(period_end__gte=since) | Q(period_end__isnull=True, submitted_at__date__gte=since)
        )
        .values_list(
            "pk",
            "kind",
            "status",
            "period_start",
            "period_end",
            "submitted_at",
            "last_line_date",
            "lines_read",
            "lines_rejected",
            "lines_accepted",
        )
        .order_by("submitted_at", "pk")
    )
    groups: dict[tuple[str, dt.date, dt.date], list[tuple]] = defaultdict(list)
    for row in rows:
        pk, kind, status, start, end, submitted_at = row[:6]
        if status in ACCEPTED and start is not None and end is not None:
            groups[(kind, start, end)].append(row)
        elif status in (
            SubmissionStatus.REJECTED,
            SubmissionStatus.FAILED,
            *OPEN_STATUSES,
            *WAITING_STATUSES,
        ):
            evidence.attempts.append(Attempt(pk, kind, status, start, end, submitted_at))
    for (kind, start, end), versions in groups.items():
        active = next((v for v in versions if v[2] == SubmissionStatus.COMMITTED), None)
        if active is None:
            continue
        first_received = min(v[5] for v in versions)
        evidence.delivered.setdefault(kind, []).append(
            Delivered(
                piece=calc.Piece(start, end, first_received, active[0]),
                kind=kind,
                snapshot=active[6] or end,
                lines_read=active[7],
                lines_rejected=active[8],
                lines_accepted=active[9],
            )
        )
    sales_ids = [d.piece.submission_id for d in evidence.delivered.get(ReportType.SELL_THROUGH, [])]
    stock_ids = [d.piece.submission_id for d in evidence.delivered.get(ReportType.INVENTORY, [])]
    if sales_ids:
        rollups = (
            SellThroughMonth.objects.for_distributor(distributor_id)
            .filter(active=True, submission_id__in=sales_ids)  # committed: active (the index)
            .values_list("submission_id", "month", "product__family_id")
            .annotate(units=Sum("quantity"))
            .order_by()
        )
        for submission_id, month, family_id, units in rollups:
            by_month = evidence.sales_families.setdefault(submission_id, {})
            by_month.setdefault(month, {})[family_id] = units
            evidence.sellthrough_units[month] = (
                evidence.sellthrough_units.get(month, Decimal(0)) + units
            )
    if stock_ids:
        positions = (
            InventoryFact.objects.for_distributor(distributor_id)
            .filter(submission_id__in=stock_ids)
            .values_list("submission_id", "as_of_date")
            .annotate(on_hand=Sum("on_hand"))
            .order_by()
        )
        latest_for_day: dict[dt.date, int] = {}
        on_hand: dict[tuple[int, dt.date], Decimal] = defaultdict(Decimal)
        for submission_id, as_of_date, units in positions:
            evidence.stock_dates.setdefault(submission_id, set()).add(as_of_date)
            on_hand[(submission_id, as_of_date)] += units or Decimal(0)
            # Two reports giving the same day's stock: the later submission wins.
            latest_for_day[as_of_date] = max(latest_for_day.get(as_of_date, 0), submission_id)
        evidence.snapshots = {
            day: on_hand[(submission_id, day)] for day, submission_id in latest_for_day.items()
        }
    sellin = (
        SellInLine.objects.for_distributor(distributor_id)
        .filter(invoice_date__gte=since, invoice_date__lte=window_end)
        .values_list("invoice_date", "product__family_id", "currency")
        .annotate(units=Sum("quantity"), amount=Sum("net_amount"))
        .order_by()
    )
    for day, family_id, currency, units, amount in sellin:
        evidence.sellin_units[day] = evidence.sellin_units.get(day, Decimal(0)) + units
        key = (calc.month_start(day), family_id, currency)
        evidence.sellin_amounts[key] = evidence.sellin_amounts.get(key, Decimal(0)) + amount
    return evidence
