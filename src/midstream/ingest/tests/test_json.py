"""JSON records: both shapes, exact number text, identifiers and parties, problems per item."""

import json

import pytest

from midstream.ingest import records
from midstream.ingest.formats import detect
from midstream.ingest.formats.jsonrecords import MAX_DEPTH, parse_json
from midstream.ingest.records import Format, Party, ReportKind


def _codes(parsed):
    return [(d.location, d.field, d.code, str(d.severity)) for d in parsed.diagnostics]


def test_a_list_of_sell_through_records():
    content = b"""[
      {"invoice_number": "INV-1", "invoice_date": "2024-03-01", "quantity": 2,
       "unit_price": 10.50, "amount": 2.1e1, "currency": "EUR",
       "identifiers": {"VP": "AB-100", "EN": "4006381333931"},
       "parties": {"BY": {"name": "Shop GmbH", "id_qualifier": "91", "id": "R-7",
                          "postal_code": "10115", "country": "DE",
                          "references": {"VA": "DE123456789"}}}},
      {"invoice_number": "INV-2", "quantity": "-1", "product_description": null}
    ]"""
    parsed = parse_json(content)
    assert (parsed.format, parsed.encoding) == (Format.JSON, "utf-8")
    assert parsed.diagnostics == []
    [document] = parsed.documents
    assert (document.kind, document.transaction, document.location, document.header) == (
        ReportKind.SELL_THROUGH,
        "json",
        1,
        {},
    )
    first, second = document.records
    assert (first.location, first.kind) == (1, ReportKind.SELL_THROUGH)
    assert first.fields == {
        "invoice_number": "INV-1",
        "invoice_date": "2024-03-01",
        "quantity": "2",
        "unit_price": "10.50",
        "amount": "2.1e1",
        "currency": "EUR",
    }
    assert first.identifiers == {"VP": "AB-100", "EN": "4006381333931"}
    assert first.parties == {
        "BY": Party(
            role="BY",
            name="Shop GmbH",
            id_qualifier="91",
            id="R-7",
            postal_code="10115",
            country="DE",
            references={"VA": "DE123456789"},
        )
    }
    assert first.raw.startswith('{"invoice_number": "INV-1"')
    assert first.raw.endswith('"references": {"VA": "DE123456789"}}}}')
    assert json.loads(first.raw)["unit_price"] == 10.5
    assert (second.location, second.fields) == (2, {"invoice_number": "INV-2", "quantity": "-1"})
    assert (
        second.raw == '{"invoice_number": "INV-2", "quantity": "-1", "product_description": null}'
    )


def test_the_envelope_shape_with_period_and_kind():
    content = json.dumps(
        {
            "kind": "inventory",
            "period_start": "2024-03-01",
            "period_end": "2024-03-31",
            "as_of_date": "2024-03-31",
            "records": [{"location": "W1", "on_hand": 12, "available": 10}],
        }
    ).encode()
    parsed = parse_json(content)
    assert parsed.diagnostics == []
    [document] = parsed.documents
    assert document.kind is ReportKind.INVENTORY
    assert document.header == {
        "period_start": "2024-03-01",
        "period_end": "2024-03-31",
        "as_of_date": "2024-03-31",
    }
    assert [(r.kind, r.fields) for r in document.records] == [
        (ReportKind.INVENTORY, {"location": "W1", "on_hand": "12", "available": "10"})
    ]


def test_the_kind_is_given_declared_or_guessed():
    stock = b'[{"on_hand": "1"}]'
    assert parse_json(stock).documents[0].kind is ReportKind.INVENTORY
    assert parse_json(b'[{"quantity": "1"}]').documents[0].kind is ReportKind.SELL_THROUGH
    assert parse_json(b"[]").documents[0].kind is ReportKind.SELL_THROUGH
    given = parse_json(stock, kind=ReportKind.SELL_THROUGH)
    assert given.documents[0].kind is ReportKind.SELL_THROUGH
    assert _codes(given) == [(1, "on_hand", "unknown_key", "warning")]
    mismatch = parse_json(b'{"kind": "inventory", "records": []}', kind=ReportKind.SELL_THROUGH)
    assert _codes(mismatch) == [(None, None, "kind_mismatch", "error")]
    assert mismatch.documents == []
    invalid = parse_json(b'{"kind": "sales", "records": []}')
    assert [(d.code, d.message) for d in invalid.diagnostics] == [
        ("invalid_kind", '"kind" is "sales"; it must be one of: sell_through, inventory.')
    ]


def test_problems_are_reported_per_item_and_good_items_are_kept():
    content = b"""[
      {"invoice_number": "A", "quantity": "1"},
      "not a record",
      {"invoice_number": "B", "quantity": [1, 2]},
      {"invoice_number": "C", "quantity": "1", "quantity": "2"},
      {"invoice_number": "D", "colour": "red", "identifiers": {"VP": {"x": 1}}},
      {"invoice_number": "E", "parties": {"BY": {"name": "X", "phone": "1"}}},
      {"invoice_number": "F", "parties": ["BY"]},
      null,
      {"invoice_number": "G", "quantity": true}
    ]"""
    parsed = parse_json(content)
    assert [(r.location, r.fields.get("invoice_number")) for r in parsed.records] == [
        (1, "A"),
        (6, "E"),
        (9, "G"),
    ]
    assert parsed.records[2].fields["quantity"] == "true"
    assert _codes(parsed) == [
        (2, None, "not_an_object", "error"),
        (3, "quantity", "not_text", "error"),
        (4, "quantity", "duplicate_key", "error"),
        (5, "colour", "unknown_key", "warning"),
        (5, "identifiers.VP", "not_text", "error"),
        (6, "parties.BY.phone", "unknown_key", "warning"),
        (7, "parties", "not_an_object", "error"),
        (8, None, "not_an_object", "error"),
    ]
    assert parsed.diagnostics[0].message == ("record 2 is a text or number value, not an object.")
    assert parsed.diagnostics[1].message == '"quantity" must be text or a number, not a list.'
    assert not parsed.has_errors


def test_a_value_over_the_field_limit():
    value = "x" * (records.MAX_FIELD_CHARS + 1)
    parsed = parse_json(json.dumps([{"product_description": value}]).encode())
    assert _codes(parsed) == [(1, "product_description", "field_too_long", "error")]
    assert parsed.records == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'[{"quantity": 1}', "not valid JSON: line 1, column 17: expected ',' or ']'."),
        (b'[{"quantity": 1},\n {"quantity": }]', "not valid JSON: line 2, column 15: "),
        (b"[NaN]", "not valid JSON: line 1, column 2: NaN is not a JSON number."),
        (b"[Infinity]", "not valid JSON: line 1, column 2: Infinity is not a JSON number."),
        (b"[] []", "not valid JSON: line 1, column 4: extra data after the end"),
        (b'"records"', "not valid JSON: line 1, column 1: expected a list of records"),
        (b'{"period_start": "2024-01-01"}', 'the object has no "records" list'),
        (b"{}", 'the object has no "records" list'),
        (b'{"records": {}}', '"records" must be a list'),
        (b'{"records": [], "records": []}', 'the key "records" appears twice'),
        (b'{"records": [] "kind": 1}', "expected ',' or '}'"),
        (b"{records: []}", "expected a key in double quotes"),
    ],
)
def test_invalid_json_is_one_file_error_with_its_position(content, message):
    parsed = parse_json(content)
    assert [d.code for d in parsed.diagnostics] == ["invalid_json"]
    assert message in parsed.diagnostics[0].message
    assert parsed.documents == []
    assert parsed.has_errors


def test_unknown_and_wrongly_typed_envelope_keys():
    parsed = parse_json(b'{"records": [], "period_end": [2024, 1, 31], "source": "ERP"}')
    assert _codes(parsed) == [
        (None, "period_end", "not_text", "error"),
        (None, "source", "unknown_key", "warning"),
        (None, None, "no_records", "warning"),
    ]
    assert parsed.diagnostics[0].message == '"period_end" must be text, not a list.'
    # A number is its JSON text, like every value.
    assert parse_json(b'{"records": [], "period_end": 20240131}').documents[0].header == {
        "period_end": "20240131"
    }


def test_nesting_is_bounded():
    deep = b"[" * 100_000 + b"]" * 100_000
    assert [d.code for d in parse_json(deep).diagnostics] == ["json_too_deep"]
    nested: object = "x"
    for _ in range(MAX_DEPTH):
        nested = {"a": nested}
    content = json.dumps([{"identifiers": nested}]).encode()
    assert [d.code for d in parse_json(content).diagnostics] == ["json_too_deep"]


def test_encodings():
    record = '[{"product_description": "Écran"}]'
    assert parse_json(b"\xef\xbb\xbf" + record.encode()).records[0].fields == {
        "product_description": "Écran"
    }
    assert parse_json(record.encode("utf-16")).records[0].fields == {"product_description": "Écran"}
    latin = parse_json(record.encode("latin-1"))
    assert [(d.code, d.message) for d in latin.diagnostics] == [
        ("not_utf8", "line 1: the bytes are not valid UTF-8 (JSON is UTF-8).")
    ]


@pytest.mark.parametrize("content", [b"", b"  \n ", b"\xef\xbb\xbf"])
def test_an_empty_file(content):
    assert [d.code for d in parse_json(content).diagnostics] == ["empty_file"]


def test_a_file_over_the_size_limit(monkeypatch):
    monkeypatch.setattr(records, "MAX_FILE_BYTES", 3)
    assert [d.code for d in parse_json(b"[{}]").diagnostics] == ["file_too_large"]


def test_unknown_keys_are_capped():
    content = json.dumps([{"colour": "red"}] * 1200).encode()
    parsed = parse_json(content)
    assert len(parsed.records) == 1200
    codes = [d.code for d in parsed.diagnostics]
    assert codes.count("unknown_key") == 1000
    assert codes[-1] == "too_many_diagnostics"


def test_more_records_than_the_limit_refuse_the_file(monkeypatch):
    monkeypatch.setattr(detect, "MAX_RECORDS", 2)
    assert len(parse_json(b"[{}, {}]").records) == 2
    parsed = parse_json(b'{"records": [{}, {}, {}]}')
    assert [d.code for d in parsed.diagnostics] == ["too_many_records"]
    assert parsed.documents == []
