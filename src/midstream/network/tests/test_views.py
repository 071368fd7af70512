import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from midstream.accounts.choices import Role
from midstream.core.models import AuditRecord
from midstream.network.models import Reseller, ResellerAlias, ResellerSupply
from midstream.network.tests.factories import make_alias, make_reseller, make_supply

pytestmark = pytest.mark.django_db

LIST_URL = reverse("network:reseller_list")


def names_in(response) -> list[str]:
    return [row[1]["value"] for row in response.context["listing"].rows]


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


# --- list ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    # session + user, count, rows, country choices, distributor choices (vendor only)
    [(Role.ANALYST, 6), (Role.DISTRIBUTOR_USER, 5)],
)
def test_list_query_count_does_not_grow_with_rows(
    client_for, django_assert_num_queries, dist_a, role, expected
):
    client = client_for(role)
    make_supply(make_reseller(recruited_by=dist_a), dist_a)
    with django_assert_num_queries(expected):
        assert client.get(LIST_URL).status_code == 200
    for _ in range(5):
        make_supply(make_reseller(recruited_by=dist_a), dist_a)
    with django_assert_num_queries(expected):
        response = client.get(LIST_URL)
    assert response.context["listing"].total == 6


def test_list_search_filters_and_sort(client_for, dist_a, dist_b):
    client = client_for(Role.CHANNEL_MANAGER)
    berlin = make_reseller(name="Berlin Bits", country="DE", city="Berlin", tier="gold")
    make_reseller(name="Austin Apps", country="US", city="Austin", tier="silver")
    paris = make_reseller(name="Paris Ports", country="FR", tax_id="FR77", tier="gold")
    make_supply(berlin, dist_b)
    make_supply(paris, dist_a)

    assert names_in(client.get(LIST_URL, {"q": "berlin"})) == ["Berlin Bits"]
    assert names_in(client.get(LIST_URL, {"q": "fr77"})) == ["Paris Ports"]
    assert names_in(client.get(LIST_URL, {"tier": "gold"})) == ["Berlin Bits", "Paris Ports"]
    assert names_in(client.get(LIST_URL, {"country": "FR"})) == ["Paris Ports"]
    assert names_in(client.get(LIST_URL, {"distributor": str(dist_b.pk)})) == ["Berlin Bits"]
    assert names_in(client.get(LIST_URL, {"sort": "-name"})) == [
        "Paris Ports",
        "Berlin Bits",
        "Austin Apps",
    ]


def test_distributor_users_have_no_distributor_filter(client_for, dist_a, dist_b):
    shared = make_reseller(name="Shared")
    make_supply(shared, dist_a)
    make_supply(shared, dist_b)
    response = client_for(Role.DISTRIBUTOR_USER).get(LIST_URL, {"distributor": str(dist_b.pk)})
    names = [control["name"] for control in response.context["listing"].filter_controls]
    assert "distributor" not in names
    assert names_in(response) == ["Shared"]


def test_csv_export_neutralises_formulas(client_for):
    make_reseller(name='=HYPERLINK("http://evil")', partner_id="R0009999", city="+Town")
    response = client_for(Role.ANALYST).get(LIST_URL, {"export": "csv"})
    rows = csv_rows(response)
    assert rows[0][:3] == ["Partner id", "Name", "Tax id"]
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    assert rows[1][3] == "'+Town"


def test_xlsx_export(client_for):
    make_reseller(name="Berlin Bits")
    response = client_for(Role.ANALYST).get(LIST_URL, {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


# --- detail ---------------------------------------------------------------------------------


def test_detail_for_vendor_shows_everything_and_the_audit_link(client_for, dist_a, dist_b):
    reseller = make_reseller(name="Shared Shop", recruited_by=dist_b)
    make_supply(reseller, dist_a, account_number="ACC-A")
    make_supply(reseller, dist_b, account_number="ACC-B", since=dt.date(2023, 5, 1))
    make_alias(reseller, "Shared Shop GmbH", dist_b)
    make_alias(reseller, "Shared")
    response = client_for(Role.ANALYST).get(reverse("network:reseller_detail", args=[reseller.pk]))
    body = response.content.decode()
    for text in ("ACC-A", "ACC-B", "Shared Shop GmbH", "BRAVO", "2023-05-01"):
        assert text in body
    assert f"/audit/?object_type=network.reseller&object_id={reseller.pk}" in body
    assert "Advance stage" not in body  # analysts only look


def test_detail_for_channel_manager_has_the_forms(client_for):
    reseller = make_reseller()
    body = client_for(Role.CHANNEL_MANAGER).get(
        reverse("network:reseller_detail", args=[reseller.pk])
    )
    assert b"Advance stage" in body.content
    assert b"Add supplying distributor" in body.content


# --- forms ---------------------------------------------------------------------------------

FORM = {
    "partner_id": "R0005555",
    "name": "Form Shop",
    "tax_id": "",
    "address_line": "1 Road",
    "city": "Leeds",
    "postal_code": "LS1",
    "country": "GB",
    "tier": "silver",
    "status": "active",
    "recruited_by": "",
    "onboarding_stage": "contacted",
    "reason": "new partner",
}


def test_create_page_creates_and_redirects(client_for):
    response = client_for(Role.CHANNEL_MANAGER).post(reverse("network:reseller_create"), FORM)
    reseller = Reseller.objects.unscoped().get(partner_id="R0005555")
    assert response.status_code == 302
    assert response["Location"] == reverse("network:reseller_detail", args=[reseller.pk])
    assert (reseller.city, reseller.onboarding_stage) == ("Leeds", "contacted")


def test_create_page_shows_a_service_error_on_the_field(client_for):
    make_reseller(partner_id="R0005555")
    response = client_for(Role.CHANNEL_MANAGER).post(reverse("network:reseller_create"), FORM)
    assert response.status_code == 200
    assert response.context["form"].errors["partner_id"] == ["Partner id R0005555 is taken."]
    assert Reseller.objects.unscoped().count() == 1


@pytest.mark.parametrize("role", [Role.ANALYST, Role.PRICING_MANAGER, Role.DISTRIBUTOR_ADMIN])
def test_roles_without_change_permission_cannot_create(client_for, role):
    response = client_for(role).post(reverse("network:reseller_create"), FORM)
    assert response.status_code == 403
    assert not Reseller.objects.unscoped().exists()
    assert not AuditRecord.objects.exists()


def test_edit_page_updates(client_for):
    reseller = make_reseller(partner_id="R0005555", name="Before")
    response = client_for(Role.CHANNEL_MANAGER).post(
        reverse("network:reseller_edit", args=[reseller.pk]), {**FORM, "name": "After"}
    )
    assert response.status_code == 302
    reseller.refresh_from_db()
    assert reseller.name == "After"
    assert reseller.onboarding_stage == "identified"  # the edit form does not move the stage


def test_distributor_admin_cannot_edit_its_own_reseller(client_for, dist_a):
    reseller = make_reseller(name="Mine")
    make_supply(reseller, dist_a)
    response = client_for(Role.DISTRIBUTOR_ADMIN).post(
        reverse("network:reseller_edit", args=[reseller.pk]), {**FORM, "name": "Hacked"}
    )
    assert response.status_code == 403
    reseller.refresh_from_db()
    assert reseller.name == "Mine"


def test_stage_form_refuses_going_back(client_for):
    reseller = make_reseller(onboarding_stage="trained")
    response = client_for(Role.CHANNEL_MANAGER).post(
        reverse("network:reseller_stage", args=[reseller.pk]), {"onboarding_stage": "applied"}
    )
    assert response.status_code == 200
    assert response.context["stage_form"].errors["onboarding_stage"] == [
        "The reseller is at Trained; Applied is not a later stage."
    ]
    reseller.refresh_from_db()
    assert reseller.onboarding_stage == "trained"


def test_alias_and_supply_forms(client_for, dist_a):
    client = client_for(Role.CHANNEL_MANAGER)
    reseller = make_reseller()
    response = client.post(
        reverse("network:reseller_alias_add", args=[reseller.pk]),
        {"alias": "Nick", "distributor": str(dist_a.pk)},
    )
    assert response.status_code == 302
    alias = ResellerAlias.objects.unscoped().get()
    assert (alias.alias, alias.distributor_id) == ("Nick", dist_a.pk)

    response = client.post(
        reverse("network:reseller_supply_add", args=[reseller.pk]),
        {"distributor": str(dist_a.pk), "since": "2025-02-01", "account_number": "X1"},
    )
    assert response.status_code == 302
    supply = ResellerSupply.objects.unscoped().get()
    assert (supply.since, supply.account_number) == (dt.date(2025, 2, 1), "X1")

    response = client.post(
        reverse("network:reseller_supply_end", args=[supply.pk]), {"until": "2025-12-31"}
    )
    assert response.status_code == 302
    supply.refresh_from_db()
    assert supply.until == dt.date(2025, 12, 31)

    client.post(reverse("network:reseller_alias_remove", args=[alias.pk]))
    client.post(reverse("network:reseller_supply_remove", args=[supply.pk]))
    assert not ResellerAlias.objects.unscoped().exists()
    assert not ResellerSupply.objects.unscoped().exists()
