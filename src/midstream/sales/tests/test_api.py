"""Sell-in API: lines, one line, import (201/200/422), history, monthly."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from midstream.accounts.choices import Role
from midstream.core.models import ExchangeRate
from midstream.sales.models import SellInImport, SellInLine
from midstream.sales.tests.factories import csv_bytes, make_line

pytestmark = pytest.mark.django_db

BASE = "/api/sell-in"


@pytest.fixture
def lines(dist_a, dist_b, products):
    return {
        "own": [
            make_line(dist_a, products["NET-100"], invoice_number="A-1", quantity="2",
                      unit_net_price="50.00", invoice_date=dt.date(2026, 3, 5)),
            make_line(dist_a, products["NET-200"], invoice_number="A-2", quantity="1",
                      unit_net_price="7.25", invoice_date=dt.date(2026, 4, 9), currency="EUR"),
        ],
        "foreign": [
            make_line(dist_b, products["NET-100"], invoice_number="CANARY-B", quantity="4",
                      unit_net_price="25.00", invoice_date=dt.date(2026, 3, 20)),
        ],
    }  # fmt: skip


def test_list_returns_lines_with_their_fields(api_client_for, lines, dist_a):
    response = api_client_for(Role.ANALYST).get(f"{BASE}/lines", {"invoice_number": "A-1"})

    assert response.status_code == 200
    line = lines["own"][0]
    assert response.json() == {
        "count": 1,
        "items": [
            {
                "id": line.pk,
                "distributor_id": dist_a.pk,
                "distributor_code": "ALPHA",
                "invoice_number": "A-1",
                "line_number": 1,
                "invoice_date": "2026-03-05",
                "product_id": line.product_id,
                "sku": "NET-100",
                "quantity": "2.000",
                "unit_net_price": "50.0000",
                "currency": "USD",
                "net_amount": "100.00",
                "ship_to_warehouse": "",
                "import_id": line.imported_by_id,
            }
        ],
    }


def test_list_filters(api_client_for, lines, dist_b):
    client = api_client_for(Role.ANALYST)

    def invoices(**params):
        body = client.get(f"{BASE}/lines", params).json()
        return sorted(item["invoice_number"] for item in body["items"])

    assert invoices() == ["A-1", "A-2", "CANARY-B"]
    assert invoices(distributor_id=dist_b.pk) == ["CANARY-B"]
    assert invoices(sku="NET-200") == ["A-2"]
    assert invoices(currency="eur") == ["A-2"]
    assert invoices(date_from="2026-03-06") == ["A-2", "CANARY-B"]
    assert invoices(date_to="2026-03-20") == ["A-1", "CANARY-B"]


def test_list_is_scoped_for_distributor_users(api_client_for, lines, dist_b):
    client = api_client_for(Role.DISTRIBUTOR_USER)

    body = client.get(f"{BASE}/lines").json()
    assert sorted(item["invoice_number"] for item in body["items"]) == ["A-1", "A-2"]
    assert client.get(f"{BASE}/lines", {"distributor_id": dist_b.pk}).json()["count"] == 0


@pytest.mark.parametrize("count", [2, 15])
def test_list_query_count_does_not_grow(
    api_client_for, dist_a, products, django_assert_num_queries, count
):
    for number in range(count):
        make_line(dist_a, products["NET-100"], invoice_number=f"Q-{number}")
    client = api_client_for(Role.ANALYST)
    # token, its last-used time (first use), count, page rows
    with django_assert_num_queries(4):
        response = client.get(f"{BASE}/lines")
    assert response.json()["count"] == count


def test_get_own_line_and_404_for_foreign(api_client_for, lines):
    client = api_client_for(Role.DISTRIBUTOR_ADMIN)

    own = client.get(f"{BASE}/lines/{lines['own'][0].pk}")
    assert own.status_code == 200
    assert own.json()["net_amount"] == "100.00"
    foreign = client.get(f"{BASE}/lines/{lines['foreign'][0].pk}")
    assert foreign.status_code == 404
    assert foreign.json() == {"code": "not_found", "message": "Not found."}
    assert client.get(f"{BASE}/lines/999999").status_code == 404


def post_file(client, content: bytes, **data):
    return client.post(
        f"{BASE}/imports",
        {"file": SimpleUploadedFile("feed.csv", content, content_type="text/csv"), **data},
    )


GOOD_FILE = csv_bytes(
    "INV-1,1,2026-03-01,ALPHA,NET-100,5,12.50,USD,WH1",
    "INV-1,2,2026-03-01,BRAVO,NET-200,1,3,EUR,",
)


def test_import_answers_201_with_counts(api_client_for, users, dist_a, dist_b, products):
    response = post_file(api_client_for(Role.FINANCE), GOOD_FILE)

    assert response.status_code == 201
    body = response.json()
    sellin_import = SellInImport.objects.get()
    assert body["id"] == sellin_import.pk
    assert {key: body[key] for key in ("file_name", "source", "actor", "dry_run")} == {
        "file_name": "feed.csv",
        "source": "api",
        "actor": "finance",
        "dry_run": False,
    }
    assert (body["rows_read"], body["rows_inserted"], body["rows_already_present"]) == (2, 2, 0)
    assert SellInLine.objects.unscoped().count() == 2

    again = post_file(api_client_for(Role.FINANCE), GOOD_FILE).json()
    assert (again["rows_inserted"], again["rows_already_present"]) == (0, 2)


def test_import_dry_run_answers_200_and_writes_nothing(api_client_for, dist_a, dist_b, products):
    response = post_file(api_client_for(Role.VENDOR_ADMIN), GOOD_FILE, dry_run="true")

    assert response.status_code == 200
    assert response.json()["id"] is None
    assert response.json()["dry_run"] is True
    assert response.json()["rows_inserted"] == 2
    assert SellInLine.objects.unscoped().count() == 0


def test_import_answers_422_with_every_problem(api_client_for, dist_a, dist_b, products):
    content = csv_bytes(
        "INV-1,1,2026-03-01,ALPHA,NET-100,Infinity,12.50,USD,",
        "INV-1,2,2026-03-01,ALPHA,NET-100,1,12.123456,USD,",
    )

    response = post_file(api_client_for(Role.FINANCE), content)

    assert response.status_code == 422
    assert response.json() == {
        "code": "input_rejected",
        "message": "feed.csv: 2 problems found; nothing was imported.",
        "field": None,
        "source": "feed.csv",
        "problems": [
            {
                "line": 2,
                "field": "quantity",
                "code": "not_finite",
                "message": '"Infinity" is not a finite number.',
            },
            {
                "line": 3,
                "field": "unit_net_price",
                "code": "too_many_decimals",
                "message": '"12.123456" has more than 4 decimal places.',
            },
        ],
    }
    assert SellInLine.objects.unscoped().count() == 0


def test_import_without_a_file_is_400(api_client_for, dist_a):
    response = api_client_for(Role.FINANCE).post(f"{BASE}/imports", {})
    assert response.status_code == 400
    assert response.json()["code"] == "file_required"


@pytest.mark.parametrize("role", [Role.ANALYST, Role.DISTRIBUTOR_ADMIN, Role.DISTRIBUTOR_USER])
def test_import_is_403_without_the_permission(api_client_for, dist_a, dist_b, products, role):
    response = post_file(api_client_for(role), GOOD_FILE)

    assert response.status_code == 403
    assert SellInLine.objects.unscoped().count() == 0
    assert SellInImport.objects.count() == 0


def test_import_list_is_vendor_only_and_paginated(
    api_client_for, dist_a, dist_b, products, django_assert_num_queries
):
    client = api_client_for(Role.FINANCE)
    post_file(client, GOOD_FILE)
    post_file(client, GOOD_FILE)

    with django_assert_num_queries(3):  # token, count, page with actors
        body = client.get(f"{BASE}/imports").json()
    assert body["count"] == 2
    assert [item["rows_inserted"] for item in body["items"]] == [0, 2]
    assert api_client_for(Role.DISTRIBUTOR_USER).get(f"{BASE}/imports").status_code == 403


def test_monthly_per_distributor_and_in_the_reporting_currency(
    api_client_for, lines, dist_a, dist_b
):
    ExchangeRate.objects.create(currency="EUR", valid_from=dt.date(2026, 1, 1), rate="1.2")

    body = api_client_for(Role.ANALYST).get(f"{BASE}/monthly").json()

    march = {
        "start": "2026-03-01",
        "label": "2026-03",
        "fiscal_label": "FY2026 P03",
        "lines": 2,
        "amounts": [{"currency": "USD", "amount": "200.00"}],
        "reporting_amount": "200.00",
        "missing_rates": [],
    }
    assert body["reporting_currency"] == "USD"
    assert body["grain"] == "month"
    assert body["totals"] == [
        march,
        {
            "start": "2026-04-01",
            "label": "2026-04",
            "fiscal_label": "FY2026 P04",
            "lines": 1,
            "amounts": [{"currency": "EUR", "amount": "7.25"}],
            "reporting_amount": "8.70",
            "missing_rates": [],
        },
    ]
    assert [item["distributor_code"] for item in body["distributors"]] == ["ALPHA", "BRAVO"]
    bravo = body["distributors"][1]
    assert bravo["distributor_id"] == dist_b.pk
    assert [(p["label"], p["reporting_amount"]) for p in bravo["periods"]] == [
        ("2026-03", "100.00"),
        ("2026-04", "0.00"),
    ]


def test_monthly_reports_missing_rates_as_null(api_client_for, lines):
    body = api_client_for(Role.ANALYST).get(f"{BASE}/monthly", {"grain": "year"}).json()

    assert body["totals"] == [
        {
            "start": "2026-01-01",
            "label": "FY2026",
            "fiscal_label": "FY2026",
            "lines": 3,
            "amounts": [
                {"currency": "EUR", "amount": "7.25"},
                {"currency": "USD", "amount": "200.00"},
            ],
            "reporting_amount": None,
            "missing_rates": ["EUR"],
        }
    ]


def test_monthly_for_a_distributor_user_is_scoped(api_client_for, lines, dist_a, dist_b):
    client = api_client_for(Role.DISTRIBUTOR_USER)

    body = client.get(f"{BASE}/monthly", {"distributor_id": dist_a.pk}).json()
    assert [item["distributor_code"] for item in body["distributors"]] == ["ALPHA"]
    assert body["totals"][0]["amounts"] == [{"currency": "USD", "amount": "100.00"}]
    assert client.get(f"{BASE}/monthly", {"distributor_id": dist_b.pk}).status_code == 404


def test_monthly_refuses_an_unknown_grain(api_client_for, lines):
    response = api_client_for(Role.ANALYST).get(f"{BASE}/monthly", {"grain": "week"})
    assert response.status_code == 422
