"""What the browser tests share: logging in through the form and walking pages."""

from __future__ import annotations

from django.urls import reverse

from midstream.accounts.choices import DISTRIBUTOR_ROLES
from midstream.accounts.context_processors import NAVIGATION
from midstream.accounts.permissions import has_perm


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

    def __init__(self, page, prefix: str, screenshots_dir, *, forbidden=(), distributor_role):
        self.page = page
        self.prefix = prefix
        self.screenshots_dir = screenshots_dir
        self.forbidden = list(forbidden)  # texts that must not appear (case-insensitive)
        self.distributor_role = distributor_role
        self.problems: list[str] = []
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
        for text in self.forbidden:
            if text.lower() in body.lower():
                self.problems.append(f"{key}: shows another distributor's data ({text!r})")
        page.screenshot(path=str(self.screenshots_dir / f"{self.prefix}-{key}.png"), full_page=True)

    def open(self, key: str, url: str, texts: list[str]):
        self.broken.clear()
        response = self.page.goto(url)
        self.last_status = response.status if response else None
        self.check_current(key, texts)


def log_in(page, username: str, password: str):
    page.goto(reverse("login"))
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert reverse("login") not in page.url, f"{username} could not log in"
