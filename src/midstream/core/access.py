"""Access rules: what every page and API operation requires, declared beside each app.

Each app has an ``access.py`` with ``RULES: list[Access]``, one entry per URL name (pages)
and per OpenAPI ``operationId`` (API). ``tests/test_access_matrix.py`` walks the URL
configuration and the OpenAPI schema, fails on any page or operation without an entry, and
checks every entry against every role, as the owning and as a foreign distributor, with
canary strings seeded into the foreign distributor's data.

Expected outcome for a request (what the matrix asserts):

* anonymous: pages redirect to the login page, the API answers 401;
* the role lacks ``perm`` (or the rule is ``vendor_only`` and the role is a distributor
  role): 403;
* a distributor role asking for another distributor's object: 404;
* otherwise: a status in ``ok`` (GET default {200}; unsafe methods are sent an empty body
  and default to {200, 302, 400, 409, 422}: the permission and scope gates must come before
  validation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from midstream.accounts.permissions import Perm

SAFE_OK = frozenset({200})
UNSAFE_OK = frozenset({200, 201, 302, 400, 409, 422})


@dataclass(frozen=True)
class Access:
    name: str
    perm: Perm | None
    kind: str = "page"  # "page" (URL name) or "api" (operationId)
    method: str = "GET"
    kwargs: Callable[[Any], dict[str, Any]] | None = None
    vendor_only: bool = False
    ok: frozenset[int] = field(default=frozenset())
    query: str = ""  # extra query string, e.g. "export=csv"
    # A vendor-wide object (a product, a family): requested once, never as "another
    # distributor's object".
    shared: bool = False

    @property
    def expected_ok(self) -> frozenset[int]:
        if self.ok:
            return self.ok
        return SAFE_OK if self.method == "GET" else UNSAFE_OK

    @property
    def object_bound(self) -> bool:
        return self.kwargs is not None and not self.shared


def page(name: str, perm: Perm | None, **options: Any) -> Access:
    return Access(name=name, perm=perm, kind="page", **options)


def api(operation_id: str, perm: Perm | None, **options: Any) -> Access:
    return Access(name=operation_id, perm=perm, kind="api", **options)


# The core app's own pages and operations.
RULES = [
    page("home", None, ok=frozenset({200, 302})),  # distributor users go to the portal
    page("core:audit_list", Perm.VIEW_AUDIT, vendor_only=True),
    page("core:audit_list", Perm.VIEW_AUDIT, vendor_only=True, query="export=csv"),
    page("core:settings", Perm.MANAGE_FINANCE_SETTINGS, vendor_only=True),
    page("core:settings", Perm.MANAGE_FINANCE_SETTINGS, vendor_only=True, method="POST"),
    api("settings_get", Perm.VIEW_PRODUCTS),
    api("settings_update", Perm.MANAGE_FINANCE_SETTINGS, vendor_only=True, method="PUT"),
    api("exchange_rate_list", Perm.VIEW_SELLIN, vendor_only=True),
    api("exchange_rate_create", Perm.MANAGE_FINANCE_SETTINGS, vendor_only=True, method="POST"),
    api("audit_list", Perm.VIEW_AUDIT, vendor_only=True),
]
