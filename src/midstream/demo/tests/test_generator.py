"""The pure demo generator (issue 2, "Demo data"): no database needed."""

import csv
import dataclasses
import datetime as dt
import io
import itertools
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from midstream.agreements.calc import version_in_force
from midstream.demo.generator import (
    DEMO_PASSWORD,
    SELLIN_COLUMNS,
    DemoParams,
    generate,
    gtin_check_digit,
    is_valid_gtin,
    sellin_csv,
    sellin_months,
    unit_net_price,
)
from midstream.partners.calc import TerritoryClaim, check_transition, territory_conflict

AS_OF = dt.date(2026, 3, 15)


@pytest.fixture(scope="module")
def full():
    """The scale-1.0 data set, generated once for the module (about a second)."""
    return generate(DemoParams.build(as_of=AS_OF))


def small(seed=7, **sizes):
    sizes = {"distributors": 6, "resellers": 120, "products": 40, "months": 4, **sizes}
    return generate(DemoParams.build(as_of=AS_OF, seed=seed, **sizes))


def test_same_seed_gives_identical_rows():
    first, second = small(), small()

    assert first.digest() == second.digest()
    assert first.row_lists() == second.row_lists()


def test_different_seed_gives_different_rows():
    first, second = small(seed=1), small(seed=2)

    assert first.digest() != second.digest()
    assert [row.legal_name for row in first.distributors[2:]] != [
        row.legal_name for row in second.distributors[2:]
    ]
    assert [row.name for row in first.resellers] != [row.name for row in second.resellers]


def test_digest_sees_a_single_changed_value():
    data = small()
    before = data.digest()
    data.sellin[5] = dataclasses.replace(data.sellin[5], quantity=data.sellin[5].quantity + 1)

    assert data.digest() != before


def test_scale_sets_the_sizes_and_explicit_counts_win():
    params = DemoParams.build(as_of=AS_OF, scale=0.2)
    assert (params.distributors, params.resellers, params.products, params.months) == (
        5,
        600,
        80,
        24,
    )
    params = DemoParams.build(as_of=AS_OF, scale=2, resellers=10, months=6)
    assert (params.distributors, params.resellers, params.products, params.months) == (
        50,
        10,
        800,
        6,
    )


def test_scale_one_has_the_sizes_of_issue_2(full):
    counts = full.counts()
    assert counts["distributors"] == 25
    assert counts["resellers"] == 3000
    assert counts["products"] == 400
    assert counts["families"] == 12
    assert len({row.invoice_date.replace(day=1) for row in full.sellin}) == 24


def test_generated_sizes_follow_the_parameters():
    data = small(distributors=9, resellers=75, products=13, months=2)

    assert len(data.distributors) == 9
    assert len(data.resellers) == 75
    assert len(data.products) == 13
    assert {row.family_code for row in data.products} == {row.code for row in data.families}
    assert {row.invoice_date.replace(day=1) for row in data.sellin} == {
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
    }


@pytest.mark.parametrize(
    "sizes",
    [{"distributors": 1}, {"resellers": -1}, {"products": 0}, {"months": 121}, {"scale": 0}],
)
def test_impossible_sizes_are_refused(sizes):
    with pytest.raises(ValueError):
        DemoParams.build(as_of=AS_OF, **sizes)


def test_sell_in_months_end_with_the_last_complete_month():
    params = DemoParams.build(as_of=dt.date(2026, 1, 1), months=3)

    assert sellin_months(params) == [
        dt.date(2025, 10, 1),
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
    ]


def test_gtin_check_digit_on_known_codes():
    assert gtin_check_digit("400638133393") == 1  # EAN-13 4006381333931
    assert gtin_check_digit("03600029145") == 2  # UPC-A 036000291452
    assert is_valid_gtin("4006381333931")
    assert not is_valid_gtin("4006381333932")
    assert not is_valid_gtin("40063813339")


def test_every_gtin_is_a_valid_unique_gtin_13(full):
    gtins = [row.gtin for row in full.products if row.gtin is not None]

    assert len(gtins) > 300
    assert len(set(gtins)) == len(gtins)
    for gtin in gtins:
        digits = [int(char) for char in gtin]
        # Independent check: weights 1,3,1,3… from the left for a 13-digit code sum to 0 mod 10.
        assert len(gtin) == 13
        assert sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0


def test_products_have_list_prices_units_and_statuses(full):
    assert len({row.sku for row in full.products}) == 400
    assert all(isinstance(row.list_price, Decimal) and row.list_price > 0 for row in full.products)
    assert all(row.list_price == row.list_price.quantize(Decimal("0.01")) for row in full.products)
    assert {row.currency for row in full.products} == {"USD"}
    assert {row.status for row in full.products} == {
        "active",
        "end_of_sale",
        "end_of_life",
        "planned",
    }
    assert {row.unit for row in full.conversions} >= {"BX", "PK"}
    skus = {row.sku for row in full.products}
    assert {row.sku for row in full.conversions} <= skus


def test_distributors_span_regions_currencies_and_states(full):
    assert {row.region for row in full.distributors} == {"AMER", "EMEA", "APAC"}
    assert {row.currency for row in full.distributors} == {"USD", "EUR", "GBP"}
    statuses = Counter(row.status for row in full.distributors)
    assert statuses == {
        "active": 17,
        "prospect": 2,
        "onboarding": 2,
        "suspended": 2,
        "terminated": 2,
    }
    assert [row.code for row in full.distributors[:2]] == ["NORTHWIND", "OSTSEE"]
    assert len({row.code for row in full.distributors}) == 25
    assert len({row.legal_name for row in full.distributors}) == 25


def test_status_histories_take_allowed_transitions_only(full):
    changes = defaultdict(list)
    for row in full.status_changes:
        changes[row.distributor_code].append(row)
    as_of = dt.datetime(AS_OF.year, AS_OF.month, AS_OF.day, tzinfo=dt.UTC)
    for distributor in full.distributors:
        history = changes[distributor.code]
        assert history[0].from_status == ""
        assert history[0].to_status == "prospect"
        for previous, change in itertools.pairwise(history):
            assert change.from_status == previous.to_status
            assert check_transition(change.from_status, change.to_status) is None
            assert change.at > previous.at
        assert history[-1].to_status == distributor.status
        assert history[-1].at == distributor.status_changed_at
        assert history[-1].at < as_of
    moves = {(row.from_status, row.to_status) for row in full.status_changes}
    assert ("suspended", "active") in moves  # a suspension that was lifted


def test_no_exclusive_territory_overlaps_another_claim(full):
    ids = {row.code: index for index, row in enumerate(full.distributors)}
    claims = [
        TerritoryClaim(ids[row.distributor_code], row.region, row.country, row.exclusive)
        for row in full.territories
    ]

    assert any(claim.exclusive for claim in claims)
    for claim in claims:
        assert territory_conflict(claim, claims) is None
    keys = [(row.distributor_code, row.region, row.country) for row in full.territories]
    assert len(set(keys)) == len(keys)


def test_every_seed_keeps_exclusive_territories_apart():
    for seed in range(8):
        data = generate(
            DemoParams.build(as_of=AS_OF, seed=seed, resellers=0, products=12, months=0)
        )
        ids = {row.code: index for index, row in enumerate(data.distributors)}
        claims = [
            TerritoryClaim(ids[row.distributor_code], row.region, row.country, row.exclusive)
            for row in data.territories
        ]
        assert all(territory_conflict(claim, claims) is None for claim in claims)


def test_contacts_checklists_and_obligations(full):
    primaries = Counter(row.distributor_code for row in full.contacts if row.is_primary)
    assert set(primaries.values()) == {1}
    assert set(primaries) == {row.code for row in full.distributors}
    trading = {row.code for row in full.distributors if row.status in ("active", "suspended")}
    obligations = defaultdict(list)
    for row in full.obligations:
        obligations[row.distributor_code].append(row)
    assert set(obligations) == trading
    for rows in obligations.values():
        sell_through = [row for row in rows if row.report_type == "sell_through"]
        assert [(row.frequency, row.due_days, row.active_to) for row in sell_through] == [
            ("monthly", 10, None)
        ]
        inventory = [row for row in rows if row.report_type == "inventory"]
        # Monthly, as the demo's stock files come.
        assert [(row.frequency, row.active_to) for row in inventory] == [("monthly", None)]
        assert inventory[0].due_days in (5, 10)
    for row in full.onboarding_items:
        if row.done_date is not None:
            assert row.done_date < AS_OF
    done_by_code = defaultdict(list)
    for row in full.onboarding_items:
        done_by_code[row.distributor_code].append(row.done_date is not None)
    for code in trading:
        assert all(done_by_code[code])


def test_resellers_are_supplied_by_trading_distributors(full):
    status = {row.code: row.status for row in full.distributors}
    suppliers = defaultdict(set)
    for row in full.supplies:
        suppliers[row.partner_id].add(row.distributor_code)
        assert status[row.distributor_code] in ("active", "suspended")
        assert row.since < AS_OF
    assert all(1 <= len(suppliers[row.partner_id]) <= 3 for row in full.resellers)
    recruited = [row for row in full.resellers if row.recruited_by]
    assert recruited
    assert all(row.recruited_by in suppliers[row.partner_id] for row in recruited)
    accounts = [(row.distributor_code, row.account_number) for row in full.supplies]
    assert len(set(accounts)) == len(accounts)
    assert len({row.partner_id for row in full.resellers}) == 3000
    assert len({row.name for row in full.resellers}) == 3000
    assert len({row.tax_id for row in full.resellers}) == 3000
    assert {"Inc", "LLC", "Ltd", "GmbH", "BV", "Pty Ltd", "AB"} <= {
        row.name.rsplit(" ", 1)[-1] if not row.name.endswith("Pty Ltd") else "Pty Ltd"
        for row in full.resellers
    }
    # A country held exclusively is supplied by its holder only.
    exclusive = {row.country: row.distributor_code for row in full.territories if row.exclusive}
    for row in full.resellers:
        if row.country in exclusive:
            assert suppliers[row.partner_id] == {exclusive[row.country]}


def test_aliases_differ_from_the_name_and_belong_to_suppliers(full):
    names = {row.partner_id: row.name for row in full.resellers}
    suppliers = defaultdict(set)
    for row in full.supplies:
        suppliers[row.partner_id].add(row.distributor_code)
    assert full.aliases
    for row in full.aliases:
        assert row.alias != names[row.partner_id]
        assert row.distributor_code is None or row.distributor_code in suppliers[row.partner_id]
    keys = [(row.partner_id, row.alias, row.distributor_code) for row in full.aliases]
    assert len(set(keys)) == len(keys)


def test_one_agreement_per_trading_distributor_in_its_currency(full):
    trading = {row.code: row for row in full.distributors if row.status in ("active", "suspended")}
    assert sorted(row.distributor_code for row in full.agreements) == sorted(trading)
    versions = defaultdict(list)
    for row in full.agreement_versions:
        versions[row.agreement_number].append(row)
    for agreement in full.agreements:
        rows = versions[agreement.number]
        assert [row.version for row in rows] == list(range(1, len(rows) + 1))
        assert len(rows) <= 4
        assert all(row.currency == trading[agreement.distributor_code].currency for row in rows)
        assert [row.effective_from for row in rows] == sorted({row.effective_from for row in rows})
        assert all(len(row.discounts) == 12 for row in rows)
        for earlier, later in itertools.pairwise(rows):
            assert earlier.discounts != later.discounts
    assert any(len(rows) > 1 for rows in versions.values())


def test_sell_in_prices_follow_list_price_fx_and_discount(full):
    products = {row.sku: row for row in full.products}
    distributors = {row.code: row for row in full.distributors}
    rates = {(row.currency, row.valid_from): row.rate for row in full.exchange_rates}
    agreement_of = {row.number: row.distributor_code for row in full.agreements}
    terms = defaultdict(list)
    for row in full.agreement_versions:
        terms[agreement_of[row.agreement_number]].append(row.terms())
    for row in full.sellin[::37]:
        currency = distributors[row.distributor_code].currency
        assert row.currency == currency
        rate = (
            Decimal(1) if currency == "USD" else rates[(currency, row.invoice_date.replace(day=1))]
        )
        version = version_in_force(terms[row.distributor_code], row.invoice_date)
        discount = version.discount_map()[products[row.sku].family_code]
        expected = (products[row.sku].list_price / rate * (100 - discount) / 100).quantize(
            Decimal("0.01")
        )
        assert abs(row.unit_net_price - expected) <= Decimal("0.01")
        assert row.unit_net_price == unit_net_price(products[row.sku].list_price, rate, discount)


def test_unit_net_price_rounds_half_up():
    assert unit_net_price(Decimal("10.00"), Decimal("1"), Decimal("12.5")) == Decimal("8.75")
    assert unit_net_price(Decimal("0.05"), Decimal("1"), Decimal("50")) == Decimal("0.03")
    assert unit_net_price(Decimal("108.00"), Decimal("1.08"), Decimal("0")) == Decimal("100.00")


def test_sell_in_only_while_the_distributor_was_active(full):
    periods = defaultdict(list)
    start = {}
    for row in full.status_changes:
        if row.to_status == "active":
            start[row.distributor_code] = row.at.date()
        elif row.distributor_code in start:
            periods[row.distributor_code].append((start.pop(row.distributor_code), row.at.date()))
    for code, day in start.items():
        periods[code].append((day, None))
    months = sellin_months(full.params)
    for row in full.sellin:
        assert months[0] <= row.invoice_date < AS_OF.replace(day=1)
        assert row.invoice_date.weekday() < 5
        assert row.quantity > 0
        assert any(
            begin <= row.invoice_date and (end is None or row.invoice_date < end)
            for begin, end in periods[row.distributor_code]
        )
    keys = [(row.distributor_code, row.invoice_number, row.line) for row in full.sellin]
    assert len(set(keys)) == len(keys)


def test_sell_in_has_seasonality_and_volume(full):
    by_month = defaultdict(Decimal)
    for row in full.sellin:
        if row.distributor_code == "NORTHWIND":
            by_month[row.invoice_date.replace(day=1)] += row.quantity * row.unit_net_price
    assert len(by_month) == 24
    june = [amount for month, amount in by_month.items() if month.month == 6]
    july = [amount for month, amount in by_month.items() if month.month == 7]
    assert min(june) > max(july)  # fiscal year end push, then the slow first month
    assert len(full.sellin) > 15_000


def test_sell_in_csv_has_the_import_columns():
    data = small()
    text = sellin_csv(data.sellin).decode()
    rows = list(csv.DictReader(io.StringIO(text)))

    assert tuple(rows[0]) == SELLIN_COLUMNS
    assert len(rows) == len(data.sellin)
    first = data.sellin[0]
    assert rows[0] == {
        "invoice_number": first.invoice_number,
        "line": str(first.line),
        "invoice_date": first.invoice_date.isoformat(),
        "distributor_code": first.distributor_code,
        "sku": first.sku,
        "quantity": str(first.quantity),
        "unit_net_price": f"{first.unit_net_price:.2f}",
        "currency": first.currency,
        "ship_to_warehouse": first.ship_to_warehouse,
    }


def test_exchange_rates_cover_every_month_of_sell_in(full):
    months = {row.valid_from for row in full.exchange_rates if row.currency == "EUR"}
    assert {row.currency for row in full.exchange_rates} == {"EUR", "GBP"}
    assert set(sellin_months(full.params)) <= months
    assert len(months) >= 24
    assert all(Decimal("0.9") < row.rate < Decimal("1.5") for row in full.exchange_rates)


def test_logins_one_per_role_on_two_distributors(full):
    logins = {row.username: (row.role, row.distributor_code) for row in full.logins}

    assert logins == {
        "vendor_admin": ("vendor_admin", None),
        "channel_manager": ("channel_manager", None),
        "finance": ("finance", None),
        "pricing_manager": ("pricing_manager", None),
        "analyst": ("analyst", None),
        "northwind_admin": ("distributor_admin", "NORTHWIND"),
        "northwind_user": ("distributor_user", "NORTHWIND"),
        "ostsee_admin": ("distributor_admin", "OSTSEE"),
        "ostsee_user": ("distributor_user", "OSTSEE"),
    }
    assert DEMO_PASSWORD == "midstream-demo"
