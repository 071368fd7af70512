import datetime as dt

import pytest
from django.urls import reverse

from midstream.accounts.choices import VENDOR_ROLES, Role
from midstream.partners.tests.factories import (
    make_contact,
    make_obligation,
    make_onboarding_item,
    make_territory,
)

pytestmark = pytest.mark.django_db

HOME = reverse("portal:home")


@pytest.mark.parametrize("role", [Role.DISTRIBUTOR_ADMIN, Role.DISTRIBUTOR_USER])
def test_a_distributor_user_sees_its_own_distributor(client_for, dist_a, dist_b, role):
    make_obligation(dist_a, report_type="sell_through", frequency="monthly", due_days=10)
    make_obligation(
        dist_a,
        report_type="inventory",
        frequency="weekly",
        due_days=2,
        active_from=dt.date(2020, 1, 1),
        active_to=dt.date(2020, 12, 31),
    )
    make_obligation(dist_b, report_type="inventory", frequency="weekly", due_days=4)
    make_territory(dist_a, region="AMER", country="US", exclusive=True)
    make_contact(dist_b, name="Bravo Secret Person", email="secret@bravo.example")
    make_onboarding_item(dist_a, item="Sign agreement", done_date=dt.date(2025, 1, 2))
    make_onboarding_item(dist_a, item="First report")

    response = client_for(role).get(HOME)

    assert response.status_code == 200
    assert response.context["distributor"] == dist_a
    content = response.content.decode()
    assert "Alpha Distribution Inc" in content
    assert "Active" in content
    # The ended 2020 obligation is history; BRAVO's is not ours.
    assert [(o.report_type, o.due_days) for o in response.context["obligations"]] == [
        ("sell_through", 10)
    ]
    assert "10 days after each month ends" in content
    assert "US (exclusive)" in content
    assert "1 of 2 done (50%)" in content
    assert "Bravo" not in content
    for path in ("/agreements/", "/sell-in/", "/resellers/"):
        assert f'href="{path}"' in content


@pytest.mark.parametrize("role", sorted(VENDOR_ROLES))
def test_vendor_staff_are_sent_to_the_dashboard(client_for, dist_a, role):
    response = client_for(role).get(HOME)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_portal_runs_a_fixed_number_of_queries(client_for, dist_a, django_assert_num_queries):
    client = client_for(Role.DISTRIBUTOR_USER)
    for number in range(3):
        make_onboarding_item(dist_a, item=f"Item {number}")
        make_contact(dist_a, name=f"Person {number}", email=f"p{number}@alpha.example")
    # session, user, distributor, items, obligations, contacts, territories
    with django_assert_num_queries(7):
        assert client.get(HOME).status_code == 200
