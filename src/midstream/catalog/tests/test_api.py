import json
from decimal import Decimal

import pytest

from midstream.accounts.choices import Role
from midstream.catalog.models import DistributorPartNumber, Product, ProductFamily
from midstream.catalog.tests.factories import (
    make_conversion,
    make_family,
    make_part_number,
    make_product,
)
from midstream.core.models import AuditRecord

pytestmark = pytest.mark.django_db


def send(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    ("url", "role"),
    [
        ("/api/products", Role.ANALYST),
        ("/api/products", Role.DISTRIBUTOR_USER),
        ("/api/product-families", Role.DISTRIBUTOR_USER),
        ("/api/part-numbers", Role.ANALYST),
        ("/api/part-numbers", Role.DISTRIBUTOR_USER),
    ],
)
def test_lists_are_paginated_with_a_fixed_query_count(
    api_client_for, django_assert_num_queries, dist_a, url, role
):
    client = api_client_for(role)
    client.get(url)  # the first request stamps the token's last use
    for number in range(3):
        make_part_number(dist_a, make_product(sku=f"P-{number}"), f"PN-{number}")
    # token lookup, count, page
    with django_assert_num_queries(3):
        first = client.get(url, {"page_size": 2})
    for number in range(3, 9):
        make_part_number(dist_a, make_product(sku=f"P-{number}"), f"PN-{number}")
    with django_assert_num_queries(3):
        later = client.get(url, {"page_size": 2, "page": 2})
    assert (first.json()["count"], len(first.json()["items"])) == (3, 2)
    assert (later.json()["count"], len(later.json()["items"])) == (9, 2)


def test_product_filters(api_client_for):
    client = api_client_for(Role.DISTRIBUTOR_USER)
    net = make_family(code="NET")
    make_product(net, sku="SW-24", description="switch", status="active")
    make_product(net, sku="SW-48", description="switch", status="end_of_sale", currency="EUR")
    make_product(make_family(), sku="AP-1", description="access point")

    def skus(**params):
        return [item["sku"] for item in client.get("/api/products", params).json()["items"]]

    assert skus(q="switch") == ["SW-24", "SW-48"]
    assert skus(family_id=net.pk) == ["SW-24", "SW-48"]
    assert skus(status="end_of_sale") == ["SW-48"]
    assert skus(currency="eur") == ["SW-48"]
    first = client.get("/api/products", {"q": "SW-24"}).json()["items"][0]
    assert (first["family_code"], first["list_price"]) == ("NET", "100.0000")


def test_product_get_scopes_part_numbers(api_client_for, dist_a, dist_b):
    product = make_product(sku="SW-1")
    make_conversion(product, "BX", 10)
    make_part_number(dist_a, product, "A-1")
    make_part_number(dist_b, product, "B-SECRET")
    response = api_client_for(Role.DISTRIBUTOR_USER).get(f"/api/products/{product.pk}")
    body = response.json()
    assert body["conversions"] == [{"unit": "BX", "factor": 10}]
    assert [mapping["part_number"] for mapping in body["part_numbers"]] == ["A-1"]
    assert b"B-SECRET" not in response.content
    assert b"BRAVO" not in response.content
    vendor = api_client_for(Role.ANALYST).get(f"/api/products/{product.pk}").json()
    assert [mapping["distributor_code"] for mapping in vendor["part_numbers"]] == [
        "ALPHA",
        "BRAVO",
    ]
    assert api_client_for(Role.ANALYST).get("/api/products/999999").status_code == 404


def test_part_numbers_foreign_is_404_and_filters(api_client_for, dist_a, dist_b):
    product = make_product()
    own = make_part_number(dist_a, product, "A-1")
    foreign = make_part_number(dist_b, product, "B-1")
    client = api_client_for(Role.DISTRIBUTOR_USER)
    assert client.get(f"/api/part-numbers/{own.pk}").status_code == 200
    assert client.get(f"/api/part-numbers/{foreign.pk}").status_code == 404
    assert client.get("/api/part-numbers", {"distributor_id": dist_b.pk}).status_code == 403
    vendor = api_client_for(Role.ANALYST)
    items = vendor.get("/api/part-numbers", {"distributor_id": dist_b.pk}).json()["items"]
    assert [(item["part_number"], item["distributor_code"]) for item in items] == [("B-1", "BRAVO")]


def test_create_update_price_and_children(api_client_for, dist_a):
    client = api_client_for(Role.PRICING_MANAGER)
    family = send(client, "/api/product-families", {"code": "net", "name": "Networking"})
    assert family.status_code == 201
    family_id = family.json()["id"]
    created = send(
        client,
        "/api/products",
        {
            "sku": "SW-1",
            "gtin": "036000291452",
            "description": "Switch",
            "family_id": family_id,
            "list_price": "19.99",
            "currency": "USD",
            "status": "planned",
        },
    )
    assert created.status_code == 201
    product_id = created.json()["id"]
    assert (created.json()["gtin"], created.json()["list_price"]) == ("036000291452", "19.9900")

    updated = send(client, f"/api/products/{product_id}", {"status": "active"}, "patch")
    assert updated.json()["status"] == "active"
    back = send(client, f"/api/products/{product_id}", {"status": "planned"}, "patch")
    assert back.status_code == 409
    assert back.json()["code"] == "status_backwards"

    priced = send(
        client, f"/api/products/{product_id}/price", {"new_price": "21.5", "reason": "cost"}
    )
    assert priced.json()["list_price"] == "21.5000"
    history = client.get(f"/api/products/{product_id}/price-history").json()["items"]
    assert [(item["before"], item["after"]) for item in history] == [
        ("19.9900", "21.5000"),
        (None, "19.9900"),
    ]

    conversion = send(client, f"/api/products/{product_id}/conversions/bx", {"factor": 10}, "put")
    assert conversion.json() == {"unit": "BX", "factor": 10}
    mapping = send(
        client,
        "/api/part-numbers",
        {"distributor_id": dist_a.pk, "part_number": "ALPHA-1", "sku": "sw-1", "unit": "BX"},
    )
    assert mapping.status_code == 201
    assert (mapping.json()["sku"], mapping.json()["unit"]) == ("SW-1", "BX")
    assert client.delete(f"/api/part-numbers/{mapping.json()['id']}").status_code == 204
    assert client.delete(f"/api/products/{product_id}/conversions/BX").status_code == 204
    assert client.delete(f"/api/products/{product_id}/conversions/BX").status_code == 404
    renamed = send(client, f"/api/product-families/{family_id}", {"name": "Net"}, "patch")
    assert renamed.json()["name"] == "Net"


@pytest.mark.parametrize(
    "price",
    ["NaN", "Infinity", "-Infinity", "1E+30", "1.23456", "-1", "abc"],
)
def test_malformed_prices_are_422_with_a_message(api_client_for, price):
    product = make_product(list_price=Decimal("100.0000"))
    client = api_client_for(Role.PRICING_MANAGER)
    response = send(
        client, f"/api/products/{product.pk}/price", {"new_price": price, "reason": "test"}
    )
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert problems[0]["field"] == "payload.new_price"
    assert problems[0]["message"]
    created = send(
        client,
        "/api/products",
        {
            "sku": "NEW-1",
            "description": "x",
            "family_id": product.family_id,
            "list_price": price,
            "currency": "USD",
        },
    )
    assert created.status_code == 422
    product.refresh_from_db()
    assert product.list_price == Decimal("100.0000")
    assert Product.objects.count() == 1
    assert not AuditRecord.objects.filter(object_type__startswith="catalog.").exists()


def test_price_change_needs_a_reason(api_client_for):
    product = make_product(list_price=Decimal("100.0000"))
    response = send(
        api_client_for(Role.PRICING_MANAGER),
        f"/api/products/{product.pk}/price",
        {"new_price": "90", "reason": "  "},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "reason_required"
    product.refresh_from_db()
    assert product.list_price == Decimal("100.0000")


@pytest.mark.parametrize("role", [Role.DISTRIBUTOR_ADMIN, Role.DISTRIBUTOR_USER, Role.ANALYST])
def test_writes_are_refused_to_roles_without_change_permissions(api_client_for, dist_a, role):
    product = make_product(sku="SW-1", list_price=Decimal("100.0000"))
    mapping = make_part_number(dist_a, product, "A-1")
    client = api_client_for(role)
    answers = [
        send(client, f"/api/products/{product.pk}/price", {"new_price": "1", "reason": "x"}),
        send(client, f"/api/products/{product.pk}", {"description": "Hacked"}, "patch"),
        send(client, "/api/product-families", {"code": "X", "name": "X"}),
        send(
            client,
            "/api/part-numbers",
            {"distributor_id": dist_a.pk, "part_number": "A-2", "product_id": product.pk},
        ),
        client.delete(f"/api/part-numbers/{mapping.pk}"),
        send(client, f"/api/products/{product.pk}/conversions/BX", {"factor": 10}, "put"),
    ]
    assert [answer.status_code for answer in answers] == [403] * 6
    product.refresh_from_db()
    assert (product.list_price, product.description) == (Decimal("100.0000"), product.description)
    assert ProductFamily.objects.count() == 1
    assert list(DistributorPartNumber.objects.unscoped().values_list("part_number", flat=True)) == [
        "A-1"
    ]
    assert not product.conversions.exists()
    assert not AuditRecord.objects.filter(object_type__startswith="catalog.").exists()


def test_channel_manager_may_not_change_prices(api_client_for):
    product = make_product(list_price=Decimal("100.0000"))
    response = send(
        api_client_for(Role.CHANNEL_MANAGER),
        f"/api/products/{product.pk}/price",
        {"new_price": "1", "reason": "x"},
    )
    assert response.status_code == 403
    product.refresh_from_db()
    assert product.list_price == Decimal("100.0000")


@pytest.mark.parametrize("role", [Role.DISTRIBUTOR_USER, Role.ANALYST])
def test_refusal_comes_before_body_validation(api_client_for, role):
    product = make_product()
    client = api_client_for(role)
    assert send(client, "/api/products", {}).status_code == 403
    assert send(client, f"/api/products/{product.pk}/price", {}).status_code == 403
    assert send(client, "/api/part-numbers", {}).status_code == 403
