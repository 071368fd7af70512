"""Property tests of the JSON reader: random and mutated input never raises; any list of
records written by ``json.dumps`` reads back with the same values as text."""

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from midstream.ingest.formats.detect import DiagnosticCode
from midstream.ingest.formats.jsonrecords import parse_json
from midstream.ingest.records import SELL_THROUGH_FIELDS, Format, ParsedFile

CODES = {code.value for code in DiagnosticCode}
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
FUZZ = settings(max_examples=300, deadline=None)

SAMPLE = json.dumps(
    {
        "kind": "sell_through",
        "period_start": "2024-03-01",
        "records": [
            {
                "invoice_number": "INV-1",
                "quantity": 2,
                "unit_price": 10.5,
                "identifiers": {"VP": "AB-100"},
                "parties": {"BY": {"name": "Shop", "references": {"VA": "DE1"}}},
            },
            {"invoice_number": "INV-2", "quantity": -1},
        ],
    },
    indent=1,
).encode()


def _check(parsed: ParsedFile) -> None:
    assert isinstance(parsed, ParsedFile)
    assert parsed.format is Format.JSON
    for diagnostic in parsed.diagnostics:
        assert diagnostic.code in CODES
        assert SNAKE.match(diagnostic.code)
        assert diagnostic.message
    for record in parsed.records:
        assert all(isinstance(value, str) for value in record.fields.values())
        assert all(isinstance(value, str) for value in record.identifiers.values())


@FUZZ
@given(st.binary(max_size=1000))
def test_random_bytes_never_raise(content):
    _check(parse_json(content))


@FUZZ
@given(st.text(alphabet=st.sampled_from('[]{}",:0123456789.eE-+ \ntruefalsnul\\ab'), max_size=300))
def test_json_token_soup_never_raises(text):
    _check(parse_json(text.encode()))


@FUZZ
@given(
    cut=st.integers(min_value=0, max_value=len(SAMPLE)),
    position=st.integers(min_value=0, max_value=len(SAMPLE)),
    junk=st.binary(max_size=10),
)
def test_mutated_samples_never_raise(cut, position, junk):
    _check(parse_json(SAMPLE[:cut]))
    _check(parse_json(SAMPLE[:position] + junk + SAMPLE[position:]))


_SCALARS = st.one_of(
    st.text(max_size=20),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.dictionaries(st.sampled_from(SELL_THROUGH_FIELDS), _SCALARS, max_size=6), max_size=6
    )
)
def test_written_records_read_back_as_their_json_text(items):
    parsed = parse_json(json.dumps(items).encode())
    _check(parsed)
    assert [d.code for d in parsed.diagnostics] == ([] if items else ["no_records"])
    expected = [
        {key: value if isinstance(value, str) else json.dumps(value) for key, value in item.items()}
        for item in items
    ]
    assert [record.fields for record in parsed.records] == expected
    assert [json.loads(record.raw) for record in parsed.records] == items
