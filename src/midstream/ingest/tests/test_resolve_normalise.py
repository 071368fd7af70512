"""Lookup keys of the resolvers: GTIN-14, names, tax ids, units (pure, no database)."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from midstream.catalog.calc import gtin_check_digit
from midstream.ingest.resolve.normalise import (
    gtin14,
    identifier_key,
    name_key,
    tax_id_key,
    unit_key,
)


def with_check_digit(body: str) -> str:
    return body + str(gtin_check_digit(body))


class TestGtin14:
    def test_upc_ean_and_gtin14_of_one_product_are_one_key(self):
        assert gtin14("036000291452") == "00036000291452"
        assert gtin14("0036000291452") == "00036000291452"
        assert gtin14("00036000291452") == "00036000291452"

    def test_gtin8_is_padded(self):
        assert gtin14("96385074") == "00000096385074"

    def test_blanks_and_hyphens_people_type_are_dropped(self):
        assert gtin14(" 4006381 33393-1 ") == "04006381333931"

    @pytest.mark.parametrize(
        "raw",
        [
            "",
            "   ",
            "036000291453",
            "12345",
            "0000000000036000291452",
            "03600029145X",
            # A valid UPC-A in full-width digits: not ASCII, not a GTIN.
            "".join(chr(0xFF10 + int(digit)) for digit in "036000291452"),
        ],
    )
    def test_not_a_gtin_is_none(self, raw):
        assert gtin14(raw) is None

    @given(st.text(alphabet="0123456789", min_size=7, max_size=13))
    def test_every_valid_gtin_pads_to_14_and_is_idempotent(self, body):
        code = with_check_digit(body)
        key = gtin14(code)
        if len(code) in (8, 12, 13, 14):
            assert key == code.rjust(14, "0")
            assert gtin14(key) == key
        else:
            assert key is None

    @given(st.text(max_size=30))
    def test_idempotent_on_any_text(self, raw):
        key = gtin14(raw)
        if key is not None:
            assert len(key) == 14
            assert gtin14(key) == key


class TestNameKey:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("  ACME  Sàrl.", "acme sarl"),
            ("Müller & Söhne GmbH", "muller sohne gmbh"),
            ("STRAẞE-Handel", "strasse handel"),
            ("O'Brien, Ltd", "o brien ltd"),
            ("Café\u00a0Crème\tS.A.", "cafe creme s a"),
            ("", ""),
            ("...", ""),
        ],
    )
    def test_examples(self, raw, expected):
        assert name_key(raw) == expected

    @given(st.text())
    def test_idempotent(self, raw):
        assert name_key(name_key(raw)) == name_key(raw)

    @given(st.text())
    def test_no_surrounding_or_doubled_blanks(self, raw):
        key = name_key(raw)
        assert key == key.strip()
        assert "  " not in key


class TestTaxIdKey:
    @pytest.mark.parametrize(
        ("raw", "country", "expected"),
        [
            ("DE123456789", "", ("DE", "123456789")),
            ("DE 123.456.789", "FR", ("DE", "123456789")),
            ("123456789", "de", ("DE", "123456789")),
            ("EL123456789", "", ("GR", "123456789")),
            ("XI 123 4567 89", "", ("GB", "123456789")),
            ("ATU12345678", "", ("AT", "U12345678")),
            ("12-3456789", "US", ("US", "123456789")),
            ("12-3456789", "", ("", "123456789")),
            ("de-abc", "", ("", "DEABC")),
            (" . - ", "DE", None),
            ("", "DE", None),
        ],
    )
    def test_examples(self, raw, country, expected):
        assert tax_id_key(raw, country) == expected

    @given(
        st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ .-", max_size=20),
        st.sampled_from(["", "DE", "FR", "GR", "US"]),
    )
    @example(raw="IEIE0", country="")  # a doubled prefix (found by this test)
    @example(raw="FRIE0", country="DE")
    def test_idempotent(self, raw, country):
        key = tax_id_key(raw, country)
        if key is not None:
            assert tax_id_key(key[1], key[0]) == key


def test_identifier_and_unit_keys():
    assert identifier_key(" r0001234 ") == "R0001234"
    assert unit_key(" ca ") == "CS"
    assert unit_key("PCE") == "EA"
    assert unit_key("bx") == "BX"
    assert unit_key("ZZ") == "ZZ"


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_the_ascii_fast_path_of_name_key_agrees_with_the_general_one(raw):
    from midstream.ingest.resolve.normalise import unicode_name_key

    assert name_key(raw) == unicode_name_key(raw)
