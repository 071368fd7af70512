import datetime as dt
import json

import pytest

from midstream.accounts.choices import Role
from midstream.core.models import AuditRecord
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

BASE = "/api/distributors"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


NEW = {
    "code": "CHARLIE",
    "legal_name": "Charlie Trading SA",
    "country": "FR",
    "region": "EMEA",
    "currency": "EUR",
    "program_track": "specialty",
}


# --- list ---------------------------------------------------------------------------------


def test_vendor_list_is_paginated_with_a_fixed_number_of_queries(
    api_client_for, dist_a, dist_b, django_assert_num_queries
):
    client = api_client_for(Role.ANALYST)
    for number in range(5):
        make_distributor(f"EXTRA{number}")
    # token lookup, token last-used stamp, count, page
    with django_assert_num_queries(4):
        response = client.get(f"{BASE}?page_size=3")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 7
    assert [item["code"] for item in body["items"]] == ["ALPHA", "BRAVO", "EXTRA0"]
    page_two = client.get(f"{BASE}?page_size=3&page=3").json()
    assert [item["code"] for item in page_two["items"]] == ["EXTRA4"]


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("status=suspended", ["CHARLIE"]),
        ("region=EMEA", ["BRAVO", "CHARLIE"]),
        ("country=DE", ["BRAVO"]),
        ("program_track=specialty", ["CHARLIE"]),
        ("q=gmbh", ["BRAVO"]),
        ("q=charl", ["CHARLIE"]),
        ("region=EMEA&status=active", ["BRAVO"]),
    ],
)
def test_list_filters(api_client_for, dist_a, dist_b, query, codes):
    make_distributor(
        "CHARLIE",
        legal_name="Charlie SA",
        country="FR",
        region="EMEA",
        program_track="specialty",
        status="suspended",
    )
    response = api_client_for(Role.ANALYST).get(f"{BASE}?{query}")
    assert [item["code"] for item in response.json()["items"]] == codes


def test_a_bad_filter_value_is_422(api_client_for, dist_a):
    response = api_client_for(Role.ANALYST).get(f"{BASE}?status=dormant")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_a_distributor_user_lists_only_its_own(api_client_for, dist_a, dist_b):
    response = api_client_for(Role.DISTRIBUTOR_USER).get(BASE)
    assert [item["code"] for item in response.json()["items"]] == ["ALPHA"]


# --- get ----------------------------------------------------------------------------------


def test_get_own_and_404_for_foreign(api_client_for, dist_a, dist_b):
    client = api_client_for(Role.DISTRIBUTOR_ADMIN)
    own = client.get(f"{BASE}/{dist_a.pk}")
    assert own.status_code == 200
    assert own.json()["legal_name"] == "Alpha Distribution Inc"
    foreign = client.get(f"{BASE}/{dist_b.pk}")
    missing = client.get(f"{BASE}/999999")
    assert (foreign.status_code, missing.status_code) == (404, 404)
    assert foreign.json() == missing.json() == {"code": "not_found", "message": "Not found."}


@pytest.mark.parametrize(
    "suffix", ["territories", "contacts", "onboarding-items", "obligations", "status-changes"]
)
def test_child_lists_are_scoped(api_client_for, dist_a, dist_b, suffix):
    make_territory(dist_b, region="EMEA", country="DE")
    make_contact(dist_b)
    make_onboarding_item(dist_b)
    make_obligation(dist_b)
    client = api_client_for(Role.DISTRIBUTOR_USER)
    assert client.get(f"{BASE}/{dist_b.pk}/{suffix}").status_code == 404
    assert client.get(f"{BASE}/{dist_a.pk}/{suffix}").json()["items"] == []


def test_child_lists_answer_with_a_fixed_number_of_queries(
    api_client_for, dist_a, django_assert_num_queries
):
    client = api_client_for(Role.ANALYST)
    for number in range(4):
        make_onboarding_item(dist_a, item=f"Item {number}", position=number)
    # token lookup, token last-used stamp, distributor, count, page (owners joined)
    with django_assert_num_queries(5):
        response = client.get(f"{BASE}/{dist_a.pk}/onboarding-items")
    assert [item["item"] for item in response.json()["items"]] == [
        "Item 0",
        "Item 1",
        "Item 2",
        "Item 3",
    ]


# --- writes -------------------------------------------------------------------------------


def test_create_distributor(api_client_for, users):
    response = post(api_client_for(Role.CHANNEL_MANAGER), BASE, {**NEW, "reason": "New market"})
    assert response.status_code == 201
    body = response.json()
    assert (body["code"], body["status"], body["region"]) == ("CHARLIE", "prospect", "EMEA")
    assert AuditRecord.objects.filter(
        action="distributor.create", distributor_id=body["id"]
    ).exists()


def test_create_with_a_duplicate_code_is_409(api_client_for, dist_a):
    response = post(api_client_for(Role.CHANNEL_MANAGER), BASE, {**NEW, "code": "ALPHA"})
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_code"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("code", "lower"),
        ("country", "Deutschland"),
        ("region", "MARS"),
        ("program_track", "gold"),
        ("legal_name", ""),
        ("currency", "euro"),
    ],
)
def test_create_validation_is_422(api_client_for, users, field, value):
    response = post(api_client_for(Role.CHANNEL_MANAGER), BASE, {**NEW, field: value})
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == f"payload.{field}"
    assert not Distributor.objects.unscoped().filter(code="CHARLIE").exists()


def test_an_unknown_currency_is_400(api_client_for, users):
    response = post(api_client_for(Role.CHANNEL_MANAGER), BASE, {**NEW, "currency": "XYZ"})
    assert response.status_code == 400
    assert response.json()["field"] == "currency"


@pytest.mark.parametrize("role", [Role.DISTRIBUTOR_ADMIN, Role.DISTRIBUTOR_USER, Role.ANALYST])
def test_roles_without_change_permission_cannot_write(api_client_for, dist_a, role):
    client = api_client_for(role)
    item = make_onboarding_item(dist_a)
    territory = make_territory(dist_a, country="US")
    answers = [
        post(client, BASE, NEW),
        patch(client, f"{BASE}/{dist_a.pk}", {"legal_name": "Hacked"}),
        post(client, f"{BASE}/{dist_a.pk}/status", {"to_status": "suspended", "reason": "x"}),
        post(client, f"{BASE}/{dist_a.pk}/territories", {"region": "EMEA"}),
        client.delete(f"{BASE}/{dist_a.pk}/territories/{territory.pk}"),
        post(client, f"{BASE}/{dist_a.pk}/onboarding-items/{item.pk}/complete", {}),
    ]
    assert [answer.status_code for answer in answers] == [403] * 6
    dist_a.refresh_from_db()
    assert (dist_a.legal_name, dist_a.status) == ("Alpha Distribution Inc", "active")
    assert Territory.objects.for_distributor(dist_a.pk).count() == 1
    item.refresh_from_db()
    assert item.done_date is None
    assert not Distributor.objects.unscoped().filter(code="CHARLIE").exists()
    assert not AuditRecord.objects.exclude(action="token.issue").exists()


def test_patch_changes_only_the_fields_sent(api_client_for, dist_a):
    response = patch(
        api_client_for(Role.CHANNEL_MANAGER),
        f"{BASE}/{dist_a.pk}",
        {"program_track": "regional", "reason": "Track review"},
    )
    assert response.status_code == 200
    assert response.json()["program_track"] == "regional"
    dist_a.refresh_from_db()
    assert (dist_a.legal_name, dist_a.program_track) == ("Alpha Distribution Inc", "regional")
    record = AuditRecord.objects.get(action="distributor.update")
    assert record.changes == {"program_track": ["broadline", "regional"]}


def test_patch_of_a_foreign_distributor_is_404_for_nobody_but_vendors(api_client_for, dist_b):
    response = patch(api_client_for(Role.CHANNEL_MANAGER), f"{BASE}/{dist_b.pk}", {"notes": "n"})
    assert response.status_code == 200


def test_status_change_and_illegal_transition(api_client_for, dist_a):
    client = api_client_for(Role.CHANNEL_MANAGER)
    url = f"{BASE}/{dist_a.pk}/status"
    ok = post(client, url, {"to_status": "suspended", "reason": "Late reports"})
    assert ok.status_code == 200
    assert ok.json()["status"] == "suspended"

    refused = post(client, url, {"to_status": "onboarding", "reason": "Back"})
    assert refused.status_code == 409
    assert refused.json() == {
        "code": "illegal_transition",
        "message": (
            "A distributor cannot go from suspended to onboarding; allowed: active, terminated."
        ),
        "field": "to_status",
    }
    dist_a.refresh_from_db()
    assert dist_a.status == "suspended"
    assert DistributorStatusChange.objects.for_distributor(dist_a.pk).count() == 1

    history = client.get(f"{BASE}/{dist_a.pk}/status-changes").json()["items"]
    assert [(row["from_status"], row["to_status"], row["actor"]) for row in history] == [
        ("active", "suspended", "channel_manager")
    ]


def test_a_status_change_without_reason_is_422(api_client_for, dist_a):
    response = post(
        api_client_for(Role.CHANNEL_MANAGER), f"{BASE}/{dist_a.pk}/status", {"to_status": "active"}
    )
    assert response.status_code == 422
    dist_a.refresh_from_db()
    assert dist_a.status == "active"


def test_territory_create_conflict_and_delete(api_client_for, dist_a, dist_b):
    client = api_client_for(Role.CHANNEL_MANAGER)
    make_territory(dist_b, region="EMEA", country="DE", exclusive=True)
    refused = post(client, f"{BASE}/{dist_a.pk}/territories", {"region": "EMEA", "exclusive": True})
    assert refused.status_code == 409
    assert refused.json()["code"] == "territory_conflict"

    created = post(client, f"{BASE}/{dist_a.pk}/territories", {"region": "AMER", "country": "CA"})
    assert created.status_code == 201
    territory_id = created.json()["id"]
    updated = patch(client, f"{BASE}/{dist_a.pk}/territories/{territory_id}", {"exclusive": True})
    assert updated.json()["exclusive"] is True

    # A child addressed through the wrong distributor is not found.
    wrong = client.delete(f"{BASE}/{dist_b.pk}/territories/{territory_id}")
    assert wrong.status_code == 404
    deleted = client.delete(f"{BASE}/{dist_a.pk}/territories/{territory_id}?reason=Lost")
    assert deleted.status_code == 204
    assert not Territory.objects.for_distributor(dist_a.pk).exists()
    assert AuditRecord.objects.get(action="territory.remove").reason == "Lost"


def test_contacts_through_the_api(api_client_for, dist_a):
    client = api_client_for(Role.CHANNEL_MANAGER)
    created = post(
        client,
        f"{BASE}/{dist_a.pk}/contacts",
        {"name": "Kim Lee", "email": "kim@alpha.example", "is_primary": True},
    )
    assert created.status_code == 201
    contact_id = created.json()["id"]
    bad = patch(client, f"{BASE}/{dist_a.pk}/contacts/{contact_id}", {"email": "nope"})
    assert bad.status_code == 400
    assert bad.json()["field"] == "email"
    listed = client.get(f"{BASE}/{dist_a.pk}/contacts").json()["items"]
    assert [(row["name"], row["is_primary"]) for row in listed] == [("Kim Lee", True)]
    assert client.delete(f"{BASE}/{dist_a.pk}/contacts/{contact_id}").status_code == 204
    assert not Contact.objects.for_distributor(dist_a.pk).exists()


def test_onboarding_items_through_the_api(api_client_for, users, dist_a):
    client = api_client_for(Role.CHANNEL_MANAGER)
    owner = users[Role.CHANNEL_MANAGER]
    created = post(
        client,
        f"{BASE}/{dist_a.pk}/onboarding-items",
        {"item": "EDI test", "owner_id": owner.pk, "due_date": "2026-01-31"},
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["owner"], body["position"], body["done_date"]) == ("channel_manager", 0, None)
    item_url = f"{BASE}/{dist_a.pk}/onboarding-items/{body['id']}"

    done = post(client, f"{item_url}/complete", {"done_date": "2025-03-04"})
    assert done.json()["done_date"] == "2025-03-04"
    again = post(client, f"{item_url}/complete", {})
    assert again.status_code == 409
    assert again.json()["code"] == "already_done"
    reopened = post(client, f"{item_url}/reopen", {"reason": "Failed retest"})
    assert reopened.json()["done_date"] is None

    cleared = patch(client, item_url, {"owner_id": None})
    assert cleared.json()["owner_id"] is None
    unknown_owner = patch(client, item_url, {"owner_id": 999999})
    assert unknown_owner.status_code == 400
    assert client.delete(item_url).status_code == 204
    assert not OnboardingItem.objects.for_distributor(dist_a.pk).exists()


def test_obligations_through_the_api(api_client_for, dist_a):
    client = api_client_for(Role.CHANNEL_MANAGER)
    url = f"{BASE}/{dist_a.pk}/obligations"
    body = {
        "report_type": "sell_through",
        "frequency": "monthly",
        "due_days": 10,
        "active_from": "2025-01-01",
    }
    created = post(client, url, body)
    assert created.status_code == 201
    obligation_id = created.json()["id"]
    assert post(client, url, body).status_code == 409
    assert post(client, url, {**body, "due_days": 91}).status_code == 422
    assert post(client, url, {**body, "active_from": "2025-02-30"}).status_code == 422
    ended = patch(client, f"{url}/{obligation_id}", {"active_to": "2025-06-30"})
    assert ended.json()["active_to"] == "2025-06-30"
    backwards = patch(client, f"{url}/{obligation_id}", {"active_to": "2024-06-30"})
    assert backwards.status_code == 400
    assert backwards.json()["code"] == "invalid_period"
    assert client.delete(f"{url}/{obligation_id}").status_code == 204
    assert not ReportingObligation.objects.for_distributor(dist_a.pk).exists()


def test_foreign_children_are_404_for_distributor_users(api_client_for, dist_a, dist_b):
    item = make_onboarding_item(dist_b, due_date=dt.date(2025, 1, 1))
    client = api_client_for(Role.DISTRIBUTOR_USER)
    assert client.get(f"{BASE}/{dist_b.pk}/onboarding-items").status_code == 404
    # Writes are refused before any lookup: 403, not a hint that the object exists.
    response = post(client, f"{BASE}/{dist_b.pk}/onboarding-items/{item.pk}/complete", {})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.done_date is None
