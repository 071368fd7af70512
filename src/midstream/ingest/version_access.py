"""Access rules of the version diff and corrections pages and API (see ``core/access.py``).

Both read a submission: ``view_sellthrough`` (every role); a distributor role only its own
submissions, another distributor's is 404.
"""

from midstream.accounts.permissions import Perm
from midstream.core.access import api, page

VIEW = Perm.VIEW_SELLTHROUGH


def _submission(cast) -> dict:
    return {"pk": cast.submission.pk}


def _submission_id(cast) -> dict:
    return {"submission_id": cast.submission.pk}


VERSION_RULES: list = [
    page("ingest:submission_diff", VIEW, kwargs=_submission),
    page("ingest:submission_diff", VIEW, kwargs=_submission, query="outcome=changed"),
    page("ingest:submission_corrections", VIEW, kwargs=_submission),
    page("ingest:submission_corrections", VIEW, kwargs=_submission, query="format=xlsx"),
    api("submission_diff", VIEW, kwargs=_submission_id),
    api("submission_corrections", VIEW, kwargs=_submission_id),
]
