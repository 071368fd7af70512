"""Browser walk-through: every role logs in through the real form and opens the main pages.

For each role (the five vendor roles, ALPHA's distributor admin and user) the test logs in
once, checks the navigation offers exactly the pages the role may use, opens each of them and
the pages behind them (a distributor's detail, the sell-in chart by month, the API tokens, the
interactive API docs), and on every page asserts: HTTP 200, no server error, the page's key
text, and, for distributor roles, no trace of the other distributor's data. A full-page
screenshot of each page is saved as ``test-artifacts/screenshots/<role>-<page>.png``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from browsing import Walk, expected_nav, log_in
from cast import CANARY, PASSWORD, build_cast
from django.urls import reverse

from midstream.accounts.choices import DISTRIBUTOR_ROLES, Role
from midstream.accounts.context_processors import NAVIGATION

pytestmark = pytest.mark.e2e

ROLES = [
    Role.VENDOR_ADMIN,
    Role.CHANNEL_MANAGER,
    Role.FINANCE,
    Role.PRICING_MANAGER,
    Role.ANALYST,
    Role.DISTRIBUTOR_ADMIN,
    Role.DISTRIBUTOR_USER,
]

# Key text each main page must show with the seeded data (vendor staff, distributor roles).
VENDOR_TEXT = {
    "home": ["Dashboard"],
    "partners:distributor_list": ["ALPHA", "BRAVO"],
    "network:reseller_list": ["Alpha Corner Shop", "Shared Supplies Co"],
    "catalog:product_list": ["SW-24P"],
    "agreements:agreement_list": ["VPA-ALPHA-1"],
    "sales:sellin_list": ["INV-ALPHA-M0"],
    "core:audit_list": ["Audit log"],
    "core:settings": ["Settings", "Exchange rates"],
    "ingest:profile_list": ["Mapping profiles"],
}
DISTRIBUTOR_TEXT = {
    "home": ["Alpha Distribution Ltd"],
    "portal:home": ["Alpha Distribution Ltd"],
    "network:reseller_list": ["Alpha Corner Shop", "Shared Supplies Co"],
    "catalog:product_list": ["SW-24P"],
    "agreements:agreement_list": ["VPA-ALPHA-1"],
    "sales:sellin_list": ["INV-ALPHA-M0"],
    "ingest:profile_list": ["Mapping profiles"],
}


def months_ago(today: dt.date, months: int) -> dt.date:
    month_index = today.year * 12 + today.month - 1 - months
    return dt.date(month_index // 12, month_index % 12 + 1, 10)


@pytest.fixture
def seeded(transactional_db):
    """The access-matrix cast plus three recent months of sell-in for each distributor."""
    from midstream.sales.models import SellInLine

    cast = build_cast(with_tokens=False)
    today = dt.date.today()
    for bundle, code in ((cast.own, "ALPHA"), (cast.foreign, "BRAVO")):
        for months in range(3):
            prefix = f"INV-{code}-M" if bundle is cast.own else f"{CANARY}-INV-M"
            SellInLine.objects.unscoped().create(
                distributor=bundle.distributor,
                invoice_number=f"{prefix}{months}",
                line_number=1,
                invoice_date=months_ago(today, months),
                product=cast.product,
                quantity=Decimal(5 + months),
                unit_net_price=Decimal("90.0000"),
                currency=bundle.distributor.currency,
                net_amount=Decimal(90 * (5 + months)),
                imported_by=bundle.sellin_import,
            )
    return cast


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_role_walks_the_main_pages(role, page, seeded, screenshots_dir):
    user = seeded.users[role]
    forbidden = [CANARY] if role in DISTRIBUTOR_ROLES else []
    walk = Walk(
        page,
        str(role),
        screenshots_dir,
        forbidden=forbidden,
        distributor_role=role in DISTRIBUTOR_ROLES,
    )
    log_in(page, user.username, PASSWORD)

    # The navigation offers exactly what the role may use.
    nav_labels = [text.strip() for text in page.locator("ul.mainnav a").all_inner_texts()]
    assert nav_labels == expected_nav(user)

    texts = DISTRIBUTOR_TEXT if walk.distributor_role else VENDOR_TEXT
    for _label, url_name, _perm, _vendor_only in NAVIGATION:
        href = reverse(url_name)
        if page.locator(f'ul.mainnav a[href="{href}"]').count() == 0:
            continue
        walk.open(url_name.replace(":", "-"), href, texts.get(url_name, []))

    if walk.distributor_role:
        # The portal is the distributor's own detail page; the foreign one answers 404.
        foreign_pk = seeded.foreign.distributor.pk
        response = page.goto(reverse("partners:distributor_detail", kwargs={"pk": foreign_pk}))
        if response is None or response.status != 404:
            walk.problems.append(f"foreign distributor detail: HTTP {response and response.status}")
        if CANARY.lower() in page.content().lower():
            walk.problems.append("foreign distributor detail shows its data (canary)")
    else:
        walk.open(
            "distributor-detail",
            reverse("partners:distributor_detail", kwargs={"pk": seeded.own.distributor.pk}),
            ["Alpha Distribution Ltd", "Olivia Own"],
        )

    # The sell-in chart by month, reached from the sell-in list.
    page.goto(reverse("sales:sellin_list"))
    chart_link = page.locator("main a", has_text=re.compile(r"by month", re.IGNORECASE)).first
    if chart_link.count() == 0:
        walk.problems.append("sell-in list: no link to the sell-in by month")
    else:
        walk.broken.clear()
        with page.expect_navigation() as navigation:
            chart_link.click()
        walk.last_status = navigation.value.status if navigation.value else None
        page.wait_for_selector("canvas")
        walk.check_current("sellin-by-month", [])

    walk.open("tokens", reverse("accounts:token_list"), ["API tokens"])

    # Swagger UI is served from the app's own static files: it renders with no internet.
    walk.last_status = page.goto("/api/docs").status
    page.wait_for_selector(".swagger-ui .info .title")
    title = page.locator(".swagger-ui .info .title").inner_text()
    if "Midstream API" not in title:
        walk.problems.append(f"api docs: title is {title!r}")
    page.wait_for_selector(".opblock", state="attached")
    walk.check_current("api-docs", [])

    assert not walk.problems, "\n".join(walk.problems)
