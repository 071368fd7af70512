from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from midstream.core.money import AmountError, format_amount, parse_decimal, quantize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12.50", Decimal("12.50")),
        ("-3", Decimal("-3")),
        (" 0.01 ", Decimal("0.01")),
        (7, Decimal(7)),
    ],
)
def test_parse_decimal_accepts_plain_numbers(raw, expected):
    assert parse_decimal(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("NaN", "not_finite"),
        ("Infinity", "not_finite"),
        ("-inf", "not_finite"),
        ("1E+30", "too_large"),
        ("1.234", "too_many_decimals"),
        ("12,5", "not_a_number"),
        ("١٢", "not_a_number"),  # Arabic-Indic digits
        ("", "required"),
        (1.5, "not_a_number"),
        (True, "not_a_number"),
    ],
)
def test_parse_decimal_refuses_malformed_input_with_a_code(raw, code):
    with pytest.raises(AmountError) as caught:
        parse_decimal(raw)
    assert caught.value.code == code


def test_parse_decimal_refuses_negative_when_asked():
    with pytest.raises(AmountError) as caught:
        parse_decimal("-1", allow_negative=False)
    assert caught.value.code == "negative"


def test_quantize_rounds_half_up_to_the_minor_unit():
    assert quantize(Decimal("2.345"), "USD") == Decimal("2.35")
    assert quantize(Decimal("-2.345"), "EUR") == Decimal("-2.35")
    assert quantize(Decimal("1234.5"), "JPY") == Decimal("1235")


def test_format_amount():
    assert format_amount(Decimal("1234567.5"), "USD") == "1,234,567.50 USD"
    assert format_amount(None) == ""


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False))
def test_quantize_is_idempotent_and_within_half_a_cent(amount):
    once = quantize(amount, "USD")
    assert quantize(once, "USD") == once
    assert abs(once - amount) <= Decimal("0.005")


@given(st.decimals(min_value=-(10**15), max_value=10**15, places=2, allow_nan=False))
def test_parse_decimal_round_trips_its_own_text(amount):
    assert parse_decimal(str(amount)) == amount
