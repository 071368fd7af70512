from django.urls import reverse

from midstream.accounts.permissions import Perm, has_perm, is_distributor_user

# (label, URL name, permission, vendor staff only)
NAVIGATION = [
    ("Dashboard", "home", None, False),
    ("Distributors", "partners:distributor_list", Perm.VIEW_DISTRIBUTORS, True),
    ("My distributor", "portal:home", Perm.VIEW_DISTRIBUTORS, False),
    ("Resellers", "network:reseller_list", Perm.VIEW_RESELLERS, False),
    ("Products", "catalog:product_list", Perm.VIEW_PRODUCTS, False),
    ("Agreements", "agreements:agreement_list", Perm.VIEW_AGREEMENTS, False),
    ("Sell-in", "sales:sellin_list", Perm.VIEW_SELLIN, False),
    ("Sell-through", "reports:sellthrough", Perm.VIEW_SELLTHROUGH, False),
    ("Submissions", "ingest:submission_list", Perm.VIEW_SELLTHROUGH, False),
    ("Mapping", "ingest:profile_list", Perm.VIEW_DISTRIBUTORS, False),
    ("Review", "matching:review_list", Perm.VIEW_RESELLERS, True),
    ("Part numbers", "matching:part_list", Perm.VIEW_PRODUCTS, True),
    ("Matching", "matching:settings", Perm.VIEW_RESELLERS, True),
    ("Compliance", "compliance:heat_map", Perm.VIEW_COMPLIANCE, True),
    ("Audit", "core:audit_list", Perm.VIEW_AUDIT, True),
    ("Users", "accounts:user_list", Perm.MANAGE_USERS, True),
    ("Settings", "core:settings", Perm.MANAGE_FINANCE_SETTINGS, True),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    distributor_user = is_distributor_user(user)
    items = []
    for label, url_name, perm, vendor_only in NAVIGATION:
        if vendor_only and distributor_user:
            continue
        if url_name == "portal:home" and not distributor_user:
            continue
        if perm is not None and not has_perm(user, perm):
            continue
        items.append({"label": label, "url": reverse(url_name)})
    return {"nav_items": items, "is_distributor_user": distributor_user}
