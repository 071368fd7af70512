from enum import StrEnum


class ErrorCode(StrEnum):
    """Why an agreement service refused a request (see docs/agreements.md)."""

    REQUIRED = "required"
    TOO_LONG = "too_long"
    INVALID_WINDOW = "invalid_window"
    INVALID_CURRENCY = "invalid_currency"
    INVALID_CHOICE = "invalid_choice"
    INVALID_COMMITMENT = "invalid_commitment"
    INVALID_DISCOUNT = "invalid_discount"
    DUPLICATE_FAMILY = "duplicate_family"
    UNKNOWN_FAMILY = "unknown_family"
    REASON_REQUIRED = "reason_required"
    NO_CHANGE = "no_change"
    NOTHING_IN_FORCE = "nothing_in_force"
    UNKNOWN_VERSION = "unknown_version"
    DUPLICATE_NUMBER = "duplicate_number"
    OVERLAPPING_AGREEMENT = "overlapping_agreement"
    VERSION_CONFLICT = "version_conflict"
    SEVERAL_IN_FORCE = "several_in_force"
