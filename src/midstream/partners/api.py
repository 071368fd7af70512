"""Distributor API, mounted at ``/api/distributors``.

Same rules as the pages: ``view_distributors`` reads (a distributor login sees only its own
distributor; another one's answers 404), ``change_distributors`` writes (no distributor
role has it: 403). Rules refused by a service answer 400/409 with the error code.
"""

from django.db.models import Q
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from midstream.accounts.models import User
from midstream.accounts.permissions import Perm
from midstream.api.auth import auth_requiring
from midstream.api.helpers import require
from midstream.core.errors import DomainError
from midstream.partners import selectors, services
from midstream.partners.errors import ErrorCode
from midstream.partners.models import Contact, OnboardingItem, ReportingObligation, Territory
from midstream.partners.schemas import (
    CompleteItemIn,
    ContactIn,
    ContactOut,
    ContactPatch,
    DistributorFilter,
    DistributorIn,
    DistributorOut,
    DistributorPatch,
    ObligationIn,
    ObligationOut,
    ObligationPatch,
    OnboardingItemIn,
    OnboardingItemOut,
    OnboardingItemPatch,
    ReopenItemIn,
    StatusChangeIn,
    StatusChangeOut,
    TerritoryIn,
    TerritoryOut,
    TerritoryPatch,
)

router = Router(tags=["distributors"])


# Every writing operation authenticates through these (``auth=WRITE``): 403 before 422.
WRITE = auth_requiring(Perm.CHANGE_DISTRIBUTORS)

DELETED = {204: None}


def _without_nones(values: dict, *, nullable: tuple[str, ...] = ()) -> dict:
    """PATCH: drop unset fields, and ``null`` for fields that cannot be empty."""
    return {key: value for key, value in values.items() if value is not None or key in nullable}


def _distributor(request, perm: Perm, distributor_id: int):
    return selectors.get_distributor(require(request, perm), distributor_id)


def _child(request, perm: Perm, model, distributor_id: int, child_id: int):
    return selectors.get_child(model, require(request, perm), distributor_id, child_id)


# --- distributors -------------------------------------------------------------------------


@router.get("", response=list[DistributorOut], operation_id="distributor_list")
@paginate(PageNumberPagination)
def distributor_list(request, filters: Query[DistributorFilter]):
    scope = require(request, Perm.VIEW_DISTRIBUTORS)
    distributors = selectors.distributors(scope).order_by("code", "pk")
    for name in ("status", "region", "country", "program_track"):
        value = getattr(filters, name)
        if value:
            distributors = distributors.filter(**{name: value})
    if filters.q:
        query = filters.q.strip()
        distributors = distributors.filter(
            Q(code__icontains=query) | Q(legal_name__icontains=query) | Q(country__icontains=query)
        )
    return distributors


@router.post("", response={201: DistributorOut}, operation_id="distributor_create", auth=WRITE)
def distributor_create(request, payload: DistributorIn):
    require(request, Perm.CHANGE_DISTRIBUTORS)
    return Status(201, services.create_distributor(actor=request.auth, **payload.dict()))


@router.get("/{distributor_id}", response=DistributorOut, operation_id="distributor_get")
def distributor_get(request, distributor_id: int):
    return _distributor(request, Perm.VIEW_DISTRIBUTORS, distributor_id)


@router.patch(
    "/{distributor_id}", response=DistributorOut, operation_id="distributor_update", auth=WRITE
)
def distributor_update(request, distributor_id: int, payload: DistributorPatch):
    distributor = _distributor(request, Perm.CHANGE_DISTRIBUTORS, distributor_id)
    values = _without_nones(payload.dict(exclude_unset=True))
    return services.update_distributor(actor=request.auth, distributor=distributor, **values)


@router.post(
    "/{distributor_id}/status",
    response=DistributorOut,
    operation_id="distributor_change_status",
    auth=WRITE,
)
def distributor_change_status(request, distributor_id: int, payload: StatusChangeIn):
    distributor = _distributor(request, Perm.CHANGE_DISTRIBUTORS, distributor_id)
    return services.change_distributor_status(
        actor=request.auth,
        distributor=distributor,
        to_status=payload.to_status.value,
        reason=payload.reason,
    )


@router.get(
    "/{distributor_id}/status-changes",
    response=list[StatusChangeOut],
    operation_id="distributor_status_history",
)
@paginate(PageNumberPagination)
def distributor_status_history(request, distributor_id: int):
    distributor = _distributor(request, Perm.VIEW_DISTRIBUTORS, distributor_id)
    return selectors.status_changes(distributor)


# --- territories --------------------------------------------------------------------------


@router.get(
    "/{distributor_id}/territories",
    response=list[TerritoryOut],
    operation_id="territory_list",
)
@paginate(PageNumberPagination)
def territory_list(request, distributor_id: int):
    distributor = _distributor(request, Perm.VIEW_DISTRIBUTORS, distributor_id)
    return selectors.territories(distributor)


@router.post(
    "/{distributor_id}/territories",
    response={201: TerritoryOut},
    operation_id="territory_create",
    auth=WRITE,
)
def territory_create(request, distributor_id: int, payload: TerritoryIn):
    distributor = _distributor(request, Perm.CHANGE_DISTRIBUTORS, distributor_id)
    return Status(
        201, services.add_territory(actor=request.auth, distributor=distributor, **payload.dict())
    )


@router.patch(
    "/{distributor_id}/territories/{territory_id}",
    response=TerritoryOut,
    operation_id="territory_update",
    auth=WRITE,
)
def territory_update(request, distributor_id: int, territory_id: int, payload: TerritoryPatch):
    territory = _child(request, Perm.CHANGE_DISTRIBUTORS, Territory, distributor_id, territory_id)
    values = _without_nones(payload.dict(exclude_unset=True))
    return services.update_territory(actor=request.auth, territory=territory, **values)


@router.delete(
    "/{distributor_id}/territories/{territory_id}",
    response=DELETED,
    operation_id="territory_delete",
    auth=WRITE,
)
def territory_delete(request, distributor_id: int, territory_id: int, reason: str = ""):
    territory = _child(request, Perm.CHANGE_DISTRIBUTORS, Territory, distributor_id, territory_id)
    services.remove_territory(actor=request.auth, territory=territory, reason=reason[:500])
    return Status(204, None)


# --- contacts -----------------------------------------------------------------------------


@router.get("/{distributor_id}/contacts", response=list[ContactOut], operation_id="contact_list")
@paginate(PageNumberPagination)
def contact_list(request, distributor_id: int):
    distributor = _distributor(request, Perm.VIEW_DISTRIBUTORS, distributor_id)
    return selectors.contacts(distributor)


@router.post(
    "/{distributor_id}/contacts",
    response={201: ContactOut},
    operation_id="contact_create",
    auth=WRITE,
)
def contact_create(request, distributor_id: int, payload: ContactIn):
    distributor = _distributor(request, Perm.CHANGE_DISTRIBUTORS, distributor_id)
    return Status(
        201, services.add_contact(actor=request.auth, distributor=distributor, **payload.dict())
    )


@router.patch(
    "/{distributor_id}/contacts/{contact_id}",
    response=ContactOut,
    operation_id="contact_update",
    auth=WRITE,
)
def contact_update(request, distributor_id: int, contact_id: int, payload: ContactPatch):
    contact = _child(request, Perm.CHANGE_DISTRIBUTORS, Contact, distributor_id, contact_id)
    values = _without_nones(payload.dict(exclude_unset=True))
    return services.update_contact(actor=request.auth, contact=contact, **values)


@router.delete(
    "/{distributor_id}/contacts/{contact_id}",
    response=DELETED,
    operation_id="contact_delete",
    auth=WRITE,
)
def contact_delete(request, distributor_id: int, contact_id: int, reason: str = ""):
    contact = _child(request, Perm.CHANGE_DISTRIBUTORS, Contact, distributor_id, contact_id)
    services.remove_contact(actor=request.auth, contact=contact, reason=reason[:500])
    return Status(204, None)


# --- onboarding checklist -----------------------------------------------------------------


def _owner(owner_id: int | None):
    if owner_id is None:
        return None
    owner = User.objects.filter(pk=owner_id).first()
    if owner is None:
        raise DomainError(ErrorCode.INVALID_OWNER, f"No user with id {owner_id}.", field="owner_id")
    return owner


@router.get(
    "/{distributor_id}/onboarding-items",
    response=list[OnboardingItemOut],
    operation_id="onboarding_item_list",
)
@paginate(PageNumberPagination)
def onboarding_item_list(request, distributor_id: int):
    distributor = _distributor(request, Perm.VIEW_DISTRIBUTORS, distributor_id)
    return selectors.onboarding_items(distributor)


@router.post(
    "/{distributor_id}/onboarding-items",
    response={201: OnboardingItemOut},
    operation_id="onboarding_item_create",
    auth=WRITE,
)
def onboarding_item_create(request, distributor_id: int, payload: OnboardingItemIn):
    distributor = _distributor(request, Perm.CHANGE_DISTRIBUTORS, distributor_id)
    values = payload.dict()
    values["owner"] = _owner(values.pop("owner_id"))
    return Status(
        201, services.add_onboarding_item(actor=request.auth, distributor=distributor, **values)
    )


@router.patch(
    "/{distributor_id}/onboarding-items/{item_id}",
    response=OnboardingItemOut,
    operation_id="onboarding_item_update",
    auth=WRITE,
)
def onboarding_item_update(
    request, distributor_id: int, item_id: int, payload: OnboardingItemPatch
):
    onboarding_item = _child(
        request, Perm.CHANGE_DISTRIBUTORS, OnboardingItem, distributor_id, item_id
    )
    values = _without_nones(payload.dict(exclude_unset=True), nullable=("owner_id", "due_date"))
    if "owner_id" in values:
        values["owner"] = _owner(values.pop("owner_id"))
    return services.update_onboarding_item(
        actor=request.auth, onboarding_item=onboarding_item, **values
    )


@router.post(
    "/{distributor_id}/onboarding-items/{item_id}/complete",
    response=OnboardingItemOut,
    operation_id="onboarding_item_complete",
    auth=WRITE,
)
def onboarding_item_complete(request, distributor_id: int, item_id: int, payload: CompleteItemIn):
    onboarding_item = _child(
        request, Perm.CHANGE_DISTRIBUTORS, OnboardingItem, distributor_id, item_id
    )
    return services.complete_onboarding_item(
        actor=request.auth, onboarding_item=onboarding_item, **payload.dict()
    )


@router.post(
    "/{distributor_id}/onboarding-items/{item_id}/reopen",
    response=OnboardingItemOut,
    operation_id="onboarding_item_reopen",
    auth=WRITE,
)
def onboarding_item_reopen(request, distributor_id: int, item_id: int, payload: ReopenItemIn):
    onboarding_item = _child(
        request, Perm.CHANGE_DISTRIBUTORS, OnboardingItem, distributor_id, item_id
    )
    return services.reopen_onboarding_item(
        actor=request.auth, onboarding_item=onboarding_item, reason=payload.reason
    )


@router.delete(
    "/{distributor_id}/onboarding-items/{item_id}",
    response=DELETED,
    operation_id="onboarding_item_delete",
    auth=WRITE,
)
def onboarding_item_delete(request, distributor_id: int, item_id: int, reason: str = ""):
    onboarding_item = _child(
        request, Perm.CHANGE_DISTRIBUTORS, OnboardingItem, distributor_id, item_id
    )
    services.remove_onboarding_item(
        actor=request.auth, onboarding_item=onboarding_item, reason=reason[:500]
    )
    return Status(204, None)


# --- reporting obligations ----------------------------------------------------------------


@router.get(
    "/{distributor_id}/obligations",
    response=list[ObligationOut],
    operation_id="obligation_list",
)
@paginate(PageNumberPagination)
def obligation_list(request, distributor_id: int):
    distributor = _distributor(request, Perm.VIEW_DISTRIBUTORS, distributor_id)
    return selectors.reporting_obligations(distributor)


@router.post(
    "/{distributor_id}/obligations",
    response={201: ObligationOut},
    operation_id="obligation_create",
    auth=WRITE,
)
def obligation_create(request, distributor_id: int, payload: ObligationIn):
    distributor = _distributor(request, Perm.CHANGE_DISTRIBUTORS, distributor_id)
    values = payload.dict()
    for name in ("report_type", "frequency"):
        values[name] = values[name].value
    return Status(
        201,
        services.add_reporting_obligation(actor=request.auth, distributor=distributor, **values),
    )


@router.patch(
    "/{distributor_id}/obligations/{obligation_id}",
    response=ObligationOut,
    operation_id="obligation_update",
    auth=WRITE,
)
def obligation_update(request, distributor_id: int, obligation_id: int, payload: ObligationPatch):
    obligation = _child(
        request, Perm.CHANGE_DISTRIBUTORS, ReportingObligation, distributor_id, obligation_id
    )
    values = _without_nones(payload.dict(exclude_unset=True), nullable=("active_to",))
    return services.update_reporting_obligation(actor=request.auth, obligation=obligation, **values)


@router.delete(
    "/{distributor_id}/obligations/{obligation_id}",
    response=DELETED,
    operation_id="obligation_delete",
    auth=WRITE,
)
def obligation_delete(request, distributor_id: int, obligation_id: int, reason: str = ""):
    obligation = _child(
        request, Perm.CHANGE_DISTRIBUTORS, ReportingObligation, distributor_id, obligation_id
    )
    services.remove_reporting_obligation(
        actor=request.auth, obligation=obligation, reason=reason[:500]
    )
    return Status(204, None)
