"""Submission pages: list, detail (issues, versions, links), original file, progress, retry,
upload (vendor UI) and the portal upload. Nothing is processed: the task queue is the dummy
backend, so a test sees exactly what the pages and ``submit_report`` did.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks import default_task_backend

from midstream.accounts.choices import Role
from midstream.core.models import AuditRecord
from midstream.ingest.models import Submission, SubmissionIssue
from midstream.ingest.submissions import store_file

pytestmark = pytest.mark.django_db

LIST = reverse("ingest:submission_list")
UPLOAD = reverse("ingest:submission_upload")
PORTAL_UPLOAD = reverse("portal:upload")
CSV = b"Invoice,Date,SKU,Qty\nINV-1,2025-01-20,SW-24P,3\n"
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def quiet_queue(settings, tmp_path):
    """Files go to a temporary media root; queued tasks are recorded, never run."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = DUMMY_TASKS
    default_task_backend.clear()
    yield
    default_task_backend.clear()


def make_submission(distributor, *, content: bytes = CSV, **fields) -> Submission:
    """A submission row as the pipeline leaves it (no pipeline run), with its stored file."""
    stored = store_file(content=content)
    values = {
        "kind": "sell_through",
        "period_start": dt.date(2025, 1, 1),
        "period_end": dt.date(2025, 1, 31),
        "source": "portal",
        "file_name": f"{distributor.code.lower()}-jan.csv",
        "file_size": stored.size,
        "content_sha256": stored.sha256,
        "stored_path": stored.relative_path,
        "submitted_at": dt.datetime(2025, 2, 3, 9, 0, tzinfo=dt.UTC),
        "status": "committed",
        "stage": "done",
        "lines_total": 10,
        "lines_processed": 10,
        "lines_read": 10,
        "lines_accepted": 9,
        "lines_rejected": 1,
        "version": 1,
    }
    values.update(fields)
    return Submission.objects.unscoped().create(distributor=distributor, **values)


def make_issue(submission, **fields) -> SubmissionIssue:
    values = {
        "line": 2,
        "field": "sku",
        "code": "unknown_product",
        "severity": "error",
        "message": "No product matches X.",
        "value": "X",
    }
    values.update(fields)
    return SubmissionIssue.objects.unscoped().create(
        distributor_id=submission.distributor_id, submission=submission, **values
    )


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def _count() -> int:
    return Submission.objects.unscoped().count()


@pytest.fixture
def submissions(dist_a, dist_b, users):
    alpha = make_submission(
        dist_a, file_name="alpha-jan.csv", submitted_by=users[Role.DISTRIBUTOR_USER]
    )
    alpha_inventory = make_submission(
        dist_a,
        content=b"inventory",
        kind="inventory",
        file_name="alpha-stock.xlsx",
        source="api",
        status="rejected",
        version=None,
        period_start=dt.date(2025, 2, 1),
        period_end=dt.date(2025, 2, 28),
        submitted_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
    )
    bravo = make_submission(dist_b, content=b"bravo", file_name="bravo-secret.csv")
    return {"alpha": alpha, "alpha_inventory": alpha_inventory, "bravo": bravo}


# ----- list ---------------------------------------------------------------------------------


def test_vendor_list_shows_every_distributor_with_fixed_queries(
    client_for, submissions, dist_a, django_assert_num_queries
):
    client = client_for(Role.ANALYST)
    client.get(LIST)  # warm the session
    with django_assert_num_queries(6):
        response = client.get(LIST)
    assert response.status_code == 200
    listing = response.context["listing"]
    assert listing.total == 3
    body = response.content.decode()
    assert "alpha-jan.csv" in body and "bravo-secret.csv" in body
    filters = [control["name"] for control in listing.filter_controls]
    assert filters == ["distributor", "kind", "status", "source", "period"]
    for day in range(5):  # more rows, same number of queries
        make_submission(
            dist_a,
            content=f"more {day}".encode(),
            file_name=f"more-{day}.csv",
            status="rejected",
            version=None,
        )
    with django_assert_num_queries(6):
        more = client.get(LIST)
    assert more.context["listing"].total == 8


def test_distributor_user_lists_only_its_own(client_for, submissions, django_assert_num_queries):
    client = client_for(Role.DISTRIBUTOR_USER)
    client.get(LIST)
    with django_assert_num_queries(5):  # no distributor choices to load
        response = client.get(LIST)
    body = response.content.decode()
    assert response.context["listing"].total == 2
    assert "alpha-jan.csv" in body and "alpha-stock.xlsx" in body
    assert "bravo-secret.csv" not in body
    assert [c["name"] for c in response.context["listing"].filter_controls] == [
        "kind",
        "status",
        "source",
        "period",
    ]
    assert f'href="{PORTAL_UPLOAD}"' in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "inventory"}, ["alpha-stock.xlsx"]),
        ({"status": "committed"}, ["alpha-jan.csv", "bravo-secret.csv"]),
        ({"source": "api"}, ["alpha-stock.xlsx"]),
        ({"period": "2025-02-01"}, ["alpha-stock.xlsx"]),
        ({"q": "SECRET"}, ["bravo-secret.csv"]),
        ({"sort": "file_name"}, ["alpha-jan.csv", "alpha-stock.xlsx", "bravo-secret.csv"]),
    ],
)
def test_list_filters_search_and_sort(client_for, submissions, params, expected):
    response = client_for(Role.ANALYST).get(LIST, params)
    names = [row[5]["value"] for row in response.context["listing"].rows]
    if "sort" in params:
        assert names == expected
    else:
        assert sorted(names) == expected


def test_list_filter_by_distributor(client_for, submissions, dist_b):
    response = client_for(Role.ANALYST).get(LIST, {"distributor": str(dist_b.pk)})
    assert [row[5]["value"] for row in response.context["listing"].rows] == ["bravo-secret.csv"]


def test_list_exports_csv(client_for, submissions):
    response = client_for(Role.DISTRIBUTOR_ADMIN).get(LIST, {"export": "csv", "kind": "inventory"})
    lines = body_of(response).strip().splitlines()
    assert lines[0] == (
        "#,Received,Distributor,Report,Period,File,Source,Status,Version,Read,Accepted,"
        "Warned,Rejected,By"
    )
    assert lines[1:] == [
        f"{submissions['alpha_inventory'].pk},2025-03-01T00:00:00+00:00,ALPHA,Inventory,"
        "2025-02,alpha-stock.xlsx,API,Rejected,,10,9,0,1,"
    ]


def test_list_exports_xlsx(client_for, submissions):
    response = client_for(Role.ANALYST).get(LIST, {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="submissions.xlsx"'


# ----- detail -------------------------------------------------------------------------------


def test_detail_shows_the_submission_its_versions_and_links(client_for, dist_a, users):
    first = make_submission(dist_a, content=b"v1", file_name="jan-v1.csv", status="superseded")
    second = make_submission(
        dist_a,
        content=b"v2",
        file_name="jan-v2.csv",
        version=2,
        supersedes=first,
        submitted_at=dt.datetime(2025, 2, 10, tzinfo=dt.UTC),
        submitted_by=users[Role.DISTRIBUTOR_USER],
        lines_rejected=0,
    )
    repeat = make_submission(
        dist_a,
        content=b"v2",
        file_name="jan-v2-again.csv",
        status="duplicate",
        version=None,
        duplicate_of=second,
        submitted_at=dt.datetime(2025, 2, 11, tzinfo=dt.UTC),
    )
    client = client_for(Role.CHANNEL_MANAGER)

    response = client.get(reverse("ingest:submission_detail", args=[second.pk]))

    assert response.status_code == 200
    context = response.context
    assert context["previous_version"] == first
    assert context["next_version"] is None
    assert [item.pk for item in context["history"]] == [first.pk, second.pk, repeat.pk]
    assert context["period"] == "2025-01"
    assert context["final"] is True
    assert context["can_retry"] is False
    assert context["diff_url"] == reverse("ingest:submission_diff", kwargs={"pk": second.pk})
    assert context["corrections_url"] is None  # nothing rejected
    body = response.content.decode()
    assert reverse("ingest:submission_file", args=[second.pk]) in body
    assert second.content_sha256 in body
    assert "da_user" in body
    assert 'id="retry"' not in body
    assert "progress.js" not in body  # final: nothing to poll

    older = client.get(reverse("ingest:submission_detail", args=[first.pk])).context
    assert older["next_version"] == second
    assert older["diff_url"] is None
    assert older["corrections_url"] == reverse(
        "ingest:submission_corrections", kwargs={"pk": first.pk}
    )
    duplicate = client.get(reverse("ingest:submission_detail", args=[repeat.pk]))
    assert "is not counted again" in duplicate.content.decode()


def test_detail_without_the_version_pages_still_renders(client_for, dist_a, monkeypatch):
    """Another part of the intake provides the diff and corrections pages; while they are
    missing the detail page renders without those links."""
    from midstream.ingest import submission_views

    first = make_submission(dist_a, content=b"v1", status="superseded")
    second = make_submission(dist_a, content=b"v2", version=2, supersedes=first)
    real_reverse = submission_views.reverse

    def without_version_pages(name, *args, **kwargs):
        if name in ("ingest:submission_diff", "ingest:submission_corrections"):
            raise submission_views.NoReverseMatch(name)
        return real_reverse(name, *args, **kwargs)

    monkeypatch.setattr(submission_views, "reverse", without_version_pages)
    response = client_for(Role.ANALYST).get(reverse("ingest:submission_detail", args=[second.pk]))
    assert response.status_code == 200
    assert response.context["diff_url"] is None
    assert response.context["corrections_url"] is None
    body = response.content.decode()
    assert 'id="diff-link"' not in body and 'id="corrections-link"' not in body


def test_open_submission_polls_and_offers_retry(client_for, dist_a):
    stuck = make_submission(
        dist_a, status="parsing", stage="reading", lines_total=None, lines_processed=40
    )
    response = client_for(Role.DISTRIBUTOR_USER).get(
        reverse("ingest:submission_detail", args=[stuck.pk])
    )
    body = response.content.decode()
    assert "ingest/progress.js" in body
    assert 'data-final="false"' in body
    assert reverse("ingest:submission_progress", args=[stuck.pk]) in body
    assert "40 lines" in body
    assert 'id="retry"' in body


def test_detail_of_another_distributor_is_404(client_for, submissions):
    client = client_for(Role.DISTRIBUTOR_ADMIN)
    for name in ("submission_detail", "submission_file", "submission_progress"):
        response = client.get(reverse(f"ingest:{name}", args=[submissions["bravo"].pk]))
        assert response.status_code == 404, name


def test_issue_table_filters_and_paginates_with_fixed_queries(
    client_for, dist_a, django_assert_num_queries
):
    submission = make_submission(dist_a, lines_rejected=3)
    make_issue(submission, line=None, field="", code="bad_header", message="File-level.")
    make_issue(submission, line=4, field="quantity", code="invalid_number", value="1,2,3")
    make_issue(submission, line=3)
    make_issue(
        submission,
        line=5,
        severity="warning",
        field="reseller",
        code="unknown_reseller",
        line_count=12,
    )
    url = reverse("ingest:submission_detail", args=[submission.pk])
    client = client_for(Role.ANALYST)
    client.get(url)

    # session, user, submission, history, code choices, field choices, count, page
    with django_assert_num_queries(8):
        response = client.get(url)
    listing = response.context["listing"]
    assert [row[0]["value"] for row in listing.rows] == [None, 3, 4, 5]  # file-level first
    controls = {control["name"]: control["choices"] for control in listing.filter_controls}
    assert controls["code"] == [
        ("bad_header", "bad_header"),
        ("invalid_number", "invalid_number"),
        ("unknown_product", "unknown_product"),
        ("unknown_reseller", "unknown_reseller"),
    ]
    assert controls["field"] == [("quantity", "quantity"), ("reseller", "reseller"), ("sku", "sku")]

    warnings = client.get(url, {"severity": "warning"}).context["listing"]
    assert [row[2]["value"] for row in warnings.rows] == ["unknown_reseller"]
    assert warnings.rows[0][6]["value"] == 12
    by_field = client.get(url, {"field": "quantity"}).context["listing"]
    assert [row[4]["value"] for row in by_field.rows] == ["No product matches X."]
    assert by_field.rows[0][5]["value"] == "1,2,3"
    by_code = client.get(url, {"code": "unknown_product"}).context["listing"]
    assert [row[0]["value"] for row in by_code.rows] == [3]

    page_two = client.get(url, {"per_page": 2, "page": 2}).context["listing"]
    assert [row[0]["value"] for row in page_two.rows] == [4, 5]

    for line in range(10, 30):  # more issues, same queries
        make_issue(submission, line=line)
    with django_assert_num_queries(8):
        more = client.get(url)
    assert more.context["listing"].total == 24


def test_issue_export_is_the_filtered_table(client_for, dist_a):
    submission = make_submission(dist_a)
    make_issue(submission, line=3, code="unknown_product", value="=cmd|calc")
    make_issue(submission, line=4, severity="warning", code="odd_price")
    response = client_for(Role.ANALYST).get(
        reverse("ingest:submission_detail", args=[submission.pk]),
        {"export": "csv", "severity": "error"},
    )
    assert body_of(response).strip().splitlines() == [
        "Line,Severity,Code,Field,Message,Value,Lines",
        "3,error,unknown_product,sku,No product matches X.,'=cmd|calc,1",
    ]


# ----- original file and progress ------------------------------------------------------------


def test_download_original_streams_the_stored_file_under_its_name(client_for, dist_a):
    content = "Rechnung;Menge\nR-1;3\nÄ;1\n".encode("cp1252")
    submission = make_submission(dist_a, content=content, file_name="Verkäufe Jänner.csv")
    response = client_for(Role.DISTRIBUTOR_USER).get(
        reverse("ingest:submission_file", args=[submission.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "text/csv"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Verk%C3%A4ufe%20J%C3%A4nner.csv" in disposition


def test_download_never_serves_a_page_the_browser_would_render(client_for, dist_a):
    submission = make_submission(dist_a, content=b"<script>alert(1)</script>", file_name="x.html")
    response = client_for(Role.ANALYST).get(reverse("ingest:submission_file", args=[submission.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="x.html"'


def test_download_of_a_missing_file_is_404(client_for, dist_a, settings, tmp_path):
    submission = make_submission(dist_a)
    settings.MEDIA_ROOT = tmp_path / "elsewhere"
    response = client_for(Role.ANALYST).get(reverse("ingest:submission_file", args=[submission.pk]))
    assert response.status_code == 404


def test_progress_answers_stage_and_lines(client_for, dist_a):
    submission = make_submission(
        dist_a,
        status="validating",
        stage="mapping",
        lines_total=1000,
        lines_processed=250,
        lines_read=250,
        lines_accepted=240,
        lines_warned=5,
        lines_rejected=10,
    )
    response = client_for(Role.DISTRIBUTOR_USER).get(
        reverse("ingest:submission_progress", args=[submission.pk])
    )
    assert response.json() == {
        "status": "validating",
        "status_label": "Validating",
        "stage": "mapping",
        "stage_label": "Mapping and validating",
        "lines_processed": 250,
        "lines_total": 1000,
        "counts": {"read": 250, "accepted": 240, "warned": 5, "rejected": 10},
        "final": False,
    }
    Submission.objects.unscoped().filter(pk=submission.pk).update(
        status="committed", stage="done", lines_processed=1000
    )
    done = client_for(Role.DISTRIBUTOR_USER).get(
        reverse("ingest:submission_progress", args=[submission.pk])
    )
    assert done.json()["final"] is True
    assert done.json()["status"] == "committed"


# ----- retry --------------------------------------------------------------------------------


def test_retry_queues_a_failed_submission(
    client_for, dist_a, users, django_capture_on_commit_callbacks
):
    failed = make_submission(dist_a, status="failed", stage="committing", failure="worker died")
    url = reverse("ingest:submission_retry", args=[failed.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(Role.DISTRIBUTOR_USER).post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("ingest:submission_detail", args=[failed.pk])
    failed.refresh_from_db()
    assert (failed.status, failed.stage, failed.failure) == ("received", "queued", "")
    assert [result.args for result in default_task_backend.results] == [[failed.pk]]
    audit = AuditRecord.objects.get(action="submission.retry")
    assert audit.changes == {"status": ["failed", "received"]}
    assert audit.actor == users[Role.DISTRIBUTOR_USER]


def test_retry_of_a_committed_submission_is_refused(client_for, dist_a):
    done = make_submission(dist_a)
    response = client_for(Role.CHANNEL_MANAGER).post(
        reverse("ingest:submission_retry", args=[done.pk]), follow=True
    )
    assert "A committed submission cannot be retried." in response.content.decode()
    done.refresh_from_db()
    assert done.status == "committed"
    assert not AuditRecord.objects.filter(action="submission.retry").exists()


def test_retry_needs_submit_reports_and_scope(client_for, dist_b, submissions):
    failed = make_submission(dist_b, content=b"failed", status="failed")
    url = reverse("ingest:submission_retry", args=[failed.pk])
    assert client_for(Role.ANALYST).post(url).status_code == 403
    assert client_for(Role.DISTRIBUTOR_USER).post(url).status_code == 404
    assert client_for(Role.VENDOR_ADMIN).get(url).status_code == 405  # only POST retries
    failed.refresh_from_db()
    assert failed.status == "failed"
    assert default_task_backend.results == []


# ----- upload -------------------------------------------------------------------------------


def _file(name: str = "alpha-jan.csv", content: bytes = CSV) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_vendor_uploads_for_a_distributor(
    client_for, dist_a, dist_b, users, django_capture_on_commit_callbacks
):
    client = client_for(Role.CHANNEL_MANAGER)
    form = client.get(UPLOAD).context["form"]
    assert [label for _value, label in form.fields["distributor"].choices] == [
        "—",
        "ALPHA — Alpha Distribution Inc",
        "BRAVO — Bravo Distribution GmbH",
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            UPLOAD,
            {
                "distributor": dist_b.pk,
                "file": _file(),
                "kind": "sell_through",
                "period": "2024-02",
                "sheet": "",
            },
        )

    submission = Submission.objects.unscoped().get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ingest:submission_detail", args=[submission.pk])
    assert submission.distributor == dist_b
    assert submission.source == "ui"
    assert submission.kind == "sell_through"
    assert (submission.period_start, submission.period_end) == (
        dt.date(2024, 2, 1),
        dt.date(2024, 2, 29),
    )
    assert submission.file_name == "alpha-jan.csv"
    assert submission.file_size == len(CSV)
    assert submission.content_sha256 == hashlib.sha256(CSV).hexdigest()
    assert submission.submitted_by == users[Role.CHANNEL_MANAGER]
    assert submission.status == "received"
    assert [result.args for result in default_task_backend.results] == [[submission.pk]]


def test_a_repeated_upload_is_a_duplicate_and_says_so(client_for, dist_a):
    client = client_for(Role.VENDOR_ADMIN)
    data = {"distributor": dist_a.pk, "kind": "sell_through", "period": ""}
    client.post(UPLOAD, {**data, "file": _file()})
    first = Submission.objects.unscoped().get()

    response = client.post(UPLOAD, {**data, "file": _file("again.csv")}, follow=True)

    second = Submission.objects.unscoped().exclude(pk=first.pk).get()
    assert second.status == "duplicate"
    assert second.duplicate_of == first
    assert (
        f"again.csv was recognised as a duplicate of #{first.pk} and is not counted again."
        in response.content.decode()
    )


def test_upload_over_the_limit_names_the_file_and_the_limit(client_for, dist_a, settings):
    settings.MAX_UPLOAD_BYTES = 20
    response = client_for(Role.VENDOR_ADMIN).post(
        UPLOAD, {"distributor": dist_a.pk, "file": _file("big.csv"), "kind": "sell_through"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        f"big.csv: {len(CSV)} bytes is over the upload limit of 20 bytes."
    ]
    assert _count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"period": "2025-13"}, "period", "2025-13 is not a month (YYYY-MM)."),
        ({"period": "2025/01"}, "period", "Write the month as YYYY-MM."),
        ({"kind": "orders"}, "kind", None),
        ({"distributor": "999999"}, "distributor", None),
        ({"file": SimpleUploadedFile("empty.csv", b"")}, "file", "The submitted file is empty."),
    ],
)
def test_upload_form_errors(client_for, dist_a, changes, field, message):
    data = {"distributor": dist_a.pk, "file": _file(), "kind": "sell_through", **changes}
    response = client_for(Role.VENDOR_ADMIN).post(UPLOAD, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert errors[field] == [message]
    assert _count() == 0


def test_upload_page_sends_distributor_users_to_the_portal(client_for, dist_b):
    client = client_for(Role.DISTRIBUTOR_USER)
    assert client.get(UPLOAD)["Location"] == PORTAL_UPLOAD
    response = client.post(
        UPLOAD, {"distributor": dist_b.pk, "file": _file(), "kind": "sell_through"}
    )
    assert response.status_code == 302
    assert _count() == 0


def test_upload_needs_submit_reports(client_for, dist_a):
    response = client_for(Role.FINANCE).post(
        UPLOAD, {"distributor": dist_a.pk, "file": _file(), "kind": "sell_through"}
    )
    assert response.status_code == 403
    assert _count() == 0
