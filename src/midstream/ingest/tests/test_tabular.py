"""CSV / TSV reading: encodings, delimiters, quoting, line numbers, bounds, header problems."""

import pytest

from midstream.ingest import records
from midstream.ingest.formats import detect
from midstream.ingest.formats.tabular import parse_csv
from midstream.ingest.records import Format, ReportKind, Severity


def _codes(parsed) -> list[tuple[int | None, str | None, str, str]]:
    return [(d.location, d.field, d.code, str(d.severity)) for d in parsed.diagnostics]


def _rows(parsed) -> list[tuple[int, dict[str, str]]]:
    return [(record.location, record.columns) for record in parsed.records]


def test_a_plain_utf8_csv():
    parsed = parse_csv(b"Invoice,Qty,Price\nA1,2,10.50\nA2,1,3\n")
    assert parsed.format is Format.CSV
    assert (parsed.encoding, parsed.delimiter) == ("utf-8", ",")
    assert parsed.columns == ["Invoice", "Qty", "Price"]
    assert _rows(parsed) == [
        (2, {"Invoice": "A1", "Qty": "2", "Price": "10.50"}),
        (3, {"Invoice": "A2", "Qty": "1", "Price": "3"}),
    ]
    assert parsed.diagnostics == []
    [document] = parsed.documents
    assert (document.transaction, document.location, document.kind) == (
        "csv",
        1,
        ReportKind.SELL_THROUGH,
    )
    assert parsed.records[0].raw == "A1,2,10.50"
    assert parsed.records[0].fields == {}


def test_utf8_with_a_byte_order_mark_and_windows_line_ends():
    parsed = parse_csv("\ufeffKunde;Straße\r\nMüller;Hauptstraße 1\r\n".encode())
    assert parsed.encoding == "utf-8-sig"
    assert parsed.columns == ["Kunde", "Straße"]
    assert _rows(parsed) == [(2, {"Kunde": "Müller", "Straße": "Hauptstraße 1"})]


def test_windows_1252_is_transcoded_not_mangled():
    text = "Client;Désignation;Prix\nCafé Noël;Écran 27\u201d \u2013 mat;12,50 €\n"
    parsed = parse_csv(text.encode("cp1252"))
    assert parsed.encoding == "windows-1252"
    assert _rows(parsed) == [
        (2, {"Client": "Café Noël", "Désignation": "Écran 27\u201d \u2013 mat", "Prix": "12,50 €"})
    ]


def test_bytes_undefined_in_windows_1252_fall_back_to_latin1():
    parsed = parse_csv(b"Name,Code\nX\x81Y,1\n")
    assert parsed.encoding == "iso-8859-1"
    assert _rows(parsed) == [(2, {"Name": "X\x81Y", "Code": "1"})]


def test_excel_unicode_text_is_utf16_tab_separated():
    text = "Artikelnummer\tMenge\tKunde\r\nAB-1\t5\tŁódź Sp. z o.o.\r\n"
    parsed = parse_csv(text.encode("utf-16"))
    assert (parsed.encoding, parsed.delimiter) == ("utf-16-le", "\t")
    assert _rows(parsed) == [
        (2, {"Artikelnummer": "AB-1", "Menge": "5", "Kunde": "Łódź Sp. z o.o."})
    ]


def test_utf16_big_endian_and_without_a_mark():
    assert parse_csv("a|b\n1|2\n".encode("utf-16-be")).encoding == "utf-16-be"
    parsed = parse_csv(b"\xfe\xff" + "a|b\n1|2\n".encode("utf-16-be"))
    assert (parsed.encoding, parsed.delimiter) == ("utf-16-be", "|")
    assert _rows(parsed) == [(2, {"a": "1", "b": "2"})]


def test_broken_utf16_is_read_with_a_warning():
    content = "a\tb\n1\t2\n".encode("utf-16-le") + b"\x00\xd8" + "\t3\n".encode("utf-16-le")
    parsed = parse_csv(b"\xff\xfe" + content)
    assert _codes(parsed) == [(3, None, "invalid_utf16", "warning")]
    assert _rows(parsed) == [(2, {"a": "1", "b": "2"}), (3, {"a": "\ufffd", "b": "3"})]


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("Invoice,Qty\nA,1\n", ","),
        ("Rechnung;Betrag\nR1;1,50\nR2;2,00\n", ";"),
        ("SKU\tQty\nA\t1\n", "\t"),
        ("SKU|Qty|Name\nA|1|x, y\n", "|"),
        # Commas inside the names and values, semicolons between the columns.
        ("Name, first;Name, last;Amount\nAnn;Lee;1,5\nBo;Ng;2,5\n", ";"),
        # A quoted header with the other candidates inside the quotes.
        ('"Qty; pcs",Price\n1,2\n', ","),
    ],
)
def test_the_delimiter_is_sniffed(text, delimiter):
    parsed = parse_csv(text.encode())
    assert parsed.delimiter == delimiter
    assert all(len(record.columns) == len(parsed.columns) for record in parsed.records)
    assert not parsed.diagnostics


def test_a_one_column_file_keeps_decimal_commas():
    parsed = parse_csv(b"Amount\n1,5\n2,5\n")
    assert parsed.delimiter == ";"
    assert _rows(parsed) == [(2, {"Amount": "1,5"}), (3, {"Amount": "2,5"})]


def test_quoted_fields_with_delimiters_quotes_and_line_breaks():
    content = (
        b"SKU,Description,Qty\n"
        b'A-1,"Cable, 2 m",3\n'
        b'B-2,"Screen 27"" wide",1\n'
        b'C-3,"two\nlines\r\nand three",4\n'
        b"D-4,plain,5\n"
    )
    parsed = parse_csv(content)
    assert _rows(parsed) == [
        (2, {"SKU": "A-1", "Description": "Cable, 2 m", "Qty": "3"}),
        (3, {"SKU": "B-2", "Description": 'Screen 27" wide', "Qty": "1"}),
        (4, {"SKU": "C-3", "Description": "two\nlines\nand three", "Qty": "4"}),
        (7, {"SKU": "D-4", "Description": "plain", "Qty": "5"}),
    ]
    assert parsed.records[2].raw == 'C-3,"two\nlines\nand three",4'


def test_a_stray_quote_inside_an_unquoted_value_is_kept():
    parsed = parse_csv(b'Product,Qty\nMonitor 27",1\nCable,2\n')
    assert _rows(parsed) == [
        (2, {"Product": 'Monitor 27"', "Qty": "1"}),
        (3, {"Product": "Cable", "Qty": "2"}),
    ]


def test_old_mac_line_ends():
    parsed = parse_csv(b"a,b\r1,2\r3,4\r")
    assert _rows(parsed) == [(2, {"a": "1", "b": "2"}), (3, {"a": "3", "b": "4"})]


def test_blank_lines_are_skipped_and_line_numbers_stay_true():
    parsed = parse_csv(b"\n  \nInvoice,Qty\n\nA,1\n,\n \t \nB,2")
    assert _rows(parsed) == [(5, {"Invoice": "A", "Qty": "1"}), (8, {"Invoice": "B", "Qty": "2"})]
    assert parsed.documents[0].location == 3


def test_values_are_kept_as_raw_text():
    parsed = parse_csv(b"Qty,Price,Date\n 007 ,1.50000,01/02/2024\n")
    assert parsed.records[0].columns == {"Qty": " 007 ", "Price": "1.50000", "Date": "01/02/2024"}


def test_rows_with_a_different_column_count_are_reported_and_the_rest_still_reads():
    parsed = parse_csv(b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n")
    assert _rows(parsed) == [
        (2, {"a": "1", "b": "2", "c": "3"}),
        (5, {"a": "10", "b": "11", "c": "12"}),
    ]
    assert _codes(parsed) == [
        (3, None, "wrong_column_count", "error"),
        (4, None, "wrong_column_count", "error"),
    ]
    assert parsed.diagnostics[0].message == "the line has 2 fields; the header has 3."
    assert not parsed.has_errors


def test_a_header_with_too_many_columns_is_refused_cheaply():
    parsed = parse_csv(b";" * 10_000_000 + b"\n1;2\n")
    assert _codes(parsed) == [(None, None, "too_many_columns", "error")]
    assert parsed.diagnostics[0].message == (
        "the header (line 1) has 10,000,001 columns separated by semicolon (';'); the limit is 500."
    )
    assert parsed.documents == []
    assert parsed.has_errors


def test_the_column_limit_is_exact():
    limit = records.MAX_COLUMNS
    at_limit = ",".join(f"c{index}" for index in range(limit)).encode()
    assert len(parse_csv(at_limit + b"\n").columns) == limit
    over = ",".join(f"c{index}" for index in range(limit + 1)).encode()
    assert [d.code for d in parse_csv(over + b"\n").diagnostics] == ["too_many_columns"]


def test_a_data_line_with_millions_of_fields_is_one_line_diagnostic():
    parsed = parse_csv(b"a,b\n1,2\n" + b"x," * 3_000_000 + b"\n3,4\n")
    assert _rows(parsed) == [(2, {"a": "1", "b": "2"}), (4, {"a": "3", "b": "4"})]
    assert _codes(parsed) == [(3, None, "wrong_column_count", "error")]
    assert parsed.diagnostics[0].message == (
        "the line has 3,000,001 fields; the header has 2 (the limit is 500)."
    )


def test_a_field_over_the_limit_rejects_its_line():
    long_value = "x" * (records.MAX_FIELD_CHARS + 1)
    parsed = parse_csv(f"a,b\n1,{long_value}\n2,ok\n".encode())
    assert _rows(parsed) == [(3, {"a": "2", "b": "ok"})]
    assert _codes(parsed) == [(2, "b", "field_too_long", "error")]
    assert parsed.diagnostics[0].message == "the value has 10,001 characters; the limit is 10,000."


def test_a_huge_field_beyond_the_csv_module_limit_is_reported_and_reading_goes_on():
    parsed = parse_csv(b"a,b\n1," + b"y" * 300_000 + b"\n2,ok\n")
    assert _rows(parsed) == [(3, {"a": "2", "b": "ok"})]
    assert [(d.location, d.code) for d in parsed.diagnostics] == [(2, "field_too_long")]


def test_an_unclosed_quote_at_the_end_of_the_file():
    parsed = parse_csv(b'a,b\n1,2\n3,"never closed\n4,5\n')
    assert _rows(parsed) == [(2, {"a": "1", "b": "2"})]
    assert _codes(parsed) == [(3, None, "unterminated_quote", "error")]


def test_an_unclosed_quote_that_runs_on_reports_the_long_field():
    body = b"".join(b"%d,row\n" % index for index in range(2000))
    parsed = parse_csv(b'a,b\n1,"oops\n' + body)
    first = parsed.diagnostics[0]
    assert (first.location, first.field, first.code) == (
        2,
        "b",
        "field_too_long",
    )
    assert "never closed" in parsed.diagnostics[0].message


def test_duplicate_and_blank_header_names():
    parsed = parse_csv(b"Qty,Qty,,Qty,Note,\n1,2,3,4,x,\n")
    assert parsed.columns == ["Qty", "Qty (2)", "(column 3)", "Qty (3)", "Note"]
    assert _rows(parsed) == [
        (2, {"Qty": "1", "Qty (2)": "2", "(column 3)": "3", "Qty (3)": "4", "Note": "x"})
    ]
    assert _codes(parsed) == [
        (1, "Qty", "duplicate_column_name", "warning"),
        (1, "Qty", "duplicate_column_name", "warning"),
        (1, "(column 3)", "blank_column_name", "warning"),
    ]
    assert parsed.diagnostics[1].message == (
        'the header names column 4 "Qty" again; its values are kept under "Qty (3)".'
    )


def test_a_trailing_delimiter_after_the_header_and_every_line_is_harmless():
    parsed = parse_csv(b"a;b;\n1;2;\n3;4;\n")
    assert parsed.columns == ["a", "b"]
    assert _rows(parsed) == [(2, {"a": "1", "b": "2"}), (3, {"a": "3", "b": "4"})]
    assert parsed.diagnostics == []


def test_header_names_are_stripped():
    parsed = parse_csv(b" Invoice ,\tQty\t\nA,1\n")
    assert parsed.columns == ["Invoice", "Qty"]


def test_header_only_is_a_warning():
    parsed = parse_csv(b"Invoice,Qty\n")
    assert _codes(parsed) == [(None, None, "no_records", "warning")]
    assert parsed.documents[0].records == []
    assert not parsed.has_errors


@pytest.mark.parametrize("content", [b"", b"\n\n", b" \t \r\n", b"\xef\xbb\xbf", b"\xff\xfe"])
def test_an_empty_file(content):
    parsed = parse_csv(content)
    assert _codes(parsed) == [(None, None, "empty_file", "error")]
    assert parsed.documents == []


def test_nul_characters_are_refused():
    parsed = parse_csv(b"a,b\n1,\x002\n")
    assert _codes(parsed) == [(None, None, "binary_content", "error")]
    assert "line 2" in parsed.diagnostics[0].message


def test_a_file_over_the_size_limit(monkeypatch):
    monkeypatch.setattr(records, "MAX_FILE_BYTES", 5)
    parsed = parse_csv(b"a,b\n1,2\n")
    assert _codes(parsed) == [(None, None, "file_too_large", "error")]


def test_the_kind_is_given_or_guessed_from_the_header():
    stock = b"SKU,On hand,Warehouse\nA,5,W1\n"
    assert parse_csv(stock).documents[0].kind is ReportKind.INVENTORY
    assert parse_csv(stock).records[0].kind is ReportKind.INVENTORY
    forced = parse_csv(stock, kind=ReportKind.SELL_THROUGH)
    assert forced.documents[0].kind is ReportKind.SELL_THROUGH
    assert forced.records[0].kind is ReportKind.SELL_THROUGH
    assert parse_csv(b"Invoice,Qty\nA,1\n").documents[0].kind is ReportKind.SELL_THROUGH


def test_diagnostics_are_capped_per_code():
    parsed = parse_csv(b"a,b\n" + b"1\n" * 1500)
    codes = [d.code for d in parsed.diagnostics]
    assert codes.count("wrong_column_count") == 1000
    assert codes[-1] == "too_many_diagnostics"
    assert parsed.diagnostics[-1].severity is Severity.WARNING
    assert parsed.diagnostics[-1].message == (
        "500 more wrong_column_count diagnostics are not listed (1,500 in all)."
    )


def test_more_records_than_the_limit_refuse_the_file(monkeypatch):
    monkeypatch.setattr(detect, "MAX_RECORDS", 3)
    assert len(parse_csv(b"a\n1\n2\n3\n").records) == 3
    parsed = parse_csv(b"a\n1\n2\n3\n4\n")
    assert [(d.code, d.message) for d in parsed.diagnostics] == [
        ("too_many_records", "the file has more than 3 records; split it by period.")
    ]
    assert parsed.documents == []


def test_more_lines_than_twice_the_record_limit_refuse_the_file(monkeypatch):
    monkeypatch.setattr(detect, "MAX_RECORDS", 3)
    assert len(parse_csv(b"a,b\n1,2\n\n\n1\n2,3\n").records) == 2  # 6 lines
    parsed = parse_csv(b"a,b\n1,2\n\n\n1\n2,3\n\n")  # 7 lines
    assert [(d.code, d.message) for d in parsed.diagnostics] == [
        ("wrong_column_count", "the line has 1 field; the header has 2."),
        ("too_many_records", "the file has more than 6 lines; split it by period."),
    ]
    assert parsed.documents == []
