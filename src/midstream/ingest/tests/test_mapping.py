"""Mapping specs and applying them: numbers, dates, units, returns, EDI qualifiers, samples."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from midstream.ingest.formats import parse_file
from midstream.ingest.formats.tabular import parse_csv
from midstream.ingest.mapping import (
    MappingCode,
    MappingSpec,
    NumberError,
    ReturnsConvention,
    SpecError,
    apply_mapping,
    default_spec,
    format_number,
    parse_number,
    spec_from_suggestion,
    validate_spec,
)
from midstream.ingest.records import ReportKind, Severity

TODAY = date(2026, 11, 22)


def _root() -> Path:
    here = Path(__file__).resolve()
    for folder in here.parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    return here.parents[4]


SAMPLES = _root().parent / "shared" / "samples"
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"the shared samples folder {SAMPLES} is absent"
)


# ─── numbers ─────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "decimal", "thousands", "expected"),
    [
        ("12", ".", "", Decimal("12")),
        ("12.50", ".", "", Decimal("12.50")),
        ("1,234", ",", "", Decimal("1.234")),
        ("1,234", ".", ",", Decimal("1234")),
        ("1.234.567,5", ",", ".", Decimal("1234567.5")),
        ("1 234 567,5", ",", " ", Decimal("1234567.5")),
        ("1\u00a0234,5", ",", " ", Decimal("1234.5")),
        (" -3 ", ".", "", Decimal("-3")),
        ("3-", ".", "", Decimal("-3")),
        ("(12.50)", ".", "", Decimal("-12.50")),
        ("+7", ".", "", Decimal("7")),
        ("-0", ".", "", Decimal("0")),
        ("99999999999999.999", ".", "", Decimal("99999999999999.999")),
    ],
)
def test_numbers_that_parse(text, decimal, thousands, expected):
    number = parse_number(
        text, decimal_separator=decimal, thousands_separator=thousands, max_decimals=3
    )
    assert number == expected
    assert isinstance(number, Decimal)
    assert str(number) == str(expected)


@pytest.mark.parametrize(
    ("text", "decimal", "thousands", "code"),
    [
        ("1.234", ",", "", MappingCode.INVALID_NUMBER),  # the other separator is not guessed
        ("1,234", ".", "", MappingCode.INVALID_NUMBER),
        ("1,23,456", ".", ",", MappingCode.INVALID_NUMBER),
        ("1,2345", ".", ",", MappingCode.INVALID_NUMBER),
        ("1.2.3", ".", "", MappingCode.INVALID_NUMBER),
        ("1E+30", ".", "", MappingCode.INVALID_NUMBER),
        ("", ".", "", MappingCode.INVALID_NUMBER),
        ("abc", ".", "", MappingCode.INVALID_NUMBER),
        ("NaN", ".", "", MappingCode.NOT_FINITE),
        ("-Infinity", ".", "", MappingCode.NOT_FINITE),
        ("inf", ".", "", MappingCode.NOT_FINITE),
        ("123456789012345", ".", "", MappingCode.NUMERIC_OVERFLOW),
        ("1.23456", ".", "", MappingCode.TOO_MANY_DECIMALS),
        ("\u0661\u0662", ".", "", MappingCode.NON_ASCII_DIGITS),  # Arabic-Indic 12
        ("\uff11\uff12", ".", "", MappingCode.NON_ASCII_DIGITS),  # full-width 12
        ("1\u0662.5", ".", "", MappingCode.NON_ASCII_DIGITS),
    ],
)
def test_numbers_that_are_refused(text, decimal, thousands, code):
    with pytest.raises(NumberError) as caught:
        parse_number(text, decimal_separator=decimal, thousands_separator=thousands)
    assert caught.value.code is code


def test_quantity_decimals_limit_is_three_and_price_four():
    assert parse_number("1.1234", max_decimals=4) == Decimal("1.1234")
    with pytest.raises(NumberError) as caught:
        parse_number("1.1234", max_decimals=3)
    assert caught.value.code is MappingCode.TOO_MANY_DECIMALS


_SEPARATORS = st.sampled_from([(".", ""), (",", ""), (".", ","), (",", "."), (",", " ")])


@given(
    number=st.decimals(
        min_value=Decimal("-99999999999999.999"),
        max_value=Decimal("99999999999999.999"),
        places=3,
        allow_nan=False,
        allow_infinity=False,
    ),
    separators=_SEPARATORS,
)
def test_formatted_numbers_round_trip(number, separators):
    decimal, thousands = separators
    text = format_number(number, decimal_separator=decimal, thousands_separator=thousands)
    parsed = parse_number(
        text, decimal_separator=decimal, thousands_separator=thousands, max_decimals=3
    )
    assert isinstance(parsed, Decimal)
    assert parsed == number


@given(text=st.text(max_size=30), separators=_SEPARATORS)
def test_any_text_gives_a_decimal_or_a_coded_error(text, separators):
    decimal, thousands = separators
    try:
        parsed = parse_number(text, decimal_separator=decimal, thousands_separator=thousands)
    except NumberError as error:
        assert isinstance(error.code, MappingCode)
    else:
        assert isinstance(parsed, Decimal)
        assert parsed.is_finite()


# ─── specs ───────────────────────────────────────────────────────────────────────────────


def test_default_specs_per_format():
    x12 = default_spec("x12", "sell_through")
    assert x12.date_format == "%Y%m%d"
    assert x12.product_qualifiers["VP"] == "sku"
    assert x12.product_qualifiers["UP"] == "gtin"
    assert x12.product_qualifiers["BP"] == "part_number"
    assert x12.invoice_qualifiers == ("IV", "DI")
    assert x12.reseller_roles == ("BY", "ST")
    assert x12.end_customer_role == "EN"
    assert x12.returns_convention is ReturnsConvention.TRANSACTION_TYPE
    assert x12.return_codes == ("RV", "RB")
    assert x12.unit_map["PCE"] == "EA"
    tabular = default_spec("tabular", "sell_through")
    assert (tabular.date_format, tabular.decimal_separator, tabular.thousands_separator) == (
        "%Y-%m-%d",
        ".",
        "",
    )
    assert tabular.required_fields == ("invoice_number", "invoice_date", "quantity")
    assert default_spec("edifact", "sell_through").required_fields == ("invoice_date", "quantity")
    assert default_spec("json", "inventory").required_fields == ("as_of_date",)
    assert validate_spec(x12) == {}
    assert validate_spec(tabular) == {}


def test_spec_round_trips_through_json_form():
    spec = replace(
        default_spec("tabular", "sell_through"),
        columns={"invoice_number": "Rechnung", "quantity": "Menge"},
        decimal_separator=",",
        thousands_separator=".",
        date_format="%d.%m.%Y",
        unit_map={"STK": "EA"},
        default_currency="EUR",
    )
    assert MappingSpec.from_dict(spec.to_dict()) == spec


def test_spec_from_dict_names_bad_fields():
    with pytest.raises(SpecError) as caught:
        MappingSpec.from_dict(
            {"kind": "nope", "columns": ["x"], "returns_convention": "maybe", "colour": "red"}
        )
    assert set(caught.value.problems) == {"kind", "columns", "returns_convention", "colour"}


def test_validate_spec_problems_by_field():
    spec = replace(
        default_spec("tabular", "sell_through"),
        columns={"invoice_number": "A", "quantity": "A", "shoe_size": "B"},
        date_format="%H:%M",
        decimal_separator=";",
        unit_map={"STK": "XX"},
    )
    assert set(validate_spec(spec)) == {
        "columns.quantity",
        "columns.shoe_size",
        "date_format",
        "decimal_separator",
        "unit_map.STK",
    }
    same = replace(
        default_spec("tabular", "sell_through"), decimal_separator=",", thousands_separator="."
    )
    assert validate_spec(same) == {}
    clash = replace(same, decimal_separator=".")
    assert set(validate_spec(clash)) == {"thousands_separator"}
    separate = replace(same, returns_convention=ReturnsConvention.SEPARATE_COLUMN)
    assert set(validate_spec(separate)) == {"returns_convention"}


def test_spec_from_suggestion_uses_the_header():
    spec = spec_from_suggestion(["Rechnungsnummer", "Menge", "Artikel", "Datum"], "sell_through")
    assert spec.columns["invoice_number"] == "Rechnungsnummer"
    assert spec.columns["quantity"] == "Menge"
    assert spec.columns["invoice_date"] == "Datum"
    assert spec.kind is ReportKind.SELL_THROUGH


# ─── applying a spec to a tabular file ───────────────────────────────────────────────────

GERMAN = (
    "Rechnung;Datum;Artikel;EAN;Menge;Einheit;Preis;Kunde;Typ\n"
    "R1;31.01.2026;AB-1;4006381333931;1.234,5;STK;12,50;Müller GmbH;VK\n"
    "R2;01.02.2026;AB-2;;2;KAR;3,00;Meier AG;RE\n"
    "R3;32.01.2026;AB-3;;1;STK;1;X;VK\n"
    "R4;01.02.2026;AB-4;;NaN;STK;1;X;VK\n"
    "R5;01.02.2026;AB-5;;1;STK;-1;X;VK\n"
    "R6;01.02.1999;AB-6;;1;STK;1;X;VK\n"
    ";01.02.2026;;;1;STK;1;X;VK\n"
    "R8;01.02.2026;AB-8;;\u0661;STK;1;X;VK\n"
)


def _german_spec(**changes) -> MappingSpec:
    spec = replace(
        default_spec("tabular", "sell_through"),
        columns={
            "invoice_number": "Rechnung",
            "invoice_date": "Datum",
            "sku": "Artikel",
            "gtin": "EAN",
            "quantity": "Menge",
            "unit_of_measure": "Einheit",
            "unit_price": "Preis",
            "reseller_name": "Kunde",
            "transaction_type": "Typ",
        },
        date_format="%d.%m.%Y",
        decimal_separator=",",
        thousands_separator=".",
        unit_map={"STK": "EA"},
        default_currency="EUR",
        returns_convention=ReturnsConvention.TRANSACTION_TYPE,
        return_codes=("RE",),
    )
    return replace(spec, **changes)


def test_a_german_csv_mapped():
    parsed = parse_csv(GERMAN.encode("utf-8"))
    result = apply_mapping(parsed, _german_spec(), today=TODAY)
    first, second = result.records
    assert first.invoice_number == "R1"
    assert first.invoice_date == date(2026, 1, 31)
    assert first.quantity == Decimal("1234.5")
    assert first.unit == "EA"
    assert first.unit_price == Decimal("12.50")
    assert first.currency == "EUR"
    assert first.product_candidates == (("sku", "AB-1"), ("gtin", "4006381333931"))
    assert first.reseller_name == "Müller GmbH"
    assert first.is_return is False
    assert second.quantity == Decimal("-2")
    assert second.is_return is True
    assert second.unit == "KAR"
    assert result.rejected == (4, 5, 6, 7, 8, 9)
    assert [(d.location, d.field, d.code, d.severity) for d in result.diagnostics] == [
        (3, "unit_of_measure", "unknown_unit", Severity.WARNING),
        (4, "invoice_date", "invalid_date", Severity.ERROR),
        (5, "quantity", "not_finite", Severity.ERROR),
        (6, "unit_price", "negative_price", Severity.ERROR),
        (7, "invoice_date", "date_out_of_range", Severity.ERROR),
        (8, "invoice_number", "required_field_missing", Severity.ERROR),
        (8, "product", "no_product_id", Severity.ERROR),
        (9, "quantity", "non_ascii_digits", Severity.ERROR),
    ]
    assert result.error_count == 7


def test_a_line_without_a_unit_says_so():
    """The default unit fills in, but the record tells that the file named no unit."""
    csv = b"Rechnung;Datum;Artikel;Menge;Einheit\nR1;01.11.2026;A;1;\nR2;01.11.2026;A;1;STK\n"
    result = apply_mapping(parse_csv(csv), _german_spec(), today=TODAY)
    assert [(r.unit, r.unit_reported) for r in result.records] == [("EA", False), ("EA", True)]


def test_dates_after_a_year_from_today_are_out_of_range():
    csv = b"Rechnung;Datum;Artikel;Menge\nR1;22.11.2027;A;1\nR2;23.11.2027;A;1\n"
    result = apply_mapping(parse_csv(csv), _german_spec(), today=TODAY)
    assert [r.invoice_number for r in result.records] == ["R1"]
    assert [d.code for d in result.diagnostics] == ["date_out_of_range"]


def test_negative_quantity_and_separate_column_conventions():
    csv = b"Inv,Date,Sku,Qty,Returned\nA,2026-01-02,S,-3,\nB,2026-01-02,S,5,2\n"
    spec = replace(
        default_spec("tabular", "sell_through"),
        columns={
            "invoice_number": "Inv",
            "invoice_date": "Date",
            "sku": "Sku",
            "quantity": "Qty",
            "returned_quantity": "Returned",
        },
    )
    negative = apply_mapping(parse_csv(csv), spec, today=TODAY)
    assert [(r.quantity, r.is_return) for r in negative.records] == [
        (Decimal("-3"), True),
        (Decimal("5"), False),
    ]
    separate = apply_mapping(
        parse_csv(csv),
        replace(spec, returns_convention=ReturnsConvention.SEPARATE_COLUMN),
        today=TODAY,
    )
    assert [(r.quantity, r.is_return) for r in separate.records] == [
        (Decimal("-3"), True),
        (Decimal("3"), False),
    ]


def test_inventory_from_a_csv():
    csv = b"Stand,Lager,Artikel,Bestand,Verfuegbar\n2026-03-01,L1,S1,10,-1\n2026-03-01,L1,S2,,\n"
    spec = replace(
        default_spec("tabular", "inventory"),
        columns={
            "as_of_date": "Stand",
            "location": "Lager",
            "sku": "Artikel",
            "on_hand": "Bestand",
            "available": "Verfuegbar",
        },
    )
    result = apply_mapping(parse_csv(csv, kind=ReportKind.INVENTORY), spec, today=TODAY)
    [record] = result.records
    assert (record.as_of_date, record.stock_location, record.on_hand, record.available) == (
        date(2026, 3, 1),
        "L1",
        Decimal("10"),
        Decimal("-1"),
    )
    assert [(d.location, d.code) for d in result.diagnostics] == [
        (2, "negative_stock"),
        (3, "required_field_missing"),
    ]
    assert result.rejected == (3,)


# ─── EDI samples ─────────────────────────────────────────────────────────────────────────


@needs_samples
def test_x12_867_sample_mapped():
    parsed = parse_file((SAMPLES / "x12_867_Inteligenz_1.edi").read_bytes())
    result = apply_mapping(parsed, default_spec("x12", "sell_through"), today=TODAY)
    assert len(result.records) == 3
    first = result.records[0]
    assert first.invoice_number == "DIN99234"
    assert first.invoice_date == date(2000, 3, 1)
    assert first.transaction_type == "SS"
    assert first.quantity == Decimal("15")
    assert first.unit == "BX"
    assert first.unit_price == Decimal("18.25")
    assert first.product_candidates == (("sku", "1000"), ("gtin", "30387698433527"))
    assert first.reseller_name == "SOUTHEAST HOSPITAL"
    assert first.reseller_partner_id == "89KGH1140"
    assert first.contract_reference == "CT67895"
    assert result.rejected == ()
    assert {d.code for d in result.diagnostics} == {"unknown_unit"}


@needs_samples
def test_x12_invoice_qualifier_order_is_the_specs():
    parsed = parse_file((SAMPLES / "x12_867_Inteligenz_1.edi").read_bytes())
    spec = replace(default_spec("x12", "sell_through"), product_qualifiers={"UK": "gtin"})
    first = apply_mapping(parsed, spec, today=TODAY).records[0]
    assert first.product_candidates == (("gtin", "30387698433527"),)


@needs_samples
def test_x12_852_sample_dates_before_2000_are_rejected():
    parsed = parse_file((SAMPLES / "x12_852_Inteligenz_2.edi").read_bytes())
    result = apply_mapping(parsed, default_spec("x12", "inventory"), today=TODAY)
    assert result.records == ()
    assert [(d.field, d.code) for d in result.diagnostics] == [
        ("as_of_date", "date_out_of_range"),
        ("as_of_date", "date_out_of_range"),
    ]


@needs_samples
def test_edifact_slsrpt_sample_mapped():
    parsed = parse_file((SAMPLES / "edifact_slsrpt_bots-edi_1.edi").read_bytes())
    result = apply_mapping(parsed, default_spec("edifact", "sell_through"), today=TODAY)
    assert len(result.records) == 392
    assert result.diagnostics == ()
    first = result.records[0]
    assert (first.invoice_date, first.quantity, first.unit, first.currency) == (
        date(2008, 3, 31),
        Decimal("2"),
        "EA",
        "EUR",
    )
    assert first.unit_price == Decimal("27")
    assert first.product_candidates == (("gtin", "8712345275208"),)


def test_json_records_use_qualified_identifiers_and_parties():
    from midstream.ingest.formats.jsonrecords import parse_json

    content = (
        b'{"kind": "sell_through", "records": [{"invoice_number": "A1", '
        b'"invoice_date": "2026-01-02", "quantity": -3, "unit_price": 12.5, '
        b'"unit_of_measure": "PCE", "identifiers": {"VP": "AB-1", "EN": "4006381333931"}, '
        b'"parties": {"BY": {"name": "Reseller AG", "id": "R-9", '
        b'"references": {"VA": "DE123"}}, "EN": {"name": "End Co"}}}]}'
    )
    result = apply_mapping(parse_json(content), default_spec("json", "sell_through"), today=TODAY)
    assert result.diagnostics == ()
    [record] = result.records
    assert record.product_candidates == (("sku", "AB-1"), ("gtin", "4006381333931"))
    assert (record.quantity, record.is_return, record.unit) == (Decimal("-3"), True, "EA")
    assert record.unit_price == Decimal("12.5")
    assert (record.reseller_name, record.reseller_partner_id, record.reseller_tax_id) == (
        "Reseller AG",
        "R-9",
        "DE123",
    )
    assert record.end_customer_name == "End Co"
