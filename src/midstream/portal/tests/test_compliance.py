"""The distributor's own reporting calendar in the portal (issue 4, part B, point 6)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from midstream.accounts.choices import VENDOR_ROLES, Role
from midstream.compliance import services
from midstream.compliance.tests.factories import make_issue, make_submission
from midstream.partners.tests.factories import make_obligation

pytestmark = pytest.mark.django_db

CALENDAR = reverse("portal:compliance")


def month_start(months_back: int) -> dt.date:
    today = timezone.localdate().replace(day=1)
    index = today.year * 12 + today.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(start: dt.date) -> dt.date:
    return (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


@pytest.fixture
def calendar(dist_a, dist_b):
    """ALPHA: three months ago on time, two months ago rejected (never resent), last month
    due or missing; BRAVO has a report of its own."""
    for distributor in (dist_a, dist_b):
        make_obligation(distributor, due_days=10, active_from=month_start(3))
    three = month_start(3)
    make_submission(dist_a, start=three, end=month_end(three), received=month_end(three))
    two = month_start(2)
    rejected = make_submission(
        dist_a,
        start=two,
        end=month_end(two),
        received=month_end(two) + dt.timedelta(days=2),
        status="rejected",
        file_name="stock-and-sales.csv",
        failure="",
    )
    make_issue(rejected, code="unknown_product", message="No product matches AB-1.", line_count=7)
    make_issue(rejected, code="bad_date", message="Not a date: 31/02.", line=9)
    make_submission(
        dist_b,
        start=three,
        end=month_end(three),
        received=month_end(three),
        file_name="bravo-secret.csv",
    )
    services.recompute(actor=None, as_of=timezone.localdate(), months=6)
    return rejected


@pytest.mark.parametrize("role", [Role.DISTRIBUTOR_ADMIN, Role.DISTRIBUTOR_USER])
def test_a_distributor_sees_its_own_calendar(client_for, calendar, role):
    response = client_for(role).get(CALENDAR)

    assert response.status_code == 200
    entries = response.context["entries"]
    assert {entry.report.distributor_id for entry in entries} == {
        response.context["distributor"].pk
    }
    by_month = {entry.report.period_start: entry for entry in entries}
    assert by_month[month_start(3)].report.status == "on_time"
    rejected = by_month[month_start(2)]
    assert rejected.report.status == "missing"
    assert [(i.code, i.message, i.lines) for i in rejected.rejected_reasons] == [
        ("unknown_product", "No product matches AB-1.", 7),
        ("bad_date", "Not a date: 31/02.", 1),
    ]
    content = response.content.decode()
    assert "<strong>Rejected:</strong>" in content
    assert "stock-and-sales.csv" in content
    assert "No product matches AB-1. (7 lines)" in content
    assert reverse("portal:upload") in content
    assert "bravo-secret" not in content


def test_the_calendar_runs_a_fixed_number_of_queries(
    client_for, calendar, django_assert_num_queries
):
    client = client_for(Role.DISTRIBUTOR_USER)
    # session, user, distributor, expected reports (submissions joined), issue summaries,
    # latest score
    with django_assert_num_queries(6):
        assert client.get(CALENDAR).status_code == 200


@pytest.mark.parametrize("role", sorted(VENDOR_ROLES))
def test_vendor_staff_are_sent_to_the_heat_map(client_for, dist_a, role):
    response = client_for(role).get(CALENDAR)
    assert response.status_code == 302
    assert response["Location"] == reverse("compliance:heat_map")


def test_the_portal_home_links_to_the_calendar(client_for, dist_a):
    content = client_for(Role.DISTRIBUTOR_USER).get(reverse("portal:home")).content.decode()
    assert f'href="{CALENDAR}"' in content
