"""Distributor rules that need no database: the lifecycle and territory exclusivity.

Pure functions over plain values (status strings, ``TerritoryClaim`` tuples); the services
load the rows, ask these functions, and turn a refusal into a ``DomainError``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

PROSPECT = "prospect"
ONBOARDING = "onboarding"
ACTIVE = "active"
SUSPENDED = "suspended"
TERMINATED = "terminated"

STATUSES: tuple[str, ...] = (PROSPECT, ONBOARDING, ACTIVE, SUSPENDED, TERMINATED)

# Issue 2, point 2: the distributor lifecycle. Terminated is final: it has no way out.
TRANSITIONS: dict[str, frozenset[str]] = {
    PROSPECT: frozenset({ONBOARDING, TERMINATED}),
    ONBOARDING: frozenset({ACTIVE, TERMINATED}),
    ACTIVE: frozenset({SUSPENDED, TERMINATED}),
    SUSPENDED: frozenset({ACTIVE, TERMINATED}),
    TERMINATED: frozenset(),
}


def allowed_transitions(status: str) -> frozenset[str]:
    """The statuses a distributor in ``status`` may move to (empty for unknown statuses)."""
    return TRANSITIONS.get(status, frozenset())


def check_transition(from_status: str, to_status: str) -> str | None:
    """``None`` when ``from_status`` → ``to_status`` is allowed, else why not (a sentence)."""
    if from_status not in TRANSITIONS:
        return f"{from_status!r} is not a distributor status."
    if to_status not in TRANSITIONS:
        return f"{to_status!r} is not a distributor status."
    if from_status == to_status:
        return f"The distributor is already {from_status}."
    if from_status == TERMINATED:
        return "A terminated distributor cannot change status: termination is final."
    if to_status not in TRANSITIONS[from_status]:
        allowed = ", ".join(sorted(TRANSITIONS[from_status]))
        return f"A distributor cannot go from {from_status} to {to_status}; allowed: {allowed}."
    return None


@dataclass(frozen=True, slots=True)
class TerritoryClaim:
    """A distributor's claim on a whole region (``country`` empty) or on one country."""

    distributor_id: int
    region: str
    country: str
    exclusive: bool

    @property
    def label(self) -> str:
        return self.country or f"all of {self.region}"


def territories_overlap(first: TerritoryClaim, second: TerritoryClaim) -> bool:
    """Two claims overlap when they name the same country, or one covers the other's region."""
    if first.country and second.country:
        return first.country == second.country
    return first.region == second.region


def territory_conflict(
    claim: TerritoryClaim, others: Iterable[TerritoryClaim]
) -> TerritoryClaim | None:
    """The first other distributor's exclusive claim that ``claim`` would trespass on.

    Refused (issue 2, point 2): an exclusive territory overlapping another distributor's
    exclusive territory, and a non-exclusive one where another distributor holds it
    exclusively. Claims of the same distributor never conflict with each other.
    """
    for other in others:
        if other.distributor_id == claim.distributor_id:
            continue
        if other.exclusive and territories_overlap(claim, other):
            return other
    return None


def periods_overlap(
    first_from: dt.date,
    first_to: dt.date | None,
    second_from: dt.date,
    second_to: dt.date | None,
) -> bool:
    """Whether two inclusive date ranges share a day; ``None`` as an end means open-ended."""
    first_ends_before = first_to is not None and first_to < second_from
    second_ends_before = second_to is not None and second_to < first_from
    return not (first_ends_before or second_ends_before)


def onboarding_progress(done: int, total: int) -> int:
    """Whole percent of onboarding items done, rounded down (0 when there are none)."""
    if total <= 0:
        return 0
    done = max(0, min(done, total))
    return done * 100 // total
