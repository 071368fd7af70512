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
    api("me", None),
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
