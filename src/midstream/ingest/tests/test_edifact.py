"""EDIFACT reader: the public sample (golden counts, records, diagnostics) and small fixtures.

The fixtures are written out as the text of real EDIFACT files, one segment a line, so a
reader can check the expected segment numbers by counting lines (UNA is not a segment).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from midstream.ingest.formats import edifact
from midstream.ingest.formats.edifact import parse_edifact
from midstream.ingest.records import Format, Party, ReportKind, Severity, SourceRecord


def _samples_folder() -> Path:
    """``shared/samples`` beside the repository root (the folder holding pyproject.toml)."""
    here = Path(__file__).resolve()
    root = next(parent for parent in here.parents if (parent / "pyproject.toml").exists())
    return root.parent / "shared" / "samples"


SAMPLES = _samples_folder()
SAMPLE = SAMPLES / "edifact_slsrpt_bots-edi_1.edi"
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"the public EDI samples folder {SAMPLES} is absent"
)


def codes(parsed) -> list[tuple[int | None, str | None, str]]:
    return [(d.location, d.field, d.code) for d in parsed.diagnostics]


def gs1(role: str, number: str, **extra) -> Party:
    return Party(role=role, id=number, id_qualifier="9", **extra)


# --- the public sample -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return parse_edifact(SAMPLE.read_bytes())


@needs_samples
def test_sample_counts(sample):
    assert sample.format is Format.EDIFACT
    assert sample.encoding == "utf-8"
    assert sample.delimiter == "+"
    assert sample.segment_count == 1406  # UNA is a service string, not a segment
    assert len(sample.documents) == 2
    assert [len(document.records) for document in sample.documents] == [196, 196]
    assert len(sample.records) == 392
    assert not sample.has_errors


@needs_samples
def test_sample_keeps_each_interchange_envelope(sample):
    first, second = sample.documents
    assert (first.kind, first.transaction, first.version) == (
        ReportKind.SELL_THROUGH,
        "SLSRPT",
        "D:96A:UN:EAN004",
    )
    assert (first.sender, first.receiver, first.control_number, first.location) == (
        "8712345555555",
        "8712345678906",
        "1",
        2,
    )
    assert (second.sender, second.receiver, second.control_number, second.location) == (
        "8712345555555",
        "4007060000007",
        "XXX",
        705,
    )
    assert first.header == {
        "interchange_reference": "76",
        "sender_qualifier": "14",
        "receiver_qualifier": "14",
        "syntax_identifier": "UNOB",
        "document_name_code": "73E",
        "document_number": "20060801005",
        "message_function": "9",
        "currency": "EUR",
        "report_date": "20080401",
        "period_start": "20080331",
        "period_end": "20080331",
    }
    assert second.header == {
        "interchange_reference": "XXX",
        "sender_qualifier": "14",
        "receiver_qualifier": "14",
        "syntax_identifier": "UNOB",
        "test_indicator": "1",
        "document_name_code": "73E",
        "document_number": "XXX",
        "message_function": "9",
        "currency": "EUR",
        "report_date": "20060801",
        "period_start": "20060731",
        "period_end": "20060731",
    }
    assert first.parties == {
        "SU": gs1("SU", "8712345678906"),
        "BY": gs1("BY", "8712345000000"),
    }
    assert second.parties == {
        "SU": gs1("SU", "4007060000007"),
        "BY": gs1("BY", "8712345000000"),
    }


@needs_samples
def test_sample_records(sample):
    records = sample.records
    assert records[0] == SourceRecord(
        kind=ReportKind.SELL_THROUGH,
        location=12,
        fields={
            "line_number": "1",
            "quantity": "2",
            "transaction_type": "sale",
            "unit_of_measure": "PCE",
            "unit_price": "27",
            "price_basis": "NTP",
            "price_type": "RTP",
            "currency": "EUR",
            "report_location": "8712345001472",
            "invoice_date": "20080331",
            "period_start": "20080331",
            "period_end": "20080331",
        },
        identifiers={"EN": "8712345275208"},
        raw="LIN+1++8712345275208:EN'\nPRI+NTP:27::RTP'\nQTY+153:2:PCE'",
    )
    line_seven = records[6]
    assert line_seven.location == 32
    assert line_seven.fields["report_location"] == "8712345000345"
    assert (line_seven.fields["quantity"], line_seven.fields["transaction_type"]) == (
        "-1",
        "return",
    )
    assert line_seven.fields["unit_price"] == "19.95"
    last = records[-1]
    assert (last.location, last.fields["line_number"], last.identifiers) == (
        1402,
        "196",
        {"EN": "8712345372103"},
    )
    assert (last.fields["period_start"], last.fields["invoice_date"]) == ("20060731", "20080331")


@needs_samples
def test_sample_quantities_and_returns(sample):
    for document in sample.documents:
        quantities = [Decimal(r.fields["quantity"]) for r in document.records]
        returns = [r for r in document.records if r.fields["transaction_type"] == "return"]
        assert sum(quantities) == 276
        assert len(returns) == 12
        assert sum(Decimal(r.fields["quantity"]) for r in returns) == -18
        assert all(r.fields["quantity"].startswith("-") for r in returns)
        # 52 LOC groups, two of them for a store already reported in the same message.
        assert len({r.fields["report_location"] for r in document.records}) == 50


@needs_samples
def test_sample_diagnostics(sample):
    assert [(d.location, d.field, d.code, d.severity) for d in sample.diagnostics] == [
        (704, "UNB11", "test_interchange", Severity.WARNING),
        (714, "DTM 356", "date_outside_period", Severity.WARNING),
    ]
    assert sample.diagnostics[1].message == (
        "52 sales dates (DTM 356) fall outside the report period 20060731..20060731 of "
        "message 'XXX', the first '20080331' at segment 714"
    )


@needs_samples
@pytest.mark.filterwarnings("ignore::pydifact.exceptions.MissingImplementationWarning")
def test_sample_agrees_with_pydifact(sample):
    """pydifact reads the same LIN, PRI and QTY values (it merges the two interchanges)."""
    from pydifact.parser import Parser

    segments = list(Parser().parse(SAMPLE.read_text()))
    lines = [s.elements[2] for s in segments if s.tag == "LIN"]
    prices = [s.elements[0] for s in segments if s.tag == "PRI"]
    quantities = [s.elements[0] for s in segments if s.tag == "QTY"]
    assert [[r.identifiers["EN"], "EN"] for r in sample.records] == lines
    assert [["NTP", r.fields["unit_price"], "", "RTP"] for r in sample.records] == prices
    assert [
        ["153", r.fields["quantity"], r.fields["unit_of_measure"]] for r in sample.records
    ] == quantities


# --- INVRPT ----------------------------------------------------------------------------------

INVRPT_D96A = """UNA:+.? '
UNB+UNOC:3+5410738100050:14+5410738100005:14+970201:1200+INV1'
UNH+ME000001+INVRPT:D:96A:UN:EAN004'
BGM+35+INVR21599+9'
DTM+137:19970201:102'
DTM+366:19970129:102'
NAD+GY+5410738100050::9'
LOC+18+5410738100067::9'
NAD+CO+5410738100005::9'
RFF+VA:544211'
LIN+1++5412345100102:EN'
PIA+1+ABC-1:SA+77:IN'
IMD+F++:::Widget 10 mm'
QTY+145:300:PCE'
QTY+198:20:PCE'
QTY+21:50:PCE'
QTY+124:2:PCE'
LIN+2++5412345100119:EN'
QTY+145:12'
LOC+18+5410738100074::9'
QTY+145:8'
LOC+18+5410738100081::9'
QTY+66:3'
LOC+18+5410738100081::9'
LIN+3++5412345100126:EN'
QTY+145:40'
QTY+145:15'
CNT+2:3'
UNT+27+ME000001'
UNZ+1+INV1'
"""


def test_invrpt_d96a_header():
    parsed = parse_edifact(INVRPT_D96A.encode())
    (document,) = parsed.documents
    assert (document.kind, document.transaction, document.version) == (
        ReportKind.INVENTORY,
        "INVRPT",
        "D:96A:UN:EAN004",
    )
    assert (document.sender, document.receiver) == ("5410738100050", "5410738100005")
    assert document.header == {
        "interchange_reference": "INV1",
        "sender_qualifier": "14",
        "receiver_qualifier": "14",
        "syntax_identifier": "UNOC",
        "document_name_code": "35",
        "document_number": "INVR21599",
        "message_function": "9",
        "report_date": "19970201",
        "as_of_date": "19970129",  # DTM 366, not the document date
    }
    assert document.parties == {
        "GY": gs1("GY", "5410738100050"),
        "CO": gs1("CO", "5410738100005", references={"VA": "544211"}),
    }


def test_invrpt_d96a_lines_locations_and_qualifiers():
    parsed = parse_edifact(INVRPT_D96A.encode())
    records = parsed.records
    assert {r.kind for r in records} == {ReportKind.INVENTORY}
    assert [r.location for r in records] == [10, 17, 17, 24]
    # Line 1: the header's NAD-LOC is the stock location; 124 has no canonical field.
    assert records[0].fields == {
        "line_number": "1",
        "product_description": "Widget 10 mm",
        "on_hand": "300",
        "unit_of_measure": "PCE",
        "in_transit": "20",
        "on_order": "50",
        "qty_124": "2",
        "as_of_date": "19970129",
        "location": "5410738100067",
    }
    assert records[0].identifiers == {"EN": "5412345100102", "SA": "ABC-1", "IN": "77"}
    # Line 2: one record per location; the LOC after each QTY says where that stock is.
    assert [r.fields for r in records[1:3]] == [
        {
            "line_number": "2",
            "on_hand": "12",
            "as_of_date": "19970129",
            "location": "5410738100074",
        },
        {
            "line_number": "2",
            "on_hand": "8",
            "committed": "3",
            "as_of_date": "19970129",
            "location": "5410738100081",
        },
    ]
    # Line 3: a second QTY 145 at the same place is a sub-quantity; the first is kept.
    assert records[3].fields["on_hand"] == "40"
    assert records[3].raw == "LIN+3++5412345100126:EN'\nQTY+145:40'\nQTY+145:15'"
    assert codes(parsed) == [(26, "QTY 145", "repeated_quantity")]
    assert parsed.diagnostics[0].message == (
        "line 3 (segment 24) gives QTY 145 '40' (segment 25) and '15' for location "
        "'5410738100067'; the first is kept"
    )


INVRPT_D01B = """UNB+UNOC:3+SENDER1+RECEIVER1+020201:1200+IR2'
UNH+1+INVRPT:D:01B:UN:EAN007'
BGM+35+IR2002+9'
DTM+137:20020201:102'
NAD+MF+5412345000013::9'
NAD+BY+5412345000020::9'
LIN+1++4000862141404:SRV'
INV+2'
QTY+145:100'
LOC+18+5412345000037::9'
DTM+366:20020131:102'
INV+2'
QTY+145:40'
QTY+198:7'
LOC+18+5412345000044::9'
UNT+15+1'
UNZ+1+IR2'
"""


def test_invrpt_d01b_inv_led_quantity_groups():
    parsed = parse_edifact(INVRPT_D01B.encode())
    assert parsed.diagnostics == []
    (document,) = parsed.documents
    assert (document.version, document.sender, document.receiver) == (
        "D:01B:UN:EAN007",
        "SENDER1",
        "RECEIVER1",
    )
    assert document.header["as_of_date"] == "20020201"  # no DTM 366: the document date
    assert [(r.location, r.fields) for r in document.records] == [
        (
            7,
            {
                "line_number": "1",
                "inventory_movement": "2",
                "on_hand": "100",
                "as_of_date": "20020131",  # the quantity group's own DTM 366
                "location": "5412345000037",
            },
        ),
        (
            7,
            {
                "line_number": "1",
                "inventory_movement": "2",
                "on_hand": "40",
                "in_transit": "7",
                "as_of_date": "20020201",
                "location": "5412345000044",
            },
        ),
    ]
    assert document.records[0].identifiers == {"SRV": "4000862141404"}


def test_invrpt_qty_before_inv_eancom_1997_order():
    text = (
        "UNH+1+INVRPT:D:96A:UN:EAN004'BGM+35+X+9'DTM+137:19970201:102'"
        "LIN+1++111:EN'QTY+145:5'INV+1'LOC+18+A'QTY+145:6'INV+1'LOC+18+B'UNT+11+1'"
    )
    parsed = parse_edifact(text.encode())
    assert [(r.fields["location"], r.fields["on_hand"]) for r in parsed.records] == [
        ("A", "5"),
        ("B", "6"),
    ]
    assert codes(parsed) == [(1, "UNB", "missing_unb")]


def test_invrpt_line_without_quantity():
    text = (
        "UNB+UNOA:1+S+R+970201:1200+1'UNH+1+INVRPT:D:96A:UN'BGM+35+X+9'"
        "LIN+1++111:EN'LOC+18+WH1'UNT+5+1'UNZ+1+1'"
    )
    parsed = parse_edifact(text.encode())
    assert [r.fields for r in parsed.records] == [{"line_number": "1", "location": "WH1"}]
    assert codes(parsed) == [(4, "QTY", "missing_quantity")]


# --- SLSRPT ----------------------------------------------------------------------------------

SLSRPT_D97A = """UNA:+,? '
UNB+UNOA:2+DISTRI:ZZ+VENDOR:ZZ+971231:2359+SR97A'
UNH+M1+SLSRPT:D:97A:UN'
BGM+73E+SR-1997-12+9'
DTM+137:199712312359:203'
DTM+90:19971201:102'
DTM+91:19971231:102'
NAD+SE+DISTRI::91++Distri?+Co GmbH'
RFF+VA:DE123'
NAD+SU+VENDOR::92'
CUX+2:EUR:10'
LOC+162+STORE-7::91'
DTM+356:19971215:102'
NAD+BY+RESELLER-9::91++Shop ?'Corner?' Ltd+Main Street 1+Springfield++12345+DE'
LIN+1++VND-100:SA'
PIA+1+4000862141404:EN+D-100:IN'
IMD+F++:::Laser?:Printer 9000'
RFF+IV:INV-555'
MOA+203:1234,50'
PRI+AAA:123,45:CA:SRP:1:PCE'
PRI+AAB:150'
QTY+153:10:PCE'
LIN+2++VND-200:SA'
QTY+153:-2:PCE'
DTM+356:19971220:102'
PRI+AAA:50'
UNT+25+M1'
UNZ+1+SR97A'
"""


def test_slsrpt_d97a_header_with_release_characters():
    parsed = parse_edifact(SLSRPT_D97A.encode())
    assert parsed.diagnostics == []
    (document,) = parsed.documents
    assert (document.version, document.control_number) == ("D:97A:UN", "M1")
    assert document.header == {
        "interchange_reference": "SR97A",
        "sender_qualifier": "ZZ",
        "receiver_qualifier": "ZZ",
        "syntax_identifier": "UNOA",
        "document_name_code": "73E",
        "document_number": "SR-1997-12",
        "message_function": "9",
        "currency": "EUR",
        "report_date": "199712312359",  # format 203 kept as written
        "period_start": "19971201",
        "period_end": "19971231",
    }
    assert document.parties == {
        "SE": Party(
            role="SE",
            id="DISTRI",
            id_qualifier="91",
            name="Distri+Co GmbH",  # "?+" is a released element separator
            references={"VA": "DE123"},
        ),
        "SU": Party(role="SU", id="VENDOR", id_qualifier="92"),
    }


def test_slsrpt_d97a_records():
    parsed = parse_edifact(SLSRPT_D97A.encode())
    first, second = parsed.records
    reseller = Party(
        role="BY",
        id="RESELLER-9",
        id_qualifier="91",
        name="Shop 'Corner' Ltd",  # "?'" is a released segment terminator
        address="Main Street 1",
        city="Springfield",
        postal_code="12345",
        country="DE",
    )
    assert first == SourceRecord(
        kind=ReportKind.SELL_THROUGH,
        location=14,
        fields={
            "line_number": "1",
            "product_description": "Laser:Printer 9000",
            "invoice_number": "INV-555",
            "quantity": "10",
            "transaction_type": "sale",
            "unit_of_measure": "PCE",
            "unit_price": "123.45",  # the UNA declares the comma as decimal mark
            "price_basis": "AAA",
            "price_type_code": "CA",
            "price_type": "SRP",
            "price_unit_basis": "1",
            "price_AAB": "150",
            "amount": "1234.50",
            "currency": "EUR",
            "report_location": "STORE-7",
            "invoice_date": "19971215",
            "period_start": "19971201",
            "period_end": "19971231",
        },
        identifiers={"SA": "VND-100", "EN": "4000862141404", "IN": "D-100"},
        parties={"BY": reseller},
        raw=(
            "LIN+1++VND-100:SA'\nPIA+1+4000862141404:EN+D-100:IN'\n"
            "IMD+F++:::Laser?:Printer 9000'\nRFF+IV:INV-555'\nMOA+203:1234,50'\n"
            "PRI+AAA:123,45:CA:SRP:1:PCE'\nPRI+AAB:150'\nQTY+153:10:PCE'"
        ),
    )
    assert second.location == 22
    assert second.fields == {
        "line_number": "2",
        "quantity": "-2",
        "transaction_type": "return",
        "unit_of_measure": "PCE",
        "unit_price": "50",
        "price_basis": "AAA",
        "currency": "EUR",
        "report_location": "STORE-7",
        "invoice_date": "19971220",  # the quantity's own DTM 356 beats the group's
        "period_start": "19971201",
        "period_end": "19971231",
    }
    assert second.parties == {"BY": reseller}
    assert second.parties["BY"] is not first.parties["BY"]  # each record owns its parties


SLSRPT_D01B = """UNA:+.? '
UNB+UNOC:3+5456789000017:14+3323456007896:14+021105:1000+SDR1568'
UNH+ME000001+SLSRPT:D:01B:UN:EAN007'
BGM+73E::9+SDR1568+9'
DTM+137:20021105:102'
DTM+356:2002100120021031:718'
NAD+SE+5456789000017::9'
NAD+SU+3323456007896::9'
CUX+2:EUR:10'
LOC+162+5456789000024::9'
DTM+356:2002100420021010:718'
LIN+1++5412345000105:SRV'
MOA+203:210000'
PRI+AAA:1500:CA:RTP'
QTY+153:140'
LOC+162+5456789000031::9'
DTM+356:20021004-20021010:718'
LIN+2++5412345000105:SRV'
MOA+203:150000'
PRI+AAA:1500:CA:RTP'
QTY+153:100'
UNT+20+ME000001'
UNZ+1+SDR1568'
"""


def test_slsrpt_d01b_sales_periods_as_718_ranges():
    parsed = parse_edifact(SLSRPT_D01B.encode())
    assert parsed.diagnostics == []
    (document,) = parsed.documents
    # The header's DTM 356 range (EANCOM writes it without a hyphen) is the report period.
    assert (document.header["period_start"], document.header["period_end"]) == (
        "20021001",
        "20021031",
    )
    assert [r.fields for r in document.records] == [
        {
            "line_number": "1",
            "quantity": "140",
            "transaction_type": "sale",
            "unit_price": "1500",
            "price_basis": "AAA",
            "price_type_code": "CA",
            "price_type": "RTP",
            "amount": "210000",
            "currency": "EUR",
            "report_location": "5456789000024",
            "period_start": "20021004",  # the location's own sales week
            "period_end": "20021010",
        },
        {
            "line_number": "2",
            "quantity": "100",
            "transaction_type": "sale",
            "unit_price": "1500",
            "price_basis": "AAA",
            "price_type_code": "CA",
            "price_type": "RTP",
            "amount": "150000",
            "currency": "EUR",
            "report_location": "5456789000031",
            "period_start": "20021004",
            "period_end": "20021010",
        },
    ]
    assert [r.identifiers for r in document.records] == [{"SRV": "5412345000105"}] * 2


def test_slsrpt_line_split_by_date_gives_one_record_per_quantity():
    text = (
        "UNB+UNOA:1+S+R+080101:0000+1'UNH+1+SLSRPT:D:96A:UN:EAN004'BGM+73E+X+9'"
        "DTM+90:20080101:102'DTM+91:20080107:102'LOC+162+L1'LIN+1++111:EN'MOA+203:30'"
        "QTY+153:1'DTM+356:20080102:102'QTY+153:2'DTM+356:20080103:102'UNT+12+1'UNZ+1+1'"
    )
    parsed = parse_edifact(text.encode())
    assert [
        (r.location, r.fields["quantity"], r.fields["invoice_date"], "amount" in r.fields)
        for r in parsed.records
    ] == [(7, "1", "20080102", False), (7, "2", "20080103", False)]
    assert codes(parsed) == [(7, "MOA 203", "amount_not_split")]


def test_slsrpt_rff_right_after_lin_belongs_to_the_line_not_the_last_party():
    text = (
        "UNB+UNOA:1+S+R+080101:0000+1'UNH+1+SLSRPT:D:96A:UN:EAN004'BGM+73E+X+9'"
        "DTM+90:20080101:102'DTM+91:20080107:102'LOC+162+X1'NAD+BY+++Shop A'RFF+IT:ACC1'"
        "LIN+1++0614141000012:EN'RFF+IV:INV1'QTY+153:1'UNT+11+1'UNZ+1+1'"
    )
    (record,) = parse_edifact(text.encode()).records
    assert record.fields["invoice_number"] == "INV1"
    assert record.parties["BY"].references == {"IT": "ACC1"}


def test_slsrpt_line_problems():
    text = (
        "UNB+UNOA:1+S+R+080101:0000+1'UNH+1+SLSRPT:D:96A:UN:EAN004'BGM+73E+X+9'"
        "QTY+153:9'"  # 4: before any LIN
        "LOC+162+L1'DTM+356:2008:999'"  # 6: unknown date format
        "LIN+1'PRI+AAA:1O'"  # 7: no product; 8: a letter O for a zero
        "LIN+2++222:EN'PIA+1+A1:SA+A2:SA'QTY+153:abc'DTM+356:2008010:718'"  # 10, 11, 12
        "LIN+3++333:EN'QTY+61:1'"  # 13: no QTY 153
        "CNT+2:4'UNT+15+1'UNZ+1+1'"  # 15: three lines, not four
    )
    parsed = parse_edifact(text.encode())
    assert codes(parsed) == [
        (4, "QTY", "segment_out_of_place"),
        (6, "DTM 356", "unsupported_date_format"),
        (7, "LIN03", "missing_item_id"),
        (7, "QTY 153", "missing_quantity"),
        (8, "PRI AAA", "not_a_number"),
        (10, "PIA SA", "duplicate_identifier"),
        (11, "QTY 153", "not_a_number"),
        (12, "DTM 356", "bad_date_range"),
        (13, "QTY 153", "missing_quantity"),
        (15, "CNT 2", "cnt_mismatch"),
    ]
    assert all(d.severity is Severity.WARNING for d in parsed.diagnostics)
    records = parsed.records
    assert [r.location for r in records] == [7, 9, 13]
    assert records[0].fields["unit_price"] == "1O"  # kept as written
    assert records[1].identifiers == {"EN": "222", "SA": "A1"}
    # Not a number: kept as written, but neither a sale nor a return.
    assert records[1].fields == {
        "line_number": "2",
        "quantity": "abc",
        "report_location": "L1",
    }
    assert records[2].fields == {
        "line_number": "3",
        "qty_61": "1",
        "report_location": "L1",
        "invoice_date": "2008",
    }


# --- delimiters ------------------------------------------------------------------------------

WITHOUT_UNA = (
    "UNB+UNOA:1+SENDER+RECEIVER+080101:0000+REF1'\n"
    "UNH+1+SLSRPT:D:96A:UN:EAN004'\n"
    "BGM+73E+DOC1+9'\n"
    "NAD+BY+B1::9++ABC?+DEF ?:?? Co'\n"
    "LOC+162+L1'\n"
    "LIN+1++111:EN'\n"
    "QTY+153:3'\n"
    "UNT+7+1'\n"
    "UNZ+1+REF1'\n"
)


def test_default_delimiters_and_release_character_without_una():
    parsed = parse_edifact(WITHOUT_UNA.encode())
    assert parsed.diagnostics == []
    assert parsed.segment_count == 9
    (document,) = parsed.documents
    assert (document.sender, document.receiver) == ("SENDER", "RECEIVER")
    assert document.parties["BY"].name == "ABC+DEF :? Co"
    assert parsed.records[0].fields["quantity"] == "3"


def test_released_release_character_before_a_terminator():
    # "??" is a literal "?", so the "'" after it ends the segment; "?'" does not.
    text = "UNH+1+SLSRPT:D:96A:UN'NAD+BY+B1++Why??'NAD+SU+S1++It?'s'LIN+1++1:EN'QTY+153:1'UNT+6+1'"
    parsed = parse_edifact(text.encode())
    assert codes(parsed) == [(1, "UNB", "missing_unb")]
    parties = parsed.documents[0].parties
    assert (parties["BY"].name, parties["SU"].name) == ("Why?", "It's")
    assert parsed.segment_count == 6


def test_line_feed_segment_terminator_declared_in_una():
    text = (
        "UNA:+.? \n"
        "UNB+UNOA:2+S+R+080101:0000+7\r\n"
        "UNH+1+SLSRPT:D:96A:UN:EAN004\r\n"
        "\r\n"
        "BGM+73E+D+9\n"
        "LOC+162+L1\n"
        "LIN+1++111:EN\n"
        "PRI+AAA:2.5\n"
        "QTY+153:4:PCE\n"
        "UNT+7+1\n"
        "UNZ+1+7\n"
    )
    parsed = parse_edifact(text.encode())
    assert parsed.diagnostics == []
    assert parsed.segment_count == 9
    (record,) = parsed.records
    assert (record.location, record.fields["unit_price"], record.fields["unit_of_measure"]) == (
        5,
        "2.5",
        "PCE",
    )
    assert record.raw == "LIN+1++111:EN\nPRI+AAA:2.5\nQTY+153:4:PCE\n"


def test_level_b_information_separators_without_una():
    segments = [
        "UNB\x1dUNOB\x1f1\x1dS\x1dR\x1d080101\x1f0000\x1d1",
        "UNH\x1d1\x1dSLSRPT\x1fD\x1f96A\x1fUN",
        "LIN\x1d1\x1d\x1d111\x1fEN",
        "QTY\x1d153\x1f5",
        "UNT\x1d4\x1d1",
        "UNZ\x1d1\x1d1",
    ]
    parsed = parse_edifact(("\x1c".join(segments) + "\x1c").encode())
    assert parsed.diagnostics == []
    assert parsed.delimiter == "\x1d"
    (record,) = parsed.records
    assert (record.identifiers, record.fields["quantity"]) == ({"EN": "111"}, "5")


def test_three_concatenated_interchanges_keep_their_own_envelopes():
    text = (
        "UNA:+.? 'UNB+UNOA:2+S1+R1+080101:0000+1'UNH+1+SLSRPT:D:96A:UN:EAN004'"
        "LOC+162+L1'LIN+1++111:EN'QTY+153:1'UNT+5+1'UNZ+1+1'\n"
        # Its own UNA: | components, * elements, # release, ~ terminator.
        "UNA|*.# ~UNB*UNOA|2*S2*R2*080101|0000*2~UNH*1*SLSRPT|D|97A|UN~"
        "LOC*162*L#*2~LIN*1**222|EN~QTY*153|-2~UNT*5*1~UNZ*1*2~\n"
        # No UNA: the defaults again.
        "UNB+UNOA:2+S3+R3+080101:0000+3'UNH+1+INVRPT:D:01B:UN:EAN007'"
        "LIN+1++333:EN'QTY+145:7'UNT+4+1'UNZ+1+3'"
    )
    parsed = parse_edifact(text.encode())
    assert parsed.diagnostics == []
    assert parsed.segment_count == 20
    assert [(d.sender, d.receiver, d.version, d.location, d.kind) for d in parsed.documents] == [
        ("S1", "R1", "D:96A:UN:EAN004", 2, ReportKind.SELL_THROUGH),
        ("S2", "R2", "D:97A:UN", 9, ReportKind.SELL_THROUGH),
        ("S3", "R3", "D:01B:UN:EAN007", 16, ReportKind.INVENTORY),
    ]
    assert [(r.location, r.identifiers) for r in parsed.records] == [
        (4, {"EN": "111"}),
        (11, {"EN": "222"}),
        (17, {"EN": "333"}),
    ]
    assert parsed.records[1].fields["report_location"] == "L*2"
    assert parsed.records[1].fields["quantity"] == "-2"
    assert parsed.records[2].fields["on_hand"] == "7"


def test_bad_una_falls_back_to_the_defaults():
    text = "UNA::.? 'UNB+UNOA:1+S+R+080101:0000+1'UNZ+0+1'"
    parsed = parse_edifact(text.encode())
    assert codes(parsed) == [(1, "UNA", "bad_una")]
    assert parsed.segment_count == 2


# --- envelopes -------------------------------------------------------------------------------


def test_envelope_counts_and_references_are_warnings():
    text = (
        "UNB+UNOA:1+S+R+080101:0000+REF'"
        "UNH+M1+SLSRPT:D:96A:UN:EAN004'LIN+1++111:EN'QTY+153:1'UNT+9+M2'"
        "UNZ+2+FER'"
    )
    parsed = parse_edifact(text.encode())
    assert codes(parsed) == [
        (5, "UNT01", "unt_count_mismatch"),
        (5, "UNT02", "unt_reference_mismatch"),
        (6, "UNZ01", "unz_count_mismatch"),
        (6, "UNZ02", "unz_reference_mismatch"),
    ]
    assert [d.message for d in parsed.diagnostics] == [
        "UNT01 says '9' segments; message 'M1' has 4 (UNH to UNT inclusive)",
        "UNT02 'M2' differs from UNH01 'M1' (segment 2)",
        "UNZ01 says '2'; interchange 'REF' has 1 messages",
        "UNZ02 'FER' differs from UNB05 'REF' (segment 1)",
    ]
    assert len(parsed.records) == 1


def test_functional_groups():
    text = (
        "UNB+UNOA:1+S+R+080101:0000+1'UNG+SLSRPT+S+R+080101:0000+G1+UN+D:96A'"
        "UNH+1+SLSRPT:D:96A:UN'LIN+1++111:EN'QTY+153:1'UNT+4+1'"
        "UNH+2+SLSRPT:D:96A:UN'UNT+2+2'UNE+1+G2'UNZ+1+1'"
    )
    parsed = parse_edifact(text.encode())
    assert codes(parsed) == [
        (9, "UNE01", "une_count_mismatch"),
        (9, "UNE02", "une_reference_mismatch"),
    ]
    assert len(parsed.documents) == 2


def test_unclosed_functional_group_and_a_second_party_for_a_role():
    text = (
        "UNB+UNOA:1+S+R+080101:0000+1'UNG+SLSRPT+S+R+080101:0000+G1'"
        "UNH+1+SLSRPT:D:96A:UN'NAD+BY+B1::9'NAD+BY+B2::9'NAD+BY+B1::9'LIN+1++1:EN'QTY+153:1'"
        "UNT+7+1'UNZ+1+1'"
    )
    parsed = parse_edifact(text.encode())
    assert codes(parsed) == [(2, "UNE", "missing_une"), (5, "NAD BY", "duplicate_party")]
    assert parsed.documents[0].parties == {"BY": gs1("BY", "B1")}


def test_unsupported_message_yields_a_document_without_records():
    text = (
        "UNB+UNOA:1+S+R+080101:0000+1'UNH+1+ORDERS:D:96A:UN:EAN008'BGM+220+PO1+9'"
        "LIN+1++111:EN'QTY+21:5'UNT+5+1'UNZ+1+1'"
    )
    parsed = parse_edifact(text.encode())
    (document,) = parsed.documents
    assert (document.kind, document.transaction, document.records) == (None, "ORDERS", [])
    assert codes(parsed) == [(2, "UNH02", "unsupported_message")]


def test_segments_outside_messages_are_ignored_with_a_warning():
    text = "UNB+UNOA:1+S+R+080101:0000+1'FTX+AAI+++hello'UNZ+0+1'UNT+1+1'"
    parsed = parse_edifact(text.encode())
    assert codes(parsed) == [
        (2, "FTX", "segment_outside_message"),
        (4, "UNT", "segment_outside_message"),
    ]


# --- truncated and broken files --------------------------------------------------------------

TRUNCATED = (
    "UNA:+.? '\n"
    "UNB+UNOA:2+S+R+080101:0000+9'\n"
    "UNH+1+SLSRPT:D:96A:UN:EAN004'\n"
    "LOC+162+L1'\n"
    "LIN+1++111:EN'\n"
    "PRI+NTP:5::RTP'\n"
    "QTY+153:2:PCE'\n"
    "LIN+2++222:EN'\n"
    "PRI+NTP:7::RTP'\n"
    "QTY+15"
)


def test_truncated_file_keeps_what_was_read():
    parsed = parse_edifact(TRUNCATED.encode())
    assert parsed.segment_count == 9
    assert codes(parsed) == [
        (1, "UNZ", "missing_unz"),
        (2, "UNT", "missing_unt"),
        (7, "QTY 153", "missing_quantity"),
        (9, "QTY", "unterminated_segment"),
    ]
    assert [d.message for d in parsed.diagnostics] == [
        "interchange '9' (UNB at segment 1) has no UNZ: the file ends at segment 9; its 1 "
        "messages are kept",
        "message '1' (UNH at segment 2) has no UNT: the file ends at segment 9; the 2 records "
        "read are kept",
        "line 2 (segment 7) has no quantity sold (QTY 153); its record has no quantity",
        "the file ends inside segment 9 ('QTY+15') without the terminator \"'\"; the segment "
        "is skipped",
    ]
    first, second = parsed.records
    assert (first.fields["quantity"], first.fields["unit_price"]) == ("2", "5")
    assert "quantity" not in second.fields
    assert second.raw == "LIN+2++222:EN'\nPRI+NTP:7::RTP'"


def test_a_missing_last_terminator_on_the_trailer_is_read():
    text = (
        "UNB+UNOA:1+S+R+080101:0000+1'UNH+1+SLSRPT:D:96A:UN'LIN+1++1:EN'QTY+153:1'UNT+4+1'UNZ+1+1"
    )
    parsed = parse_edifact(text.encode())
    assert codes(parsed) == [(6, "UNZ", "unterminated_segment")]
    assert parsed.diagnostics[0].message.endswith("it is read as it stands")


def test_a_new_interchange_closes_an_unfinished_one():
    text = (
        "UNB+UNOA:1+S1+R1+080101:0000+1'UNH+1+SLSRPT:D:96A:UN'LIN+1++1:EN'QTY+153:1'"
        "UNB+UNOA:1+S2+R2+080101:0000+2'UNH+1+SLSRPT:D:96A:UN'LIN+1++2:EN'QTY+153:1'UNT+4+1'"
        "UNZ+1+2'"
    )
    parsed = parse_edifact(text.encode())
    assert codes(parsed) == [(1, "UNZ", "missing_unz"), (2, "UNT", "missing_unt")]
    assert [(d.sender, len(d.records)) for d in parsed.documents] == [("S1", 1), ("S2", 1)]


def test_bad_segments_are_errors_and_still_counted_by_unt():
    text = (
        "UNB+UNOA:1+S+R+080101:0000+1'UNH+1+SLSRPT:D:96A:UN'LIN+1++1:EN'"
        "qty+153:1'Q\x01Y+1'QTY+153:2'" + "FTX+" + "x" * 10_001 + "'UNT+7+1'UNZ+1+1'"
    )
    parsed = parse_edifact(text.encode())
    assert [(d.location, d.code, d.severity) for d in parsed.diagnostics] == [
        (4, "bad_segment_tag", Severity.ERROR),
        (5, "bad_segment_tag", Severity.ERROR),
        (7, "segment_too_long", Severity.ERROR),
    ]
    assert not parsed.has_errors  # the file as a whole is read
    assert parsed.records[0].fields["quantity"] == "2"


def test_too_many_elements():
    text = (
        "UNB+UNOA:1+S+R+080101:0000+1'UNH+1+SLSRPT:D:96A:UN'FTX" + "+a" * 600 + "'UNT+3+1'UNZ+1+1'"
    )
    parsed = parse_edifact(text.encode())
    assert codes(parsed) == [(3, "FTX", "too_many_elements")]
    assert parsed.diagnostics[0].severity is Severity.ERROR


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty_file"),
        (b"\xef\xbb\xbf \r\n\t", "empty_file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "nul_bytes"),
        (b"UNB+UNOA:1+S+R+1+1'\x00UNZ+0+1'", "nul_bytes"),
        (b"ISA*00*          *00*", "not_edifact"),
        (b"\xff\xd8\xff\xe0 junk", "not_edifact"),
        (b"hello, world", "not_edifact"),
    ],
)
def test_files_that_are_not_edifact(content, code):
    parsed = parse_edifact(content)
    assert [(d.location, d.code, d.severity) for d in parsed.diagnostics] == [
        (None, code, Severity.ERROR)
    ]
    assert parsed.has_errors
    assert (parsed.documents, parsed.segment_count) == ([], 0)


def test_file_over_the_size_limit(monkeypatch):
    monkeypatch.setattr(edifact, "MAX_FILE_BYTES", 100)
    content = WITHOUT_UNA.encode()
    parsed = parse_edifact(content)
    assert codes(parsed) == [(None, None, "file_too_large")]
    assert parsed.diagnostics[0].message == f"the file has {len(content)} bytes; the limit is 100"
    assert parsed.documents == []


def test_diagnostics_are_capped():
    text = "UNB+UNOA:1+S+R+080101:0000+1'" + "bad'" * 1_200 + "UNZ+0+1'"
    parsed = parse_edifact(text.encode())
    assert len(parsed.diagnostics) == edifact.MAX_DIAGNOSTICS + 1
    last = parsed.diagnostics[-1]
    assert (last.code, last.message) == (
        "too_many_diagnostics",
        "200 more diagnostics left out after the first 1000",
    )


# --- encodings -------------------------------------------------------------------------------


def test_bom_utf16_latin1_and_trailing_padding():
    text = WITHOUT_UNA.replace("ABC?+DEF ?:?? Co", "Müller")
    for content, encoding in [
        (b"\xef\xbb\xbf" + text.encode(), "utf-8"),
        (text.encode("utf-16"), "utf-16"),
        (text.encode("utf-16-le"), "utf-16-le"),
        (text.encode("latin-1"), "latin-1"),
        (text.encode() + b"\x00\x00\x1a", "utf-8"),
    ]:
        parsed = parse_edifact(content)
        assert (parsed.encoding, parsed.diagnostics) == (encoding, [])
        assert parsed.documents[0].parties["BY"].name == "Müller"
