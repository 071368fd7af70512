"""Access rules of the report pages and API (see ``core/access.py``).

Every role has ``view_sellthrough``; a distributor role sees only its own distributor's
rollups, sell-in and inventory positions.
"""

from midstream.accounts.permissions import Perm
from midstream.core.access import api, page

VIEW = Perm.VIEW_SELLTHROUGH

RULES = [
    page("reports:sellthrough", VIEW),
    page("reports:sellthrough", VIEW, query="month_from=2025-01&month_to=2025-12&sort=-quantity"),
    page("reports:sellthrough", VIEW, query="export=csv"),
    page("reports:sellthrough", VIEW, query="export=xlsx"),
    page("reports:inventory", VIEW),
    page("reports:inventory", VIEW, query="as_of=2025-01&location=MAIN"),
    page("reports:inventory", VIEW, query="export=csv"),
    page("reports:inventory", VIEW, query="export=xlsx"),
    api("sellthrough_monthly", VIEW),
    api("sellthrough_series", VIEW),
    api("inventory_positions", VIEW),
]
