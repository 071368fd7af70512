"""Agreements API, mounted at ``/api/agreements``.

Each operation authenticates through ``gated(perm)`` (``midstream.api.auth.auth_requiring``):
the project's token and session authentication followed by the permission check, so a
caller whose role lacks the permission gets 403 before ninja validates the body or the
query (it learns nothing of their rules).
The operation then calls ``require`` for its scope, as everywhere else.
"""

from django.db.models import DateField, Q, Value
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from midstream.accounts.permissions import Perm
from midstream.agreements import selectors, services
from midstream.agreements.schemas import (
    AgreementFilter,
    AgreementIn,
    AgreementOut,
    AgreementSummaryOut,
    AmendIn,
    DiffOut,
    DiffQuery,
    EndIn,
    InForceOut,
    InForceQuery,
    VersionOut,
)
from midstream.api.auth import auth_requiring as gated
from midstream.api.helpers import require
from midstream.core.scoping import get_in_scope
from midstream.partners.models import Distributor

router = Router(tags=["agreements"])


VIEW = gated(Perm.VIEW_AGREEMENTS)
CHANGE = gated(Perm.CHANGE_AGREEMENTS)


def _agreement_out(agreement, versions) -> dict:
    today = timezone.localdate()
    in_force = selectors.in_force_among(versions, today)
    return {
        "id": agreement.pk,
        "number": agreement.number,
        "title": agreement.title,
        "distributor_id": agreement.distributor_id,
        "distributor_code": agreement.distributor.code,
        "created_at": agreement.created_at,
        "today": today,
        "version_in_force_today": in_force.version if in_force else None,
        "versions": versions,
    }


@router.get("", response=list[AgreementSummaryOut], operation_id="agreement_list", auth=VIEW)
@paginate(PageNumberPagination)
def agreement_list(request, filters: Query[AgreementFilter]):
    """Agreements you may see, by number; each with its version in force on a date."""
    scope = require(request, Perm.VIEW_AGREEMENTS)
    on = filters.in_force_on or timezone.localdate()
    agreements = selectors.agreements_for(scope, on_date=on).annotate(
        in_force_on=Value(on, output_field=DateField())
    )
    if filters.in_force_on:
        agreements = agreements.filter(in_force=selectors.IN_FORCE)
    if filters.distributor_id:
        agreements = agreements.filter(distributor_id=filters.distributor_id)
    if filters.currency:
        agreements = agreements.filter(current_currency=filters.currency.upper())
    if filters.q:
        agreements = agreements.filter(
            Q(number__icontains=filters.q)
            | Q(title__icontains=filters.q)
            | Q(distributor__code__icontains=filters.q)
        )
    return agreements.order_by("number", "pk")


@router.post("", response={201: AgreementOut}, operation_id="agreement_create", auth=CHANGE)
def agreement_create(request, payload: AgreementIn):
    """A new agreement with version 1 and its discount levels."""
    scope = require(request, Perm.CHANGE_AGREEMENTS)
    distributor = get_in_scope(Distributor, scope, pk=payload.distributor_id)
    data = payload.dict(exclude={"distributor_id", "discounts"})
    agreement = services.create_agreement(
        actor=request.auth,
        distributor=distributor,
        discounts=[(item.family_code, item.discount_percent) for item in payload.discounts],
        **data,
    )
    return Status(201, _agreement_out(agreement, selectors.versions_of(agreement)))


@router.get("/{agreement_id}", response=AgreementOut, operation_id="agreement_get", auth=VIEW)
def agreement_get(request, agreement_id: int):
    """One agreement with every version (newest first) and their discount levels."""
    scope = require(request, Perm.VIEW_AGREEMENTS)
    agreement = selectors.get_agreement(scope, agreement_id)
    return _agreement_out(agreement, selectors.versions_of(agreement))


@router.post(
    "/{agreement_id}/amend",
    response={201: VersionOut},
    operation_id="agreement_amend",
    auth=CHANGE,
)
def agreement_amend(request, agreement_id: int, payload: AmendIn):
    """Version n+1: the latest terms, overridden by what the body gives."""
    scope = require(request, Perm.CHANGE_AGREEMENTS)
    agreement = selectors.get_agreement(scope, agreement_id)
    given = payload.dict(exclude_unset=True)
    changes = {
        name: value
        for name, value in given.items()
        if name not in ("reason", "discounts") and (value is not None or name == "effective_to")
    }
    if payload.discounts is not None:
        changes["discounts"] = [
            (item.family_code, item.discount_percent) for item in payload.discounts
        ]
    version = services.amend_agreement(
        actor=request.auth, agreement=agreement, reason=payload.reason, **changes
    )
    return Status(201, selectors.pick_version(selectors.versions_of(agreement), version.version))


@router.post(
    "/{agreement_id}/end", response={201: VersionOut}, operation_id="agreement_end", auth=CHANGE
)
def agreement_end(request, agreement_id: int, payload: EndIn):
    """Version n+1 that ends the agreement after ``end_date``."""
    scope = require(request, Perm.CHANGE_AGREEMENTS)
    agreement = selectors.get_agreement(scope, agreement_id)
    version = services.end_agreement(
        actor=request.auth, agreement=agreement, end_date=payload.end_date, reason=payload.reason
    )
    return Status(201, selectors.pick_version(selectors.versions_of(agreement), version.version))


@router.get(
    "/{agreement_id}/versions/{version}",
    response=VersionOut,
    operation_id="agreement_version_get",
    auth=VIEW,
)
def agreement_version_get(request, agreement_id: int, version: int):
    scope = require(request, Perm.VIEW_AGREEMENTS)
    agreement = selectors.get_agreement(scope, agreement_id)
    return selectors.pick_version(selectors.versions_of(agreement), version)


@router.get("/{agreement_id}/diff", response=DiffOut, operation_id="agreement_diff", auth=VIEW)
def agreement_diff(request, agreement_id: int, query: Query[DiffQuery]):
    """Terms and discount levels changed from ``?from=`` to ``?to=`` (default: the latest
    version against its predecessor)."""
    scope = require(request, Perm.VIEW_AGREEMENTS)
    agreement = selectors.get_agreement(scope, agreement_id)
    versions = selectors.versions_of(agreement)
    second = selectors.pick_version(versions, query.to_version or versions[0].version)
    first = selectors.pick_version(versions, query.from_version or max(second.version - 1, 1))
    difference = selectors.diff_of(first, second)
    return {
        "agreement_id": agreement.pk,
        "from_version": difference.from_version,
        "to_version": difference.to_version,
        "terms": [
            {"field": change.field, "before": change.before, "after": change.after}
            for change in difference.terms
        ],
        "discounts": [
            {
                "family_code": change.family_code,
                "before": change.before,
                "after": change.after,
                "change": change.kind,
            }
            for change in difference.discounts
        ],
    }


@router.get(
    "/{agreement_id}/in-force",
    response=InForceOut,
    operation_id="agreement_in_force",
    auth=VIEW,
)
def agreement_in_force(request, agreement_id: int, query: Query[InForceQuery]):
    """The version in force on ``?on=YYYY-MM-DD`` (default today); ``version`` null if none."""
    scope = require(request, Perm.VIEW_AGREEMENTS)
    agreement = selectors.get_agreement(scope, agreement_id)
    on = query.on or timezone.localdate()
    return {
        "agreement_id": agreement.pk,
        "on": on,
        "version": selectors.in_force_among(selectors.versions_of(agreement), on),
    }
