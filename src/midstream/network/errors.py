from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID_PARTNER_ID = "invalid_partner_id"
    DUPLICATE_PARTNER_ID = "duplicate_partner_id"
    DUPLICATE_TAX_ID = "duplicate_tax_id"
    INVALID_COUNTRY = "invalid_country"
    REQUIRED = "required"
    INVALID_CHOICE = "invalid_choice"
    STAGE_NOT_FORWARD = "stage_not_forward"
    DUPLICATE_ALIAS = "duplicate_alias"
    ALIAS_IS_NAME = "alias_is_name"
    DUPLICATE_SUPPLY = "duplicate_supply"
    SUPPLY_ENDED = "supply_ended"
    SUPPLY_END_BEFORE_START = "supply_end_before_start"
    INACTIVE_DISTRIBUTOR = "inactive_distributor"
