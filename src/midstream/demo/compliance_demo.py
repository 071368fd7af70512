"""Reporting compliance for the demo data set (issue 4, part B): the calendar, statuses and
scores as of the demo's "today", once its distributors' report files are in.

Call ``load_compliance_demo(as_of=params.as_of, months=params.months)`` after
``load_demo_reports`` (or after ``load_demo`` alone with ``--no-reports``: every report is
then missing). It names the demo's channel manager as every distributor's escalation
target (audited, through the compliance service) and recomputes every distributor as of
``as_of``. It sends no e-mail: reminders belong to the running workers, on real days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from midstream.accounts.choices import Role
from midstream.accounts.models import User
from midstream.compliance.choices import ExpectedStatus
from midstream.compliance.models import DistributorCompliance
from midstream.compliance.services import RecomputeSummary, recompute, update_compliance_settings
from midstream.partners.models import Distributor


@dataclass(frozen=True)
class ComplianceDemoResult:
    summary: RecomputeSummary
    settings_written: int

    def rows(self) -> list[tuple[str, int]]:
        """``(status, count)`` of the expected reports, for the demo's summary table."""
        return [
            (ExpectedStatus(status).label.lower(), count)
            for status, count in self.summary.statuses.items()
            if count
        ]


def load_compliance_demo(*, as_of: dt.date, months: int | None = None) -> ComplianceDemoResult:
    """Escalation settings and the compliance calendar of every demo distributor.

    ``months``: how far back the calendar reaches (the demo's months of data, plus the
    current one); default the setting's 24 months.
    """
    manager = User.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True).order_by("pk").first()
    written = 0
    if manager is not None:
        configured = set(
            DistributorCompliance.objects.unscoped().values_list("distributor_id", flat=True)
        )
        for distributor in Distributor.objects.unscoped().order_by("code"):
            if distributor.pk in configured:
                continue
            update_compliance_settings(
                actor=None,
                distributor=distributor,
                channel_manager=manager,
                reminders_enabled=True,
                escalate_after_days=7,
                reason="Demo data: the demo's channel manager handles every distributor.",
            )
            written += 1
    history = None if months is None else max(1, min(120, months + 1))
    summary = recompute(actor=None, as_of=as_of, months=history)
    return ComplianceDemoResult(summary=summary, settings_written=written)
