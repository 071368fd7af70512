"""Submission API, mounted at ``/api/submissions`` (issue 3).

* ``POST /api/submissions``: a report file (multipart ``file``, ``distributor`` code, ``kind``,
  optional ``period`` ``YYYY-MM`` and ``sheet``). ``POST /api/submissions/records``: the same
  as JSON records. Both honour an ``Idempotency-Key`` header: the same key with the same
  content answers the submission first created (200), a new upload answers 202, the same key
  with another file 409. Over ``MAX_UPLOAD_BYTES``: 413.
* ``GET /api/submissions``, ``GET /api/submissions/{id}`` (the status: stage, progress,
  counts), ``GET /api/submissions/{id}/issues``, ``POST /api/submissions/{id}/retry``.
* ``GET /api/submissions/error-policies``, ``PUT /api/submissions/error-policies/{id}``.

Reading needs ``view_sellthrough``; uploading and retrying ``submit_reports``. A distributor
token uploads only for its own distributor (403 for another) and sees only its own
submissions (404 for another's).
"""

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.urls import reverse
from ninja import File, Form, Header, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from midstream.accounts.permissions import Perm, is_distributor_user
from midstream.api.auth import GatedSession, GatedToken, auth_requiring
from midstream.api.helpers import require
from midstream.core.errors import DomainError, PermissionDeniedError
from midstream.core.scoping import get_in_scope
from midstream.ingest import policies
from midstream.ingest import submission_selectors as selectors
from midstream.ingest.choices import (
    ErrorPolicy,
    ProfileKind,
    Stage,
    SubmissionSource,
    SubmissionStatus,
)
from midstream.ingest.errors import ErrorCode
from midstream.ingest.models import Submission
from midstream.ingest.submissions import FileTooLarge, retry_submission, submit_report
from midstream.partners.models import Distributor

router = Router(tags=["submissions"])

# Multipart framing around the file: a request this much over the limit cannot fit.
MULTIPART_OVERHEAD = 64 * 1024
MONTH = r"^[0-9]{4}-[0-9]{2}$"


def _too_large(size: int, limit: int, what: str) -> FileTooLarge:
    return FileTooLarge(
        ErrorCode.FILE_TOO_LARGE,
        f"{what}: {size:,} bytes is over the upload limit of {limit:,} bytes.",
        field="file",
    )


def _check_length(request, limit: int, slack: int) -> None:
    """Refuse (413) a request whose declared length cannot fit, before reading its body."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + slack:
        raise _too_large(length, limit, "The request")


class _SizedToken(GatedToken):
    def __init__(self, perm, limit, slack: int):
        super().__init__(perm, False)
        self.limit, self.slack = limit, slack

    def authenticate(self, request, token):
        user = super().authenticate(request, token)
        if user is not None:
            _check_length(request, self.limit(), self.slack)
        return user


class _SizedSession(GatedSession):
    def __init__(self, perm, limit, slack: int):
        super().__init__(perm, False)
        self.limit, self.slack = limit, slack

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            _check_length(request, self.limit(), self.slack)
        return user


def _upload_limit() -> int:
    return settings.MAX_UPLOAD_BYTES


def _records_limit() -> int:
    """A JSON body is read into memory: Django's own body limit applies too."""
    return min(settings.MAX_UPLOAD_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


# Authentication that also refuses a role without the permission (403) and a body that is
# too large (413), both before the body is parsed.
UPLOAD_AUTH = [
    _SizedToken(Perm.SUBMIT_REPORTS, _upload_limit, MULTIPART_OVERHEAD),
    _SizedSession(Perm.SUBMIT_REPORTS, _upload_limit, MULTIPART_OVERHEAD),
]
RECORDS_AUTH = [
    _SizedToken(Perm.SUBMIT_REPORTS, _records_limit, 0),
    _SizedSession(Perm.SUBMIT_REPORTS, _records_limit, 0),
]
RETRY_AUTH = auth_requiring(Perm.SUBMIT_REPORTS)
POLICY_AUTH = auth_requiring(Perm.CHANGE_DISTRIBUTORS, vendor_only=True)


# ----- shapes -------------------------------------------------------------------------------


def _status_url(submission_id: int) -> str:
    return reverse("api:submission_get", kwargs={"submission_id": submission_id})


class SubmissionAcceptedOut(Schema):
    id: int
    status: SubmissionStatus
    stage: Stage
    status_url: str
    duplicate_of: int | None = Field(default=None, alias="duplicate_of_id")

    @staticmethod
    def resolve_status_url(obj) -> str:
        return _status_url(obj.pk)


class ProgressOut(Schema):
    stage: Stage
    lines_processed: int
    lines_total: int | None


class CountsOut(Schema):
    read: int
    accepted: int
    warned: int
    rejected: int


class SubmissionOut(Schema):
    id: int
    distributor_id: int
    distributor_code: str = Field(alias="distributor.code")
    kind: ProfileKind
    period_start: dt.date | None
    period_end: dt.date | None
    source: SubmissionSource
    file_name: str
    file_size: int
    content_sha256: str
    file_format: str
    sheet: str
    error_policy: str
    status: SubmissionStatus
    stage: Stage
    final: bool
    progress: ProgressOut
    counts: CountsOut
    version: int | None
    supersedes: int | None = Field(default=None, alias="supersedes_id")
    duplicate_of: int | None = Field(default=None, alias="duplicate_of_id")
    submitted_by: str | None = Field(default=None, alias="submitted_by.username")
    submitted_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    committed_at: dt.datetime | None
    attempts: int
    failure: str
    status_url: str

    @staticmethod
    def resolve_final(obj) -> bool:
        return selectors.is_final(obj)

    @staticmethod
    def resolve_progress(obj) -> dict:
        return {
            "stage": obj.stage,
            "lines_processed": obj.lines_processed,
            "lines_total": obj.lines_total,
        }

    @staticmethod
    def resolve_counts(obj) -> dict:
        return selectors.counts_of(obj)

    @staticmethod
    def resolve_status_url(obj) -> str:
        return _status_url(obj.pk)


class SubmissionFilter(Schema):
    distributor: str | None = Field(default=None, max_length=32, description="distributor code")
    kind: ProfileKind | None = None
    status: SubmissionStatus | None = None
    source: SubmissionSource | None = None
    period: str | None = Field(
        default=None, pattern=MONTH, description="YYYY-MM: periods starting in that month"
    )
    file_name: str | None = Field(default=None, max_length=200, description="part of the name")


class IssueOut(Schema):
    id: int
    line: int | None
    field: str
    code: str
    severity: str
    message: str
    value: str
    line_count: int


class IssueFilter(Schema):
    severity: str | None = Field(default=None, pattern="^(error|warning)$")
    code: str | None = Field(default=None, max_length=60)
    field: str | None = Field(default=None, max_length=60)


class RecordsIn(Schema):
    distributor: str = Field(default="", max_length=32, description="distributor code")
    kind: ProfileKind
    period: str = Field(default="", max_length=7, description="YYYY-MM (optional)")
    records: list[dict[str, Any]] = Field(
        description="records with the canonical field names the JSON reader takes"
    )


class ErrorPolicyOut(Schema):
    distributor_id: int = Field(alias="pk")
    distributor_code: str = Field(alias="code")
    sell_through: ErrorPolicy = Field(alias="sell_through_policy")
    inventory: ErrorPolicy = Field(alias="inventory_policy")
    sell_through_default: bool
    inventory_default: bool

    @staticmethod
    def resolve_sell_through_default(obj) -> bool:
        return not obj.sell_through_set

    @staticmethod
    def resolve_inventory_default(obj) -> bool:
        return not obj.inventory_set


class ErrorPolicyFilter(Schema):
    distributor: str | None = Field(default=None, max_length=32, description="distributor code")


class ErrorPolicyIn(Schema):
    kind: ProfileKind
    policy: ErrorPolicy


# ----- helpers ------------------------------------------------------------------------------


def _upload_distributor(request, scope, code: str) -> Distributor:
    """The distributor to upload for: a distributor login only its own (403 for another)."""
    user = request.auth
    code = (code or "").strip()
    if is_distributor_user(user):
        own = get_in_scope(Distributor, scope, pk=user.distributor_id)
        if code and code != own.code:
            raise PermissionDeniedError("You may submit reports only for your own distributor.")
        return own
    if not code:
        raise DomainError(
            ErrorCode.INVALID_VALUE, "Give the distributor's code.", field="distributor"
        )
    distributor = Distributor.objects.for_scope(scope).filter(code=code).first()
    if distributor is None:
        raise DomainError(
            ErrorCode.INVALID_VALUE, f"No distributor has the code {code!r}.", field="distributor"
        )
    return distributor


def _period(text: str) -> tuple[dt.date | None, dt.date | None]:
    period = selectors.parse_month(text)
    return period if period is not None else (None, None)


def _submit(request, *, distributor: Distributor, idempotency_key: str, **arguments):
    """Submit and answer 202 for a new submission, 200 for the one a repeated key names."""
    key = (idempotency_key or "").strip()
    earlier = None
    if key:
        earlier = (
            Submission.objects.for_distributor(distributor.pk)
            .filter(idempotency_key=key)
            .values_list("pk", flat=True)
            .first()
        )
    submission = submit_report(
        actor=request.auth,
        distributor=distributor,
        source=SubmissionSource.API,
        idempotency_key=key,
        max_bytes=settings.MAX_UPLOAD_BYTES,
        **arguments,
    )
    return Status(200 if earlier == submission.pk else 202, submission)


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number")


class _Pairs(list):
    """A JSON object as its key/value pairs, in order, repeated keys kept (the reader
    reports them, so they must reach it)."""


def _exact_json(value: Any) -> str:
    """JSON text of ``value`` with every number spelled exactly as it arrived (Decimal)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Decimal | int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, _Pairs):
        pairs = value
    elif isinstance(value, dict):
        pairs = list(value.items())
    elif isinstance(value, list):
        return "[" + ",".join(_exact_json(item) for item in value) + "]"
    else:
        raise TypeError(f"cannot write {type(value).__name__} as JSON")
    return (
        "{"
        + ",".join(
            json.dumps(str(key), ensure_ascii=False) + ":" + _exact_json(item)
            for key, item in pairs
        )
        + "}"
    )


def _exact_records(body: bytes) -> list:
    """The ``records`` of the request body as they were sent: exact numbers (never through
    float), keys in order and repeated keys kept."""
    try:
        data = json.loads(
            body, parse_float=Decimal, parse_constant=_reject_constant, object_pairs_hook=_Pairs
        )
    except (ValueError, InvalidOperation, RecursionError) as error:
        raise DomainError(
            ErrorCode.INVALID_VALUE, f"The records are not valid JSON: {error}", field="records"
        ) from None
    return [item for key, item in data if key == "records"][-1]


def _submission(request, perm: Perm, submission_id: int) -> Submission:
    return selectors.get_submission(require(request, perm), submission_id)


# ----- operations ---------------------------------------------------------------------------


@router.get("", response=list[SubmissionOut], operation_id="submission_list")
@paginate(PageNumberPagination)
def submission_list(request, filters: Query[SubmissionFilter]):
    """Submissions the caller may see, newest first."""
    scope = require(request, Perm.VIEW_SELLTHROUGH)
    submissions = selectors.submissions_for(scope)
    if filters.distributor:
        submissions = submissions.filter(distributor__code=filters.distributor)
    if filters.kind:
        submissions = submissions.filter(kind=filters.kind)
    if filters.status:
        submissions = submissions.filter(status=filters.status)
    if filters.source:
        submissions = submissions.filter(source=filters.source)
    if filters.period:
        first, last = _period(filters.period)
        submissions = submissions.filter(period_start__gte=first, period_start__lte=last)
    if filters.file_name:
        submissions = submissions.filter(file_name__icontains=filters.file_name)
    return submissions.order_by("-submitted_at", "-pk")


@router.post(
    "",
    response={200: SubmissionAcceptedOut, 202: SubmissionAcceptedOut},
    operation_id="submission_upload",
    auth=UPLOAD_AUTH,
)
def submission_upload(
    request,
    file: UploadedFile | None = File(None),  # noqa: B008 - ninja's parameter marker
    distributor: str = Form("", max_length=32, description="distributor code"),
    kind: str = Form("", description="sell_through or inventory"),
    period: str = Form("", max_length=7, description="YYYY-MM (optional)"),
    sheet: str = Form("", max_length=100, description="XLSX worksheet (optional)"),
    idempotency_key: str = Header("", alias="Idempotency-Key"),
):
    """Upload one report file (multipart). 202: received and queued (or recognised as a
    duplicate: ``status`` "duplicate", ``duplicate_of`` the copy that counts); 200: the
    submission an earlier request with the same ``Idempotency-Key`` created. Poll
    ``status_url`` for progress.
    """
    scope = require(request, Perm.SUBMIT_REPORTS)
    target = _upload_distributor(request, scope, distributor)
    if file is None:
        raise DomainError(
            ErrorCode.INVALID_VALUE, "Send the report as multipart field 'file'.", field="file"
        )
    limit = settings.MAX_UPLOAD_BYTES
    if file.size is not None and file.size > limit:
        raise _too_large(file.size, limit, file.name or "The file")
    period_start, period_end = _period(period)
    temporary = getattr(file, "temporary_file_path", None)
    content = {"path": temporary()} if temporary is not None else {"content": file.read()}
    return _submit(
        request,
        distributor=target,
        idempotency_key=idempotency_key,
        kind=kind,
        file_name=file.name or "upload",
        period_start=period_start,
        period_end=period_end,
        sheet=sheet,
        **content,
    )


@router.post(
    "/records",
    response={200: SubmissionAcceptedOut, 202: SubmissionAcceptedOut},
    operation_id="submission_upload_records",
    auth=RECORDS_AUTH,
)
def submission_upload_records(
    request,
    payload: RecordsIn,
    idempotency_key: str = Header("", alias="Idempotency-Key"),
):
    """Submit JSON records; they are kept as a ``.json`` file and processed like one.

    Numbers keep their exact spelling (``1.50`` stays 1.50). Same answers as the file upload.
    """
    scope = require(request, Perm.SUBMIT_REPORTS)
    target = _upload_distributor(request, scope, payload.distributor)
    period_start, period_end = _period(payload.period)
    envelope: dict[str, Any] = {"kind": str(payload.kind)}
    if period_start is not None:
        envelope["period_start"] = period_start.isoformat()
        envelope["period_end"] = period_end.isoformat()
    envelope["records"] = _exact_records(request.body)
    content = _exact_json(envelope).encode("utf-8")
    label = payload.period or dt.date.today().isoformat()
    return _submit(
        request,
        distributor=target,
        idempotency_key=idempotency_key,
        kind=str(payload.kind),
        file_name=f"{target.code}-{payload.kind}-{label}.json",
        period_start=period_start,
        period_end=period_end,
        content=content,
    )


@router.get("/error-policies", response=list[ErrorPolicyOut], operation_id="error_policy_list")
@paginate(PageNumberPagination)
def error_policy_list(request, filters: Query[ErrorPolicyFilter]):
    """Each distributor's error policy per report kind (``*_default``: nothing was chosen)."""
    scope = require(request, Perm.VIEW_DISTRIBUTORS)
    rows = policies.distributors_with_policies(scope)
    if filters.distributor:
        rows = rows.filter(code=filters.distributor)
    return rows.order_by("code", "pk")


@router.put(
    "/error-policies/{int:distributor_id}",
    response=ErrorPolicyOut,
    operation_id="error_policy_set",
    auth=POLICY_AUTH,
)
def error_policy_set(request, distributor_id: int, payload: ErrorPolicyIn):
    """Set one distributor's policy for one report kind (vendor staff)."""
    scope = require(request, Perm.CHANGE_DISTRIBUTORS, vendor_only=True)
    distributor = get_in_scope(Distributor, scope, pk=distributor_id)
    policies.set_error_policy(
        actor=request.auth,
        distributor=distributor,
        kind=str(payload.kind),
        policy=str(payload.policy),
    )
    return policies.distributors_with_policies(scope).get(pk=distributor.pk)


@router.get(
    "/{int:submission_id}",
    response=SubmissionOut,
    operation_id="submission_get",
    url_name="submission_get",
)
def submission_get(request, submission_id: int):
    """The submission's status: stage, lines processed of total, counts, ``final``."""
    return _submission(request, Perm.VIEW_SELLTHROUGH, submission_id)


@router.get(
    "/{int:submission_id}/issues", response=list[IssueOut], operation_id="submission_issues"
)
@paginate(PageNumberPagination)
def submission_issues(request, submission_id: int, filters: Query[IssueFilter]):
    """The submission's diagnostics by line (file-level ones, without a line, first)."""
    submission = _submission(request, Perm.VIEW_SELLTHROUGH, submission_id)
    issues = selectors.issues_of(submission)
    if filters.severity:
        issues = issues.filter(severity=filters.severity)
    if filters.code:
        issues = issues.filter(code=filters.code)
    if filters.field:
        issues = issues.filter(field=filters.field)
    return issues.order_by("line_order", "pk")


@router.post(
    "/{int:submission_id}/retry",
    response={202: SubmissionAcceptedOut},
    operation_id="submission_retry",
    auth=RETRY_AUTH,
)
def submission_retry(request, submission_id: int):
    """Queue a failed (or stuck open) submission again; 409 for any other status."""
    submission = _submission(request, Perm.SUBMIT_REPORTS, submission_id)
    return Status(202, retry_submission(actor=request.auth, submission=submission))
