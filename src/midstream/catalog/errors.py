from enum import StrEnum


class ErrorCode(StrEnum):
    REQUIRED = "required"
    INVALID_SKU = "invalid_sku"
    DUPLICATE_SKU = "duplicate_sku"
    INVALID_GTIN = "invalid_gtin"
    DUPLICATE_GTIN = "duplicate_gtin"
    INVALID_PRICE = "invalid_price"
    PRICE_UNCHANGED = "price_unchanged"
    REASON_REQUIRED = "reason_required"
    INVALID_CHOICE = "invalid_choice"
    STATUS_BACKWARDS = "status_backwards"
    UNIT_IN_USE = "unit_in_use"
    INVALID_CONVERSION = "invalid_conversion"
    UNKNOWN_UNIT = "unknown_unit"
    DUPLICATE_PART_NUMBER = "duplicate_part_number"
    INVALID_FAMILY_CODE = "invalid_family_code"
    DUPLICATE_FAMILY_CODE = "duplicate_family_code"
