"""Who may do what: the permission table, in one place.

``docs/permissions.md`` prints this table; ``accounts/tests/test_permissions.py`` checks
that the documented table and this one agree. Distributor roles see only their own
distributor's rows whatever the permission says (see ``core.scoping``).
"""

from enum import StrEnum

from midstream.accounts.choices import DISTRIBUTOR_ROLES, Role
from midstream.core.scoping import Scope, ScopeRequired


class Perm(StrEnum):
    VIEW_DISTRIBUTORS = "view_distributors"
    CHANGE_DISTRIBUTORS = "change_distributors"
    VIEW_RESELLERS = "view_resellers"
    CHANGE_RESELLERS = "change_resellers"
    VIEW_PRODUCTS = "view_products"
    CHANGE_PRODUCTS = "change_products"
    CHANGE_PRICES = "change_prices"
    VIEW_AGREEMENTS = "view_agreements"
    CHANGE_AGREEMENTS = "change_agreements"
    VIEW_SELLIN = "view_sellin"
    IMPORT_SELLIN = "import_sellin"
    MANAGE_FINANCE_SETTINGS = "manage_finance_settings"
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    USE_API_TOKENS = "use_api_tokens"
    # Distributor reports: submissions, sell-through and inventory facts.
    VIEW_SELLTHROUGH = "view_sellthrough"
    SUBMIT_REPORTS = "submit_reports"
    # Reseller and part-number matching: the review queue (issue 4).
    REVIEW_MATCHES = "review_matches"
    # Reporting compliance: calendars, statuses, reminders (issue 4).
    VIEW_COMPLIANCE = "view_compliance"
    MANAGE_COMPLIANCE = "manage_compliance"


_ALL_VENDOR_VIEW = {
    Perm.VIEW_DISTRIBUTORS,
    Perm.VIEW_RESELLERS,
    Perm.VIEW_PRODUCTS,
    Perm.VIEW_AGREEMENTS,
    Perm.VIEW_SELLIN,
    Perm.VIEW_AUDIT,
    Perm.USE_API_TOKENS,
    Perm.VIEW_SELLTHROUGH,
    Perm.VIEW_COMPLIANCE,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.VENDOR_ADMIN: frozenset(Perm),
    Role.CHANNEL_MANAGER: frozenset(
        _ALL_VENDOR_VIEW
        | {
            Perm.CHANGE_DISTRIBUTORS,
            Perm.CHANGE_RESELLERS,
            Perm.CHANGE_AGREEMENTS,
            Perm.SUBMIT_REPORTS,
            Perm.REVIEW_MATCHES,
            Perm.MANAGE_COMPLIANCE,
        }
    ),
    Role.FINANCE: frozenset(_ALL_VENDOR_VIEW | {Perm.IMPORT_SELLIN, Perm.MANAGE_FINANCE_SETTINGS}),
    Role.PRICING_MANAGER: frozenset(_ALL_VENDOR_VIEW | {Perm.CHANGE_PRODUCTS, Perm.CHANGE_PRICES}),
    Role.ANALYST: frozenset(_ALL_VENDOR_VIEW),
    Role.DISTRIBUTOR_ADMIN: frozenset(
        {
            Perm.VIEW_DISTRIBUTORS,
            Perm.VIEW_RESELLERS,
            Perm.VIEW_PRODUCTS,
            Perm.VIEW_AGREEMENTS,
            Perm.VIEW_SELLIN,
            Perm.USE_API_TOKENS,
            Perm.VIEW_SELLTHROUGH,
            Perm.SUBMIT_REPORTS,
            Perm.VIEW_COMPLIANCE,
        }
    ),
    Role.DISTRIBUTOR_USER: frozenset(
        {
            Perm.VIEW_DISTRIBUTORS,
            Perm.VIEW_RESELLERS,
            Perm.VIEW_PRODUCTS,
            Perm.VIEW_AGREEMENTS,
            Perm.VIEW_SELLIN,
            Perm.USE_API_TOKENS,
            Perm.VIEW_SELLTHROUGH,
            Perm.SUBMIT_REPORTS,
            Perm.VIEW_COMPLIANCE,
        }
    ),
}


def has_perm(user, perm: Perm) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    role = getattr(user, "role", None)
    if not role:
        return False
    return perm in ROLE_PERMISSIONS.get(Role(role), frozenset())


def is_distributor_user(user) -> bool:
    return getattr(user, "role", None) in DISTRIBUTOR_ROLES


def scope_for(user) -> Scope:
    """The rows ``user`` may see: vendor staff all, distributor roles only their own.

    Fails closed: an anonymous user, a user without a role, or a distributor user without a
    distributor gets an error, never everything.
    """
    if user is None or not user.is_authenticated:
        raise ScopeRequired("anonymous users have no scope")
    role = getattr(user, "role", None)
    if role in DISTRIBUTOR_ROLES:
        return Scope.distributor(user.distributor_id)
    if role:
        return Scope.vendor()
    raise ScopeRequired(f"user {user.username!r} has no role")
