"""The dashboard: the original counts plus sell-in of the last twelve months."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from midstream.accounts.choices import Role
from midstream.core.models import ExchangeRate
from midstream.reports.selectors import dashboard_summary, last_twelve_months
from midstream.sales.tests.factories import make_line, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def sellin(dist_a, dist_b):
    product = make_product("NET-100")
    make_line(
        dist_a,
        product,
        invoice_number="OLD",
        invoice_date=dt.date(2025, 4, 30),
        quantity="1",
        unit_net_price="999.00",
    )  # 13 months back: left out
    make_line(
        dist_a,
        product,
        invoice_number="A",
        invoice_date=dt.date(2025, 5, 1),
        quantity="2",
        unit_net_price="10.00",
    )
    make_line(dist_b, product, invoice_number="B", invoice_date=dt.date(2026, 4, 2),
              quantity="1", unit_net_price="50.00", currency="EUR")  # fmt: skip


def test_last_twelve_months():
    months = last_twelve_months(dt.date(2026, 4, 30))
    assert months[0] == dt.date(2025, 5, 1)
    assert months[-1] == dt.date(2026, 4, 1)
    assert len(months) == 12


def test_summary_keeps_its_counts_and_adds_sellin(sellin):
    ExchangeRate.objects.create(currency="EUR", valid_from=dt.date(2026, 1, 1), rate="1.2")

    summary = dashboard_summary(today=dt.date(2026, 4, 30))

    assert summary["distributor_count"] == 2
    assert summary["distributors_by_status"] == {"active": 2}
    assert summary["reseller_count"] == 0
    assert summary["product_count"] == 1
    sellin = summary["sellin"]
    assert sellin["reporting_currency"] == "USD"
    assert sellin["total"] == Decimal("80.00")
    assert sellin["missing_rates"] == []
    assert sellin["lines"] == 2
    assert sellin["chart"]["labels"][0] == "2025-05"
    assert sellin["chart"]["values"] == ["20.00"] + ["0.00"] * 10 + ["60.00"]


def test_summary_total_is_none_when_a_rate_is_missing(sellin):
    sellin = dashboard_summary(today=dt.date(2026, 4, 30))["sellin"]

    assert sellin["total"] is None
    assert sellin["missing_rates"] == ["EUR"]
    assert sellin["chart"]["values"][-1] is None
    assert sellin["chart"]["values"][0] == "20.00"


def test_home_page_shows_the_sellin_section(client_for, sellin):
    response = client_for(Role.CHANNEL_MANAGER).get(reverse("home"))

    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="sellin-dashboard"' in text
    assert "midstream/chart.umd.min.js" in text
