"""``parse_file``: detection, then the reader for the format (EDI readers loaded lazily)."""

import importlib.util
import io
from pathlib import Path

import pytest
import xlsxwriter

from midstream.ingest import formats
from midstream.ingest.formats import parse_file
from midstream.ingest.formats.jsonrecords import parse_json
from midstream.ingest.formats.tabular import parse_csv, parse_xlsx
from midstream.ingest.records import Format, ReportKind


def _samples() -> Path:
    """``shared/samples`` beside the repository (the folder holding pyproject.toml)."""
    here = Path(__file__).resolve()
    root = next(parent for parent in here.parents if (parent / "pyproject.toml").exists())
    return root.parent / "shared" / "samples"


def _edi_reader(module: str):
    if importlib.util.find_spec(f"midstream.ingest.formats.{module}") is None:
        pytest.skip(f"midstream.ingest.formats.{module} is not written yet")
    return importlib.import_module(f"midstream.ingest.formats.{module}")


def _isa(control: str) -> str:
    fields = [
        "ISA", "00", " " * 10, "00", " " * 10, "ZZ", "SENDER".ljust(15), "ZZ",
        "RECEIVER".ljust(15), "240301", "1200", "U", "00401", control, "0", "P", ">",
    ]  # fmt: skip
    segment = "*".join(fields) + "~"
    assert len(segment) == 106  # fixed length: 105 characters and the terminator
    return segment


X12_867 = "\n".join(
    [
        _isa("000000001"),
        "GS*PT*SENDER*RECEIVER*20240301*1200*1*X*004010~",
        "ST*867*0001~",
        "BPT*00*REP1*20240301*SS~",
        "DTM*090*20240201~",
        "DTM*091*20240229~",
        "PTD*SS~",
        "N1*ST*Reseller Inc*91*R-1~",
        "QTY*39*5*EA~",
        "LIN**VP*AB-100~",
        "UIT*EA*10.50*RS~",
        "REF*IV*INV-1~",
        "DTM*003*20240215~",
        "CTT*1~",
        "SE*14*0001~",
        "GE*1*1~",
        "IEA*1*000000001~",
    ]
)

EDIFACT_SLSRPT = "\n".join(
    [
        "UNA:+.? '",
        "UNB+UNOC:3+5412345000013:14+4007060000007:14+240301:1200+1'",
        "UNH+1+SLSRPT:D:96A:UN:EAN004'",
        "BGM+73E+R1+9'",
        "DTM+137:20240301:102'",
        "LOC+162+4012345000009::9'",
        "LIN+1++4006381333931:EN'",
        "QTY+153:5'",
        "UNT+7+1'",
        "UNZ+1+1'",
    ]
)


def test_csv_goes_to_the_csv_reader():
    content = "Rechnung;Menge\nR1;2\n".encode("cp1252")
    assert parse_file(content, file_name="x.xls") == parse_csv(content)


def test_the_kind_reaches_the_tabular_and_json_readers():
    csv_file = parse_file(b"SKU,Qty\nA,1\n", kind=ReportKind.INVENTORY)
    assert csv_file.documents[0].kind is ReportKind.INVENTORY
    json_file = parse_file(b'[{"on_hand": "1"}]', kind=ReportKind.SELL_THROUGH)
    assert json_file == parse_json(b'[{"on_hand": "1"}]', kind=ReportKind.SELL_THROUGH)


def test_xlsx_goes_to_the_xlsx_reader_with_the_sheet():
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.add_worksheet("First").write_row(0, 0, ["SKU", "Qty"])
    second = workbook.add_worksheet("Second")
    second.write_row(0, 0, ["Artikel", "Bestand"])
    second.write_row(1, 0, ["A", 3])
    workbook.close()
    content = buffer.getvalue()
    parsed = parse_file(content, sheet="Second", kind=ReportKind.INVENTORY)
    assert parsed == parse_xlsx(content, sheet="Second", kind=ReportKind.INVENTORY)
    assert [record.columns for record in parsed.records] == [{"Artikel": "A", "Bestand": "3"}]


def test_json_goes_to_the_json_reader():
    content = b'{"records": [{"quantity": 1.0}]}'
    assert parse_file(content) == parse_json(content)


def test_a_sheet_named_for_a_text_file_is_ignored_with_a_warning():
    parsed = parse_file(b"a,b\n1,2\n", sheet="Sales")
    assert [(d.code, d.severity.value) for d in parsed.diagnostics] == [
        ("sheet_ignored", "warning")
    ]
    assert parsed.records[0].columns == {"a": "1", "b": "2"}


@pytest.mark.parametrize(
    ("content", "file_name", "code", "guess"),
    [
        (b"", "report.xlsx", "empty_file", Format.XLSX),
        (b"\x00\x01\x02", "report.json", "binary_content", Format.JSON),
        (b"<html></html>", None, "unsupported_markup", Format.CSV),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old.XLS", "legacy_xls", Format.XLSX),
    ],
)
def test_a_detection_error_is_a_file_with_that_error_and_no_documents(
    content, file_name, code, guess
):
    parsed = parse_file(content, file_name=file_name)
    assert [d.code for d in parsed.diagnostics] == [code]
    assert parsed.documents == []
    assert parsed.has_errors
    assert parsed.format is guess


def test_a_missing_edi_reader_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(
        formats._EDI_READERS, Format.X12, ("midstream.ingest.formats.no_such_reader", "parse")
    )
    parsed = parse_file(X12_867.encode())
    assert parsed.format is Format.X12
    assert [(d.code, d.message) for d in parsed.diagnostics] == [
        (
            "format_not_available",
            "this is an X12 file, and this installation has no X12 reader.",
        )
    ]


def test_x12_goes_to_the_x12_reader():
    reader = _edi_reader("x12")
    content = ("\ufeff" + X12_867).encode()
    parsed = parse_file(content, file_name="sales.csv")
    assert parsed == reader.parse_x12(content)
    assert parsed.format is Format.X12
    assert [document.transaction for document in parsed.documents] == ["867"]


def test_edifact_goes_to_the_edifact_reader():
    reader = _edi_reader("edifact")
    content = EDIFACT_SLSRPT.encode()
    parsed = parse_file(content, file_name="sales.txt")
    assert parsed == reader.parse_edifact(content)
    assert parsed.format is Format.EDIFACT
    assert [document.transaction for document in parsed.documents] == ["SLSRPT"]


@pytest.mark.parametrize(
    ("name", "expected", "module"),
    [
        ("x12_867_Inteligenz_1.edi", Format.X12, "x12"),
        ("x12_852_Inteligenz_2.edi", Format.X12, "x12"),
        ("x12_846_Inteligenz_2.edi", Format.X12, "x12"),
        ("edifact_slsrpt_bots-edi_1.edi", Format.EDIFACT, "edifact"),
    ],
)
def test_the_shared_samples_are_detected_and_dispatched(name, expected, module):
    path = _samples() / name
    if not path.parent.is_dir():
        pytest.skip(f"{path.parent} is absent")
    content = path.read_bytes()
    assert formats.detect_format(content, name) is expected
    reader = _edi_reader(module)
    function = reader.parse_x12 if module == "x12" else reader.parse_edifact
    assert parse_file(content, file_name=name) == function(content)
