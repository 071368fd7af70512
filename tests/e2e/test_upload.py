"""Browser: a distributor user uploads a report in the portal and watches it being processed.

ALPHA's distributor user logs in through the form, opens the portal, follows "Upload a
report", picks a CSV, the kind and the month, and lands on the submission's page. The worker
is played by the test: it writes the progress the pipeline writes (stage, lines processed of
total) and the page's script must show it within seconds without a reload ("4 of 10 lines" and
the <progress> bar); once the submission is committed the page must reload itself and show the
result. Uploading the same file again must say it is a duplicate and not counted again. The
submissions list must never show BRAVO's data. Screenshots:
``test-artifacts/screenshots/upload-<step>.png``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from browsing import Walk, log_in
from cast import CANARY, PASSWORD, build_cast
from django.urls import reverse
from playwright.sync_api import expect

from midstream.accounts.choices import Role

pytestmark = pytest.mark.e2e

CSV = b"Invoice,Date,SKU,Qty,Reseller\nINV-77,2025-03-04,SW-24P,3,Alpha Corner Shop\n"


@pytest.fixture
def seeded(transactional_db, settings, tmp_path):
    """The access-matrix cast; queued tasks are recorded, never run (the test is the worker)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return build_cast(with_tokens=False)


def _upload(page, *, name: str):
    page.set_input_files(
        'input[name="file"]', files=[{"name": name, "mimeType": "text/csv", "buffer": CSV}]
    )
    page.select_option('select[name="kind"]', "sell_through")
    page.fill('input[name="period"]', "2025-03")
    with page.expect_navigation():
        page.get_by_role("button", name="Upload").click()


def test_distributor_uploads_and_follows_the_progress(page, seeded, screenshots_dir):
    from midstream.ingest.models import Submission

    user = seeded.users[Role.DISTRIBUTOR_USER]
    walk = Walk(page, "upload", screenshots_dir, forbidden=[CANARY], distributor_role=True)
    log_in(page, user.username, PASSWORD)

    walk.open("portal", reverse("portal:home"), ["Upload a report"])
    with page.expect_navigation():
        page.locator("#upload-report").click()
    walk.last_status = 200
    walk.check_current("form", ["Report file", "Period (month)"])
    assert page.locator('select[name="distributor"]').count() == 0  # always its own

    _upload(page, name="alpha-march.csv")
    submission = Submission.objects.unscoped().get(file_name="alpha-march.csv")
    assert page.url.endswith(reverse("ingest:submission_detail", args=[submission.pk]))
    assert submission.distributor_id == seeded.own.distributor.pk
    assert submission.source == "portal"
    assert (submission.period_start, submission.period_end) == (
        dt.date(2025, 3, 1),
        dt.date(2025, 3, 31),
    )
    walk.check_current("received", ["alpha-march.csv received as", "Received"], status=None)
    expect(page.locator("#progress")).to_have_attribute("data-final", "false")

    # The worker reads the file: the page follows without a reload.
    Submission.objects.unscoped().filter(pk=submission.pk).update(
        status="parsing", stage="reading", lines_total=10, lines_processed=4
    )
    expect(page.locator("[data-lines]")).to_have_text("4 of 10 lines", timeout=10_000)
    expect(page.locator("[data-stage]")).to_have_text("Reading")
    assert page.evaluate("document.querySelector('#progress progress').value") == 4
    expect(page.locator("#status")).to_have_text("Parsing")
    walk.check_current("progress", ["Queue again"], status=None)

    # It commits: the page reloads itself once and shows the result.
    Submission.objects.unscoped().filter(pk=submission.pk).update(
        status="committed",
        stage="done",
        lines_processed=10,
        lines_read=10,
        lines_accepted=10,
        version=1,
    )
    expect(page.locator("#progress")).to_have_attribute("data-final", "true", timeout=10_000)
    expect(page.locator("#status")).to_have_text("Committed")
    expect(page.locator('[data-count="accepted"]')).to_have_text("10")
    assert page.locator("#progress progress").count() == 0
    walk.check_current("committed", ["Download original"], status=None)

    # The same file again is recognised, not counted twice.
    page.goto(reverse("portal:upload"))
    _upload(page, name="alpha-march-again.csv")
    walk.check_current(
        "duplicate",
        [f"recognised as a duplicate of #{submission.pk} and is not counted again"],
        status=None,
    )

    walk.open("list", reverse("ingest:submission_list"), ["alpha-march.csv", "Duplicate"])
    assert not walk.problems, "\n".join(walk.problems)
