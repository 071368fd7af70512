"""``frames.map_tabular`` (column-wise) agrees with ``mapping.apply_mapping`` (line by line)."""

from dataclasses import replace
from datetime import date

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from midstream.ingest.frames import LINE, decode_candidates, map_tabular
from midstream.ingest.mapping import (
    MappingSpec,
    ReturnsConvention,
    apply_mapping,
    default_spec,
)
from midstream.ingest.records import Document, Format, ParsedFile, ReportKind, SourceRecord

TODAY = date(2026, 11, 22)
COLUMNS = {
    "invoice_number": "Inv",
    "line_number": "Ln",
    "invoice_date": "Date",
    "transaction_type": "Type",
    "quantity": "Qty",
    "returned_quantity": "Ret",
    "unit_of_measure": "UoM",
    "unit_price": "Price",
    "amount": "Amt",
    "currency": "Cur",
    "sku": "SKU",
    "gtin": "EAN",
    "distributor_part_number": "Part",
    "reseller_name": "Customer",
    "reseller_account_number": "CustNo",
}
STOCK_COLUMNS = {
    "as_of_date": "Date",
    "location": "Whs",
    "unit_of_measure": "UoM",
    "on_hand": "OnHand",
    "available": "Avail",
    "on_order": "OnOrder",
    "in_transit": "Transit",
    "committed": "Committed",
    "sku": "SKU",
}

NUMBERS = st.sampled_from(
    [
        "",
        "1",
        "-2",
        "12.5",
        "12,5",
        "1,234.50",
        "1.234,50",
        "(3.00)",
        "4-",
        "+7",
        "NaN",
        "inf",
        "1E+30",
        "12.34567",
        "0",
        "-0",
        "007",
        "123456789012345",
        "١٢",
        " 5 ",
        "1 234,5",
        "x",
        "5.",
    ]
)
DATES = st.sampled_from(
    ["", "2026-10-01", "01.10.2026", "2026-13-01", "1999-12-31", "2030-01-01", "20261001", "x"]
)
TEXTS = st.sampled_from(["", "A1", " B2 ", "ABC GmbH", "rv", "RV", "SS", "EA", "BX", "pce", "eur"])


def spec_strategy(kind: ReportKind):
    columns = STOCK_COLUMNS if kind is ReportKind.INVENTORY else COLUMNS
    return st.builds(
        lambda decimal, thousands, date_format, returns, currency, required: replace(
            default_spec("tabular", kind),
            columns=columns,
            decimal_separator=decimal,
            thousands_separator=thousands if thousands != decimal else "",
            date_format=date_format,
            returns_convention=returns,
            default_currency=currency,
            required_fields=required,
            unit_map={"EA": "EA", "PCE": "EA", "BX": "BX"},
        ),
        st.sampled_from([".", ","]),
        st.sampled_from(["", ",", ".", " "]),
        st.sampled_from(["%Y-%m-%d", "%d.%m.%Y", "%Y%m%d"]),
        st.sampled_from(list(ReturnsConvention)),
        st.sampled_from(["", "EUR"]),
        st.sampled_from(
            [
                (),
                ("invoice_number", "invoice_date", "quantity"),
                ("as_of_date",),
                ("unit_price", "returned_quantity", "amount"),
            ]
        ),
    )


def cell_for(field: str):
    if field in ("invoice_date", "as_of_date"):
        return DATES
    if field in (
        "quantity",
        "returned_quantity",
        "unit_price",
        "amount",
        "on_hand",
        "available",
        "on_order",
        "in_transit",
        "committed",
    ):
        return NUMBERS
    return TEXTS


def rows_strategy(kind: ReportKind):
    columns = STOCK_COLUMNS if kind is ReportKind.INVENTORY else COLUMNS
    row = st.fixed_dictionaries({column: cell_for(field) for field, column in columns.items()})
    return st.lists(row, min_size=1, max_size=12)


def both(kind: ReportKind, spec: MappingSpec, rows: list[dict]):
    records = [
        SourceRecord(kind=kind, location=index + 2, columns=row) for index, row in enumerate(rows)
    ]
    parsed = ParsedFile(
        format=Format.CSV,
        documents=[Document(kind=kind, transaction="csv", location=1, records=records)],
        columns=list(rows[0]),
    )
    expected = apply_mapping(parsed, spec, today=TODAY)
    frame = pl.DataFrame(
        {LINE: [index + 2 for index in range(len(rows))]}
        | {column: [row[column] for row in rows] for column in rows[0]}
    ).with_columns(pl.col(LINE).cast(pl.Int64))
    typed, issues = map_tabular(frame, spec, today=TODAY)
    return expected, typed, issues


def diagnostics(expected) -> list:
    return sorted(
        (d.location, d.field, str(d.code), str(d.severity), d.message) for d in expected.diagnostics
    )


def issue_list(issues: pl.DataFrame) -> list:
    return sorted(issues.select(LINE, "field", "code", "severity", "message").iter_rows())


@settings(max_examples=300, deadline=None)
@given(spec=spec_strategy(ReportKind.SELL_THROUGH), rows=rows_strategy(ReportKind.SELL_THROUGH))
def test_sales_agree(spec, rows):
    expected, typed, issues = both(ReportKind.SELL_THROUGH, spec, rows)
    assert issue_list(issues) == diagnostics(expected)
    got = [
        (
            row[LINE],
            row["invoice_number"],
            row["invoice_line"],
            row["invoice_date"],
            row["transaction_type"],
            row["is_return"],
            row["quantity"],
            row["unit"],
            row["unit_reported"],
            row["unit_price"],
            row["amount"],
            row["currency"],
            decode_candidates(row["candidates"]),
            row["reseller_name"],
            row["reseller_account_number"],
        )
        for row in typed.iter_rows(named=True)
    ]
    want = [
        (
            r.location,
            r.invoice_number,
            r.invoice_line,
            r.invoice_date,
            r.transaction_type,
            r.is_return,
            r.quantity,
            r.unit,
            r.unit_reported,
            r.unit_price,
            r.amount,
            r.currency,
            r.product_candidates,
            r.reseller_name,
            r.reseller_account_number,
        )
        for r in expected.records
    ]
    assert got == want


@settings(max_examples=200, deadline=None)
@given(spec=spec_strategy(ReportKind.INVENTORY), rows=rows_strategy(ReportKind.INVENTORY))
def test_stock_agrees(spec, rows):
    expected, typed, issues = both(ReportKind.INVENTORY, spec, rows)
    assert issue_list(issues) == diagnostics(expected)
    names = ("on_hand", "available", "on_order", "in_transit", "committed")
    got = [
        (
            row[LINE],
            row["as_of_date"],
            row["stock_location"],
            row["unit"],
            *tuple(row[name] for name in names),
        )
        for row in typed.iter_rows(named=True)
    ]
    want = [
        (
            r.location,
            r.as_of_date,
            r.stock_location,
            r.unit,
            *tuple(getattr(r, name) for name in names),
        )
        for r in expected.records
    ]
    assert got == want
