"""Volume purchase agreement rules: pure, no Django, no clock (issue 2, point 5).

An agreement's terms live in numbered versions; an amendment adds version n+1 and never edits
an earlier one. Each version has an effective window ``[effective_from, effective_to]`` (both
inclusive, ``effective_to`` ``None`` = open-ended).

The version in force on a date is the highest-numbered version whose window covers the date.
One exception makes ending an agreement possible without editing history: a version that
*ends the agreement* (``ends_agreement``) closes every lower-numbered version after its own
``effective_to``. Without such a version the rule is exactly "highest-numbered covering
version".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# The terms compared between versions, in the order a person reads them.
TERM_FIELDS: tuple[str, ...] = (
    "effective_from",
    "effective_to",
    "currency",
    "payment_terms",
    "commitment_period",
    "commitment_unit",
    "commitment_value",
    "ends_agreement",
)

ATTAINMENT_PLACES = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class DiscountTerm:
    """The discount level (percent off the distributor price) for one product family."""

    family_code: str
    discount_percent: Decimal


@dataclass(frozen=True, slots=True)
class VersionTerms:
    """One version of an agreement: its window and its terms."""

    version: int
    effective_from: dt.date
    effective_to: dt.date | None
    currency: str
    payment_terms: str
    commitment_period: str
    commitment_unit: str
    commitment_value: Decimal
    discounts: tuple[DiscountTerm, ...] = ()
    ends_agreement: bool = False

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` lies inside this version's window (both ends inclusive)."""
        if day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to

    def closes_before(self, day: dt.date) -> bool:
        """Whether this version ends the agreement on a date before ``day``."""
        return self.ends_agreement and self.effective_to is not None and self.effective_to < day

    def discount_map(self) -> dict[str, Decimal]:
        return {term.family_code: term.discount_percent for term in self.discounts}


def version_in_force(versions: Iterable[VersionTerms], on_date: dt.date) -> VersionTerms | None:
    """The version whose terms apply on ``on_date``, or ``None`` when no version does.

    Highest-numbered covering version first; walking down, a version that ended the agreement
    before ``on_date`` hides every lower-numbered version.
    """
    for version in sorted(versions, key=lambda item: item.version, reverse=True):
        if version.covers(on_date):
            return version
        if version.closes_before(on_date):
            return None
    return None


@dataclass(frozen=True, slots=True)
class TermChange:
    field: str
    before: object
    after: object


@dataclass(frozen=True, slots=True)
class DiscountChange:
    """A discount level that was added (``before`` None), removed (``after`` None) or changed."""

    family_code: str
    before: Decimal | None
    after: Decimal | None

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed"


@dataclass(frozen=True, slots=True)
class VersionDiff:
    """What changed from version ``from_version`` to version ``to_version``."""

    from_version: int
    to_version: int
    terms: tuple[TermChange, ...]
    discounts: tuple[DiscountChange, ...]

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.discounts

    @property
    def changed_fields(self) -> frozenset[str]:
        return frozenset(change.field for change in self.terms)

    @property
    def changed_families(self) -> dict[str, str]:
        return {change.family_code: change.kind for change in self.discounts}


def diff_versions(a: VersionTerms, b: VersionTerms) -> VersionDiff:
    """Term changes and discount-level changes from ``a`` to ``b`` (by family code)."""
    terms = tuple(
        TermChange(name, getattr(a, name), getattr(b, name))
        for name in TERM_FIELDS
        if getattr(a, name) != getattr(b, name)
    )
    before, after = a.discount_map(), b.discount_map()
    discounts = tuple(
        DiscountChange(code, before.get(code), after.get(code))
        for code in sorted(before.keys() | after.keys())
        if before.get(code) != after.get(code)
    )
    return VersionDiff(a.version, b.version, terms, discounts)


def discount_for_family(version: VersionTerms | None, family_code: str) -> Decimal | None:
    """The discount percent the version grants on ``family_code``; ``None`` if it sets none."""
    if version is None:
        return None
    return version.discount_map().get(family_code)


def commitment_attainment(commitment_value: Decimal, actual: Decimal) -> Decimal | None:
    """Share of the minimum volume commitment reached: ``actual / commitment``.

    ``Decimal("1.0000")`` means the commitment is met exactly; the share is rounded half-up to
    four places (basis points of a percent). ``None`` when the commitment is zero: there is
    nothing to attain. Negative actuals (credits exceeding purchases) give a negative share.
    """
    if commitment_value < 0:
        raise ValueError("a commitment cannot be negative")
    if commitment_value == 0:
        return None
    return (actual / commitment_value).quantize(ATTAINMENT_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class DateRange:
    start: dt.date
    end: dt.date | None  # inclusive; None = open-ended


def _segment_starts(versions: Sequence[VersionTerms]) -> list[dt.date]:
    """Dates at which the version in force can change; constant between consecutive ones."""
    points: set[dt.date] = set()
    for version in versions:
        points.add(version.effective_from)
        if version.effective_to is not None and version.effective_to < dt.date.max:
            points.add(version.effective_to + dt.timedelta(days=1))
    return sorted(points)


def coverage(versions: Sequence[VersionTerms]) -> tuple[DateRange, ...]:
    """The date ranges on which some version of the agreement is in force, merged."""
    starts = _segment_starts(versions)
    ranges: list[DateRange] = []
    for index, start in enumerate(starts):
        if version_in_force(versions, start) is None:
            continue
        end = starts[index + 1] - dt.timedelta(days=1) if index + 1 < len(starts) else None
        if ranges and ranges[-1].end is not None and ranges[-1].end + dt.timedelta(days=1) == start:
            ranges[-1] = DateRange(ranges[-1].start, end)
        else:
            ranges.append(DateRange(start, end))
    return tuple(ranges)


def first_overlap(
    versions_a: Sequence[VersionTerms], versions_b: Sequence[VersionTerms]
) -> dt.date | None:
    """The first date on which both agreements have a version in force, or ``None``."""
    for start in _segment_starts([*versions_a, *versions_b]):
        in_force_a = version_in_force(versions_a, start)
        if in_force_a is not None and version_in_force(versions_b, start) is not None:
            return start
    return None
