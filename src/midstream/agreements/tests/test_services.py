import datetime as dt
from decimal import Decimal

import pytest

from midstream.agreements import selectors, services
from midstream.agreements.models import Agreement, AgreementVersion, DiscountLevel
from midstream.agreements.selectors import (
    discount_percent_for,
    in_force_among,
    version_in_force_for,
    versions_of,
    with_in_force,
)
from midstream.agreements.tests.factories import make_agreement
from midstream.core.errors import ConflictError, DomainError
from midstream.core.models import AuditRecord


def counts():
    return (
        Agreement.objects.unscoped().count(),
        AgreementVersion.objects.unscoped().count(),
        DiscountLevel.objects.unscoped().count(),
        AuditRecord.objects.count(),
    )


def discounts_of(version):
    return {level.family.code: level.discount_percent for level in version.discount_levels.all()}


# create_agreement


@pytest.mark.django_db
def test_create_writes_version_one_with_its_discount_levels_and_one_audit_row(
    manager, dist_a, families
):
    agreement = make_agreement(manager, dist_a, reason="Signed 2025-12-15")

    assert (agreement.number, agreement.title, agreement.distributor_id) == (
        "VPA-2026-001",
        "Alpha volume purchase agreement 2026",
        dist_a.pk,
    )
    [version] = versions_of(agreement)
    assert version.version == 1
    assert (version.effective_from, version.effective_to) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
    )
    assert version.commitment_value == Decimal("250000.00")
    assert version.created_by == manager
    assert discounts_of(version) == {"NET": Decimal("12.50"), "SRV": Decimal("5.00")}
    record = AuditRecord.objects.get()
    assert record.action == "agreement.create"
    assert (record.object_type, record.object_id) == ("agreements.agreement", str(agreement.pk))
    assert record.distributor_id == dist_a.pk
    assert record.actor == manager
    assert record.reason == "Signed 2025-12-15"
    assert record.changes == {
        "number": [None, "VPA-2026-001"],
        "title": [None, "Alpha volume purchase agreement 2026"],
        "distributor": [None, str(dist_a.pk)],
        "version": [None, 1],
        "effective_from": [None, "2026-01-01"],
        "effective_to": [None, "2026-12-31"],
        "currency": [None, "USD"],
        "payment_terms": [None, "net30"],
        "commitment_period": [None, "quarter"],
        "commitment_unit": [None, "amount"],
        "commitment_value": [None, "250000.00"],
        "ends_agreement": [None, False],
        "discount[NET]": [None, "12.50"],
        "discount[SRV]": [None, "5.00"],
    }


BAD_INPUTS = [
    ({"number": "  "}, "required", "number"),
    ({"number": "X" * 41}, "too_long", "number"),
    ({"title": ""}, "required", "title"),
    ({"effective_to": dt.date(2025, 12, 31)}, "invalid_window", "effective_to"),
    ({"effective_from": None}, "required", "effective_from"),
    ({"currency": "XYZ"}, "invalid_currency", "currency"),
    ({"payment_terms": "net7"}, "invalid_choice", "payment_terms"),
    ({"commitment_period": "week"}, "invalid_choice", "commitment_period"),
    ({"commitment_unit": "kg"}, "invalid_choice", "commitment_unit"),
    ({"commitment_value": Decimal("-0.01")}, "invalid_commitment", "commitment_value"),
    ({"commitment_value": "NaN"}, "invalid_commitment", "commitment_value"),
    ({"commitment_value": "Infinity"}, "invalid_commitment", "commitment_value"),
    ({"commitment_value": "1E+30"}, "invalid_commitment", "commitment_value"),
    ({"commitment_value": "10.001"}, "invalid_commitment", "commitment_value"),
    ({"commitment_value": 10.5}, "invalid_commitment", "commitment_value"),
    ({"discounts": [("NET", Decimal("100.01"))]}, "invalid_discount", "discounts"),
    ({"discounts": [("NET", Decimal("-1"))]}, "invalid_discount", "discounts"),
    ({"discounts": [("NET", "12.345")]}, "invalid_discount", "discounts"),
    ({"discounts": [("NET", "NaN")]}, "invalid_discount", "discounts"),
    ({"discounts": [("NET", "5"), ("NET", "6")]}, "duplicate_family", "discounts"),
    ({"discounts": [("NOPE", "5")]}, "unknown_family", "discounts"),
    ({"discounts": [("", "5")]}, "unknown_family", "discounts"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "code", "field"), BAD_INPUTS)
def test_invalid_agreements_are_refused_and_nothing_is_written(
    manager, dist_a, families, overrides, code, field
):
    with pytest.raises(DomainError) as caught:
        make_agreement(manager, dist_a, **overrides)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_discount_levels_at_the_bounds_are_accepted(manager, dist_a, families):
    agreement = make_agreement(
        manager,
        dist_a,
        effective_to=dt.date(2026, 1, 1),
        commitment_value=Decimal("0"),
        discounts=[("NET", Decimal("0")), ("SRV", "100.00")],
    )
    [version] = versions_of(agreement)
    assert discounts_of(version) == {"NET": Decimal("0.00"), "SRV": Decimal("100.00")}
    assert version.commitment_value == Decimal("0.00")


@pytest.mark.django_db
def test_duplicate_number_is_a_conflict(manager, dist_a, dist_b, families):
    make_agreement(manager, dist_a)
    with pytest.raises(ConflictError) as caught:
        make_agreement(manager, dist_b)
    assert caught.value.code == "duplicate_number"
    assert counts() == (1, 1, 2, 1)


@pytest.mark.django_db
def test_a_distributor_has_one_agreement_in_force_at_a_time(manager, dist_a, dist_b, families):
    make_agreement(manager, dist_a)
    with pytest.raises(ConflictError) as caught:
        make_agreement(manager, dist_a, number="VPA-2026-002", effective_from=dt.date(2026, 12, 31))
    assert caught.value.code == "overlapping_agreement"
    assert "VPA-2026-001" in caught.value.message
    assert "2026-12-31" in caught.value.message
    assert counts() == (1, 1, 2, 1)
    # The next year, or another distributor, is fine.
    make_agreement(
        manager,
        dist_a,
        number="VPA-2027-001",
        effective_from=dt.date(2027, 1, 1),
        effective_to=None,
    )
    make_agreement(manager, dist_b, number="VPA-2026-B")
    assert counts()[0] == 3


# amend_agreement


@pytest.mark.django_db
def test_amendment_creates_the_next_version_from_the_latest_terms(manager, dist_a, families):
    agreement = make_agreement(manager, dist_a)
    version_two = services.amend_agreement(
        actor=manager,
        agreement=agreement,
        reason="Q3 uplift",
        effective_from=dt.date(2026, 7, 1),
        commitment_value=Decimal("300000"),
        discounts=[("NET", Decimal("15")), ("STO", Decimal("2.5"))],
    )
    version_three = services.amend_agreement(
        actor=manager, agreement=agreement, reason="Net 45", payment_terms="net45"
    )

    assert (version_two.version, version_three.version) == (2, 3)
    versions = versions_of(agreement)
    assert [version.version for version in versions] == [3, 2, 1]
    three, two, one = versions
    assert (two.effective_from, two.effective_to) == (dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    assert (two.commitment_value, two.payment_terms) == (Decimal("300000.00"), "net30")
    assert discounts_of(two) == {"NET": Decimal("15.00"), "STO": Decimal("2.50")}
    assert two.amendment_reason == "Q3 uplift"
    assert (three.payment_terms, three.commitment_value) == ("net45", Decimal("300000.00"))
    assert discounts_of(three) == {"NET": Decimal("15.00"), "STO": Decimal("2.50")}
    # Version 1 is untouched.
    assert (one.effective_from, one.commitment_value, one.payment_terms) == (
        dt.date(2026, 1, 1),
        Decimal("250000.00"),
        "net30",
    )
    assert discounts_of(one) == {"NET": Decimal("12.50"), "SRV": Decimal("5.00")}

    records = AuditRecord.objects.filter(action="agreement.amend").order_by("id")
    assert [record.reason for record in records] == ["Q3 uplift", "Net 45"]
    assert records[0].object_id == str(agreement.pk)
    assert records[0].distributor_id == dist_a.pk
    assert records[0].changes == {
        "version": [1, 2],
        "effective_from": ["2026-01-01", "2026-07-01"],
        "commitment_value": ["250000.00", "300000.00"],
        "discount[NET]": ["12.50", "15.00"],
        "discount[SRV]": ["5.00", None],
        "discount[STO]": [None, "2.50"],
    }
    assert records[1].changes == {"version": [2, 3], "payment_terms": ["net30", "net45"]}


@pytest.mark.django_db
def test_amendment_can_open_the_window(manager, dist_a, families):
    agreement = make_agreement(manager, dist_a)
    version = services.amend_agreement(
        actor=manager, agreement=agreement, reason="Evergreen", effective_to=None
    )
    assert version.effective_to is None
    assert AuditRecord.objects.get(action="agreement.amend").changes == {
        "version": [1, 2],
        "effective_to": ["2026-12-31", None],
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({"reason": " ", "currency": "EUR"}, "reason_required"),
        ({"reason": "nothing", "currency": "USD"}, "no_change"),
        ({"reason": "x", "effective_to": dt.date(2025, 1, 1)}, "invalid_window"),
        ({"reason": "x", "discounts": [("NET", "101")]}, "invalid_discount"),
        ({"reason": "x", "discounts": [("SRV", "1"), ("SRV", "2")]}, "duplicate_family"),
        ({"reason": "x", "commitment_value": "1E+30"}, "invalid_commitment"),
        ({"reason": "x", "currency": "ABC"}, "invalid_currency"),
    ],
)
def test_invalid_amendments_are_refused_and_nothing_is_written(
    manager, dist_a, families, arguments, code
):
    agreement = make_agreement(manager, dist_a)
    before = counts()
    with pytest.raises(DomainError) as caught:
        services.amend_agreement(actor=manager, agreement=agreement, **arguments)
    assert caught.value.code == code
    assert counts() == before


@pytest.mark.django_db
def test_amendment_may_not_overlap_another_agreement(manager, dist_a, families):
    first = make_agreement(manager, dist_a)
    make_agreement(
        manager, dist_a, number="VPA-2027", effective_from=dt.date(2027, 1, 1), effective_to=None
    )
    before = counts()
    with pytest.raises(ConflictError) as caught:
        services.amend_agreement(
            actor=manager, agreement=first, reason="extend", effective_to=dt.date(2027, 3, 31)
        )
    assert caught.value.code == "overlapping_agreement"
    assert counts() == before


@pytest.mark.django_db
def test_a_version_written_meanwhile_is_a_conflict_not_a_duplicate(
    manager, dist_a, families, monkeypatch
):
    agreement = make_agreement(manager, dist_a)
    services.amend_agreement(actor=manager, agreement=agreement, reason="v2", currency="EUR")

    def stale_versions(locked):
        return versions_of(locked)[1:]  # as read before the other writer committed version 2

    monkeypatch.setattr(services, "versions_of", stale_versions)
    before = counts()
    with pytest.raises(ConflictError) as caught:
        services.amend_agreement(
            actor=manager, agreement=agreement, reason="v2 again", currency="GBP"
        )
    assert caught.value.code == "version_conflict"
    assert counts() == before


# end_agreement


@pytest.mark.django_db
def test_ending_keeps_the_past_and_closes_the_future(manager, dist_a, families):
    agreement = make_agreement(manager, dist_a, effective_to=None)
    services.amend_agreement(
        actor=manager,
        agreement=agreement,
        reason="promotion",
        effective_from=dt.date(2026, 6, 1),
        effective_to=dt.date(2026, 8, 31),
        discounts=[("NET", "20")],
    )
    ending = services.end_agreement(
        actor=manager, agreement=agreement, end_date=dt.date(2026, 9, 30), reason="Terminated"
    )

    assert (ending.version, ending.ends_agreement) == (3, True)
    assert (ending.effective_from, ending.effective_to) == (
        dt.date(2026, 9, 30),
        dt.date(2026, 9, 30),
    )
    assert version_in_force_for(dist_a.pk, dt.date(2026, 3, 1)).version == 1
    assert version_in_force_for(dist_a.pk, dt.date(2026, 7, 1)).version == 2
    assert version_in_force_for(dist_a.pk, dt.date(2026, 9, 1)).version == 1
    in_force_last_day = version_in_force_for(dist_a.pk, dt.date(2026, 9, 30))
    assert in_force_last_day.version == 3
    assert discounts_of(in_force_last_day) == {"NET": Decimal("12.50"), "SRV": Decimal("5.00")}
    assert version_in_force_for(dist_a.pk, dt.date(2026, 10, 1)) is None
    record = AuditRecord.objects.get(action="agreement.end")
    assert record.reason == "Terminated"
    assert record.changes == {
        "version": [2, 3],
        "effective_from": ["2026-06-01", "2026-09-30"],
        "effective_to": ["2026-08-31", "2026-09-30"],
        "ends_agreement": [False, True],
        "discount[NET]": ["20.00", "12.50"],
        "discount[SRV]": [None, "5.00"],
    }

    before = counts()
    with pytest.raises(DomainError) as caught:
        services.end_agreement(
            actor=manager, agreement=agreement, end_date=dt.date(2026, 9, 30), reason="again"
        )
    assert caught.value.code == "no_change"
    with pytest.raises(DomainError) as caught:
        services.end_agreement(
            actor=manager, agreement=agreement, end_date=dt.date(2027, 1, 1), reason="later"
        )
    assert caught.value.code == "nothing_in_force"
    with pytest.raises(DomainError) as caught:
        services.end_agreement(
            actor=manager, agreement=agreement, end_date=dt.date(2026, 5, 1), reason=""
        )
    assert caught.value.code == "reason_required"
    assert counts() == before


@pytest.mark.django_db
def test_ending_frees_the_distributor_for_a_new_agreement(manager, dist_a, families):
    first = make_agreement(manager, dist_a, effective_to=None)
    services.end_agreement(
        actor=manager, agreement=first, end_date=dt.date(2026, 6, 30), reason="renegotiated"
    )
    second = make_agreement(
        manager, dist_a, number="VPA-2026-H2", effective_from=dt.date(2026, 7, 1)
    )
    assert version_in_force_for(dist_a.pk, dt.date(2026, 6, 30)).agreement == first
    assert version_in_force_for(dist_a.pk, dt.date(2026, 7, 1)).agreement == second


# selectors for other apps


@pytest.mark.django_db
def test_version_in_force_for_a_distributor_and_its_discounts(manager, dist_a, dist_b, families):
    agreement = make_agreement(manager, dist_a)
    services.amend_agreement(
        actor=manager,
        agreement=agreement,
        reason="H2",
        effective_from=dt.date(2026, 7, 1),
        discounts=[("NET", "14")],
    )
    assert version_in_force_for(dist_a.pk, dt.date(2025, 12, 31)) is None
    assert version_in_force_for(dist_b.pk, dt.date(2026, 3, 1)) is None
    found = version_in_force_for(dist_a.pk, dt.date(2026, 3, 1))
    assert (found.agreement.number, found.version) == ("VPA-2026-001", 1)
    assert discount_percent_for(dist_a.pk, "NET", dt.date(2026, 6, 30)) == Decimal("12.50")
    assert discount_percent_for(dist_a.pk, "NET", dt.date(2026, 7, 1)) == Decimal("14.00")
    assert discount_percent_for(dist_a.pk, "SRV", dt.date(2026, 7, 1)) is None
    assert discount_percent_for(dist_a.pk, "NET", dt.date(2027, 1, 1)) is None


@pytest.mark.django_db
def test_version_in_force_for_refuses_to_guess_between_overlapping_agreements(
    manager, dist_a, families
):
    make_agreement(manager, dist_a)
    # Legacy data written around the services: a second agreement over the same year.
    legacy = Agreement.objects.unscoped().create(distributor=dist_a, number="OLD", title="Old")
    AgreementVersion.objects.unscoped().create(
        agreement=legacy,
        version=1,
        effective_from=dt.date(2026, 1, 1),
        currency="USD",
        payment_terms="net30",
        commitment_period="year",
        commitment_unit="units",
        commitment_value=Decimal("10"),
    )
    with pytest.raises(ConflictError) as caught:
        version_in_force_for(dist_a.pk, dt.date(2026, 2, 1))
    assert caught.value.code == "several_in_force"


@pytest.mark.django_db
def test_database_annotation_agrees_with_the_pure_rule(manager, dist_a, families):
    agreement = make_agreement(manager, dist_a, effective_to=None)
    services.amend_agreement(
        actor=manager,
        agreement=agreement,
        reason="promotion",
        effective_from=dt.date(2026, 4, 1),
        effective_to=dt.date(2026, 5, 31),
        currency="EUR",
    )
    services.amend_agreement(
        actor=manager,
        agreement=agreement,
        reason="from August",
        effective_from=dt.date(2026, 8, 1),
        effective_to=None,
        currency="GBP",
    )
    services.end_agreement(
        actor=manager, agreement=agreement, end_date=dt.date(2026, 10, 15), reason="ended"
    )
    versions = versions_of(agreement)
    checked = set()
    first_days = [dt.date(2026, month, 1) for month in range(1, 13)]
    edges = [
        dt.date(2025, 12, 31),
        dt.date(2026, 5, 31),
        dt.date(2026, 10, 15),
        dt.date(2026, 10, 16),
    ]
    for on in [*first_days, *edges]:
        row = with_in_force(Agreement.objects.for_distributor(dist_a.pk), on).get()
        expected = in_force_among(versions, on)
        assert row.version_in_force == (expected.version if expected else None), on
        assert row.in_force == ("yes" if expected else "no")
        assert row.latest_version == 4
        assert row.current_currency == (expected.currency if expected else "GBP")
        checked.add(row.version_in_force)
    assert checked == {None, 1, 2, 3, 4}
    assert selectors.STATUS_CHOICES == [("yes", "In force"), ("no", "Not in force")]
