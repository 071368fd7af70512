"""The demo's report-file writers: what they write, the readers read back exactly (issue 3).

Each writer's bytes go through ``ingest.formats.parse_file`` and ``mapping.apply_mapping``
with the spec the demo gives that distributor; the typed records must equal the lines
written (quantities, prices, dates, ids, resellers), with no diagnostic at all.
"""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from midstream.demo.reportfiles import (
    CSV,
    EDIFACT,
    INVENTORY,
    SELL_THROUGH,
    X12_867,
    XLSX,
    DistributorLayout,
    EdifactStyle,
    Envelope,
    ResellerRef,
    SaleLine,
    StockLine,
    TabularLayout,
    X12Style,
    csv_report,
    edifact_invrpt,
    edifact_slsrpt,
    impossible_date,
    x12_846,
    x12_852,
    x12_867,
    xlsx_report,
)
from midstream.ingest.formats import parse_file
from midstream.ingest.mapping import apply_mapping, default_spec
from midstream.ingest.records import Format, ReportKind

TODAY = dt.date(2026, 3, 15)
ENVELOPE = Envelope(
    sender_id="NORTHWIND",
    sender_name="Northwind Tech Distribution LLC",
    receiver_id="KESTRELNET",
    receiver_name="Kestrel Networks Inc.",
    control_number=4711,
    document_number="ST202601-1",
    created_at=dt.datetime(2026, 2, 4, 9, 30, tzinfo=dt.UTC),
    period_start=dt.date(2026, 1, 1),
    period_end=dt.date(2026, 1, 31),
)
APEX = ResellerRef(
    name="Apex IT Solutions Inc",
    account_number="C0012345",
    address="12 Main Street",
    city="Chicago",
    postal_code="60601",
    country="US",
)
# Characters every syntax must carry: an apostrophe, "&", "+", ":", "?", umlauts, and a name
# longer than one EDIFACT component (35 characters; X12 allows 60).
MUELLER = ResellerRef(
    name="Müller & Söhne Datentechnik + Service: O'Brien? GmbH & Co",
    account_number="K-77001",
    partner_id="R1000042",
    address="Hauptstraße 5",
    city="Berlin",
    postal_code="10115",
    country="DE",
)
SALES = (
    SaleLine(
        invoice_number="INV0001001",
        invoice_date=dt.date(2026, 1, 5),
        line_number=1,
        reseller=APEX,
        quantity=5,
        unit_price=Decimal("1234.50"),
        currency="USD",
        sku="NX-2400-03",
        gtin="0614141000012",
        unit="EA",
    ),
    SaleLine(
        invoice_number="INV0001001",
        invoice_date=dt.date(2026, 1, 5),
        line_number=2,
        reseller=APEX,
        quantity=3,
        unit_price=Decimal("89.90"),
        currency="USD",
        sku="CX-CAT6-02",
        part_number="NORT-CX-CAT6-02-BX",
        unit="BX",
    ),
    SaleLine(
        invoice_number="INV0001004",
        invoice_date=dt.date(2026, 1, 19),
        line_number=1,
        reseller=MUELLER,
        quantity=12,
        unit_price=Decimal("7.05"),
        currency="USD",
        part_number="4711-0815",
        unit="EA",
    ),
    SaleLine(
        invoice_number="CN000123",
        invoice_date=dt.date(2026, 1, 28),
        line_number=1,
        reseller=MUELLER,
        quantity=-2,
        unit_price=Decimal("1234.50"),
        currency="USD",
        sku="NX-2400-03",
        unit="EA",
    ),
)
STOCK = (
    StockLine(
        location="Chicago DC",
        on_hand=120,
        available=100,
        on_order=48,
        sku="NX-2400-03",
        gtin="0614141000012",
        unit="EA",
    ),
    StockLine(
        location="Chicago DC", on_hand=7, available=7, on_order=0, sku="AX-100-01", unit="EA"
    ),
    StockLine(
        location="Dallas DC",
        on_hand=30,
        available=25,
        on_order=10,
        part_number="NORT-CX-CAT6-02-BX",
        unit="BX",
    ),
)


def candidates(line) -> set[tuple[str, str]]:
    ids = {("sku", line.sku), ("gtin", line.gtin), ("part_number", line.part_number)}
    return {pair for pair in ids if pair[1]}


def expected_sale(line: SaleLine, *, amount=True, line_number=True) -> dict:
    reseller = line.reseller
    return {
        "invoice_number": line.invoice_number,
        "invoice_line": str(line.line_number) if line_number else "",
        "invoice_date": line.invoice_date,
        "is_return": line.quantity < 0,
        "quantity": Decimal(line.quantity),
        "unit": line.unit or "EA",
        "unit_reported": bool(line.unit),
        "unit_price": line.unit_price,
        "amount": line.amount if amount else None,
        "currency": line.currency,
        "candidates": candidates(line),
        "reseller": (
            reseller.name,
            reseller.account_number,
            reseller.partner_id,
            reseller.address,
            reseller.city,
            reseller.postal_code,
            reseller.country,
        ),
    }


def mapped_sale(record) -> dict:
    return {
        "invoice_number": record.invoice_number,
        "invoice_line": record.invoice_line,
        "invoice_date": record.invoice_date,
        "is_return": record.is_return,
        "quantity": record.quantity,
        "unit": record.unit,
        "unit_reported": record.unit_reported,
        "unit_price": record.unit_price,
        "amount": record.amount,
        "currency": record.currency,
        "candidates": set(record.product_candidates),
        "reseller": (
            record.reseller_name,
            record.reseller_account_number,
            record.reseller_partner_id,
            record.reseller_address,
            record.reseller_city,
            record.reseller_postal_code,
            record.reseller_country,
        ),
    }


def expected_stock(line: StockLine, as_of: dt.date, *, available=True) -> dict:
    return {
        "as_of_date": as_of,
        "location": line.location,
        "on_hand": Decimal(line.on_hand),
        "available": Decimal(line.available) if available else None,
        "on_order": Decimal(line.on_order),
        "unit": line.unit or "EA",
        "candidates": candidates(line),
    }


def mapped_stock(record) -> dict:
    return {
        "as_of_date": record.as_of_date,
        "location": record.stock_location,
        "on_hand": record.on_hand,
        "available": record.available,
        "on_order": record.on_order,
        "unit": record.unit,
        "candidates": set(record.product_candidates),
    }


def read(content: bytes, spec, kind: str, *, file_name: str = ""):
    """(parsed, mapped); asserts that neither the reader nor the mapping has anything to say."""
    parsed = parse_file(content, file_name=file_name or None, kind=ReportKind(kind))
    mapped = apply_mapping(parsed, spec, today=TODAY)
    assert [d.as_dict() for d in parsed.diagnostics] == []
    assert [d.as_dict() for d in mapped.diagnostics] == []
    return parsed, mapped


# ─── X12 ─────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "style",
    [
        X12Style(),
        X12Style(version="005010", line_breaks=True),
        X12Style(reseller_role="ST", component="|"),
    ],
)
def test_867_reads_back_exactly(style):
    content = x12_867(SALES, envelope=ENVELOPE, style=style)
    parsed, mapped = read(content, default_spec("x12", SELL_THROUGH), SELL_THROUGH)

    assert parsed.format is Format.X12
    (document,) = parsed.documents
    assert document.transaction == "867"
    assert document.version == style.version
    assert document.header["period_start"] == "20260101"
    assert document.header["period_end"] == "20260131"
    assert [mapped_sale(r) for r in mapped.records] == [expected_sale(line) for line in SALES]
    assert [r.transaction_type for r in mapped.records] == ["SS", "SS", "SS", "RV"]


def test_867_envelope_counts_and_control_numbers():
    text = x12_867(SALES, envelope=ENVELOPE, style=X12Style(line_breaks=True)).decode()
    segments = text.strip().split("~\n")
    isa, gs, st = segments[0].split("*"), segments[1].split("*"), segments[2].split("*")

    assert len(segments[0]) + 1 == 106  # the ISA is fixed-width
    assert isa[13] == "000004711" and segments[-1] == "IEA*1*000004711~"
    assert gs[1] == "PT" and gs[6] == "4711" and segments[-2] == "GE*1*4711"
    assert st == ["ST", "867", "0001"]
    se = segments[-3].split("*")
    assert se == ["SE", str(len(segments) - 4), "0001"]  # ST to SE inclusive
    assert "CTT*4" in segments
    assert "PTD*RV" in segments and "REF*IA*K-77001" in segments
    assert "N1*BY*Müller & Söhne Datentechnik + Service: O'Brien? GmbH & Co*ZZ*R1000042" in (
        segments
    )


def test_852_reads_back_with_the_invoice_in_each_za():
    """The 852 has no invoice date field: ZA04/05 (``003``) carries it, read as the date."""
    spec = replace(
        default_spec("x12", SELL_THROUGH),
        return_codes=("QU",),
        default_currency="USD",
        required_fields=("invoice_number", "quantity"),
    )
    content = x12_852(SALES, envelope=ENVELOPE, style=X12Style(version="005010"))
    parsed, mapped = read(content, spec, SELL_THROUGH)

    assert [d.transaction for d in parsed.documents] == ["852", "852"]  # one per reseller
    assert [d.control_number for d in parsed.documents] == ["0001", "0002"]
    assert [mapped_sale(r) for r in mapped.records] == [
        expected_sale(line, amount=False) for line in SALES
    ]
    assert [r.fields["date_003"] for r in parsed.records] == [
        line.invoice_date.strftime("%Y%m%d") for line in SALES
    ]
    assert [r.transaction_type for r in mapped.records] == ["QS", "QS", "QS", "QU"]
    assert {r.fields["period_end"] for r in parsed.records} == {"20260131"}


def test_846_reads_back_one_transaction_per_location():
    content = x12_846(STOCK, envelope=ENVELOPE, style=X12Style(line_breaks=True))
    parsed, mapped = read(content, default_spec("x12", INVENTORY), INVENTORY)

    assert [d.transaction for d in parsed.documents] == ["846", "846"]
    assert [mapped_stock(r) for r in mapped.records] == [
        expected_stock(line, ENVELOPE.period_end) for line in STOCK
    ]


def test_x12_refuses_a_value_holding_a_delimiter():
    bad = replace(SALES[0], reseller=replace(APEX, name="Apex*IT"))
    with pytest.raises(ValueError, match="delimiter"):
        x12_867([bad], envelope=ENVELOPE, style=X12Style())


def test_x12_refuses_a_name_over_60_characters():
    long_name = replace(SALES[0], reseller=replace(APEX, name="A" * 61))
    with pytest.raises(ValueError, match="limit of 60"):
        x12_867([long_name], envelope=ENVELOPE, style=X12Style())


def test_x12_refuses_other_versions():
    with pytest.raises(ValueError, match="004010 or 005010"):
        x12_867(SALES, envelope=ENVELOPE, style=X12Style(version="003050"))


# ─── EDIFACT ─────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "style",
    [
        EdifactStyle(),
        EdifactStyle(directory="D01B", decimal_mark=",", line_breaks=False),
    ],
)
def test_slsrpt_reads_back_exactly(style):
    content = edifact_slsrpt(SALES, envelope=ENVELOPE, style=style)
    parsed, mapped = read(content, default_spec("edifact", SELL_THROUGH), SELL_THROUGH)

    (document,) = parsed.documents
    assert document.transaction == "SLSRPT"
    assert document.version.startswith(f"D:{style.directory[1:]}:UN")
    assert document.header["currency"] == "USD"
    assert [mapped_sale(r) for r in mapped.records] == [expected_sale(line) for line in SALES]


def test_slsrpt_beyond_latin1_is_utf8_syntax_4():
    polish = replace(MUELLER, name="Hurtownia Łódź Sp. z o.o.", city="Łódź")
    lines = [replace(line, reseller=polish) for line in SALES[2:]]
    content = edifact_slsrpt(lines, envelope=ENVELOPE, style=EdifactStyle())
    _parsed, mapped = read(content, default_spec("edifact", SELL_THROUGH), SELL_THROUGH)

    assert b"UNB+UNOW:4+" in content
    assert [mapped_sale(r) for r in mapped.records] == [expected_sale(line) for line in lines]


def test_invrpt_reads_back_exactly():
    stock = [replace(line, available=None) for line in STOCK]
    content = edifact_invrpt(stock, envelope=ENVELOPE, style=EdifactStyle(decimal_mark=","))
    parsed, mapped = read(content, default_spec("edifact", INVENTORY), INVENTORY)

    assert parsed.documents[0].transaction == "INVRPT"
    assert [mapped_stock(r) for r in mapped.records] == [
        expected_stock(line, ENVELOPE.period_end, available=False) for line in stock
    ]


def test_invrpt_cannot_say_available():
    with pytest.raises(ValueError, match="available"):
        edifact_invrpt(STOCK, envelope=ENVELOPE, style=EdifactStyle())


# ─── CSV and XLSX ────────────────────────────────────────────────────────────────────────

GERMAN = TabularLayout(
    columns=(
        ("invoice_number", "Rechnungsnummer"),
        ("invoice_date", "Rechnungsdatum"),
        ("line_number", "Pos."),
        ("transaction_type", "Belegart"),
        ("reseller_id", "Partner-ID"),
        ("reseller_account_number", "Kundennummer"),
        ("reseller_name", "Kunde"),
        ("reseller_address", "Straße"),
        ("reseller_city", "Ort"),
        ("reseller_postal_code", "PLZ"),
        ("reseller_country", "Land"),
        ("sku", "Herstellerartikelnummer"),
        ("distributor_part_number", "Unsere Art.-Nr."),
        ("gtin", "EAN"),
        ("quantity", "Menge"),
        ("unit_of_measure", "ME"),
        ("unit_price", "Einzelpreis"),
        ("amount", "Betrag"),
        ("currency", "Währung"),
    ),
    delimiter=";",
    date_format="%d.%m.%Y",
    decimal_separator=",",
    thousands_separator=".",
    encoding="cp1252",
    sale_code="RE",
    return_code="GS",
    unit_words=(("EA", "Stk"), ("BX", "Karton")),
)
GERMAN_STOCK = replace(
    GERMAN,
    columns=(
        ("as_of_date", "Stichtag"),
        ("location", "Lager"),
        ("sku", "Herstellerartikelnummer"),
        ("distributor_part_number", "Art.-Nr."),
        ("gtin", "EAN"),
        ("on_hand", "Bestand"),
        ("available", "Verfügbar"),
        ("on_order", "Bestellt"),
        ("unit_of_measure", "ME"),
    ),
    sale_code="",
    return_code="",
)


def tabular_spec(fmt: str, sales: TabularLayout, stock: TabularLayout, kind: str):
    layout = DistributorLayout(
        code="OSTSEE",
        legal_name="Ostsee Komponenten GmbH",
        region="EMEA",
        currency="EUR",
        format=fmt,
        language="de",
        product_ids=("sku", "part_number", "gtin"),
        account_numbers=True,
        partner_ids=True,
        states_units=True,
        line_numbers=True,
        delivery_day=5,
        sales_layout=sales,
        stock_layout=stock,
    )
    return layout.mapping_spec(kind)


def test_german_csv_reads_back_exactly():
    content = csv_report(layout=GERMAN, lines=SALES)
    spec = tabular_spec(CSV, GERMAN, GERMAN_STOCK, SELL_THROUGH)
    parsed, mapped = read(content, spec, SELL_THROUGH)

    assert parsed.encoding == "windows-1252" and parsed.delimiter == ";"
    assert parsed.columns[0] == "Rechnungsnummer"
    assert b";1.234,50;" in content  # decimal comma, full stop between thousands
    assert b";GS;" in content and b";2;Stk;" in content  # returns by document type, unsigned
    assert [mapped_sale(r) for r in mapped.records] == [expected_sale(line) for line in SALES]


def test_csv_without_units_currency_or_line_numbers():
    """A plain layout: the part number's own unit applies, the spec gives the currency."""
    plain = TabularLayout(
        columns=(
            ("invoice_number", "Invoice #"),
            ("invoice_date", "Invoice Date"),
            ("reseller_name", "Customer Name"),
            ("reseller_city", "City"),
            ("reseller_postal_code", "Zip"),
            ("reseller_country", "Country"),
            ("sku", "Mfr Part #"),
            ("distributor_part_number", "Item #"),
            ("quantity", "Qty Shipped"),
            ("unit_price", "Unit Price"),
            ("amount", "Ext Price"),
        ),
        date_format="%m/%d/%Y",
    )
    lines = [
        replace(
            line,
            unit="",
            gtin="",
            reseller=replace(line.reseller, account_number="", partner_id="", address=""),
        )
        for line in SALES
    ]
    layout = replace(
        DistributorLayout(
            code="PRAIRIE",
            legal_name="Prairie Distribution Inc",
            region="AMER",
            currency="USD",
            format=CSV,
            language="en_us",
            product_ids=("sku", "part_number"),
            account_numbers=False,
            partner_ids=False,
            states_units=False,
            line_numbers=False,
            delivery_day=3,
        ),
        sales_layout=plain,
        stock_layout=plain,
    )
    spec = layout.mapping_spec(SELL_THROUGH)
    _parsed, mapped = read(csv_report(layout=plain, lines=lines), spec, SELL_THROUGH)

    assert spec.default_currency == "USD"
    assert [mapped_sale(r) for r in mapped.records] == [
        expected_sale(line, line_number=False) for line in lines
    ]


def test_csv_falls_back_to_utf8_when_the_encoding_cannot_hold_a_name():
    polish = replace(SALES[0], reseller=replace(APEX, name="Hurtownia Łódź Sp. z o.o."))
    content = csv_report(layout=GERMAN, lines=[polish])
    spec = tabular_spec(CSV, GERMAN, GERMAN_STOCK, SELL_THROUGH)
    _parsed, mapped = read(content, spec, SELL_THROUGH)

    assert content.startswith(b"\xef\xbb\xbf")
    assert mapped.records[0].reseller_name == "Hurtownia Łódź Sp. z o.o."


def test_utf16_tab_separated_inventory_reads_back():
    layout = replace(
        GERMAN_STOCK, delimiter="\t", encoding="utf-16", date_format="%Y/%m/%d",
        decimal_separator=".", thousands_separator="",
    )  # fmt: skip
    content = csv_report(layout=layout, stock=STOCK, as_of=dt.date(2026, 1, 31))
    spec = tabular_spec(CSV, GERMAN, layout, INVENTORY)
    parsed, mapped = read(content, spec, INVENTORY)

    assert parsed.encoding.startswith("utf-16")
    assert [mapped_stock(r) for r in mapped.records] == [
        expected_stock(line, dt.date(2026, 1, 31)) for line in STOCK
    ]


@pytest.mark.parametrize("typed", [True, False])
def test_xlsx_reads_back_exactly(typed):
    sales = replace(GERMAN, typed_cells=typed, sheet="Abverkauf")
    stock = replace(GERMAN_STOCK, typed_cells=typed, sheet="Bestand")
    spec = tabular_spec(XLSX, sales, stock, SELL_THROUGH)
    content = xlsx_report(layout=sales, lines=SALES)
    parsed, mapped = read(content, spec, SELL_THROUGH)

    assert parsed.format is Format.XLSX
    assert spec.date_format == ("%Y-%m-%d" if typed else "%d.%m.%Y")
    assert [mapped_sale(r) for r in mapped.records] == [expected_sale(line) for line in SALES]

    stock_spec = tabular_spec(XLSX, sales, stock, INVENTORY)
    content = xlsx_report(layout=stock, stock=STOCK, as_of=dt.date(2026, 1, 31))
    parsed, mapped = read(content, stock_spec, INVENTORY)
    assert [mapped_stock(r) for r in mapped.records] == [
        expected_stock(line, dt.date(2026, 1, 31)) for line in STOCK
    ]


def test_tabular_layout_refuses_unknown_columns():
    layout = TabularLayout(columns=(("invoice_number", "Inv"), ("colour", "Colour")))
    with pytest.raises(ValueError, match="colour"):
        csv_report(layout=layout, lines=SALES)


# ─── planted defects read as the errors they are ─────────────────────────────────────────


@pytest.mark.parametrize(
    ("fmt", "date_format"),
    [(X12_867, "%Y%m%d"), (EDIFACT, "%Y%m%d"), (CSV, "%d.%m.%Y"), (XLSX, "%Y-%m-%d")],
)
def test_bad_date_and_negative_price_are_line_errors(fmt, date_format):
    bad = [
        replace(SALES[0], date_text=impossible_date(dt.date(2026, 1, 1), date_format)),
        SALES[1],
        replace(SALES[2], unit_price=Decimal("-7.05")),
    ]
    if fmt == X12_867:
        content, spec = (
            x12_867(bad, envelope=ENVELOPE, style=X12Style()),
            default_spec("x12", "sell_through"),
        )
    elif fmt == EDIFACT:
        content = edifact_slsrpt(bad, envelope=ENVELOPE, style=EdifactStyle())
        spec = default_spec("edifact", SELL_THROUGH)
    elif fmt == CSV:
        content = csv_report(layout=GERMAN, lines=bad)
        spec = tabular_spec(CSV, GERMAN, GERMAN_STOCK, SELL_THROUGH)
    else:
        typed = replace(GERMAN, typed_cells=True)
        content = xlsx_report(layout=typed, lines=bad)
        spec = tabular_spec(XLSX, typed, GERMAN_STOCK, SELL_THROUGH)
    parsed = parse_file(content, kind=ReportKind.SELL_THROUGH)
    mapped = apply_mapping(parsed, spec, today=TODAY)

    assert sorted(str(d.code) for d in mapped.diagnostics) == ["invalid_date", "negative_price"]
    assert [r.invoice_number for r in mapped.records] == ["INV0001001"]  # the good line
    assert len(mapped.rejected) == 2


def test_impossible_date_in_each_format():
    month = dt.date(2025, 7, 1)
    assert impossible_date(month, "%d.%m.%Y") == "30.02.2025"
    assert impossible_date(month, "%m/%d/%Y") == "02/30/2025"
    assert impossible_date(month, "%Y%m%d") == "20250230"
    assert impossible_date(month, "%d/%m/%y") == "30/02/25"
