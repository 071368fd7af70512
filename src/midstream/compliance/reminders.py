"""Reminder e-mails (issue 4, part B, point 4): before the due date, on it, when overdue, and
escalated to the channel manager.

A reminder is sent at most once per expected report and stage, however many workers run:

1. it is *claimed* by inserting its ``ReminderSent`` row (status ``sending``) in a
   transaction of its own; the unique constraint on (report, stage) lets exactly one insert
   succeed, every other one fails with an integrity error and moves on;
2. the e-mail is sent outside any transaction (a slow mail server holds no database lock);
3. the row is marked ``sent`` (with the time) or ``failed`` (with the error).

A worker that dies between 1 and 3 leaves the row ``sending``: that reminder is not sent
again (at most once, never twice). A ``failed`` one is claimed again by the next run with a
conditional UPDATE (``failed`` → ``sending``) that, too, only one worker can win.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from midstream.compliance import calc
from midstream.compliance.choices import OUTSTANDING, ReminderStage, ReminderStatus
from midstream.compliance.models import DistributorCompliance, ExpectedReport, ReminderSent
from midstream.compliance.services import escalation_recipients
from midstream.core.selectors import get_vendor_settings
from midstream.partners.choices import DistributorStatus
from midstream.partners.models import Contact

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
# Distributors that are sent reminders: not prospects, not terminated ones.
REMINDED_STATUSES = (
    DistributorStatus.ONBOARDING,
    DistributorStatus.ACTIVE,
    DistributorStatus.SUSPENDED,
)
# A failed reminder is tried again by later runs, at most this many times in all.
MAX_ATTEMPTS = 5
# How far back a due date can lie for any stage to apply (see calc.reminder_stage).
MAX_ESCALATE_AFTER_DAYS = 60


def base_url() -> str:
    return str(getattr(settings, "MIDSTREAM_BASE_URL", DEFAULT_BASE_URL)).rstrip("/")


@dataclass
class ReminderSummary:
    sent: int = 0
    failed: int = 0
    already_claimed: int = 0
    no_recipients: int = 0
    by_stage: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "sent": self.sent,
            "failed": self.failed,
            "already_claimed": self.already_claimed,
            "no_recipients": self.no_recipients,
            "by_stage": dict(self.by_stage),
        }


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str
    recipients: list[str]


def compose(report: ExpectedReport, stage: str, recipients: list[str], as_of: dt.date) -> Message:
    """The e-mail for one report and stage: plain text and HTML with absolute links."""
    distributor = report.distributor
    vendor = get_vendor_settings().vendor_name
    escalated = stage == ReminderStage.ESCALATED
    days_to_due = (report.due_date - as_of).days
    context = {
        "vendor_name": vendor,
        "distributor": distributor,
        "report": report,
        "stage": stage,
        "stage_label": ReminderStage(stage).label,
        "report_label": f"{report.get_report_type_display().lower()} report for "
        f"{report.period_label}",
        "days_to_due": days_to_due,
        "days_overdue": -days_to_due,
        "upload_url": base_url() + reverse("portal:upload"),
        "calendar_url": base_url() + reverse("portal:compliance"),
        "detail_url": base_url() + reverse("compliance:expected_detail", args=[report.pk]),
        "reminders_sent": (
            ReminderSent.objects.for_distributor(report.distributor_id)
            .filter(expected_report=report, status=ReminderStatus.SENT)
            .count()
            if escalated
            else 0
        ),
    }
    template = "escalation" if escalated else "reminder"
    subject = render_to_string(f"compliance/email/{template}_subject.txt", context)
    return Message(
        subject=" ".join(subject.split())[:200],
        text=render_to_string(f"compliance/email/{template}.txt", context),
        html=render_to_string(f"compliance/email/{template}.html", context),
        recipients=recipients,
    )


def _claim(report: ExpectedReport, stage: str, message: Message) -> ReminderSent | None:
    """Claim the (report, stage) reminder; None when another run has it already."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return ReminderSent.objects.unscoped().create(
                distributor_id=report.distributor_id,
                expected_report=report,
                stage=stage,
                status=ReminderStatus.SENDING,
                recipients=message.recipients,
                subject=message.subject,
                claimed_at=now,
            )
    except IntegrityError:
        pass
    retried = (
        ReminderSent.objects.for_distributor(report.distributor_id)
        .filter(
            expected_report=report,
            stage=stage,
            status=ReminderStatus.FAILED,
            attempts__lt=MAX_ATTEMPTS,
        )
        .update(
            status=ReminderStatus.SENDING,
            attempts=F("attempts") + 1,
            claimed_at=now,
            recipients=message.recipients,
            subject=message.subject,
            error="",
        )
    )
    if not retried:
        return None
    return ReminderSent.objects.for_distributor(report.distributor_id).get(
        expected_report=report, stage=stage
    )


def _deliver(reminder: ReminderSent, message: Message) -> bool:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        to=message.recipients,
        from_email=getattr(settings, "DEFAULT_FROM_EMAIL", None),
    )
    email.attach_alternative(message.html, "text/html")
    try:
        email.send()
    except Exception as error:  # any mail failure is recorded, not raised
        ReminderSent.objects.for_distributor(reminder.distributor_id).filter(pk=reminder.pk).update(
            status=ReminderStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        return False
    ReminderSent.objects.for_distributor(reminder.distributor_id).filter(pk=reminder.pk).update(
        status=ReminderStatus.SENT, sent_at=timezone.now()
    )
    return True


def send_reminders(*, actor, as_of: dt.date, distributor_ids=None) -> ReminderSummary:
    """Send the reminders due on ``as_of`` for reports not yet received.

    Statuses must be current as of ``as_of`` (``services.recompute`` first; the periodic
    job and ``midstream compliance --send-reminders`` do both). Reports being processed,
    distributors with reminders switched off, prospects and terminated distributors are left
    alone. ``actor`` is recorded by the caller's audit; reminders themselves are the record.
    """
    summary = ReminderSummary()
    reports = (
        ExpectedReport.objects.unscoped()
        .select_related("distributor")
        .filter(
            status__in=OUTSTANDING,
            processing=False,
            due_date__gte=as_of
            - dt.timedelta(days=MAX_ESCALATE_AFTER_DAYS + calc.ESCALATION_WINDOW_DAYS),
            due_date__lte=as_of + dt.timedelta(days=calc.REMIND_DAYS_BEFORE),
            distributor__status__in=REMINDED_STATUSES,
        )
        .order_by("distributor__code", "due_date", "pk")
    )
    if distributor_ids is not None:
        reports = reports.filter(distributor_id__in=list(distributor_ids))
    reports = list(reports)
    if not reports:
        return summary
    ids = {report.distributor_id for report in reports}
    settings_rows = {
        row.distributor_id: row
        for row in DistributorCompliance.objects.unscoped()
        .select_related("channel_manager")
        .filter(distributor_id__in=ids)
    }
    contacts: dict[int, list[str]] = defaultdict(list)
    for distributor_id, email in (
        Contact.objects.unscoped()
        .filter(distributor_id__in=ids, receives_reminders=True)
        .exclude(email="")
        .order_by("distributor_id", "-is_primary", "name", "pk")
        .values_list("distributor_id", "email")
    ):
        if email not in contacts[distributor_id]:
            contacts[distributor_id].append(email)
    escalation_cache: dict[int, list[str]] = {}
    for report in reports:
        row = settings_rows.get(report.distributor_id) or DistributorCompliance(
            distributor=report.distributor
        )
        if not row.reminders_enabled:
            continue
        stage = calc.reminder_stage(report.due_date, as_of, row.escalate_after_days)
        if stage is None:
            continue
        if stage == ReminderStage.ESCALATED:
            if report.distributor_id not in escalation_cache:
                escalation_cache[report.distributor_id] = escalation_recipients(row)
            recipients = escalation_cache[report.distributor_id]
        else:
            recipients = contacts.get(report.distributor_id, [])
        if not recipients:
            summary.no_recipients += 1
            continue
        message = compose(report, stage, recipients, as_of)
        reminder = _claim(report, stage, message)
        if reminder is None:
            summary.already_claimed += 1
            continue
        if _deliver(reminder, message):
            summary.sent += 1
            summary.by_stage[stage] = summary.by_stage.get(stage, 0) + 1
        else:
            summary.failed += 1
    return summary
