import datetime as dt

import pytest
from django.utils import timezone

from midstream.accounts.choices import Role
from midstream.core.errors import ConflictError, DomainError
from midstream.core.models import AuditRecord
from midstream.partners import services
from midstream.partners.models import (
    Contact,
    Distributor,
    DistributorStatusChange,
    OnboardingItem,
    ReportingObligation,
    Territory,
)
from midstream.partners.tests.factories import (
    make_contact,
    make_distributor,
    make_obligation,
    make_onboarding_item,
    make_territory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(users):
    return users[Role.CHANNEL_MANAGER]


def audits(action=None):
    records = AuditRecord.objects.order_by("id")
    if action:
        records = records.filter(action=action)
    return list(records)


def status_rows(distributor):
    return list(
        DistributorStatusChange.objects.for_distributor(distributor.pk)
        .order_by("at", "id")
        .values_list("from_status", "to_status", "reason")
    )


# --- distributors -------------------------------------------------------------------------


def test_create_distributor_starts_as_prospect_with_history_and_audit(manager):
    distributor = services.create_distributor(
        actor=manager,
        code="charlie",
        legal_name="  Charlie Trading SA ",
        country="fr",
        region="EMEA",
        currency="eur",
        program_track="value_added",
        website="https://charlie.example",
        reason="Signed NDA",
    )

    assert distributor.code == "CHARLIE"
    assert distributor.legal_name == "Charlie Trading SA"
    assert (distributor.country, distributor.currency) == ("FR", "EUR")
    assert distributor.status == "prospect"
    assert status_rows(distributor) == [("", "prospect", "Signed NDA")]
    [record] = audits("distributor.create")
    assert record.actor == manager
    assert record.distributor_id == distributor.pk
    assert record.object_type == "partners.distributor"
    assert record.object_id == str(distributor.pk)
    assert record.reason == "Signed NDA"
    assert record.changes == {
        "code": [None, "CHARLIE"],
        "legal_name": [None, "Charlie Trading SA"],
        "country": [None, "FR"],
        "region": [None, "EMEA"],
        "currency": [None, "EUR"],
        "program_track": [None, "value_added"],
        "status": [None, "prospect"],
        "website": [None, "https://charlie.example"],
        "notes": [None, ""],
    }


def test_a_duplicate_code_is_refused_and_nothing_is_written(manager, dist_a):
    before = audits()
    with pytest.raises(ConflictError) as caught:
        services.create_distributor(
            actor=manager,
            code="ALPHA",
            legal_name="Another Alpha",
            country="US",
            region="AMER",
            currency="USD",
            program_track="broadline",
        )
    assert caught.value.code == "duplicate_code"
    assert caught.value.field == "code"
    assert Distributor.objects.unscoped().filter(code="ALPHA").count() == 1
    assert audits() == before


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("code", "x", "invalid_value"),
        ("code", "HAS SPACE", "invalid_value"),
        ("country", "Germany", "invalid_value"),
        ("region", "MARS", "invalid_value"),
        ("currency", "XXX", "invalid_currency"),
        ("program_track", "gold", "invalid_value"),
        ("legal_name", "   ", "invalid_value"),
        ("website", "javascript:alert(1)", "invalid_value"),
    ],
)
def test_create_distributor_refuses_bad_values(manager, field, value, code):
    values = {
        "code": "DELTA",
        "legal_name": "Delta",
        "country": "US",
        "region": "AMER",
        "currency": "USD",
        "program_track": "broadline",
    }
    values[field] = value
    with pytest.raises(DomainError) as caught:
        services.create_distributor(actor=manager, **values)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert not Distributor.objects.unscoped().filter(code="DELTA").exists()
    assert audits() == []


def test_update_distributor_records_only_what_changed(manager, dist_a):
    services.update_distributor(
        actor=manager,
        distributor=dist_a,
        legal_name="Alpha Distribution Incorporated",
        currency="USD",
        program_track="specialty",
        reason="Rebranded",
    )

    dist_a.refresh_from_db()
    assert dist_a.legal_name == "Alpha Distribution Incorporated"
    assert dist_a.program_track == "specialty"
    [record] = audits("distributor.update")
    assert record.changes == {
        "legal_name": ["Alpha Distribution Inc", "Alpha Distribution Incorporated"],
        "program_track": ["broadline", "specialty"],
    }
    assert record.reason == "Rebranded"
    assert record.distributor_id == dist_a.pk


def test_an_update_that_changes_nothing_writes_no_audit(manager, dist_a):
    services.update_distributor(actor=manager, distributor=dist_a, legal_name=dist_a.legal_name)
    assert audits() == []


@pytest.mark.parametrize("field", ["code", "status"])
def test_code_and_status_are_not_edited_as_facts(manager, dist_a, field):
    with pytest.raises(DomainError) as caught:
        services.update_distributor(actor=manager, distributor=dist_a, **{field: "SUSPENDED"})
    assert caught.value.field == field
    dist_a.refresh_from_db()
    assert (dist_a.code, dist_a.status) == ("ALPHA", "active")
    assert audits() == []


# --- lifecycle ----------------------------------------------------------------------------


def test_a_legal_transition_is_recorded_with_who_when_and_why(manager, dist_a):
    before = timezone.now()
    distributor = services.change_distributor_status(
        actor=manager, distributor=dist_a, to_status="suspended", reason="Overdue reports"
    )

    assert distributor.status == "suspended"
    dist_a.refresh_from_db()
    assert dist_a.status == "suspended"
    assert dist_a.status_changed_at >= before
    [change] = DistributorStatusChange.objects.for_distributor(dist_a.pk)
    assert (change.from_status, change.to_status, change.actor, change.reason) == (
        "active",
        "suspended",
        manager,
        "Overdue reports",
    )
    assert change.at == dist_a.status_changed_at
    [record] = audits("distributor.change_status")
    assert record.changes == {"status": ["active", "suspended"]}
    assert record.reason == "Overdue reports"
    assert record.distributor_id == dist_a.pk


def test_the_whole_lifecycle_can_be_walked(manager):
    distributor = services.create_distributor(
        actor=manager,
        code="ECHO",
        legal_name="Echo",
        country="JP",
        region="APAC",
        currency="JPY",
        program_track="regional",
    )
    for status in ["onboarding", "active", "suspended", "active", "terminated"]:
        services.change_distributor_status(
            actor=manager, distributor=distributor, to_status=status, reason=f"to {status}"
        )
    assert [to for _from, to, _why in status_rows(distributor)] == [
        "prospect",
        "onboarding",
        "active",
        "suspended",
        "active",
        "terminated",
    ]


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("prospect", "active"),
        ("onboarding", "suspended"),
        ("active", "onboarding"),
        ("suspended", "prospect"),
        ("terminated", "active"),
        ("active", "active"),
    ],
)
def test_an_illegal_transition_is_refused_and_nothing_changes(manager, start, target):
    distributor = make_distributor("FOXTROT", status=start)
    with pytest.raises(ConflictError) as caught:
        services.change_distributor_status(
            actor=manager, distributor=distributor, to_status=target, reason="Try"
        )
    assert caught.value.code == "illegal_transition"
    assert caught.value.status == 409
    distributor.refresh_from_db()
    assert distributor.status == start
    assert distributor.status_changed_at is None
    assert status_rows(distributor) == []
    assert audits() == []


def test_a_status_change_needs_a_reason(manager, dist_a):
    with pytest.raises(DomainError) as caught:
        services.change_distributor_status(
            actor=manager, distributor=dist_a, to_status="suspended", reason="  "
        )
    assert (caught.value.code, caught.value.field) == ("reason_required", "reason")
    dist_a.refresh_from_db()
    assert dist_a.status == "active"
    assert audits() == []


# --- territories --------------------------------------------------------------------------


def test_add_territory_is_audited(manager, dist_a):
    territory = services.add_territory(
        actor=manager, distributor=dist_a, region="AMER", country="ca", exclusive=True
    )
    assert (territory.region, territory.country, territory.exclusive) == ("AMER", "CA", True)
    [record] = audits("territory.add")
    assert record.object_type == "partners.territory"
    assert record.distributor_id == dist_a.pk
    assert record.changes == {
        "region": [None, "AMER"],
        "country": [None, "CA"],
        "exclusive": [None, True],
    }


@pytest.mark.parametrize(
    ("region", "country", "exclusive"),
    [
        ("EMEA", "DE", True),  # exclusive over another's exclusive country
        ("EMEA", "", True),  # exclusive region covering another's exclusive country
        ("EMEA", "DE", False),  # non-exclusive where someone else is exclusive
        ("EMEA", "", False),  # non-exclusive region containing another's exclusive country
    ],
)
def test_overlapping_another_distributors_exclusive_territory_is_refused(
    manager, dist_a, dist_b, region, country, exclusive
):
    make_territory(dist_b, region="EMEA", country="DE", exclusive=True)
    with pytest.raises(ConflictError) as caught:
        services.add_territory(
            actor=manager, distributor=dist_a, region=region, country=country, exclusive=exclusive
        )
    assert caught.value.code == "territory_conflict"
    assert caught.value.message.startswith("BRAVO holds DE exclusively, so ALPHA cannot have")
    assert Territory.objects.for_distributor(dist_a.pk).count() == 0
    assert audits() == []


def test_a_non_exclusive_country_inside_an_exclusive_region_is_refused(manager, dist_a, dist_b):
    make_territory(dist_b, region="EMEA", country="", exclusive=True)
    with pytest.raises(ConflictError) as caught:
        services.add_territory(actor=manager, distributor=dist_a, region="EMEA", country="FR")
    assert caught.value.message == (
        "BRAVO holds all of EMEA exclusively, so ALPHA cannot have a territory for FR."
    )


def test_what_does_not_overlap_an_exclusive_territory_is_allowed(manager, dist_a, dist_b):
    make_territory(dist_b, region="EMEA", country="DE", exclusive=True)
    make_territory(dist_b, region="AMER", country="US", exclusive=False)

    services.add_territory(
        actor=manager, distributor=dist_a, region="EMEA", country="FR", exclusive=True
    )
    services.add_territory(actor=manager, distributor=dist_a, region="AMER", country="US")

    assert sorted(
        Territory.objects.for_distributor(dist_a.pk).values_list("country", "exclusive")
    ) == [("FR", True), ("US", False)]


def test_a_terminated_distributors_exclusivity_no_longer_blocks(manager, dist_a, dist_b):
    make_territory(dist_b, region="EMEA", country="DE", exclusive=True)
    dist_b.status = "terminated"
    dist_b.save()

    territory = services.add_territory(
        actor=manager, distributor=dist_a, region="EMEA", country="DE", exclusive=True
    )
    assert territory.exclusive is True


def test_the_same_territory_twice_is_refused(manager, dist_a):
    make_territory(dist_a, region="AMER", country="US")
    with pytest.raises(ConflictError) as caught:
        services.add_territory(actor=manager, distributor=dist_a, region="AMER", country="US")
    assert caught.value.code == "duplicate_territory"
    assert Territory.objects.for_distributor(dist_a.pk).count() == 1


def test_making_a_territory_exclusive_into_a_conflict_is_refused(manager, dist_a, dist_b):
    make_territory(dist_b, region="EMEA", country="DE", exclusive=True)
    territory = make_territory(dist_a, region="EMEA", country="FR", exclusive=False)
    with pytest.raises(ConflictError):
        services.update_territory(actor=manager, territory=territory, country="DE")
    territory.refresh_from_db()
    assert (territory.country, territory.exclusive) == ("FR", False)
    assert audits() == []


def test_update_and_remove_territory_are_audited(manager, dist_a):
    territory = make_territory(dist_a, region="AMER", country="US")
    services.update_territory(actor=manager, territory=territory, exclusive=True, reason="Deal")
    pk = territory.pk
    services.remove_territory(actor=manager, territory=territory, reason="Lost it")

    update, remove = audits()
    assert (update.action, update.changes, update.reason) == (
        "territory.update",
        {"exclusive": [False, True]},
        "Deal",
    )
    assert (remove.action, remove.object_id, remove.distributor_id) == (
        "territory.remove",
        str(pk),
        dist_a.pk,
    )
    assert remove.changes == {
        "region": ["AMER", None],
        "country": ["US", None],
        "exclusive": [True, None],
    }
    assert not Territory.objects.for_distributor(dist_a.pk).exists()


# --- contacts -----------------------------------------------------------------------------


def test_a_new_primary_contact_demotes_the_previous_one(manager, dist_a):
    old = make_contact(dist_a, name="Old Primary", email="old@alpha.example", is_primary=True)
    new = services.add_contact(
        actor=manager,
        distributor=dist_a,
        name="New Primary",
        email="new@alpha.example",
        is_primary=True,
    )

    old.refresh_from_db()
    assert (old.is_primary, new.is_primary) == (False, True)
    demotion, added = audits()
    assert (demotion.action, demotion.object_id, demotion.changes) == (
        "contact.update",
        str(old.pk),
        {"is_primary": [True, False]},
    )
    assert added.action == "contact.add"
    assert added.changes["email"] == [None, "new@alpha.example"]


def test_a_contact_needs_a_valid_email(manager, dist_a):
    with pytest.raises(DomainError) as caught:
        services.add_contact(actor=manager, distributor=dist_a, name="X", email="not-an-email")
    assert caught.value.field == "email"
    assert not Contact.objects.for_distributor(dist_a.pk).exists()


def test_update_and_remove_contact(manager, dist_a):
    contact = make_contact(dist_a)
    services.update_contact(actor=manager, contact=contact, phone="+1 555 0199")
    services.remove_contact(actor=manager, contact=contact)
    update, remove = audits()
    assert update.changes == {"phone": ["", "+1 555 0199"]}
    assert remove.action == "contact.remove"
    assert not Contact.objects.for_distributor(dist_a.pk).exists()


# --- onboarding checklist -----------------------------------------------------------------


def test_onboarding_items_go_to_the_end_of_the_list(manager, dist_a, users):
    first = services.add_onboarding_item(actor=manager, distributor=dist_a, item="Credit check")
    second = services.add_onboarding_item(
        actor=manager,
        distributor=dist_a,
        item="EDI test",
        owner=users[Role.DISTRIBUTOR_ADMIN],
        due_date=dt.date(2026, 3, 1),
    )
    assert (first.position, second.position) == (0, 1)
    record = audits("onboarding_item.add")[1]
    assert record.changes == {
        "item": [None, "EDI test"],
        "owner": [None, users[Role.DISTRIBUTOR_ADMIN].pk],
        "due_date": [None, "2026-03-01"],
        "done_date": [None, None],
        "position": [None, 1],
    }


def test_an_owner_from_another_distributor_is_refused(manager, dist_a, users):
    with pytest.raises(DomainError) as caught:
        services.add_onboarding_item(
            actor=manager, distributor=dist_a, item="EDI test", owner=users["foreign_admin"]
        )
    assert (caught.value.code, caught.value.field) == ("invalid_owner", "owner")
    assert not OnboardingItem.objects.for_distributor(dist_a.pk).exists()


def test_complete_and_reopen_an_onboarding_item(manager, dist_a):
    item = make_onboarding_item(dist_a)
    services.complete_onboarding_item(
        actor=manager, onboarding_item=item, done_date=dt.date(2025, 5, 2)
    )
    item.refresh_from_db()
    assert item.done_date == dt.date(2025, 5, 2)

    with pytest.raises(ConflictError) as caught:
        services.complete_onboarding_item(actor=manager, onboarding_item=item)
    assert caught.value.code == "already_done"

    services.reopen_onboarding_item(actor=manager, onboarding_item=item, reason="Redo")
    item.refresh_from_db()
    assert item.done_date is None
    with pytest.raises(ConflictError) as caught:
        services.reopen_onboarding_item(actor=manager, onboarding_item=item)
    assert caught.value.code == "not_done"

    complete, reopen = audits()
    assert (complete.action, complete.changes) == (
        "onboarding_item.complete",
        {"done_date": [None, "2025-05-02"]},
    )
    assert (reopen.action, reopen.changes, reopen.reason) == (
        "onboarding_item.reopen",
        {"done_date": ["2025-05-02", None]},
        "Redo",
    )


def test_completing_defaults_to_today_and_refuses_the_future(manager, dist_a):
    item = make_onboarding_item(dist_a)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(DomainError) as caught:
        services.complete_onboarding_item(actor=manager, onboarding_item=item, done_date=tomorrow)
    assert caught.value.field == "done_date"
    item.refresh_from_db()
    assert item.done_date is None

    services.complete_onboarding_item(actor=manager, onboarding_item=item)
    item.refresh_from_db()
    assert item.done_date == timezone.localdate()


def test_update_and_remove_onboarding_item(manager, dist_a):
    item = make_onboarding_item(dist_a, item="Old text")
    services.update_onboarding_item(actor=manager, onboarding_item=item, item="New text")
    with pytest.raises(DomainError):
        services.update_onboarding_item(
            actor=manager, onboarding_item=item, done_date=dt.date(2025, 1, 1)
        )
    services.remove_onboarding_item(actor=manager, onboarding_item=item)
    update, remove = audits()
    assert update.changes == {"item": ["Old text", "New text"]}
    assert remove.action == "onboarding_item.remove"
    assert not OnboardingItem.objects.for_distributor(dist_a.pk).exists()


# --- reporting obligations ----------------------------------------------------------------


def test_add_reporting_obligation_is_audited(manager, dist_a):
    obligation = services.add_reporting_obligation(
        actor=manager,
        distributor=dist_a,
        report_type="inventory",
        frequency="weekly",
        due_days=3,
        active_from=dt.date(2025, 1, 6),
    )
    assert str(obligation) == "Inventory weekly, due +3d"
    [record] = audits("reporting_obligation.add")
    assert record.distributor_id == dist_a.pk
    assert record.changes == {
        "report_type": [None, "inventory"],
        "frequency": [None, "weekly"],
        "due_days": [None, 3],
        "active_from": [None, "2025-01-06"],
        "active_to": [None, None],
    }


def test_overlapping_obligations_of_one_report_type_are_refused(manager, dist_a):
    make_obligation(dist_a, active_from=dt.date(2025, 1, 1))
    with pytest.raises(ConflictError) as caught:
        services.add_reporting_obligation(
            actor=manager,
            distributor=dist_a,
            report_type="sell_through",
            frequency="weekly",
            due_days=5,
            active_from=dt.date(2025, 6, 1),
        )
    assert caught.value.code == "obligation_overlap"
    assert ReportingObligation.objects.for_distributor(dist_a.pk).count() == 1
    assert audits() == []


def test_ending_an_obligation_makes_room_for_the_next(manager, dist_a):
    current = make_obligation(dist_a, active_from=dt.date(2025, 1, 1))
    services.update_reporting_obligation(
        actor=manager, obligation=current, active_to=dt.date(2025, 5, 31)
    )
    services.add_reporting_obligation(
        actor=manager,
        distributor=dist_a,
        report_type="sell_through",
        frequency="weekly",
        due_days=5,
        active_from=dt.date(2025, 6, 1),
    )
    update = audits("reporting_obligation.update")[0]
    assert update.changes == {"active_to": [None, "2025-05-31"]}
    assert ReportingObligation.objects.for_distributor(dist_a.pk).count() == 2


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"due_days": 91}, "due_days"),
        ({"due_days": -1}, "due_days"),
        ({"frequency": "daily"}, "frequency"),
        ({"active_to": dt.date(2024, 12, 31)}, "active_to"),
    ],
)
def test_bad_obligations_are_refused(manager, dist_a, values, field):
    arguments = {
        "report_type": "sell_through",
        "frequency": "monthly",
        "due_days": 10,
        "active_from": dt.date(2025, 1, 1),
    } | values
    with pytest.raises(DomainError) as caught:
        services.add_reporting_obligation(actor=manager, distributor=dist_a, **arguments)
    assert caught.value.field == field
    assert not ReportingObligation.objects.for_distributor(dist_a.pk).exists()


def test_remove_obligation(manager, dist_a):
    obligation = make_obligation(dist_a)
    services.remove_reporting_obligation(actor=manager, obligation=obligation, reason="Ended")
    [record] = audits()
    assert (record.action, record.reason) == ("reporting_obligation.remove", "Ended")
    assert record.changes["report_type"] == ["sell_through", None]
    assert not ReportingObligation.objects.for_distributor(dist_a.pk).exists()
