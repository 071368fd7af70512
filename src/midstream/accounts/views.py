from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from midstream.accounts import services
from midstream.accounts.decorators import require_perm
from midstream.accounts.models import APIToken
from midstream.accounts.permissions import Perm
from midstream.core.errors import DomainError


@require_perm(Perm.USE_API_TOKENS)
def token_list(request):
    """Your API tokens. A new token's full text is shown once, right after it is issued."""
    new_token = None
    if request.method == "POST":
        try:
            _token, new_token = services.issue_token(
                actor=request.user, user=request.user, name=request.POST.get("name", "")
            )
        except DomainError as error:
            messages.error(request, error.message)
    tokens = APIToken.objects.filter(user=request.user)
    return render(request, "accounts/tokens.html", {"tokens": tokens, "new_token": new_token})


@require_perm(Perm.USE_API_TOKENS)
@require_POST
def token_revoke(request, pk: int):
    try:
        services.revoke_token(actor=request.user, token_id=pk)
    except DomainError as error:
        if error.status == 404:
            raise Http404 from None
        raise PermissionDenied(error.message) from None
    messages.success(request, "Token revoked.")
    return redirect("accounts:token_list")
