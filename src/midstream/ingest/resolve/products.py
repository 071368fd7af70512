"""Which catalog product a reported line means (issue 3): by vendor SKU, GTIN or the
distributor's own part number, with the unit conversion that turns its quantity into base
units.

A ``ProductResolver`` is built once per upload for one distributor. Building it runs a fixed
number of queries whatever the catalog size (products, unit conversions, that distributor's
part numbers); resolving runs none: every lookup is a dictionary access on a normalised key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from midstream.catalog.calc import UnknownUnitError, base_quantity
from midstream.catalog.models import Product
from midstream.catalog.selectors import conversion_tables, part_numbers_for
from midstream.core.scoping import Scope
from midstream.ingest.resolve.normalise import gtin14, identifier_key, unit_key

PRODUCT_KINDS = ("sku", "gtin", "part_number")

Candidate = tuple[str, str]
"""``(kind, value)``: ``kind`` is ``"sku"``, ``"gtin"`` (UPC, EAN, GTIN) or ``"part_number"``."""


@dataclass(frozen=True)
class ProductMatch:
    """A resolved product and how it was found.

    ``value`` is the reported value that matched; ``part_number_unit`` the unit of the
    distributor's part number when the match came through one.
    """

    product_id: int
    method: str
    value: str
    part_number_unit: str | None = None
    conversions: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def factor_for(self, unit: str | None) -> int | None:
        """Base units in one ``unit`` of this product, or ``None`` for a unit it has no
        conversion for (the caller reports it).

        No unit reported (``None`` or blank): the part number's unit when the match came
        through a part number, the product's base unit (factor 1) otherwise. A reported unit
        is read through ``normalise.unit_key`` (``"CA"`` is a case, ``"PCE"`` an each).
        """
        if unit is None or not unit.strip():
            if self.part_number_unit is None:
                return 1
            code = self.part_number_unit
        else:
            code = unit_key(unit)
        try:
            return base_quantity(1, code, self.conversions)
        except UnknownUnitError:
            return None

    def base_quantity(self, quantity: int | Decimal, unit: str | None) -> int | Decimal | None:
        """``quantity`` of ``unit`` in base units, ``None`` for an unknown unit."""
        factor = self.factor_for(unit)
        return None if factor is None else quantity * factor


class ProductResolver:
    """Product lookups for one distributor's upload, loaded up front in four queries."""

    def __init__(self, *, distributor_id: int):
        self.distributor_id = distributor_id
        self._by_sku: dict[str, int | None] = {}
        self._by_gtin: dict[str, int] = {}
        self._by_part_number: dict[str, tuple[int, str] | None] = {}
        product_ids = []
        for product_id, sku, gtin in Product.objects.values_list("pk", "sku", "gtin"):
            product_ids.append(product_id)
            _add_unique(self._by_sku, identifier_key(sku), product_id)
            code = gtin14(gtin) if gtin else None
            if code is not None:
                self._by_gtin[code] = product_id
        tables = conversion_tables(product_ids)
        self._tables = {pk: MappingProxyType(table) for pk, table in tables.items()}
        part_numbers = part_numbers_for(Scope.distributor(distributor_id)).values_list(
            "part_number", "product_id", "unit"
        )
        for part_number, product_id, unit in part_numbers:
            _add_unique(self._by_part_number, identifier_key(part_number), (product_id, unit))

    def resolve(self, candidates: Sequence[Candidate]) -> ProductMatch | None:
        """The first candidate, in the given order, that names exactly one product."""
        for kind, value in candidates:
            if kind not in PRODUCT_KINDS:
                raise ValueError(f"unknown product identifier kind {kind!r}")
            if not value or not value.strip():
                continue
            match = self._lookup(kind, value)
            if match is not None:
                return match
        return None

    def resolve_many(
        self, candidate_lists: Iterable[Sequence[Candidate]]
    ) -> dict[tuple[Candidate, ...], ProductMatch | None]:
        """``resolve`` over the distinct candidate lists, keyed by the list as a tuple."""
        distinct = {tuple(tuple(pair) for pair in candidates) for candidates in candidate_lists}
        return {candidates: self.resolve(candidates) for candidates in distinct}

    def _lookup(self, kind: str, value: str) -> ProductMatch | None:
        if kind == "gtin":
            code = gtin14(value)
            product_id = self._by_gtin.get(code) if code is not None else None
            return self._match(product_id, kind, value)
        if kind == "sku":
            return self._match(self._by_sku.get(identifier_key(value)), kind, value)
        found = self._by_part_number.get(identifier_key(value))
        if found is None:
            return None
        product_id, unit = found
        return self._match(product_id, kind, value, part_number_unit=unit)

    def _match(
        self, product_id: int | None, method: str, value: str, part_number_unit: str | None = None
    ) -> ProductMatch | None:
        if product_id is None:
            return None
        return ProductMatch(
            product_id=product_id,
            method=method,
            value=value,
            part_number_unit=part_number_unit,
            conversions=self._tables.get(product_id, MappingProxyType({})),
        )


def _add_unique(index: dict, key: str, value) -> None:
    """Index ``value`` under ``key``; a key two rows share maps to ``None`` (no guessing)."""
    if not key:
        return
    if key in index and index[key] != value:
        index[key] = None
    else:
        index[key] = value
