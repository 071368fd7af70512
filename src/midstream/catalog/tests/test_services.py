from decimal import Decimal

import pytest

from midstream.accounts.choices import Role
from midstream.catalog import services
from midstream.catalog.models import DistributorPartNumber, Product, ProductFamily, UnitConversion
from midstream.catalog.selectors import conversion_table, conversion_tables, price_history
from midstream.catalog.tests.factories import (
    make_conversion,
    make_family,
    make_part_number,
    make_product,
)
from midstream.core.errors import ConflictError, DomainError, NotFoundError
from midstream.core.models import AuditRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def pricing(users):
    return users[Role.PRICING_MANAGER]


def audit_rows(obj):
    return list(
        AuditRecord.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("id")
        .values_list("action", "changes", "reason")
    )


# --- families -------------------------------------------------------------------------------


def test_family_create_and_update_are_audited(pricing):
    family = services.create_family(actor=pricing, code=" net ", name="Networking")
    assert family.code == "NET"
    services.update_family(actor=pricing, family=family, name="Network gear", reason="rename")
    assert audit_rows(family) == [
        (
            "product_family.create",
            {"code": [None, "NET"], "name": [None, "Networking"], "description": [None, ""]},
            "",
        ),
        ("product_family.update", {"name": ["Networking", "Network gear"]}, "rename"),
    ]


def test_duplicate_family_code_is_refused(pricing):
    make_family(code="NET")
    with pytest.raises(ConflictError):
        services.create_family(actor=pricing, code="net", name="Again")
    assert ProductFamily.objects.count() == 1


# --- products -------------------------------------------------------------------------------


def test_create_product_validates_gtin_and_audits(pricing):
    family = make_family(code="NET")
    product = services.create_product(
        actor=pricing,
        sku="SW-8",
        description="8-port  switch",
        family=family,
        gtin="0360-0029-1452",
        list_price="49.5",
        currency="EUR",
        status="planned",
        reason="launch",
    )
    assert (product.gtin, product.list_price, product.description) == (
        "036000291452",
        Decimal("49.5000"),
        "8-port switch",
    )
    assert audit_rows(product) == [
        (
            "product.create",
            {
                "sku": [None, "SW-8"],
                "gtin": [None, "036000291452"],
                "description": [None, "8-port switch"],
                "family": [None, family.pk],
                "unit_of_measure": [None, "EA"],
                "list_price": [None, "49.5000"],
                "currency": [None, "EUR"],
                "status": [None, "planned"],
            },
            "launch",
        )
    ]


@pytest.mark.parametrize(
    ("values", "code", "field"),
    [
        ({"gtin": "4006381333932"}, "invalid_gtin", "gtin"),
        ({"gtin": "12345"}, "invalid_gtin", "gtin"),
        ({"list_price": "NaN"}, "invalid_price", "list_price"),
        ({"list_price": "Infinity"}, "invalid_price", "list_price"),
        ({"list_price": "1E+30"}, "invalid_price", "list_price"),
        ({"list_price": "1.23456"}, "invalid_price", "list_price"),
        ({"list_price": "-1"}, "invalid_price", "list_price"),
        ({"list_price": 1.5}, "invalid_price", "list_price"),
        ({"currency": "XXX"}, "invalid_choice", "currency"),
        ({"sku": "has blank"}, "invalid_sku", "sku"),
        ({"status": "retired"}, "invalid_choice", "status"),
    ],
)
def test_create_product_refuses_bad_input(pricing, values, code, field):
    arguments = {
        "sku": "OK-1",
        "description": "Fine",
        "family": make_family(),
        "list_price": "10",
        "currency": "USD",
        **values,
    }
    with pytest.raises(DomainError) as caught:
        services.create_product(actor=pricing, **arguments)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert not Product.objects.exists()
    assert not AuditRecord.objects.exists()


def test_duplicate_sku_and_gtin_are_conflicts(pricing):
    existing = make_product(sku="SW-1", gtin="4006381333931")
    family = existing.family
    with pytest.raises(ConflictError) as caught:
        services.create_product(
            actor=pricing, sku="sw-1", description="x", family=family, list_price=1, currency="USD"
        )
    assert caught.value.code == "duplicate_sku"
    with pytest.raises(ConflictError) as caught:
        services.create_product(
            actor=pricing,
            sku="SW-2",
            description="x",
            family=family,
            list_price=1,
            currency="USD",
            gtin="4006381333931",
        )
    assert caught.value.code == "duplicate_gtin"
    assert Product.objects.count() == 1


def test_update_product_moves_status_forward_only(pricing):
    product = make_product(status="active")
    services.update_product(actor=pricing, product=product, status="end_of_sale", reason="EOS")
    with pytest.raises(ConflictError) as caught:
        services.update_product(actor=pricing, product=product, status="active")
    assert caught.value.code == "status_backwards"
    product.refresh_from_db()
    assert product.status == "end_of_sale"
    assert audit_rows(product) == [
        ("product.update", {"status": ["active", "end_of_sale"]}, "EOS"),
    ]


def test_update_product_refuses_the_price(pricing):
    product = make_product(list_price=Decimal("10.0000"))
    with pytest.raises(DomainError) as caught:
        services.update_product(actor=pricing, product=product, list_price=Decimal("1"))
    assert caught.value.field == "list_price"
    product.refresh_from_db()
    assert product.list_price == Decimal("10.0000")


def test_base_unit_cannot_change_under_conversions(pricing):
    product = make_product(unit_of_measure="EA")
    make_conversion(product, "BX", 10)
    with pytest.raises(ConflictError) as caught:
        services.update_product(actor=pricing, product=product, unit_of_measure="PK")
    assert caught.value.code == "unit_in_use"
    product.refresh_from_db()
    assert product.unit_of_measure == "EA"


# --- price ----------------------------------------------------------------------------------


def test_change_list_price_records_before_and_after(pricing):
    product = make_product(list_price=Decimal("100.0000"), currency="USD")
    services.change_list_price(
        actor=pricing, product=product, new_price=Decimal("89.99"), reason="Q3 price cut"
    )
    services.change_list_price(
        actor=pricing, product=product, new_price="80", currency="EUR", reason="moved to EUR"
    )
    product.refresh_from_db()
    assert (product.list_price, product.currency) == (Decimal("80.0000"), "EUR")
    assert audit_rows(product) == [
        ("product.change_price", {"list_price": ["100.0000", "89.9900"]}, "Q3 price cut"),
        (
            "product.change_price",
            {"list_price": ["89.9900", "80.0000"], "currency": ["USD", "EUR"]},
            "moved to EUR",
        ),
    ]
    history = [(c.before, c.after, c.currency, c.reason) for c in price_history(product)]
    assert history == [
        (Decimal("89.9900"), Decimal("80.0000"), "EUR", "moved to EUR"),
        (Decimal("100.0000"), Decimal("89.9900"), "USD", "Q3 price cut"),
    ]


@pytest.mark.parametrize(
    ("new_price", "reason", "code"),
    [
        ("95", "", "reason_required"),
        ("95", "   ", "reason_required"),
        ("NaN", "why", "invalid_price"),
        ("Infinity", "why", "invalid_price"),
        ("1E+30", "why", "invalid_price"),
        ("9.00001", "why", "invalid_price"),
        ("-5", "why", "invalid_price"),
        ("100.00", "why", "price_unchanged"),
    ],
)
def test_refused_price_changes_leave_nothing_changed(pricing, new_price, reason, code):
    product = make_product(list_price=Decimal("100.0000"))
    with pytest.raises(DomainError) as caught:
        services.change_list_price(
            actor=pricing, product=product, new_price=new_price, reason=reason
        )
    assert caught.value.code == code
    product.refresh_from_db()
    assert product.list_price == Decimal("100.0000")
    assert not AuditRecord.objects.exists()


def test_price_history_starts_with_the_created_price(pricing):
    product = services.create_product(
        actor=pricing,
        sku="NEW-1",
        description="New",
        family=make_family(),
        list_price="12",
        currency="GBP",
    )
    services.change_list_price(actor=pricing, product=product, new_price="15", reason="up")
    history = [(c.before, c.after, c.currency) for c in price_history(product)]
    assert history == [
        (Decimal("12.0000"), Decimal("15.0000"), "GBP"),
        (None, Decimal("12.0000"), "GBP"),
    ]


# --- units and part numbers -----------------------------------------------------------------


def test_conversions_are_set_changed_and_removed_with_audit(pricing):
    product = make_product(unit_of_measure="EA")
    services.set_unit_conversion(actor=pricing, product=product, unit="BX", factor=10)
    services.set_unit_conversion(actor=pricing, product=product, unit="BX", factor=12)
    services.set_unit_conversion(actor=pricing, product=product, unit="BX", factor=12)  # no-op
    assert conversion_table(product) == {"EA": 1, "BX": 12}
    services.remove_unit_conversion(actor=pricing, product=product, unit="BX")
    assert conversion_table(product) == {"EA": 1}
    assert audit_rows(product) == [
        ("product.set_conversion", {"conversion.BX": [None, 10]}, ""),
        ("product.set_conversion", {"conversion.BX": [10, 12]}, ""),
        ("product.remove_conversion", {"conversion.BX": [12, None]}, ""),
    ]


@pytest.mark.parametrize(("unit", "factor"), [("EA", 5), ("BX", 0), ("BX", True), ("ZZ", 5)])
def test_bad_conversions_are_refused(pricing, unit, factor):
    product = make_product(unit_of_measure="EA")
    with pytest.raises(DomainError):
        services.set_unit_conversion(actor=pricing, product=product, unit=unit, factor=factor)
    assert not UnitConversion.objects.exists()


def test_removing_a_missing_conversion_is_not_found(pricing):
    with pytest.raises(NotFoundError):
        services.remove_unit_conversion(actor=pricing, product=make_product(), unit="CS")


def test_conversion_tables_for_many_products(pricing, django_assert_num_queries):
    first = make_product(unit_of_measure="EA")
    second = make_product(unit_of_measure="PK")
    make_conversion(first, "BX", 10)
    make_conversion(first, "CS", 120)
    with django_assert_num_queries(2):
        tables = conversion_tables([first.pk, second.pk])
    assert tables == {first.pk: {"EA": 1, "BX": 10, "CS": 120}, second.pk: {"PK": 1}}


def test_part_numbers_need_a_known_unit_and_are_unique_per_distributor(pricing, dist_a, dist_b):
    product = make_product(sku="SW-1", unit_of_measure="EA")
    with pytest.raises(DomainError) as caught:
        services.create_part_number(
            actor=pricing, distributor=dist_a, product=product, part_number="A-1", unit="BX"
        )
    assert caught.value.code == "unknown_unit"
    make_conversion(product, "BX", 10)
    mapping = services.create_part_number(
        actor=pricing, distributor=dist_a, product=product, part_number=" A-1 ", unit="BX"
    )
    assert (mapping.part_number, mapping.unit) == ("A-1", "BX")
    with pytest.raises(ConflictError):
        services.create_part_number(
            actor=pricing, distributor=dist_a, product=product, part_number="a-1"
        )
    # another distributor may use the same text for its own part number
    other = services.create_part_number(
        actor=pricing, distributor=dist_b, product=product, part_number="A-1"
    )
    assert other.unit == "EA"
    assert DistributorPartNumber.objects.unscoped().count() == 2
    record = AuditRecord.objects.get(action="part_number.create", distributor_id=dist_a.pk)
    assert record.changes == {
        "part_number": [None, "A-1"],
        "product": [None, str(product.pk)],
        "unit": [None, "BX"],
    }


def test_a_conversion_in_use_by_part_numbers_stays(pricing, dist_a):
    product = make_product(unit_of_measure="EA")
    make_conversion(product, "BX", 10)
    make_part_number(dist_a, product, "A-BX", unit="BX")
    with pytest.raises(ConflictError) as caught:
        services.remove_unit_conversion(actor=pricing, product=product, unit="BX")
    assert caught.value.code == "unit_in_use"
    assert conversion_table(product) == {"EA": 1, "BX": 10}


def test_remove_part_number_is_audited(pricing, dist_a):
    mapping = make_part_number(dist_a, make_product(), "A-9")
    pk = mapping.pk
    services.remove_part_number(actor=pricing, part_number=mapping, reason="discontinued")
    assert not DistributorPartNumber.objects.unscoped().exists()
    record = AuditRecord.objects.get(action="part_number.remove")
    assert (record.object_id, record.distributor_id, record.reason) == (
        str(pk),
        dist_a.pk,
        "discontinued",
    )
