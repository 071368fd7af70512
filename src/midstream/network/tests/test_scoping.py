"""A distributor sees its own resellers and, on them, only its own relationship."""

import datetime as dt

import pytest
from django.urls import reverse

from midstream.accounts.choices import Role
from midstream.network.tests.factories import make_alias, make_reseller, make_supply

pytestmark = pytest.mark.django_db

FOREIGN_SECRETS = ("FOREIGN-ACCOUNT-991", "Foreign Spelling Ltd", "BRAVO", "Bravo Distribution")


@pytest.fixture
def world(dist_a, dist_b):
    own = make_reseller(name="Own Only Shop")
    make_supply(own, dist_a, account_number="OWN-ACCOUNT-1")
    recruited = make_reseller(name="Recruited By Us", recruited_by=dist_a)
    foreign = make_reseller(name="Foreign Only Shop")
    make_supply(foreign, dist_b, account_number="FOREIGN-ACCOUNT-990")
    shared = make_reseller(name="Shared Shop", recruited_by=dist_b)
    make_supply(shared, dist_a, account_number="OWN-ACCOUNT-2", since=dt.date(2024, 2, 1))
    make_supply(shared, dist_b, account_number="FOREIGN-ACCOUNT-991", since=dt.date(2021, 7, 9))
    make_alias(shared, "Foreign Spelling Ltd", dist_b)
    make_alias(shared, "Own Spelling", dist_a)
    make_alias(shared, "Vendor Spelling")
    return {"own": own, "recruited": recruited, "foreign": foreign, "shared": shared}


def detail(pk):
    return reverse("network:reseller_detail", args=[pk])


@pytest.mark.parametrize("role", [Role.DISTRIBUTOR_USER, Role.DISTRIBUTOR_ADMIN])
def test_own_and_recruited_resellers_answer_200_foreign_only_404(client_for, world, role):
    client = client_for(role)
    assert client.get(detail(world["own"].pk)).status_code == 200
    assert client.get(detail(world["recruited"].pk)).status_code == 200
    assert client.get(detail(world["foreign"].pk)).status_code == 404
    assert client.get(detail(999_999)).status_code == 404


def test_shared_reseller_shows_only_our_relationship(client_for, world):
    response = client_for(Role.DISTRIBUTOR_USER).get(detail(world["shared"].pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert "OWN-ACCOUNT-2" in body
    assert "Own Spelling" in body
    assert "Vendor Spelling" in body
    for secret in FOREIGN_SECRETS:
        assert secret not in body, secret
    assert "2021-07-09" not in body  # the foreign supply row's date
    assert "/audit/" not in body
    assert [supply.account_number for supply in response.context["view"].supplies] == [
        "OWN-ACCOUNT-2"
    ]


def test_list_and_exports_hold_only_our_resellers_and_accounts(client_for, world):
    client = client_for(Role.DISTRIBUTOR_USER)
    url = reverse("network:reseller_list")
    response = client.get(url)
    names = sorted(row[1]["value"] for row in response.context["listing"].rows)
    assert names == ["Own Only Shop", "Recruited By Us", "Shared Shop"]
    for export in ("csv", "xlsx"):
        exported = client.get(url, {"export": export})
        content = b"".join(exported.streaming_content) if exported.streaming else exported.content
        assert b"Foreign Only Shop" not in content
        assert b"FOREIGN-ACCOUNT" not in content
        assert b"BRAVO" not in content
    csv_text = b"".join(client.get(url, {"export": "csv"}).streaming_content).decode()
    assert "OWN-ACCOUNT-2" in csv_text


def test_search_does_not_reach_foreign_aliases(client_for, world):
    response = client_for(Role.DISTRIBUTOR_USER).get(
        reverse("network:reseller_list"), {"q": "Foreign"}
    )
    assert response.context["listing"].total == 0


def test_foreign_supply_and_alias_actions_are_refused(client_for, world, dist_b):
    supply = world["shared"].supplies.get(distributor=dist_b)
    alias = world["shared"].aliases.get(distributor=dist_b)
    client = client_for(Role.DISTRIBUTOR_ADMIN)
    assert client.post(reverse("network:reseller_supply_remove", args=[supply.pk])).status_code in (
        403,
    )
    assert client.post(reverse("network:reseller_alias_remove", args=[alias.pk])).status_code == 403
    assert world["shared"].supplies.count() == 2
    assert world["shared"].aliases.count() == 3
