"""Compliance API, mounted at ``/api/compliance``.

Reading needs ``view_compliance``: vendor staff see every distributor, a distributor login
only its own expected reports and scores (another's answers 404), and never the internal
escalations. Recomputing and the per-distributor settings need ``manage_compliance``
(vendor admins and channel managers).
"""

from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate

from midstream.accounts.models import User
from midstream.accounts.permissions import Perm, is_distributor_user
from midstream.api.auth import auth_requiring
from midstream.api.helpers import require
from midstream.compliance import selectors, services
from midstream.compliance.errors import ErrorCode
from midstream.compliance.jobs import run_cycle
from midstream.compliance.schemas import (
    ExpectedReportDetailOut,
    ExpectedReportFilter,
    ExpectedReportOut,
    RecomputeIn,
    RecomputeOut,
    ScoreFilter,
    ScoreOut,
    SettingsIn,
    SettingsOut,
)
from midstream.core.errors import DomainError
from midstream.partners.selectors import get_distributor

router = Router(tags=["compliance"])

MANAGE = auth_requiring(Perm.MANAGE_COMPLIANCE, vendor_only=True)


@router.get(
    "/expected-reports",
    response=list[ExpectedReportOut],
    operation_id="compliance_expected_report_list",
)
@paginate(PageNumberPagination)
def expected_report_list(request, filters: Query[ExpectedReportFilter]):
    scope = require(request, Perm.VIEW_COMPLIANCE)
    reports = selectors.expected_reports(scope).order_by("-period_end", "distributor_id", "pk")
    if filters.distributor_id:
        reports = reports.filter(distributor_id=filters.distributor_id)
    if filters.distributor:
        reports = reports.filter(distributor__code=filters.distributor)
    for name in ("report_type", "frequency", "status"):
        value = getattr(filters, name)
        if value:
            reports = reports.filter(**{name: value})
    if filters.period_from:
        reports = reports.filter(period_end__gte=filters.period_from)
    if filters.period_to:
        reports = reports.filter(period_end__lte=filters.period_to)
    return reports


@router.get(
    "/expected-reports/{report_id}",
    response=ExpectedReportDetailOut,
    operation_id="compliance_expected_report_get",
)
def expected_report_get(request, report_id: int):
    scope = require(request, Perm.VIEW_COMPLIANCE)
    report = selectors.get_expected_report(scope, report_id)
    report.reminders_shown = list(
        selectors.reminders_of(report, include_escalations=not is_distributor_user(request.auth))
    )
    return report


@router.get("/scores", response=list[ScoreOut], operation_id="compliance_score_list")
@paginate(PageNumberPagination)
def score_list(request, filters: Query[ScoreFilter]):
    scope = require(request, Perm.VIEW_COMPLIANCE)
    rows = selectors.scores(scope).order_by("-month", "distributor_id", "pk")
    if filters.distributor_id:
        rows = rows.filter(distributor_id=filters.distributor_id)
    if filters.month_from:
        rows = rows.filter(month__gte=filters.month_from)
    if filters.month_to:
        rows = rows.filter(month__lte=filters.month_to)
    return rows


@router.post("/recompute", response=RecomputeOut, operation_id="compliance_recompute", auth=MANAGE)
def recompute(request, payload: RecomputeIn):
    """Generate the calendar and recompute statuses and scores as of a day (default today),
    for one distributor or all; ``send_reminders`` also sends the reminders due that day."""
    scope = require(request, Perm.MANAGE_COMPLIANCE, vendor_only=True)
    distributor_ids = None
    if payload.distributor_id is not None:
        distributor_ids = [get_distributor(scope, payload.distributor_id).pk]
    summary, reminders = run_cycle(
        actor=request.auth,
        as_of=payload.as_of or timezone.localdate(),
        distributor_ids=distributor_ids,
        send=payload.send_reminders,
        months=payload.months,
    )
    body = summary.as_dict()
    body["reminders"] = reminders.as_dict() if reminders is not None else None
    return body


def _settings_out(row) -> dict:
    return {
        "distributor_id": row.distributor_id,
        "channel_manager_id": row.channel_manager_id,
        "reminders_enabled": row.reminders_enabled,
        "escalate_after_days": row.escalate_after_days,
    }


@router.get(
    "/settings/{distributor_id}",
    response=SettingsOut,
    operation_id="compliance_settings_get",
)
def settings_get(request, distributor_id: int):
    scope = require(request, Perm.VIEW_COMPLIANCE, vendor_only=True)
    return _settings_out(selectors.settings_of(get_distributor(scope, distributor_id)))


@router.put(
    "/settings/{distributor_id}",
    response=SettingsOut,
    operation_id="compliance_settings_update",
    auth=MANAGE,
)
def settings_update(request, distributor_id: int, payload: SettingsIn):
    scope = require(request, Perm.MANAGE_COMPLIANCE, vendor_only=True)
    distributor = get_distributor(scope, distributor_id)
    channel_manager = None
    if payload.channel_manager_id is not None:
        channel_manager = User.objects.filter(pk=payload.channel_manager_id).first()
        if channel_manager is None:
            raise DomainError(
                ErrorCode.INVALID_CHANNEL_MANAGER,
                f"No user with id {payload.channel_manager_id}.",
                field="channel_manager_id",
            )
    row = services.update_compliance_settings(
        actor=request.auth,
        distributor=distributor,
        channel_manager=channel_manager,
        reminders_enabled=payload.reminders_enabled,
        escalate_after_days=payload.escalate_after_days,
        reason=payload.reason,
    )
    return _settings_out(row)
