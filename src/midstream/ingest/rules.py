"""Validation rules of the intake pipeline after mapping: semantics and pragmatics.

Syntax rules (types, required fields, dates, numbers) are ``mapping.MappingCode``; reader rules
(encodings, envelopes, segments) are the readers' codes. These are the rules that need the
vendor's data: the catalog, the reseller master, agreements, earlier submissions, sell-in.
Every rule has a stable code and a severity: an error rejects the line (or, under the
"reject the whole file" policy, the file), a warning keeps it. ``docs/intake.md`` lists them;
a test checks the table there against this one.
"""

from enum import StrEnum

from midstream.ingest.records import Severity


class IntakeCode(StrEnum):
    # file level
    UNREADABLE_FILE = "unreadable_file"
    NO_LINES = "no_lines"
    FILE_REJECTED = "file_rejected"
    WRONG_KIND = "wrong_kind"
    # semantics
    UNKNOWN_PRODUCT = "unknown_product"
    UNKNOWN_UNIT_CONVERSION = "unknown_unit_conversion"
    UNKNOWN_RESELLER = "unknown_reseller"
    AMBIGUOUS_RESELLER = "ambiguous_reseller"
    RESELLER_REVIEW = "reseller_review"
    RESELLER_MISSING = "reseller_missing"
    CURRENCY_MISSING = "currency_missing"
    CURRENCY_WITHOUT_RATE = "currency_without_rate"
    OUTSIDE_PERIOD = "outside_period"
    DUPLICATE_LINE = "duplicate_line"
    POSSIBLE_DUPLICATE = "possible_duplicate"
    ALREADY_COUNTED = "already_counted"
    VALUE_TOO_LONG = "value_too_long"
    # pragmatics
    PRODUCT_NEVER_BOUGHT = "product_never_bought"
    ZERO_PRICE = "zero_price"
    IMPLAUSIBLE_PRICE = "implausible_price"


E, W = Severity.ERROR, Severity.WARNING

# Code → (severity, what it means). The docs table lists the same rows.
RULES: dict[IntakeCode, tuple[Severity, str]] = {
    IntakeCode.UNREADABLE_FILE: (E, "the file cannot be read at all (see the reader's message)"),
    IntakeCode.NO_LINES: (E, "the file holds no line of the submitted report kind"),
    IntakeCode.FILE_REJECTED: (
        E,
        "the error policy is 'reject the whole file' and some line has an error",
    ),
    IntakeCode.WRONG_KIND: (
        W,
        "lines of the other report kind (an 852 with both sales and stock) were left out",
    ),
    IntakeCode.UNKNOWN_PRODUCT: (
        E,
        "no catalog product has the SKU, GTIN or distributor part number given",
    ),
    IntakeCode.UNKNOWN_UNIT_CONVERSION: (
        E,
        "the product has no conversion from the reported unit to its base unit",
    ),
    IntakeCode.UNKNOWN_RESELLER: (
        W,
        "no reseller matches the name, ids or account number (kept without a reseller; "
        "one row per spelling)",
    ),
    IntakeCode.AMBIGUOUS_RESELLER: (
        W,
        "several resellers match equally (kept without a reseller; one row per spelling)",
    ),
    IntakeCode.RESELLER_REVIEW: (
        W,
        "the reseller spelling waits in the review queue (one row per spelling, with its line "
        "count): the submission waits, awaiting review, and commits once it is decided",
    ),
    IntakeCode.RESELLER_MISSING: (W, "the line names no reseller at all (one row per file)"),
    IntakeCode.CURRENCY_MISSING: (
        W,
        "no currency on the line and no agreement currency to assume",
    ),
    IntakeCode.CURRENCY_WITHOUT_RATE: (
        E,
        "the currency differs from the agreement's and there is no exchange rate for the "
        "invoice date",
    ),
    IntakeCode.OUTSIDE_PERIOD: (W, "the line's date is outside the report period"),
    IntakeCode.DUPLICATE_LINE: (
        E,
        "the same invoice number and line number appear earlier in the file",
    ),
    IntakeCode.POSSIBLE_DUPLICATE: (
        W,
        "an identical line (invoice, product, date, quantity, price) appears earlier in the "
        "file and neither has a line number",
    ),
    IntakeCode.ALREADY_COUNTED: (
        E,
        "the line was already counted in an accepted submission for another period",
    ),
    IntakeCode.VALUE_TOO_LONG: (E, "a text is longer than its column allows"),
    IntakeCode.PRODUCT_NEVER_BOUGHT: (
        W,
        "the distributor never bought this product from the vendor (no sell-in line)",
    ),
    IntakeCode.ZERO_PRICE: (W, "a resale unit price of zero"),
    IntakeCode.IMPLAUSIBLE_PRICE: (
        W,
        "a resale unit price under a tenth or over ten times the list price (same currency)",
    ),
}


def severity_of(code: IntakeCode) -> Severity:
    return RULES[code][0]
