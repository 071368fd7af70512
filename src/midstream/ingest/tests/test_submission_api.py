"""Submission API: file and JSON-record uploads (idempotency, duplicates, 413, 409, scope),
list, status, issues and retry. Nothing is processed: the task queue is the dummy backend.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks import default_task_backend

from midstream.accounts.choices import Role
from midstream.core.models import AuditRecord
from midstream.ingest.formats.jsonrecords import parse_json
from midstream.ingest.models import Submission
from midstream.ingest.records import ReportKind
from midstream.ingest.submissions import read_stored_file
from midstream.ingest.tests.test_submission_pages import CSV, make_issue, make_submission

pytestmark = pytest.mark.django_db

URL = "/api/submissions"
RECORDS = "/api/submissions/records"


@pytest.fixture(autouse=True)
def quiet_queue(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    yield
    default_task_backend.clear()


def _count() -> int:
    return Submission.objects.unscoped().count()


def upload(client, *, content: bytes = CSV, name: str = "alpha-jan.csv", key: str = "", **form):
    data = {"file": SimpleUploadedFile(name, content, content_type="text/csv"), **form}
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(URL, data, **headers)


def post_json(client, url: str, body, *, key: str = ""):
    text = body if isinstance(body, str) else json.dumps(body)
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, text, content_type="application/json", **headers)


# ----- file upload --------------------------------------------------------------------------


def test_upload_answers_202_with_the_status_url(
    api_client_for, dist_a, users, django_capture_on_commit_callbacks
):
    client = api_client_for(Role.CHANNEL_MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            client, distributor="ALPHA", kind="sell_through", period="2025-01", sheet=""
        )

    assert response.status_code == 202
    submission = Submission.objects.unscoped().get()
    assert response.json() == {
        "id": submission.pk,
        "status": "received",
        "stage": "queued",
        "status_url": f"/api/submissions/{submission.pk}",
        "duplicate_of": None,
    }
    assert submission.distributor == dist_a
    assert submission.source == "api"
    assert (submission.period_start, submission.period_end) == (
        dt.date(2025, 1, 1),
        dt.date(2025, 1, 31),
    )
    assert submission.submitted_by == users[Role.CHANNEL_MANAGER]
    assert read_stored_file(submission) == CSV
    assert [result.args for result in default_task_backend.results] == [[submission.pk]]


def test_same_idempotency_key_and_file_answers_the_same_submission(api_client_for, dist_a):
    client = api_client_for(Role.DISTRIBUTOR_USER)
    first = upload(client, key="erp-2025-01", kind="sell_through")
    again = upload(client, key="erp-2025-01", kind="sell_through", name="renamed.csv")

    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json() == first.json()
    assert _count() == 1


def test_same_idempotency_key_with_another_file_is_409(api_client_for, dist_a):
    client = api_client_for(Role.DISTRIBUTOR_USER)
    upload(client, key="erp-2025-01", kind="sell_through")

    response = upload(client, key="erp-2025-01", kind="sell_through", content=b"other,file\n1,2\n")

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_conflict"
    assert _count() == 1


def test_the_same_content_again_is_recorded_as_a_duplicate(
    api_client_for, dist_a, django_capture_on_commit_callbacks
):
    client = api_client_for(Role.DISTRIBUTOR_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        first = upload(client, kind="sell_through").json()
        response = upload(client, kind="sell_through", key="another-key")

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "duplicate"
    assert body["stage"] == "done"
    assert body["duplicate_of"] == first["id"]
    assert [result.args for result in default_task_backend.results] == [[first["id"]]]


def test_an_upload_over_the_limit_is_413(api_client_for, dist_a, settings):
    settings.MAX_UPLOAD_BYTES = 20
    response = upload(api_client_for(Role.DISTRIBUTOR_USER), kind="sell_through", name="big.csv")
    assert response.status_code == 413
    assert response.json() == {
        "code": "file_too_large",
        "message": f"big.csv: {len(CSV)} bytes is over the upload limit of 20 bytes.",
        "field": "file",
    }
    assert _count() == 0


def test_a_request_too_long_for_the_limit_is_413_before_it_is_read(api_client_for, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    content = b"x" * 200_000
    response = upload(api_client_for(Role.DISTRIBUTOR_USER), kind="sell_through", content=content)
    assert response.status_code == 413
    assert response.json()["message"].startswith("The request: ")
    assert response.json()["message"].endswith("over the upload limit of 1,000 bytes.")
    assert _count() == 0


def test_a_distributor_token_uploads_only_for_its_own(api_client_for, dist_a, dist_b):
    client = api_client_for(Role.DISTRIBUTOR_USER)

    refused = upload(client, distributor="BRAVO", kind="sell_through")
    assert refused.status_code == 403
    assert refused.json()["message"] == "You may submit reports only for your own distributor."
    assert _count() == 0

    own = upload(client, distributor="ALPHA", kind="sell_through")
    implied = upload(client, kind="inventory", content=b"stock\n1\n")
    assert (own.status_code, implied.status_code) == (202, 202)
    assert set(Submission.objects.unscoped().values_list("distributor__code", "kind")) == {
        ("ALPHA", "sell_through"),
        ("ALPHA", "inventory"),
    }


@pytest.mark.parametrize(
    ("form", "status", "code", "field"),
    [
        ({"kind": "sell_through"}, 400, "invalid_value", "distributor"),
        ({"distributor": "NOPE", "kind": "sell_through"}, 400, "invalid_value", "distributor"),
        ({"distributor": "ALPHA", "kind": "orders"}, 400, "invalid_value", "kind"),
        (
            {"distributor": "ALPHA", "kind": "sell_through", "period": "2025-13"},
            400,
            "invalid_period",
            "period",
        ),
        (
            {"distributor": "ALPHA", "kind": "sell_through", "period": "2025-001"},
            422,
            "validation_error",
            None,
        ),
    ],
)
def test_upload_refusals(api_client_for, dist_a, form, status, code, field):
    response = upload(api_client_for(Role.VENDOR_ADMIN), **form)
    assert response.status_code == status
    assert response.json()["code"] == code
    if field:
        assert response.json()["field"] == field
    assert _count() == 0


def test_upload_without_a_file_is_400(api_client_for, dist_a):
    response = api_client_for(Role.VENDOR_ADMIN).post(
        URL, {"distributor": "ALPHA", "kind": "sell_through"}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "file"


def test_upload_needs_submit_reports(api_client_for, dist_a):
    response = upload(api_client_for(Role.FINANCE), distributor="ALPHA", kind="sell_through")
    assert response.status_code == 403
    assert _count() == 0


# ----- JSON records -------------------------------------------------------------------------


def _records_body(**changes) -> str:
    # Written by hand so the numbers keep their spelling (json.dumps would write 1.5).
    body = (
        '{"distributor": "ALPHA", "kind": "sell_through", "period": "2025-01", "records": ['
        '{"invoice_number": "INV-9", "invoice_date": "2025-01-20", "quantity": 1.50, '
        '"unit_price": 12.3400, "amount": 1E+2, "identifiers": {"VP": "SW-24P"}}]}'
    )
    for old, new in changes.items():
        body = body.replace(old, new)
    return body


def test_records_are_stored_as_a_json_file_with_exact_numbers(api_client_for, dist_a):
    response = post_json(api_client_for(Role.DISTRIBUTOR_USER), RECORDS, _records_body())

    assert response.status_code == 202
    submission = Submission.objects.unscoped().get(pk=response.json()["id"])
    assert submission.file_name == "ALPHA-sell_through-2025-01.json"
    assert submission.kind == "sell_through"
    assert submission.source == "api"
    assert submission.period_start == dt.date(2025, 1, 1)
    stored = read_stored_file(submission)
    parsed = parse_json(stored, kind=ReportKind.SELL_THROUGH)
    assert [d.message for d in parsed.diagnostics] == []
    document = parsed.documents[0]
    assert document.header == {"period_start": "2025-01-01", "period_end": "2025-01-31"}
    record = document.records[0]
    assert record.fields["quantity"] == "1.50"
    assert record.fields["unit_price"] == "12.3400"
    assert record.fields["amount"] == "1E+2"
    assert record.identifiers == {"VP": "SW-24P"}


def test_records_honour_the_idempotency_key(api_client_for, dist_a):
    client = api_client_for(Role.DISTRIBUTOR_USER)
    first = post_json(client, RECORDS, _records_body(), key="batch-7")
    again = post_json(client, RECORDS, _records_body(), key="batch-7")
    other = post_json(client, RECORDS, _records_body(**{"1.50": "2"}), key="batch-7")

    assert (first.status_code, again.status_code, other.status_code) == (202, 200, 409)
    assert again.json()["id"] == first.json()["id"]
    assert _count() == 1


def test_records_with_nan_are_refused(api_client_for, dist_a):
    response = post_json(
        api_client_for(Role.DISTRIBUTOR_USER), RECORDS, _records_body(**{"1.50": "NaN"})
    )
    assert response.status_code == 400
    assert response.json()["field"] == "records"
    assert _count() == 0


def test_records_for_another_distributor_are_403(api_client_for, dist_a, dist_b):
    response = post_json(
        api_client_for(Role.DISTRIBUTOR_ADMIN), RECORDS, _records_body(ALPHA="BRAVO")
    )
    assert response.status_code == 403
    assert _count() == 0


def test_records_over_the_limit_are_413(api_client_for, dist_a, settings):
    settings.MAX_UPLOAD_BYTES = 50
    response = post_json(api_client_for(Role.DISTRIBUTOR_USER), RECORDS, _records_body())
    assert response.status_code == 413
    assert _count() == 0


def test_records_must_be_objects(api_client_for, dist_a):
    body = {"distributor": "ALPHA", "kind": "sell_through", "records": [1, 2]}
    response = post_json(api_client_for(Role.DISTRIBUTOR_USER), RECORDS, body)
    assert response.status_code == 422
    assert _count() == 0


# ----- list, status, issues, retry ----------------------------------------------------------


@pytest.fixture
def submissions(dist_a, dist_b, users):
    alpha = make_submission(dist_a, file_name="alpha-jan.csv", submitted_by=users["foreign_user"])
    alpha_stock = make_submission(
        dist_a,
        content=b"stock",
        kind="inventory",
        source="api",
        status="failed",
        stage="committing",
        version=None,
        file_name="alpha-stock.csv",
        period_start=dt.date(2025, 2, 1),
        period_end=dt.date(2025, 2, 28),
        submitted_at=dt.datetime(2025, 3, 2, tzinfo=dt.UTC),
    )
    bravo = make_submission(dist_b, content=b"bravo", file_name="bravo-jan.csv")
    return {"alpha": alpha, "alpha_stock": alpha_stock, "bravo": bravo}


def _ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


def test_list_is_scoped_filtered_and_has_fixed_queries(
    api_client_for, submissions, dist_a, django_assert_num_queries
):
    vendor = api_client_for(Role.ANALYST)
    vendor.get(URL)  # the token's first use is recorded once
    with django_assert_num_queries(3):  # token, count, page
        response = vendor.get(URL)
    assert _ids(response) == [  # newest first; received at the same time: newest id first
        submissions["alpha_stock"].pk,
        submissions["bravo"].pk,
        submissions["alpha"].pk,
    ]
    for number in range(4):
        make_submission(dist_a, content=f"r{number}".encode(), status="rejected", version=None)
    with django_assert_num_queries(3):
        assert vendor.get(URL).json()["count"] == 7

    own = api_client_for(Role.DISTRIBUTOR_USER)
    assert submissions["bravo"].pk not in _ids(own.get(URL))
    assert _ids(own.get(URL, {"distributor": "BRAVO"})) == []

    assert _ids(vendor.get(URL, {"kind": "inventory"})) == [submissions["alpha_stock"].pk]
    assert _ids(vendor.get(URL, {"status": "failed"})) == [submissions["alpha_stock"].pk]
    assert _ids(vendor.get(URL, {"source": "api"})) == [submissions["alpha_stock"].pk]
    assert _ids(vendor.get(URL, {"period": "2025-02"})) == [submissions["alpha_stock"].pk]
    assert _ids(vendor.get(URL, {"distributor": "BRAVO"})) == [submissions["bravo"].pk]
    assert _ids(vendor.get(URL, {"file_name": "STOCK"})) == [submissions["alpha_stock"].pk]
    assert vendor.get(URL, {"period": "Feb"}).status_code == 422


def test_status_shows_progress_and_counts(api_client_for, submissions, users):
    submission = submissions["alpha"]
    Submission.objects.unscoped().filter(pk=submission.pk).update(
        status="validating", stage="mapping", lines_total=400, lines_processed=100
    )
    response = api_client_for(Role.DISTRIBUTOR_USER).get(f"{URL}/{submission.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "validating"
    assert body["final"] is False
    assert body["progress"] == {"stage": "mapping", "lines_processed": 100, "lines_total": 400}
    assert body["counts"] == {"read": 10, "accepted": 9, "warned": 0, "rejected": 1}
    assert body["distributor_code"] == "ALPHA"
    assert body["file_name"] == "alpha-jan.csv"
    assert body["content_sha256"] == submission.content_sha256
    assert body["submitted_by"] == "db_user"
    assert body["status_url"] == f"/api/submissions/{submission.pk}"
    assert body["period_start"] == "2025-01-01"


def test_another_distributors_submission_is_404(api_client_for, submissions):
    client = api_client_for(Role.DISTRIBUTOR_ADMIN)
    bravo = submissions["bravo"].pk
    assert client.get(f"{URL}/{bravo}").status_code == 404
    assert client.get(f"{URL}/{bravo}/issues").status_code == 404
    assert client.post(f"{URL}/{bravo}/retry").status_code == 404


def test_issues_are_filtered_and_paginated_with_fixed_queries(
    api_client_for, submissions, django_assert_num_queries
):
    submission = submissions["alpha"]
    make_issue(submission, line=7, field="quantity", code="invalid_number")
    make_issue(submission, line=None, field="", code="bad_header")
    make_issue(submission, line=3, severity="warning", code="unknown_reseller", line_count=30)
    url = f"{URL}/{submission.pk}/issues"
    client = api_client_for(Role.DISTRIBUTOR_USER)
    client.get(url)

    with django_assert_num_queries(4):  # token, submission, count, page
        response = client.get(url)
    assert [(item["line"], item["code"]) for item in response.json()["items"]] == [
        (None, "bad_header"),
        (3, "unknown_reseller"),
        (7, "invalid_number"),
    ]
    for line in range(10, 20):
        make_issue(submission, line=line)
    with django_assert_num_queries(4):
        assert client.get(url).json()["count"] == 13

    warnings = client.get(url, {"severity": "warning"}).json()["items"]
    assert warnings == [
        {
            "id": warnings[0]["id"],
            "line": 3,
            "field": "sku",
            "code": "unknown_reseller",
            "severity": "warning",
            "message": "No product matches X.",
            "value": "X",
            "line_count": 30,
        }
    ]
    assert len(client.get(url, {"code": "unknown_product"}).json()["items"]) == 10
    assert len(client.get(url, {"field": "quantity"}).json()["items"]) == 1
    assert client.get(url, {"severity": "fatal"}).status_code == 422


def test_retry_queues_a_failed_submission(
    api_client_for, submissions, django_capture_on_commit_callbacks
):
    failed = submissions["alpha_stock"]
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client_for(Role.DISTRIBUTOR_USER).post(f"{URL}/{failed.pk}/retry")
    assert response.status_code == 202
    assert response.json()["status"] == "received"
    failed.refresh_from_db()
    assert (failed.status, failed.stage) == ("received", "queued")
    assert [result.args for result in default_task_backend.results] == [[failed.pk]]


def test_retry_refusals_change_nothing(api_client_for, submissions):
    committed = submissions["alpha"]
    conflict = api_client_for(Role.VENDOR_ADMIN).post(f"{URL}/{committed.pk}/retry")
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "not_retryable"
    denied = api_client_for(Role.ANALYST).post(f"{URL}/{submissions['alpha_stock'].pk}/retry")
    assert denied.status_code == 403
    assert set(Submission.objects.unscoped().values_list("status", flat=True)) == {
        "committed",
        "failed",
    }
    assert not AuditRecord.objects.filter(action="submission.retry").exists()
