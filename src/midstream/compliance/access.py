"""Access rules of the compliance pages and API (see ``core/access.py``).

The vendor pages need ``view_compliance`` and are for vendor staff (403 for distributor
roles, who see their own calendar in the portal); settings and recomputing need
``manage_compliance``. The API's reads are open to distributor roles for their own
distributor (another's expected report answers 404).
"""

from midstream.accounts.permissions import Perm
from midstream.core.access import api, page

VIEW = Perm.VIEW_COMPLIANCE
MANAGE = Perm.MANAGE_COMPLIANCE


def expected_report_for(cast):
    """The bundle's January 2025 sell-through expected report (its obligation's first period,
    answered by the bundle's committed submission), generated on first use."""
    import datetime as dt

    from midstream.compliance.models import ExpectedReport

    obligation = cast.obligation
    report, _created = ExpectedReport.objects.for_distributor(cast.distributor.pk).get_or_create(
        distributor=cast.distributor,
        obligation=obligation,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 1, 31),
        defaults={
            "report_type": obligation.report_type,
            "frequency": obligation.frequency,
            "period_month": dt.date(2025, 1, 1),
            "due_date": dt.date(2025, 1, 31) + dt.timedelta(days=obligation.due_days),
            "submission": cast.submission,
        },
    )
    return report


def _report(cast):
    return {"pk": expected_report_for(cast).pk}


def _report_id(cast):
    return {"report_id": expected_report_for(cast).pk}


def _distributor(cast):
    return {"pk": cast.distributor.pk}


def _distributor_id(cast):
    return {"distributor_id": cast.distributor.pk}


RULES = [
    page("compliance:heat_map", VIEW, vendor_only=True),
    page("compliance:heat_map", VIEW, vendor_only=True, query="status=missing&start=2025-01"),
    page("compliance:expected_list", VIEW, vendor_only=True),
    page("compliance:expected_list", VIEW, vendor_only=True, query="export=csv"),
    page("compliance:expected_list", VIEW, vendor_only=True, query="export=xlsx"),
    page("compliance:expected_detail", VIEW, vendor_only=True, kwargs=_report),
    page("compliance:score_list", VIEW, vendor_only=True),
    page("compliance:score_list", VIEW, vendor_only=True, query="export=csv"),
    page("compliance:settings_list", MANAGE, vendor_only=True),
    page("compliance:settings_list", MANAGE, vendor_only=True, query="export=csv"),
    page("compliance:settings_edit", MANAGE, vendor_only=True, kwargs=_distributor),
    page("compliance:settings_edit", MANAGE, vendor_only=True, kwargs=_distributor, method="POST"),
    page("compliance:recompute", MANAGE, vendor_only=True, method="POST"),
    api("compliance_expected_report_list", VIEW),
    api("compliance_expected_report_get", VIEW, kwargs=_report_id),
    api("compliance_score_list", VIEW),
    api("compliance_recompute", MANAGE, vendor_only=True, method="POST"),
    api("compliance_settings_get", VIEW, vendor_only=True, kwargs=_distributor_id),
    api(
        "compliance_settings_update",
        MANAGE,
        vendor_only=True,
        kwargs=_distributor_id,
        method="PUT",
    ),
]
