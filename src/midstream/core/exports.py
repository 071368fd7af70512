"""CSV and XLSX export of list pages, safe to open in a spreadsheet.

Any text cell beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return is prefixed
with an apostrophe so a spreadsheet shows it as text and never evaluates it (CSV/formula
injection). Numbers stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

import xlsxwriter
from django.http import HttpResponse, StreamingHttpResponse

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: object) -> object:
    """Text that a spreadsheet could evaluate gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so Excel reads UTF-8
        yield writer.writerow([neutralise(str(column)) for column in header])
        for row in rows:
            yield writer.writerow(
                [neutralise(value) if isinstance(value, str) else _text(value) for value in row]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_bytes(sheet_name: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for column, title in enumerate(header):
        sheet.write_string(0, column, str(neutralise(str(title))), bold)
    for row_index, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_boolean(row_index, column, value)
            elif isinstance(value, int | Decimal):
                sheet.write_number(row_index, column, value)
            elif isinstance(value, dt.datetime):
                sheet.write_string(row_index, column, value.isoformat())
            elif isinstance(value, dt.date):
                sheet.write_datetime(
                    row_index, column, dt.datetime.combine(value, dt.time()), date_format
                )
            else:
                sheet.write_string(row_index, column, str(neutralise(str(value))))
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def xlsx_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(filename, header, rows), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
