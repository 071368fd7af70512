"""Access rules of the distributor portal (see ``core/access.py``).

The portal is for distributor users; vendor staff asking for it are redirected to the
dashboard (302), which is why the rule accepts 200 and 302.
"""

from midstream.accounts.permissions import Perm
from midstream.core.access import page

RULES = [
    page("portal:home", Perm.VIEW_DISTRIBUTORS, ok=frozenset({200, 302})),
]
