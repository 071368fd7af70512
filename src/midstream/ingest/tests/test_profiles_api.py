"""Mapping profile API: list, get, create, new version, versions, suggest; scope and roles."""

from __future__ import annotations

import json

import pytest

from midstream.accounts.choices import Role
from midstream.core.models import AuditRecord
from midstream.ingest import services
from midstream.ingest.mapping import default_spec
from midstream.ingest.models import MappingProfile

pytestmark = pytest.mark.django_db

URL = "/api/mapping-profiles"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


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
    )
    alpha2 = services.update_mapping_profile(
        actor=manager, profile=alpha, spec=_spec(decimal_separator=","), reason="German"
    )
    bravo = services.create_mapping_profile(
        actor=manager,
        distributor=dist_b,
        kind="inventory",
        format_family="x12",
        spec=default_spec("x12", "inventory").to_dict(),
    )
    return {"alpha": alpha, "alpha2": alpha2, "bravo": bravo}


def _count() -> int:
    return MappingProfile.objects.unscoped().count()


def test_vendor_list_shows_current_versions_with_fixed_queries(
    api_client_for, profiles, django_assert_num_queries
):
    client = api_client_for(Role.ANALYST)
    with django_assert_num_queries(4):
        response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(p["distributor_code"], p["kind"], p["version"]) for p in body["items"]] == [
        ("ALPHA", "sell_through", 2),
        ("BRAVO", "inventory", 1),
    ]
    assert body["items"][0]["spec"]["decimal_separator"] == ","
    assert body["items"][0]["created_by"] == "channel_manager"
    every = client.get(
        URL, {"current": "false", "distributor_id": profiles["alpha"].distributor_id}
    )
    assert [p["version"] for p in every.json()["items"]] == [2, 1]
    assert client.get(URL, {"format_family": "x12"}).json()["count"] == 1


def test_distributor_user_sees_own_profiles_only(api_client_for, profiles):
    client = api_client_for(Role.DISTRIBUTOR_USER)
    body = client.get(URL).json()
    assert [p["distributor_code"] for p in body["items"]] == ["ALPHA"]
    assert client.get(f"{URL}/{profiles['bravo'].pk}").status_code == 404
    assert client.get(f"{URL}/{profiles['bravo'].pk}/versions").status_code == 404
    assert client.get(f"{URL}/{profiles['alpha'].pk}").json()["version"] == 1


def test_get_and_versions(api_client_for, profiles):
    client = api_client_for(Role.ANALYST)
    response = client.get(f"{URL}/{profiles['alpha'].pk}/versions")
    assert [(p["version"], p["is_current"]) for p in response.json()["items"]] == [
        (2, True),
        (1, False),
    ]


def test_create(api_client_for, dist_a):
    client = api_client_for(Role.CHANNEL_MANAGER)
    response = post(
        client,
        URL,
        {
            "distributor_id": dist_a.pk,
            "kind": "sell_through",
            "format_family": "tabular",
            "spec": {"columns": {"invoice_number": "Beleg"}, "date_format": "%d.%m.%Y"},
            "reason": "Onboarding",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["version"], body["is_current"], body["distributor_code"]) == (1, True, "ALPHA")
    assert body["spec"]["columns"] == {"invoice_number": "Beleg"}
    assert body["spec"]["date_format"] == "%d.%m.%Y"
    assert AuditRecord.objects.filter(action="mapping_profile.create").count() == 1


def test_create_with_a_bad_spec_names_the_field(api_client_for, dist_a):
    client = api_client_for(Role.CHANNEL_MANAGER)
    response = post(
        client,
        URL,
        {
            "distributor_id": dist_a.pk,
            "kind": "sell_through",
            "format_family": "tabular",
            "spec": {"unit_map": {"STK": "XX"}},
        },
    )
    assert response.status_code == 400
    assert response.json()["field"] == "spec.unit_map.STK"
    assert _count() == 0


def test_writes_are_forbidden_without_change_distributors(api_client_for, profiles, dist_a):
    before = _count()
    for role in (Role.ANALYST, Role.DISTRIBUTOR_ADMIN):
        client = api_client_for(role)
        assert post(client, URL, {}).status_code == 403  # 403 before 422
        assert post(client, f"{URL}/{profiles['alpha'].pk}/versions", {}).status_code == 403
        assert client.post(f"{URL}/suggest").status_code == 403
    assert _count() == before


def test_update_makes_a_new_version(api_client_for, profiles):
    client = api_client_for(Role.CHANNEL_MANAGER)
    response = post(
        client,
        f"{URL}/{profiles['alpha'].pk}/versions",
        {"spec": _spec(default_currency="EUR"), "reason": "Currency", "expected_version": 2},
    )
    assert response.status_code == 201, response.content
    assert (response.json()["version"], response.json()["is_current"]) == (3, True)
    stale = post(
        client,
        f"{URL}/{profiles['alpha'].pk}/versions",
        {"spec": _spec(default_currency="USD"), "reason": "Late", "expected_version": 2},
    )
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")
    assert _count() == 4


def test_update_of_a_foreign_profile_is_404(api_client_for, profiles, users):
    from django.test import Client

    from midstream.accounts.services import issue_token

    user = users["foreign_admin"]
    _token, text = issue_token(actor=user, user=user, name="t")
    # A distributor role lacks change_distributors: 403 comes first, whatever the object.
    client = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    response = post(client, f"{URL}/{profiles['alpha'].pk}/versions", {"spec": {}, "reason": "x"})
    assert response.status_code == 403
    assert _count() == 3


def test_suggest_from_an_upload(api_client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api_client_for(Role.CHANNEL_MANAGER)
    upload = SimpleUploadedFile("r.csv", b"Invoice No,Invoice Date,Qty,SKU\nA,2026-01-01,1,X\n")
    response = client.post(f"{URL}/suggest", {"file": upload})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["columns"] == ["Invoice No", "Invoice Date", "Qty", "SKU"]
    assert body["spec"]["columns"]["invoice_number"] == "Invoice No"
    assert body["spec"]["columns"]["quantity"] == "Qty"
    assert (body["kind"], body["format_family"]) == ("sell_through", "tabular")
    assert _count() == 0
    missing = client.post(f"{URL}/suggest")
    assert (missing.status_code, missing.json()["field"]) == (400, "file")
