"""API authentication: the browser's session (with CSRF) or a bearer token for systems."""

import hmac

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from midstream.accounts.models import TOKEN_PREFIX, APIToken, hash_token_secret
from midstream.api.helpers import check_permission


class TokenAuth(HttpBearer):
    """``Authorization: Bearer mst_<key id>_<secret>``. Revoked tokens and inactive users fail."""

    def authenticate(self, request, token: str):
        parts = token.split("_", 2)
        if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
            return None
        _prefix, key_id, secret = parts
        api_token = (
            APIToken.objects.select_related("user", "user__distributor")
            .filter(key_id=key_id, revoked_at__isnull=True)
            .first()
        )
        if api_token is None or not api_token.user.is_active:
            return None
        if not hmac.compare_digest(api_token.secret_hash, hash_token_secret(secret)):
            return None
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            APIToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


class BrowserSession(SessionAuth):
    """Django's session cookie; unsafe methods need the CSRF token, as for forms."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and not getattr(user, "role", None):
            return None
        return user


api_auth = [TokenAuth(), BrowserSession()]


class GatedToken(TokenAuth):
    def __init__(self, perm, vendor_only: bool):
        super().__init__()
        self.perm, self.vendor_only = perm, vendor_only

    def authenticate(self, request, token):
        user = super().authenticate(request, token)
        if user is not None:
            check_permission(user, self.perm, vendor_only=self.vendor_only)
        return user


class GatedSession(BrowserSession):
    def __init__(self, perm, vendor_only: bool):
        super().__init__()
        self.perm, self.vendor_only = perm, vendor_only

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            check_permission(user, self.perm, vendor_only=self.vendor_only)
        return user


def auth_requiring(perm, *, vendor_only: bool = False) -> list:
    """Authenticators that also refuse (403) a role without ``perm``.

    django-ninja parses and validates the request body before the view runs, so a permission
    check inside the view would answer 422 to a caller who may not write at all. Ninja runs
    authentication first; checking the permission there keeps the gate ahead of validation.
    Use it on every operation that takes a body: ``@router.post(..., auth=auth_requiring(P))``.
    """
    return [GatedToken(perm, vendor_only), GatedSession(perm, vendor_only)]
