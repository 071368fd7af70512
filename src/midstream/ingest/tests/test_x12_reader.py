"""The X12 reader on hand-built files: envelopes, loops, qualifier tables, bad input.

The builders below write files with ``*`` as the element separator; ``render`` swaps in other
delimiters, so the same content can be tried with any of them.
"""

from __future__ import annotations

from midstream.ingest.formats.x12 import X12Code, parse_x12
from midstream.ingest.records import (
    MAX_FILE_BYTES,
    Format,
    ParsedFile,
    ReportKind,
    Severity,
)


def isa(control: str = "000000001", version: str = "00401", component: str = ">") -> str:
    """A standard 106-character ISA (without its terminator), ``*``-separated."""
    fields = [
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        "DISTRIBUTOR".ljust(15),
        "ZZ",
        "VENDOR".ljust(15),
        "240131",
        "1200",
        "U",
        version,
        control,
        "0",
        "P",
        component,
    ]
    return "ISA*" + "*".join(fields)


def transaction_set(code: str, body: list[str], control: str = "0001") -> list[str]:
    return [f"ST*{code}*{control}", *body, f"SE*{len(body) + 2}*{control}"]


def group(
    *transactions: list[str], control: str = "1", version: str = "004010", functional: str = "PT"
) -> list[str]:
    segments = [f"GS*{functional}*DISTRIBUTOR*VENDOR*20240131*1200*{control}*X*{version}"]
    for transaction in transactions:
        segments.extend(transaction)
    segments.append(f"GE*{len(transactions)}*{control}")
    return segments


def interchange(
    *groups: list[str], control: str = "000000001", version: str = "00401", component: str = ">"
) -> list[str]:
    segments = [isa(control, version, component)]
    for one in groups:
        segments.extend(one)
    segments.append(f"IEA*{len(groups)}*{control}")
    return segments


def render(
    segments: list[str],
    *,
    element: str = "*",
    terminator: str = "~",
    layout: str = "\n",
) -> bytes:
    text = "".join(segment.replace("*", element) + terminator + layout for segment in segments)
    return text.encode("utf-8")


def file_of(code: str, body: list[str], **options) -> bytes:
    functional = {"867": "PT", "852": "PD", "846": "IB"}.get(code, "IN")
    return render(interchange(group(transaction_set(code, body), functional=functional)), **options)


def codes(parsed: ParsedFile) -> list[tuple[int | None, str]]:
    return [(d.location, d.code) for d in parsed.diagnostics]


LINE_867 = [
    "BPT*00*R1*20240131*SS",
    "DTM*090*20240101",
    "DTM*091*20240131",
    "N1*DB*DISTRIBUTOR*91*D1",
    "PTD*SS***VC*SPA-1",
    "DTM*003*20240115",
    "REF*IV*INV-1",
    "N1*ST*RESELLER ONE*91*R1",
    "N3*1 MAIN ST*SUITE 2",
    "N4*SPRINGFIELD*IL*62701*US",
    "REF*ZZ*PARTY-REF",
    "N1*EN*END CUSTOMER*91*E1",
    "QTY*32*10*EA",
    "LIN*1*VP*PART-1*UK*00012345678905",
    "UIT*EA*9.50*CA",
    "UIT*EA*8.00*CT",
    "UIT*EA*8.75*RS",
    "AMT*1*87.50",
    "PID*F****WIDGET",
    "QTY*32*2*EA",
    "LIN*2*VP*PART-2",
    "UIT*EA*3.00*CA",
    "UIT*EA*2.50*CT",
    "REF*DI*DINV-2",
    "DTM*003*20240116",
    "CTT*2",
]


# ---------------------------------------------------------------------------------------------
# 867


def test_867_lines_take_their_ptd_parties_invoice_and_contract():
    parsed = parse_x12(file_of("867", LINE_867))

    assert codes(parsed) == []
    assert parsed.format is Format.X12
    assert parsed.segment_count == 32
    (document,) = parsed.documents
    assert document.kind is ReportKind.SELL_THROUGH
    assert (document.sender, document.receiver) == ("DISTRIBUTOR", "VENDOR")
    assert (document.control_number, document.version) == ("0001", "004010")
    assert document.header == {
        "purpose_code": "00",
        "document_number": "R1",
        "report_date": "20240131",
        "report_type_code": "SS",
        "period_start": "20240101",
        "period_end": "20240131",
    }
    assert list(document.parties) == ["DB"]
    first, second = document.records
    assert first.location == 16
    assert first.fields == {
        "transaction_type": "SS",
        "contract_reference": "SPA-1",
        "quantity_qualifier": "32",
        "quantity": "10",
        "unit_of_measure": "EA",
        "line_number": "1",
        "price_CA": "9.50",
        "price_CT": "8.00",
        "price_RS": "8.75",
        "unit_price": "8.75",
        "price_basis": "RS",
        "amount_1": "87.50",
        "amount": "87.50",
        "invoice_number": "INV-1",
        "invoice_date": "20240115",
        "ref_IV": "INV-1",
        "date_003": "20240115",
        "product_description": "WIDGET",
        "period_start": "20240101",
        "period_end": "20240131",
    }
    assert first.identifiers == {"VP": "PART-1", "UK": "00012345678905"}
    assert sorted(first.parties) == ["EN", "ST"]
    ship_to = first.parties["ST"]
    assert (ship_to.name, ship_to.id_qualifier, ship_to.id) == ("RESELLER ONE", "91", "R1")
    assert ship_to.address == "1 MAIN ST, SUITE 2"
    assert (ship_to.city, ship_to.region, ship_to.postal_code, ship_to.country) == (
        "SPRINGFIELD",
        "IL",
        "62701",
        "US",
    )
    assert ship_to.references == {"ZZ": "PARTY-REF"}  # a REF inside the N1 loop is the party's
    # Each record holds its own copy of the PTD's parties.
    assert second.parties["ST"] == ship_to
    assert second.parties["ST"] is not ship_to
    # Line-level REF*DI and DTM*003 win over the PTD's; CT wins over CA without an RS price.
    assert second.fields["invoice_number"] == "DINV-2"
    assert second.fields["invoice_date"] == "20240116"
    assert (second.fields["unit_price"], second.fields["price_basis"]) == ("2.50", "CT")
    assert second.raw == (
        "QTY*32*2*EA~\nLIN*2*VP*PART-2~\nUIT*EA*3.00*CA~\nUIT*EA*2.50*CT~\n"
        "REF*DI*DINV-2~\nDTM*003*20240116~\n"
    )


def test_867_price_without_rs_or_ct_is_the_first_uit():
    body = [
        "BPT*00*R1*20240131",
        "PTD*SS",
        "QTY*32*1*EA",
        "LIN**VP*P",
        "UIT*EA*5*CA",
        "UIT*EA*4*PE",
    ]
    (record,) = parse_x12(file_of("867", body)).records

    assert (record.fields["unit_price"], record.fields["price_basis"]) == ("5", "CA")
    assert (record.fields["price_CA"], record.fields["price_PE"]) == ("5", "4")


def test_867_line_without_lin_or_quantity_is_an_error_at_its_qty():
    body = ["BPT*00*R1*20240131", "PTD*SS", "QTY*32**EA", "UIT*EA*5*CA"]
    parsed = parse_x12(file_of("867", body))

    assert codes(parsed) == [(6, "missing_element"), (6, "missing_segment")]
    assert all(d.severity is Severity.ERROR for d in parsed.diagnostics)
    (record,) = parsed.records
    assert record.location == 6
    assert record.identifiers == {}


def test_867_ctt_line_count_is_checked():
    body = [*LINE_867[:-1], "CTT*3"]
    parsed = parse_x12(file_of("867", body))

    assert codes(parsed) == [(29, "line_count_mismatch")]
    assert parsed.diagnostics[0].severity is Severity.WARNING
    assert len(parsed.records) == 2


def test_unknown_and_misplaced_segments_are_warnings_and_the_line_is_kept():
    body = [
        "BPT*00*R1*20240131",
        "PTD*SS",
        "QTY*32*1*EA",
        "LIN**VP*P",
        "ZZZ*SOMETHING",
        "BPT*00*X*20240131",
        "UIT*EA*5*CA",
    ]
    parsed = parse_x12(file_of("867", body))

    assert codes(parsed) == [(8, "unknown_segment"), (9, "unexpected_segment")]
    assert all(d.severity is Severity.WARNING for d in parsed.diagnostics)
    (record,) = parsed.records
    assert record.fields["unit_price"] == "5"
    assert "ZZZ*SOMETHING~" in record.raw


def test_a_segment_id_that_is_no_segment_id_is_an_error():
    body = ["BPT*00*R1*20240131", "PTD*SS", "QTY*32*1*EA", "LIN**VP*P", "12 garbage"]
    parsed = parse_x12(file_of("867", body))

    assert codes(parsed) == [(8, "invalid_segment_id")]
    assert parsed.diagnostics[0].severity is Severity.ERROR


def test_element_rules_report_codes_numbers_and_dates():
    body = [
        "BPT*00*R1*2024-01-31",
        "PTD*SS",
        "QTY*32*ten*EACH",
        "LIN**VP*P",
        "UIT*EA*5*CA",
        "DTM*003*20241332",
        "N1*ST*" + "N" * 61,
    ]
    parsed = parse_x12(file_of("867", body))

    assert [(d.location, d.field, d.code, d.severity) for d in parsed.diagnostics] == [
        (4, "BPT03", "invalid_date", Severity.ERROR),
        (6, "QTY02", "invalid_number", Severity.ERROR),
        (6, "QTY03", "element_too_long", Severity.ERROR),
        (9, "DTM02", "invalid_date", Severity.ERROR),
        (10, "N102", "element_too_long", Severity.WARNING),
    ]


# ---------------------------------------------------------------------------------------------
# Envelopes


def test_control_numbers_and_counts_that_disagree_are_warnings():
    segments = interchange(group(transaction_set("867", LINE_867)))
    segments[-1] = "IEA*2*000000009"  # IEA01 (groups) and IEA02 (control number) wrong
    segments[-2] = "GE*3*7"  # GE01 (transaction sets) and GE02 (control number) wrong
    segments[-3] = "SE*30*0002"  # SE01 (segment count) and SE02 (control number) wrong
    parsed = parse_x12(render(segments))

    assert [(d.location, d.field, d.code) for d in parsed.diagnostics] == [
        (30, "SE01", "segment_count_mismatch"),
        (30, "SE02", "transaction_control_mismatch"),
        (31, "GE02", "group_control_mismatch"),
        (31, "GE01", "transaction_count_mismatch"),
        (32, "IEA02", "interchange_control_mismatch"),
        (32, "IEA01", "group_count_mismatch"),
    ]
    assert all(d.severity is Severity.WARNING for d in parsed.diagnostics)
    assert len(parsed.records) == 2


def test_leading_zeros_do_not_make_control_numbers_differ():
    segments = interchange(group(transaction_set("867", LINE_867, control="0001")))
    segments[-3] = segments[-3].replace("*0001", "*1")
    assert codes(parse_x12(render(segments))) == []


def test_truncated_file_keeps_the_records_read_and_says_where_it_stops():
    content = render(interchange(group(transaction_set("867", LINE_867))))
    cut = content.index(b"QTY*32*2*EA")
    parsed = parse_x12(content[:cut])

    assert [(d.location, d.code, d.severity) for d in parsed.diagnostics] == [
        (22, "missing_se", Severity.ERROR),
        (22, "missing_ge", Severity.WARNING),
        (22, "missing_iea", Severity.WARNING),
    ]
    assert [record.fields["quantity"] for record in parsed.records] == ["10"]
    assert parsed.documents[0].header["document_number"] == "R1"


def test_missing_iea_alone_is_a_warning():
    segments = interchange(group(transaction_set("867", LINE_867)))[:-1]
    parsed = parse_x12(render(segments))

    assert [(d.location, d.code, d.severity) for d in parsed.diagnostics] == [
        (31, "missing_iea", Severity.WARNING)
    ]
    assert len(parsed.records) == 2


def test_se01_mismatch_is_reported_with_both_counts():
    segments = interchange(group(transaction_set("867", LINE_867)))
    segments[-3] = "SE*44*0001"
    parsed = parse_x12(render(segments))

    (diagnostic,) = parsed.diagnostics
    assert (diagnostic.location, diagnostic.field, diagnostic.code) == (
        30,
        "SE01",
        "segment_count_mismatch",
    )
    assert diagnostic.message == (
        "SE01 says '44' segments, but the transaction set has 28 (ST to SE)."
    )


def test_a_new_st_before_se_closes_the_open_transaction_with_an_error():
    first = transaction_set("867", LINE_867, control="0001")[:-1]  # no SE
    second = transaction_set("867", LINE_867, control="0002")
    segments = interchange(group(first, second))
    segments[-2] = "GE*2*1"
    parsed = parse_x12(render(segments))

    assert codes(parsed) == [(29, "missing_se")]
    assert [d.control_number for d in parsed.documents] == ["0001", "0002"]
    assert len(parsed.records) == 4


def test_segments_outside_a_transaction_set_are_errors():
    segments = interchange(group(transaction_set("867", LINE_867)))
    segments.insert(2, "BPT*00*STRAY*20240131")
    segments[-1] = segments[-1]
    parsed = parse_x12(render(segments))

    assert codes(parsed) == [(3, "segment_outside_transaction")]


def test_unsupported_transaction_set_is_a_document_without_records():
    segments = interchange(
        group(transaction_set("810", ["BIG*20240131*INV1", "IT1*1*1*EA*5"]), functional="IN"),
        group(transaction_set("846", ["BIA*00*DD*R1*20240131", "LIN**VP*P", "QTY*17*5*EA"])),
    )
    segments[-1] = "IEA*2*000000001"
    parsed = parse_x12(render(segments))

    assert codes(parsed) == [(3, "unsupported_transaction")]
    unsupported, inventory = parsed.documents
    assert (unsupported.transaction, unsupported.kind, unsupported.records) == ("810", None, [])
    assert unsupported.location == 3
    assert inventory.records[0].fields["on_hand"] == "5"


def test_versions_003030_to_005010_are_read_and_others_warned():
    body = ["BIA*00*DD*R1*040131", "LIN**VP*P", "QTY*17*5*EA"]
    for gs_version, isa_version in (("003030", "00303"), ("004010", "00401"), ("005010", "00501")):
        content = render(
            interchange(
                group(transaction_set("846", body), version=gs_version, functional="IB"),
                version=isa_version,
            )
        )
        parsed = parse_x12(content)
        assert codes(parsed) == []
        assert parsed.documents[0].version == gs_version

    content = render(interchange(group(transaction_set("846", body), version="006020")))
    parsed = parse_x12(content)
    assert codes(parsed) == [(3, "unsupported_version")]
    assert parsed.records[0].fields["on_hand"] == "5"


def test_version_falls_back_to_isa12_when_gs08_is_empty():
    segments = interchange(
        group(transaction_set("846", ["BIA*00*DD*R1*20240131"]), version=""), version="00501"
    )
    parsed = parse_x12(render(segments))

    assert parsed.documents[0].version == "00501"
    assert codes(parsed) == []


def test_003030_867_with_short_dates_and_three_element_qty():
    body = [
        "BPT*00*R1*940131",
        "DTM*090*940101",
        "PTD*SS",
        "QTY*32*3*EA",
        "LIN**VP*OLD-1",
        "UIT*EA*1.25*RS",
        "DTM*003*940115",
    ]
    content = render(interchange(group(transaction_set("867", body), version="003030")))
    parsed = parse_x12(content)

    assert codes(parsed) == []
    (record,) = parsed.records
    assert record.fields["invoice_date"] == "940115"
    assert record.fields["period_start"] == "940101"


# ---------------------------------------------------------------------------------------------
# 852


def test_852_sdq_locations_and_sales_codes():
    body = [
        "XQ*H*20240101*20240107",
        "N1*RL*REPORTING DC*92*DC1",
        "LIN*1*UP*012345678905",
        "CTP**RES*12.99",
        "CTP**DIS*8.00",
        "ZA*QS**EA",
        "SDQ*EA*92*S1*4*S2*6",
        "ZA*TS*10*EA",
        "ZA*QA*50*EA",
        "ZA*QI*7*EA",
        "ZA*QC*3*EA",
        "ZA*QU*1*EA",
        "ZA*OH*60*EA",
        "CTT*1",
    ]
    parsed = parse_x12(file_of("852", body))

    assert codes(parsed) == [(16, "duplicate_quantity")]  # OH repeats the QA on-hand
    (document,) = parsed.documents
    assert document.kind is None
    assert document.header == {
        "report_type_code": "H",
        "period_start": "20240101",
        "period_end": "20240107",
    }
    summary = [
        (
            r.kind,
            r.fields.get("transaction_type"),
            r.fields.get("report_location"),
            r.fields.get("location"),
            r.fields.get("quantity"),
            r.fields.get("on_hand"),
        )
        for r in document.records
    ]
    assert summary == [
        (ReportKind.SELL_THROUGH, "QS", "S1", None, "4", None),
        (ReportKind.SELL_THROUGH, "QS", "S2", None, "6", None),
        (ReportKind.SELL_THROUGH, "TS", "DC1", None, "10", None),
        (ReportKind.SELL_THROUGH, "QU", "DC1", None, "1", None),
        (ReportKind.INVENTORY, None, None, "DC1", None, "50"),
    ]
    sale = document.records[0]
    assert (sale.fields["unit_price"], sale.fields["price_basis"]) == ("12.99", "RES")
    assert sale.fields["period_end"] == "20240107"
    inventory = document.records[-1]
    assert inventory.fields == {
        "on_hand": "50",
        "unit_of_measure": "EA",
        "in_transit": "7",
        "committed": "3",
        "location": "DC1",
        "as_of_date": "20240107",
        "line_number": "1",
        "price_RES": "12.99",
        "price_DIS": "8.00",
    }
    assert inventory.identifiers == {"UP": "012345678905"}


def test_852_sales_are_dated_by_their_za_date_else_the_period_end():
    body = [
        "XQ*H*20240101*20240131",
        "N1*RL*DC*92*DC1",
        "LIN**UP*1",
        "ZA*QS*5*EA*003*20240115*IV*INV-1",
        "LIN**UP*2",
        "ZA*QS*2*EA",
    ]
    records = parse_x12(file_of("852", body)).records

    assert [(r.fields["invoice_date"], r.fields.get("ref_IV")) for r in records] == [
        ("20240115", "INV-1"),
        ("20240131", None),
    ]


def test_852_qs_wins_over_ts_at_the_same_location():
    body = ["XQ*H*20240101", "N1*RL*DC*92*DC1", "LIN**UP*1", "ZA*TS*9*EA", "ZA*QS*9*EA"]
    records = parse_x12(file_of("852", body)).records

    assert [(r.fields["transaction_type"], r.fields["quantity"]) for r in records] == [("QS", "9")]


def test_852_item_without_activity_is_warned():
    body = ["XQ*H*20240101", "LIN**UP*1", "CTP**RES*1"]
    parsed = parse_x12(file_of("852", body))

    assert codes(parsed) == [(5, "no_activity")]
    assert parsed.records == []


# ---------------------------------------------------------------------------------------------
# 846


def test_846_quantity_qualifiers_map_to_inventory_fields():
    body = [
        "BIA*00*DD*INV-7*20240131*1200",
        "N1*WH*MAIN WAREHOUSE*92*W1",
        "LIN*1*VP*PART-1",
        "QTY*17*100*EA",
        "QTY*33*80*EA",
        "QTY*63*40*EA",
        "QTY*IQ*12*EA",
        "QTY*27*20*EA",
        "QTY*QH*5*EA",
        "LIN*2*VP*PART-2",
        "DTM*184*20240130",
        "QTY*36*9*CA",
        "N1*WH*SECOND WAREHOUSE*92*W2",
        "CTT*2",
    ]
    parsed = parse_x12(file_of("846", body))

    assert codes(parsed) == []
    (document,) = parsed.documents
    assert document.kind is ReportKind.INVENTORY
    assert document.header == {
        "purpose_code": "00",
        "report_type_code": "DD",
        "document_number": "INV-7",
        "report_date": "20240131",
        "as_of_date": "20240131",
    }
    first, second = document.records
    assert first.fields == {
        "line_number": "1",
        "on_hand": "100",
        "unit_of_measure": "EA",
        "available": "80",
        "on_order": "40",
        "in_transit": "12",
        "committed": "20",
        "qty_QH": "5",
        "location": "W1",
        "as_of_date": "20240131",
    }
    assert second.fields == {
        "line_number": "2",
        "on_hand": "9",
        "unit_of_measure": "CA",
        "as_of_date": "20240130",
        "location": "W2",
        "date_184": "20240130",
    }
    assert list(second.parties) == ["WH"]


def test_846_as_of_date_from_dtm_when_bia04_is_empty():
    body = ["BIA*00*DD*INV-7", "DTM*097*20240201", "DTM*184*20240131", "LIN**VP*P", "QTY*17*1"]
    parsed = parse_x12(file_of("846", body))

    assert codes(parsed) == []
    assert parsed.documents[0].header["as_of_date"] == "20240131"
    assert parsed.records[0].fields["as_of_date"] == "20240131"


def test_846_item_without_a_known_quantity_is_warned_and_kept():
    body = ["BIA*00*DD*INV-7*20240131", "LIN**VP*P", "QTY*02*5*EA"]
    parsed = parse_x12(file_of("846", body))

    assert codes(parsed) == [(5, "no_inventory_quantity")]
    assert parsed.records[0].fields["qty_02"] == "5"


# ---------------------------------------------------------------------------------------------
# Bad input


def test_empty_whitespace_and_binary_input():
    for content in (b"", b" \r\n\t "):
        parsed = parse_x12(content)
        assert codes(parsed) == [(None, "empty_file")]
        assert parsed.has_errors
    parsed = parse_x12(bytes(range(256)) * 40)
    assert codes(parsed) == [(None, "encoding_fallback"), (None, "no_interchange")]
    assert parsed.has_errors
    assert parsed.documents == []


def test_file_over_the_size_limit_is_refused_without_reading():
    parsed = parse_x12(b"ISA" + b" " * MAX_FILE_BYTES)

    assert codes(parsed) == [(None, "file_too_large")]
    assert parsed.segment_count == 0


def test_ten_million_character_segment_is_refused_and_the_file_continues():
    body = ["BPT*00*R1*20240131", "PTD*SS", "QTY*32*1*EA", "LIN**VP*" + "P" * 10_000_000]
    parsed = parse_x12(file_of("867", body))

    assert [(d.location, d.field, d.code) for d in parsed.diagnostics] == [
        (7, "LIN", "segment_too_long"),
        (6, "LIN", "missing_segment"),
    ] or [(d.location, d.field, d.code) for d in parsed.diagnostics] == [
        (7, "LIN", "segment_too_long"),
    ]
    assert parsed.segment_count == 10
    (record,) = parsed.records
    assert record.identifiers == {}
    assert len(record.raw) < 100


def test_ten_million_elements_are_never_split():
    body = ["BPT*00*R1*20240131", "PTD*SS", "QTY*32*1*EA", "LIN" + "*" * 10_000_000]
    parsed = parse_x12(file_of("867", body))

    assert codes(parsed)[0] == (7, "segment_too_long")
    assert parsed.segment_count == 10


def test_too_many_errors_stop_the_reading():
    segments = interchange(group(transaction_set("867", ["BPT*00*R1*20240131"])))
    segments[3:3] = ["junk line"] * 5_000
    parsed = parse_x12(render(segments))

    assert parsed.has_errors
    assert (parsed.diagnostics[0].location, parsed.diagnostics[0].code) == (None, "too_many_errors")
    assert sum(d.severity is Severity.ERROR for d in parsed.diagnostics) == 1_001


def test_codes_are_the_documented_enum():
    assert X12Code.MISSING_SE == "missing_se"
    assert all(code.value == code.value.lower() for code in X12Code)


def test_header_segments_may_follow_header_party_loops_but_not_the_detail():
    body = [
        "BPT*00*R1*20240131",
        "N1*DB*DISTRIBUTOR*91*D1",
        "DTM*090*20240101",  # after the header N1 loop: still the header
        "PTD*SS",
        "QTY*32*1*EA",
        "LIN**VP*P",
        "BPT*00*R2*20240131",  # a header segment among the detail: reported, loops stay open
        "UIT*EA*5*CA",
    ]
    parsed = parse_x12(file_of("867", body))

    assert codes(parsed) == [(10, "unexpected_segment")]
    assert parsed.documents[0].header["period_start"] == "20240101"
    (record,) = parsed.records
    assert record.fields["unit_price"] == "5"
    assert parsed.documents[0].header["document_number"] == "R1"


def test_867_contract_from_the_ptd_reference_when_ptd04_is_not_one():
    body = [
        "BPT*00*R1*20240131",
        "PTD*SD",
        "REF*VC*SPA-9",
        "QTY*32*1*EA",
        "LIN**VP*P",
        "QTY*32*2*EA",
        "LIN**VP*Q",
        "REF*CT*LINE-SPA",
    ]
    first, second = parse_x12(file_of("867", body)).records

    assert first.fields["contract_reference"] == "SPA-9"
    assert second.fields["contract_reference"] == "LINE-SPA"  # the line's own wins
    assert first.fields["transaction_type"] == "SD"


def test_location_from_a_reference_when_no_n1_names_it():
    body = [
        "XQ*H*20240101",
        "N9*ST*STORE-9",
        "N1*BY*BUYER*92*B1",
        "N9*DP*DEPT-1",
        "LIN**UP*1",
        "ZA*QS*2",
    ]
    parsed = parse_x12(file_of("852", body))
    assert codes(parsed) == []
    (sale,) = parsed.records
    assert sale.fields["report_location"] == "STORE-9"
    assert parsed.documents[0].header["ref_ST"] == "STORE-9"
    assert parsed.documents[0].parties["BY"].references == {"DP": "DEPT-1"}

    body = [
        "BIA*00*DD*R1*20240131",
        "N1*BY*VENDOR*92*V1",
        "REF*LU*NOT-A-LOCATION",
        "LIN**VP*P1",
        "REF*LU*BIN-4",
        "QTY*17*5",
        "LIN**VP*P2",
        "QTY*17*6",
    ]
    parsed = parse_x12(file_of("846", body))
    assert codes(parsed) == []
    assert [r.fields.get("location") for r in parsed.records] == ["BIN-4", None]
    assert parsed.documents[0].parties["BY"].references == {"LU": "NOT-A-LOCATION"}
