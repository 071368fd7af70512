"""Browser fixtures: Debian's chromium driven by Playwright against pytest-django's live server.

Playwright's browser builds are never downloaded (``playwright install`` is not used): the
tests launch ``/usr/bin/chromium``, which ``scripts/test`` installs with apt-get. Without it the
tests skip on a developer machine and fail in CI (``CI=true``).
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("MIDSTREAM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(autouse=True, scope="module")
def allow_orm_beside_playwright():
    """Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls
    from a thread with a running loop unless told that this is deliberate (the tests seed data
    and the database is flushed there). Only while these tests run: module-scoped, so it
    outlasts the per-test database teardown, and removed afterwards (it must never reach a
    deployment, where ``check --deploy`` refuses it)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium (scripts/test does)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshots_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
