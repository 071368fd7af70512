"""Version API of a submission, mounted at /api/submissions: diff and corrections file."""

from typing import Any, Literal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from midstream.accounts.permissions import Perm
from midstream.api.helpers import require
from midstream.core.exports import XLSX_CONTENT_TYPE
from midstream.core.scoping import get_in_scope
from midstream.ingest.models import Submission
from midstream.ingest.versions import DiffRows, corrections_file, version_diff

router = Router(tags=["submissions"])


class DiffCountsOut(Schema):
    added: int
    removed: int
    changed: int
    unchanged: int


class DiffRowOut(Schema):
    outcome: str
    line_before: int | None
    line_after: int | None
    key: dict[str, str | None]
    changed: list[str]
    before: dict[str, str | None] | None
    after: dict[str, str | None] | None


class DiffFilter(Schema):
    outcome: Literal["added", "removed", "changed"] | None = None


class DiffPagination(PageNumberPagination):
    """Page of listed lines, with the counts of every outcome and the version compared with."""

    class Output(Schema):
        items: list[Any]
        count: int
        submission_id: int
        previous_submission_id: int | None
        counts: DiffCountsOut
        compared_fields: list[str]

    def paginate_queryset(self, queryset: "_DiffPage", pagination, request, **params):
        page = super().paginate_queryset(queryset.rows, pagination, request, **params)
        diff = queryset.diff
        page["submission_id"] = diff.submission.pk
        page["previous_submission_id"] = diff.previous.pk if diff.previous else None
        page["counts"] = {
            name: diff.counts.get(name, 0) for name in ("added", "removed", "changed", "unchanged")
        }
        page["compared_fields"] = diff.compared_fields
        return page


class _DiffPage:
    def __init__(self, diff, rows: DiffRows):
        self.diff = diff
        self.rows = rows


def _submission(scope, submission_id: int) -> Submission:
    return get_in_scope(Submission, scope, pk=submission_id)


@router.get("/{submission_id}/diff", response=list[DiffRowOut], operation_id="submission_diff")
@paginate(DiffPagination)
def submission_diff(request, submission_id: int, filters: Query[DiffFilter]):
    """Line-level diff with the version this submission superseded.

    ``counts`` holds every outcome; ``items`` lists the added, removed and changed lines in file
    order (``outcome`` narrows them). Without an earlier version ``previous_submission_id`` is
    null and nothing is listed. Values are text; decimals keep their exact digits.
    """
    scope = require(request, Perm.VIEW_SELLTHROUGH)
    diff = version_diff(_submission(scope, submission_id))
    return _DiffPage(diff, diff.rows(filters.outcome))


class CorrectionsFilter(Schema):
    format: Literal["csv", "xlsx"] | None = None


@router.get(
    "/{submission_id}/corrections",
    operation_id="submission_corrections",
    openapi_extra={
        "responses": {
            200: {
                "description": "The rejected lines in the report's own layout, with error "
                "columns (CSV, or XLSX for a workbook or format=xlsx).",
                "content": {
                    "text/csv": {"schema": {"type": "string", "format": "binary"}},
                    XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def submission_corrections(request, submission_id: int, filters: Query[CorrectionsFilter]):
    """The corrections file: rejected lines plus ``error_field``, ``error_code``,
    ``error_message``; 409 ``unreadable_file`` when the original is no longer stored."""
    scope = require(request, Perm.VIEW_SELLTHROUGH)
    submission = _submission(scope, submission_id)
    file_name, content_type, content = corrections_file(submission, filters.format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    return response
