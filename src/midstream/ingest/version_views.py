"""Version pages of a submission: the diff with the version it superseded, the corrections file.

Scoped like the submission itself: a distributor user sees only its own submissions; another
distributor's answers 404, exactly like a missing one.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from midstream.accounts.decorators import require_perm
from midstream.accounts.permissions import Perm, scope_for
from midstream.core.errors import DomainError
from midstream.core.scoping import get_in_scope
from midstream.ingest.models import Submission
from midstream.ingest.versions import LISTED_OUTCOMES, corrections_file, version_diff

PER_PAGE = 50


def _submission(request, pk: int) -> Submission:
    return get_in_scope(
        Submission.objects.unscoped().select_related("distributor"), scope_for(request.user), pk=pk
    )


@require_perm(Perm.VIEW_SELLTHROUGH)
def submission_diff(request, pk: int):
    """Counts per outcome and the added, removed and changed lines, filtered by outcome."""
    submission = _submission(request, pk)
    diff = version_diff(submission)
    outcome = request.GET.get("outcome", "")
    if outcome not in LISTED_OUTCOMES:
        outcome = ""
    page = Paginator(diff.rows(outcome or None), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "submission": submission,
        "diff": diff,
        "outcome": outcome,
        "outcomes": [str(value) for value in LISTED_OUTCOMES],
        "page": page,
        "inventory": submission.kind == "inventory",
    }
    return render(request, "ingest/version_diff.html", context)


@require_perm(Perm.VIEW_SELLTHROUGH)
def submission_corrections(request, pk: int):
    """The rejected lines as a file in the report's own layout (``?format=csv|xlsx``)."""
    submission = _submission(request, pk)
    try:
        file_name, content_type, content = corrections_file(
            submission, request.GET.get("format") or None
        )
    except DomainError as error:
        context = {"submission": submission, "error": error}
        return render(request, "ingest/version_corrections.html", context, status=error.status)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    return response
