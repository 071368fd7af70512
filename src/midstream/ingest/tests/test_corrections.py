"""Corrections file: rejected lines in the distributor's own layout, with the errors added."""

from __future__ import annotations

import io

import pytest
import python_calamine
import xlsxwriter
from django.urls import reverse

from midstream.accounts.choices import Role
from midstream.core.errors import ConflictError, DomainError
from midstream.core.exports import XLSX_CONTENT_TYPE
from midstream.ingest.submissions import stored_file_path
from midstream.ingest.tests.test_x12_reader import LINE_867, file_of
from midstream.ingest.versions import corrections_file
from midstream.reports.tests.factories import make_issue, make_submission

pytestmark = pytest.mark.django_db

CSV = (
    b"Invoice,Date,SKU,Qty,Price\r\n"
    b"INV-1,2025-01-15,SW-24P,10,9.50\r\n"
    b"INV-2,2025-01-16,SW-48P,ten,9.50\r\n"
    b'INV-3,2025-01-17,"SW, 8P",4,1.00\r\n'
    b"INV-4,2025-13-01,UNKNOWN,-2,\r\n"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def rows_of(content: bytes, delimiter: str = ",") -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(content.decode("utf-8"), newline=""), delimiter=delimiter))


def test_csv_keeps_the_columns_and_lists_rejected_lines_with_their_errors(dist_a):
    submission = make_submission(dist_a, content=CSV, file_name="alpha jan.csv")
    make_issue(submission, line=3, field="Qty", code="invalid_number", message="not a number")
    make_issue(submission, line=5, field="Date", code="invalid_date", message="no month 13")
    make_issue(submission, line=5, field="SKU", code="unknown_product", message="no such SKU")
    make_issue(submission, line=4, severity="warning", code="unknown_reseller")
    make_issue(submission, line=None, code="period_mismatch", message="file-level")

    name, content_type, content = corrections_file(submission)

    assert name == "alpha jan-corrections.csv"
    assert content_type == "text/csv; charset=utf-8"
    assert not content.startswith(b"\xef\xbb\xbf")
    assert content == (
        b"Invoice,Date,SKU,Qty,Price,error_field,error_code,error_message\r\n"
        b"INV-2,2025-01-16,SW-48P,ten,9.50,Qty,invalid_number,not a number\r\n"
        b"INV-4,2025-13-01,UNKNOWN,-2,,Date | SKU,invalid_date | unknown_product,"
        b"no month 13 | no such SKU\r\n"
    )


def test_semicolon_cp1252_file_comes_back_semicolon_separated_in_utf8(dist_a):
    original = (
        "Rechnungsnr;Datum;Artikel;Menge;Händler\r\n"
        "R-1;15.01.2025;SW-24P;1,5;Müller GmbH\r\n"
        "R-2;16.01.2025;SW-24P;x;Bäckerei Schön\r\n"
    ).encode("cp1252")
    submission = make_submission(dist_a, content=original, file_name="export.csv")
    make_issue(
        submission, line=3, field="Menge", code="invalid_number", message="„x“ ist keine Zahl"
    )

    _name, _type, content = corrections_file(submission)

    assert rows_of(content, ";") == [
        ["Rechnungsnr", "Datum", "Artikel", "Menge", "Händler", *ERRORS],
        ["R-2", "16.01.2025", "SW-24P", "x", "Bäckerei Schön", "Menge", "invalid_number",
         "„x“ ist keine Zahl"],
    ]  # fmt: skip
    assert content.decode("utf-8").count(";") == 2 * 7


ERRORS = ["error_field", "error_code", "error_message"]


def test_a_line_the_reader_refused_is_split_and_padded_to_the_header(dist_a):
    original = b"A,B,C\n1,2,3\n4,5\n6,7,8,9\n"
    submission = make_submission(dist_a, content=original)
    make_issue(submission, line=3, field="", code="wrong_column_count", message="2 fields")
    make_issue(submission, line=4, field="", code="wrong_column_count", message="4 fields")

    _name, _type, content = corrections_file(submission)

    assert rows_of(content) == [
        ["A", "B", "C", *ERRORS],
        ["4", "5", "", "", "wrong_column_count", "2 fields"],
        ["6", "7", "8,9", "", "wrong_column_count", "4 fields"],
    ]


def test_line_numbers_follow_the_reader_through_quoted_line_breaks_and_blank_lines(dist_a):
    original = b'\xef\xbb\xbf\n\n Invoice ;Note;Qty\r\nI-1;"two\r\nlines";1\r\n\r\nI-2;plain;x\r\n'
    submission = make_submission(dist_a, content=original)
    make_issue(submission, line=4, field="Qty", code="c1", message="first")
    make_issue(submission, line=7, field="Qty", code="c2", message="second")

    _name, _type, content = corrections_file(submission)

    assert content == (
        b" Invoice ;Note;Qty;error_field;error_code;error_message\r\n"
        b'I-1;"two\nlines";1;Qty;c1;first\r\n'
        b"I-2;plain;x;Qty;c2;second\r\n"
    )


def test_csv_can_be_asked_for_as_xlsx(dist_a):
    submission = make_submission(dist_a, content=CSV, file_name="jan.csv")
    make_issue(submission, line=2)

    name, content_type, content = corrections_file(submission, "xlsx")

    assert (name, content_type) == ("jan-corrections.xlsx", XLSX_CONTENT_TYPE)
    assert _sheet(content, "Corrections") == [
        ["Invoice", "Date", "SKU", "Qty", "Price", *ERRORS],
        ["INV-1", "2025-01-15", "SW-24P", 10.0, "9.50", "quantity", "invalid_value",
         "not a number"],
    ]  # fmt: skip


def test_unknown_format_is_refused(dist_a):
    submission = make_submission(dist_a, content=CSV)

    with pytest.raises(DomainError) as caught:
        corrections_file(submission, "pdf")

    assert caught.value.code == "invalid_value"


def _workbook(rows: list[list[object]], sheet: str = "Sales") -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    worksheet = workbook.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            worksheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def _sheet(content: bytes, name: str) -> list[list[object]]:
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert workbook.sheet_names == [name]
    return workbook.get_sheet_by_name(name).to_python()


def test_xlsx_comes_back_as_xlsx_with_the_same_columns_and_sheet(dist_a):
    original = _workbook(
        [
            ["Invoice", "SKU", "Qty", "Note"],
            ["INV-1", "SW-24P", 3, "fine"],
            ["INV-2", "00123", -2, '=HYPERLINK("http://x")'],
            ["INV-3", "SW-24P", 1.5, "@risk"],
        ]
    )
    submission = make_submission(dist_a, content=original, file_name="jan.xlsx", sheet="Sales")
    make_issue(submission, line=3, field="SKU", code="unknown_product", message="no SKU 00123")
    make_issue(submission, line=4, field="Qty", code="fraction", message="-x: half a unit")

    name, content_type, content = corrections_file(submission)

    assert (name, content_type) == ("jan-corrections.xlsx", XLSX_CONTENT_TYPE)
    assert _sheet(content, "Sales") == [
        ["Invoice", "SKU", "Qty", "Note", *ERRORS],
        ["INV-2", "00123", -2.0, "'=HYPERLINK(\"http://x\")", "SKU", "unknown_product",
         "no SKU 00123"],
        ["INV-3", "SW-24P", 1.5, "'@risk", "Qty", "fraction", "'-x: half a unit"],
    ]  # fmt: skip


def test_x12_comes_back_as_csv_of_segment_numbers_and_records(dist_a):
    original = file_of("867", LINE_867)
    submission = make_submission(dist_a, content=original, file_name="867.edi")
    make_issue(submission, line=16, field="QTY02", code="invalid_number", message="bad quantity")
    make_issue(submission, line=24, field="LIN03", code="unknown_product", message="no PART-2")
    make_issue(submission, line=28, field="DTM02", code="invalid_date", message="bad date")

    name, content_type, content = corrections_file(submission)

    assert (name, content_type) == ("867-corrections.csv", "text/csv; charset=utf-8")
    assert rows_of(content) == [
        ["line", "record", *ERRORS],
        [
            "16",
            "QTY*32*10*EA~\nLIN*1*VP*PART-1*UK*00012345678905~\nUIT*EA*9.50*CA~\n"
            "UIT*EA*8.00*CT~\nUIT*EA*8.75*RS~\nAMT*1*87.50~\nPID*F****WIDGET~",
            "QTY02",
            "invalid_number",
            "bad quantity",
        ],
        [
            "23",
            "QTY*32*2*EA~\nLIN*2*VP*PART-2~\nUIT*EA*3.00*CA~\nUIT*EA*2.50*CT~\n"
            "REF*DI*DINV-2~\nDTM*003*20240116~",
            "LIN03 | DTM02",
            "unknown_product | invalid_date",
            "no PART-2 | bad date",
        ],
    ]


def test_no_rejected_lines_gives_the_header_only(dist_a):
    submission = make_submission(dist_a, content=CSV)

    _name, _type, content = corrections_file(submission)

    assert content == b"Invoice,Date,SKU,Qty,Price,error_field,error_code,error_message\r\n"


def test_a_lost_original_is_a_conflict(dist_a):
    submission = make_submission(dist_a, content=b"only,once\n1,2\n")
    stored_file_path(submission).unlink()

    with pytest.raises(ConflictError) as caught:
        corrections_file(submission)

    assert caught.value.code == "unreadable_file"


# ─── page and API ────────────────────────────────────────────────────────────────────────


def _url(submission, query: str = "") -> str:
    return reverse("ingest:submission_corrections", args=[submission.pk]) + query


def test_page_downloads_the_file_for_the_own_distributor(client_for, dist_a):
    submission = make_submission(dist_a, content=CSV, file_name="jan.csv")
    make_issue(submission, line=3)

    response = client_for(Role.DISTRIBUTOR_USER).get(_url(submission))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="jan-corrections.csv"'
    assert response.content.splitlines()[1].startswith(b"INV-2,2025-01-16,SW-48P,ten")
    xlsx = client_for(Role.DISTRIBUTOR_USER).get(_url(submission, "?format=xlsx"))
    assert xlsx["Content-Type"] == XLSX_CONTENT_TYPE


def test_page_explains_a_lost_original(client_for, dist_a):
    submission = make_submission(dist_a, content=b"gone,soon\n1,2\n")
    stored_file_path(submission).unlink()

    response = client_for(Role.ANALYST).get(_url(submission))

    assert response.status_code == 409
    assert b'id="corrections-error"' in response.content


def test_foreign_submission_is_404(client_for, api_client_for, dist_b):
    foreign = make_submission(dist_b, content=CSV)
    make_issue(foreign, line=3)

    assert client_for(Role.DISTRIBUTOR_ADMIN).get(_url(foreign)).status_code == 404
    response = api_client_for(Role.DISTRIBUTOR_USER).get(
        f"/api/submissions/{foreign.pk}/corrections"
    )
    assert response.status_code == 404
    assert client_for(Role.ANALYST).get(_url(foreign)).status_code == 200


def test_api_returns_the_file(api_client_for, dist_a):
    submission = make_submission(dist_a, content=CSV, file_name="jan.csv")
    make_issue(submission, line=4, field="SKU", code="unknown_product", message="no SKU")
    client = api_client_for(Role.DISTRIBUTOR_USER)
    url = f"/api/submissions/{submission.pk}/corrections"

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="jan-corrections.csv"'
    assert response.content == (
        b"Invoice,Date,SKU,Qty,Price,error_field,error_code,error_message\r\n"
        b'INV-3,2025-01-17,"SW, 8P",4,1.00,SKU,unknown_product,no SKU\r\n'
    )
    assert client.get(url, {"format": "pdf"}).status_code == 422


def test_api_lost_original_is_409(api_client_for, dist_a):
    submission = make_submission(dist_a, content=b"lost,file\n1,2\n")
    stored_file_path(submission).unlink()

    response = api_client_for(Role.ANALYST).get(f"/api/submissions/{submission.pk}/corrections")

    assert response.status_code == 409
    assert response.json()["code"] == "unreadable_file"
