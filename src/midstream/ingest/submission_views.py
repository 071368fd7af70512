"""Submission pages: list, detail with issues and live progress, original file, retry, upload,
and the error policy pages (issue 3).

Every role may read submissions (``view_sellthrough``); a distributor user sees only its own,
another distributor's answers 404. Uploading needs ``submit_reports``: vendor staff pick the
distributor here, distributor users upload in the portal (``portal:upload``) for themselves.
Error policies are read with ``view_distributors`` and changed by vendor staff with
``change_distributors``.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from midstream.accounts.decorators import require_perm
from midstream.accounts.permissions import Perm, has_perm, is_distributor_user, scope_for
from midstream.core.errors import DomainError
from midstream.core.listing import Column, Filter, ListSpec, render_list
from midstream.core.scoping import get_in_scope
from midstream.ingest import policies
from midstream.ingest import submission_selectors as selectors
from midstream.ingest.choices import (
    ErrorPolicy,
    ProfileKind,
    SubmissionSource,
    SubmissionStatus,
)
from midstream.ingest.submission_forms import ErrorPolicyForm, UploadForm
from midstream.ingest.submissions import retry_submission, stored_file_path, submit_report
from midstream.partners.selectors import distributors as distributors_in

OCTET_STREAM = "application/octet-stream"
# Report formats keep their type on download; anything else (an .html, an .svg) is bytes.
DOWNLOAD_TYPES = {
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".tsv": "text/tab-separated-values",
    ".json": "application/json",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SEVERITY_CHOICES = [("error", "Error"), ("warning", "Warning")]
STATUS_BADGES = {
    SubmissionStatus.COMMITTED: "badge-active",
    SubmissionStatus.REJECTED: "badge-terminated",
    SubmissionStatus.FAILED: "badge-terminated",
    SubmissionStatus.RECEIVED: "badge-onboarding",
    SubmissionStatus.PARSING: "badge-onboarding",
    SubmissionStatus.VALIDATING: "badge-onboarding",
    SubmissionStatus.AWAITING_REVIEW: "badge-suspended",
}


SUBMISSION_COLUMNS = [
    Column("id", "#", link="ingest:submission_detail", sort="id", numeric=True),
    Column("submitted_at", "Received", sort="submitted_at"),
    Column("distributor", "Distributor", value="distributor.code", sort="distributor__code"),
    Column("kind", "Report", value="get_kind_display", sort="kind"),
    Column("period", "Period", value=selectors.period_label, sort="period_start"),
    Column("file_name", "File", sort="file_name"),
    Column("source", "Source", value="get_source_display", sort="source"),
    Column("status", "Status", value="get_status_display", sort="status"),
    Column("version", "Version", sort="version", numeric=True),
    Column("lines_read", "Read", sort="lines_read", numeric=True),
    Column("lines_accepted", "Accepted", sort="lines_accepted", numeric=True),
    Column("lines_warned", "Warned", sort="lines_warned", numeric=True),
    Column("lines_rejected", "Rejected", sort="lines_rejected", numeric=True),
    Column("submitted_by", "By", value="submitted_by.username"),
]


def submission_list_spec(scope) -> ListSpec:
    """The list's columns and filters; vendor staff also filter by distributor."""
    filters = []
    if scope.vendor_wide:
        choices = [(str(d.pk), d.code) for d in distributors_in(scope).order_by("code")]
        filters.append(Filter("distributor", "Distributor", "distributor_id", choices))
    months = [
        (month.isoformat(), month.strftime("%Y-%m")) for month in selectors.period_months(scope)
    ]
    filters += [
        Filter("kind", "Report", "kind", ProfileKind.choices),
        Filter("status", "Status", "status", SubmissionStatus.choices),
        Filter("source", "Source", "source", SubmissionSource.choices),
        Filter("period", "Period", "period_month", months),
    ]
    return ListSpec(
        name="submissions",
        columns=SUBMISSION_COLUMNS,
        search_fields=["file_name"],
        filters=filters,
        default_sort="-submitted_at",
    )


@require_perm(Perm.VIEW_SELLTHROUGH)
def submission_list(request):
    scope = scope_for(request.user)
    upload_url = None
    if has_perm(request.user, Perm.SUBMIT_REPORTS):
        upload_url = reverse(
            "portal:upload" if is_distributor_user(request.user) else "ingest:submission_upload"
        )
    return render_list(
        request,
        selectors.submissions_for(scope),
        submission_list_spec(scope),
        context={
            "title": "Submissions",
            "subtitle": "Every report file received: what it was, where it came from, what "
            "became of it.",
            "create_url": upload_url,
            "create_label": "Upload a report",
        },
    )


def _submission(request, pk: int):
    return selectors.get_submission(scope_for(request.user), pk)


def optional_url(name: str, pk: int) -> str | None:
    """The URL of a page another part of the intake provides, or None while it is missing."""
    try:
        return reverse(name, kwargs={"pk": pk})
    except NoReverseMatch:
        return None


def issue_spec(submission) -> ListSpec:
    return ListSpec(
        name=f"submission-{submission.pk}-issues",
        columns=[
            Column("line", "Line", sort="line_order", numeric=True),
            Column("severity", "Severity", sort="severity"),
            Column("code", "Code", sort="code"),
            Column("field", "Field", sort="field"),
            Column("message", "Message"),
            Column("value", "Value"),
            Column("line_count", "Lines", sort="line_count", numeric=True),
        ],
        search_fields=["message", "value"],
        filters=[
            Filter("severity", "Severity", "severity", SEVERITY_CHOICES),
            Filter(
                "code",
                "Code",
                "code",
                [(code, code) for code in selectors.issue_values(submission, "code")],
            ),
            Filter(
                "field",
                "Field",
                "field",
                [(name, name) for name in selectors.issue_values(submission, "field")],
            ),
        ],
        default_sort="line_order",
    )


@require_perm(Perm.VIEW_SELLTHROUGH)
def submission_detail(request, pk: int):
    submission = _submission(request, pk)
    history = selectors.version_history(submission)
    final = selectors.is_final(submission)
    context = {
        "submission": submission,
        "period": selectors.period_label(submission),
        "history": history,
        "previous_version": submission.supersedes,
        "next_version": selectors.next_version(submission, history),
        "progress": selectors.progress_of(submission),
        "final": final,
        "status_badge": STATUS_BADGES.get(submission.status, ""),
        "can_retry": selectors.is_retryable(submission)
        and has_perm(request.user, Perm.SUBMIT_REPORTS),
        "diff_url": (
            optional_url("ingest:submission_diff", submission.pk)
            if submission.supersedes_id
            else None
        ),
        "corrections_url": (
            optional_url("ingest:submission_corrections", submission.pk)
            if submission.lines_rejected
            else None
        ),
        "title": f"Submission #{submission.pk}",
        # Issue 4: the vendor's reviewers decide the spellings it waits for.
        "review_url": (
            f"{reverse('matching:review_list')}?distributor={submission.distributor_id}"
            if submission.status == SubmissionStatus.AWAITING_REVIEW
            and not is_distributor_user(request.user)
            and has_perm(request.user, Perm.VIEW_RESELLERS)
            else None
        ),
    }
    return render_list(
        request,
        selectors.issues_of(submission),
        issue_spec(submission),
        template="ingest/submission_detail.html",
        context=context,
    )


@require_perm(Perm.VIEW_SELLTHROUGH)
def submission_file(request, pk: int):
    """The original file as received, under its original name."""
    submission = _submission(request, pk)
    path = stored_file_path(submission)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    except (FileNotFoundError, IsADirectoryError):
        raise Http404("The stored file is missing.") from None
    content_type = DOWNLOAD_TYPES.get(Path(submission.file_name).suffix.lower(), OCTET_STREAM)
    return FileResponse(
        handle, as_attachment=True, filename=submission.file_name, content_type=content_type
    )


@require_perm(Perm.VIEW_SELLTHROUGH)
def submission_progress(request, pk: int):
    """Status, stage and lines processed, polled every second by the detail page."""
    return JsonResponse(selectors.progress_of(_submission(request, pk)).as_dict())


@require_perm(Perm.SUBMIT_REPORTS)
@require_POST
def submission_retry(request, pk: int):
    submission = _submission(request, pk)
    try:
        retry_submission(actor=request.user, submission=submission)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Submission #{submission.pk} is queued again.")
    return redirect("ingest:submission_detail", pk=submission.pk)


def _file_arguments(upload) -> dict:
    """Large uploads are on disk already: stream from there instead of reading them in."""
    temporary = getattr(upload, "temporary_file_path", None)
    if temporary is not None:
        return {"path": Path(temporary())}
    return {"content": upload.read()}


def handle_upload(
    request, *, source: str, template: str, context: dict, distributors=None, fixed=None
):
    """The upload form: vendor staff choose among ``distributors``; a distributor user
    uploads for ``fixed``, its own. Redirects to the new submission's page.
    """
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = UploadForm(data, files, distributors=None if fixed is not None else distributors)
    if data is not None and form.is_valid():
        if fixed is not None:
            distributor = fixed
        else:
            chosen = form.cleaned_data["distributor"]
            distributor = next(d for d in distributors if d.pk == chosen)
        upload = form.cleaned_data["file"]
        period = form.cleaned_data["period"]
        try:
            submission = submit_report(
                actor=request.user,
                distributor=distributor,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                source=source,
                period_start=period[0] if period else None,
                period_end=period[1] if period else None,
                sheet=form.cleaned_data["sheet"],
                max_bytes=settings.MAX_UPLOAD_BYTES,
                **_file_arguments(upload),
            )
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        else:
            if submission.status == SubmissionStatus.DUPLICATE:
                messages.warning(
                    request,
                    f"{submission.file_name} was recognised as a duplicate of "
                    f"#{submission.duplicate_of_id} and is not counted again.",
                )
            else:
                messages.success(request, f"{submission.file_name} received as #{submission.pk}.")
            return redirect("ingest:submission_detail", pk=submission.pk)
    return render(
        request,
        template,
        {
            "form": form,
            "max_upload_bytes": settings.MAX_UPLOAD_BYTES,
            **context,
        },
    )


@require_perm(Perm.SUBMIT_REPORTS)
def submission_upload(request):
    """Vendor staff upload a report for any distributor; distributor users go to the portal."""
    if is_distributor_user(request.user):
        return redirect("portal:upload")
    scope = scope_for(request.user)
    return handle_upload(
        request,
        distributors=list(distributors_in(scope).order_by("code")),
        source=SubmissionSource.UI,
        template="ingest/submission_upload.html",
        context={"title": "Upload a report", "cancel_url": reverse("ingest:submission_list")},
    )


def _policy_value(policy: str, explicit: bool) -> str:
    label = policies.policy_label(policy)
    return label if explicit else f"{label} (default)"


def error_policy_spec(*, can_change: bool) -> ListSpec:
    columns = [
        Column("code", "Distributor", sort="code"),
        Column("legal_name", "Name", sort="legal_name"),
        Column(
            "sell_through_policy",
            "Sell-through",
            value=lambda row: _policy_value(row.sell_through_policy, row.sell_through_set),
            sort="sell_through_policy",
        ),
        Column(
            "inventory_policy",
            "Inventory",
            value=lambda row: _policy_value(row.inventory_policy, row.inventory_set),
            sort="inventory_policy",
        ),
    ]
    if can_change:
        columns.append(
            Column(
                "edit",
                "",
                value=lambda _row: "Edit",
                link=lambda row: reverse("ingest:error_policy_edit", kwargs={"pk": row.pk}),
            )
        )
    return ListSpec(
        name="error-policies",
        columns=columns,
        search_fields=["code", "legal_name"],
        filters=[
            Filter("sell_through", "Sell-through", "sell_through_policy", ErrorPolicy.choices),
            Filter("inventory", "Inventory", "inventory_policy", ErrorPolicy.choices),
        ],
        default_sort="code",
    )


@require_perm(Perm.VIEW_DISTRIBUTORS)
def error_policy_list(request):
    scope = scope_for(request.user)
    can_change = has_perm(request.user, Perm.CHANGE_DISTRIBUTORS) and not is_distributor_user(
        request.user
    )
    return render_list(
        request,
        policies.distributors_with_policies(scope),
        error_policy_spec(can_change=can_change),
        context={
            "title": "Error policies",
            "subtitle": "What a line with an error does to its report: quarantine the line "
            "and accept the rest, or reject the whole file. Defaults: sell-through "
            "quarantines, inventory rejects the file.",
        },
    )


@require_perm(Perm.CHANGE_DISTRIBUTORS, vendor_only=True)
def error_policy_edit(request, pk: int):
    scope = scope_for(request.user)
    distributor = get_in_scope(policies.distributors_with_policies(scope), scope, pk=pk)
    initial = {
        ProfileKind.SELL_THROUGH: distributor.sell_through_policy,
        ProfileKind.INVENTORY: distributor.inventory_policy,
    }
    form = ErrorPolicyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                for kind in form.changed_data:  # an untouched default stays the default
                    policies.set_error_policy(
                        actor=request.user,
                        distributor=distributor,
                        kind=kind,
                        policy=form.cleaned_data[kind],
                    )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Error policies of {distributor.code} saved.")
            return redirect("ingest:error_policy_list")
    return render(
        request,
        "ingest/error_policy_form.html",
        {"form": form, "distributor": distributor, "defaults": policies.DEFAULT_POLICIES},
    )
