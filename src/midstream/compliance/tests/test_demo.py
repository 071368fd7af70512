"""The demo's compliance (``midstream.demo.compliance_demo``) against the demo's own plan."""

import datetime as dt

import pytest

from midstream.compliance.models import DistributorCompliance, ExpectedReport
from midstream.demo.compliance_demo import load_compliance_demo
from midstream.demo.generator import DemoParams, generate
from midstream.demo.loader import load_demo
from midstream.demo.report_loader import load_reports
from midstream.demo.reportfiles import SELL_THROUGH, STATUS_REJECTED, plan_reports

AS_OF = dt.date(2026, 3, 15)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_demo_calendar_matches_what_the_demo_delivered():
    data = generate(
        DemoParams.build(as_of=AS_OF, distributors=3, resellers=120, products=40, months=4)
    )
    load_demo(data)
    plan = plan_reports(data)
    load_reports(plan)

    result = load_compliance_demo(as_of=AS_OF, months=data.params.months)

    reports = {
        (r.distributor.code, r.period_start): r
        for r in ExpectedReport.objects.unscoped()
        .select_related("distributor")
        .filter(report_type=SELL_THROUGH, frequency="monthly")
    }
    checked = 0
    for planned in plan.reports:
        key = (planned.distributor_code, planned.period_start)
        if planned.kind != SELL_THROUGH or key not in reports:
            continue
        if planned.expected_status == STATUS_REJECTED or planned.version > 1:
            continue
        expected = reports[key]
        assert expected.status in ("on_time", "late", "incomplete"), key
        assert expected.submission_id is not None
        if planned.late:
            assert expected.days_late > 0, key
        checked += 1
    for code, kind, month in plan.missing:
        if kind == SELL_THROUGH and (code, month) in reports:
            assert reports[(code, month)].status == "missing"
            assert reports[(code, month)].estimate_method in ("inventory", "ratio", "none")
            checked += 1
    assert checked >= 6
    assert result.summary.statuses["on_time"] + result.summary.statuses["late"] > 0
    settings_rows = DistributorCompliance.objects.unscoped().select_related("channel_manager")
    assert {row.channel_manager.username for row in settings_rows} == {"channel_manager"}
    assert result.settings_written == len(settings_rows) == 3
    assert dict(result.rows())

    again = load_compliance_demo(as_of=AS_OF, months=data.params.months)

    assert (again.settings_written, again.summary.total("created")) == (0, 0)
    assert again.summary.total("changed") == 0
