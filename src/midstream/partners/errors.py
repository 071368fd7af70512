"""Error codes of the partners app; the API answers them as JSON, pages as form errors."""

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID_VALUE = "invalid_value"
    DUPLICATE_CODE = "duplicate_code"
    REASON_REQUIRED = "reason_required"
    ILLEGAL_TRANSITION = "illegal_transition"
    TERRITORY_CONFLICT = "territory_conflict"
    DUPLICATE_TERRITORY = "duplicate_territory"
    INVALID_OWNER = "invalid_owner"
    ALREADY_DONE = "already_done"
    NOT_DONE = "not_done"
    INVALID_PERIOD = "invalid_period"
    OBLIGATION_OVERLAP = "obligation_overlap"
