import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from midstream.core.exports import csv_response, neutralise, xlsx_bytes


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-2+3", "@cmd", "\tx", "\rx"])
def test_formula_triggers_are_neutralised(text):
    assert neutralise(text) == "'" + text


def test_plain_values_pass_through():
    assert neutralise("Alpha") == "Alpha"
    assert neutralise(Decimal("-5")) == Decimal("-5")


def test_csv_export_neutralises_text_but_keeps_numbers():
    response = csv_response("x", ["name", "amount"], [["=HYPERLINK(1)", Decimal("-1.50")]])
    body = b"".join(response.streaming_content).decode()
    assert body == "\ufeffname,amount\r\n'=HYPERLINK(1),-1.50\r\n"


def test_xlsx_export_never_writes_a_formula():
    content = xlsx_bytes(
        "sheet", ["name", "amount", "day"], [["=1+1", Decimal("2.50"), dt.date(2026, 1, 2)]]
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value == "'=1+1"
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 2.5
