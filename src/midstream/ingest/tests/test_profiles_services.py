"""Mapping profile services: versions, one current version, audit, validation, suggestions."""

from __future__ import annotations

import pytest

from midstream.accounts.choices import Role
from midstream.core.errors import ConflictError, DomainError
from midstream.core.models import AuditRecord
from midstream.ingest import services
from midstream.ingest.mapping import default_spec
from midstream.ingest.models import MappingProfile
from midstream.ingest.selectors import spec_diff, versions_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(users):
    return users[Role.CHANNEL_MANAGER]


def _spec(**changes) -> dict:
    data = default_spec("tabular", "sell_through").to_dict()
    data["columns"] = {"invoice_number": "Invoice", "quantity": "Qty", "invoice_date": "Date"}
    data.update(changes)
    return data


def _create(manager, distributor, **changes) -> MappingProfile:
    return services.create_mapping_profile(
        actor=manager,
        distributor=distributor,
        kind="sell_through",
        format_family="tabular",
        spec=_spec(**changes),
        reason="Onboarding",
    )


def _rows(distributor) -> list[tuple]:
    return sorted(
        MappingProfile.objects.for_distributor(distributor.pk).values_list(
            "kind", "format_family", "version", "is_current"
        )
    )


def test_create_makes_version_one_current_and_audits(manager, dist_a):
    profile = _create(manager, dist_a)
    assert (profile.version, profile.is_current, profile.created_by) == (1, True, manager)
    assert profile.change_reason == "Onboarding"
    assert profile.spec["columns"]["invoice_number"] == "Invoice"
    assert profile.mapping_spec().columns["quantity"] == "Qty"
    [audit] = AuditRecord.objects.filter(object_type="ingest.mappingprofile")
    assert (audit.action, audit.distributor_id, audit.object_id) == (
        "mapping_profile.create",
        dist_a.pk,
        str(profile.pk),
    )
    assert audit.changes["version"] == [None, 1]
    assert audit.changes["spec.columns"][1]["quantity"] == "Qty"


def test_update_adds_a_version_and_moves_current(manager, dist_a):
    first = _create(manager, dist_a)
    second = services.update_mapping_profile(
        actor=manager,
        profile=first,
        spec=_spec(decimal_separator=",", date_format="%d.%m.%Y"),
        reason="They switched to German exports",
        expected_version=1,
    )
    third = services.update_mapping_profile(
        actor=manager, profile=first, spec=_spec(default_currency="EUR"), reason="Currency"
    )
    assert (second.version, third.version) == (2, 3)
    assert _rows(dist_a) == [
        ("sell_through", "tabular", 1, False),
        ("sell_through", "tabular", 2, False),
        ("sell_through", "tabular", 3, True),
    ]
    first.refresh_from_db()
    assert first.spec == _spec()  # old versions are kept as they were
    assert [p.version for p in versions_of(first)] == [3, 2, 1]
    audit = AuditRecord.objects.get(action="mapping_profile.update", object_id=str(second.pk))
    assert audit.reason == "They switched to German exports"
    assert audit.changes["spec.decimal_separator"] == [".", ","]
    assert audit.changes["version"] == [1, 2]
    assert spec_diff(first.spec, second.spec) == [
        ("date_format", "%Y-%m-%d", "%d.%m.%Y"),
        ("decimal_separator", ".", ","),
    ]


def test_stale_update_is_refused_and_nothing_changes(manager, dist_a):
    first = _create(manager, dist_a)
    services.update_mapping_profile(
        actor=manager, profile=first, spec=_spec(default_currency="EUR"), reason="Currency"
    )
    with pytest.raises(ConflictError) as caught:
        services.update_mapping_profile(
            actor=manager,
            profile=first,
            spec=_spec(default_currency="USD"),
            reason="Late edit",
            expected_version=1,
        )
    assert caught.value.code == "stale_version"
    assert _rows(dist_a) == [
        ("sell_through", "tabular", 1, False),
        ("sell_through", "tabular", 2, True),
    ]


def test_second_create_for_the_same_line_is_a_conflict(manager, dist_a, dist_b):
    _create(manager, dist_a)
    with pytest.raises(ConflictError):
        _create(manager, dist_a)
    other = _create(manager, dist_b)  # another distributor has its own line
    inventory = services.create_mapping_profile(
        actor=manager,
        distributor=dist_a,
        kind="inventory",
        format_family="tabular",
        spec={"columns": {"on_hand": "Stock"}},
    )
    assert (other.version, inventory.version) == (1, 1)
    assert _rows(dist_a) == [
        ("inventory", "tabular", 1, True),
        ("sell_through", "tabular", 1, True),
    ]


def test_one_current_version_is_a_database_constraint(manager, dist_a):
    from django.db import IntegrityError, transaction

    first = _create(manager, dist_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        MappingProfile.objects.unscoped().create(
            distributor=dist_a,
            kind=first.kind,
            format_family=first.format_family,
            version=2,
            is_current=True,
            spec=first.spec,
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"columns": {"shoe_size": "X"}}, "spec.columns.shoe_size"),
        ({"columns": {"invoice_number": "A", "quantity": "A"}}, "spec.columns.quantity"),
        ({"date_format": "%H:%M"}, "spec.date_format"),
        ({"unit_map": {"STK": "XX"}}, "spec.unit_map.STK"),
        ({"decimal_separator": ";"}, "spec.decimal_separator"),
        ({"returns_convention": "sometimes"}, "spec.returns_convention"),
        ({"colour": "red"}, "spec.colour"),
    ],
)
def test_invalid_specs_name_the_field_and_save_nothing(manager, dist_a, changes, field):
    with pytest.raises(DomainError) as caught:
        _create(manager, dist_a, **changes)
    assert (caught.value.code, caught.value.field) == ("invalid_spec", field)
    assert _rows(dist_a) == []
    assert not AuditRecord.objects.filter(object_type="ingest.mappingprofile").exists()


def test_update_needs_a_reason_and_a_change(manager, dist_a):
    first = _create(manager, dist_a)
    with pytest.raises(DomainError) as caught:
        services.update_mapping_profile(actor=manager, profile=first, spec=_spec(), reason=" ")
    assert caught.value.code == "reason_required"
    with pytest.raises(DomainError) as caught:
        services.update_mapping_profile(actor=manager, profile=first, spec=_spec(), reason="x")
    assert caught.value.field == "spec"
    assert _rows(dist_a) == [("sell_through", "tabular", 1, True)]


def test_kind_and_format_are_choices(manager, dist_a):
    with pytest.raises(DomainError) as caught:
        services.create_mapping_profile(
            actor=manager, distributor=dist_a, kind="orders", format_family="tabular", spec={}
        )
    assert caught.value.field == "kind"


def test_suggest_from_a_csv(manager):
    content = "Rechnungsnummer;Datum;Artikelnummer;Menge;Preis\nR1;01.02.2026;A;1;2,50\n"
    suggestion = services.suggest_mapping_profile_from_file(
        actor=manager, content=content.encode(), file_name="report.csv"
    )
    assert suggestion.format_family == "tabular"
    assert suggestion.kind == "sell_through"
    assert suggestion.columns == ("Rechnungsnummer", "Datum", "Artikelnummer", "Menge", "Preis")
    assert suggestion.spec.columns["invoice_number"] == "Rechnungsnummer"
    assert suggestion.spec.columns["quantity"] == "Menge"
    assert not MappingProfile.objects.unscoped().exists()


def test_suggest_from_an_unreadable_file(manager):
    with pytest.raises(DomainError) as caught:
        services.suggest_mapping_profile_from_file(actor=manager, content=b"", file_name="x.csv")
    assert (caught.value.code, caught.value.field) == ("unreadable_file", "file")


def test_every_write_locks_the_distributor_row_first(manager, dist_a, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    locked: list[int] = []
    original = services._lock

    def spy(distributor_id):
        locked.append(distributor_id)
        return original(distributor_id)

    monkeypatch.setattr(services, "_lock", spy)
    with CaptureQueriesContext(connection) as queries:
        first = _create(manager, dist_a)
    services.update_mapping_profile(
        actor=manager, profile=first, spec=_spec(default_currency="EUR"), reason="Second"
    )
    assert locked == [dist_a.pk, dist_a.pk]
    sql = [q["sql"] for q in queries.captured_queries]
    lock_index = next(i for i, q in enumerate(sql) if '"partners_distributor"' in q)
    insert_index = next(i for i, q in enumerate(sql) if q.startswith('INSERT INTO "ingest_'))
    assert lock_index < insert_index
