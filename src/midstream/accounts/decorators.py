"""View decorators: log in first, then the role must carry the permission."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from midstream.accounts.permissions import Perm, has_perm, is_distributor_user


def require_perm(perm: Perm, *, vendor_only: bool = False):
    """Anonymous users go to the login page; a role without ``perm`` gets 403.

    ``vendor_only`` refuses distributor roles outright (vendor-side pages such as the audit
    log or the sell-in import).
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_perm(request.user, perm):
                raise PermissionDenied(f"Your role does not allow {perm.value}.")
            if vendor_only and is_distributor_user(request.user):
                raise PermissionDenied("This page is for vendor staff.")
            return view(request, *args, **kwargs)

        wrapper.required_perm = perm
        wrapper.vendor_only = vendor_only
        return wrapper

    return decorator
