"""Property tests of detection and the dispatcher: any bytes give a format or a clear error."""

import re

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from midstream.ingest.formats import parse_file
from midstream.ingest.formats.detect import DiagnosticCode, detect_format
from midstream.ingest.records import Diagnostic, Format, ParsedFile, Severity

CODES = {code.value for code in DiagnosticCode}
FUZZ = settings(max_examples=400, deadline=None)
_PREFIXES = st.sampled_from(
    [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"PK\x03\x04", b"[", b"{", b"  \n", b"<"]
)


@FUZZ
@given(prefix=_PREFIXES, body=st.binary(max_size=600))
def test_detection_never_raises(prefix, body):
    result = detect_format(prefix + body)
    if isinstance(result, Diagnostic):
        assert result.code in CODES
        assert (result.location, result.severity) == (None, Severity.ERROR)
        assert result.message
    else:
        assert isinstance(result, Format)


@FUZZ
@given(prefix=_PREFIXES, body=st.binary(max_size=600))
def test_parse_file_never_raises_on_non_edi_input(prefix, body):
    content = prefix + body
    # EDI goes to the X12 and EDIFACT readers, which have their own fuzz tests.
    assume(detect_format(content) not in (Format.X12, Format.EDIFACT))
    parsed = parse_file(content, file_name="upload.bin")
    assert isinstance(parsed, ParsedFile)
    for diagnostic in parsed.diagnostics:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", diagnostic.code)
        assert diagnostic.message


@FUZZ
@given(st.text(max_size=200), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_text_without_signatures_is_csv_or_json(text, encoding):
    stripped = text.lstrip(" \t\r\n\f\v")
    assume(stripped and not stripped.startswith(("ISA", "UNA", "UNB", "<")))
    controls = [c for c in text if 0 < ord(c) < 32 and c not in "\t\n\r\f\x1a"]
    assume(not controls)
    assume("\x00" not in text)
    expected = Format.JSON if stripped[0] in "[{" else Format.CSV
    assert detect_format(text.encode(encoding)) is expected
