from decimal import Decimal

import pytest
from django.test import Client

from midstream.accounts.choices import Role
from midstream.catalog.tests.factories import make_conversion, make_part_number, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(users):
    admin = users[Role.VENDOR_ADMIN]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "model", ["productfamily", "product", "unitconversion", "distributorpartnumber"]
)
def test_admin_shows_but_never_writes(admin_client, dist_a, model):
    product = make_product(sku="ADM-1")
    make_conversion(product, "BX", 10)
    make_part_number(dist_a, product, "A-ADM")
    assert admin_client.get(f"/admin/catalog/{model}/").status_code == 200
    assert admin_client.get(f"/admin/catalog/{model}/add/").status_code == 403


def test_the_list_price_cannot_change_through_the_admin(admin_client):
    product = make_product(sku="ADM-1", list_price=Decimal("10.0000"))
    response = admin_client.post(
        f"/admin/catalog/product/{product.pk}/change/", {"list_price": "1"}
    )
    assert response.status_code == 403
    product.refresh_from_db()
    assert product.list_price == Decimal("10.0000")
