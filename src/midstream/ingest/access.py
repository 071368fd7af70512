"""Access rules of the mapping profile pages and API (see ``core/access.py``).

Reading needs ``view_distributors`` (distributor roles: their own distributor's profiles only,
another's is 404); creating, changing and suggesting need ``change_distributors``, which no
distributor role has (403).
"""

from midstream.accounts.permissions import Perm
from midstream.core.access import api, page
from midstream.ingest.submission_access import SUBMISSION_RULES
from midstream.ingest.version_access import VERSION_RULES

VIEW = Perm.VIEW_DISTRIBUTORS
CHANGE = Perm.CHANGE_DISTRIBUTORS


def _profile(cast):
    return {"pk": cast.mapping_profile.pk}


def _profile_id(cast):
    return {"profile_id": cast.mapping_profile.pk}


RULES = [
    page("ingest:profile_list", VIEW),
    page("ingest:profile_list", VIEW, query="export=csv"),
    page("ingest:profile_list", VIEW, query="export=xlsx"),
    page("ingest:profile_detail", VIEW, kwargs=_profile),
    page("ingest:profile_create", CHANGE),
    page("ingest:profile_create", CHANGE, method="POST"),
    page("ingest:profile_suggest", CHANGE),
    page("ingest:profile_suggest", CHANGE, method="POST"),
    page("ingest:profile_update", CHANGE, kwargs=_profile),
    page("ingest:profile_update", CHANGE, kwargs=_profile, method="POST"),
    api("mapping_profile_list", VIEW),
    api("mapping_profile_get", VIEW, kwargs=_profile_id),
    api("mapping_profile_versions", VIEW, kwargs=_profile_id),
    api("mapping_profile_create", CHANGE, method="POST"),
    api("mapping_profile_update", CHANGE, kwargs=_profile_id, method="POST"),
    api("mapping_profile_suggest", CHANGE, method="POST"),
]
RULES += SUBMISSION_RULES + VERSION_RULES
