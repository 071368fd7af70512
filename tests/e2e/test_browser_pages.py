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
from cast import CANARY, PASSWORD, build_cast
from django.urls import reverse

from midstream.accounts.choices import DISTRIBUTOR_ROLES, Role
from midstream.accounts.context_processors import NAVIGATION
from midstream.accounts.permissions import has_perm

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
}
DISTRIBUTOR_TEXT = {
    "home": ["Alpha Distribution Ltd"],
    "portal:home": ["Alpha Distribution Ltd"],
    "network:reseller_list": ["Alpha Corner Shop", "Shared Supplies Co"],
    "catalog:product_list": ["SW-24P"],
    "agreements:agreement_list": ["VPA-ALPHA-1"],
    "sales:sellin_list": ["INV-ALPHA-M0"],
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


def expected_nav(user) -> list[str]:
    distributor_user = user.role in DISTRIBUTOR_ROLES
    labels = []
    for label, url_name, perm, vendor_only in NAVIGATION:
        if vendor_only and distributor_user:
            continue
        if url_name == "portal:home" and not distributor_user:
            continue
        if perm is not None and not has_perm(user, perm):
            continue
        labels.append(label)
    return labels


class Walk:
    """Opens pages as one role and collects every problem instead of stopping at the first."""

    def __init__(self, page, role, screenshots_dir):
        self.page = page
        self.role = role
        self.screenshots_dir = screenshots_dir
        self.problems: list[str] = []
        self.distributor_role = role in DISTRIBUTOR_ROLES
        self.last_status: int | None = None
        # Broken stylesheets, scripts or images and script errors count as problems too.
        self.broken: list[str] = []
        page.on("response", self._on_response)
        page.on("pageerror", lambda error: self.broken.append(f"script error: {error}"))

    def _on_response(self, response):
        if (
            response.status >= 400
            and response.request.resource_type != "document"
            and not response.url.endswith("/favicon.ico")
        ):
            self.broken.append(f"HTTP {response.status} for {response.url}")

    def check_current(self, key: str, texts: list[str], status: int | None = 200):
        page = self.page
        page.wait_for_load_state("load")
        body = page.content()
        for problem in self.broken:
            self.problems.append(f"{key}: {problem}")
        self.broken.clear()
        if status is not None and self.last_status != status:
            self.problems.append(f"{key}: HTTP {self.last_status}, expected {status}")
        if "Server Error" in body or "Traceback" in body:
            self.problems.append(f"{key}: the page shows a server error")
        for text in texts:
            if text not in body:
                self.problems.append(f"{key}: {text!r} not on the page ({page.url})")
        if self.distributor_role and CANARY.lower() in body.lower():
            self.problems.append(f"{key}: shows another distributor's data (canary)")
        page.screenshot(path=str(self.screenshots_dir / f"{self.role}-{key}.png"), full_page=True)

    def open(self, key: str, url: str, texts: list[str]):
        self.broken.clear()
        response = self.page.goto(url)
        self.last_status = response.status if response else None
        self.check_current(key, texts)


def log_in(page, username: str):
    page.goto(reverse("login"))
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert reverse("login") not in page.url, f"{username} could not log in"


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_role_walks_the_main_pages(role, page, seeded, screenshots_dir):
    user = seeded.users[role]
    walk = Walk(page, role, screenshots_dir)
    log_in(page, user.username)

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
