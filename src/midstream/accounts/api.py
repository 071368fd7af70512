from ninja import Router
from ninja.pagination import PageNumberPagination, paginate

from midstream.accounts import services
from midstream.accounts.models import APIToken
from midstream.accounts.permissions import Perm
from midstream.accounts.schemas import MeOut, TokenCreatedOut, TokenIn, TokenOut
from midstream.api.helpers import require

router = Router(tags=["accounts"])


@router.get("/me", response=MeOut, operation_id="me")
def me(request):
    user = request.auth
    return {
        "id": user.pk,
        "username": user.username,
        "role": user.role,
        "distributor_id": user.distributor_id,
        "distributor_code": user.distributor.code if user.distributor_id else None,
    }


@router.get("/tokens", response=list[TokenOut], operation_id="token_list")
@paginate(PageNumberPagination)
def token_list(request):
    require(request, Perm.USE_API_TOKENS)
    return APIToken.objects.filter(user=request.auth)


@router.post("/tokens", response={201: TokenCreatedOut}, operation_id="token_create")
def token_create(request, payload: TokenIn):
    require(request, Perm.USE_API_TOKENS)
    token, text = services.issue_token(actor=request.auth, user=request.auth, name=payload.name)
    return 201, {**TokenOut.from_orm(token).dict(), "token": text}


@router.post("/tokens/{token_id}/revoke", response=TokenOut, operation_id="token_revoke")
def token_revoke(request, token_id: int):
    require(request, Perm.USE_API_TOKENS)
    return services.revoke_token(actor=request.auth, token_id=token_id)
