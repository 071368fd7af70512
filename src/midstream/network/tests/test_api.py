import datetime as dt
import json

import pytest

from midstream.accounts.choices import Role
from midstream.core.models import AuditRecord
from midstream.network.models import Reseller, ResellerAlias, ResellerSupply
from midstream.network.tests.factories import make_alias, make_reseller, make_supply

pytestmark = pytest.mark.django_db

BASE = "/api/resellers"


def post(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("role", [Role.ANALYST, Role.DISTRIBUTOR_USER])
def test_list_is_paginated_with_a_fixed_query_count(
    api_client_for, django_assert_num_queries, dist_a, role
):
    client = api_client_for(role)
    for number in range(3):
        make_supply(make_reseller(name=f"Shop {number}"), dist_a)
    client.get(BASE)  # the first request stamps the token's last use
    # token lookup, count, page
    with django_assert_num_queries(3):
        first = client.get(BASE, {"page_size": 2})
    for number in range(3, 8):
        make_supply(make_reseller(name=f"Shop {number}"), dist_a)
    with django_assert_num_queries(3):
        second = client.get(BASE, {"page_size": 2, "page": 2})
    assert first.json()["count"] == 3
    assert [item["name"] for item in first.json()["items"]] == ["Shop 0", "Shop 1"]
    assert second.json()["count"] == 8
    assert [item["name"] for item in second.json()["items"]] == ["Shop 2", "Shop 3"]


def test_list_filters(api_client_for, dist_a, dist_b):
    client = api_client_for(Role.ANALYST)
    gold = make_reseller(name="Gold DE", country="DE", tier="gold", onboarding_stage="trained")
    make_reseller(name="Silver US", country="US", tier="silver")
    make_supply(gold, dist_b)

    def names(**params):
        return [item["name"] for item in client.get(BASE, params).json()["items"]]

    assert names(tier="gold") == ["Gold DE"]
    assert names(country="us") == ["Silver US"]
    assert names(onboarding_stage="trained") == ["Gold DE"]
    assert names(distributor_id=dist_b.pk) == ["Gold DE"]
    assert names(q="silver") == ["Silver US"]
    assert client.get(BASE, {"tier": "diamond"}).status_code == 422


def test_distributor_cannot_filter_by_another_distributor(api_client_for, dist_a, dist_b):
    shared = make_reseller(name="Shared")
    make_supply(shared, dist_a)
    make_supply(shared, dist_b)
    response = api_client_for(Role.DISTRIBUTOR_USER).get(BASE, {"distributor_id": dist_b.pk})
    assert response.status_code == 403


def test_get_scopes_supplies_aliases_and_recruiter(api_client_for, dist_a, dist_b):
    shared = make_reseller(name="Shared", recruited_by=dist_b)
    make_supply(shared, dist_a, account_number="OWN-1")
    make_supply(shared, dist_b, account_number="FOREIGN-1")
    make_alias(shared, "Foreign Alias", dist_b)
    make_alias(shared, "Vendor Alias")
    foreign_only = make_reseller(name="Theirs")
    make_supply(foreign_only, dist_b)

    client = api_client_for(Role.DISTRIBUTOR_USER)
    response = client.get(f"{BASE}/{shared.pk}")
    body = response.json()
    assert response.status_code == 200
    assert [supply["account_number"] for supply in body["supplies"]] == ["OWN-1"]
    assert [alias["alias"] for alias in body["aliases"]] == ["Vendor Alias"]
    assert (body["recruited_by_id"], body["recruited_by_code"]) == (None, None)
    for secret in (b"FOREIGN-1", b"Foreign Alias", b"BRAVO"):
        assert secret not in response.content
    assert client.get(f"{BASE}/{foreign_only.pk}").status_code == 404

    vendor = api_client_for(Role.ANALYST).get(f"{BASE}/{shared.pk}").json()
    assert sorted(supply["account_number"] for supply in vendor["supplies"]) == [
        "FOREIGN-1",
        "OWN-1",
    ]
    assert vendor["recruited_by_code"] == "BRAVO"


def test_create_update_and_children(api_client_for, dist_a):
    client = api_client_for(Role.CHANNEL_MANAGER)
    created = post(
        client,
        BASE,
        {
            "partner_id": "r0001000",
            "name": "API Shop",
            "country": "nl",
            "recruited_by_id": dist_a.pk,
        },
    )
    assert created.status_code == 201
    reseller_id = created.json()["id"]
    assert (created.json()["partner_id"], created.json()["country"]) == ("R0001000", "NL")
    assert created.json()["recruited_by_code"] == "ALPHA"

    updated = post(client, f"{BASE}/{reseller_id}", {"tier": "gold", "reason": "x"}, "patch")
    assert updated.status_code == 200
    assert (updated.json()["tier"], updated.json()["name"]) == ("gold", "API Shop")

    stage = post(client, f"{BASE}/{reseller_id}/onboarding-stage", {"onboarding_stage": "applied"})
    assert stage.json()["onboarding_stage"] == "applied"
    back = post(client, f"{BASE}/{reseller_id}/onboarding-stage", {"onboarding_stage": "contacted"})
    assert back.status_code == 409
    assert back.json()["code"] == "stage_not_forward"

    alias = post(client, f"{BASE}/{reseller_id}/aliases", {"alias": "APIS"})
    assert alias.status_code == 201
    supply = post(
        client,
        f"{BASE}/{reseller_id}/supplies",
        {"distributor_id": dist_a.pk, "since": "2025-01-01", "account_number": "Z9"},
    )
    assert supply.status_code == 201
    assert supply.json()["distributor_code"] == "ALPHA"
    ended = post(client, f"{BASE}/supplies/{supply.json()['id']}/end", {"until": "2025-06-30"})
    assert ended.json()["until"] == "2025-06-30"
    assert client.delete(f"{BASE}/aliases/{alias.json()['id']}").status_code == 204
    assert client.delete(f"{BASE}/supplies/{supply.json()['id']}").status_code == 204
    assert not ResellerAlias.objects.unscoped().exists()
    assert not ResellerSupply.objects.unscoped().exists()
    actions = list(
        AuditRecord.objects.filter(object_type="network.reseller")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "reseller.create",
        "reseller.update",
        "reseller.advance_stage",
        "reseller.add_alias",
        "reseller.add_supply",
        "reseller.end_supply",
        "reseller.remove_alias",
        "reseller.remove_supply",
    ]


@pytest.mark.parametrize("role", [Role.DISTRIBUTOR_ADMIN, Role.DISTRIBUTOR_USER, Role.ANALYST])
def test_writes_are_refused_to_roles_without_change_permission(api_client_for, dist_a, role):
    reseller = make_reseller(name="Mine")
    supply = make_supply(reseller, dist_a)
    alias = make_alias(reseller, "Nick", dist_a)
    client = api_client_for(role)
    valid = {"partner_id": "R0002000", "name": "New", "country": "US"}
    assert post(client, BASE, valid).status_code == 403
    assert post(client, f"{BASE}/{reseller.pk}", {"name": "Hacked"}, "patch").status_code == 403
    assert post(client, f"{BASE}/{reseller.pk}/aliases", {"alias": "X"}).status_code == 403
    assert client.delete(f"{BASE}/aliases/{alias.pk}").status_code == 403
    assert client.delete(f"{BASE}/supplies/{supply.pk}").status_code == 403
    assert list(Reseller.objects.unscoped().values_list("name", flat=True)) == ["Mine"]
    assert ResellerAlias.objects.unscoped().count() == 1
    assert ResellerSupply.objects.unscoped().count() == 1
    assert not AuditRecord.objects.filter(object_type="network.reseller").exists()


def test_update_refuses_null_for_required_fields(api_client_for):
    reseller = make_reseller(name="Keep")
    client = api_client_for(Role.CHANNEL_MANAGER)
    response = post(client, f"{BASE}/{reseller.pk}", {"name": None}, "patch")
    assert response.status_code == 400
    assert response.json()["field"] == "name"
    reseller.refresh_from_db()
    assert reseller.name == "Keep"


def test_supply_end_before_start_is_400(api_client_for, dist_a):
    supply = make_supply(make_reseller(), dist_a, since=dt.date(2025, 5, 1))
    response = post(
        api_client_for(Role.CHANNEL_MANAGER),
        f"{BASE}/supplies/{supply.pk}/end",
        {"until": "2025-04-30"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "supply_end_before_start"
    supply.refresh_from_db()
    assert supply.until is None


@pytest.mark.parametrize("role", [Role.DISTRIBUTOR_USER, Role.FINANCE])
def test_refusal_comes_before_body_validation(api_client_for, role):
    reseller = make_reseller()
    client = api_client_for(role)
    assert post(client, BASE, {}).status_code == 403
    assert post(client, f"{BASE}/{reseller.pk}/onboarding-stage", {}).status_code == 403
    assert post(client, f"{BASE}/{reseller.pk}/supplies", {}).status_code == 403
