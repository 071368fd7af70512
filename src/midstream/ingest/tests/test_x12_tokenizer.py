"""The X12 tokenizer: delimiters from each ISA, layout, BOMs, numbering, bounded bad input."""

from __future__ import annotations

from midstream.ingest.formats import x12_tokenizer
from midstream.ingest.formats.x12 import parse_x12
from midstream.ingest.formats.x12_tokenizer import (
    BLOCK_CHARS,
    MAX_SEGMENT_CHARS,
    Delimiters,
    DiagnosticLog,
    read_delimiters,
    tokenize,
)
from midstream.ingest.records import Severity
from midstream.ingest.tests.test_x12_reader import (
    file_of,
    group,
    interchange,
    isa,
    render,
    transaction_set,
)

INVENTORY = ["BIA*00*DD*R1*20240131", "LIN**VP*P1", "QTY*17*5*EA"]


def ids(tokens) -> list[str]:
    return [elements[0] for _, elements in tokens.segments]


def codes(tokens) -> list[tuple[int | None, str]]:
    return [(d.location, d.code) for d in tokens.diagnostics]


def test_delimiters_come_from_the_isa():
    text = isa(component=":") + "~"
    delimiters, problem, fixed = read_delimiters(text, 0)

    assert delimiters == Delimiters(element="*", component=":", segment="~", repetition="")
    assert (problem, fixed) == ("", True)


def test_repetition_separator_from_version_00402_on():
    text = isa(version="00501").replace("*U*", "*^*") + "~"

    delimiters, _, _ = read_delimiters(text, 0)

    assert delimiters.repetition == "^"
    older, _, _ = read_delimiters(isa(version="00401").replace("*U*", "*^*") + "~", 0)
    assert older.repetition == ""


def test_an_isa_padded_wrongly_still_gives_its_delimiters_with_a_warning():
    content = file_of("846", INVENTORY).replace(b"DISTRIBUTOR    ", b"DISTRIBUTOR", 1)
    tokens = tokenize(content)

    assert tokens.delimiters[0] == Delimiters("*", ">", "~")
    assert codes(tokens) == [(1, "isa_length")]
    assert tokens.diagnostics[0].severity is Severity.WARNING
    assert len(tokens.segments) == 9


def test_unreadable_isa_is_a_file_error():
    for content in (b"ISA*00*", b"ISA*00*01*02*03*04*05*06*07*08*09*10*11*12*13*14*15*>*", b"ISAX"):
        tokens = tokenize(content)
        assert [d.code for d in tokens.diagnostics] == ["invalid_isa"]
        assert tokens.diagnostics[0].location is None
        assert tokens.segments == []
    same = tokenize((isa(component="*") + "~").encode())
    assert [d.code for d in same.diagnostics] == ["invalid_isa"]


def test_utf8_bom_crlf_and_indentation_are_layout():
    plain = tokenize(file_of("846", INVENTORY))
    content = b"\xef\xbb\xbf" + file_of("846", INVENTORY, layout="\r\n    ")
    dressed = tokenize(content)

    assert dressed.segments == plain.segments
    assert dressed.encoding == "utf-8"
    assert dressed.diagnostics == []


def test_utf16_with_bom_is_read():
    content = file_of("846", INVENTORY).decode().encode("utf-16")
    tokens = tokenize(content)

    assert ids(tokens) == ["ISA", "GS", "ST", "BIA", "LIN", "QTY", "SE", "GE", "IEA"]
    assert tokens.encoding == "utf-16"


def test_not_utf8_falls_back_to_windows_1252_with_a_warning():
    content = file_of("846", ["BIA*00*DD*R1*20240131", "N1*WH*ENTREP\xd4T*92*W1"])
    content = content.decode().encode("cp1252")
    parsed = parse_x12(content)

    assert [d.code for d in parsed.diagnostics] == ["encoding_fallback"]
    assert parsed.documents[0].parties["WH"].name == "ENTREP\xd4T"
    assert parsed.encoding == "cp1252"


def test_several_interchanges_each_with_their_own_delimiters():
    first = render(
        interchange(group(transaction_set("846", INVENTORY), functional="IB")),
        layout="\r\n",
    )
    second = render(
        interchange(
            group(transaction_set("846", INVENTORY, control="0002"), functional="IB"),
            control="000000002",
            component="}",
        ),
        element="|",
        terminator="\n",
        layout="",
    )
    third = render(
        interchange(group(transaction_set("846", INVENTORY, control="0003")), control="000000003"),
        element="^",
        terminator="'",
        layout="",
    )
    tokens = tokenize(b"\xef\xbb\xbf" + first + second + third)

    assert tokens.delimiters == [
        Delimiters("*", ">", "~"),
        Delimiters("|", "}", "\n"),
        Delimiters("^", ">", "'"),
    ]
    assert [number for number, _ in tokens.segments] == list(range(1, 28))
    assert ids(tokens)[9:12] == ["ISA", "GS", "ST"]
    assert tokens.segments[14] == (15, ["QTY", "17", "5", "EA"])
    assert tokens.segments[-1] == (27, ["IEA", "1", "000000003"])
    assert codes(tokens) == []
    parsed = parse_x12(b"\xef\xbb\xbf" + first + second + third)
    assert parsed.diagnostics == []
    assert [document.control_number for document in parsed.documents] == ["0001", "0002", "0003"]
    assert [record.location for record in parsed.records] == [5, 14, 23]


def test_concatenated_files_with_their_own_boms():
    single = b"\xef\xbb\xbf" + file_of("846", INVENTORY, layout="\r\n")
    tokens = tokenize(single + single)

    assert len(tokens.segments) == 18
    assert codes(tokens) == []


def test_a_carriage_return_terminator_followed_by_line_feeds():
    content = file_of("846", INVENTORY, terminator="\r", layout="\n")
    tokens = tokenize(content)

    assert tokens.delimiters[0].segment == "\r"
    assert ids(tokens) == ["ISA", "GS", "ST", "BIA", "LIN", "QTY", "SE", "GE", "IEA"]
    assert codes(tokens) == []


def test_control_character_delimiters_are_not_stripped_as_whitespace():
    body = ["BIA*00*DD*R1*20240131", "LIN**VP*P1*", "QTY*17*5*EA"]
    content = file_of("846", body, element="\x1d", terminator="\x1c", layout="\r\n")
    tokens = tokenize(content)

    assert tokens.delimiters[0] == Delimiters("\x1d", ">", "\x1c")
    assert tokens.segments[4] == (5, ["LIN", "", "VP", "P1", ""])


def test_text_before_the_first_isa_is_skipped_with_a_warning():
    tokens = tokenize(b"From: the VAN\r\n" + file_of("846", INVENTORY))

    assert codes(tokens) == [(None, "text_before_interchange")]
    assert len(tokens.segments) == 9


def test_isa_inside_data_is_not_a_new_interchange():
    body = ["BIA*00*DD*R1*20240131", "N1*WH*LISA*92*ISA*1", "LIN**VP*P1", "QTY*17*5*EA"]
    tokens = tokenize(file_of("846", body))

    assert len(tokens.delimiters) == 1
    assert tokens.segments[4] == (5, ["N1", "WH", "LISA", "92", "ISA", "1"])


def test_empty_segments_are_reported_and_skipped():
    content = file_of("846", INVENTORY).replace(b"LIN*", b"~LIN*", 1)
    tokens = tokenize(content)

    assert codes(tokens) == [(4, "empty_segment")]
    assert ids(tokens)[4] == "LIN"
    assert len(tokens.segments) == 9


def test_missing_terminator_before_a_line_break_is_mended_with_a_warning():
    content = file_of("846", INVENTORY).replace(b"LIN**VP*P1~", b"LIN**VP*P1", 1)
    tokens = tokenize(content)

    assert codes(tokens) == [(5, "missing_segment_terminator")]
    assert tokens.segments[4] == (5, ["LIN", "", "VP", "P1"])
    assert tokens.segments[5] == (6, ["QTY", "17", "5", "EA"])


def test_lines_wrapped_at_80_columns_are_joined():
    text = render(interchange(group(transaction_set("846", INVENTORY))), layout="").decode()
    wrapped = "\r\n".join(text[i : i + 80] for i in range(0, len(text), 80))
    tokens = tokenize(wrapped.encode())

    assert tokens.segments == tokenize(text.encode()).segments
    assert codes(tokens) == []


def test_missing_terminator_on_one_line_swallows_the_next_segment():
    content = file_of("846", INVENTORY, layout="").replace(b"P1~QTY", b"P1QTY")
    tokens = tokenize(content)

    assert tokens.segments[4] == (5, ["LIN", "", "VP", "P1QTY", "17", "5", "EA"])
    assert len(tokens.segments) == 8


def test_numbering_runs_across_blocks():
    lines = ["BIA*00*DD*R1*20240131"]
    for n in range(6_000):
        lines += [f"LIN**VP*PART-{n}", f"QTY*17*{n}*EA"]
    content = file_of("846", lines)
    assert len(content) > 3 * BLOCK_CHARS
    tokens = tokenize(content)

    assert [number for number, _ in tokens.segments] == list(range(1, 12_008))
    assert tokens.segments[-4] == (12_004, ["QTY", "17", "5999", "EA"])
    assert codes(tokens) == []


def test_a_ten_million_character_segment_is_refused_not_split():
    content = file_of("846", ["BIA*00*DD*R1*20240131", "N1*WH*" + "W" * 10_000_000, *INVENTORY[1:]])
    tokens = tokenize(content)

    assert codes(tokens) == [(5, "segment_too_long")]
    assert tokens.segments[4] == (5, ["N1"])
    assert ids(tokens)[5:7] == ["LIN", "QTY"]
    message = tokens.diagnostics[0].message
    assert "10,000,006 characters long" in message
    assert f"{MAX_SEGMENT_CHARS:,}" in message


def test_the_diagnostic_log_caps_each_code_and_stops_after_too_many_errors(monkeypatch):
    monkeypatch.setattr(x12_tokenizer, "MAX_DIAGNOSTICS_PER_CODE", 3)
    log = DiagnosticLog()
    for n in range(5):
        log.warning(n, None, "odd_thing", "odd")
    diagnostics = log.finish()

    assert [d.code for d in diagnostics] == ["odd_thing"] * 3 + ["diagnostics_truncated"]
    assert diagnostics[-1].message.endswith("not listed: odd_thing: 2.")

    monkeypatch.setattr(x12_tokenizer, "MAX_ERRORS", 4)
    log = DiagnosticLog()
    for n in range(10):
        log.error(n, None, "bad_thing", "bad")
    assert log.stopped
    assert [d.code for d in log.finish()] == [
        "too_many_errors",  # the file as a whole comes first
        *["bad_thing"] * 3,
        "diagnostics_truncated",
    ]


def test_padding_after_the_last_segment_is_not_data():
    content = file_of("846", INVENTORY, layout="\r\n") + b"\x1a" + b"\x00" * 300
    tokens = tokenize(content)

    assert len(tokens.segments) == 9
    assert codes(tokens) == []
    assert parse_x12(content).diagnostics == []
