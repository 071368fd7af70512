from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from midstream.accounts import services
from midstream.accounts.choices import Role
from midstream.accounts.models import APIToken, User
from midstream.accounts.permissions import Perm
from midstream.accounts.schemas import (
    MeOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    UserActiveIn,
    UserCreateIn,
    UserOut,
    UserRoleIn,
)
from midstream.api.auth import auth_requiring
from midstream.api.helpers import require
from midstream.core.errors import DomainError, ErrorCode
from midstream.partners.models import Distributor

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


@router.post(
    "/tokens",
    response={201: TokenCreatedOut},
    operation_id="token_create",
    auth=auth_requiring(Perm.USE_API_TOKENS),
)
def token_create(request, payload: TokenIn):
    require(request, Perm.USE_API_TOKENS)
    token, text = services.issue_token(actor=request.auth, user=request.auth, name=payload.name)
    return Status(201, {**TokenOut.from_orm(token).model_dump(), "token": text})


@router.post("/tokens/{token_id}/revoke", response=TokenOut, operation_id="token_revoke")
def token_revoke(request, token_id: int):
    require(request, Perm.USE_API_TOKENS)
    return services.revoke_token(actor=request.auth, token_id=token_id)


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise DomainError(
            ErrorCode.INVALID_VALUE, f"{value!r} is not a role.", field="role"
        ) from None


def _distributor(distributor_id: int | None):
    if distributor_id is None:
        return None
    distributor = Distributor.objects.unscoped().filter(pk=distributor_id).first()
    if distributor is None:
        raise DomainError(ErrorCode.INVALID_VALUE, "No such distributor.", field="distributor_id")
    return distributor


class UserFilter(Schema):
    role: str | None = None
    distributor_id: int | None = None
    is_active: bool | None = None
    q: str | None = None


@router.get("/users", response=list[UserOut], operation_id="user_list")
@paginate(PageNumberPagination)
def user_list(request, filters: Query[UserFilter]):
    require(request, Perm.MANAGE_USERS, vendor_only=True)
    users = User.objects.order_by("username")
    if filters.role:
        users = users.filter(role=filters.role)
    if filters.distributor_id:
        users = users.filter(distributor_id=filters.distributor_id)
    if filters.is_active is not None:
        users = users.filter(is_active=filters.is_active)
    if filters.q:
        users = users.filter(username__icontains=filters.q)
    return users


@router.post(
    "/users",
    response={201: UserOut},
    operation_id="user_create",
    auth=auth_requiring(Perm.MANAGE_USERS, vendor_only=True),
)
def user_create(request, payload: UserCreateIn):
    require(request, Perm.MANAGE_USERS, vendor_only=True)
    try:
        validate_password(payload.password)
    except DjangoValidationError as error:
        raise DomainError(
            ErrorCode.INVALID_VALUE, " ".join(error.messages), field="password"
        ) from None
    data = payload.dict()
    data["role"] = _role(data["role"])
    data["distributor"] = _distributor(data.pop("distributor_id"))
    return Status(201, services.create_user(actor=request.auth, **data))


@router.get("/users/{user_id}", response=UserOut, operation_id="user_get")
def user_get(request, user_id: int):
    require(request, Perm.MANAGE_USERS, vendor_only=True)
    return get_object_or_404(User, pk=user_id)


@router.post(
    "/users/{user_id}/role",
    response=UserOut,
    operation_id="user_change_role",
    auth=auth_requiring(Perm.MANAGE_USERS, vendor_only=True),
)
def user_change_role(request, user_id: int, payload: UserRoleIn):
    require(request, Perm.MANAGE_USERS, vendor_only=True)
    user = get_object_or_404(User, pk=user_id)
    return services.change_user_role(
        actor=request.auth,
        user=user,
        role=_role(payload.role),
        distributor=_distributor(payload.distributor_id),
        reason=payload.reason,
    )


@router.post(
    "/users/{user_id}/active",
    response=UserOut,
    operation_id="user_set_active",
    auth=auth_requiring(Perm.MANAGE_USERS, vendor_only=True),
)
def user_set_active(request, user_id: int, payload: UserActiveIn):
    require(request, Perm.MANAGE_USERS, vendor_only=True)
    user = get_object_or_404(User, pk=user_id)
    return services.set_user_active(
        actor=request.auth, user=user, active=payload.active, reason=payload.reason
    )
