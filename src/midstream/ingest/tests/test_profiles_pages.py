"""Mapping profile pages: list, detail with versions and diff, create, new version, suggest."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from midstream.accounts.choices import Role
from midstream.core.models import AuditRecord
from midstream.ingest import services
from midstream.ingest.mapping import default_spec
from midstream.ingest.models import MappingProfile

pytestmark = pytest.mark.django_db

LIST = reverse("ingest:profile_list")
CREATE = reverse("ingest:profile_create")
SUGGEST = reverse("ingest:profile_suggest")


def _spec(**changes) -> dict:
    data = default_spec("tabular", "sell_through").to_dict()
    data["columns"] = {"invoice_number": "Invoice", "quantity": "Qty"}
    data.update(changes)
    return data


@pytest.fixture
def profiles(users, dist_a, dist_b):
    manager = users[Role.CHANNEL_MANAGER]
    alpha = services.create_mapping_profile(
        actor=manager,
        distributor=dist_a,
        kind="sell_through",
        format_family="tabular",
        spec=_spec(),
        reason="Onboarding",
    )
    alpha2 = services.update_mapping_profile(
        actor=manager, profile=alpha, spec=_spec(decimal_separator=","), reason="German export"
    )
    bravo = services.create_mapping_profile(
        actor=manager,
        distributor=dist_b,
        kind="sell_through",
        format_family="tabular",
        spec=_spec(columns={"invoice_number": "BravoSecretColumn"}),
    )
    return {"alpha": alpha, "alpha2": alpha2, "bravo": bravo}


def _form(**changes) -> dict:
    data = {
        "kind": "sell_through",
        "format_family": "tabular",
        "date_format": "%d.%m.%Y",
        "decimal_separator": ",",
        "thousands_separator": ".",
        "returns_convention": "transaction_type",
        "return_codes": "RE, GS",
        "unit_map": "STK=EA\nKAR=bx\n",
        "default_unit": "EA",
        "default_currency": "eur",
        "product_qualifiers": "",
        "invoice_qualifiers": "",
        "reseller_roles": "",
        "end_customer_role": "",
        "required_fields": ["invoice_number", "quantity"],
        "col__invoice_number": "Rechnung",
        "col__quantity": "Menge",
        "col__sku": "Artikel",
        "reason": "Onboarding",
    }
    data.update(changes)
    return data


def _count() -> int:
    return MappingProfile.objects.unscoped().count()


def test_list_with_fixed_queries(client_for, profiles, django_assert_num_queries):
    client = client_for(Role.ANALYST)
    client.get(LIST)  # warm the session
    with django_assert_num_queries(5):
        response = client.get(LIST, {"current": "True"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "ALPHA" in body and "BRAVO" in body
    assert "German export" in body
    assert "Onboarding" not in body  # version 1 is not current
    with django_assert_num_queries(5):
        every = client.get(LIST)
    assert "Onboarding" in every.content.decode()
    for number in range(3):  # more rows, same number of queries
        services.update_mapping_profile(
            actor=profiles["alpha"].created_by,
            profile=profiles["alpha"],
            spec=_spec(default_currency=["EUR", "USD", "GBP"][number]),
            reason=f"Change {number}",
        )
    with django_assert_num_queries(5):
        more = client.get(LIST)
    assert more.context["listing"].total == 6
    assert "New mapping profile" not in body  # analysts cannot change


def test_list_export_csv(client_for, profiles):
    response = client_for(Role.ANALYST).get(LIST, {"export": "csv", "current": "True"})
    assert response.status_code == 200
    rows = b"".join(response.streaming_content if response.streaming else [response.content])
    lines = rows.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("Distributor,Report,Format,Version")
    assert len(lines) == 3


def test_distributor_user_sees_own_profiles_read_only(client_for, profiles):
    client = client_for(Role.DISTRIBUTOR_USER)
    body = client.get(LIST).content.decode()
    assert "ALPHA" in body and "BravoSecretColumn" not in body and "BRAVO" not in body
    detail = client.get(reverse("ingest:profile_detail", args=[profiles["alpha2"].pk]))
    assert detail.status_code == 200
    assert "New version" not in detail.content.decode()
    foreign = client.get(reverse("ingest:profile_detail", args=[profiles["bravo"].pk]))
    assert foreign.status_code == 404
    edit = client.get(reverse("ingest:profile_update", args=[profiles["alpha2"].pk]))
    assert edit.status_code == 403


def test_detail_shows_versions_and_the_diff(client_for, profiles):
    client = client_for(Role.CHANNEL_MANAGER)
    response = client.get(reverse("ingest:profile_detail", args=[profiles["alpha2"].pk]))
    assert response.status_code == 200
    assert response.context["diff"] == [("decimal_separator", ".", ",")]
    assert [v.version for v in response.context["versions"]] == [2, 1]
    assert "Changes from version 1 to version 2" in response.content.decode()
    first = client.get(reverse("ingest:profile_detail", args=[profiles["alpha"].pk]))
    assert first.context["compare_to"] is None
    compared = client.get(
        reverse("ingest:profile_detail", args=[profiles["alpha"].pk]), {"compare": "2"}
    )
    assert compared.context["diff"] == [("decimal_separator", ",", ".")]


def test_create_form_has_one_input_per_field(client_for, dist_a):
    response = client_for(Role.CHANNEL_MANAGER).get(CREATE)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="col__invoice_number"' in body
    assert 'name="col__reseller_name"' in body
    assert 'name="date_format"' in body
    assert 'name="unit_map"' in body
    assert 'name="spec"' not in body
    inventory = client_for(Role.CHANNEL_MANAGER).get(CREATE, {"kind": "inventory"})
    assert 'name="col__on_hand"' in inventory.content.decode()


def test_create_saves_a_profile(client_for, dist_a):
    response = client_for(Role.CHANNEL_MANAGER).post(CREATE, _form(distributor=dist_a.pk))
    assert response.status_code == 302
    profile = MappingProfile.objects.for_distributor(dist_a.pk).get()
    assert response["Location"] == reverse("ingest:profile_detail", args=[profile.pk])
    spec = profile.mapping_spec()
    assert dict(spec.columns) == {
        "invoice_number": "Rechnung",
        "quantity": "Menge",
        "sku": "Artikel",
    }
    assert (spec.date_format, spec.decimal_separator, spec.thousands_separator) == (
        "%d.%m.%Y",
        ",",
        ".",
    )
    assert dict(spec.unit_map) == {"STK": "EA", "KAR": "BX"}
    assert spec.return_codes == ("RE", "GS")
    assert spec.default_currency == "EUR"
    assert spec.required_fields == ("invoice_number", "quantity")
    assert profile.change_reason == "Onboarding"


def test_create_errors_land_on_the_field(client_for, dist_a):
    client = client_for(Role.CHANNEL_MANAGER)
    same_column = client.post(CREATE, _form(distributor=dist_a.pk, col__quantity="Rechnung"))
    assert same_column.status_code == 200
    assert same_column.context["form"].errors["col__quantity"]
    bad_unit = client.post(CREATE, _form(distributor=dist_a.pk, unit_map="STK=XX"))
    assert "unit_map" in bad_unit.context["form"].errors
    bad_line = client.post(CREATE, _form(distributor=dist_a.pk, unit_map="STK"))
    assert "unit_map" in bad_line.context["form"].errors
    bad_date = client.post(CREATE, _form(distributor=dist_a.pk, date_format="%H"))
    assert "date_format" in bad_date.context["form"].errors
    assert _count() == 0


def test_create_is_forbidden_without_change_distributors(client_for, dist_a):
    for role in (Role.ANALYST, Role.DISTRIBUTOR_ADMIN):
        response = client_for(role).post(CREATE, _form(distributor=dist_a.pk))
        assert response.status_code == 403
    assert _count() == 0


def test_new_version_from_the_edit_page(client_for, profiles):
    client = client_for(Role.CHANNEL_MANAGER)
    url = reverse("ingest:profile_update", args=[profiles["alpha"].pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["decimal_separator"] == ","  # from the current version
    response = client.post(url, _form(reason="Switched to semicolons", expected_version="2"))
    assert response.status_code == 302
    versions = list(
        MappingProfile.objects.for_distributor(profiles["alpha"].distributor_id)
        .order_by("version")
        .values_list("version", "is_current")
    )
    assert versions == [(1, False), (2, False), (3, True)]
    stale = client.post(url, _form(reason="Late", date_format="%Y%m%d", expected_version="2"))
    assert stale.status_code == 200
    assert "changed meanwhile" in stale.content.decode()
    no_reason = client.post(url, _form(reason="", date_format="%Y%m%d"))
    assert "reason" in no_reason.context["form"].errors
    assert _count() == 4
    assert AuditRecord.objects.filter(action="mapping_profile.update").count() == 2


def test_suggest_prefills_the_create_form_with_the_files_columns(client_for, dist_a):
    client = client_for(Role.CHANNEL_MANAGER)
    upload = SimpleUploadedFile(
        "report.csv", b"Rechnungsnummer;Datum;Menge;Artikelnummer\nR1;01.02.2026;1;A\n"
    )
    response = client.post(SUGGEST, {"file": upload, "kind": "sell_through"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["col__invoice_number"] == "Rechnungsnummer"
    assert form.initial["col__quantity"] == "Menge"
    body = response.content.decode()
    assert '<option value="Rechnungsnummer"' in body
    assert 'name="source_columns" value="Datum"' in body
    assert _count() == 0
    saved = client.post(
        f"{CREATE}?kind=sell_through",
        _form(
            distributor=dist_a.pk,
            source_columns=["Rechnungsnummer", "Datum", "Menge", "Artikelnummer"],
            col__invoice_number="Rechnungsnummer",
            col__quantity="Menge",
            col__sku="",
        ),
    )
    assert saved.status_code == 302
    spec = MappingProfile.objects.for_distributor(dist_a.pk).get().mapping_spec()
    assert dict(spec.columns) == {"invoice_number": "Rechnungsnummer", "quantity": "Menge"}


def test_suggest_with_an_unreadable_file(client_for):
    client = client_for(Role.CHANNEL_MANAGER)
    response = client.post(
        SUGGEST, {"file": SimpleUploadedFile("x.csv", b"\x00\x01"), "kind": "sell_through"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_admin_shows_profiles_but_never_writes(users, profiles):
    from django.test import Client

    admin = users[Role.VENDOR_ADMIN]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    assert client.get("/admin/ingest/mappingprofile/").status_code == 200
    page = client.get(f"/admin/ingest/mappingprofile/{profiles['alpha'].pk}/change/")
    assert page.status_code == 200
    assert client.get("/admin/ingest/mappingprofile/add/").status_code == 403
    changed = client.post(
        f"/admin/ingest/mappingprofile/{profiles['alpha'].pk}/change/", {"version": "9"}
    )
    assert changed.status_code == 403
    assert _count() == 3
