"""The demo data set in a browser: realistic volumes render, and a distributor stays in its lane.

A small demo (``midstream demo --distributors 4 --resellers 60 --products 30 --months 3``) is
loaded into the live server's database; a vendor admin and a distributor user of NORTHWIND
log in through the form and open every page in their navigation, a distributor's detail and
the sell-in by month. Each page must answer 200 without a server error or a broken asset and
show a filled table or chart; NORTHWIND's user must never see OSTSEE's name. Screenshots:
``test-artifacts/screenshots/demo-<login>-<page>.png``.
"""

from __future__ import annotations

import re

import pytest
from browsing import Walk, expected_nav, log_in
from django.core.management import call_command
from django.urls import reverse

from midstream.accounts.choices import DISTRIBUTOR_ROLES
from midstream.accounts.context_processors import NAVIGATION

pytestmark = pytest.mark.e2e

LOGINS = ["vendor_admin", "northwind_user"]
OTHER_DISTRIBUTOR = "Ostsee Komponenten GmbH"


@pytest.fixture
def demo(transactional_db):
    from midstream.demo.generator import DEMO_PASSWORD

    call_command("demo", distributors=4, resellers=60, products=30, months=3, verbosity=0)
    return DEMO_PASSWORD


# A list page shows rows; the dashboard and the portal show figures.
FILLED = {
    "partners:distributor_list": "main table tbody tr",
    "network:reseller_list": "main table tbody tr",
    "catalog:product_list": "main table tbody tr",
    "agreements:agreement_list": "main table tbody tr",
    "sales:sellin_list": "main table tbody tr",
    "core:audit_list": "main table tbody tr",
    # The demo computes its compliance calendar: one heat-map row per distributor.
    "compliance:heat_map": "#heat-map tbody tr",
}


@pytest.mark.parametrize("username", LOGINS)
def test_demo_pages_render(username, page, demo, screenshots_dir):
    from midstream.accounts.models import User

    user = User.objects.get(username=username)
    distributor_role = user.role in DISTRIBUTOR_ROLES
    walk = Walk(
        page,
        f"demo-{username}",
        screenshots_dir,
        forbidden=[OTHER_DISTRIBUTOR] if distributor_role else [],
        distributor_role=distributor_role,
    )
    log_in(page, username, demo)
    nav_labels = [text.strip() for text in page.locator("ul.mainnav a").all_inner_texts()]
    assert nav_labels == expected_nav(user)

    for _label, url_name, _perm, _vendor_only in NAVIGATION:
        href = reverse(url_name)
        if page.locator(f'ul.mainnav a[href="{href}"]').count() == 0:
            continue
        walk.open(url_name.replace(":", "-"), href, [])
        selector = FILLED.get(url_name)
        if selector and page.locator(selector).count() == 0:
            walk.problems.append(f"{url_name}: no rows in the demo data")

    if not distributor_role:
        page.goto(reverse("partners:distributor_list"))
        walk.broken.clear()
        with page.expect_navigation() as navigation:
            page.locator("main table tbody tr a").first.click()
        walk.last_status = navigation.value.status if navigation.value else None
        walk.check_current("distributor-detail", [])

    page.goto(reverse("sales:sellin_list"))
    walk.broken.clear()
    with page.expect_navigation() as navigation:
        page.locator("main a", has_text=re.compile(r"by month", re.IGNORECASE)).first.click()
    walk.last_status = navigation.value.status if navigation.value else None
    page.wait_for_selector("canvas")
    walk.check_current("sellin-by-month", [])

    assert not walk.problems, "\n".join(walk.problems)
