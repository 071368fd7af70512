"""Sell-in reads: the monthly sums (one query, exact) and the admin's read-only views."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from midstream.core.scoping import Scope
from midstream.sales.calc import MonthlyAmount
from midstream.sales.models import SellInLine
from midstream.sales.selectors import monthly_amounts
from midstream.sales.tests.factories import make_import, make_line

pytestmark = pytest.mark.django_db


def test_monthly_amounts_in_one_query_with_exact_sums(
    dist_a, dist_b, products, django_assert_num_queries
):
    sellin_import = make_import()
    product = products["NET-100"]
    # Ten times 0.10 and ten times 0.20: floating point would not sum these to 3.00.
    for number in range(10):
        for price, line in (("0.10", 1), ("0.20", 2)):
            make_line(dist_a, product, invoice_number=f"F-{number}", line_number=line,
                      unit_net_price=price, invoice_date=dt.date(2026, 1, 31),
                      imported_by=sellin_import)  # fmt: skip
    make_line(dist_a, product, invoice_number="G", quantity="1.5", unit_net_price="3.333",
              net_amount=Decimal("5.00"), invoice_date=dt.date(2026, 2, 1), currency="EUR",
              imported_by=sellin_import)  # fmt: skip
    make_line(dist_b, product, invoice_number="H", quantity="-2", unit_net_price="1.25",
              invoice_date=dt.date(2026, 1, 1), imported_by=sellin_import)  # fmt: skip

    with django_assert_num_queries(1):
        rows = monthly_amounts(Scope.vendor())

    assert rows == [
        MonthlyAmount(dist_a.pk, dt.date(2026, 1, 1), "USD", Decimal("3.00"), Decimal("20"), 20),
        MonthlyAmount(dist_b.pk, dt.date(2026, 1, 1), "USD", Decimal("-2.50"), Decimal("-2"), 1),
        MonthlyAmount(dist_a.pk, dt.date(2026, 2, 1), "EUR", Decimal("5.00"), Decimal("1.5"), 1),
    ]
    assert monthly_amounts(Scope.distributor(dist_b.pk)) == [rows[1]]
    assert monthly_amounts(Scope.vendor(), date_from=dt.date(2026, 2, 1)) == [rows[2]]
    assert monthly_amounts(Scope.vendor(), distributor_id=dist_b.pk) == [rows[1]]
    assert monthly_amounts(Scope.vendor(), date_to=dt.date(2026, 1, 1)) == [rows[1]]


def test_admin_lists_sellin_read_only(admin_client, dist_a, products):
    line = make_line(dist_a, products["NET-100"])
    client = admin_client

    assert client.get(reverse("admin:sales_sellinline_changelist")).status_code == 200
    assert client.get(reverse("admin:sales_sellinimport_changelist")).status_code == 200
    assert client.get(reverse("admin:sales_sellinline_add")).status_code == 403
    response = client.post(
        reverse("admin:sales_sellinline_delete", args=[line.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert SellInLine.objects.unscoped().filter(pk=line.pk).exists()
