"""Property tests of the CSV reader: random and mutated input never raises, and any table
written by Python's csv module (any delimiter, encoding, quoting) reads back unchanged."""

import csv
import io
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from midstream.ingest import records
from midstream.ingest.formats.detect import DiagnosticCode
from midstream.ingest.formats.tabular import parse_csv
from midstream.ingest.records import Format, ParsedFile

CODES = {code.value for code in DiagnosticCode}
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SAMPLE = (
    "Rechnungsnummer;Datum;Kunde;Menge;Preis\r\n"
    'R-1;01.03.2024;"Müller; Söhne";5;12,50\r\n'
    'R-2;02.03.2024;"two\r\nlines";-1;3,00\r\n'
    'R-3;03.03.2024;Café "Noël";2;1,00\r\n'
).encode("cp1252")


def _check(parsed: ParsedFile) -> None:
    assert isinstance(parsed, ParsedFile)
    assert parsed.format is Format.CSV
    for diagnostic in parsed.diagnostics:
        assert diagnostic.code in CODES
        assert SNAKE.match(diagnostic.code)
        assert diagnostic.message
    assert len(parsed.columns) <= records.MAX_COLUMNS
    locations = [record.location for record in parsed.records]
    assert locations == sorted(set(locations))
    for record in parsed.records:
        assert list(record.columns) == parsed.columns
        assert all(len(value) <= records.MAX_FIELD_CHARS for value in record.columns.values())


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(content):
    _check(parse_csv(content))


@FUZZ
@given(st.text(alphabet=st.sampled_from(',;\t|"\r\n ab1é€\x00'), max_size=400))
def test_delimiter_and_quote_soup_never_raises(text):
    _check(parse_csv(text.encode("utf-8")))


@FUZZ
@given(
    cut=st.integers(min_value=0, max_value=len(SAMPLE)),
    junk=st.binary(max_size=20),
    position=st.integers(min_value=0, max_value=len(SAMPLE)),
    drop=st.sampled_from([b"", b'"', b"\r\n", b";"]),
)
def test_mutated_samples_never_raise(cut, junk, position, drop):
    truncated = SAMPLE[:cut]
    _check(parse_csv(truncated))
    _check(parse_csv(SAMPLE[:position] + junk + SAMPLE[position:]))
    if drop:
        _check(parse_csv(SAMPLE.replace(drop, b"", 1)))


_NAMES = st.lists(
    st.from_regex(r"[A-Za-z][A-Za-z0-9 ]{0,10}[A-Za-z0-9]", fullmatch=True),
    min_size=2,
    max_size=6,
    unique_by=str.strip,
)
_VALUE_ALPHABET = st.sampled_from([*'abc XYZ019,;\t|"\n-.', "é", "ü", "ß", "Ä"])


@settings(max_examples=200, deadline=None)
@given(
    names=_NAMES,
    data=st.data(),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    line_end=st.sampled_from(["\n", "\r\n"]),
)
def test_any_written_table_reads_back(names, data, delimiter, encoding, line_end):
    names = [name.strip() for name in names]
    width = len(names)
    rows = data.draw(
        st.lists(
            st.lists(st.text(_VALUE_ALPHABET, max_size=12), min_size=width, max_size=width),
            max_size=8,
        )
    )
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(names)
    writer.writerows(rows)
    parsed = parse_csv(buffer.getvalue().encode(encoding))
    _check(parsed)
    assert parsed.delimiter == delimiter
    assert parsed.columns == names
    expected = [dict(zip(names, row, strict=True)) for row in rows if any(v.strip() for v in row)]
    assert [record.columns for record in parsed.records] == expected
    assert not [d for d in parsed.diagnostics if d.code != "no_records"]
