from midstream.accounts.permissions import Perm
from midstream.core.access import api, page

RULES = [
    page("accounts:token_list", Perm.USE_API_TOKENS),
    page("accounts:token_list", Perm.USE_API_TOKENS, method="POST"),
    page(
        "accounts:token_revoke",
        Perm.USE_API_TOKENS,
        method="POST",
        kwargs=lambda cast: {"pk": cast.token.pk},
        ok=frozenset({302, 404}),
    ),
    page("accounts:user_list", Perm.MANAGE_USERS, vendor_only=True),
    page("accounts:user_create", Perm.MANAGE_USERS, vendor_only=True),
    page("accounts:user_create", Perm.MANAGE_USERS, vendor_only=True, method="POST"),
    page(
        "accounts:user_detail",
        Perm.MANAGE_USERS,
        vendor_only=True,
        kwargs=lambda cast: {"pk": cast.token.user_id},
    ),
    page(
        "accounts:user_detail",
        Perm.MANAGE_USERS,
        vendor_only=True,
        method="POST",
        kwargs=lambda cast: {"pk": cast.token.user_id},
    ),
    api("me", None),
    api("user_list", Perm.MANAGE_USERS, vendor_only=True),
    api("user_create", Perm.MANAGE_USERS, vendor_only=True, method="POST"),
    api(
        "user_get",
        Perm.MANAGE_USERS,
        vendor_only=True,
        kwargs=lambda cast: {"user_id": cast.token.user_id},
    ),
    api(
        "user_change_role",
        Perm.MANAGE_USERS,
        vendor_only=True,
        method="POST",
        kwargs=lambda cast: {"user_id": cast.token.user_id},
    ),
    api(
        "user_set_active",
        Perm.MANAGE_USERS,
        vendor_only=True,
        method="POST",
        kwargs=lambda cast: {"user_id": cast.token.user_id},
    ),
    api("token_list", Perm.USE_API_TOKENS),
    api("token_create", Perm.USE_API_TOKENS, method="POST"),
    api(
        "token_revoke",
        Perm.USE_API_TOKENS,
        method="POST",
        kwargs=lambda cast: {"token_id": cast.token.pk},
        ok=frozenset({200, 404}),
    ),
]
