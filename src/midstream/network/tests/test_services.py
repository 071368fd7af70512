import datetime as dt

import pytest

from midstream.accounts.choices import Role
from midstream.core.errors import ConflictError, DomainError
from midstream.core.models import AuditRecord
from midstream.network import services
from midstream.network.models import Reseller, ResellerAlias, ResellerSupply
from midstream.network.tests.factories import make_alias, make_reseller, make_supply

pytestmark = pytest.mark.django_db


def audit_rows(reseller):
    return list(
        AuditRecord.objects.filter(object_type="network.reseller", object_id=str(reseller.pk))
        .order_by("id")
        .values_list("action", "changes", "reason", "distributor_id")
    )


@pytest.fixture
def manager(users):
    return users[Role.CHANNEL_MANAGER]


def test_create_reseller_normalises_and_audits_every_field(manager, dist_a):
    reseller = services.create_reseller(
        actor=manager,
        partner_id=" r0000042 ",
        name="  Corner   Shop ",
        country="de",
        tax_id="de123456789",
        city="Berlin",
        postal_code="10115",
        tier="gold",
        status="active",
        recruited_by=dist_a,
        onboarding_stage="applied",
        reason="Signed up at the fair",
    )
    reseller.refresh_from_db()
    assert (reseller.partner_id, reseller.name, reseller.country, reseller.tax_id) == (
        "R0000042",
        "Corner Shop",
        "DE",
        "DE123456789",
    )
    assert audit_rows(reseller) == [
        (
            "reseller.create",
            {
                "partner_id": [None, "R0000042"],
                "name": [None, "Corner Shop"],
                "tax_id": [None, "DE123456789"],
                "address_line": [None, ""],
                "city": [None, "Berlin"],
                "postal_code": [None, "10115"],
                "country": [None, "DE"],
                "tier": [None, "gold"],
                "status": [None, "active"],
                "recruited_by": [None, dist_a.pk],
                "onboarding_stage": [None, "applied"],
            },
            "Signed up at the fair",
            None,
        )
    ]


def test_duplicate_partner_id_is_refused_and_nothing_is_written(manager):
    make_reseller(partner_id="R0000001")
    with pytest.raises(ConflictError) as caught:
        services.create_reseller(actor=manager, partner_id="r0000001", name="Other", country="US")
    assert caught.value.code == "duplicate_partner_id"
    assert Reseller.objects.unscoped().count() == 1
    assert AuditRecord.objects.count() == 0


def test_same_tax_id_in_the_same_country_is_one_reseller(manager):
    make_reseller(tax_id="FR999", country="FR")
    with pytest.raises(ConflictError) as caught:
        services.create_reseller(
            actor=manager, partner_id="R0000077", name="Dup", country="FR", tax_id="fr999"
        )
    assert caught.value.code == "duplicate_tax_id"
    other_country = services.create_reseller(
        actor=manager, partner_id="R0000078", name="Elsewhere", country="BE", tax_id="FR999"
    )
    assert other_country.tax_id == "FR999"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("partner_id", "R", "invalid_partner_id"),
        ("name", "   ", "required"),
        ("country", "Germany", "invalid_country"),
        ("tier", "diamond", "invalid_choice"),
    ],
)
def test_invalid_input_is_refused(manager, field, value, code):
    values = {"partner_id": "R0000100", "name": "Valid", "country": "US", field: value}
    with pytest.raises(DomainError) as caught:
        services.create_reseller(actor=manager, **values)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert Reseller.objects.unscoped().count() == 0


def test_update_records_only_what_changed(manager):
    reseller = make_reseller(name="Old Name", city="Austin", tier="registered")
    services.update_reseller(
        actor=manager,
        reseller=reseller,
        name="New Name",
        city="Austin",
        tier="silver",
        reason="rebrand",
    )
    reseller.refresh_from_db()
    assert (reseller.name, reseller.tier) == ("New Name", "silver")
    assert audit_rows(reseller) == [
        (
            "reseller.update",
            {"name": ["Old Name", "New Name"], "tier": ["registered", "silver"]},
            "rebrand",
            None,
        )
    ]


def test_update_without_change_writes_no_audit(manager):
    reseller = make_reseller(name="Same")
    services.update_reseller(actor=manager, reseller=reseller, name="Same")
    assert audit_rows(reseller) == []


def test_update_refuses_the_onboarding_stage(manager):
    reseller = make_reseller()
    with pytest.raises(DomainError) as caught:
        services.update_reseller(actor=manager, reseller=reseller, onboarding_stage="trained")
    assert caught.value.field == "onboarding_stage"
    reseller.refresh_from_db()
    assert reseller.onboarding_stage == "identified"


def test_advance_stage_moves_forward_and_skips(manager):
    reseller = make_reseller(onboarding_stage="contacted")
    services.advance_onboarding_stage(
        actor=manager, reseller=reseller, stage="trained", reason="fast track"
    )
    reseller.refresh_from_db()
    assert reseller.onboarding_stage == "trained"
    assert audit_rows(reseller) == [
        (
            "reseller.advance_stage",
            {"onboarding_stage": ["contacted", "trained"]},
            "fast track",
            None,
        )
    ]


@pytest.mark.parametrize("target", ["identified", "approved"])
def test_advance_stage_never_goes_back_or_stays(manager, target):
    reseller = make_reseller(onboarding_stage="approved")
    with pytest.raises(ConflictError) as caught:
        services.advance_onboarding_stage(actor=manager, reseller=reseller, stage=target)
    assert caught.value.code == "stage_not_forward"
    reseller.refresh_from_db()
    assert reseller.onboarding_stage == "approved"
    assert audit_rows(reseller) == []


def test_aliases_are_added_and_removed_with_audit(manager, dist_a):
    reseller = make_reseller(name="Corner Shop")
    alias = services.add_alias(
        actor=manager, reseller=reseller, alias=" Corner  Shop Ltd ", distributor=dist_a
    )
    assert alias.alias == "Corner Shop Ltd"
    services.remove_alias(actor=manager, alias=alias, reason="typo")
    assert not ResellerAlias.objects.unscoped().exists()
    assert audit_rows(reseller) == [
        (
            "reseller.add_alias",
            {"alias": [None, f"Corner Shop Ltd (distributor {dist_a.pk})"]},
            "",
            dist_a.pk,
        ),
        (
            "reseller.remove_alias",
            {"alias": [f"Corner Shop Ltd (distributor {dist_a.pk})", None]},
            "typo",
            dist_a.pk,
        ),
    ]


def test_duplicate_alias_and_own_name_are_refused(manager):
    reseller = make_reseller(name="Corner Shop")
    make_alias(reseller, "Corner")
    with pytest.raises(ConflictError):
        services.add_alias(actor=manager, reseller=reseller, alias="corner")
    with pytest.raises(DomainError) as caught:
        services.add_alias(actor=manager, reseller=reseller, alias="CORNER SHOP")
    assert caught.value.code == "alias_is_name"
    assert ResellerAlias.objects.unscoped().count() == 1


def test_supply_lifecycle(manager, dist_a):
    reseller = make_reseller()
    supply = services.add_supply(
        actor=manager,
        reseller=reseller,
        distributor=dist_a,
        since=dt.date(2025, 3, 1),
        account_number=" A-77 ",
    )
    assert (supply.since, supply.until, supply.account_number) == (
        dt.date(2025, 3, 1),
        None,
        "A-77",
    )
    with pytest.raises(ConflictError) as caught:
        services.add_supply(
            actor=manager, reseller=reseller, distributor=dist_a, since=dt.date(2025, 4, 1)
        )
    assert caught.value.code == "duplicate_supply"

    with pytest.raises(DomainError) as caught:
        services.end_supply(actor=manager, supply=supply, until=dt.date(2025, 2, 1))
    assert caught.value.code == "supply_end_before_start"
    services.end_supply(actor=manager, supply=supply, until=dt.date(2025, 6, 30), reason="lost")
    with pytest.raises(ConflictError):
        services.end_supply(actor=manager, supply=supply, until=dt.date(2025, 7, 1))

    resumed = services.add_supply(
        actor=manager,
        reseller=reseller,
        distributor=dist_a,
        since=dt.date(2025, 9, 1),
        account_number="A-78",
    )
    assert resumed.pk == supply.pk
    assert (resumed.since, resumed.until) == (dt.date(2025, 9, 1), None)

    label = f"distributor {dist_a.pk}"
    assert audit_rows(reseller) == [
        (
            "reseller.add_supply",
            {"supply": [None, f"{label} since 2025-03-01, account A-77"]},
            "",
            dist_a.pk,
        ),
        (
            "reseller.end_supply",
            {
                "supply": [
                    f"{label} since 2025-03-01, account A-77",
                    f"{label} since 2025-03-01, account A-77, until 2025-06-30",
                ]
            },
            "lost",
            dist_a.pk,
        ),
        (
            "reseller.resume_supply",
            {
                "supply": [
                    f"{label} since 2025-03-01, account A-77, until 2025-06-30",
                    f"{label} since 2025-09-01, account A-78",
                ]
            },
            "",
            dist_a.pk,
        ),
    ]


def test_remove_supply_deletes_the_row(manager, dist_a):
    reseller = make_reseller()
    supply = make_supply(reseller, dist_a, since=dt.date(2024, 1, 1))
    services.remove_supply(actor=manager, supply=supply, reason="recorded by mistake")
    assert not ResellerSupply.objects.unscoped().exists()
    assert audit_rows(reseller) == [
        (
            "reseller.remove_supply",
            {"supply": [f"distributor {dist_a.pk} since 2024-01-01", None]},
            "recorded by mistake",
            dist_a.pk,
        )
    ]


def test_a_terminated_distributor_supplies_no_one(manager, dist_a):
    dist_a.status = "terminated"
    dist_a.save()
    with pytest.raises(DomainError) as caught:
        services.add_supply(
            actor=manager, reseller=make_reseller(), distributor=dist_a, since=dt.date(2025, 1, 1)
        )
    assert caught.value.code == "inactive_distributor"
    assert not ResellerSupply.objects.unscoped().exists()
