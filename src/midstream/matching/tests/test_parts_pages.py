"""Part number review pages and API: listing, filters, export, map/ignore/undo, refused roles
change nothing, pinned query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from midstream.accounts.choices import Role
from midstream.catalog.models import DistributorPartNumber
from midstream.catalog.tests.factories import make_product
from midstream.matching.models import UnknownPart
from midstream.matching.tests.test_parts import ingest, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def widget(db):
    return make_product(sku="W-1", list_price=Decimal("10.0000"), currency="EUR")


def unknown(distributor, references: list[str], invoice: str = "A"):
    """A file of ``distributor`` naming each part number once, plus one known line."""
    rows = [(reference, "") for reference in references] + [("", "W-1")]
    return ingest(distributor, report(rows, invoice=invoice), name=f"{invoice}.csv")


def part(distributor, part_number: str) -> UnknownPart:
    return UnknownPart.objects.for_distributor(distributor.pk).get(reported_part_number=part_number)


def test_the_list_shows_references_with_filters_and_export(client_for, dist_a, dist_b, widget):
    unknown(dist_a, ["A-1", "A-2"])
    unknown(dist_b, ["B-1"], invoice="B")
    client = client_for(Role.ANALYST)
    response = client.get(reverse("matching:part_list"))
    assert response.status_code == 200
    rows = {
        (row[0]["value"], row[1]["value"], row[5]["value"], row[6]["value"])
        for row in response.context["listing"].rows
    }
    assert rows == {
        ("part_number A-1", "ALPHA", "Open", 1),
        ("part_number A-2", "ALPHA", "Open", 1),
        ("part_number B-1", "BRAVO", "Open", 1),
    }
    filtered = client.get(reverse("matching:part_list"), {"distributor": dist_b.pk})
    assert [row[0]["value"] for row in filtered.context["listing"].rows] == ["part_number B-1"]
    searched = client.get(reverse("matching:part_list"), {"q": "a-2"})
    assert [row[0]["value"] for row in searched.context["listing"].rows] == ["part_number A-2"]
    export = client.get(reverse("matching:part_list"), {"export": "csv", "status": "open"})
    text = b"".join(export.streaming_content).decode()
    assert text.count("part_number ") == 3


def test_the_list_page_query_count_does_not_grow_with_rows(
    client_for, dist_a, dist_b, widget, django_assert_num_queries
):
    client = client_for(Role.CHANNEL_MANAGER)
    unknown(dist_a, ["A-1"])
    url = reverse("matching:part_list")
    client.get(url)
    with django_assert_num_queries(5):
        client.get(url)
    unknown(dist_b, ["B-1", "B-2", "B-3"], invoice="B")
    with django_assert_num_queries(5):
        response = client.get(url)
    assert len(response.context["listing"].rows) == 4


def test_mapping_on_the_page_then_undo(client_for, dist_a, widget):
    unknown(dist_a, ["A-1"])
    target = part(dist_a, "A-1")
    client = client_for(Role.CHANNEL_MANAGER)
    url = reverse("matching:part_detail", args=[target.pk])
    page = client.get(url, {"find": "w-"})
    assert page.status_code == 200
    assert page.context["found"] == [widget]
    assert page.context["can_map"]
    response = client.post(url, {"action": "map", "sku": "w-1", "unit": "", "reason": "same"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.status, target.product_id) == ("mapped", widget.pk)
    assert DistributorPartNumber.objects.for_distributor(dist_a.pk).get().part_number == "A-1"
    response = client.post(url, {"action": "undo", "reason": "wrong"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.status, target.product_id) == ("open", None)
    assert not DistributorPartNumber.objects.unscoped().exists()


def test_an_unknown_sku_is_a_form_error_and_changes_nothing(client_for, dist_a, widget):
    unknown(dist_a, ["A-1"])
    target = part(dist_a, "A-1")
    response = client_for(Role.VENDOR_ADMIN).post(
        reverse("matching:part_detail", args=[target.pk]), {"action": "map", "sku": "NOPE"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["sku"] == ["No product has SKU 'NOPE'."]
    target.refresh_from_db()
    assert target.status == "open"
    assert not DistributorPartNumber.objects.unscoped().exists()


def test_an_unknown_sku_reference_can_only_be_ignored(client_for, dist_a, widget):
    ingest(dist_a, report([("", "NOPE-1"), ("", "W-1")]))
    target = UnknownPart.objects.unscoped().get()
    client = client_for(Role.CHANNEL_MANAGER)
    url = reverse("matching:part_detail", args=[target.pk])
    page = client.get(url)
    assert (page.context["can_map"], page.context["can_ignore"]) == (False, True)
    assert b"the catalog's matter" in page.content
    assert client.post(url, {"action": "ignore"}).status_code == 302
    target.refresh_from_db()
    assert target.status == "ignored"


@pytest.mark.parametrize("role", [Role.ANALYST, Role.PRICING_MANAGER, Role.DISTRIBUTOR_ADMIN])
def test_roles_without_review_matches_cannot_act(client_for, dist_a, widget, role):
    unknown(dist_a, ["A-1"])
    target = part(dist_a, "A-1")
    response = client_for(role).post(
        reverse("matching:part_detail", args=[target.pk]), {"action": "map", "sku": "W-1"}
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.status == "open"
    assert not DistributorPartNumber.objects.unscoped().exists()


def test_distributor_users_do_not_see_the_review(client_for, dist_a, widget):
    unknown(dist_a, ["A-1"])
    assert client_for(Role.DISTRIBUTOR_ADMIN).get(reverse("matching:part_list")).status_code == 403


def test_navigation_and_reseller_review_link_to_it(client_for, dist_a):
    page = client_for(Role.ANALYST).get(reverse("matching:review_list"))
    url = reverse("matching:part_list")
    assert {"label": "Part numbers", "url": url} in page.context["nav_items"]
    assert f'href="{url}?status=open"'.encode() in page.content


# ─── API ─────────────────────────────────────────────────────────────────────────────────


def test_api_list_filters_and_query_count(
    api_client_for, dist_a, dist_b, widget, django_assert_num_queries
):
    client = api_client_for(Role.ANALYST)
    unknown(dist_a, ["A-1"])
    client.get("/api/matching/parts")
    with django_assert_num_queries(3):
        client.get("/api/matching/parts")
    unknown(dist_b, ["B-1", "B-2"], invoice="B")
    with django_assert_num_queries(3):
        response = client.get("/api/matching/parts")
    body = response.json()
    assert body["count"] == 3
    assert {(item["distributor_code"], item["reported_part_number"]) for item in body["items"]} == {
        ("ALPHA", "A-1"),
        ("BRAVO", "B-1"),
        ("BRAVO", "B-2"),
    }
    only = client.get("/api/matching/parts", {"distributor": dist_b.pk, "q": "b-2"}).json()
    assert [item["reference"] for item in only["items"]] == ["part_number B-2"]
    assert client.get("/api/matching/parts", {"status": "closed"}).status_code == 422


def test_api_map_ignore_undo(api_client_for, dist_a, widget):
    unknown(dist_a, ["A-1", "A-2"])
    first, second = part(dist_a, "A-1"), part(dist_a, "A-2")
    client = api_client_for(Role.CHANNEL_MANAGER)
    mapped = client.post(
        f"/api/matching/parts/{first.pk}/map",
        {"sku": "W-1", "reason": "same"},
        content_type="application/json",
    )
    assert mapped.status_code == 200, mapped.content
    body = mapped.json()
    assert (body["status"], body["product_id"], body["product_sku"], body["unit"]) == (
        "mapped",
        widget.pk,
        "W-1",
        "EA",
    )
    again = client.post(
        f"/api/matching/parts/{first.pk}/map",
        {"product_id": widget.pk},
        content_type="application/json",
    )
    assert again.status_code == 409
    ignored = client.post(
        f"/api/matching/parts/{second.pk}/ignore", {}, content_type="application/json"
    )
    assert ignored.json()["status"] == "ignored"
    undone = client.post(
        f"/api/matching/parts/{first.pk}/undo", {}, content_type="application/json"
    )
    assert (undone.json()["status"], undone.json()["part_number_id"]) == ("open", None)
    assert client.get(f"/api/matching/parts/{second.pk}").json()["status"] == "ignored"
    assert not DistributorPartNumber.objects.unscoped().exists()


def test_api_map_refused_to_readers_and_changes_nothing(api_client_for, dist_a, widget):
    unknown(dist_a, ["A-1"])
    target = part(dist_a, "A-1")
    response = api_client_for(Role.ANALYST).post(
        f"/api/matching/parts/{target.pk}/map", {"sku": "W-1"}, content_type="application/json"
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.status == "open"
    assert not DistributorPartNumber.objects.unscoped().exists()


def test_api_a_bad_unit_is_422(api_client_for, dist_a, widget):
    unknown(dist_a, ["A-1"])
    target = part(dist_a, "A-1")
    response = api_client_for(Role.CHANNEL_MANAGER).post(
        f"/api/matching/parts/{target.pk}/map",
        {"sku": "W-1", "unit": "XX"},
        content_type="application/json",
    )
    assert response.status_code == 422
    target.refresh_from_db()
    assert target.status == "open"
