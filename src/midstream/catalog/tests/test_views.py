import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

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

PRODUCTS = reverse("catalog:product_list")
FAMILIES = reverse("catalog:family_list")
PART_NUMBERS = reverse("catalog:part_number_list")


def first_column(response) -> list:
    return [row[0]["value"] for row in response.context["listing"].rows]


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


# --- lists: query counts --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "role", "expected"),
    [
        # session + user, family choices, count, rows
        (PRODUCTS, Role.ANALYST, 5),
        (PRODUCTS, Role.DISTRIBUTOR_USER, 5),
        # session + user, count, rows
        (FAMILIES, Role.ANALYST, 4),
        # session + user, distributor choices, count, rows
        (PART_NUMBERS, Role.ANALYST, 5),
        # session + user, count, rows
        (PART_NUMBERS, Role.DISTRIBUTOR_USER, 4),
    ],
)
def test_list_query_counts_do_not_grow_with_rows(
    client_for, django_assert_num_queries, dist_a, url, role, expected
):
    client = client_for(role)
    family = make_family()
    make_part_number(dist_a, make_product(family), "PN-0")
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    for number in range(1, 6):
        make_part_number(dist_a, make_product(make_family()), f"PN-{number}")
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.context["listing"].total == 6


def test_product_list_search_filters_and_sort(client_for):
    client = client_for(Role.DISTRIBUTOR_USER)
    net = make_family(code="NET")
    make_product(net, sku="SW-24", description="24-port switch", gtin="4006381333931")
    make_product(net, sku="SW-48", description="48-port switch", status="end_of_sale")
    make_product(make_family(code="WLS"), sku="AP-1", description="Access point", currency="EUR")
    assert first_column(client.get(PRODUCTS, {"q": "4006381"})) == ["SW-24"]
    assert first_column(client.get(PRODUCTS, {"q": "switch"})) == ["SW-24", "SW-48"]
    assert first_column(client.get(PRODUCTS, {"family": str(net.pk)})) == ["SW-24", "SW-48"]
    assert first_column(client.get(PRODUCTS, {"status": "end_of_sale"})) == ["SW-48"]
    assert first_column(client.get(PRODUCTS, {"currency": "EUR"})) == ["AP-1"]
    assert first_column(client.get(PRODUCTS, {"sort": "-sku"})) == ["SW-48", "SW-24", "AP-1"]


def test_product_export_neutralises_formulas(client_for):
    make_product(sku="EVIL-1", description="=cmd|' /C calc'!A0")
    rows = csv_rows(client_for(Role.ANALYST).get(PRODUCTS, {"export": "csv"}))
    assert rows[0] == [
        "SKU",
        "GTIN",
        "Description",
        "Family",
        "Unit",
        "List price",
        "Currency",
        "Status",
    ]
    assert rows[1][2] == "'=cmd|' /C calc'!A0"
    assert rows[1][5] == "100.0000"


# --- product detail and scoping -------------------------------------------------------------


def test_distributor_sees_only_its_own_part_numbers(client_for, dist_a, dist_b):
    product = make_product(sku="SW-1")
    make_part_number(dist_a, product, "ALPHA-PN-1")
    make_part_number(dist_b, product, "BRAVO-SECRET-PN")
    url = reverse("catalog:product_detail", args=[product.pk])

    own = client_for(Role.DISTRIBUTOR_USER).get(url)
    assert own.status_code == 200
    assert b"ALPHA-PN-1" in own.content
    assert b"BRAVO-SECRET-PN" not in own.content
    assert b"Bravo Distribution" not in own.content
    assert b"/audit/" not in own.content

    listing = client_for(Role.DISTRIBUTOR_USER).get(PART_NUMBERS, {"export": "csv"})
    exported = b"".join(listing.streaming_content)
    assert b"ALPHA-PN-1" in exported
    assert b"BRAVO-SECRET-PN" not in exported

    vendor = client_for(Role.ANALYST).get(url)
    assert b"BRAVO-SECRET-PN" in vendor.content
    assert f"/audit/?object_type=catalog.product&object_id={product.pk}".encode() in vendor.content


def test_part_number_list_filters_by_distributor_for_vendor_staff(client_for, dist_a, dist_b):
    product = make_product()
    make_part_number(dist_a, product, "A-1")
    make_part_number(dist_b, product, "B-1")
    client = client_for(Role.ANALYST)
    response = client.get(PART_NUMBERS, {"distributor": str(dist_b.pk)})
    assert [row[1]["value"] for row in response.context["listing"].rows] == ["B-1"]
    # a distributor user's "distributor" parameter is no filter at all: it sees its own
    own = client_for(Role.DISTRIBUTOR_USER).get(PART_NUMBERS, {"distributor": str(dist_b.pk)})
    assert first_column(own) == ["A-1"]


def test_detail_shows_conversions_and_price_history(client_for, users):
    from midstream.catalog import services

    product = make_product(sku="SW-1", list_price=Decimal("100.0000"))
    make_conversion(product, "BX", 10)
    services.change_list_price(
        actor=users[Role.PRICING_MANAGER], product=product, new_price="90", reason="cut"
    )
    vendor = client_for(Role.ANALYST).get(reverse("catalog:product_detail", args=[product.pk]))
    body = vendor.content.decode()
    assert "Box (BX)" in body
    assert "90.0000" in body
    assert "pricing_manager" in body
    distributor = client_for(Role.DISTRIBUTOR_USER).get(
        reverse("catalog:product_detail", args=[product.pk])
    )
    assert b"90.0000" in distributor.content
    assert b"pricing_manager" not in distributor.content  # who and why stay vendor-side


# --- forms ----------------------------------------------------------------------------------


def test_create_product_page(client_for):
    family = make_family(code="NET")
    response = client_for(Role.PRICING_MANAGER).post(
        reverse("catalog:product_create"),
        {
            "sku": "SW-9",
            "gtin": "4006381333931",
            "description": "Switch",
            "family": str(family.pk),
            "unit_of_measure": "EA",
            "status": "planned",
            "list_price": "10.50",
            "currency": "USD",
            "reason": "",
        },
    )
    product = Product.objects.get(sku="SW-9")
    assert response.status_code == 302
    assert (product.list_price, product.status) == (Decimal("10.5000"), "planned")


def test_create_product_page_shows_a_bad_check_digit(client_for):
    family = make_family()
    response = client_for(Role.PRICING_MANAGER).post(
        reverse("catalog:product_create"),
        {
            "sku": "SW-9",
            "gtin": "4006381333932",
            "description": "Switch",
            "family": str(family.pk),
            "unit_of_measure": "EA",
            "status": "active",
            "list_price": "10",
            "currency": "USD",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["gtin"] == [
        "The check digit of 4006381333932 should be 1."
    ]
    assert not Product.objects.exists()


@pytest.mark.parametrize("price", ["NaN", "Infinity", "1E+30", "1.23456", "-3"])
def test_price_form_refuses_malformed_prices(client_for, price):
    product = make_product(list_price=Decimal("100.0000"))
    response = client_for(Role.PRICING_MANAGER).post(
        reverse("catalog:product_price", args=[product.pk]),
        {"new_price": price, "currency": "USD", "reason": "test"},
    )
    assert response.status_code == 200
    assert "new_price" in response.context["form"].errors
    product.refresh_from_db()
    assert product.list_price == Decimal("100.0000")
    assert not AuditRecord.objects.exists()


def test_price_form_changes_the_price(client_for):
    product = make_product(list_price=Decimal("100.0000"))
    response = client_for(Role.PRICING_MANAGER).post(
        reverse("catalog:product_price", args=[product.pk]),
        {"new_price": "120", "currency": "USD", "reason": "cost increase"},
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.list_price == Decimal("120.0000")


@pytest.mark.parametrize("role", [Role.CHANNEL_MANAGER, Role.ANALYST, Role.DISTRIBUTOR_ADMIN])
def test_price_change_is_refused_without_change_prices(client_for, role):
    product = make_product(list_price=Decimal("100.0000"))
    response = client_for(role).post(
        reverse("catalog:product_price", args=[product.pk]),
        {"new_price": "1", "currency": "USD", "reason": "x"},
    )
    assert response.status_code == 403
    product.refresh_from_db()
    assert product.list_price == Decimal("100.0000")
    assert not AuditRecord.objects.exists()


def test_edit_page_refuses_status_going_back(client_for):
    product = make_product(status="end_of_life")
    response = client_for(Role.PRICING_MANAGER).post(
        reverse("catalog:product_edit", args=[product.pk]),
        {
            "sku": product.sku,
            "gtin": "",
            "description": product.description,
            "family": str(product.family_id),
            "unit_of_measure": "EA",
            "status": "active",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["status"] == [
        "The product is End of life; its lifecycle does not go back to Active."
    ]
    product.refresh_from_db()
    assert product.status == "end_of_life"


def test_family_pages(client_for):
    client = client_for(Role.PRICING_MANAGER)
    response = client.post(
        reverse("catalog:family_create"), {"code": "sec", "name": "Security", "description": ""}
    )
    family = ProductFamily.objects.get(code="SEC")
    assert response["Location"] == reverse("catalog:family_detail", args=[family.pk])
    make_product(family, sku="FW-1")
    detail = client.get(reverse("catalog:family_detail", args=[family.pk]))
    assert first_column(detail) == ["FW-1"]
    client.post(
        reverse("catalog:family_edit", args=[family.pk]),
        {"code": "SEC", "name": "Security appliances", "description": ""},
    )
    family.refresh_from_db()
    assert family.name == "Security appliances"
    listing = client_for(Role.DISTRIBUTOR_USER).get(FAMILIES)
    assert [row[2]["value"] for row in listing.context["listing"].rows] == [1]


def test_conversion_and_part_number_pages(client_for, dist_a):
    client = client_for(Role.PRICING_MANAGER)
    product = make_product(sku="SW-1", unit_of_measure="EA")
    response = client.post(
        reverse("catalog:product_conversion_set", args=[product.pk]), {"unit": "BX", "factor": "10"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("catalog:part_number_create"),
        {"distributor": str(dist_a.pk), "part_number": "ALPHA-77", "sku": "sw-1", "unit": "BX"},
    )
    assert response.status_code == 302
    mapping = DistributorPartNumber.objects.unscoped().get()
    assert (mapping.part_number, mapping.unit, mapping.product_id) == ("ALPHA-77", "BX", product.pk)
    # the conversion is in use, so removing it is refused with a message
    client.post(reverse("catalog:product_conversion_remove", args=[product.pk, "BX"]))
    assert product.conversions.count() == 1
    client.post(reverse("catalog:part_number_remove", args=[mapping.pk]))
    client.post(reverse("catalog:product_conversion_remove", args=[product.pk, "BX"]))
    assert product.conversions.count() == 0
    assert not DistributorPartNumber.objects.unscoped().exists()


def test_part_number_page_says_when_the_sku_is_unknown(client_for, dist_a):
    response = client_for(Role.PRICING_MANAGER).post(
        reverse("catalog:part_number_create"),
        {"distributor": str(dist_a.pk), "part_number": "X", "sku": "NOPE"},
    )
    assert response.context["form"].errors["sku"] == ["No product with SKU NOPE."]


@pytest.mark.parametrize("role", [Role.DISTRIBUTOR_ADMIN, Role.CHANNEL_MANAGER])
def test_part_number_create_is_refused_without_change_products(client_for, dist_a, role):
    make_product(sku="SW-1")
    response = client_for(role).post(
        reverse("catalog:part_number_create"),
        {"distributor": str(dist_a.pk), "part_number": "X", "sku": "SW-1"},
    )
    assert response.status_code == 403
    assert not DistributorPartNumber.objects.unscoped().exists()


def test_distributor_cannot_remove_a_foreign_part_number(client_for, dist_b):
    mapping = make_part_number(dist_b, make_product(), "B-1")
    response = client_for(Role.DISTRIBUTOR_ADMIN).post(
        reverse("catalog:part_number_remove", args=[mapping.pk])
    )
    assert response.status_code == 403
    assert DistributorPartNumber.objects.unscoped().count() == 1
