"""Upload to result with the real pipeline: JSON records posted to the API are processed in
the test's process (the immediate task backend, run when the upload commits), then read back
through the status, issues and page endpoints. The error policy decides what a bad line does.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from midstream.accounts.choices import Role
from midstream.catalog.tests.factories import make_product
from midstream.ingest.models import SellThroughFact, Submission
from midstream.ingest.policies import set_error_policy

pytestmark = pytest.mark.django_db

RECORDS = "/api/submissions/records"
GOOD = (
    '{"invoice_number": "INV-9", "invoice_date": "2025-01-20", "quantity": 1.50, '
    '"unit_price": 12.3400, "currency": "USD", "identifiers": {"VP": "SW-24P"}, '
    '"parties": {"BY": {"name": "Corner Shop"}}}'
)
BAD = (
    '{"invoice_number": "INV-10", "invoice_date": "2025-01-21", "quantity": 2, '
    '"unit_price": 10, "currency": "USD", "identifiers": {"VP": "NO-SUCH-SKU"}, '
    '"parties": {"BY": {"name": "Corner Shop"}}}'
)


@pytest.fixture(autouse=True)
def run_in_process(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def product(db):
    return make_product(sku="SW-24P")


def _post(client, *records: str, capture) -> dict:
    body = (
        '{"distributor": "ALPHA", "kind": "sell_through", "period": "2025-01", "records": ['
        + ",".join(records)
        + "]}"
    )
    with capture(execute=True):
        response = client.post(RECORDS, body, content_type="application/json")
    assert response.status_code == 202
    return client.get(response.json()["status_url"]).json()


def test_quarantine_commits_the_good_line_and_lists_the_bad_one(
    api_client_for, client_for, dist_a, product, django_capture_on_commit_callbacks
):
    client = api_client_for(Role.DISTRIBUTOR_USER)

    status = _post(client, GOOD, BAD, capture=django_capture_on_commit_callbacks)

    assert status["status"] == "committed"
    assert status["final"] is True
    assert status["error_policy"] == "quarantine"
    assert status["version"] == 1
    assert (status["counts"]["read"], status["counts"]["accepted"]) == (2, 1)
    assert status["counts"]["rejected"] == 1
    assert status["progress"] == {"stage": "done", "lines_processed": 2, "lines_total": 2}
    fact = SellThroughFact.objects.for_distributor(dist_a.pk).get()
    assert (fact.quantity, fact.unit_price) == (Decimal("1.500"), Decimal("12.3400"))
    errors = client.get(f"/api/submissions/{status['id']}/issues", {"severity": "error"}).json()
    assert [(item["line"], item["code"]) for item in errors["items"]] == [(2, "unknown_product")]

    page = client_for(Role.DISTRIBUTOR_USER).get(
        reverse("ingest:submission_detail", args=[status["id"]])
    )
    assert page.context["final"] is True
    assert page.context["corrections_url"] == reverse(
        "ingest:submission_corrections", kwargs={"pk": status["id"]}
    )
    assert "ingest/progress.js" not in page.content.decode()


def test_reject_file_policy_commits_nothing(
    api_client_for, users, dist_a, product, django_capture_on_commit_callbacks
):
    set_error_policy(
        actor=users[Role.CHANNEL_MANAGER],
        distributor=dist_a,
        kind="sell_through",
        policy="reject_file",
    )

    status = _post(
        api_client_for(Role.DISTRIBUTOR_USER), GOOD, BAD, capture=django_capture_on_commit_callbacks
    )

    assert status["status"] == "rejected"
    assert status["error_policy"] == "reject_file"
    assert status["version"] is None
    assert not SellThroughFact.objects.for_distributor(dist_a.pk).exists()


def test_a_corrected_file_supersedes_the_first_version(
    api_client_for, client_for, dist_a, product, django_capture_on_commit_callbacks
):
    client = api_client_for(Role.DISTRIBUTOR_USER)
    first = _post(client, GOOD, BAD, capture=django_capture_on_commit_callbacks)
    corrected = BAD.replace("NO-SUCH-SKU", "SW-24P")

    second = _post(client, GOOD, corrected, capture=django_capture_on_commit_callbacks)

    assert (second["status"], second["version"], second["supersedes"]) == (
        "committed",
        2,
        first["id"],
    )
    assert Submission.objects.unscoped().get(pk=first["id"]).status == "superseded"
    pages = client_for(Role.ANALYST)
    older = pages.get(reverse("ingest:submission_detail", args=[first["id"]])).context
    newer = pages.get(reverse("ingest:submission_detail", args=[second["id"]])).context
    assert older["next_version"].pk == second["id"]
    assert newer["previous_version"].pk == first["id"]
    assert [item.pk for item in newer["history"]] == [first["id"], second["id"]]
    assert newer["diff_url"] == reverse("ingest:submission_diff", kwargs={"pk": second["id"]})
