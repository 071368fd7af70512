"""Golden expectations for the public X12 samples (../shared/samples, see SOURCES.md there).

The samples are read where they are, never copied into the repository. Their defects are real:
the 852 ends with ``IEA*1*000000002~^`` (IEA02 does not match ISA13), the 846 has two missing
segment terminators (two segments swallow the next).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from midstream.ingest.formats.x12 import parse_x12
from midstream.ingest.formats.x12_tokenizer import Delimiters, tokenize
from midstream.ingest.records import Format, Party, ReportKind, Severity


def _repository_root() -> Path:
    here = Path(__file__).resolve()
    for folder in here.parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    return here.parents[4]


SAMPLES = _repository_root().parent / "shared" / "samples"

pytestmark = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"the shared samples folder {SAMPLES} is absent"
)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def diagnostics(parsed) -> list[tuple]:
    return [(d.location, d.field, d.code, d.severity) for d in parsed.diagnostics]


def transaction_length(tokens) -> int:
    """Segments from ST to SE inclusive, as tokenized."""
    names = [elements[0] for _, elements in tokens.segments]
    return names.index("SE") - names.index("ST") + 1


# ---------------------------------------------------------------------------------------------
# 867


def test_867_tokens():
    tokens = tokenize(sample("x12_867_Inteligenz_1.edi"))

    assert len(tokens.segments) == 48
    assert tokens.delimiters == [Delimiters(element="^", component=">", segment="~")]
    assert tokens.encoding == "utf-8"  # the BOM is dropped
    assert tokens.segments[0][1][:2] == ["ISA", "00"]
    assert tokens.segments[45] == (46, ["SE", "44", "1001"])
    assert transaction_length(tokens) == 44
    assert tokens.diagnostics == []


def test_867_document():
    parsed = parse_x12(sample("x12_867_Inteligenz_1.edi"))

    assert parsed.format is Format.X12
    assert parsed.segment_count == 48
    assert parsed.delimiter == "^"
    assert parsed.diagnostics == []
    (document,) = parsed.documents
    assert document.kind is ReportKind.SELL_THROUGH
    assert document.transaction == "867"
    assert document.location == 3
    assert (document.sender, document.receiver) == ("943274043", "175315246")
    assert (document.control_number, document.version) == ("1001", "004010")
    assert document.header == {
        "purpose_code": "00",
        "document_number": "DM20001",
        "report_date": "20000302",
        "report_type_code": "SS",
        "period_start": "20000301",
        "period_end": "20000301",
    }
    assert document.parties == {
        "MF": Party(role="MF", name="HC MAUFACTURER", id_qualifier="21", id="08KUG8730"),
        "DB": Party(
            role="DB",
            name="HC DISTRIBUTOR",
            id_qualifier="21",
            id="78YU0JN90",
            references={"SB": "SOEAST01"},
        ),
    }


def test_867_three_ptd_loops_give_three_product_lines():
    records = parse_x12(sample("x12_867_Inteligenz_1.edi")).records

    assert [record.location for record in records] == [15, 25, 36]
    assert [record.kind for record in records] == [ReportKind.SELL_THROUGH] * 3
    assert [record.fields["transaction_type"] for record in records] == ["SS", "SS", "PA"]
    assert [record.identifiers for record in records] == [
        {"MG": "1000", "UK": "30387698433527"},
        {"MG": "45-766", "UK": "30387698332615"},
        {"MG": "786012", "UK": "50387698356927"},
    ]

    first = records[0]
    assert first.fields == {
        "quantity_qualifier": "32",
        "quantity": "15",
        "unit_of_measure": "BX",
        "price_CT": "18.25",
        "price_CA": "22.25",
        "unit_price": "18.25",
        "price_basis": "CT",
        "amount_S": "4",
        "amount_S_flag": "C",
        "invoice_number": "DIN99234",
        "invoice_date": "20000301",
        "transaction_type": "SS",
        "contract_reference": "CT67895",
        "ref_DI": "DIN99234",
        "date_003": "20000301",
        "date_004": "20000301",
        "period_start": "20000301",
        "period_end": "20000301",
    }
    assert first.parties == {
        "ST": Party(
            role="ST",
            name="SOUTHEAST HOSPITAL",
            id_qualifier="21",
            id="89KGH1140",
            address="155 FULTON AVENUE",
            city="CHARLESTON",
            region="SC",
            postal_code="29401",
            references={"PO": "PO6578"},
        )
    }
    assert first.raw == (
        "QTY^32^15^BX~\n"
        "LIN^^MG^1000^UK^30387698433527~\n"
        "UIT^BX^18.25^CT~\n"
        "UIT^BX^22.25^CA~\n"
        "AMT^S^4^C~\n"
        "REF^DI^DIN99234~\n"
        "DTM^003^20000301~\n"
        "DTM^004^20000301~\n"
    )

    second = records[1]
    assert second.parties == {}  # the second PTD has no N1 loop
    assert second.fields["ref_PO"] == "PO9987"  # the PTD's own REF
    assert (second.fields["unit_price"], second.fields["price_basis"]) == ("32.40", "CA")
    assert "contract_reference" not in second.fields

    third = records[2]
    assert third.fields["contract_reference"] == "CT77612"
    assert (third.fields["quantity"], third.fields["unit_of_measure"]) == ("1", "CA")
    assert (third.fields["unit_price"], third.fields["price_basis"]) == ("81.34", "CT")
    assert (third.fields["amount_S"], third.fields["amount_S_flag"]) == ("16.91", "D")
    assert (third.fields["invoice_number"], third.fields["invoice_date"]) == (
        "DIN546234-D",
        "20000220",
    )
    assert third.parties["ST"].name == "BRUNSWICK COUNTY SURGERY CENTER"
    assert third.parties["ST"].postal_code == "28467"


# ---------------------------------------------------------------------------------------------
# 852


def test_852_tokens():
    tokens = tokenize(sample("x12_852_Inteligenz_2.edi"))

    assert len(tokens.segments) == 23
    assert tokens.delimiters == [Delimiters(element="*", component=">", segment="^")]
    assert tokens.segments[20] == (21, ["SE", "19", "0001"])
    assert transaction_length(tokens) == 19
    assert tokens.segments[-1] == (23, ["IEA", "1", "000000002~"])
    assert tokens.segments[14] == (15, ["ZA", "QA", "415", "EA"])  # its trailing blank dropped


def test_852_control_number_warning_and_document():
    parsed = parse_x12(sample("x12_852_Inteligenz_2.edi"))

    assert parsed.segment_count == 23
    assert diagnostics(parsed) == [
        (23, "IEA02", "interchange_control_mismatch", Severity.WARNING),
    ]
    assert parsed.diagnostics[0].message == (
        "IEA02 '000000002~' does not match the interchange control number ISA13 '000000002'."
    )
    (document,) = parsed.documents
    assert document.kind is None  # an 852 holds both kinds
    assert document.transaction == "852"
    assert (document.control_number, document.version) == ("0001", "004010")
    assert document.header == {
        "report_type_code": "G",
        "period_start": "19991205",
        "period_end": "19991205",
    }
    assert document.parties == {
        "RL": Party(role="RL", name="ABC Distribution", id_qualifier="9", id="1234567890001")
    }


def test_852_activity_splits_into_inventory_and_sales():
    records = parse_x12(sample("x12_852_Inteligenz_2.edi")).records

    assert [(record.kind, record.location) for record in records] == [
        (ReportKind.INVENTORY, 7),
        (ReportKind.SELL_THROUGH, 12),
        (ReportKind.INVENTORY, 12),
    ]
    first, sale, second = records
    assert first.identifiers == {
        "VC": "P-8750",
        "UI": "09999982010",
        "BP": "12345-6",
        "RK": "BZ0R6A12",
    }
    assert first.fields == {
        "on_hand": "1000",
        "unit_of_measure": "EA",
        "date_164": "20011201",
        "ref_ACC": "P",
        "on_order": "100",
        "qty_17": "1000",
        "location": "1234567890001",
        "as_of_date": "19991205",
        "line_number": "1",
        "price_DIS": "5.33",
    }
    assert sale.fields == {
        "transaction_type": "QS",
        "quantity": "88",
        "qty_QS_OC": "5",
        "unit_of_measure": "EA",
        "report_location": "1234567890001",
        "line_number": "2",
        "price_DIS": "4.99",
        "unit_price": "4.99",
        "price_basis": "DIS",
        "period_start": "19991205",
        "period_end": "19991205",
        # No ZA date: the sale is dated the last day of the reported period.
        "invoice_date": "19991205",
    }
    assert sale.identifiers["VC"] == "R-1224"
    assert second.fields == {
        "on_hand": "415",
        "unit_of_measure": "EA",
        "activity_QR": "5",
        "qty_QR_N4": "1",
        "qty_17": "503",
        "location": "1234567890001",
        "as_of_date": "19991205",
        "line_number": "2",
        "price_DIS": "4.99",
    }
    assert sale.raw == second.raw
    assert sale.raw.splitlines()[0] == "LIN*2*VC*R-1224*UI*09999982512*BP*99345-6*RK*AR0R6A52^"
    assert len(sale.raw.splitlines()) == 8


# ---------------------------------------------------------------------------------------------
# 846


def test_846_tokens_show_the_swallowed_segments():
    tokens = tokenize(sample("x12_846_Inteligenz_2.edi"))

    assert len(tokens.segments) == 28
    assert tokens.delimiters == [Delimiters(element="~", component=">", segment="*")]
    assert tokens.segments[14] == (15, ["REF", "ZZ", "ASIAQTY", "17", "403.32", "FT"])
    assert tokens.segments[24] == (25, ["QTY", "17", "7280", "FTCTT", "5"])
    assert tokens.segments[25] == (26, ["SE", "24", "0008505"])
    assert transaction_length(tokens) == 24
    assert tokens.diagnostics == []


def test_846_segment_level_errors_and_every_item_read():
    parsed = parse_x12(sample("x12_846_Inteligenz_2.edi"))

    assert parsed.segment_count == 28
    assert diagnostics(parsed) == [
        (15, "REF", "too_many_elements", Severity.ERROR),
        (25, "QTY03", "element_too_long", Severity.ERROR),
    ]
    assert not parsed.has_errors  # the errors are located: the file as a whole stands
    (document,) = parsed.documents
    assert document.kind is ReportKind.INVENTORY
    assert (document.sender, document.receiver) == ("999999999", "XXXXXXXXXXXX")
    assert (document.control_number, document.version) == ("0008505", "004010")
    assert document.header == {
        "purpose_code": "00",
        "report_type_code": "DM",
        "document_number": "20030828234648",
        "report_date": "20030828",
        "as_of_date": "20030828",
    }
    records = document.records
    assert [record.location for record in records] == [5, 9, 13, 18, 22]
    assert [record.kind for record in records] == [ReportKind.INVENTORY] * 5
    assert [record.identifiers["BP"] for record in records] == [
        "38490-B",
        "38499-B",
        "38496-B",
        "38502-B",
        "35933",
    ]
    assert records[0].fields == {
        "price_ACT": "2.6",
        "on_hand": "1998.61",
        "unit_of_measure": "FT",
        "ref_ZZ": "ASIA",
        "as_of_date": "20030828",
    }
    assert records[0].identifiers == {"BP": "38490-B", "VN": "H304L0750040", "ZZ": "TX"}
    # The item whose REF swallowed its QTY*17: only the on-order quantity is left, and the error
    # at segment 15 lies inside its segments (13 to 17), so the pipeline rejects it.
    assert records[2].fields == {
        "price_ACT": "2.83",
        "on_order": "1000",
        "unit_of_measure": "FT",
        "ref_ZZ": "ASIAQTY",
        "date_371": "20030822",
        "as_of_date": "20030828",
    }
    assert records[2].location <= 15 < records[2].location + len(records[2].raw.splitlines())
    assert records[4].fields["on_hand"] == "7280"
    assert records[4].raw.splitlines() == [
        "LIN~~BP~35933~VN~I304/0250035Z~ZZ~TX*",
        "CTP~~ACT~0.567*",
        "REF~ZZ~CAN*",
        "QTY~17~7280~FTCTT~5*",
    ]
