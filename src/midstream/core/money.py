"""Money: one way to make a Decimal, one rounding rule, the currencies we know.

Amounts are ``Decimal`` with a currency, never ``float``. Parsing refuses NaN, Infinity,
exponents that blow past the column size and more decimals than the field allows, so a
malformed number is a clear 4xx rather than a 500 or a silently rounded value.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 code -> minor units. The list covers the currencies a vendor's channel meets most;
# add more here, nowhere else.
CURRENCY_MINOR_UNITS: dict[str, int] = {
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "CHF": 2,
    "CAD": 2,
    "AUD": 2,
    "NZD": 2,
    "SEK": 2,
    "NOK": 2,
    "DKK": 2,
    "PLN": 2,
    "CZK": 2,
    "HUF": 2,
    "JPY": 0,
    "KRW": 0,
    "CNY": 2,
    "HKD": 2,
    "SGD": 2,
    "INR": 2,
    "BRL": 2,
    "MXN": 2,
    "ZAR": 2,
    "AED": 2,
}
CURRENCY_CHOICES = [(code, code) for code in sorted(CURRENCY_MINOR_UNITS)]

# Column sizes used by every amount and price field (see core.fields).
AMOUNT_MAX_DIGITS = 18
AMOUNT_DECIMAL_PLACES = 2
PRICE_MAX_DIGITS = 18
PRICE_DECIMAL_PLACES = 4


class AmountError(ValueError):
    """A value is not an acceptable amount; the message says why, in a user's words."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def is_currency(code: str) -> bool:
    return code in CURRENCY_MINOR_UNITS


def parse_decimal(
    raw: object,
    *,
    max_digits: int = AMOUNT_MAX_DIGITS,
    decimal_places: int = AMOUNT_DECIMAL_PLACES,
    allow_negative: bool = True,
) -> Decimal:
    """Parse user input into a Decimal or raise ``AmountError`` with a code and message.

    Accepts ``Decimal``, ``int`` and strings of ASCII digits with an optional sign and a dot.
    Floats are refused: they cannot carry an exact amount.
    """
    if isinstance(raw, bool | float):
        raise AmountError("not_a_number", "must be written as a decimal number, not a float")
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        if not text:
            raise AmountError("required", "is required")
        if not text.isascii():
            raise AmountError("not_a_number", f"{raw!r} is not a number (use ASCII digits)")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise AmountError("not_a_number", f"{raw!r} is not a number") from None
    else:
        raise AmountError("not_a_number", f"{raw!r} is not a number")
    if not value.is_finite():
        raise AmountError("not_finite", f"{raw!r} is not a finite number")
    _sign, digits, exponent = value.as_tuple()
    places = -exponent if exponent < 0 else 0
    if places > decimal_places:
        raise AmountError(
            "too_many_decimals", f"{raw!r} has more than {decimal_places} decimal places"
        )
    integer_digits = len(digits) + exponent
    if value != 0 and integer_digits > max_digits - decimal_places:
        raise AmountError(
            "too_large", f"{raw!r} is too large (at most {max_digits - decimal_places} digits)"
        )
    if not allow_negative and value < 0:
        raise AmountError("negative", f"{raw!r} must not be negative")
    return value


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit: the one rounding rule, used when posting."""
    places = CURRENCY_MINOR_UNITS.get(currency, 2)
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_amount(amount: Decimal | None, currency: str | None = None) -> str:
    if amount is None:
        return ""
    text = f"{amount:,.{CURRENCY_MINOR_UNITS.get(currency or '', 2)}f}"
    return f"{text} {currency}" if currency else text
