import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from midstream.agreements.calc import (
    DateRange,
    DiscountChange,
    DiscountTerm,
    TermChange,
    VersionTerms,
    commitment_attainment,
    coverage,
    diff_versions,
    discount_for_family,
    first_overlap,
    version_in_force,
)

BASE = dt.date(2026, 1, 1)
SPAN = 60  # days: small, so generated windows overlap often


def day(offset: int) -> dt.date:
    return BASE + dt.timedelta(days=offset)


def terms(version=1, start=0, end=None, **overrides) -> VersionTerms:
    values = {
        "version": version,
        "effective_from": day(start),
        "effective_to": None if end is None else day(end),
        "currency": "USD",
        "payment_terms": "net30",
        "commitment_period": "quarter",
        "commitment_unit": "amount",
        "commitment_value": Decimal("100000.00"),
        "discounts": (),
        "ends_agreement": False,
    }
    values.update(overrides)
    return VersionTerms(**values)


percents = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
discount_sets = st.dictionaries(st.sampled_from(["NET", "SRV", "STO", "WLS"]), percents).map(
    lambda mapping: tuple(DiscountTerm(code, value) for code, value in sorted(mapping.items()))
)


@st.composite
def version_terms(draw, number: int = 1, *, allow_end: bool = True) -> VersionTerms:
    start = draw(st.integers(0, SPAN))
    length = draw(st.one_of(st.none(), st.integers(0, SPAN)))
    return VersionTerms(
        version=number,
        effective_from=day(start),
        effective_to=None if length is None else day(start + length),
        currency=draw(st.sampled_from(["USD", "EUR"])),
        payment_terms=draw(st.sampled_from(["net30", "net60"])),
        commitment_period=draw(st.sampled_from(["month", "quarter", "year"])),
        commitment_unit=draw(st.sampled_from(["amount", "units"])),
        commitment_value=draw(st.decimals(min_value=0, max_value=10**6, places=2)),
        discounts=draw(discount_sets),
        ends_agreement=allow_end and length is not None and draw(st.booleans()),
    )


@st.composite
def histories(draw, *, allow_end: bool = True) -> list[VersionTerms]:
    count = draw(st.integers(0, 6))
    versions = [draw(version_terms(number, allow_end=allow_end)) for number in range(1, count + 1)]
    return draw(st.permutations(versions))


def brute_force_in_force(versions, on):
    candidates = [
        version
        for version in versions
        if version.covers(on)
        and not any(
            other.version > version.version and other.closes_before(on) for other in versions
        )
    ]
    return max(candidates, key=lambda version: version.version, default=None)


dates = st.integers(-5, 3 * SPAN).map(day)


# version_in_force


def test_amendment_takes_over_from_its_effective_date_only():
    original = terms(1, 0)
    amendment = terms(2, 31, currency="EUR")
    assert version_in_force([original, amendment], day(30)) is original
    assert version_in_force([original, amendment], day(31)) is amendment
    assert version_in_force([original, amendment], day(-1)) is None


def test_temporary_amendment_falls_back_to_the_earlier_version_after_it_ends():
    original = terms(1, 0, 364)
    promotion = terms(2, 180, 272)
    assert version_in_force([promotion, original], day(200)) is promotion
    assert version_in_force([promotion, original], day(300)) is original
    assert version_in_force([promotion, original], day(365)) is None


def test_ending_version_closes_every_earlier_version_after_its_end():
    original = terms(1, 0)
    ended = terms(2, 99, 99, ends_agreement=True)
    assert version_in_force([original, ended], day(50)) is original
    assert version_in_force([original, ended], day(99)) is ended
    assert version_in_force([original, ended], day(100)) is None
    reinstated = terms(3, 150)
    assert version_in_force([original, ended, reinstated], day(120)) is None
    assert version_in_force([original, ended, reinstated], day(150)) is reinstated


@given(histories(), dates)
def test_version_in_force_is_the_unique_covering_version(versions, on):
    found = version_in_force(versions, on)
    assert found == brute_force_in_force(versions, on)
    if found is not None:
        assert found.covers(on)
        assert found in versions


@given(histories(allow_end=False), dates)
def test_without_endings_it_is_the_highest_covering_version(versions, on):
    covering = [version for version in versions if version.covers(on)]
    expected = max(covering, key=lambda version: version.version, default=None)
    assert version_in_force(versions, on) == expected


# diff_versions


def test_diff_lists_changed_terms_and_discount_levels():
    a = terms(
        1,
        0,
        currency="USD",
        discounts=(DiscountTerm("NET", Decimal("10.00")), DiscountTerm("SRV", Decimal("5.00"))),
    )
    b = terms(
        3,
        0,
        364,
        currency="EUR",
        commitment_value=Decimal("150000.00"),
        discounts=(DiscountTerm("NET", Decimal("12.50")), DiscountTerm("STO", Decimal("3.00"))),
    )
    result = diff_versions(a, b)
    assert (result.from_version, result.to_version) == (1, 3)
    assert result.terms == (
        TermChange("effective_to", None, day(364)),
        TermChange("currency", "USD", "EUR"),
        TermChange("commitment_value", Decimal("100000.00"), Decimal("150000.00")),
    )
    assert result.discounts == (
        DiscountChange("NET", Decimal("10.00"), Decimal("12.50")),
        DiscountChange("SRV", Decimal("5.00"), None),
        DiscountChange("STO", None, Decimal("3.00")),
    )
    assert [change.kind for change in result.discounts] == ["changed", "removed", "added"]
    assert result.changed_families == {"NET": "changed", "SRV": "removed", "STO": "added"}


def test_equal_amounts_with_different_exponents_are_no_change():
    a = terms(1, discounts=(DiscountTerm("NET", Decimal("10")),))
    b = terms(2, discounts=(DiscountTerm("NET", Decimal("10.00")),))
    assert diff_versions(a, b).is_empty


@given(version_terms())
def test_diff_of_a_version_with_itself_is_empty(version):
    assert diff_versions(version, version).is_empty


@given(version_terms(1), version_terms(2))
def test_diff_in_both_directions_mirror(a, b):
    forward, backward = diff_versions(a, b), diff_versions(b, a)
    assert [(c.field, c.after, c.before) for c in backward.terms] == [
        (c.field, c.before, c.after) for c in forward.terms
    ]
    assert [(c.family_code, c.after, c.before) for c in backward.discounts] == [
        (c.family_code, c.before, c.after) for c in forward.discounts
    ]
    assert forward.is_empty == (a == replace(b, version=a.version))


# discount_for_family


def test_discount_for_family():
    version = terms(discounts=(DiscountTerm("NET", Decimal("12.50")),))
    assert discount_for_family(version, "NET") == Decimal("12.50")
    assert discount_for_family(version, "SRV") is None
    assert discount_for_family(None, "NET") is None


# commitment_attainment


def test_commitment_attainment_examples():
    assert commitment_attainment(Decimal("100000.00"), Decimal("75000.00")) == Decimal("0.7500")
    assert commitment_attainment(Decimal("300"), Decimal("100")) == Decimal("0.3333")
    assert commitment_attainment(Decimal("300"), Decimal("200")) == Decimal("0.6667")
    assert commitment_attainment(Decimal("80"), Decimal("120")) == Decimal("1.5000")
    assert commitment_attainment(Decimal("0"), Decimal("120")) is None
    with pytest.raises(ValueError):
        commitment_attainment(Decimal("-1"), Decimal("1"))


amounts = st.decimals(min_value=0, max_value=10**9, places=2)


@given(amounts.filter(lambda value: value > 0), amounts, amounts)
def test_attainment_is_monotone_in_volume(commitment, first, second):
    low, high = sorted([first, second])
    assert commitment_attainment(commitment, low) <= commitment_attainment(commitment, high)
    assert commitment_attainment(commitment, low) >= 0


@given(amounts.filter(lambda value: value > 0), amounts)
def test_attainment_reaches_one_exactly_when_commitment_is_met(commitment, actual):
    share = commitment_attainment(commitment, actual)
    if actual >= commitment:
        assert share >= 1
    assert abs(share - actual / commitment) <= Decimal("0.00005")


# coverage and overlap


def test_coverage_merges_adjacent_windows_and_stops_at_an_ending():
    versions = [
        terms(1, 0, 9),
        terms(2, 10, 19),
        terms(3, 30),
        terms(4, 40, 45, ends_agreement=True),
    ]
    assert coverage(versions) == (DateRange(day(0), day(19)), DateRange(day(30), day(45)))
    assert coverage([terms(1, 5)]) == (DateRange(day(5), None),)
    assert coverage([]) == ()


@given(histories())
def test_coverage_is_exactly_the_days_with_a_version_in_force(versions):
    ranges = coverage(versions)
    for offset in range(-2, 3 * SPAN + 2):
        on = day(offset)
        covered = any(r.start <= on and (r.end is None or on <= r.end) for r in ranges)
        assert covered == (version_in_force(versions, on) is not None)


@given(histories(), histories())
def test_first_overlap_is_the_first_day_both_are_in_force(a, b):
    expected = next(
        (
            day(offset)
            for offset in range(-2, 3 * SPAN + 2)
            if version_in_force(a, day(offset)) and version_in_force(b, day(offset))
        ),
        None,
    )
    assert first_overlap(a, b) == expected
