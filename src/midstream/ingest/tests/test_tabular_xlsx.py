"""XLSX reading: sheets, cell text, and the archive checks (zip bombs, XML entities)."""

import datetime
import io
import zipfile

import pytest
import xlsxwriter

from midstream.ingest import records
from midstream.ingest.formats import tabular
from midstream.ingest.formats.tabular import number_text, parse_xlsx
from midstream.ingest.records import Format, ReportKind


def _workbook(build) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    build(workbook)
    workbook.close()
    return buffer.getvalue()


def _sales(workbook):
    notes = workbook.add_worksheet("Notes")
    notes.write(0, 0, "Read me")
    sales = workbook.add_worksheet("Sales")
    day = workbook.add_format({"num_format": "dd.mm.yyyy"})
    stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    # The table starts at B3, as reports with a title area often do.
    sales.write_row(2, 1, ["Rechnungsnummer", "Datum", "Menge", "Preis", "Summe", "Zeit"])
    sales.write_string(3, 1, "R-1")
    sales.write_datetime(3, 2, datetime.date(2024, 3, 1), day)
    sales.write_number(3, 3, 5)
    sales.write_number(3, 4, 0.1)
    sales.write_formula(3, 5, "=D4*E4", None, 0.30000000000000004)
    sales.write_datetime(3, 6, datetime.datetime(2024, 3, 1, 14, 30), stamp)
    sales.write_row(5, 1, ["R-2", "2024-03-02", -1.5, 1234567.891, 1e20, ""])
    sales.write_boolean(6, 1, True)
    notes.hide()
    sales.activate()


def test_the_first_visible_sheet_with_cells_as_text():
    parsed = parse_xlsx(_workbook(_sales))
    assert parsed.format is Format.XLSX
    assert parsed.columns == ["Rechnungsnummer", "Datum", "Menge", "Preis", "Summe", "Zeit"]
    [document] = parsed.documents
    assert (document.transaction, document.location, document.header) == (
        "xlsx",
        3,
        {"sheet": "Sales"},
    )
    assert [(record.location, record.columns) for record in parsed.records] == [
        (
            4,
            {
                "Rechnungsnummer": "R-1",
                "Datum": "2024-03-01",
                "Menge": "5",
                "Preis": "0.1",
                "Summe": "0.3",
                "Zeit": "2024-03-01 14:30:00",
            },
        ),
        (
            6,
            {
                "Rechnungsnummer": "R-2",
                "Datum": "2024-03-02",
                "Menge": "-1.5",
                "Preis": "1234567.891",
                "Summe": "100000000000000000000",
                "Zeit": "",
            },
        ),
        (
            7,
            {
                "Rechnungsnummer": "TRUE",
                "Datum": "",
                "Menge": "",
                "Preis": "",
                "Summe": "",
                "Zeit": "",
            },
        ),
    ]
    assert parsed.records[0].raw == "R-1\t2024-03-01\t5\t0.1\t0.3\t2024-03-01 14:30:00"
    assert parsed.diagnostics == []
    assert document.kind is ReportKind.SELL_THROUGH


def test_a_named_sheet():
    parsed = parse_xlsx(_workbook(_sales), sheet="Notes")
    assert parsed.columns == ["Read me"]
    assert [d.code for d in parsed.diagnostics] == ["no_records"]


def test_an_unknown_sheet_lists_the_sheet_names():
    parsed = parse_xlsx(_workbook(_sales), sheet="Summary")
    assert [(d.code, d.message) for d in parsed.diagnostics] == [
        (
            "unknown_sheet",
            'the workbook has no sheet named "Summary"; its sheets are: "Notes", "Sales".',
        )
    ]
    assert parsed.has_errors


def test_an_empty_sheet():
    parsed = parse_xlsx(_workbook(lambda workbook: workbook.add_worksheet("Empty")))
    assert [d.code for d in parsed.diagnostics] == ["empty_sheet"]
    assert parsed.has_errors


def test_duplicate_blank_and_long_cells():
    def build(workbook):
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, ["SKU", "SKU", None, "Qty"])
        sheet.write_row(1, 0, ["A", "B", "x", 1])
        sheet.write_row(2, 0, ["C", "D", "", "y" * (records.MAX_FIELD_CHARS + 1)])

    parsed = parse_xlsx(_workbook(build), kind=ReportKind.INVENTORY)
    assert parsed.columns == ["SKU", "SKU (2)", "(column 3)", "Qty"]
    assert [(r.location, r.kind) for r in parsed.records] == [(2, ReportKind.INVENTORY)]
    assert [(d.location, d.field, d.code) for d in parsed.diagnostics] == [
        (1, "SKU", "duplicate_column_name"),
        (3, "Qty", "field_too_long"),
        (1, "(column 3)", "blank_column_name"),
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (5.0, "5"),
        (-0.0, "0"),
        (0.1, "0.1"),
        (0.1 + 0.2, "0.3"),
        (1 / 3, "0.333333333333333"),
        (1e-5, "0.00001"),
        (-1234.5600, "-1234.56"),
        (1e20, "100000000000000000000"),
        (12345678901234567890.0, "12345678901234600000"),
        (float("nan"), ""),
        (float("inf"), ""),
    ],
)
def test_numbers_as_excel_shows_them(value, text):
    assert number_text(value) == text


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _parts_of(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_zip_bomb_is_refused_before_calamine_reads_it():
    parts = _parts_of(_workbook(_sales))
    parts["xl/worksheets/sheet2.xml"] = b"<x>" + b" " * (20 * 1024 * 1024) + b"</x>"
    parsed = parse_xlsx(_zip(parts))
    [diagnostic] = parsed.diagnostics
    assert diagnostic.code == "xlsx_zip_bomb"
    assert 'the part "xl/worksheets/sheet2.xml" would expand 20,971,527 bytes' in (
        diagnostic.message
    )
    assert parsed.documents == []


def test_the_total_expanded_size_is_capped(monkeypatch):
    monkeypatch.setattr(tabular, "XLSX_MAX_UNCOMPRESSED_BYTES", 1000)
    parsed = parse_xlsx(_workbook(_sales))
    assert [d.code for d in parsed.diagnostics] == ["xlsx_zip_bomb"]
    assert "the limit is 1,000 bytes" in parsed.diagnostics[0].message


def test_too_many_parts(monkeypatch):
    monkeypatch.setattr(tabular, "XLSX_MAX_MEMBERS", 3)
    assert [d.code for d in parse_xlsx(_workbook(_sales)).diagnostics] == ["xlsx_zip_bomb"]


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    b' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="1"><si><t>&lol2;</t></si></sst>'
)


@pytest.mark.parametrize(
    ("part", "data"),
    [
        ("xl/sharedStrings.xml", BILLION_LAUGHS),
        ("xl/workbook.xml", b'<?xml version="1.0"?><!doctype x SYSTEM "file:///etc/passwd"><x/>'),
        ("xl/sharedStrings.xml", BILLION_LAUGHS.decode().encode("utf-16")),
        # The declaration pushed past the first megabyte (chunk boundary) by padding.
        ("xl/styles.xml", b"<?xml version='1.0'?>" + b" " * (1024 * 1024 - 25) + b"<!ENTITY x>"),
    ],
)
def test_xml_entity_declarations_are_refused(part, data):
    parts = _parts_of(_workbook(_sales))
    parts[part] = data
    # Stored, not deflated: the padded part must not look like a zip bomb instead.
    parsed = parse_xlsx(_zip(parts, compression=zipfile.ZIP_STORED))
    assert [d.code for d in parsed.diagnostics] == ["xlsx_xml_entities"]
    assert f'the part "{part}" has' in parsed.diagnostics[0].message
    assert parsed.documents == []


def test_a_damaged_workbook():
    parts = _parts_of(_workbook(_sales))
    parts["xl/workbook.xml"] = b"<workbook><sheets><sheet name="
    parsed = parse_xlsx(_zip(parts))
    assert [d.code for d in parsed.diagnostics] == ["corrupt_xlsx"]
    truncated = parse_xlsx(_workbook(_sales)[:-100])
    assert [d.code for d in truncated.diagnostics] == ["corrupt_xlsx"]


def test_an_encrypted_member_is_refused():
    content = bytearray(_workbook(_sales))
    # Set the "encrypted" flag of the first local header and central directory entry.
    content[6] |= 0x1
    central = content.find(b"PK\x01\x02")
    content[central + 8] |= 0x1
    parsed = parse_xlsx(bytes(content))
    assert [d.code for d in parsed.diagnostics] == ["xlsx_encrypted"]


def test_a_sheet_wider_than_the_column_limit(monkeypatch):
    monkeypatch.setattr(records, "MAX_COLUMNS", 3)
    parsed = parse_xlsx(_workbook(_sales))
    assert [(d.code, d.message) for d in parsed.diagnostics] == [
        ("too_many_columns", 'the sheet "Sales" has 6 columns; the limit is 3.')
    ]


def test_a_file_over_the_size_limit(monkeypatch):
    monkeypatch.setattr(records, "MAX_FILE_BYTES", 100)
    assert [d.code for d in parse_xlsx(_workbook(_sales)).diagnostics] == ["file_too_large"]
