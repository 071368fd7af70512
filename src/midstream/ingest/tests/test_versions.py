"""Version diff: outcomes per line key, counts, the page and the API, scoping, query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from midstream.accounts.choices import Role
from midstream.catalog.tests.factories import make_product
from midstream.ingest.versions import version_diff
from midstream.network.tests.factories import make_reseller
from midstream.reports.tests.factories import make_position, make_sale, make_submission

pytestmark = pytest.mark.django_db

JAN = dt.date(2025, 1, 15)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def versions(dist_a):
    """v1 superseded by v2: 1 added, 2 removed, 2 changed, 2 unchanged lines."""
    p1 = make_product(sku="P-1")
    p2 = make_product(sku="P-2")
    shop = make_reseller(name="Corner Shop", partner_id="R1")
    mall = make_reseller(name="Mall Store", partner_id="R2")
    v1 = make_submission(dist_a, status="superseded", version=1, file_name="jan.csv")
    make_sale(v1, p1, line=2, invoice_line="1", quantity="10")
    make_sale(v1, p2, line=3, invoice_line="2", quantity="5")
    make_sale(v1, p1, line=4, invoice_number="INV-2", invoice_date=dt.date(2025, 1, 10))
    make_sale(v1, p1, line=5, invoice_number="INV-2", invoice_date=dt.date(2025, 1, 10))
    make_sale(v1, p1, line=6, invoice_number="INV-3", invoice_line="1")
    make_sale(v1, p2, line=7, invoice_number="INV-5", invoice_line="1", reseller=shop)
    v2 = make_submission(dist_a, version=2, supersedes=v1, file_name="jan-fixed.csv")
    make_sale(v2, p1, line=2, invoice_line="1", quantity="10")
    make_sale(v2, p2, line=3, invoice_line="2", quantity="6")
    make_sale(v2, p1, line=4, invoice_number="INV-2", invoice_date=dt.date(2025, 1, 10))
    make_sale(v2, p2, line=5, invoice_number="INV-4", invoice_line="1", quantity="3")
    make_sale(v2, p2, line=6, invoice_number="INV-5", invoice_line="1", reseller=mall)
    return {"v1": v1, "v2": v2, "p1": p1, "p2": p2, "shop": shop, "mall": mall}


def test_diff_counts_every_outcome(versions):
    diff = version_diff(versions["v2"])

    assert diff.previous == versions["v1"]
    assert diff.counts == {"added": 1, "removed": 2, "changed": 2, "unchanged": 2}


def test_diff_lists_changed_added_removed_in_file_order(versions):
    rows = list(version_diff(versions["v2"]).rows())

    assert [(r.outcome, r.line_before, r.line_after) for r in rows] == [
        ("changed", 3, 3),
        ("removed", 5, None),
        ("added", None, 5),
        ("removed", 6, None),
        ("changed", 7, 6),
    ]
    quantity = rows[0]
    assert quantity.key == {
        "invoice_number": "INV-1",
        "invoice_line": "2",
        "product": "P-2",
        "invoice_date": "2025-01-15",
    }
    assert quantity.changed == ["quantity", "amount"]
    assert quantity.changes == [("quantity", "5.000", "6.000"), ("amount", "50.0000", "60.0000")]
    reseller = rows[4]
    assert reseller.changed == ["reseller"]
    assert reseller.changes == [("reseller", "Corner Shop (R1)", "Mall Store (R2)")]
    added = rows[2]
    assert added.before is None
    assert added.after == {
        "quantity": "3.000",
        "unit_price": "10.0000",
        "amount": "30.0000",
        "reseller": None,
        "currency": "USD",
        "transaction_type": "SS",
        "product": "P-2",
        "invoice_date": "2025-01-15",
    }
    # The second of two identical keys (no invoice line) is the one removed.
    removed = rows[1]
    assert removed.key["invoice_number"] == "INV-2"
    assert removed.after is None
    assert removed.before["quantity"] == "1.000"


def test_diff_filters_one_outcome(versions):
    diff = version_diff(versions["v2"])

    assert [r.line_before for r in diff.rows("removed")] == [5, 6]
    assert [r.line_after for r in diff.rows("added")] == [5]
    assert len(diff.rows("changed")) == 2
    assert diff.rows("changed")[1].line_after == 6


def test_product_change_on_a_numbered_invoice_line_is_a_change(dist_a):
    p1, p2 = make_product(sku="A"), make_product(sku="B")
    v1 = make_submission(dist_a, status="superseded")
    make_sale(v1, p1, line=2, invoice_line="1")
    v2 = make_submission(dist_a, supersedes=v1, version=2)
    make_sale(v2, p2, line=2, invoice_line="1")

    diff = version_diff(v2)

    assert diff.counts == {"added": 0, "removed": 0, "changed": 1, "unchanged": 0}
    assert diff.rows()[0].changes == [("product", "A", "B")]


def test_without_invoice_lines_a_different_product_is_removed_and_added(dist_a):
    p1, p2 = make_product(sku="A"), make_product(sku="B")
    v1 = make_submission(dist_a, status="superseded")
    make_sale(v1, p1, line=2)
    v2 = make_submission(dist_a, supersedes=v1, version=2)
    make_sale(v2, p2, line=2)

    assert version_diff(v2).counts == {"added": 1, "removed": 1, "changed": 0, "unchanged": 0}


def test_inventory_diff_keys_location_product_date(dist_a):
    product = make_product(sku="INV-P")
    other = make_product(sku="INV-Q")
    v1 = make_submission(dist_a, kind="inventory", status="superseded")
    make_position(v1, product, line=2, on_hand=Decimal("5"))
    make_position(v1, product, line=3, location="EAST", on_hand=Decimal("7"))
    v2 = make_submission(dist_a, kind="inventory", supersedes=v1, version=2)
    make_position(v2, product, line=2, on_hand=Decimal("4"), available=Decimal("4"))
    make_position(v2, product, line=3, location="EAST", on_hand=Decimal("7"))
    make_position(v2, other, line=4, on_hand=Decimal("1"))

    diff = version_diff(v2)

    assert diff.counts == {"added": 1, "removed": 0, "changed": 1, "unchanged": 1}
    changed, added = list(diff.rows())
    assert changed.key == {"location": "MAIN", "product": "INV-P", "as_of_date": "2025-01-31"}
    assert changed.changes == [("on_hand", "5.000", "4.000"), ("available", None, "4.000")]
    assert (added.outcome, added.key["product"]) == ("added", "INV-Q")


def test_first_version_has_nothing_to_compare(dist_a):
    submission = make_submission(dist_a)
    make_sale(submission, make_product(), line=2)

    diff = version_diff(submission)

    assert diff.previous is None
    assert len(diff.rows()) == 0


# ─── the page ────────────────────────────────────────────────────────────────────────────


def _diff_url(submission, **query) -> str:
    url = reverse("ingest:submission_diff", args=[submission.pk])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def test_page_shows_counts_and_rows(client_for, versions):
    response = client_for(Role.ANALYST).get(_diff_url(versions["v2"]))

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="diff-counts"' in body
    page = response.context["page"]
    assert page.paginator.count == 5
    assert response.context["diff"].counts["unchanged"] == 2
    assert "Corner Shop (R1)" in body and "Mall Store (R2)" in body


def test_page_filters_by_outcome_and_ignores_unknown_ones(client_for, versions):
    client = client_for(Role.DISTRIBUTOR_USER)

    removed = client.get(_diff_url(versions["v2"], outcome="removed"))
    bogus = client.get(_diff_url(versions["v2"], outcome="unchanged"))

    assert [row.line_before for row in removed.context["page"].object_list] == [5, 6]
    assert bogus.context["outcome"] == ""
    assert bogus.context["page"].paginator.count == 5


def test_page_without_earlier_version_says_so(client_for, dist_a):
    submission = make_submission(dist_a)

    response = client_for(Role.DISTRIBUTOR_ADMIN).get(_diff_url(submission))

    assert response.status_code == 200
    assert b'id="no-previous"' in response.content


def test_foreign_submission_is_404_for_distributor_users(client_for, versions, dist_b):
    foreign = make_submission(dist_b)

    assert client_for(Role.DISTRIBUTOR_USER).get(_diff_url(foreign)).status_code == 404
    assert client_for(Role.ANALYST).get(_diff_url(foreign)).status_code == 200


def test_page_queries_do_not_grow_with_rows(client_for, dist_a, django_assert_num_queries):
    client = client_for(Role.ANALYST)
    product = make_product()
    shop = make_reseller()

    def build(count: int, month: int):
        period = {"period_start": dt.date(2025, month, 1), "period_end": dt.date(2025, month, 28)}
        v1 = make_submission(dist_a, status="superseded", **period)
        v2 = make_submission(dist_a, supersedes=v1, version=2, **period)
        for line in range(2, count + 2):
            make_sale(v1, product, line=line, invoice_line=str(line), reseller=shop)
            make_sale(v2, product, line=line, invoice_line=str(line), quantity="2", reseller=shop)
        return v2

    small, large = build(2, 2), build(30, 3)
    # session, user, submission, earlier version, facts of each, products and resellers named
    with django_assert_num_queries(8):
        assert client.get(_diff_url(small)).status_code == 200
    with django_assert_num_queries(8):
        response = client.get(_diff_url(large))
    assert response.context["page"].paginator.count == 30


# ─── the API ─────────────────────────────────────────────────────────────────────────────


def test_api_diff_is_paginated_with_counts(api_client_for, versions):
    client = api_client_for(Role.DISTRIBUTOR_USER)
    url = f"/api/submissions/{versions['v2'].pk}/diff"

    body = client.get(url, {"page_size": 2}).json()
    second = client.get(url, {"page_size": 2, "page": 2}).json()
    changed = client.get(url, {"outcome": "changed"}).json()

    assert body["count"] == 5
    assert body["counts"] == {"added": 1, "removed": 2, "changed": 2, "unchanged": 2}
    assert body["previous_submission_id"] == versions["v1"].pk
    assert body["submission_id"] == versions["v2"].pk
    assert [item["outcome"] for item in body["items"]] == ["changed", "removed"]
    assert body["items"][0]["before"]["quantity"] == "5.000"
    assert body["items"][0]["changed"] == ["quantity", "amount"]
    assert [item["line_after"] for item in second["items"]] == [5, None]
    assert changed["count"] == 2
    assert client.get(url, {"outcome": "unchanged"}).status_code == 422


def test_api_diff_without_earlier_version(api_client_for, dist_a):
    submission = make_submission(dist_a)

    body = api_client_for(Role.ANALYST).get(f"/api/submissions/{submission.pk}/diff").json()

    assert body["previous_submission_id"] is None
    assert body["count"] == 0
    assert body["counts"] == {"added": 0, "removed": 0, "changed": 0, "unchanged": 0}


def test_api_diff_foreign_is_404(api_client_for, dist_b):
    foreign = make_submission(dist_b)

    response = api_client_for(Role.DISTRIBUTOR_ADMIN).get(f"/api/submissions/{foreign.pk}/diff")

    assert response.status_code == 404
