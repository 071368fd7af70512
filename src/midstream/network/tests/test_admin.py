import pytest
from django.test import Client

from midstream.accounts.choices import Role
from midstream.network.tests.factories import make_alias, make_reseller, make_supply

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(users):
    admin = users[Role.VENDOR_ADMIN]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    return client


@pytest.mark.parametrize("model", ["reseller", "resellersupply", "reselleralias"])
def test_admin_shows_but_never_writes(admin_client, dist_a, model):
    reseller = make_reseller(name="Admin Shop")
    make_supply(reseller, dist_a)
    make_alias(reseller, "Admin Alias")
    assert admin_client.get(f"/admin/network/{model}/").status_code == 200
    assert admin_client.get(f"/admin/network/{model}/add/").status_code == 403


def test_reseller_change_page_is_read_only(admin_client, dist_a):
    reseller = make_reseller(name="Admin Shop")
    make_supply(reseller, dist_a, account_number="ADM-1")
    response = admin_client.post(
        f"/admin/network/reseller/{reseller.pk}/change/", {"name": "Changed"}
    )
    assert response.status_code == 403
    reseller.refresh_from_db()
    assert reseller.name == "Admin Shop"
