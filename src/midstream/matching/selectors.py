"""Reads for reseller matching: the thresholds and the master as the engine needs it."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from django.db import DatabaseError

from midstream.ingest.resolve.resellers import ResellerRecord, ResellerReference
from midstream.matching.engine import Thresholds
from midstream.matching.models import MatchingSettings
from midstream.network.models import Reseller, ResellerAlias, ResellerSupply


def get_matching_settings() -> MatchingSettings:
    """The settings row, created with the defaults on first use."""
    matching_settings, _created = MatchingSettings.objects.get_or_create(pk=1)
    return matching_settings


def current_thresholds() -> Thresholds:
    """The thresholds in force, without writing anything (defaults when never saved)."""
    saved = MatchingSettings.objects.filter(pk=1).first()
    return saved.thresholds if saved else Thresholds()


def thresholds_or_defaults() -> tuple[Thresholds, bool]:
    """``current_thresholds()``, or the defaults when there is no usable database.

    The ``match-resellers`` command may run against a CSV master on a machine whose
    database was never created; the second value says whether the database answered.
    """
    try:
        return current_thresholds(), True
    except DatabaseError:
        return Thresholds(), False


@dataclass(frozen=True)
class MasterData:
    """A reseller master as the engine reads it, plus how to show its ids.

    ``labels`` maps the engine's integer ids to the ids people know: the partner id for
    the database's master, the ``id`` column for a CSV master. ``names`` are the names to
    show. ``account_numbers`` are ``(account number, reseller id)`` pairs.
    """

    reference: ResellerReference
    labels: dict[int, str]
    account_numbers: tuple[tuple[str, int], ...] = ()

    def label(self, reseller_id: int | None) -> str:
        return "" if reseller_id is None else self.labels[reseller_id]

    def name(self, reseller_id: int | None) -> str:
        return "" if reseller_id is None else self.reference.resellers[reseller_id].name


def master_from_database(*, distributor_id: int | None = None) -> MasterData:
    """The vendor-wide reseller master (three queries).

    Aliases: the vendor-wide ones, plus ``distributor_id``'s own when given; account
    numbers: only ``distributor_id``'s (another distributor's numbers mean nothing here).
    """
    records = {}
    labels = {}
    rows = Reseller.objects.unscoped().values_list(
        "pk", "partner_id", "name", "country", "postal_code", "city", "address_line", "tax_id"
    )
    for row in rows:
        record = ResellerRecord(*row)
        records[record.reseller_id] = record
        labels[record.reseller_id] = record.partner_id
    if distributor_id is None:
        aliases = ResellerAlias.objects.unscoped().filter(distributor__isnull=True)
        account_numbers: tuple[tuple[str, int], ...] = ()
    else:
        aliases = ResellerAlias.objects.for_distributor(distributor_id)
        account_numbers = tuple(
            ResellerSupply.objects.for_distributor(distributor_id)
            .exclude(account_number="")
            .order_by("pk")
            .values_list("account_number", "reseller_id")
        )
    reference = ResellerReference(
        distributor_id=distributor_id or 0,
        resellers=MappingProxyType(records),
        aliases=tuple(aliases.order_by("pk").values_list("alias", "reseller_id")),
    )
    return MasterData(reference=reference, labels=labels, account_numbers=account_numbers)
