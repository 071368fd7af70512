"""EDIFACT reader under bad input: it never raises, and what it returns stays well formed.

Random bytes, EDIFACT-shaped noise (real tags, delimiters and UNA strings in random order)
and mutations of a real file (truncation, lost terminators, junk, overwritten bytes).
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from midstream.ingest.formats import edifact
from midstream.ingest.formats.edifact import parse_edifact
from midstream.ingest.records import Diagnostic, Format, ParsedFile, Severity
from midstream.ingest.tests.test_edifact import SAMPLE, SAMPLES, SLSRPT_D97A

CODE = re.compile(r"[a-z][a-z0-9_]*")
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# A real file to mutate: the public sample when present, else a fixture of the same shape.
BASE = SAMPLE.read_bytes() if SAMPLES.is_dir() else SLSRPT_D97A.encode()

TOKENS = [
    "UNA:+.? '",
    "UNA|*,# \n",
    "UNA::::::",
    "UNA",
    "UNB+UNOA:2+S:14+R:14+080101:0000+1",
    "UNB\x1dUNOB\x1f1\x1dS\x1dR",
    "UNG+SLSRPT+S+R+080101:0000+G1",
    "UNH+1+SLSRPT:D:96A:UN:EAN004",
    "UNH+2+INVRPT:D:01B:UN:EAN007",
    "UNH+3+ORDERS:D:96A:UN",
    "UNT+5+1",
    "UNE+1+G1",
    "UNZ+1+1",
    "BGM+73E+DOC+9",
    "DTM+137:20080101:102",
    "DTM+356:2008010120080131:718",
    "DTM+90:2008:616",
    "NAD+BY+123::9++Name",
    "RFF+IV:1",
    "CUX+2:EUR:10",
    "LOC+162+L1::9",
    "LIN+1++8712345275208:EN",
    "PIA+1+A:SA+B:IN",
    "IMD+F++:::Text",
    "QTY+153:-2:PCE",
    "QTY+145:10",
    "INV+2",
    "PRI+NTP:19,95::RTP",
    "MOA+203:12.5",
    "CNT+2:1",
    "UNS+S",
    "'",
    "+",
    ":",
    "?",
    "\n",
    "\r\n",
    "*",
    "~",
    "|",
    "#",
    "\x00",
    "\x1c",
    "é",
    "x" * 50,
]


def assert_well_formed(parsed: ParsedFile) -> None:
    assert isinstance(parsed, ParsedFile)
    assert parsed.format is Format.EDIFACT
    assert len(parsed.diagnostics) <= edifact.MAX_DIAGNOSTICS + 1
    last = parsed.segment_count
    for diagnostic in parsed.diagnostics:
        assert isinstance(diagnostic, Diagnostic)
        assert CODE.fullmatch(diagnostic.code), diagnostic
        assert diagnostic.severity in (Severity.ERROR, Severity.WARNING)
        assert diagnostic.message
        # A bad UNA at the very end points at the segment that would have followed it.
        assert diagnostic.location is None or 1 <= diagnostic.location <= last + 1
    if parsed.has_errors:
        assert parsed.documents == []
    for document in parsed.documents:
        assert 1 <= document.location <= last
        for record in document.records:
            assert record.kind is document.kind
            assert document.location < record.location <= last
            assert all(isinstance(value, str) for value in record.fields.values())
            assert all(isinstance(value, str) for value in record.identifiers.values())
            assert record.raw


@FUZZ
@given(st.binary(max_size=4_000))
def test_random_bytes(content):
    assert_well_formed(parse_edifact(content))


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=120))
def test_edifact_shaped_noise(tokens):
    text = "".join(tokens)
    assert_well_formed(parse_edifact(text.encode()))
    assert_well_formed(parse_edifact(text.encode("utf-16")))


@st.composite
def mutated(draw) -> bytes:
    content = bytearray(BASE)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["truncate", "drop_terminator", "insert", "overwrite"]))
        if not content:
            break
        at = draw(st.integers(min_value=0, max_value=len(content) - 1))
        if kind == "truncate":
            del content[at:]
        elif kind == "drop_terminator":
            terminator = content.find(b"'", at)
            if terminator != -1:
                del content[terminator]
        elif kind == "insert":
            content[at:at] = draw(st.binary(min_size=1, max_size=40))
        else:
            junk = draw(st.binary(min_size=1, max_size=40))
            content[at : at + len(junk)] = junk
    return bytes(content)


@FUZZ
@given(mutated())
def test_mutated_file(content):
    assert_well_formed(parse_edifact(content))


@FUZZ
@given(st.data())
def test_a_file_cut_after_any_segment_keeps_the_lines_before_the_cut(data):
    full = parse_edifact(BASE)
    # Segment ends: a terminator not escaped by the release character ("?'" is text).
    ends = [
        index + 1
        for index, byte in enumerate(BASE)
        if byte == ord("'") and (index == 0 or BASE[index - 1] != ord("?"))
    ]
    cut = data.draw(st.sampled_from(ends))
    truncated = parse_edifact(BASE[:cut])
    assert_well_formed(truncated)
    kept = truncated.records
    # Every line but the one the cut may have shortened is read exactly as in the whole file.
    for record, whole in zip(kept[:-1], full.records, strict=False):
        assert (record.location, record.fields, record.identifiers, record.raw) == (
            whole.location,
            whole.fields,
            whole.identifiers,
            whole.raw,
        )
    assert len(kept) <= len(full.records)
    assert {d.code for d in truncated.diagnostics} <= {d.code for d in full.diagnostics} | {
        "missing_unt",
        "missing_unz",
        "missing_quantity",
    }


def test_ten_million_columns_stay_bounded():
    text = "UNB+UNOA:1+S+R+1+1'UNH+1+SLSRPT:D:96A:UN'LIN" + "+" * 10_000_000 + "'UNT+3+1'UNZ+1+1'"
    parsed = parse_edifact(text.encode())
    assert [(d.location, d.code) for d in parsed.diagnostics] == [(3, "segment_too_long")]
    assert parsed.records == []


def test_no_terminator_at_all_stays_bounded():
    parsed = parse_edifact(b"UNB+" + b"a:" * 3_000_000)
    assert [(d.location, d.code) for d in parsed.diagnostics] == [
        (1, "segment_too_long"),
    ]
    assert parsed.segment_count == 1
