"""ProductResolver: SKU, GTIN/UPC/EAN and the distributor's part numbers, units, scoping."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from midstream.catalog.models import (
    DistributorPartNumber,
    Product,
    ProductFamily,
    UnitConversion,
)
from midstream.ingest.resolve import ProductMatch, ProductResolver

UPC = "036000291452"  # UPC-A; EAN-13 0036000291452 is the same product


def make_product(family, sku, *, gtin=None, unit="EA", conversions=None):
    product = Product.objects.create(
        sku=sku,
        gtin=gtin,
        description=f"Product {sku}",
        family=family,
        unit_of_measure=unit,
        list_price=Decimal("10.00"),
        currency="USD",
    )
    for conversion_unit, factor in (conversions or {}).items():
        UnitConversion.objects.create(product=product, unit=conversion_unit, factor=factor)
    return product


def make_part_number(distributor, product, part_number, unit="EA"):
    return DistributorPartNumber.objects.unscoped().create(
        distributor=distributor, product=product, part_number=part_number, unit=unit
    )


@pytest.fixture
def catalog(dist_a, dist_b):
    family = ProductFamily.objects.create(code="NET", name="Networking")
    switch = make_product(family, "SW-100", gtin=UPC, conversions={"BX": 10, "CS": 40})
    router = make_product(family, "RT-200", gtin="4006381333931")
    cable = make_product(family, "CB-1", unit="EA")
    make_part_number(dist_a, switch, "A-SW100-BX", unit="BX")
    make_part_number(dist_a, router, "A-RT200")
    make_part_number(dist_b, cable, "B-ONLY")
    make_part_number(dist_b, router, "A-SW100-BX")  # B's same spelling means another product
    return {"switch": switch, "router": router, "cable": cable}


@pytest.mark.django_db
class TestResolve:
    def test_by_sku_case_and_blanks_ignored(self, dist_a, catalog):
        resolver = ProductResolver(distributor_id=dist_a.pk)
        match = resolver.resolve([("sku", " sw-100 ")])
        assert match == ProductMatch(
            product_id=catalog["switch"].pk, method="sku", value=" sw-100 "
        )
        assert match.factor_for(None) == 1
        assert match.factor_for("bx") == 10
        assert match.factor_for("CA") == 40  # X12 "CA" is a case
        assert match.factor_for("EA") == 1
        assert match.factor_for("PL") is None
        assert match.base_quantity(3, "BX") == 30
        assert match.base_quantity(Decimal("1.5"), "CS") == Decimal("60.0")
        assert match.base_quantity(3, "PL") is None

    @pytest.mark.parametrize("code", [UPC, "0" + UPC, "00" + UPC, "0036-0002 91452"])
    def test_by_gtin_upc_and_ean_are_one_product(self, dist_a, catalog, code):
        match = ProductResolver(distributor_id=dist_a.pk).resolve([("gtin", code)])
        assert (match.product_id, match.method, match.value) == (catalog["switch"].pk, "gtin", code)

    def test_ean13_stored_matches_gtin14_reported(self, dist_a, catalog):
        match = ProductResolver(distributor_id=dist_a.pk).resolve([("gtin", "04006381333931")])
        assert match.product_id == catalog["router"].pk

    def test_bad_check_digit_does_not_match(self, dist_a, catalog):
        resolver = ProductResolver(distributor_id=dist_a.pk)
        assert resolver.resolve([("gtin", "036000291453")]) is None

    def test_part_number_carries_its_unit(self, dist_a, catalog):
        match = ProductResolver(distributor_id=dist_a.pk).resolve([("part_number", "a-sw100-bx")])
        assert match.product_id == catalog["switch"].pk
        assert match.method == "part_number"
        assert match.part_number_unit == "BX"
        assert match.factor_for(None) == 10  # no unit reported: the part number's unit
        assert match.factor_for("  ") == 10
        assert match.factor_for("EA") == 1  # a reported unit wins
        assert match.factor_for("CS") == 40

    def test_part_number_in_base_unit(self, dist_a, catalog):
        match = ProductResolver(distributor_id=dist_a.pk).resolve([("part_number", "A-RT200")])
        assert match.product_id == catalog["router"].pk
        assert match.factor_for(None) == 1
        assert match.factor_for("BX") is None  # the router has no box conversion

    def test_candidates_tried_in_order_first_hit_wins(self, dist_a, catalog):
        resolver = ProductResolver(distributor_id=dist_a.pk)
        match = resolver.resolve(
            [("part_number", "NOPE"), ("gtin", ""), ("sku", "RT-200"), ("gtin", UPC)]
        )
        assert (match.product_id, match.method) == (catalog["router"].pk, "sku")

    def test_nothing_matches(self, dist_a, catalog):
        resolver = ProductResolver(distributor_id=dist_a.pk)
        assert resolver.resolve([("sku", "XX"), ("gtin", "12345"), ("part_number", " ")]) is None
        assert resolver.resolve([]) is None

    def test_unknown_kind_is_a_programming_error(self, dist_a, catalog):
        with pytest.raises(ValueError, match="unknown product identifier kind 'upc'"):
            ProductResolver(distributor_id=dist_a.pk).resolve([("upc", UPC)])

    def test_skus_differing_only_in_case_are_not_guessed(self, dist_a, catalog):
        family = catalog["switch"].family
        make_product(family, "dup-1")
        make_product(family, "DUP-1")
        assert ProductResolver(distributor_id=dist_a.pk).resolve([("sku", "DUP-1")]) is None


@pytest.mark.django_db
class TestScoping:
    def test_other_distributors_part_numbers_never_match(self, dist_a, dist_b, catalog):
        resolver_a = ProductResolver(distributor_id=dist_a.pk)
        resolver_b = ProductResolver(distributor_id=dist_b.pk)
        assert resolver_a.resolve([("part_number", "B-ONLY")]) is None
        assert resolver_b.resolve([("part_number", "B-ONLY")]).product_id == catalog["cable"].pk
        # One spelling, each distributor's own product and unit.
        match_a = resolver_a.resolve([("part_number", "A-SW100-BX")])
        match_b = resolver_b.resolve([("part_number", "A-SW100-BX")])
        assert (match_a.product_id, match_a.factor_for(None)) == (catalog["switch"].pk, 10)
        assert (match_b.product_id, match_b.factor_for(None)) == (catalog["router"].pk, 1)

    def test_sku_and_gtin_are_vendor_wide(self, dist_b, catalog):
        resolver = ProductResolver(distributor_id=dist_b.pk)
        assert resolver.resolve([("sku", "SW-100")]).product_id == catalog["switch"].pk
        assert resolver.resolve([("gtin", UPC)]).product_id == catalog["switch"].pk


@pytest.mark.django_db
class TestQueryCounts:
    def test_building_is_four_queries_whatever_the_row_count(
        self, dist_a, catalog, django_assert_num_queries
    ):
        with django_assert_num_queries(4):
            ProductResolver(distributor_id=dist_a.pk)
        family = catalog["switch"].family
        for number in range(30):
            product = make_product(family, f"X-{number}", conversions={"BX": 5, "PK": 2})
            make_part_number(dist_a, product, f"A-X-{number}", unit="PK")
        with django_assert_num_queries(4):
            resolver = ProductResolver(distributor_id=dist_a.pk)
        candidate_lists = [
            [("part_number", f"A-X-{number}"), ("sku", f"X-{number}")] for number in range(30)
        ]
        with django_assert_num_queries(0):
            results = resolver.resolve_many(candidate_lists)
            factors = {match.factor_for(None) for match in results.values()}
            resolver.resolve([("gtin", UPC), ("sku", "nothing")])
        assert len(results) == 30
        assert factors == {2}


@pytest.mark.django_db
def test_resolve_many_keys_by_distinct_candidate_tuple(dist_a, catalog):
    resolver = ProductResolver(distributor_id=dist_a.pk)
    results = resolver.resolve_many(
        [[("sku", "SW-100")], (("sku", "SW-100"),), [("sku", "none")], [("gtin", UPC)]]
    )
    assert results == {
        (("sku", "SW-100"),): ProductMatch(catalog["switch"].pk, "sku", "SW-100"),
        (("sku", "none"),): None,
        (("gtin", UPC),): ProductMatch(catalog["switch"].pk, "gtin", UPC),
    }


VALUES = ["SW-100", "sw-100", "RT-200", UPC, "0" + UPC, "4006381333931", "A-SW100-BX", "B-ONLY", ""]
KINDS = ["sku", "gtin", "part_number"]


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from(KINDS), st.sampled_from(VALUES)), max_size=3),
        max_size=12,
    )
)
def test_resolve_many_equals_resolve_over_distinct_inputs(dist_a, catalog, candidate_lists):
    resolver = ProductResolver(distributor_id=dist_a.pk)
    distinct = {tuple(candidates) for candidates in candidate_lists}
    expected = {candidates: resolver.resolve(candidates) for candidates in distinct}
    assert resolver.resolve_many(candidate_lists) == expected
