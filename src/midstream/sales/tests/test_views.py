"""Sell-in pages: list, detail, import, history, by month; scoping and permissions."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from midstream.accounts.choices import Role
from midstream.core.models import ExchangeRate
from midstream.sales.models import SellInImport, SellInLine
from midstream.sales.tests.factories import csv_bytes, make_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(dist_a, dist_b, products):
    own = [
        make_line(
            dist_a,
            products["NET-100"],
            invoice_number="A-1",
            line_number=1,
            invoice_date=dt.date(2026, 3, 5),
            quantity="2",
            unit_net_price="50.00",
        ),
        make_line(
            dist_a,
            products["NET-200"],
            invoice_number="A-1",
            line_number=2,
            invoice_date=dt.date(2026, 3, 5),
            quantity="1",
            unit_net_price="7.25",
        ),
        make_line(
            dist_a,
            products["NET-100"],
            invoice_number="A-2",
            line_number=1,
            invoice_date=dt.date(2026, 4, 9),
            quantity="3",
            unit_net_price="10.00",
            currency="EUR",
        ),
    ]
    foreign = [
        make_line(
            dist_b,
            products["NET-100"],
            invoice_number="CANARY-B",
            line_number=1,
            invoice_date=dt.date(2026, 3, 20),
            quantity="4",
            unit_net_price="25.00",
            currency="EUR",
        ),
    ]
    return {"own": own, "foreign": foreign}  # fmt: skip


def table_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_list_shows_lines_to_vendor_staff(client_for, lines):
    response = client_for(Role.ANALYST).get(reverse("sales:sellin_list"))

    assert response.status_code == 200
    text = table_text(response)
    for invoice in ("A-1", "A-2", "CANARY-B"):
        assert invoice in text
    assert response.context["listing"].total == 4


def test_list_shows_a_distributor_user_only_its_own_lines(client_for, lines):
    response = client_for(Role.DISTRIBUTOR_USER).get(reverse("sales:sellin_list"))

    assert response.status_code == 200
    assert response.context["listing"].total == 3
    assert "CANARY-B" not in response.content.decode()
    filters = [control["name"] for control in response.context["listing"].filter_controls]
    assert filters == ["currency", "month"]


def test_list_search_and_filters(client_for, lines, dist_b):
    client = client_for(Role.ANALYST)
    url = reverse("sales:sellin_list")

    def invoices(**params):
        response = client.get(url, params)
        return sorted(
            (row[2]["value"], row[3]["value"]) for row in response.context["listing"].rows
        )

    assert invoices(q="NET-200") == [("A-1", 2)]
    assert invoices(q="a-2") == [("A-2", 1)]
    assert invoices(currency="EUR") == [("A-2", 1), ("CANARY-B", 1)]
    assert invoices(month="2026-03-01") == [("A-1", 1), ("A-1", 2), ("CANARY-B", 1)]
    assert invoices(distributor=str(dist_b.pk)) == [("CANARY-B", 1)]
    assert invoices(distributor=str(dist_b.pk), month="2026-04-01") == []


def test_list_sorts_by_net_amount(client_for, lines):
    response = client_for(Role.ANALYST).get(reverse("sales:sellin_list"), {"sort": "-net_amount"})
    amounts = [row[8]["value"] for row in response.context["listing"].rows]
    assert amounts == [Decimal("100.00"), Decimal("100.00"), Decimal("30.00"), Decimal("7.25")]


def test_list_exports_csv(client_for, lines):
    response = client_for(Role.DISTRIBUTOR_ADMIN).get(
        reverse("sales:sellin_list"), {"export": "csv", "sort": "invoice_number"}
    )

    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    rows = text.splitlines()
    assert rows[0].lstrip("\ufeff") == (
        "Date,Invoice,Line,SKU,Quantity,Unit net price,Currency,Net amount,Ship-to warehouse"
    )
    assert rows[1:] == [
        "2026-03-05,A-1,1,NET-100,2.000,50.0000,USD,100.00,",
        "2026-03-05,A-1,2,NET-200,1.000,7.2500,USD,7.25,",
        "2026-04-09,A-2,1,NET-100,3.000,10.0000,EUR,30.00,",
    ]


def test_list_exports_xlsx(client_for, lines):
    response = client_for(Role.ANALYST).get(reverse("sales:sellin_list"), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="sell-in.xlsx"'


@pytest.mark.parametrize("count", [2, 12])
def test_list_query_count_does_not_grow_with_rows(
    client_for, dist_a, products, django_assert_num_queries, count
):
    for number in range(count):
        make_line(dist_a, products["NET-100"], invoice_number=f"Q-{number}")
    client = client_for(Role.ANALYST)
    # session, user, distributor choices, months, count, page rows
    with django_assert_num_queries(6):
        response = client.get(reverse("sales:sellin_list"))
    assert response.context["listing"].total == count


def test_detail_shows_an_own_line(client_for, lines):
    line = lines["own"][0]
    response = client_for(Role.DISTRIBUTOR_USER).get(reverse("sales:sellin_detail", args=[line.pk]))

    assert response.status_code == 200
    assert 'id="net-amount">100.00 USD' in response.content.decode()


def test_detail_of_a_foreign_line_is_404_like_a_missing_one(client_for, lines):
    client = client_for(Role.DISTRIBUTOR_USER)
    foreign = lines["foreign"][0]

    assert client.get(reverse("sales:sellin_detail", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("sales:sellin_detail", args=[999_999])).status_code == 404


def upload(client, content: bytes, *, name="march.csv", dry_run=False):
    data = {"file": SimpleUploadedFile(name, content, content_type="text/csv")}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("sales:sellin_import"), data)


GOOD_FILE = csv_bytes(
    "INV-1,1,2026-03-01,ALPHA,NET-100,5,12.50,USD,WH1",
    "INV-1,2,2026-03-01,BRAVO,NET-200,1,3,EUR,",
)


def test_import_page_imports_and_redirects_to_history(client_for, dist_a, dist_b, products):
    client = client_for(Role.FINANCE)
    assert client.get(reverse("sales:sellin_import")).status_code == 200

    response = upload(client, GOOD_FILE)

    assert response.status_code == 302
    assert response["Location"] == reverse("sales:import_list")
    sellin_import = SellInImport.objects.get()
    assert (sellin_import.source, sellin_import.rows_inserted) == ("ui", 2)
    assert SellInLine.objects.unscoped().count() == 2
    history = client.get(reverse("sales:import_list"))
    assert "march.csv: 2 lines read, 2 imported, 0 already present." in history.content.decode()
    assert "march.csv" in table_text(history)


def test_import_page_shows_every_problem_and_writes_nothing(client_for, dist_a, dist_b, products):
    content = csv_bytes(
        "INV-1,1,2026-03-01,ALPHA,NET-100,5,12.50,USD,WH1",
        "INV-1,2,2026-03-01,ALPHA,NET-999,1E+30,3,USD,",
    )

    response = upload(client_for(Role.VENDOR_ADMIN), content)

    assert response.status_code == 422
    problems = [
        (problem.line, problem.field, problem.code) for problem in response.context["problems"]
    ]
    assert problems == [(3, "sku", "unknown_sku"), (3, "quantity", "exponent")]
    text = table_text(response)
    assert "march.csv: 2 problems found; nothing was imported." in text
    assert "<code>unknown_sku</code>" in text
    assert SellInLine.objects.unscoped().count() == 0
    assert SellInImport.objects.count() == 0


def test_import_page_dry_run(client_for, dist_a, dist_b, products):
    response = upload(client_for(Role.FINANCE), GOOD_FILE, dry_run=True)

    assert response.status_code == 200
    assert "2 would be imported, 0 are already present. Nothing was written." in table_text(
        response
    )
    assert SellInLine.objects.unscoped().count() == 0


def test_import_page_without_a_file_is_a_form_error(client_for, dist_a):
    response = client_for(Role.FINANCE).post(reverse("sales:sellin_import"), {})
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["This field is required."]}


@pytest.mark.parametrize(
    "role", [Role.ANALYST, Role.CHANNEL_MANAGER, Role.DISTRIBUTOR_ADMIN, Role.DISTRIBUTOR_USER]
)
def test_import_page_is_refused_without_the_permission(client_for, dist_a, dist_b, products, role):
    client = client_for(role)

    assert client.get(reverse("sales:sellin_import")).status_code == 403
    assert upload(client, GOOD_FILE).status_code == 403
    assert SellInLine.objects.unscoped().count() == 0


def test_import_history_is_vendor_only(client_for, dist_a):
    assert client_for(Role.ANALYST).get(reverse("sales:import_list")).status_code == 200
    assert client_for(Role.DISTRIBUTOR_ADMIN).get(reverse("sales:import_list")).status_code == 403


def chart_data(response) -> dict:
    match = re.search(
        r'<script type="application/json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(match.group(1))


def test_monthly_page_totals_per_month_with_conversion(client_for, lines, finance_rates):
    response = client_for(Role.ANALYST).get(reverse("sales:sellin_monthly"))

    assert response.status_code == 200
    report = response.context["report"]
    assert [
        (total.period.label, total.amounts, total.reporting_amount) for total in report.totals
    ] == [
        ("2026-03", {"EUR": Decimal("100.00"), "USD": Decimal("107.25")}, Decimal("217.25")),
        ("2026-04", {"EUR": Decimal("30.00")}, Decimal("33.30")),
    ]
    assert chart_data(response) == {
        "labels": ["2026-03", "2026-04"],
        "label": "Net sell-in (USD)",
        "values": ["217.25", "33.30"],
    }
    text = table_text(response)
    assert 'id="reporting-total">250.55<' in text
    assert "midstream/chart.umd.min.js" in text


def test_monthly_page_says_when_a_rate_is_missing(client_for, lines):
    response = client_for(Role.ANALYST).get(reverse("sales:sellin_monthly"))

    text = table_text(response)
    assert "No exchange rate to USD for EUR in some periods" in text
    assert "no rate for EUR" in text
    assert 'id="reporting-total">incomplete<' in text
    assert chart_data(response)["values"] == [None, None]


def test_monthly_page_for_one_distributor_and_by_fiscal_quarter(
    client_for, lines, finance_rates, dist_a
):
    response = client_for(Role.ANALYST).get(
        reverse("sales:sellin_monthly"), {"distributor": dist_a.pk, "grain": "quarter"}
    )

    report = response.context["report"]
    assert [(t.period.label, t.reporting_amount) for t in report.totals] == [
        ("FY2026 Q1", Decimal("107.25")),
        ("FY2026 Q2", Decimal("33.30")),
    ]
    assert response.context["distributor"] == dist_a


def test_monthly_page_of_a_distributor_user_is_its_own(client_for, lines, finance_rates, dist_b):
    response = client_for(Role.DISTRIBUTOR_USER).get(
        reverse("sales:sellin_monthly"), {"distributor": dist_b.pk}
    )

    assert response.status_code == 200
    assert [(t.period.label, t.reporting_amount) for t in response.context["report"].totals] == [
        ("2026-03", Decimal("107.25")),
        ("2026-04", Decimal("33.30")),
    ]
    assert "CANARY-B" not in response.content.decode()


@pytest.fixture
def finance_rates(db):
    ExchangeRate.objects.create(currency="EUR", valid_from=dt.date(2026, 1, 1), rate="1.10")
    ExchangeRate.objects.create(currency="EUR", valid_from=dt.date(2026, 4, 15), rate="1.11")
