import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from midstream.accounts.choices import Role
from midstream.agreements.models import Agreement, AgreementVersion, DiscountLevel
from midstream.agreements.tests.factories import make_agreement
from midstream.core.models import AuditRecord

pytestmark = pytest.mark.django_db


def state():
    return (
        list(Agreement.objects.unscoped().order_by("pk").values_list("pk", "number")),
        list(
            AgreementVersion.objects.unscoped()
            .order_by("pk")
            .values_list("pk", "version", "currency", "commitment_value")
        ),
        DiscountLevel.objects.unscoped().count(),
        AuditRecord.objects.filter(object_type="agreements.agreement").count(),
    )


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def new_agreement(dist, **overrides) -> dict:
    body = {
        "distributor_id": dist.pk,
        "number": "VPA-API-1",
        "title": "API agreement",
        "effective_from": "2027-01-01",
        "effective_to": "2027-12-31",
        "currency": "EUR",
        "payment_terms": "net45",
        "commitment_period": "month",
        "commitment_unit": "amount",
        "commitment_value": "50000.00",
        "discounts": [{"family_code": "NET", "discount_percent": "9.75"}],
    }
    body.update(overrides)
    return body


# list


def test_list_is_paginated_and_says_what_is_in_force(api_client_for, history, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: dt.date(2026, 8, 1))
    response = api_client_for(Role.ANALYST).get("/api/agreements")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    first = data["items"][0]
    assert {key: first[key] for key in first if key != "created_at"} == {
        "id": history["alpha"].pk,
        "number": "VPA-2026-001",
        "title": "Alpha volume purchase agreement 2026",
        "distributor_id": history["alpha"].distributor_id,
        "distributor_code": "ALPHA",
        "latest_version": 3,
        "in_force_on": "2026-08-01",
        "version_in_force": 3,
        "currency": "USD",
    }
    assert [item["number"] for item in data["items"]] == ["VPA-2026-001", "VPA-BRAVO-9"]


def test_list_filters(api_client_for, history):
    client = api_client_for(Role.ANALYST)

    def numbers(**query):
        response = client.get("/api/agreements", query)
        assert response.status_code == 200, response.content
        return [item["number"] for item in response.json()["items"]]

    assert numbers(distributor_id=history["bravo"].distributor_id) == ["VPA-BRAVO-9"]
    assert numbers(currency="eur") == ["VPA-BRAVO-9"]
    assert numbers(q="alpha") == ["VPA-2026-001"]
    assert numbers(in_force_on="2026-03-01") == ["VPA-2026-001", "VPA-BRAVO-9"]
    assert numbers(in_force_on="2030-01-01") == ["VPA-BRAVO-9"]
    assert numbers(in_force_on="2025-01-01") == []
    with_version = client.get("/api/agreements", {"in_force_on": "2026-03-01"}).json()
    assert [item["version_in_force"] for item in with_version["items"]] == [1, 1]
    assert client.get("/api/agreements", {"in_force_on": "not-a-date"}).status_code == 422


def test_distributor_users_list_only_their_own(api_client_for, history):
    data = api_client_for(Role.DISTRIBUTOR_USER).get("/api/agreements").json()
    assert [item["number"] for item in data["items"]] == ["VPA-2026-001"]
    foreign = api_client_for(Role.DISTRIBUTOR_USER).get(
        "/api/agreements", {"distributor_id": history["bravo"].distributor_id}
    )
    assert foreign.json()["count"] == 0


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/agreements").status_code == 200
    return len(captured)


def test_list_query_count_does_not_grow_with_rows(api_client_for, manager, dist_a, families):
    client = api_client_for(Role.ANALYST)
    client.get("/api/agreements")  # the token's first use records last_used_at
    make_agreement(
        manager,
        dist_a,
        number="VPA-2000",
        effective_from=dt.date(2000, 1, 1),
        effective_to=dt.date(2000, 12, 31),
    )
    few = _list_queries(client)
    for year in range(2001, 2012):
        make_agreement(
            manager,
            dist_a,
            number=f"VPA-{year}",
            effective_from=dt.date(year, 1, 1),
            effective_to=dt.date(year, 12, 31),
        )
    # token lookup, count, page
    assert few == _list_queries(client) == 3


# one agreement, its versions, diff, in force


def test_get_returns_every_version_with_discounts(api_client_for, history, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: dt.date(2026, 3, 1))
    alpha = history["alpha"]
    response = api_client_for(Role.DISTRIBUTOR_ADMIN).get(f"/api/agreements/{alpha.pk}")
    assert response.status_code == 200
    data = response.json()
    assert (data["number"], data["today"], data["version_in_force_today"]) == (
        "VPA-2026-001",
        "2026-03-01",
        1,
    )
    assert [version["version"] for version in data["versions"]] == [3, 2, 1]
    oldest = data["versions"][2]
    assert oldest["discounts"] == [
        {"family_code": "NET", "family_name": "Net family", "discount_percent": "12.50"},
        {"family_code": "SRV", "family_name": "Srv family", "discount_percent": "5.00"},
    ]
    assert (oldest["commitment_value"], oldest["created_by"], oldest["amendment_reason"]) == (
        "250000.00",
        "channel_manager",
        "Signed",
    )


def test_foreign_and_missing_agreements_are_404(api_client_for, history):
    bravo = history["bravo"]
    client = api_client_for(Role.DISTRIBUTOR_USER)
    for url in [
        f"/api/agreements/{bravo.pk}",
        f"/api/agreements/{bravo.pk}/versions/1",
        f"/api/agreements/{bravo.pk}/diff",
        f"/api/agreements/{bravo.pk}/in-force",
        "/api/agreements/999999",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    before = state()
    amend = {"reason": "x", "currency": "USD"}
    assert post(client, f"/api/agreements/{bravo.pk}/amend", amend).status_code == 403
    assert state() == before


def test_version_get(api_client_for, history):
    alpha = history["alpha"]
    client = api_client_for(Role.ANALYST)
    data = client.get(f"/api/agreements/{alpha.pk}/versions/2").json()
    assert (data["version"], data["effective_from"], data["payment_terms"]) == (
        2,
        "2026-07-01",
        "net30",
    )
    assert [item["family_code"] for item in data["discounts"]] == ["NET", "STO"]
    assert client.get(f"/api/agreements/{alpha.pk}/versions/7").status_code == 404


def test_diff(api_client_for, history):
    alpha = history["alpha"]
    client = api_client_for(Role.ANALYST)
    data = client.get(f"/api/agreements/{alpha.pk}/diff", {"from": 1, "to": 3}).json()
    assert data == {
        "agreement_id": alpha.pk,
        "from_version": 1,
        "to_version": 3,
        "terms": [
            {"field": "effective_from", "before": "2026-01-01", "after": "2026-07-01"},
            {"field": "payment_terms", "before": "net30", "after": "net45"},
            {"field": "commitment_value", "before": "250000.00", "after": "300000.00"},
        ],
        "discounts": [
            {"family_code": "NET", "before": "12.50", "after": "15.00", "change": "changed"},
            {"family_code": "SRV", "before": "5.00", "after": None, "change": "removed"},
            {"family_code": "STO", "before": None, "after": "2.50", "change": "added"},
        ],
    }
    backwards = client.get(f"/api/agreements/{alpha.pk}/diff", {"from": 3, "to": 1}).json()
    assert [change["before"] for change in backwards["terms"]] == [
        "2026-07-01",
        "net45",
        "300000.00",
    ]
    default = client.get(f"/api/agreements/{alpha.pk}/diff").json()
    assert (default["from_version"], default["to_version"]) == (2, 3)
    assert client.get(f"/api/agreements/{alpha.pk}/diff", {"from": 9}).status_code == 404
    assert client.get(f"/api/agreements/{alpha.pk}/diff", {"from": "x"}).status_code == 422


def test_in_force(api_client_for, history):
    alpha = history["alpha"]
    client = api_client_for(Role.DISTRIBUTOR_USER)
    march = client.get(f"/api/agreements/{alpha.pk}/in-force", {"on": "2026-03-01"}).json()
    assert (march["on"], march["version"]["version"]) == ("2026-03-01", 1)
    august = client.get(f"/api/agreements/{alpha.pk}/in-force", {"on": "2026-08-01"}).json()
    assert august["version"]["version"] == 3
    after = client.get(f"/api/agreements/{alpha.pk}/in-force", {"on": "2027-01-01"}).json()
    assert after == {"agreement_id": alpha.pk, "on": "2027-01-01", "version": None}


# writes


def test_create(api_client_for, dist_b, families):
    response = post(api_client_for(Role.CHANNEL_MANAGER), "/api/agreements", new_agreement(dist_b))
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["number"], data["distributor_code"]) == ("VPA-API-1", "BRAVO")
    [version] = data["versions"]
    assert (version["version"], version["currency"], version["commitment_value"]) == (
        1,
        "EUR",
        "50000.00",
    )
    assert version["discounts"] == [
        {"family_code": "NET", "family_name": "Net family", "discount_percent": "9.75"}
    ]
    assert AuditRecord.objects.filter(action="agreement.create").count() == 1


MALFORMED = [
    {"commitment_value": "NaN"},
    {"commitment_value": "Infinity"},
    {"commitment_value": "1E+30"},
    {"commitment_value": "10.001"},
    {"commitment_value": "-5"},
    {"discounts": [{"family_code": "NET", "discount_percent": "NaN"}]},
    {"discounts": [{"family_code": "NET", "discount_percent": "Infinity"}]},
    {"discounts": [{"family_code": "NET", "discount_percent": "1E+30"}]},
    {"discounts": [{"family_code": "NET", "discount_percent": "12.345"}]},
    {"discounts": [{"family_code": "NET", "discount_percent": "100.01"}]},
    {"payment_terms": "net7"},
    {"effective_from": "2027-02-30"},
]


@pytest.mark.parametrize("overrides", MALFORMED)
def test_create_refuses_malformed_input_with_422(api_client_for, dist_b, families, overrides):
    client = api_client_for(Role.CHANNEL_MANAGER)
    before = state()
    response = post(client, "/api/agreements", new_agreement(dist_b, **overrides))
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    assert state() == before


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"effective_to": "2026-12-31"}, 400, "invalid_window"),
        ({"currency": "XYZ"}, 400, "invalid_currency"),
        (
            {
                "discounts": [
                    {"family_code": "NET", "discount_percent": "1"},
                    {"family_code": "NET", "discount_percent": "2"},
                ]
            },
            400,
            "duplicate_family",
        ),
        ({"discounts": [{"family_code": "NOPE", "discount_percent": "1"}]}, 400, "unknown_family"),
        ({"number": "VPA-2026-001"}, 409, "duplicate_number"),
        ({"distributor_id": 999999}, 404, "not_found"),
    ],
)
def test_create_refuses_rule_breaking_input(api_client_for, history, overrides, status, code):
    client = api_client_for(Role.CHANNEL_MANAGER)
    before = state()
    body = new_agreement(history["bravo"].distributor, **overrides)
    response = post(client, "/api/agreements", body)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert state() == before


@pytest.mark.parametrize("role", [Role.DISTRIBUTOR_ADMIN, Role.FINANCE, Role.ANALYST])
def test_writes_need_the_change_permission(api_client_for, history, role):
    alpha = history["alpha"]
    client = api_client_for(role)
    before = state()
    created = post(client, "/api/agreements", new_agreement(alpha.distributor))
    amended = post(client, f"/api/agreements/{alpha.pk}/amend", {"reason": "x", "currency": "EUR"})
    ended = post(
        client, f"/api/agreements/{alpha.pk}/end", {"end_date": "2026-03-31", "reason": "x"}
    )
    empty = post(client, f"/api/agreements/{alpha.pk}/amend", {})
    assert [created.status_code, amended.status_code, ended.status_code, empty.status_code] == [
        403,
        403,
        403,
        403,
    ]
    assert created.json()["code"] == "permission_denied"
    assert state() == before


def test_amend_overrides_only_what_is_given(api_client_for, history):
    alpha = history["alpha"]
    client = api_client_for(Role.CHANNEL_MANAGER)
    response = post(
        client,
        f"/api/agreements/{alpha.pk}/amend",
        {
            "reason": "Evergreen in EUR",
            "currency": "EUR",
            "effective_to": None,
            "payment_terms": None,
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["version"], data["currency"], data["effective_to"], data["payment_terms"]) == (
        4,
        "EUR",
        None,
        "net45",
    )
    assert [item["family_code"] for item in data["discounts"]] == ["NET", "STO"]
    assert data["amendment_reason"] == "Evergreen in EUR"

    replaced = post(
        client,
        f"/api/agreements/{alpha.pk}/amend",
        {
            "reason": "Only networking",
            "discounts": [{"family_code": "NET", "discount_percent": 16}],
        },
    ).json()
    assert (replaced["version"], replaced["discounts"][0]["discount_percent"]) == (5, "16.00")
    assert len(replaced["discounts"]) == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"currency": "EUR"}, 422, "validation_error"),  # no reason
        ({"reason": "", "currency": "EUR"}, 422, "validation_error"),
        ({"reason": "x", "commitment_value": "NaN"}, 422, "validation_error"),
        ({"reason": "x", "commitment_value": "1E+30"}, 422, "validation_error"),
        ({"reason": "x", "commitment_value": "1.001"}, 422, "validation_error"),
        (
            {"reason": "x", "discounts": [{"family_code": "NET", "discount_percent": "Infinity"}]},
            422,
            "validation_error",
        ),
        ({"reason": "x", "payment_terms": "net45"}, 400, "no_change"),
        ({"reason": "x", "effective_to": "2025-01-01"}, 400, "invalid_window"),
    ],
)
def test_amend_refusals(api_client_for, history, body, status, code):
    alpha = history["alpha"]
    client = api_client_for(Role.CHANNEL_MANAGER)
    before = state()
    response = post(client, f"/api/agreements/{alpha.pk}/amend", body)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert state() == before


def test_end(api_client_for, history):
    alpha = history["alpha"]
    client = api_client_for(Role.VENDOR_ADMIN)
    response = post(
        client, f"/api/agreements/{alpha.pk}/end", {"end_date": "2026-09-30", "reason": "Ended"}
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["version"], data["ends_agreement"], data["effective_from"]) == (
        4,
        True,
        "2026-09-30",
    )
    after = client.get(f"/api/agreements/{alpha.pk}/in-force", {"on": "2026-10-01"}).json()
    assert after["version"] is None
    assert AgreementVersion.objects.unscoped().get(pk=data["id"]).commitment_value == Decimal(
        "300000.00"
    )
