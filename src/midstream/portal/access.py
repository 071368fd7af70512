"""Access rules of the distributor portal (see ``core/access.py``).

The portal is for distributor users; vendor staff asking for it are redirected to the
dashboard or, for the upload page, to the vendor upload page (302), which is why the rules
accept 200 and 302.
"""

from midstream.accounts.permissions import Perm
from midstream.core.access import page

PAGE_OR_REDIRECT = frozenset({200, 302})

RULES = [
    page("portal:home", Perm.VIEW_DISTRIBUTORS, ok=PAGE_OR_REDIRECT),
    page("portal:upload", Perm.SUBMIT_REPORTS, ok=PAGE_OR_REDIRECT),
    page("portal:upload", Perm.SUBMIT_REPORTS, method="POST", ok=PAGE_OR_REDIRECT),
    # Vendor staff are sent to the compliance heat map.
    page("portal:compliance", Perm.VIEW_COMPLIANCE, ok=PAGE_OR_REDIRECT),
]
