"""Compliance pages for vendor staff: heat map, expected reports, scores, settings, recompute.

Reading needs ``view_compliance`` and is for vendor staff (distributor users see their own
calendar in the portal, ``portal:compliance``); settings and recomputing need
``manage_compliance`` (vendor admins and channel managers).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from midstream.accounts.decorators import require_perm
from midstream.accounts.permissions import Perm, has_perm, scope_for
from midstream.compliance import calc, selectors, services
from midstream.compliance.choices import ExpectedStatus, ReminderStatus
from midstream.compliance.forms import HeatMapForm, RecomputeForm, SettingsForm
from midstream.compliance.jobs import describe, run_cycle
from midstream.compliance.models import DEFAULT_ESCALATE_AFTER_DAYS
from midstream.core.errors import DomainError
from midstream.core.listing import Column, Filter, ListSpec, render_list
from midstream.partners.choices import Region, ReportFrequency, ReportType
from midstream.partners.selectors import distributors as distributors_in
from midstream.partners.selectors import get_distributor


def _submission_link(report) -> str | None:
    if not report.submission_id:
        return None
    return reverse("ingest:submission_detail", args=[report.submission_id])


def _reasons(report) -> str:
    return "; ".join(reason["message"] for reason in report.reasons)


def _estimate(report) -> str:
    if report.estimate_quantity is None:
        return ""
    return f"≈ {report.estimate_quantity:,} units (estimate)"


EXPECTED_COLUMNS = [
    Column("id", "#", link="compliance:expected_detail", sort="id", numeric=True),
    Column("distributor", "Distributor", value="distributor.code", sort="distributor__code"),
    Column("report_type", "Report", value="get_report_type_display", sort="report_type"),
    Column("frequency", "Frequency", value="get_frequency_display", sort="frequency"),
    Column("period", "Period", value="period_label", sort="period_start"),
    Column("due_date", "Due", sort="due_date"),
    Column("status", "Status", value="get_status_display", sort="status"),
    Column("days_late", "Days late", sort="days_late", numeric=True),
    Column("received_at", "Received", sort="received_at"),
    Column(
        "submission",
        "Submission",
        value=lambda r: f"#{r.submission_id}" if r.submission_id else "",
        link=_submission_link,
    ),
    Column("reasons", "Why incomplete", value=_reasons),
    Column("score", "Score", sort="score", numeric=True),
    Column("estimate", "Estimated sell-through", value=_estimate),
]


def expected_spec(scope) -> ListSpec:
    distributors = [(str(d.pk), d.code) for d in distributors_in(scope).order_by("code")]
    months = [(m.isoformat(), f"{m:%Y-%m}") for m in selectors.report_months(scope)]
    return ListSpec(
        name="expected-reports",
        columns=EXPECTED_COLUMNS,
        search_fields=["distributor__code", "distributor__legal_name"],
        filters=[
            Filter("status", "Status", "status", ExpectedStatus.choices),
            Filter("report_type", "Report", "report_type", ReportType.choices),
            Filter("frequency", "Frequency", "frequency", ReportFrequency.choices),
            Filter("distributor", "Distributor", "distributor_id", distributors),
            Filter("region", "Region", "distributor__region", Region.choices),
            Filter("month", "Month", "period_month", months),
        ],
        default_sort="-due_date",
    )


SCORE_SPEC_COLUMNS = [
    Column("distributor", "Distributor", value="distributor.code", sort="distributor__code"),
    Column("month", "Month", value=lambda s: f"{s.month:%Y-%m}", sort="month"),
    Column("reports", "Scored reports", sort="reports", numeric=True),
    Column("on_time", "On time", sort="on_time", numeric=True),
    Column("late", "Late", sort="late", numeric=True),
    Column("incomplete", "Incomplete", sort="incomplete", numeric=True),
    Column("missing", "Missing", sort="missing", numeric=True),
    Column("score", "Score (month) %", sort="score", numeric=True),
    Column("trailing_score", "Score (12 months) %", sort="trailing_score", numeric=True),
]


def score_spec(scope) -> ListSpec:
    distributors = [(str(d.pk), d.code) for d in distributors_in(scope).order_by("code")]
    months = [(m.isoformat(), f"{m:%Y-%m}") for m in selectors.report_months(scope)]
    return ListSpec(
        name="compliance-scores",
        columns=SCORE_SPEC_COLUMNS,
        search_fields=["distributor__code", "distributor__legal_name"],
        filters=[
            Filter("distributor", "Distributor", "distributor_id", distributors),
            Filter("region", "Region", "distributor__region", Region.choices),
            Filter("month", "Month", "month", months),
        ],
        default_sort="-month",
    )


def _channel_manager(distributor) -> str:
    row = getattr(distributor, "compliance_settings", None)
    if row is None or row.channel_manager is None:
        return "every channel manager"
    return row.channel_manager.username


def _setting(name: str, default):
    def value(distributor):
        row = getattr(distributor, "compliance_settings", None)
        return default if row is None else getattr(row, name)

    return value


SETTINGS_SPEC = ListSpec(
    name="compliance-settings",
    columns=[
        Column("code", "Distributor", link="compliance:settings_edit", sort="code"),
        Column("legal_name", "Legal name", sort="legal_name"),
        Column("status", "Status", value="get_status_display", sort="status"),
        Column("reminders", "Reminders", value=_setting("reminders_enabled", True)),
        Column(
            "escalate",
            "Escalate after (days)",
            value=_setting("escalate_after_days", DEFAULT_ESCALATE_AFTER_DAYS),
            numeric=True,
        ),
        Column("channel_manager", "Escalates to", value=_channel_manager),
        Column(
            "reminded_contacts",
            "Contacts reminded",
            sort="reminded_contacts",
            numeric=True,
        ),
    ],
    search_fields=["code", "legal_name"],
    filters=[Filter("region", "Region", "region", Region.choices)],
    default_sort="code",
)


# ─── pages ────────────────────────────────────────────────────────────────────────────────


@require_perm(Perm.VIEW_COMPLIANCE, vendor_only=True)
def heat_map(request):
    """Distributors by months, coloured by the worst status of each month's reports."""
    scope = scope_for(request.user)
    today = timezone.localdate()
    months_available = selectors.report_months(scope)
    form = HeatMapForm(request.GET or None, months=months_available)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    last = form.month("end") if data.get("end") else calc.month_start(today)
    first = (
        form.month("start")
        if data.get("start")
        else calc.add_months(last, -(selectors.HEAT_MAP_MONTHS - 1))
    )
    if first > last:
        first, last = last, first
    months = selectors.month_range(first, last)[-36:]
    first = months[0]
    distributors = selectors.heat_map_distributors(
        scope,
        first=first,
        last=last,
        region=data.get("region", ""),
        status=data.get("status", ""),
        report_type=data.get("report_type", ""),
    )
    page = Paginator(distributors, selectors.HEAT_MAP_PER_PAGE).get_page(request.GET.get("page"))
    rows = selectors.heat_map(
        list(page.object_list), months, report_type=data.get("report_type", "")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "compliance/heat_map.html",
        {
            "form": form,
            "months": months,
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "legend": [status for status in ExpectedStatus],
            "counts": selectors.status_counts(scope, first, last),
            "can_manage": has_perm(request.user, Perm.MANAGE_COMPLIANCE),
            "today": today,
            "jobs": selectors.job_runs(),
        },
    )


@require_perm(Perm.VIEW_COMPLIANCE, vendor_only=True)
def expected_list(request):
    scope = scope_for(request.user)
    return render_list(
        request,
        selectors.expected_reports(scope),
        expected_spec(scope),
        context={
            "title": "Expected reports",
            "subtitle": "Every report the distributors owe, period by period, and how it "
            "arrived. Estimated sell-through is an estimate, never a reported figure.",
        },
    )


@require_perm(Perm.VIEW_COMPLIANCE, vendor_only=True)
def expected_detail(request, pk: int):
    report = selectors.get_expected_report(scope_for(request.user), pk)
    reminders = list(selectors.reminders_of(report, include_escalations=True))
    submissions = selectors.period_submissions(report)
    return render(
        request,
        "compliance/expected_detail.html",
        {
            "report": report,
            "reminders": reminders,
            "submissions": submissions,
            "timeline": selectors.timeline(report, submissions, reminders),
            "can_manage": has_perm(request.user, Perm.MANAGE_COMPLIANCE),
            "reminder_failed": ReminderStatus.FAILED,
        },
    )


@require_perm(Perm.VIEW_COMPLIANCE, vendor_only=True)
def score_list(request):
    scope = scope_for(request.user)
    return render_list(
        request,
        selectors.scores(scope),
        score_spec(scope),
        context={
            "title": "Compliance scores",
            "subtitle": "Per distributor and month, and over the 12 months ending with it: "
            "on time 100, late decaying with the days late, incomplete at most 50, missing 0.",
        },
    )


@require_perm(Perm.MANAGE_COMPLIANCE, vendor_only=True)
def settings_list(request):
    return render_list(
        request,
        selectors.settings_rows(scope_for(request.user)),
        SETTINGS_SPEC,
        context={
            "title": "Compliance settings",
            "subtitle": "Per distributor: whether reminders go out, and who an overdue report "
            "escalates to.",
        },
    )


@require_perm(Perm.MANAGE_COMPLIANCE, vendor_only=True)
def settings_edit(request, pk: int):
    distributor = get_distributor(scope_for(request.user), pk)
    row = selectors.settings_of(distributor)
    initial = {
        "channel_manager": row.channel_manager_id,
        "reminders_enabled": row.reminders_enabled,
        "escalate_after_days": row.escalate_after_days,
    }
    form = SettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_compliance_settings(
                actor=request.user, distributor=distributor, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Compliance settings of {distributor.code} saved.")
            return redirect("compliance:settings_list")
    return render(
        request,
        "compliance/settings_form.html",
        {"form": form, "distributor": distributor, "title": f"Compliance: {distributor.code}"},
    )


@require_perm(Perm.MANAGE_COMPLIANCE, vendor_only=True)
@require_POST
def recompute(request):
    """Recompute statuses now (one distributor or all), optionally sending due reminders."""
    form = RecomputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The recompute request was not valid.")
        return redirect("compliance:heat_map")
    data = form.cleaned_data
    scope = scope_for(request.user)
    distributor_ids = None
    if data["distributor"]:
        distributor_ids = [get_distributor(scope, data["distributor"]).pk]
    as_of = data["as_of"] or timezone.localdate()
    try:
        summary, reminders = run_cycle(
            actor=request.user,
            as_of=as_of,
            distributor_ids=distributor_ids,
            send=data["send_reminders"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Recomputed " + describe(summary, reminders) + ".")
    target = data["next"]
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("compliance:heat_map")
