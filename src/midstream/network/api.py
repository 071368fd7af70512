"""Reseller API (mounted at ``/api/resellers``): the same scope and services as the pages."""

import operator
from functools import reduce

from django.db.models import Q
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from midstream.accounts.permissions import Perm
from midstream.api.auth import auth_requiring
from midstream.api.helpers import require
from midstream.core.errors import DomainError, ErrorCode, PermissionDeniedError
from midstream.core.scoping import Scope
from midstream.network import selectors, services
from midstream.network.schemas import (
    AliasIn,
    AliasOut,
    ResellerDetailOut,
    ResellerFilter,
    ResellerIn,
    ResellerOut,
    ResellerPatch,
    StageIn,
    SupplyEndIn,
    SupplyIn,
    SupplyOut,
)
from midstream.partners.models import Distributor

# Writing operations authenticate through these: a refused role gets 403 before its body is
# validated (422).
WRITE = auth_requiring(Perm.CHANGE_RESELLERS, vendor_only=True)

router = Router(tags=["resellers"])

SEARCH_FIELDS = ["name", "partner_id", "tax_id", "city", "postal_code"]


def _distributor(distributor_id: int | None, field: str) -> Distributor | None:
    if distributor_id is None:
        return None
    distributor = Distributor.objects.unscoped().filter(pk=distributor_id).first()
    if distributor is None:
        raise DomainError(ErrorCode.INVALID_VALUE, "No such distributor.", field=field)
    return distributor


def _supply_out(supply) -> dict:
    return {
        "id": supply.pk,
        "distributor_id": supply.distributor_id,
        "distributor_code": supply.distributor.code,
        "since": supply.since,
        "until": supply.until,
        "account_number": supply.account_number,
    }


def _alias_out(alias) -> dict:
    return {
        "id": alias.pk,
        "alias": alias.alias,
        "distributor_id": alias.distributor_id,
        "distributor_code": alias.distributor.code if alias.distributor_id else None,
    }


def _detail(scope: Scope, pk: int) -> dict:
    view = selectors.reseller_view(scope, pk)
    reseller = view.reseller
    data = ResellerOut.from_orm(reseller).dict()
    data["recruited_by_id"] = reseller.recruited_by_id if view.show_recruited_by else None
    data["recruited_by_code"] = reseller.recruited_by.code if view.show_recruited_by else None
    data["aliases"] = [_alias_out(alias) for alias in view.aliases]
    data["supplies"] = [_supply_out(supply) for supply in view.supplies]
    return data


@router.get("", response=list[ResellerOut], operation_id="reseller_list")
@paginate(PageNumberPagination)
def reseller_list(request, filters: Query[ResellerFilter]):
    scope = require(request, Perm.VIEW_RESELLERS)
    resellers = selectors.resellers_for(scope)
    if filters.q:
        terms = [Q(**{f"{name}__icontains": filters.q.strip()}) for name in SEARCH_FIELDS]
        resellers = resellers.filter(reduce(operator.or_, terms))
    for field in ("tier", "status", "onboarding_stage"):
        value = getattr(filters, field)
        if value:
            resellers = resellers.filter(**{field: value})
    if filters.country:
        resellers = resellers.filter(country=filters.country.upper())
    if filters.distributor_id is not None:
        if not scope.vendor_wide:
            raise PermissionDeniedError("Filtering by distributor is for vendor staff.")
        resellers = resellers.filter(supplies__distributor_id=filters.distributor_id)
    return resellers.order_by("name", "pk")


@router.get("/{int:reseller_id}", response=ResellerDetailOut, operation_id="reseller_get")
def reseller_get(request, reseller_id: int):
    scope = require(request, Perm.VIEW_RESELLERS)
    return _detail(scope, reseller_id)


@router.post("", response={201: ResellerDetailOut}, operation_id="reseller_create", auth=WRITE)
def reseller_create(request, payload: ResellerIn):
    scope = require(request, Perm.CHANGE_RESELLERS, vendor_only=True)
    values = payload.dict()
    values["recruited_by"] = _distributor(values.pop("recruited_by_id"), "recruited_by_id")
    reseller = services.create_reseller(actor=request.auth, **values)
    return Status(201, _detail(scope, reseller.pk))


@router.patch(
    "/{int:reseller_id}", response=ResellerDetailOut, operation_id="reseller_update", auth=WRITE
)
def reseller_update(request, reseller_id: int, payload: ResellerPatch):
    scope = require(request, Perm.CHANGE_RESELLERS, vendor_only=True)
    reseller = selectors.get_reseller(scope, reseller_id)
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason", "")
    if "recruited_by_id" in changes:
        changes["recruited_by"] = _distributor(changes.pop("recruited_by_id"), "recruited_by_id")
    for field, value in changes.items():
        if value is None and field != "recruited_by":
            raise DomainError(ErrorCode.INVALID_VALUE, f"{field} cannot be null.", field=field)
    services.update_reseller(actor=request.auth, reseller=reseller, reason=reason, **changes)
    return _detail(scope, reseller.pk)


@router.post(
    "/{int:reseller_id}/onboarding-stage",
    response=ResellerDetailOut,
    operation_id="reseller_advance_stage",
    auth=WRITE,
)
def reseller_advance_stage(request, reseller_id: int, payload: StageIn):
    scope = require(request, Perm.CHANGE_RESELLERS, vendor_only=True)
    reseller = selectors.get_reseller(scope, reseller_id)
    services.advance_onboarding_stage(
        actor=request.auth,
        reseller=reseller,
        stage=payload.onboarding_stage,
        reason=payload.reason,
    )
    return _detail(scope, reseller.pk)


@router.post(
    "/{int:reseller_id}/aliases",
    response={201: AliasOut},
    operation_id="reseller_alias_create",
    auth=WRITE,
)
def reseller_alias_create(request, reseller_id: int, payload: AliasIn):
    scope = require(request, Perm.CHANGE_RESELLERS, vendor_only=True)
    reseller = selectors.get_reseller(scope, reseller_id)
    alias = services.add_alias(
        actor=request.auth,
        reseller=reseller,
        alias=payload.alias,
        distributor=_distributor(payload.distributor_id, "distributor_id"),
    )
    return Status(201, _alias_out(alias))


@router.delete(
    "/aliases/{int:alias_id}",
    response={204: None},
    operation_id="reseller_alias_delete",
    auth=WRITE,
)
def reseller_alias_delete(request, alias_id: int):
    scope = require(request, Perm.CHANGE_RESELLERS, vendor_only=True)
    services.remove_alias(actor=request.auth, alias=selectors.get_alias(scope, alias_id))
    return Status(204, None)


@router.post(
    "/{int:reseller_id}/supplies",
    response={201: SupplyOut},
    operation_id="reseller_supply_create",
    auth=WRITE,
)
def reseller_supply_create(request, reseller_id: int, payload: SupplyIn):
    scope = require(request, Perm.CHANGE_RESELLERS, vendor_only=True)
    reseller = selectors.get_reseller(scope, reseller_id)
    supply = services.add_supply(
        actor=request.auth,
        reseller=reseller,
        distributor=_distributor(payload.distributor_id, "distributor_id"),
        since=payload.since,
        account_number=payload.account_number,
        reason=payload.reason,
    )
    return Status(201, _supply_out(supply))


@router.post(
    "/supplies/{int:supply_id}/end",
    response=SupplyOut,
    operation_id="reseller_supply_end",
    auth=WRITE,
)
def reseller_supply_end(request, supply_id: int, payload: SupplyEndIn):
    scope = require(request, Perm.CHANGE_RESELLERS, vendor_only=True)
    supply = services.end_supply(
        actor=request.auth,
        supply=selectors.get_supply(scope, supply_id),
        until=payload.until,
        reason=payload.reason,
    )
    return _supply_out(supply)


@router.delete(
    "/supplies/{int:supply_id}",
    response={204: None},
    operation_id="reseller_supply_delete",
    auth=WRITE,
)
def reseller_supply_delete(request, supply_id: int):
    scope = require(request, Perm.CHANGE_RESELLERS, vendor_only=True)
    services.remove_supply(actor=request.auth, supply=selectors.get_supply(scope, supply_id))
    return Status(204, None)
