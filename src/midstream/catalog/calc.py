"""Catalog rules that need no database: GTIN check digits, units, product lifecycle.

GTIN check digit (GS1 General Specifications, section 7.9): weight the digits before the
check digit 3, 1, 3, 1 … starting from the right, sum, and take the amount up to the next
multiple of ten. The rule is the same for GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN) and GTIN-14,
so a UPC-12 is validated and stored as its own 12 digits, not padded.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

GTIN_LENGTHS = frozenset({8, 12, 13, 14})

# Product lifecycle (issue 2, point 4): planned → active → end of sale → end of life.
LIFECYCLE_ORDER: tuple[str, ...] = ("planned", "active", "end_of_sale", "end_of_life")


def gtin_check_digit(body: str) -> int:
    """The check digit for ``body``: a GTIN's digits without its last (check) digit."""
    if not body or not body.isascii() or not body.isdigit():
        raise ValueError("a GTIN body is one or more ASCII digits")
    total = sum(
        int(digit) * (3 if position % 2 == 0 else 1)
        for position, digit in enumerate(reversed(body))
    )
    return (10 - total % 10) % 10


def gtin_problem(code: str) -> str | None:
    """Why ``code`` is not a valid GTIN-8/12/13/14, or ``None`` when it is one."""
    if not code.isascii() or not code.isdigit():
        return "A GTIN is digits only."
    if len(code) not in GTIN_LENGTHS:
        return f"A GTIN has 8, 12, 13 or 14 digits, not {len(code)}."
    expected = gtin_check_digit(code[:-1])
    if int(code[-1]) != expected:
        return f"The check digit of {code} should be {expected}."
    return None


def is_valid_gtin(code: str) -> bool:
    return gtin_problem(code) is None


def normalise_gtin(raw: str) -> str:
    """Drop blanks and hyphens people type into codes (``"400638 133393-1"``); keep length."""
    return "".join(character for character in raw if character not in " -\t")


class UnknownUnitError(ValueError):
    """A quantity is in a unit the product has no conversion for."""

    def __init__(self, unit: str):
        super().__init__(f"no conversion for unit {unit!r}")
        self.unit = unit


def base_quantity(
    quantity: int | Decimal, unit: str, conversions: Mapping[str, int]
) -> int | Decimal:
    """``quantity`` of ``unit`` in the product's base unit.

    ``conversions`` maps each unit to how many base units it holds and includes the base unit
    itself with factor 1 (``{"EA": 1, "BX": 10}``: 3 BX = 30 EA). Raises ``UnknownUnitError``
    for a unit without a conversion.
    """
    if isinstance(quantity, float):
        raise TypeError("quantities are int or Decimal, never float")
    try:
        factor = conversions[unit]
    except KeyError:
        raise UnknownUnitError(unit) from None
    if factor < 1:
        raise ValueError(f"conversion factor for {unit!r} must be at least 1")
    return quantity * factor


def lifecycle_rank(status: str) -> int:
    try:
        return LIFECYCLE_ORDER.index(status)
    except ValueError:
        raise ValueError(f"unknown product status {status!r}") from None


def is_lifecycle_move_allowed(current: str, target: str) -> bool:
    """Staying put or moving forward (skips allowed) is fine; going backwards is not."""
    return lifecycle_rank(target) >= lifecycle_rank(current)
