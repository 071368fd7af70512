"""Sell-through explorer: rollup sums, the sell-in series, filters, scoping, exports, API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from midstream.accounts.choices import Role
from midstream.catalog.tests.factories import make_family, make_product
from midstream.core.scoping import Scope
from midstream.network.tests.factories import make_reseller
from midstream.reports.selectors import (
    SellThroughFilters,
    row_amount,
    row_quantity,
    sellthrough_rows,
    sellthrough_series,
)
from midstream.reports.tests.factories import make_month, make_submission
from midstream.sales.tests.factories import make_line

pytestmark = pytest.mark.django_db

JAN, FEB, MAR, APR = (dt.date(2025, month, 1) for month in (1, 2, 3, 4))
URL = reverse("reports:sellthrough")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _period(month: dt.date) -> dict:
    return {"period_start": month, "period_end": month.replace(day=28)}


@pytest.fixture
def data(dist_a, dist_b):
    net = make_family(code="NET", name="Networking")
    sec = make_family(code="SEC", name="Security")
    p1 = make_product(family=net, sku="SW-24P")
    p2 = make_product(family=net, sku="SW-48P")
    p3 = make_product(family=sec, sku="FW-1")
    shop = make_reseller(name="Corner Shop", partner_id="R-SHOP")
    mall = make_reseller(name="Mall Store", partner_id="R-MALL")
    jan = make_submission(dist_a, **_period(JAN))
    make_month(
        jan, p1, month=JAN, reseller=shop, quantity=Decimal("10"), amount="100.00", line_count=2
    )
    make_month(jan, p1, month=JAN, quantity=Decimal("1"), amount=Decimal("9.9950"))  # 4 decimals
    make_month(jan, p3, month=JAN, reseller=shop, quantity=Decimal("3"), amount="30.00")
    feb = make_submission(dist_a, **_period(FEB))
    # A late January line reported with February: grouped with January's row.
    make_month(feb, p1, month=JAN, reseller=shop, quantity=Decimal("2"), amount="20.00")
    make_month(feb, p2, month=FEB, reseller=mall, quantity=Decimal("-1"), amount="-10.00")
    old = make_submission(dist_a, status="superseded", **_period(JAN))
    make_month(old, p1, month=JAN, reseller=shop, quantity=Decimal("999"), amount="9990.00")
    bravo = make_submission(dist_b, **_period(JAN))
    make_month(bravo, p1, month=JAN, currency="EUR", quantity=Decimal("7"), amount="70.00")
    make_line(dist_a, p1, invoice_number="A1", invoice_date=dt.date(2025, 1, 20), quantity="20")
    make_line(dist_a, p2, invoice_number="A2", invoice_date=dt.date(2025, 2, 3), quantity="5")
    make_line(dist_a, p3, invoice_number="A3", invoice_date=dt.date(2025, 3, 31), quantity="4")
    make_line(
        dist_b,
        p1,
        invoice_number="B1",
        invoice_date=dt.date(2025, 1, 2),
        quantity="8",
        currency="EUR",
    )
    return {"net": net, "sec": sec, "p1": p1, "p2": p2, "p3": p3, "shop": shop,
            "mall": mall}  # fmt: skip


def _table(rows) -> list[tuple]:
    return [
        (
            row["month"],
            row["distributor__code"],
            row["product__sku"],
            row["reseller__partner_id"],
            row["currency"],
            row_quantity(row),
            row_amount(row),
            row["lines"],
        )
        for row in rows
    ]


ALL_ROWS = [
    (JAN, "ALPHA", "FW-1", "R-SHOP", "USD", Decimal("3.000"), Decimal("30.00"), 1),
    (JAN, "ALPHA", "SW-24P", "R-SHOP", "USD", Decimal("12.000"), Decimal("120.00"), 3),
    (JAN, "ALPHA", "SW-24P", None, "USD", Decimal("1.000"), Decimal("9.995"), 1),
    (JAN, "BRAVO", "SW-24P", None, "EUR", Decimal("7.000"), Decimal("70.00"), 1),
    (FEB, "ALPHA", "SW-48P", "R-MALL", "USD", Decimal("-1.000"), Decimal("-10.00"), 1),
]


def test_rows_sum_active_rollups_per_month_distributor_product_reseller(data):
    rows = sellthrough_rows(Scope.vendor(), SellThroughFilters())

    assert _table(rows) == ALL_ROWS


def test_distributor_scope_sees_own_rows_only(data, dist_a):
    rows = sellthrough_rows(Scope.distributor(dist_a.pk), SellThroughFilters())

    assert _table(rows) == [row for row in ALL_ROWS if row[1] == "ALPHA"]


def test_filters_family_product_reseller_and_period(data):
    vendor = Scope.vendor()

    def skus(**filters):
        return [
            (r[0], r[2], r[3])
            for r in _table(sellthrough_rows(vendor, SellThroughFilters(**filters)))
        ]

    assert skus(family_id=data["sec"].pk) == [(JAN, "FW-1", "R-SHOP")]
    assert skus(sku="sw-48p") == [(FEB, "SW-48P", "R-MALL")]
    assert skus(product_id=data["p3"].pk) == [(JAN, "FW-1", "R-SHOP")]
    assert skus(reseller="r-shop") == [(JAN, "FW-1", "R-SHOP"), (JAN, "SW-24P", "R-SHOP")]
    assert skus(reseller="mall") == [(FEB, "SW-48P", "R-MALL")]
    assert skus(reseller_id=data["mall"].pk) == [(FEB, "SW-48P", "R-MALL")]
    assert skus(month_from=FEB) == [(FEB, "SW-48P", "R-MALL")]
    assert len(skus(month_to=JAN)) == 4


def _series(scope, **filters) -> list[tuple]:
    return [
        (p.month, p.sell_in_quantity, p.sell_through_quantity, p.sell_through_lines)
        for p in sellthrough_series(scope, SellThroughFilters(**filters))
    ]


def test_series_sets_sell_in_against_sell_through_by_month(data, dist_a):
    assert _series(Scope.vendor()) == [
        (JAN, Decimal("28.000"), Decimal("23.000"), 6),
        (FEB, Decimal("5.000"), Decimal("-1.000"), 1),
        (MAR, Decimal("4.000"), Decimal("0"), 0),
    ]
    assert _series(Scope.distributor(dist_a.pk)) == [
        (JAN, Decimal("20.000"), Decimal("16.000"), 5),
        (FEB, Decimal("5.000"), Decimal("-1.000"), 1),
        (MAR, Decimal("4.000"), Decimal("0"), 0),
    ]


def test_series_filters(data, dist_b):
    vendor = Scope.vendor()

    assert _series(vendor, family_id=data["sec"].pk) == [
        (JAN, Decimal("0"), Decimal("3.000"), 1),
        (FEB, Decimal("0"), Decimal("0"), 0),
        (MAR, Decimal("4.000"), Decimal("0"), 0),
    ]
    assert _series(vendor, month_from=FEB, month_to=APR) == [
        (FEB, Decimal("5.000"), Decimal("-1.000"), 1),
        (MAR, Decimal("4.000"), Decimal("0"), 0),
        (APR, Decimal("0"), Decimal("0"), 0),
    ]
    # The reseller narrows sell-through only.
    assert _series(vendor, reseller="R-SHOP")[0] == (JAN, Decimal("28.000"), Decimal("15.000"), 4)
    assert _series(vendor, distributor_id=dist_b.pk) == [
        (JAN, Decimal("8.000"), Decimal("7.000"), 1)
    ]


def test_series_is_empty_without_data(db):
    assert sellthrough_series(Scope.vendor(), SellThroughFilters()) == []


# ─── the page ────────────────────────────────────────────────────────────────────────────


def _page_rows(response) -> list[list]:
    return [[cell["value"] for cell in row] for row in response.context["listing"].rows]


def test_vendor_page_shows_rows_chart_and_series(client_for, data):
    response = client_for(Role.ANALYST).get(URL)

    assert response.status_code == 200
    assert _page_rows(response)[1] == [
        "2025-01", "ALPHA", "SW-24P", data["p1"].description,
        "Corner Shop (R-SHOP)", "USD", Decimal("12.000"), Decimal("120.00"), 3,
    ]  # fmt: skip
    chart = response.context["chart"]
    assert chart["labels"] == ["2025-01", "2025-02", "2025-03"]
    assert chart["datasets"][0]["values"] == ["28.000", "5.000", "4.000"]
    assert chart["datasets"][1]["values"] == ["23.000", "-1.000", "0.000"]
    body = response.content.decode()
    assert "midstream/chart.umd.min.js" in body
    assert "animation: false" in body


def test_distributor_page_has_no_distributor_filter_and_own_rows(client_for, data):
    response = client_for(Role.DISTRIBUTOR_USER).get(URL)

    assert "distributor" not in response.context["form"].fields
    assert [row[0:3] for row in _page_rows(response)] == [
        ["2025-01", "FW-1", data["p3"].description],
        ["2025-01", "SW-24P", data["p1"].description],
        ["2025-01", "SW-24P", data["p1"].description],
        ["2025-02", "SW-48P", data["p2"].description],
    ]
    assert b"BRAVO" not in response.content


def test_distributor_cannot_pick_another_distributor(client_for, data, dist_b):
    response = client_for(Role.DISTRIBUTOR_ADMIN).get(URL, {"distributor": dist_b.pk})

    assert len(_page_rows(response)) == 4  # the field does not exist for them: ignored


def test_page_filters_sort_and_keep_filters_in_links(client_for, data, dist_a):
    response = client_for(Role.CHANNEL_MANAGER).get(
        URL,
        {"distributor": dist_a.pk, "family": data["net"].pk, "month_to": "2025-02",
         "sort": "-quantity", "per_page": 2},
    )  # fmt: skip

    listing = response.context["listing"]
    assert listing.total == 3
    assert [row[6] for row in _page_rows(response)] == [Decimal("12.000"), Decimal("1.000")]
    assert f"distributor={dist_a.pk}" in listing.next_link
    assert "month_to=2025-02" in listing.next_link
    assert "sort=-quantity" in listing.csv_link


def test_invalid_month_is_an_error_not_a_filter(client_for, data):
    response = client_for(Role.ANALYST).get(URL, {"month_from": "2025-13"})

    assert response.status_code == 200
    assert "month_from" in response.context["form"].errors
    assert response.context["listing"].total == 5


def test_csv_export(client_for, data):
    response = client_for(Role.DISTRIBUTOR_USER).get(URL, {"export": "csv", "reseller": "R-SHOP"})

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines() == [
        "Month,SKU,Product,Reseller,Currency,Quantity,Amount,Lines",
        f"2025-01,FW-1,{data['p3'].description},Corner Shop (R-SHOP),USD,3.000,30.00,1",
        f"2025-01,SW-24P,{data['p1'].description},Corner Shop (R-SHOP),USD,12.000,120.00,3",
    ]


def test_xlsx_export(client_for, data):
    response = client_for(Role.ANALYST).get(URL, {"export": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="sell-through.xlsx"'


def test_page_queries_do_not_grow_with_rows(client_for, data, dist_a, django_assert_num_queries):
    vendor, distributor = client_for(Role.ANALYST), client_for(Role.DISTRIBUTOR_USER)
    # session, user, distributors, families, count, rows, sell-through and sell-in by month
    with django_assert_num_queries(8):
        vendor.get(URL)
    with django_assert_num_queries(7):
        distributor.get(URL)
    more = make_submission(dist_a, **_period(MAR))
    for number in range(20):
        make_month(more, data["p2"], month=MAR, reseller=make_reseller(), quantity=Decimal(number))
    with django_assert_num_queries(8):
        response = vendor.get(URL)
    assert response.context["listing"].total == 25
    with django_assert_num_queries(5):
        vendor.get(URL, {"export": "csv"}).getvalue()


# ─── the API ─────────────────────────────────────────────────────────────────────────────


def test_api_monthly_rows(api_client_for, data, dist_a, django_assert_num_queries):
    client = api_client_for(Role.FINANCE)

    body = client.get("/api/sell-through/monthly", {"page_size": 2, "page": 1}).json()

    assert body["count"] == 5
    assert body["items"][1] == {
        "month": "2025-01-01",
        "distributor_id": body["items"][1]["distributor_id"],
        "distributor_code": "ALPHA",
        "product_id": data["p1"].pk,
        "sku": "SW-24P",
        "reseller_id": data["shop"].pk,
        "reseller_partner_id": "R-SHOP",
        "reseller_name": "Corner Shop",
        "currency": "USD",
        "quantity": "12.000",
        "amount": "120.00",
        "lines": 3,
    }
    assert body["items"][1]["amount"] == "120.00"
    third = client.get("/api/sell-through/monthly", {"page_size": 1, "page": 3}).json()
    assert third["items"][0]["amount"] == "9.995"
    filtered = client.get("/api/sell-through/monthly", {"month_from": "2025-02"}).json()
    assert [item["sku"] for item in filtered["items"]] == ["SW-48P"]
    assert client.get("/api/sell-through/monthly", {"month_from": "2025-1"}).status_code == 422
    # token, count, rows: the same with more rows
    with django_assert_num_queries(3):
        client.get("/api/sell-through/monthly")
    more = make_submission(dist_a, **_period(MAR))
    for number in range(20):
        make_month(more, data["p2"], month=MAR, reseller=make_reseller(), quantity=Decimal(number))
    with django_assert_num_queries(3):
        assert client.get("/api/sell-through/monthly").json()["count"] == 25


def test_api_scoping(api_client_for, data, dist_b):
    client = api_client_for(Role.DISTRIBUTOR_USER)

    body = client.get("/api/sell-through/monthly").json()
    foreign = client.get("/api/sell-through/monthly", {"distributor_id": dist_b.pk})
    series = client.get("/api/sell-through/series", {"distributor_id": dist_b.pk})

    assert {item["distributor_code"] for item in body["items"]} == {"ALPHA"}
    assert body["count"] == 4
    assert foreign.status_code == 404
    assert series.status_code == 404


def test_api_series(api_client_for, data, django_assert_num_queries):
    client = api_client_for(Role.DISTRIBUTOR_ADMIN)
    client.get("/api/sell-through/series")  # the token's first use records it

    with django_assert_num_queries(3):  # token, sell-through and sell-in by month
        response = client.get("/api/sell-through/series", {"month_to": "2025-02"})

    assert response.json() == {
        "months": [
            {"month": "2025-01-01", "sell_in_quantity": "20.000",
             "sell_through_quantity": "16.000", "sell_through_lines": 5},
            {"month": "2025-02-01", "sell_in_quantity": "5.000",
             "sell_through_quantity": "-1.000", "sell_through_lines": 1},
        ]
    }  # fmt: skip
