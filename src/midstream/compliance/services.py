"""Compliance use cases: generate the calendar, recompute statuses and scores, settings.

``recompute(actor=…, as_of=…)`` is what the worker's periodic job, ``midstream compliance``,
the API and the "Recompute" button all call. Each distributor is handled in its own
transaction under a lock on its row (the intake pipeline takes the same lock to commit), so
two recomputations of one distributor take turns and a report committed meanwhile is seen by
the next one. Every status change is audited (field-level); rows a generation creates are not
audited one by one (their first status is computed from scratch).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from midstream.accounts.choices import Role
from midstream.accounts.models import User
from midstream.catalog.models import ProductFamily
from midstream.compliance import calc
from midstream.compliance.choices import DELIVERED, ExpectedStatus
from midstream.compliance.errors import ErrorCode
from midstream.compliance.evidence import Evidence, load_evidence
from midstream.compliance.models import (
    ComplianceScore,
    DistributorCompliance,
    ExpectedReport,
)
from midstream.core.audit import diff, record_audit, snapshot
from midstream.core.errors import DomainError
from midstream.ingest.choices import OPEN_STATUSES, WAITING_STATUSES
from midstream.partners.choices import ReportType
from midstream.partners.models import Distributor, ReportingObligation

# Uploaded, not yet counted, and in the pipeline's or a reviewer's hands: no reminder meanwhile.
IN_HAND = (*OPEN_STATUSES, *WAITING_STATUSES)

# The calendar reaches this many months back from "as of" (setting
# MIDSTREAM_COMPLIANCE_HISTORY_MONTHS) and this many days ahead, so the running period shows
# as upcoming.
DEFAULT_HISTORY_MONTHS = 24
LOOKAHEAD_DAYS = 31
# Roles that may be named as a distributor's channel manager (escalation target).
ESCALATION_ROLES = (Role.CHANNEL_MANAGER, Role.VENDOR_ADMIN)
SETTINGS_FIELDS = ["channel_manager", "reminders_enabled", "escalate_after_days"]
AUDITED_FIELDS = ["status", "days_late", "submission", "reasons"]
COMPUTED_FIELDS = [
    "status",
    "days_late",
    "received_at",
    "submission",
    "rejected_submission",
    "processing",
    "reported_total",
    "reasons",
    "score",
    "estimate_method",
    "estimate_quantity",
    "estimate",
    "as_of",
    "computed_at",
]
GENERATED_FIELDS = ["report_type", "frequency", "due_date", "period_month"]
UNITS = {ReportType.SELL_THROUGH: "units", ReportType.INVENTORY: "stock positions"}


def history_months() -> int:
    return int(getattr(settings, "MIDSTREAM_COMPLIANCE_HISTORY_MONTHS", DEFAULT_HISTORY_MONTHS))


def incompleteness_rules() -> calc.IncompletenessRules:
    """The thresholds, with any overrides from the MIDSTREAM_COMPLIANCE_RULES setting."""
    overrides = getattr(settings, "MIDSTREAM_COMPLIANCE_RULES", None) or {}
    values = {}
    for name, value in overrides.items():
        default = getattr(calc.DEFAULT_RULES, name)
        values[name] = Decimal(str(value)) if isinstance(default, Decimal) else int(value)
    return calc.IncompletenessRules(**values)


def calendar_window(as_of: dt.date, months: int | None = None) -> tuple[dt.date, dt.date]:
    """Periods ending from the first day of the month ``months`` back to ``LOOKAHEAD_DAYS``
    after ``as_of``."""
    months = history_months() if months is None else months
    return calc.add_months(as_of, -months), as_of + dt.timedelta(days=LOOKAHEAD_DAYS)


@dataclass
class DistributorResult:
    code: str
    created: int = 0
    withdrawn: int = 0
    deleted: int = 0
    changed: int = 0
    statuses: Counter = field(default_factory=Counter)
    trailing_score: Decimal | None = None


@dataclass
class RecomputeSummary:
    as_of: dt.date
    window_start: dt.date
    window_end: dt.date
    distributors: list[DistributorResult] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(result, name) for result in self.distributors)

    @property
    def statuses(self) -> dict[str, int]:
        counts: Counter = Counter()
        for result in self.distributors:
            counts.update(result.statuses)
        return {status.value: counts.get(status.value, 0) for status in ExpectedStatus}

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of,
            "window_start": self.window_start,
            "window_end": self.window_end,
            "distributors": len(self.distributors),
            "created": self.total("created"),
            "withdrawn": self.total("withdrawn"),
            "deleted": self.total("deleted"),
            "changed": self.total("changed"),
            "statuses": self.statuses,
        }


# ─── settings ─────────────────────────────────────────────────────────────────────────────


def settings_for(distributor: Distributor) -> DistributorCompliance:
    """The distributor's settings row, or an unsaved one holding the defaults."""
    row = DistributorCompliance.objects.for_distributor(distributor.pk).first()
    return row or DistributorCompliance(distributor=distributor)


def update_compliance_settings(
    *,
    actor,
    distributor: Distributor,
    channel_manager: User | None,
    reminders_enabled: bool,
    escalate_after_days: int,
    reason: str = "",
) -> DistributorCompliance:
    if channel_manager is not None and (
        channel_manager.role not in ESCALATION_ROLES or not channel_manager.is_active
    ):
        raise DomainError(
            ErrorCode.INVALID_CHANNEL_MANAGER,
            "The channel manager must be an active channel manager or vendor admin login.",
            field="channel_manager",
        )
    if not 2 <= int(escalate_after_days) <= 60:
        raise DomainError(
            ErrorCode.INVALID_VALUE,
            "Escalate between 2 and 60 days after the due date.",
            field="escalate_after_days",
        )
    with transaction.atomic():
        Distributor.objects.unscoped().select_for_update().filter(pk=distributor.pk).first()
        row = settings_for(distributor)
        before = snapshot(row, SETTINGS_FIELDS) if row.pk else {}
        row.channel_manager = channel_manager
        row.reminders_enabled = bool(reminders_enabled)
        row.escalate_after_days = int(escalate_after_days)
        created = row.pk is None
        row.save()
        changes = diff(before, snapshot(row, SETTINGS_FIELDS))
        if changes or created:
            record_audit(
                actor=actor,
                action="compliance_settings.update",
                obj=row,
                changes=changes,
                reason=reason,
                distributor_id=distributor.pk,
            )
    return row


def escalation_recipients(row: DistributorCompliance) -> list[str]:
    """The channel manager's address, or every active channel manager's when none is set."""
    if row.channel_manager_id and row.channel_manager.is_active and row.channel_manager.email:
        return [row.channel_manager.email]
    return sorted(
        set(
            User.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


# ─── the calendar ─────────────────────────────────────────────────────────────────────────


def _distributors(distributor_ids) -> list[Distributor]:
    queryset = Distributor.objects.unscoped().order_by("code")
    if distributor_ids is not None:
        queryset = queryset.filter(pk__in=list(distributor_ids))
    return list(queryset)


def _generate(
    distributor: Distributor, window: tuple[dt.date, dt.date], result: DistributorResult
) -> None:
    """Upsert the distributor's expected reports for the periods ending in ``window``."""
    obligations = list(ReportingObligation.objects.for_distributor(distributor.pk))
    wanted: dict[tuple[int, dt.date, dt.date], dict] = {}
    for obligation in obligations:
        for start, end in calc.obligation_periods(
            frequency=obligation.frequency,
            active_from=obligation.active_from,
            active_to=obligation.active_to,
            window_start=window[0],
            window_end=window[1],
        ):
            wanted[(obligation.pk, start, end)] = {
                "report_type": obligation.report_type,
                "frequency": obligation.frequency,
                "due_date": calc.due_date_for(end, obligation.due_days),
                "period_month": calc.month_start(end),
            }
    existing = {
        (row.obligation_id, row.period_start, row.period_end): row
        for row in ExpectedReport.objects.for_distributor(distributor.pk).filter(
            period_end__gte=window[0], period_end__lte=window[1]
        )
    }
    changed: list[ExpectedReport] = []
    new: list[ExpectedReport] = []
    for key, values in wanted.items():
        row = existing.get(key)
        if row is None:
            new.append(
                ExpectedReport(
                    distributor=distributor,
                    obligation_id=key[0],
                    period_start=key[1],
                    period_end=key[2],
                    **values,
                )
            )
            continue
        dirty = row.status == ExpectedStatus.WITHDRAWN
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                dirty = True
        if row.status == ExpectedStatus.WITHDRAWN:
            row.status = ExpectedStatus.UPCOMING  # recomputed right after
            record_audit(
                actor=None,
                action="expected_report.restore",
                obj=row,
                changes={"status": [ExpectedStatus.WITHDRAWN.value, row.status.value]},
                reason="The obligation asks for this report again.",
                distributor_id=distributor.pk,
            )
        if dirty:
            changed.append(row)
    stale = [row for key, row in existing.items() if key not in wanted]
    with_reminders = set(
        ExpectedReport.objects.for_distributor(distributor.pk)
        .filter(pk__in=[row.pk for row in stale], reminders__isnull=False)
        .values_list("pk", flat=True)
    )
    deleted = [row.pk for row in stale if row.pk not in with_reminders]
    for row in stale:
        if row.pk in with_reminders and row.status != ExpectedStatus.WITHDRAWN:
            before = snapshot(row, ["status"])
            row.status = ExpectedStatus.WITHDRAWN
            row.score = None
            row.days_late = None
            changed.append(row)
            result.withdrawn += 1
            record_audit(
                actor=None,
                action="expected_report.withdraw",
                obj=row,
                changes=diff(before, snapshot(row, ["status"])),
                reason="The obligation no longer asks for this report.",
                distributor_id=distributor.pk,
            )
    if deleted:
        ExpectedReport.objects.for_distributor(distributor.pk).filter(pk__in=deleted).delete()
        result.deleted += len(deleted)
    if new:
        ExpectedReport.objects.unscoped().bulk_create(new, batch_size=500)
        result.created += len(new)
    if changed:
        ExpectedReport.objects.unscoped().bulk_update(
            changed,
            [*GENERATED_FIELDS, "status", "score", "days_late"],
            batch_size=500,
        )


# ─── statuses ─────────────────────────────────────────────────────────────────────────────


def _overlaps(start, end, other_start, other_end) -> bool:
    return calc.overlap_days(start, end, other_start, other_end) > 0


@dataclass
class _Context:
    as_of: dt.date
    evidence: Evidence
    rules: calc.IncompletenessRules
    family_names: dict[str, str]


def _evaluate(report: ExpectedReport, history: list[Decimal], ctx: _Context) -> dict:
    """The computed fields of one report (see ``docs/compliance.md`` for the rules)."""
    evidence, rules = ctx.evidence, ctx.rules
    start, end = report.period_start, report.period_end
    kind = report.report_type
    delivered = evidence.delivered.get(kind, [])
    if kind == ReportType.SELL_THROUGH:
        relevant = [d for d in delivered if _overlaps(d.piece.start, d.piece.end, start, end)]
        received_at, shown_piece = calc.coverage_received_at(
            start, end, [d.piece for d in relevant]
        )
        shown = next((d for d in relevant if d.piece is shown_piece), None)
    else:
        # A stock report answers every period holding one of its stock dates.
        inside = {
            d.piece.submission_id: [
                day
                for day in evidence.stock_dates.get(d.piece.submission_id) or {d.snapshot}
                if start <= day <= end
            ]
            for d in delivered
        }
        relevant = [d for d in delivered if inside[d.piece.submission_id]]
        received_at = min((d.piece.received_at for d in relevant), default=None)
        shown = max(
            relevant,
            key=lambda d: (
                max(inside[d.piece.submission_id]),
                d.piece.received_at,
                d.piece.submission_id,
            ),
            default=None,
        )
    reasons: list[calc.Reason] = []
    total = None
    if received_at is not None:
        lines_read = sum(d.lines_read for d in relevant)
        lines_rejected = sum(d.lines_rejected for d in relevant)
        if kind == ReportType.SELL_THROUGH:
            within = all(d.piece.start >= start and d.piece.end <= end for d in relevant)
            reported: set[str] = set()
            units = Decimal(0)
            first_month = calc.month_start(start)
            for d in relevant:
                for month, families in evidence.sales_families.get(
                    d.piece.submission_id, {}
                ).items():
                    units += sum(families.values(), Decimal(0))
                    if first_month <= month <= end:
                        reported.update(str(family) for family in families)
            total = units if within else None
            # A family bought heavily and absent from the sales (stock may run out, so the
            # rule is not applied to inventory reports).
            last_month = calc.month_start(end)
            first_month = calc.add_months(last_month, -(rules.family_months - 1))
            heavy = calc.heavily_bought_families(
                evidence.sellin_families(first_month, last_month), rules.family_share
            )
            reasons += calc.family_gap_reasons(heavy, reported, ctx.family_names)
        else:
            lines_read, lines_rejected = shown.lines_read, shown.lines_rejected
            total = Decimal(shown.lines_accepted)
        below = calc.total_reason(total, history, rules, UNITS[kind])
        if below is not None:
            reasons.append(below)
        rejected = calc.rejected_reason(lines_read, lines_rejected, rules)
        if rejected is not None:
            reasons.append(rejected)
    received_on = timezone.localtime(received_at).date() if received_at else None
    evaluation = calc.status_for(
        period_end=end,
        due_date=report.due_date,
        as_of=ctx.as_of,
        received_on=received_on,
        incomplete=bool(reasons),
    )
    attempts = [
        attempt
        for attempt in evidence.attempts
        if attempt.kind == kind
        and (
            (attempt.start is not None and _overlaps(attempt.start, attempt.end, start, end))
            or (attempt.start is None and timezone.localtime(attempt.submitted_at).date() > end)
        )
    ]
    rejected_attempts = [a for a in attempts if a.status not in IN_HAND and a.start]
    values = {
        "status": evaluation.status,
        "days_late": evaluation.days_late,
        "received_at": received_at,
        "submission_id": shown.piece.submission_id if shown else None,
        "rejected_submission_id": (
            max(rejected_attempts, key=lambda a: (a.submitted_at, a.submission_id)).submission_id
            if rejected_attempts
            else None
        ),
        "processing": received_at is None and any(a.status in IN_HAND for a in attempts),
        "reported_total": total,
        "reasons": [reason.as_dict() for reason in reasons],
        "score": calc.report_score(evaluation.status, evaluation.days_late),
        "estimate_method": "",
        "estimate_quantity": None,
        "estimate": {},
    }
    if evaluation.status == calc.MISSING and kind == ReportType.SELL_THROUGH:
        values.update(_estimate(report, evidence))
    return values


def _estimate(report: ExpectedReport, evidence: Evidence) -> dict:
    first_month = calc.add_months(report.period_start, -calc.RATIO_MONTHS)
    last_month = calc.add_months(report.period_start, -1)
    last_day = calc.month_start(report.period_start) - dt.timedelta(days=1)
    estimate = calc.estimate_sellthrough(
        period_start=report.period_start,
        period_end=report.period_end,
        sellin_units=evidence.sellin_between(report.period_start, report.period_end),
        snapshots=evidence.snapshots,
        trailing_sellthrough=evidence.sellthrough_between(first_month, last_month),
        trailing_sellin=evidence.sellin_between(first_month, last_day),
        trailing_label=f"{first_month:%Y-%m} to {last_month:%Y-%m}",
    )
    return {
        "estimate_method": estimate.method,
        "estimate_quantity": estimate.quantity,
        "estimate": estimate.details,
    }


def _recompute_distributor(
    distributor: Distributor,
    *,
    actor,
    as_of: dt.date,
    window: tuple[dt.date, dt.date],
    rules: calc.IncompletenessRules,
    family_names: dict[str, str],
    result: DistributorResult,
) -> None:
    every = list(ExpectedReport.objects.for_distributor(distributor.pk))
    result.statuses[ExpectedStatus.WITHDRAWN] += sum(
        row.status == ExpectedStatus.WITHDRAWN for row in every
    )
    rows = sorted(
        (row for row in every if row.status != ExpectedStatus.WITHDRAWN),
        key=lambda row: (row.period_start, row.period_end, row.pk),
    )
    evidence = load_evidence(distributor.pk, window[0], window[1])
    ctx = _Context(as_of=as_of, evidence=evidence, rules=rules, family_names=family_names)
    now = timezone.now()
    histories: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    updated = []
    for row in rows:
        history = histories[(row.report_type, row.frequency)]
        if window[0] <= row.period_end <= window[1]:
            before = snapshot(row, AUDITED_FIELDS)
            first_time = row.computed_at is None
            for name, value in _evaluate(row, list(history), ctx).items():
                setattr(row, name, value)
            row.as_of, row.computed_at = as_of, now
            updated.append(row)
            changes = diff(before, snapshot(row, AUDITED_FIELDS))
            if changes and not first_time and "status" in changes:
                result.changed += 1
                record_audit(
                    actor=actor,
                    action="expected_report.status",
                    obj=row,
                    changes=changes,
                    reason=f"Recomputed as of {as_of.isoformat()}.",
                    distributor_id=distributor.pk,
                )
        if row.status in DELIVERED and row.reported_total is not None:
            history.append(row.reported_total)
        result.statuses[row.status] += 1
    if updated:
        ExpectedReport.objects.unscoped().bulk_update(updated, COMPUTED_FIELDS, batch_size=500)
    result.trailing_score = _recompute_scores(distributor, rows, now)


def _recompute_scores(
    distributor: Distributor, rows: list[ExpectedReport], now: dt.datetime
) -> Decimal | None:
    """Rewrite the distributor's monthly scores; returns the latest trailing score."""
    months = calc.month_scores((row.period_month, row.status, row.score) for row in rows)
    existing = {
        score.month: score for score in ComplianceScore.objects.for_distributor(distributor.pk)
    }
    new, changed = [], []
    fields = [
        "reports",
        "on_time",
        "late",
        "incomplete",
        "missing",
        "score",
        "trailing_reports",
        "trailing_score",
    ]
    for month in months:
        row = existing.pop(month.month, None)
        if row is None:
            row = ComplianceScore(distributor=distributor, month=month.month)
            new.append(row)
        else:
            changed.append(row)
        for name in fields:
            setattr(row, name, getattr(month, name))
        row.computed_at = now
    if existing:
        ComplianceScore.objects.for_distributor(distributor.pk).filter(
            pk__in=[row.pk for row in existing.values()]
        ).delete()
    if new:
        ComplianceScore.objects.unscoped().bulk_create(new)
    if changed:
        ComplianceScore.objects.unscoped().bulk_update(changed, [*fields, "computed_at"])
    scored = [month for month in months if month.trailing_score is not None]
    return scored[-1].trailing_score if scored else None


def recompute(
    *,
    actor,
    as_of: dt.date,
    distributor_ids=None,
    months: int | None = None,
) -> RecomputeSummary:
    """Generate the calendar and recompute statuses and scores as of ``as_of``.

    ``distributor_ids`` limits the work to those distributors (default: every one);
    ``months`` is how far back the calendar reaches (default: the setting, 24 months).
    Idempotent: running it twice for the same day changes nothing the second time.
    """
    if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
        raise DomainError(ErrorCode.INVALID_DATE, "as_of must be a date.", field="as_of")
    if months is not None and not 1 <= months <= 120:
        raise DomainError(ErrorCode.INVALID_VALUE, "History: 1 to 120 months.", field="months")
    window = calendar_window(as_of, months)
    summary = RecomputeSummary(as_of=as_of, window_start=window[0], window_end=window[1])
    rules = incompleteness_rules()
    family_names = {str(pk): name for pk, name in ProductFamily.objects.values_list("pk", "name")}
    for distributor in _distributors(distributor_ids):
        result = DistributorResult(code=distributor.code)
        with transaction.atomic():
            Distributor.objects.unscoped().select_for_update().filter(pk=distributor.pk).first()
            _generate(distributor, window, result)
            _recompute_distributor(
                distributor,
                actor=actor,
                as_of=as_of,
                window=window,
                rules=rules,
                family_names=family_names,
                result=result,
            )
        summary.distributors.append(result)
    return summary


def distributor_ids_for_codes(codes: list[str]) -> list[int]:
    """The ids of the distributors with these codes; an unknown code is an error."""
    found = dict(Distributor.objects.unscoped().filter(code__in=codes).values_list("code", "pk"))
    unknown = sorted(set(codes) - set(found))
    if unknown:
        raise DomainError(
            ErrorCode.UNKNOWN_DISTRIBUTOR,
            f"No distributor with code {', '.join(unknown)}.",
            field="distributor",
        )
    return [found[code] for code in codes]
