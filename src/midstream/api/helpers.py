"""What every API endpoint does first: who is asking, may they, which rows they see."""

from midstream.accounts.permissions import Perm, has_perm, is_distributor_user, scope_for
from midstream.core.errors import PermissionDeniedError
from midstream.core.scoping import Scope


def check_permission(user, perm: Perm, *, vendor_only: bool = False) -> None:
    """Raise 403 unless ``user``'s role carries ``perm`` (and is vendor staff, if asked)."""
    if not has_perm(user, perm):
        raise PermissionDeniedError(f"Your role does not allow {perm.value}.")
    if vendor_only and is_distributor_user(user):
        raise PermissionDeniedError("This operation is for vendor staff.")


def require(request, perm: Perm, *, vendor_only: bool = False) -> Scope:
    """Raise 403 unless the caller's role carries ``perm``; return the caller's scope."""
    check_permission(request.auth, perm, vendor_only=vendor_only)
    return scope_for(request.auth)
