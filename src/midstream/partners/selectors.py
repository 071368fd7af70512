"""Reads of the partners app: scoped querysets and plain bundles for pages, API and portal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from midstream.core.scoping import Scope, get_in_scope
from midstream.partners import calc
from midstream.partners.models import (
    Contact,
    Distributor,
    DistributorStatusChange,
    OnboardingItem,
    ReportingObligation,
    Territory,
)


def distributors(scope: Scope) -> QuerySet[Distributor]:
    """The distributors ``scope`` may see (a distributor user: only its own)."""
    return Distributor.objects.for_scope(scope)


def get_distributor(scope: Scope, pk) -> Distributor:
    """One distributor in scope; 404 for missing and foreign alike."""
    return get_in_scope(Distributor, scope, pk=pk)


def territories(distributor: Distributor) -> QuerySet[Territory]:
    return Territory.objects.for_distributor(distributor.pk).order_by("region", "country", "pk")


def contacts(distributor: Distributor) -> QuerySet[Contact]:
    return Contact.objects.for_distributor(distributor.pk).order_by("-is_primary", "name", "pk")


def onboarding_items(distributor: Distributor) -> QuerySet[OnboardingItem]:
    return (
        OnboardingItem.objects.for_distributor(distributor.pk)
        .select_related("owner")
        .order_by("position", "pk")
    )


def reporting_obligations(distributor: Distributor) -> QuerySet[ReportingObligation]:
    return ReportingObligation.objects.for_distributor(distributor.pk).order_by(
        "report_type", "-active_from", "pk"
    )


def current_obligations(distributor: Distributor, on: dt.date) -> QuerySet[ReportingObligation]:
    """Obligations in force on ``on``, or starting after it (what the distributor owes next)."""
    return reporting_obligations(distributor).filter(
        Q(active_to__isnull=True) | Q(active_to__gte=on)
    )


def status_changes(distributor: Distributor) -> QuerySet[DistributorStatusChange]:
    return (
        DistributorStatusChange.objects.for_distributor(distributor.pk)
        .select_related("actor")
        .order_by("-at", "-pk")
    )


def get_child(model, scope: Scope, distributor_pk, pk):
    """A child row (territory, contact…) of a distributor in scope; 404 otherwise."""
    queryset = model.objects.unscoped().select_related("distributor")
    return get_in_scope(queryset, scope, pk=pk, distributor_id=distributor_pk)


def get_child_by_pk(model, scope: Scope, pk):
    """A child row in scope by its own id (pages address children by id alone)."""
    return get_in_scope(model.objects.unscoped().select_related("distributor"), scope, pk=pk)


@dataclass(frozen=True)
class OnboardingSummary:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return calc.onboarding_progress(self.done, self.total)


def onboarding_summary(items: list[OnboardingItem]) -> OnboardingSummary:
    return OnboardingSummary(
        done=sum(1 for item in items if item.done_date is not None), total=len(items)
    )
