"""Format detection from the content: signatures, byte-order marks, refusals."""

import io
import zipfile

import pytest
import xlsxwriter

from midstream.ingest import records
from midstream.ingest.formats.detect import detect_format, text_encoding
from midstream.ingest.records import Diagnostic, Format, Severity

X12_START = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *"
EDIFACT_START = b"UNA:+.? 'UNB+UNOA:2+SENDER+RECEIVER+240301:1200+1'"


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.add_worksheet().write(0, 0, "SKU")
    workbook.close()
    return buffer.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _error(result) -> Diagnostic:
    assert isinstance(result, Diagnostic), result
    assert result.severity is Severity.ERROR
    assert result.location is None
    return result


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (X12_START, Format.X12),
        (b"\xef\xbb\xbf" + X12_START, Format.X12),
        (b"\r\n   " + X12_START, Format.X12),
        (b"ISA^00^", Format.X12),
        (b"\xff\xfe" + X12_START.decode().encode("utf-16-le"), Format.X12),
        (EDIFACT_START, Format.EDIFACT),
        (b"UNB+UNOC:3+5412345000013:14+4007060000007:14+240301:1200+42'", Format.EDIFACT),
        (b"\xfe\xff" + EDIFACT_START.decode().encode("utf-16-be"), Format.EDIFACT),
        (b'[{"quantity": "1"}]', Format.JSON),
        (b'\xef\xbb\xbf\n  {"records": []}', Format.JSON),
        (b"Invoice,Qty\nA1,1\n", Format.CSV),
        (b"\xef\xbb\xbfInvoice;Qty\n", Format.CSV),
        ("Rechnung\tMenge\r\nR1\t2\r\n".encode("utf-16"), Format.CSV),
        ("Rechnung\tMenge\r\n".encode("utf-16-le"), Format.CSV),  # UTF-16 without its mark
        ("Kunde;Straße\nMüller;Hauptstraße 1\n".encode("cp1252"), Format.CSV),
        (b"ISAAC,Qty\n", Format.CSV),  # a header starting with ISA but no delimiter
        (b"UNBRANDED\n", Format.CSV),
    ],
)
def test_detects_the_format_from_the_content(content, expected):
    assert detect_format(content) == expected


def test_the_file_name_does_not_decide():
    assert detect_format(b"Invoice,Qty\n", "report.xlsx") is Format.CSV
    assert detect_format(X12_START, "report.csv") is Format.X12


def test_an_xlsx_workbook_is_recognised_by_its_parts():
    assert detect_format(_xlsx(), "export.dat") is Format.XLSX


@pytest.mark.parametrize(
    ("members", "words"),
    [
        ({"report.csv": b"a,b\n"}, "a ZIP archive"),
        ({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}, "a Word document"),
        ({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}, "an OpenDocument"),
    ],
)
def test_other_zip_archives_are_refused(members, words):
    error = _error(detect_format(_zip(members), "upload.zip"))
    assert error.code == "unsupported_zip"
    assert words in error.message
    assert error.message.startswith("upload.zip: ")


def test_a_truncated_zip_is_refused():
    error = _error(detect_format(_xlsx()[:200]))
    assert error.code == "unsupported_zip"
    assert "cannot be read" in error.message


def test_a_legacy_xls_file_is_refused_with_advice():
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    error = _error(detect_format(content))
    assert error.code == "legacy_xls"
    assert ".xlsx or as CSV" in error.message


def test_nul_bytes_in_a_text_file_are_refused_with_their_line():
    error = _error(detect_format(b"Invoice,Qty\nA1,1\nA2\x00,2\n"))
    assert error.code == "binary_content"
    assert "line 3 (byte 20)" in error.message


def test_utf16_text_has_nul_bytes_by_design():
    assert detect_format("a,b\n1,2\n".encode("utf-16")) is Format.CSV


def test_control_characters_mark_binary_junk():
    error = _error(detect_format(b"\x01\x02\x03\x04abc\x05\x06"))
    assert error.code == "binary_content"
    assert "6 control characters in the first 9 bytes" in error.message


def test_a_few_stray_control_characters_are_still_text():
    content = b"Product,Note\n" + b"A,line one\x0bline two\n" + b"B,plain text here\n" * 10
    assert detect_format(content) is Format.CSV


@pytest.mark.parametrize(
    "content", [b"<?xml version='1.0'?><rows/>", b"<html><table><tr><td>1</td></tr></table>"]
)
def test_markup_is_refused(content):
    assert _error(detect_format(content, "report.xls")).code == "unsupported_markup"


@pytest.mark.parametrize("content", [b"", b"   \r\n\t", b"\xef\xbb\xbf", b"\xff\xfe", b"\n\n"])
def test_an_empty_file_is_refused(content):
    assert _error(detect_format(content)).code == "empty_file"


def test_a_file_over_the_size_limit_is_refused_before_anything_else(monkeypatch):
    monkeypatch.setattr(records, "MAX_FILE_BYTES", 10)
    error = _error(detect_format(b"Invoice,Qty\n"))
    assert error.code == "file_too_large"
    assert error.message.startswith("the file has 12 bytes; the limit is 10 bytes")
    assert detect_format(b"a,b\n1,2\n") is Format.CSV


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xef\xbb\xbfabc", ("utf-8-sig", 3)),
        (b"\xff\xfea\x00", ("utf-16-le", 2)),
        (b"\xfe\xff\x00a", ("utf-16-be", 2)),
        ("Invoice,Qty".encode("utf-16-le"), ("utf-16-le", 0)),
        ("Invoice,Qty".encode("utf-16-be"), ("utf-16-be", 0)),
        (b"Invoice,Qty", (None, 0)),
        (b"a\x00b", (None, 0)),
    ],
)
def test_text_encoding_from_the_byte_order_mark_or_the_nul_pattern(content, expected):
    assert text_encoding(content) == expected


def test_leading_white_space_longer_than_the_sample_is_skipped():
    padding = b" \r\n" * 30_000  # 90 KB, more than the 64 KB looked at
    assert detect_format(padding + b"Invoice,Qty\n") is Format.CSV
    assert detect_format(padding + b'[{"quantity": "1"}]') is Format.JSON
    assert detect_format((" \n" * 40_000 + "UNB+UNOC:3+A+B+240301:1200+1'").encode("utf-16")) is (
        Format.EDIFACT
    )
    assert _error(detect_format(padding)).code == "empty_file"
