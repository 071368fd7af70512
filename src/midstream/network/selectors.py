"""Reseller reads, always through a scope.

A distributor sees the resellers it supplies or recruited (``Reseller.scope_q``) and, on one
of them, only its own supply row and its own or vendor-wide aliases: another distributor's
account number, name or supply row never leaves these functions for a distributor scope.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from midstream.core.scoping import Scope, get_in_scope
from midstream.network.models import Reseller, ResellerAlias, ResellerSupply
from midstream.partners.models import Distributor


def resellers_for(scope: Scope) -> QuerySet[Reseller]:
    """Resellers ``scope`` may see, with what the list columns need (a fixed query count).

    Vendor scope: ``supplier_count`` (active supplies) and ``recruited_by``. Distributor scope:
    ``own_account_number`` / ``own_since`` / ``own_until`` from its own supply row only.
    """
    resellers = Reseller.objects.for_scope(scope)
    if scope.vendor_wide:
        active_supplies = (
            ResellerSupply.objects.unscoped()
            .filter(reseller_id=OuterRef("pk"), until__isnull=True)
            .order_by()
            .values("reseller_id")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return resellers.select_related("recruited_by").annotate(
            supplier_count=Coalesce(Subquery(active_supplies, output_field=IntegerField()), 0)
        )
    own_supply = ResellerSupply.objects.for_distributor(scope.distributor_id).filter(
        reseller_id=OuterRef("pk")
    )
    return resellers.annotate(
        own_account_number=Subquery(own_supply.values("account_number")[:1]),
        own_since=Subquery(own_supply.values("since")[:1]),
        own_until=Subquery(own_supply.values("until")[:1]),
    )


def get_reseller(scope: Scope, pk) -> Reseller:
    """One reseller in scope; 404 for a missing and a not-yours reseller alike."""
    return get_in_scope(Reseller.objects.unscoped().select_related("recruited_by"), scope, pk=pk)


def supplies_of(reseller: Reseller, scope: Scope) -> QuerySet[ResellerSupply]:
    """The supply rows ``scope`` may see: all for vendor staff, only its own for a distributor."""
    return (
        ResellerSupply.objects.for_scope(scope)
        .filter(reseller=reseller)
        .select_related("distributor")
        .order_by("since", "distributor__code", "pk")
    )


def aliases_of(reseller: Reseller, scope: Scope) -> QuerySet[ResellerAlias]:
    """Aliases ``scope`` may see: vendor-wide ones and, for a distributor, its own."""
    return (
        ResellerAlias.objects.for_scope(scope)
        .filter(reseller=reseller)
        .select_related("distributor")
        .order_by("alias", "pk")
    )


def get_supply(scope: Scope, pk) -> ResellerSupply:
    return get_in_scope(
        ResellerSupply.objects.unscoped().select_related("reseller", "distributor"), scope, pk=pk
    )


def get_alias(scope: Scope, pk) -> ResellerAlias:
    return get_in_scope(
        ResellerAlias.objects.unscoped().select_related("reseller", "distributor"), scope, pk=pk
    )


def recruited_by_visible(reseller: Reseller, scope: Scope) -> bool:
    """A distributor sees the recruiting distributor only when it is itself."""
    if reseller.recruited_by_id is None:
        return False
    return scope.vendor_wide or reseller.recruited_by_id == scope.distributor_id


def distributor_choices() -> list[tuple[str, str]]:
    """(id, code) of every distributor, for vendor staff's filters and forms."""
    return [
        (str(pk), code)
        for pk, code in Distributor.objects.unscoped().order_by("code").values_list("pk", "code")
    ]


@dataclass(frozen=True)
class ResellerView:
    """Everything a reseller page or API answer shows, already cut to the caller's scope."""

    reseller: Reseller
    supplies: list[ResellerSupply]
    aliases: list[ResellerAlias]
    show_recruited_by: bool


def reseller_view(scope: Scope, pk) -> ResellerView:
    reseller = get_reseller(scope, pk)
    return ResellerView(
        reseller=reseller,
        supplies=list(supplies_of(reseller, scope)),
        aliases=list(aliases_of(reseller, scope)),
        show_recruited_by=recruited_by_visible(reseller, scope),
    )
