"""Access rules of the reseller-matching pages and API (see ``core.access``)."""

from midstream.accounts.permissions import Perm
from midstream.core.access import api, page

RULES = [
    page("matching:settings", Perm.VIEW_RESELLERS),
    page("matching:settings", Perm.REVIEW_MATCHES, method="POST"),
    api("matching_settings_get", Perm.VIEW_RESELLERS),
    api("matching_settings_update", Perm.REVIEW_MATCHES, method="PUT"),
]
