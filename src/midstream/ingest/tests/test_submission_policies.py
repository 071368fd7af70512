"""Error policy per distributor and report kind: the service, the pages and the API."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from midstream.accounts.choices import Role
from midstream.core.errors import DomainError, PermissionDeniedError
from midstream.core.models import AuditRecord
from midstream.core.scoping import Scope
from midstream.ingest.models import ErrorPolicySetting
from midstream.ingest.policies import (
    distributors_with_policies,
    error_policy_for,
    set_error_policy,
)

pytestmark = pytest.mark.django_db

LIST = reverse("ingest:error_policy_list")
API = "/api/submissions/error-policies"


def _settings() -> set[tuple[str, str, str]]:
    return set(
        ErrorPolicySetting.objects.unscoped().values_list("distributor__code", "kind", "policy")
    )


# ----- service ------------------------------------------------------------------------------


def test_defaults_per_kind(dist_a, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert error_policy_for(dist_a.pk, "sell_through") == "quarantine"
    assert error_policy_for(dist_a.pk, "inventory") == "reject_file"
    with pytest.raises(ValueError, match="unknown report kind"):
        error_policy_for(dist_a.pk, "orders")


def test_set_policy_applies_to_one_distributor_and_kind_and_is_audited(users, dist_a, dist_b):
    manager = users[Role.CHANNEL_MANAGER]

    result = set_error_policy(
        actor=manager, distributor=dist_a, kind="sell_through", policy="reject_file"
    )

    assert result == "reject_file"
    assert error_policy_for(dist_a.pk, "sell_through") == "reject_file"
    assert error_policy_for(dist_a.pk, "inventory") == "reject_file"
    assert error_policy_for(dist_b.pk, "sell_through") == "quarantine"
    audit = AuditRecord.objects.get(action="error_policy.set")
    assert audit.actor == manager
    assert audit.distributor_id == dist_a.pk
    assert audit.object_type == "ingest.errorpolicysetting"
    assert audit.changes == {"policy": ["quarantine (default)", "reject_file"]}

    set_error_policy(actor=manager, distributor=dist_a, kind="sell_through", policy="quarantine")
    latest = AuditRecord.objects.filter(action="error_policy.set").order_by("-id").first()
    assert latest.changes == {"policy": ["reject_file", "quarantine"]}
    assert _settings() == {("ALPHA", "sell_through", "quarantine")}


def test_setting_the_same_policy_again_writes_no_audit(users, dist_a):
    manager = users[Role.VENDOR_ADMIN]
    set_error_policy(actor=manager, distributor=dist_a, kind="inventory", policy="quarantine")
    set_error_policy(actor=manager, distributor=dist_a, kind="inventory", policy="quarantine")
    assert AuditRecord.objects.filter(action="error_policy.set").count() == 1


@pytest.mark.parametrize(
    ("kind", "policy", "field"),
    [("orders", "quarantine", "kind"), ("inventory", "ignore", "policy")],
)
def test_set_policy_refuses_unknown_values(users, dist_a, kind, policy, field):
    with pytest.raises(DomainError) as caught:
        set_error_policy(
            actor=users[Role.VENDOR_ADMIN], distributor=dist_a, kind=kind, policy=policy
        )
    assert caught.value.field == field
    assert _settings() == set()


@pytest.mark.parametrize("role", [Role.ANALYST, Role.FINANCE, Role.DISTRIBUTOR_ADMIN])
def test_set_policy_needs_vendor_staff_who_change_distributors(users, dist_a, role):
    with pytest.raises(PermissionDeniedError):
        set_error_policy(
            actor=users[role], distributor=dist_a, kind="sell_through", policy="reject_file"
        )
    assert _settings() == set()
    assert not AuditRecord.objects.filter(action="error_policy.set").exists()


def test_distributors_with_policies_in_one_query(users, dist_a, dist_b, django_assert_num_queries):
    set_error_policy(
        actor=users[Role.VENDOR_ADMIN], distributor=dist_b, kind="inventory", policy="quarantine"
    )
    with django_assert_num_queries(1):
        rows = [
            (row.code, row.sell_through_policy, row.sell_through_set, row.inventory_policy,
             row.inventory_set)
            for row in distributors_with_policies(Scope.vendor()).order_by("code")
        ]  # fmt: skip
    assert rows == [
        ("ALPHA", "quarantine", False, "reject_file", False),
        ("BRAVO", "quarantine", False, "quarantine", True),
    ]
    own = distributors_with_policies(Scope.distributor(dist_a.pk))
    assert [row.code for row in own] == ["ALPHA"]


# ----- pages --------------------------------------------------------------------------------


def test_policy_list_shows_each_distributor_with_fixed_queries(
    client_for, users, dist_a, dist_b, django_assert_num_queries
):
    set_error_policy(
        actor=users[Role.VENDOR_ADMIN],
        distributor=dist_b,
        kind="sell_through",
        policy="reject_file",
    )
    client = client_for(Role.CHANNEL_MANAGER)
    client.get(LIST)
    with django_assert_num_queries(4):  # session, user, count, page
        response = client.get(LIST)
    rows = [[cell["value"] for cell in row] for row in response.context["listing"].rows]
    assert rows == [
        [
            "ALPHA",
            "Alpha Distribution Inc",
            "Quarantine bad lines, accept the rest (default)",
            "Reject the whole file (default)",
            "Edit",
        ],
        [
            "BRAVO",
            "Bravo Distribution GmbH",
            "Reject the whole file",
            "Reject the whole file (default)",
            "Edit",
        ],
    ]
    filtered = client.get(LIST, {"sell_through": "reject_file"}).context["listing"]
    assert [row[0]["value"] for row in filtered.rows] == ["BRAVO"]


def test_distributor_user_sees_its_own_policy_without_edit(client_for, dist_a, dist_b):
    response = client_for(Role.DISTRIBUTOR_USER).get(LIST)
    rows = response.context["listing"].rows
    assert [row[0]["value"] for row in rows] == ["ALPHA"]
    assert len(rows[0]) == 4  # no edit column
    assert "BRAVO" not in response.content.decode()


def test_edit_page_sets_both_policies(client_for, dist_a):
    url = reverse("ingest:error_policy_edit", args=[dist_a.pk])
    client = client_for(Role.CHANNEL_MANAGER)
    form = client.get(url).context["form"]
    assert form.initial == {"sell_through": "quarantine", "inventory": "reject_file"}

    response = client.post(url, {"sell_through": "reject_file", "inventory": "reject_file"})

    assert response.status_code == 302
    assert response["Location"] == LIST
    # Only what changed is written: the untouched inventory default stays a default.
    assert _settings() == {("ALPHA", "sell_through", "reject_file")}
    assert error_policy_for(dist_a.pk, "inventory") == "reject_file"
    audit = AuditRecord.objects.get(action="error_policy.set")
    assert audit.changes == {"policy": ["quarantine (default)", "reject_file"]}


def test_edit_page_refuses_distributor_users_and_viewers(client_for, dist_a):
    url = reverse("ingest:error_policy_edit", args=[dist_a.pk])
    data = {"sell_through": "reject_file", "inventory": "quarantine"}
    assert client_for(Role.DISTRIBUTOR_ADMIN).post(url, data).status_code == 403
    assert client_for(Role.ANALYST).post(url, data).status_code == 403
    assert _settings() == set()


def test_edit_page_shows_form_errors(client_for, dist_a):
    url = reverse("ingest:error_policy_edit", args=[dist_a.pk])
    response = client_for(Role.VENDOR_ADMIN).post(url, {"sell_through": "ignore"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"sell_through", "inventory"}
    assert _settings() == set()


# ----- API ----------------------------------------------------------------------------------


def test_api_lists_policies_with_fixed_queries(
    api_client_for, users, dist_a, dist_b, django_assert_num_queries
):
    set_error_policy(
        actor=users[Role.VENDOR_ADMIN], distributor=dist_a, kind="inventory", policy="quarantine"
    )
    client = api_client_for(Role.ANALYST)
    client.get(API)
    with django_assert_num_queries(3):  # token, count, page
        items = client.get(API).json()["items"]
    assert items == [
        {
            "distributor_id": dist_a.pk,
            "distributor_code": "ALPHA",
            "sell_through": "quarantine",
            "inventory": "quarantine",
            "sell_through_default": True,
            "inventory_default": False,
        },
        {
            "distributor_id": dist_b.pk,
            "distributor_code": "BRAVO",
            "sell_through": "quarantine",
            "inventory": "reject_file",
            "sell_through_default": True,
            "inventory_default": True,
        },
    ]
    bravo = client.get(API, {"distributor": "BRAVO"}).json()["items"]
    assert [item["distributor_code"] for item in bravo] == ["BRAVO"]
    own = api_client_for(Role.DISTRIBUTOR_USER).get(API).json()["items"]
    assert [item["distributor_code"] for item in own] == ["ALPHA"]


def test_api_sets_a_policy(api_client_for, dist_b):
    response = api_client_for(Role.CHANNEL_MANAGER).put(
        f"{API}/{dist_b.pk}",
        json.dumps({"kind": "sell_through", "policy": "reject_file"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["sell_through"] == "reject_file"
    assert response.json()["sell_through_default"] is False
    assert _settings() == {("BRAVO", "sell_through", "reject_file")}


@pytest.mark.parametrize(
    ("role", "body", "status"),
    [
        (Role.DISTRIBUTOR_ADMIN, {"kind": "sell_through", "policy": "reject_file"}, 403),
        (Role.ANALYST, {"kind": "sell_through", "policy": "reject_file"}, 403),
        (Role.VENDOR_ADMIN, {"kind": "sell_through", "policy": "ignore"}, 422),
        (Role.VENDOR_ADMIN, {"kind": "orders", "policy": "quarantine"}, 422),
    ],
)
def test_api_policy_refusals_change_nothing(api_client_for, dist_a, role, body, status):
    response = api_client_for(role).put(
        f"{API}/{dist_a.pk}", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == status
    assert _settings() == set()


def test_api_policy_for_a_missing_distributor_is_404(api_client_for, dist_a):
    response = api_client_for(Role.VENDOR_ADMIN).put(
        f"{API}/999999",
        json.dumps({"kind": "sell_through", "policy": "quarantine"}),
        content_type="application/json",
    )
    assert response.status_code == 404
