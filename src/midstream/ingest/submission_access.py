"""Access rules of the submission pages and API (see ``core/access.py``).

Reading submissions needs ``view_sellthrough`` (every role; a distributor role sees its own
distributor's only, another's answers 404). Uploading and retrying need ``submit_reports``;
the vendor upload page sends distributor users to the portal's (302). Error policies are read
with ``view_distributors`` and set by vendor staff with ``change_distributors``.
"""

from midstream.accounts.permissions import Perm
from midstream.core.access import api, page

VIEW = Perm.VIEW_SELLTHROUGH
SUBMIT = Perm.SUBMIT_REPORTS
POLICY_VIEW = Perm.VIEW_DISTRIBUTORS
POLICY_CHANGE = Perm.CHANGE_DISTRIBUTORS
PAGE_OR_REDIRECT = frozenset({200, 302})


def _submission(cast):
    return {"pk": cast.submission.pk}


def _submission_id(cast):
    return {"submission_id": cast.submission.pk}


def _distributor(cast):
    return {"pk": cast.distributor.pk}


def _distributor_id(cast):
    return {"distributor_id": cast.distributor.pk}


SUBMISSION_RULES = [
    page("ingest:submission_list", VIEW),
    page("ingest:submission_list", VIEW, query="export=csv"),
    page("ingest:submission_list", VIEW, query="export=xlsx"),
    page("ingest:submission_detail", VIEW, kwargs=_submission),
    page("ingest:submission_detail", VIEW, kwargs=_submission, query="export=csv"),
    page("ingest:submission_detail", VIEW, kwargs=_submission, query="severity=error"),
    page("ingest:submission_file", VIEW, kwargs=_submission),
    page("ingest:submission_progress", VIEW, kwargs=_submission),
    page("ingest:submission_retry", SUBMIT, kwargs=_submission, method="POST"),
    page("ingest:submission_upload", SUBMIT, ok=PAGE_OR_REDIRECT),
    page("ingest:submission_upload", SUBMIT, method="POST", ok=PAGE_OR_REDIRECT),
    page("ingest:error_policy_list", POLICY_VIEW),
    page("ingest:error_policy_list", POLICY_VIEW, query="export=csv"),
    page("ingest:error_policy_edit", POLICY_CHANGE, vendor_only=True, kwargs=_distributor),
    page(
        "ingest:error_policy_edit",
        POLICY_CHANGE,
        vendor_only=True,
        kwargs=_distributor,
        method="POST",
    ),
    api("submission_list", VIEW),
    api("submission_get", VIEW, kwargs=_submission_id),
    api("submission_issues", VIEW, kwargs=_submission_id),
    api("submission_upload", SUBMIT, method="POST"),
    api("submission_upload_records", SUBMIT, method="POST"),
    api("submission_retry", SUBMIT, kwargs=_submission_id, method="POST"),
    api("error_policy_list", POLICY_VIEW),
    api(
        "error_policy_set",
        POLICY_CHANGE,
        vendor_only=True,
        kwargs=_distributor_id,
        method="PUT",
    ),
]
