"""Each import stage alone: read, syntax, semantics, pragmatics (no database)."""

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from midstream.core.errors import InputRejected, Problem
from midstream.sales.importing import (
    LINE,
    VALID,
    canonical_decimal,
    check_pragmatics,
    check_semantics,
    check_syntax,
    empty_existing,
    read_sellin_file,
)
from midstream.sales.tests.factories import HEADER, csv_bytes

GOOD = "INV-1,1,2026-03-01,ALPHA,NET-100,5,12.50,USD,WH1"
ARABIC_ONE = "\u0661"  # ARABIC-INDIC DIGIT ONE
FULLWIDTH_12 = "\uff11\uff12"  # FULLWIDTH DIGITS ONE TWO


def rejected(content: bytes) -> list[Problem]:
    with pytest.raises(InputRejected) as caught:
        read_sellin_file(content)
    return caught.value.problems


# ─── read ────────────────────────────────────────────────────────────────────────────────


def test_read_gives_strings_with_file_line_numbers():
    frame = read_sellin_file(csv_bytes(GOOD, "INV-1,2,2026-03-01,ALPHA,NET-200,1,3,USD,"))
    assert frame.columns == [
        LINE,
        "invoice_number",
        "line",
        "invoice_date",
        "distributor_code",
        "sku",
        "quantity",
        "unit_net_price",
        "currency",
        "ship_to_warehouse",
    ]
    assert frame.rows() == [
        (2, "INV-1", "1", "2026-03-01", "ALPHA", "NET-100", "5", "12.50", "USD", "WH1"),
        (3, "INV-1", "2", "2026-03-01", "ALPHA", "NET-200", "1", "3", "USD", None),
    ]


def test_read_accepts_bom_synonyms_any_case_and_ignores_unknown_columns():
    content = (
        "\ufeffInvoice Number;LINE_NUMBER;Date;Distributor;SKU;Qty;Unit-Price;Currency;"
        "Warehouse;Comment\n".replace(";", ",")
        + "INV-9,3,2026-01-31,ALPHA,NET-100,2,1.5,EUR,W,anything\n"
    ).encode()
    frame = read_sellin_file(content)
    assert frame.rows() == [
        (2, "INV-9", "3", "2026-01-31", "ALPHA", "NET-100", "2", "1.5", "EUR", "W"),
    ]


def test_read_without_warehouse_column_gives_nulls_and_strips_values():
    header = HEADER.removesuffix(",ship_to_warehouse")
    frame = read_sellin_file(
        csv_bytes(" INV-1 , 1 ,2026-03-01,ALPHA,NET-100,5, 2 ,USD", header=header)
    )
    assert frame.rows() == [
        (2, "INV-1", "1", "2026-03-01", "ALPHA", "NET-100", "5", "2", "USD", None),
    ]


def test_read_skips_blank_lines_but_keeps_line_numbers():
    content = csv_bytes(GOOD, "", "   ,  ,,,,,,,", "INV-2,1,2026-03-01,ALPHA,NET-100,1,1,USD,")
    frame = read_sellin_file(content)
    assert frame.get_column(LINE).to_list() == [2, 5]


def test_read_counts_lines_inside_quoted_values():
    content = csv_bytes(
        '"INV\n1",1,2026-03-01,ALPHA,NET-100,5,1,USD,', "INV-2,1,2026-03-01,A,S,1,1,USD,"
    )
    frame = read_sellin_file(content)
    assert frame.get_column(LINE).to_list() == [2, 4]
    assert frame.get_column("invoice_number").to_list() == ["INV\n1", "INV-2"]


def test_read_crlf_line_endings():
    content = (HEADER + "\r\n" + GOOD + "\r\n").encode()
    assert read_sellin_file(content).get_column("ship_to_warehouse").to_list() == ["WH1"]


def test_read_rejects_missing_and_doubled_columns_on_line_1():
    content = b"invoice,invoice_number,line,date,sku,quantity,currency\nA,B,1,2026-01-01,S,1,USD\n"
    assert rejected(content) == [
        Problem(
            1,
            "invoice_number",
            "duplicate_column",
            'columns "invoice" and "invoice_number" both mean invoice_number.',
        ),
        Problem(
            1,
            "distributor_code",
            "missing_column",
            "the header has no distributor_code column (accepted names: distributor_code, "
            "distributor).",
        ),
        Problem(
            1,
            "unit_net_price",
            "missing_column",
            "the header has no unit_net_price column (accepted names: unit_net_price, "
            "net_unit_price, unit_price, net_price, price).",
        ),
    ]


def test_read_rejects_empty_file_and_header_only():
    assert rejected(b"") == [Problem(1, None, "empty_file", "The file is empty.")]
    assert rejected(b"\xef\xbb\xbf \n") == [Problem(1, None, "empty_file", "The file is empty.")]
    assert rejected(csv_bytes()) == [
        Problem(2, None, "no_data", "The file has a header but no invoice lines.")
    ]


def test_read_rejects_non_utf8_with_its_line():
    content = csv_bytes(GOOD) + "INV-2,1,2026-03-01,ALPHA,Caf\xe9,1,1,USD,\n".encode("latin-1")
    assert rejected(content) == [
        Problem(3, None, "not_utf8", "byte 0xe9 is not UTF-8; save the file as UTF-8.")
    ]


def test_read_rejects_lines_with_too_many_fields():
    content = csv_bytes(GOOD, GOOD + ",extra", GOOD)
    assert rejected(content) == [
        Problem(3, None, "too_many_fields", "the line has 10 fields; the header has 9.")
    ]


# ─── syntax ──────────────────────────────────────────────────────────────────────────────

BAD_FILE = csv_bytes(
    GOOD,
    ",x,2026-02-30,ALPHA,NET-100,NaN,12.5,usd,",
    "INV-2,0,2026-03-01,ALPHA,NET-100,1E+30,-1,XXX,",
    "INV-3,1,26-03-01,ALPHA,NET-100,1.2345,12.34567,EUR",
    f"INV-4,{ARABIC_ONE},2026-03-01,ALPHA,NET-100,{FULLWIDTH_12},Infinity,EUR",
    "INV-5,1,2026-03-01,ALPHA,NET-100,123456789012,1,USD",
    "INV-6,1,2026-03-01,ALPHA,NET-100,abc,1,USD",
)

BAD_FILE_PROBLEMS = [
    Problem(3, "invoice_number", "required", "is required."),
    Problem(3, "line", "not_an_integer", '"x" is not a whole number.'),
    Problem(3, "invoice_date", "invalid_date", '"2026-02-30" is not a date written YYYY-MM-DD.'),
    Problem(3, "quantity", "not_finite", '"NaN" is not a finite number.'),
    Problem(4, "line", "out_of_range", '"0" is not between 1 and 2147483647.'),
    Problem(4, "quantity", "exponent", '"1E+30" uses an exponent; write the number out in full.'),
    Problem(4, "unit_net_price", "negative", '"-1" must not be negative.'),
    Problem(4, "currency", "unknown_currency", '"XXX" is not a known ISO 4217 currency code.'),
    Problem(5, "invoice_date", "invalid_date", '"26-03-01" is not a date written YYYY-MM-DD.'),
    Problem(5, "quantity", "too_many_decimals", '"1.2345" has more than 3 decimal places.'),
    Problem(5, "unit_net_price", "too_many_decimals", '"12.34567" has more than 4 decimal places.'),
    Problem(6, "line", "non_ascii", f'"{ARABIC_ONE}" must be written with the ASCII digits 0-9.'),
    Problem(
        6, "quantity", "non_ascii", f'"{FULLWIDTH_12}" must be written with the ASCII digits 0-9.'
    ),
    Problem(6, "unit_net_price", "not_finite", '"Infinity" is not a finite number.'),
    Problem(
        7,
        "quantity",
        "too_large",
        '"123456789012" is too large (at most 11 digits before the point).',
    ),
    Problem(
        8,
        "quantity",
        "not_a_number",
        '"abc" is not a number (digits, an optional sign and a decimal point).',
    ),
]


def test_syntax_golden_problems_of_a_bad_file():
    _parsed, problems = check_syntax(read_sellin_file(BAD_FILE))
    assert problems == BAD_FILE_PROBLEMS


def test_syntax_parses_the_valid_line():
    parsed, problems = check_syntax(read_sellin_file(BAD_FILE))
    assert problems  # the other lines
    valid = parsed.filter(pl.col(VALID))
    assert valid.select(
        LINE,
        "invoice_number",
        "line_number",
        "invoice_date",
        "distributor_code",
        "sku",
        "quantity",
        "unit_net_price",
        "currency",
        "ship_to_warehouse",
        "net_amount",
    ).rows() == [
        (2, "INV-1", 1, dt.date(2026, 3, 1), "ALPHA", "NET-100", "5", "12.5", "USD", "WH1", "62.50")
    ]


@pytest.mark.parametrize(
    ("quantity", "price", "code"),
    [
        ("nan", "1", "not_finite"),
        ("-Infinity", "1", "not_finite"),
        ("1", "inf", "not_finite"),
        ("1E+30", "1", "exponent"),
        ("1", "2.5e3", "exponent"),
        ("1.0001", "1", "too_many_decimals"),
        ("1", "1.00001", "too_many_decimals"),
        ("1", "1000000000000000", "too_large"),
        ("\u0663", "1", "non_ascii"),
        ("1", "\uff11", "non_ascii"),
        ("1 000", "1", "not_a_number"),
        ("0x10", "1", "not_a_number"),
        ("", "1", "required"),
        ("1", "-0.01", "negative"),
    ],
)
def test_syntax_refuses_malformed_numbers_with_codes(quantity, price, code):
    row = f"INV-1,1,2026-03-01,ALPHA,NET-100,{quantity},{price},USD,"
    _parsed, problems = check_syntax(read_sellin_file(csv_bytes(row)))
    assert [(problem.line, problem.code) for problem in problems] == [(2, code)]


def test_syntax_accepts_trailing_zeros_signs_and_credits():
    rows = [
        "INV-1,1,2026-03-01,ALPHA,NET-100,+2.5000,1.990000,USD,",
        "INV-1,2,2026-03-01,ALPHA,NET-100,-3,.5,usd,",
        "INV-1,003,2026-03-01,alpha,NET-100,0,0,JPY,",
    ]
    parsed, problems = check_syntax(read_sellin_file(csv_bytes(*rows)))
    assert problems == []
    assert parsed.select(
        "line_number", "distributor_code", "quantity", "unit_net_price", "currency", "net_amount"
    ).rows() == [
        (1, "ALPHA", "2.5", "1.99", "USD", "4.98"),
        (2, "ALPHA", "-3", "0.5", "USD", "-1.50"),
        (3, "ALPHA", "0", "0", "JPY", "0"),
    ]


def test_syntax_net_amount_rounds_half_up_to_the_currency():
    rows = [
        "INV-1,1,2026-03-01,ALPHA,NET-100,3,0.1250,EUR,",  # 0.375 → 0.38
        "INV-1,2,2026-03-01,ALPHA,NET-100,1,100.5,JPY,",  # 100.5 → 101
        "INV-1,3,2026-03-01,ALPHA,NET-100,-1,0.005,USD,",  # -0.005 → -0.01
    ]
    parsed, problems = check_syntax(read_sellin_file(csv_bytes(*rows)))
    assert problems == []
    assert parsed.get_column("net_amount").to_list() == ["0.38", "101", "-0.01"]


def test_syntax_refuses_a_net_amount_too_large_for_the_column():
    row = "INV-1,1,2026-03-01,ALPHA,NET-100,99999999999,99999999,USD,"
    _parsed, problems = check_syntax(read_sellin_file(csv_bytes(row)))
    assert problems == [
        Problem(
            2,
            "net_amount",
            "amount_too_large",
            "quantity 99999999999 times unit_net_price 99999999 is too large for an amount "
            "(at most 16 digits before the point).",
        )
    ]


def test_syntax_refuses_too_long_text():
    row = f"{'I' * 41},1,2026-03-01,ALPHA,NET-100,1,1,USD,{'W' * 61}"
    _parsed, problems = check_syntax(read_sellin_file(csv_bytes(row)))
    assert problems == [
        Problem(2, "invoice_number", "too_long", f'"{"I" * 40}…" is longer than 40 characters.'),
        Problem(2, "ship_to_warehouse", "too_long", f'"{"W" * 40}…" is longer than 60 characters.'),
    ]


@given(
    st.decimals(
        min_value=Decimal("-99999999999.999"),
        max_value=Decimal("99999999999.999"),
        places=3,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_syntax_reads_every_valid_quantity_exactly(quantity):
    row = f"INV-1,1,2026-03-01,ALPHA,NET-100,{quantity:f},1,USD,"
    parsed, problems = check_syntax(read_sellin_file(csv_bytes(row)))
    assert problems == []
    assert Decimal(parsed.item(0, "quantity")) == quantity
    assert parsed.item(0, "quantity") == canonical_decimal(quantity)


# ─── semantics ───────────────────────────────────────────────────────────────────────────

DISTRIBUTORS = {"ALPHA": 1, "BRAVO": 2}
PRODUCTS = {"NET-100": 10, "NET-200": 20}


def semantics(*rows: str):
    parsed, problems = check_syntax(read_sellin_file(csv_bytes(*rows)))
    assert problems == []
    return check_semantics(parsed, distributor_ids=DISTRIBUTORS, product_ids=PRODUCTS)


def test_semantics_resolves_codes_and_skus():
    resolved, problems = semantics(GOOD, "INV-1,1,2026-03-01,bravo,NET-200,1,1,USD,")
    assert problems == []
    assert resolved.select("distributor_id", "product_id", VALID).rows() == [
        (1, 10, True),
        (2, 20, True),
    ]


def test_semantics_golden_problems():
    resolved, problems = semantics(
        GOOD,
        "INV-1,2,2026-03-01,CHARLIE,NET-100,1,1,USD,",
        "INV-1,3,2026-03-01,ALPHA,NET-999,1,1,USD,",
        "INV-1,1,2026-03-02,ALPHA,NET-200,2,2,USD,",
        "INV-1,1,2026-03-01,BRAVO,NET-100,5,12.50,USD,WH1",
        GOOD,
    )
    assert problems == [
        Problem(
            3,
            "distributor_code",
            "unknown_distributor",
            '"CHARLIE" is not a known distributor code.',
        ),
        Problem(4, "sku", "unknown_sku", '"NET-999" is not a known SKU.'),
        Problem(
            5, "line", "duplicate_in_file", 'invoice "INV-1" line 1 of ALPHA is already on line 2.'
        ),
        Problem(
            7, "line", "duplicate_in_file", 'invoice "INV-1" line 1 of ALPHA is already on line 2.'
        ),
    ]
    assert resolved.filter(pl.col(VALID)).get_column(LINE).to_list() == [2, 6]


def test_semantics_with_no_reference_data_refuses_everything():
    parsed, _ = check_syntax(read_sellin_file(csv_bytes(GOOD)))
    _resolved, problems = check_semantics(parsed, distributor_ids={}, product_ids={})
    assert [problem.code for problem in problems] == ["unknown_distributor", "unknown_sku"]


# ─── pragmatics ──────────────────────────────────────────────────────────────────────────


def existing(**overrides) -> pl.DataFrame:
    row = {
        "distributor_id": 1,
        "invoice_number": "INV-1",
        "line_number": 1,
        "invoice_date": dt.date(2026, 3, 1),
        "product_id": 10,
        "sku": "NET-100",
        "quantity": "5",
        "unit_net_price": "12.5",
        "currency": "USD",
        "ship_to_warehouse": "WH1",
    }
    row.update(overrides)
    return pl.concat([empty_existing(), pl.DataFrame([row], schema=empty_existing().schema)])


def test_pragmatics_all_new_without_stored_lines():
    resolved, _ = semantics(GOOD, "INV-1,2,2026-03-01,ALPHA,NET-200,1,1,USD,")
    result = check_pragmatics(resolved, empty_existing())
    assert result.problems == []
    assert result.already_present == 0
    assert result.new_rows.get_column(LINE).to_list() == [2, 3]


def test_pragmatics_same_values_are_already_present():
    resolved, _ = semantics(
        "INV-1,1,2026-03-01,ALPHA,NET-100,5.000,12.5000,USD,WH1",
        "INV-1,2,2026-03-01,ALPHA,NET-200,1,1,USD,",
    )
    result = check_pragmatics(resolved, existing())
    assert result.problems == []
    assert result.already_present == 1
    assert result.new_rows.get_column(LINE).to_list() == [3]


def test_pragmatics_other_values_conflict():
    resolved, _ = semantics("INV-1,1,2026-03-01,ALPHA,NET-200,6,12.5,USD,WH1")
    result = check_pragmatics(resolved, existing())
    assert result.problems == [
        Problem(
            2,
            "sku",
            "conflicts_with_existing",
            'invoice "INV-1" line 1 of ALPHA was imported before with other values (sku NET-100 '
            "in the stored line, NET-200 here; quantity 5 in the stored line, 6 here). "
            "Imported lines are never changed.",
        )
    ]
    assert result.already_present == 0
    assert result.new_rows.height == 0


def test_pragmatics_same_invoice_of_another_distributor_is_new():
    resolved, _ = semantics("INV-1,1,2026-03-01,BRAVO,NET-100,5,12.5,USD,WH1")
    result = check_pragmatics(resolved, existing())
    assert result.problems == []
    assert result.new_rows.get_column("distributor_id").to_list() == [2]
