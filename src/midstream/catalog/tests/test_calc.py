from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from midstream.catalog import calc
from midstream.catalog.choices import ProductStatus

lengths = st.sampled_from(sorted(calc.GTIN_LENGTHS))


@st.composite
def valid_gtins(draw):
    length = draw(lengths)
    body = draw(st.text(alphabet="0123456789", min_size=length - 1, max_size=length - 1))
    return body + str(calc.gtin_check_digit(body))


# --- GTIN -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "4006381333931",  # EAN-13
        "036000291452",  # UPC-A (GTIN-12), stored as its own 12 digits
        "96385074",  # GTIN-8
        "10012345678902",  # GTIN-14
    ],
)
def test_known_codes_are_valid(code):
    assert calc.gtin_problem(code) is None


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("4006381333932", "The check digit of 4006381333932 should be 1."),
        ("03600029145", "A GTIN has 8, 12, 13 or 14 digits, not 11."),
        ("40063813339A1", "A GTIN is digits only."),
        ("\uff14" * 13, "A GTIN is digits only."),  # full-width digit four, 13 times
        ("", "A GTIN is digits only."),
    ],
)
def test_invalid_codes_say_why(code, problem):
    assert calc.gtin_problem(code) == problem


@given(valid_gtins())
def test_a_computed_check_digit_makes_a_valid_gtin(code):
    assert calc.is_valid_gtin(code)


@given(valid_gtins(), st.data())
def test_changing_any_single_digit_is_detected(code, data):
    position = data.draw(st.integers(min_value=0, max_value=len(code) - 1))
    replacement = data.draw(st.sampled_from("0123456789"))
    assume(replacement != code[position])
    mutated = code[:position] + replacement + code[position + 1 :]
    assert not calc.is_valid_gtin(mutated)


@given(valid_gtins())
def test_leading_zero_padding_keeps_the_check_digit(code):
    # GTIN-8/12/13 are GTIN-14 with leading zeros: the weights count from the right.
    assert calc.is_valid_gtin(code.rjust(14, "0"))


@given(st.text(alphabet="0123456789", min_size=1, max_size=20))
def test_check_digit_is_one_digit(body):
    assert 0 <= calc.gtin_check_digit(body) <= 9


def test_normalise_drops_blanks_and_hyphens():
    assert calc.normalise_gtin(" 400638-133393 1 ") == "4006381333931"


# --- units ----------------------------------------------------------------------------------


def test_box_of_ten():
    conversions = {"EA": 1, "BX": 10}
    assert calc.base_quantity(3, "BX", conversions) == 30
    assert calc.base_quantity(7, "EA", conversions) == 7
    assert calc.base_quantity(Decimal("1.5"), "BX", conversions) == Decimal("15.0")


def test_unknown_unit_and_float_are_refused():
    with pytest.raises(calc.UnknownUnitError, match="no conversion for unit 'CS'"):
        calc.base_quantity(1, "CS", {"EA": 1})
    with pytest.raises(TypeError):
        calc.base_quantity(1.5, "EA", {"EA": 1})


factors = st.integers(min_value=1, max_value=10_000)
quantities = st.integers(min_value=-1_000_000, max_value=1_000_000)


@given(quantities, quantities, factors)
def test_base_quantity_is_additive(first, second, factor):
    conversions = {"EA": 1, "CS": factor}
    assert calc.base_quantity(first + second, "CS", conversions) == calc.base_quantity(
        first, "CS", conversions
    ) + calc.base_quantity(second, "CS", conversions)


@given(st.integers(min_value=0, max_value=1_000_000), factors, factors)
def test_base_quantity_is_monotone_in_the_factor(quantity, small, large):
    assume(small <= large)
    assert calc.base_quantity(quantity, "BX", {"BX": small}) <= calc.base_quantity(
        quantity, "BX", {"BX": large}
    )


@given(st.decimals(min_value=-10_000, max_value=10_000, places=3, allow_nan=False), factors)
def test_decimal_quantities_stay_decimal_and_exact(quantity, factor):
    result = calc.base_quantity(quantity, "PK", {"PK": factor})
    assert isinstance(result, Decimal)
    assert result == quantity * factor


# --- lifecycle ------------------------------------------------------------------------------

statuses = st.sampled_from(calc.LIFECYCLE_ORDER)


def test_lifecycle_order_matches_the_choices():
    assert tuple(ProductStatus.values) == calc.LIFECYCLE_ORDER


@given(statuses, statuses)
def test_lifecycle_allows_forward_and_staying_and_refuses_backwards(current, target):
    allowed = calc.is_lifecycle_move_allowed(current, target)
    assert allowed == (calc.lifecycle_rank(target) >= calc.lifecycle_rank(current))
    if current != target:
        assert allowed != calc.is_lifecycle_move_allowed(target, current)


def test_lifecycle_examples():
    assert calc.is_lifecycle_move_allowed("planned", "end_of_sale")
    assert not calc.is_lifecycle_move_allowed("end_of_life", "active")
    with pytest.raises(ValueError, match="unknown product status 'retired'"):
        calc.lifecycle_rank("retired")
