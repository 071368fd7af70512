"""Reseller rules that need no database: onboarding order, partner id and name spelling."""

from __future__ import annotations

import re

# The recruitment funnel, in order (issue 2, point 3). A reseller only moves forward.
ONBOARDING_ORDER: tuple[str, ...] = (
    "identified",
    "contacted",
    "applied",
    "approved",
    "trained",
    "transacting",
)

PARTNER_ID_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,19}$")


def stage_rank(stage: str) -> int:
    """Position of ``stage`` in the funnel (0 = identified); ValueError for an unknown stage."""
    try:
        return ONBOARDING_ORDER.index(stage)
    except ValueError:
        raise ValueError(f"unknown onboarding stage {stage!r}") from None


def is_forward_stage(current: str, target: str) -> bool:
    """True when ``target`` lies strictly later in the funnel than ``current`` (skips allowed)."""
    return stage_rank(target) > stage_rank(current)


def normalise_partner_id(raw: str) -> str:
    """Upper-case, no surrounding blanks: ``" r0001234 "`` and ``"R0001234"`` are one id."""
    return raw.strip().upper()


def is_valid_partner_id(partner_id: str) -> bool:
    return bool(PARTNER_ID_PATTERN.match(partner_id))


def normalise_name(raw: str) -> str:
    """Collapse runs of blanks and trim, so aliases compare the way people read them."""
    return " ".join(raw.split())
