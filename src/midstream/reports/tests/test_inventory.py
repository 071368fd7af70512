"""Inventory positions: the latest committed position per distributor, location and product."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from midstream.accounts.choices import Role
from midstream.catalog.tests.factories import make_product
from midstream.core.scoping import Scope
from midstream.reports.selectors import INVENTORY_ORDER, inventory_positions
from midstream.reports.tests.factories import make_position, make_submission

pytestmark = pytest.mark.django_db

URL = reverse("reports:inventory")
JAN_END, FEB_END = dt.date(2025, 1, 31), dt.date(2025, 2, 28)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _inventory(distributor, month: int, **fields):
    start = dt.date(2025, month, 1)
    return make_submission(
        distributor,
        kind="inventory",
        period_start=start,
        period_end=start.replace(day=28),
        **fields,
    )


@pytest.fixture
def data(dist_a, dist_b):
    p1 = make_product(sku="SW-24P")
    p2 = make_product(sku="SW-48P")
    p3 = make_product(sku="FW-1")
    jan = _inventory(dist_a, 1)
    make_position(jan, p1, line=2, location="MAIN", as_of_date=JAN_END, on_hand=Decimal("10"))
    make_position(jan, p1, line=3, location="EAST", as_of_date=JAN_END, on_hand=Decimal("5"))
    feb = _inventory(dist_a, 2)
    make_position(
        feb,
        p1,
        line=2,
        location="MAIN",
        as_of_date=FEB_END,
        on_hand=Decimal("8"),
        available=Decimal("6"),
        committed=Decimal("2"),
    )
    make_position(feb, p2, line=3, location="MAIN", as_of_date=FEB_END, on_hand=Decimal("3"))
    old_feb = _inventory(dist_a, 2, status="superseded")
    make_position(old_feb, p1, line=2, location="MAIN", as_of_date=FEB_END, on_hand=Decimal("999"))
    make_position(old_feb, p3, line=3, location="MAIN", as_of_date=FEB_END, on_hand=Decimal("1"))
    rejected = _inventory(dist_a, 3, status="rejected")
    make_position(rejected, p3, line=2, location="MAIN", as_of_date=dt.date(2025, 3, 31))
    bravo = _inventory(dist_b, 2)
    make_position(bravo, p1, line=2, location="MAIN", as_of_date=FEB_END, on_hand=Decimal("50"))
    return {"p1": p1, "p2": p2, "p3": p3, "feb": feb}  # fmt: skip


def _rows(positions) -> list[tuple]:
    return [
        (p.distributor.code, p.location, p.product.sku, p.as_of_date, p.on_hand)
        for p in positions.order_by(*INVENTORY_ORDER)
    ]


def test_latest_committed_position_per_key(data):
    assert _rows(inventory_positions(Scope.vendor())) == [
        ("ALPHA", "EAST", "SW-24P", JAN_END, Decimal("5.000")),
        ("ALPHA", "MAIN", "SW-24P", FEB_END, Decimal("8.000")),
        ("ALPHA", "MAIN", "SW-48P", FEB_END, Decimal("3.000")),
        ("BRAVO", "MAIN", "SW-24P", FEB_END, Decimal("50.000")),
    ]


def test_as_of_month_takes_the_latest_within_it(data):
    positions = inventory_positions(Scope.vendor(), as_of_month=dt.date(2025, 1, 1))

    assert _rows(positions) == [
        ("ALPHA", "EAST", "SW-24P", JAN_END, Decimal("5.000")),
        ("ALPHA", "MAIN", "SW-24P", JAN_END, Decimal("10.000")),
    ]


def test_filters_and_distributor_scope(data, dist_a, dist_b):
    vendor = Scope.vendor()

    assert len(_rows(inventory_positions(vendor, distributor_id=dist_b.pk))) == 1
    assert [r[1] for r in _rows(inventory_positions(vendor, location="eas"))] == ["EAST"]
    assert [r[2] for r in _rows(inventory_positions(vendor, sku="sw-48p"))] == ["SW-48P"]
    assert len(_rows(inventory_positions(vendor, product_id=data["p1"].pk))) == 3
    own = _rows(inventory_positions(Scope.distributor(dist_a.pk)))
    assert {row[0] for row in own} == {"ALPHA"}
    assert len(own) == 3


def test_same_date_twice_shows_one_position(dist_a):
    product = make_product(sku="DUP")
    submission = _inventory(dist_a, 4)
    make_position(submission, product, line=2, as_of_date=dt.date(2025, 4, 30))
    make_position(submission, product, line=3, as_of_date=dt.date(2025, 4, 30), on_hand=7)

    assert _rows(inventory_positions(Scope.vendor())) == [
        ("ALPHA", "MAIN", "DUP", dt.date(2025, 4, 30), Decimal("7.000"))
    ]


def _page_rows(response) -> list[list]:
    return [[cell["value"] for cell in row] for row in response.context["listing"].rows]


def test_page_for_vendor_and_distributor(client_for, data):
    vendor = client_for(Role.PRICING_MANAGER).get(URL, {"as_of": "2025-02", "location": "main"})
    own = client_for(Role.DISTRIBUTOR_USER).get(URL)

    assert [row[:3] + row[4:6] for row in _page_rows(vendor)] == [
        ["ALPHA", "MAIN", "SW-24P", FEB_END, Decimal("8.000")],
        ["ALPHA", "MAIN", "SW-48P", FEB_END, Decimal("3.000")],
        ["BRAVO", "MAIN", "SW-24P", FEB_END, Decimal("50.000")],
    ]
    assert _page_rows(vendor)[0][-1] == f"#{data['feb'].pk}"
    assert "distributor" not in own.context["form"].fields
    assert [row[:2] for row in _page_rows(own)] == [
        ["EAST", "SW-24P"],
        ["MAIN", "SW-24P"],
        ["MAIN", "SW-48P"],
    ]
    assert b"BRAVO" not in own.content


def test_csv_export(client_for, data):
    response = client_for(Role.DISTRIBUTOR_ADMIN).get(URL, {"export": "csv", "product": "SW-48P"})

    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "Location,SKU,Product,As of,On hand,Available,Committed,On order,In transit,Report"
    )
    assert lines[1:] == [
        f"MAIN,SW-48P,{data['p2'].description},2025-02-28,3.000,,,,,#{data['feb'].pk}"
    ]


def test_page_queries_do_not_grow_with_rows(client_for, data, dist_a, django_assert_num_queries):
    client = client_for(Role.ANALYST)
    # session, user, distributors, count, rows (distributor and product joined)
    with django_assert_num_queries(5):
        client.get(URL)
    submission = _inventory(dist_a, 5)
    for line in range(20):
        make_position(submission, make_product(), line=line + 2, as_of_date=dt.date(2025, 5, 31))
    with django_assert_num_queries(5):
        response = client.get(URL)
    assert response.context["listing"].total == 24


def test_api_positions(api_client_for, data, dist_b, django_assert_num_queries):
    client = api_client_for(Role.DISTRIBUTOR_USER)
    client.get("/api/inventory/positions")  # the token's first use records it

    with django_assert_num_queries(3):  # token, count, rows
        body = client.get("/api/inventory/positions", {"location": "MAIN"}).json()

    assert body["count"] == 2
    assert body["items"][0] == {
        "id": body["items"][0]["id"],
        "distributor_id": body["items"][0]["distributor_id"],
        "distributor_code": "ALPHA",
        "location": "MAIN",
        "product_id": data["p1"].pk,
        "sku": "SW-24P",
        "as_of_date": "2025-02-28",
        "on_hand": "8.000",
        "available": "6.000",
        "committed": "2.000",
        "on_order": None,
        "in_transit": None,
        "reported_unit": "",
        "submission_id": data["feb"].pk,
    }
    foreign = client.get("/api/inventory/positions", {"distributor_id": dist_b.pk})
    assert foreign.status_code == 404
    january = client.get("/api/inventory/positions", {"as_of_month": "2025-01"}).json()
    assert [item["on_hand"] for item in january["items"]] == ["5.000", "10.000"]
    assert client.get("/api/inventory/positions", {"as_of_month": "jan"}).status_code == 422
