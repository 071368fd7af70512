"""Pure spellings used as lookup keys by the resolvers (issue 3). No Django, no database.

Every function here is idempotent: a key normalised twice is the key normalised once, so a
value already stored in normalised form and a raw reported value meet on the same key.
"""

from __future__ import annotations

import re
import unicodedata

from midstream.catalog.calc import GTIN_LENGTHS, is_valid_gtin
from midstream.catalog.calc import normalise_gtin as strip_gtin_blanks

# VAT identification numbers of the EU member states start with the state's prefix, which is
# its ISO 3166 code except Greece (EL). Northern Ireland traders use XI; United Kingdom VAT
# numbers (GB) keep the same shape after Brexit and appear in the same reports.
ISO_VAT_PREFIXES = (
    *("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "HR", "HU", "IE"),
    *("IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "GB"),
)
VAT_PREFIX_COUNTRY: dict[str, str] = {
    **{code: code for code in ISO_VAT_PREFIXES},
    "EL": "GR",
    "XI": "GB",
}

# Unit codes as distributors report them (ANSI X12 355, UN/ECE Recommendation 20, plain
# words) mapped onto the catalog's units (catalog.choices.UnitOfMeasure).
UNIT_SYNONYMS: dict[str, str] = {
    "EACH": "EA",
    "PC": "EA",
    "PCE": "EA",
    "C62": "EA",
    "H87": "EA",
    "BOX": "BX",
    "CA": "CS",
    "CASE": "CS",
    "PACK": "PK",
    "PALLET": "PL",
}

_TAX_ID_SEPARATORS = str.maketrans("", "", " \t.-")
_NOT_ASCII_ALNUM = re.compile(r"[^0-9a-z]+")


def gtin14(raw: str) -> str | None:
    """``raw`` as a 14-digit GTIN, or ``None`` when it is not a valid GTIN-8/12/13/14.

    The check digit is weighted from the right (GS1 General Specifications 7.9), so padding
    with leading zeros keeps it valid: UPC-A ``036000291452``, EAN-13 ``0036000291452`` and
    GTIN-14 ``00036000291452`` are one product.
    """
    code = strip_gtin_blanks(raw.strip())
    if len(code) not in GTIN_LENGTHS or not is_valid_gtin(code):
        return None
    return code.rjust(14, "0")


def identifier_key(raw: str) -> str:
    """SKU, part number, partner id or account number as a key: trimmed, upper case."""
    return raw.strip().upper()


def unit_key(raw: str) -> str:
    """A reported unit code as a catalog unit (``"ca"`` → ``"CS"``); unknown codes stay."""
    code = raw.strip().upper()
    return UNIT_SYNONYMS.get(code, code)


def name_key(raw: str) -> str:
    """A company name as a key for exact matching.

    Case-folded, accents stripped (``"Müller"`` → ``"muller"``), every character that is not
    a letter or digit (punctuation, symbols, blanks) turned into a single blank, trimmed:
    ``"  ACME  Sàrl."`` and ``"acme sarl"`` are the same name.
    """
    if raw.isascii():
        # The same result for plain ASCII, ten times faster (the master has thousands).
        return " ".join(_NOT_ASCII_ALNUM.sub(" ", raw.lower()).split())
    return unicode_name_key(raw)


def unicode_name_key(raw: str) -> str:
    """``name_key`` for any text, character by character."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", raw).casefold())
    kept = []
    for character in text:
        if unicodedata.combining(character):
            continue
        kept.append(character if character.isalnum() else " ")
    return " ".join("".join(kept).split())


def _has_digit(text: str) -> bool:
    return any(character.isdigit() for character in text)


def tax_id_key(raw: str, country: str = "") -> tuple[str, str] | None:
    """``(country, number)`` for a tax id, or ``None`` for a blank one.

    Spaces, tabs, dots and dashes go, letters are upper-cased. A leading EU VAT prefix (or
    GB / XI) names the country itself and wins over ``country``: ``"DE 123.456.789"`` is
    ``("DE", "123456789")`` whatever country the row states, and so is ``"123456789"`` with
    country ``DE``. Greek ``EL`` is country ``GR``. Without a prefix the country is ``country``
    (upper-cased; empty when unknown).
    """
    cleaned = raw.translate(_TAX_ID_SEPARATORS).upper()
    if not cleaned:
        return None
    prefix, rest = cleaned[:2], cleaned[2:]
    if prefix in VAT_PREFIX_COUNTRY and _has_digit(rest):
        # A second prefix ("IEIE0…", a slip) goes too: the number never starts with one, so
        # the key is its own key (found by the idempotence property test).
        while rest[:2] in VAT_PREFIX_COUNTRY and _has_digit(rest[2:]):
            rest = rest[2:]
        return VAT_PREFIX_COUNTRY[prefix], rest
    return country.strip().upper(), cleaned
