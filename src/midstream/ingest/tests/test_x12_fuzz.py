"""Hypothesis fuzzing of the X12 reader: whatever the bytes, a ParsedFile and located codes.

Inputs: random bytes; X12-looking text built from segment-ish pieces behind a valid ISA; and
mutated good files (the samples when present, and a hand-built 867): truncated, terminators
deleted, junk inserted, bytes replaced, delimiters swapped.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from midstream.ingest.formats.x12 import X12Code, parse_x12
from midstream.ingest.formats.x12_tokenizer import MAX_DIAGNOSTICS_PER_CODE, MAX_ERRORS
from midstream.ingest.records import Format, ParsedFile, ReportKind, Severity
from midstream.ingest.tests.test_x12_reader import LINE_867, file_of, isa
from midstream.ingest.tests.test_x12_samples import SAMPLES

CODE = re.compile(r"[a-z][a-z0-9_]*")
KNOWN_CODES = {code.value for code in X12Code}  # every code the reader emits is documented
FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

GOOD_FILES = [file_of("867", LINE_867, layout="\r\n  ")]
if SAMPLES.is_dir():
    GOOD_FILES += [path.read_bytes() for path in sorted(SAMPLES.glob("x12_*.edi"))]


def assert_well_formed(parsed: ParsedFile) -> None:
    assert isinstance(parsed, ParsedFile)
    assert parsed.format is Format.X12
    assert parsed.segment_count >= 0
    highest = max(parsed.segment_count, 1)
    # Bounded: per-code caps plus the summary lines.
    assert len(parsed.diagnostics) <= MAX_ERRORS + 60 * MAX_DIAGNOSTICS_PER_CODE
    for diagnostic in parsed.diagnostics:
        assert CODE.fullmatch(diagnostic.code), diagnostic
        assert diagnostic.code in KNOWN_CODES, diagnostic
        assert isinstance(diagnostic.severity, Severity)
        assert diagnostic.message
        assert diagnostic.location is None or 1 <= diagnostic.location <= highest, diagnostic
        assert diagnostic.as_dict()["code"] == diagnostic.code
    for document in parsed.documents:
        assert 1 <= document.location <= highest
        for record in document.records:
            assert record.kind in (ReportKind.SELL_THROUGH, ReportKind.INVENTORY)
            assert document.location <= record.location <= highest
            assert all(isinstance(value, str) for value in record.fields.values())
            assert all(isinstance(value, str) for value in record.identifiers.values())


@FUZZ
@given(st.binary(max_size=4000))
def test_random_bytes(content):
    assert_well_formed(parse_x12(content))


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_behind_a_valid_isa(tail):
    assert_well_formed(parse_x12((isa() + "~").encode() + tail))


SEGMENT_IDS = ["ISA", "GS", "ST", "SE", "GE", "IEA", "BPT", "PTD", "QTY", "LIN", "UIT", "N1"]
SEGMENT_IDS += ["REF", "DTM", "CTT", "XQ", "ZA", "SDQ", "CTP", "BIA", "AMT", "N4", "ZZZ", "1X"]
ELEMENT = st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ .-*~>^\r\n", max_size=12)


@st.composite
def x12_like(draw) -> bytes:
    transaction = draw(st.sampled_from(["867", "852", "846", "810", ""]))
    segments = [isa(), "GS*PT*A*B*20240101*1200*1*X*004010", f"ST*{transaction}*0001"]
    for _ in range(draw(st.integers(0, 40))):
        segment_id = draw(st.sampled_from(SEGMENT_IDS))
        elements = draw(st.lists(ELEMENT, max_size=8))
        segments.append("*".join([segment_id, *elements]))
    layout = draw(st.sampled_from(["", "\n", "\r\n    "]))
    return "".join(segment + "~" + layout for segment in segments).encode()


@FUZZ
@given(x12_like())
def test_x12_looking_text(content):
    assert_well_formed(parse_x12(content))


@st.composite
def mutated(draw) -> bytes:
    content = bytearray(draw(st.sampled_from(GOOD_FILES)))
    for _ in range(draw(st.integers(1, 6))):
        if not content:
            break
        kind = draw(
            st.sampled_from(["truncate", "delete", "insert", "replace", "terminators", "swap"])
        )
        position = draw(st.integers(0, len(content) - 1))
        if kind == "truncate":
            del content[position:]
        elif kind == "delete":
            del content[position : position + draw(st.integers(1, 40))]
        elif kind == "insert":
            content[position:position] = draw(st.binary(min_size=1, max_size=40))
        elif kind == "replace":
            content[position] = draw(st.integers(0, 255))
        elif kind == "terminators":
            terminator = draw(st.sampled_from([b"~", b"^", b"*"]))
            count = draw(st.integers(1, 5))
            content = bytearray(bytes(content).replace(terminator, b"", count))
        else:
            old, new = draw(st.sampled_from([(b"^", b"*"), (b"*", b"~"), (b"~", b"\n")]))
            content = bytearray(bytes(content).replace(old, new))
    return bytes(content)


@FUZZ
@given(mutated())
def test_mutated_good_files(content):
    assert_well_formed(parse_x12(content))


def test_every_truncation_of_every_good_file():
    for content in GOOD_FILES:
        for length in range(len(content) + 1):
            assert_well_formed(parse_x12(content[:length]))


def test_nul_bytes_inside_a_good_file():
    content = GOOD_FILES[0].replace(b"LIN*", b"LIN\x00*\x00\x00", 1)
    parsed = parse_x12(content)

    assert_well_formed(parsed)
    assert "invalid_segment_id" in [d.code for d in parsed.diagnostics]


def test_digits_of_other_scripts_are_not_numbers():
    # str.isdigit() accepts "²" but int() does not: found by the fuzzer.
    superscript_two = "\u00b2"
    arabic_indic_ten = "\u0661\u0660"
    content = GOOD_FILES[0].replace(b"SE*28*", f"SE*{superscript_two}8*".encode(), 1)
    content = content.replace(b"QTY*32*10*", f"QTY*32*{arabic_indic_ten}*".encode(), 1)
    parsed = parse_x12(content)

    assert_well_formed(parsed)
    assert [(d.field, d.code) for d in parsed.diagnostics] == [
        ("QTY02", "invalid_number"),
        ("SE01", "segment_count_mismatch"),
    ]
