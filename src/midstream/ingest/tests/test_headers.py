"""Column mapping suggestions from distributors' own header names, in five languages."""

from hypothesis import given
from hypothesis import strategies as st

from midstream.ingest.headers import (
    PRODUCT_ID_FIELDS,
    RESELLER_FIELDS,
    guess_kind,
    header_synonyms,
    normalize_header,
    suggest_mapping,
)
from midstream.ingest.records import INVENTORY_FIELDS, SELL_THROUGH_FIELDS, ReportKind

SELL = ReportKind.SELL_THROUGH
STOCK = ReportKind.INVENTORY


def test_english_sell_through_header():
    columns = [
        "Invoice No", "Invoice Date", "Customer", "Ship-to", "Postal code", "SKU", "EAN",
        "Qty", "Unit price", "Total", "Currency", "Description", "End User",
    ]  # fmt: skip
    assert suggest_mapping(columns, SELL) == {
        "invoice_number": "Invoice No",
        "invoice_date": "Invoice Date",
        "quantity": "Qty",
        "unit_price": "Unit price",
        "amount": "Total",
        "currency": "Currency",
        "product_description": "Description",
        "sku": "SKU",
        "gtin": "EAN",
        "reseller_name": "Customer",
        "reseller_postal_code": "Postal code",
        "end_customer_name": "End User",
    }


def test_the_ship_to_is_the_reseller_when_nothing_better_names_it():
    assert suggest_mapping(["Ship-to", "Ship to ZIP", "Qty"], SELL) == {
        "quantity": "Qty",
        "reseller_name": "Ship-to",
        "reseller_postal_code": "Ship to ZIP",
    }


def test_german_header():
    columns = [
        "Rechnungsnummer", "Rechnungsdatum", "Pos.", "Kunde", "Kunden-Nr.", "USt-IdNr.",
        "Straße", "PLZ", "Ort", "Land", "Artikelnummer", "EAN", "Bezeichnung", "Menge", "ME",
        "Einzelpreis", "Betrag", "Währung", "Endkunde",
    ]  # fmt: skip
    assert suggest_mapping(columns, SELL) == {
        "invoice_number": "Rechnungsnummer",
        "invoice_date": "Rechnungsdatum",
        "line_number": "Pos.",
        "quantity": "Menge",
        "unit_of_measure": "ME",
        "unit_price": "Einzelpreis",
        "amount": "Betrag",
        "currency": "Währung",
        "product_description": "Bezeichnung",
        "sku": "Artikelnummer",
        "gtin": "EAN",
        "reseller_name": "Kunde",
        "reseller_account_number": "Kunden-Nr.",
        "reseller_tax_id": "USt-IdNr.",
        "reseller_address": "Straße",
        "reseller_city": "Ort",
        "reseller_postal_code": "PLZ",
        "reseller_country": "Land",
        "end_customer_name": "Endkunde",
    }


def test_french_header():
    columns = [
        "N° facture", "Date facture", "Client", "Code client", "N° TVA", "Adresse",
        "Code postal", "Ville", "Pays", "Référence", "Code EAN", "Désignation", "Quantité",
        "Prix unitaire", "Montant", "Devise", "Client final",
    ]  # fmt: skip
    assert suggest_mapping(columns, SELL) == {
        "invoice_number": "N° facture",
        "invoice_date": "Date facture",
        "quantity": "Quantité",
        "unit_price": "Prix unitaire",
        "amount": "Montant",
        "currency": "Devise",
        "product_description": "Désignation",
        "sku": "Référence",
        "gtin": "Code EAN",
        "reseller_name": "Client",
        "reseller_account_number": "Code client",
        "reseller_tax_id": "N° TVA",
        "reseller_address": "Adresse",
        "reseller_city": "Ville",
        "reseller_postal_code": "Code postal",
        "reseller_country": "Pays",
        "end_customer_name": "Client final",
    }


def test_spanish_header():
    columns = [
        "Nº Factura", "Fecha", "Cliente", "NIF", "Dirección", "Código postal", "Ciudad",
        "País", "Referencia", "Descripción", "Cantidad", "Precio", "Importe", "Moneda",
    ]  # fmt: skip
    assert suggest_mapping(columns, SELL) == {
        "invoice_number": "Nº Factura",
        "invoice_date": "Fecha",
        "quantity": "Cantidad",
        "unit_price": "Precio",
        "amount": "Importe",
        "currency": "Moneda",
        "product_description": "Descripción",
        "sku": "Referencia",
        "reseller_name": "Cliente",
        "reseller_tax_id": "NIF",
        "reseller_address": "Dirección",
        "reseller_city": "Ciudad",
        "reseller_postal_code": "Código postal",
        "reseller_country": "País",
    }


def test_dutch_header():
    columns = [
        "Factuurnummer", "Factuurdatum", "Klant", "Klantnummer", "Postcode", "Plaats",
        "Artikelnummer", "Omschrijving", "Aantal", "Prijs", "Bedrag", "Valuta", "Eindklant",
    ]  # fmt: skip
    assert suggest_mapping(columns, SELL) == {
        "invoice_number": "Factuurnummer",
        "invoice_date": "Factuurdatum",
        "quantity": "Aantal",
        "unit_price": "Prijs",
        "amount": "Bedrag",
        "currency": "Valuta",
        "product_description": "Omschrijving",
        "sku": "Artikelnummer",
        "reseller_name": "Klant",
        "reseller_account_number": "Klantnummer",
        "reseller_city": "Plaats",
        "reseller_postal_code": "Postcode",
        "end_customer_name": "Eindklant",
    }


def test_inventory_headers_in_english_and_german():
    english = ["Part Number", "Description", "On Hand", "Available", "On Order", "In Transit",
               "Allocated", "Warehouse", "As of", "UOM"]  # fmt: skip
    assert suggest_mapping(english, STOCK) == {
        "as_of_date": "As of",
        "location": "Warehouse",
        "unit_of_measure": "UOM",
        "on_hand": "On Hand",
        "available": "Available",
        "on_order": "On Order",
        "in_transit": "In Transit",
        "committed": "Allocated",
        "product_description": "Description",
        "sku": "Part Number",
    }
    german = ["Artikel", "Bezeichnung", "Lagerbestand", "Verfügbar", "Bestellt", "Lager",
              "Stichtag"]  # fmt: skip
    assert suggest_mapping(german, STOCK) == {
        "as_of_date": "Stichtag",
        "location": "Lager",
        "on_hand": "Lagerbestand",
        "available": "Verfügbar",
        "on_order": "Bestellt",
        "product_description": "Bezeichnung",
        "sku": "Artikel",
    }


def test_a_plain_quantity_column_is_the_stock_of_an_inventory_report():
    assert suggest_mapping(["Item", "Qty", "Date"], STOCK) == {
        "as_of_date": "Date",
        "on_hand": "Qty",
        "sku": "Item",
    }


def test_spelling_variants_compounds_and_typos():
    columns = ["InvoiceNumber", "Quanity", "Part #", "UPC"]
    assert suggest_mapping(columns, SELL) == {
        "invoice_number": "InvoiceNumber",
        "quantity": "Quanity",
        "sku": "Part #",
        "gtin": "UPC",
    }
    # A German compound is what its last part says: "Bestellmenge" is a "Menge".
    assert suggest_mapping(["Bestellmenge", "Listenpreis"], SELL) == {
        "quantity": "Bestellmenge",
        "unit_price": "Listenpreis",
    }


def test_canonical_names_map_to_themselves():
    columns = list(SELL_THROUGH_FIELDS)
    assert suggest_mapping(columns, SELL) == {field: field for field in SELL_THROUGH_FIELDS}
    assert suggest_mapping(list(INVENTORY_FIELDS), STOCK) == {f: f for f in INVENTORY_FIELDS}


def test_a_column_never_feeds_two_fields_and_the_best_claim_wins():
    # "Date" could be the invoice date or the period start; it goes to the better match only.
    assert suggest_mapping(["Date"], SELL) == {"invoice_date": "Date"}
    # Two columns for one field: the exact name wins, the other stays unmapped.
    assert suggest_mapping(["Quantity (pieces)", "Quantity"], SELL) == {"quantity": "Quantity"}


def test_unknown_and_empty_headers_map_nothing():
    assert suggest_mapping(["Foo", "Bar baz", "", "###", "x"], SELL) == {}
    assert suggest_mapping([], STOCK) == {}


def test_reseller_fields_are_not_offered_for_inventory():
    assert suggest_mapping(["Customer", "Stock"], STOCK) == {"on_hand": "Stock"}


def test_normalisation():
    assert normalize_header("N° de Facture").tokens == ("no", "facture")
    assert normalize_header("Numéro de la facture").tokens == ("no", "facture")
    assert normalize_header("InvoiceNumber").tokens == ("invoice", "no")
    assert normalize_header("EANCode").tokens == ("ean", "code")
    assert normalize_header("  STRASSE/Straße ").tokens == ("strasse", "strasse")
    assert normalize_header("Qty #").tokens == ("qty", "no")
    assert normalize_header("de").tokens == ("de",)  # only stop words: kept


def test_guess_kind():
    assert guess_kind(["SKU", "On hand", "Available", "Warehouse"]) is STOCK
    assert guess_kind(["Artikel", "Bestand", "Lager"]) is STOCK
    assert guess_kind(["Invoice", "SKU", "Qty", "Customer"]) is SELL
    assert guess_kind(["SKU", "Qty", "Date"]) is SELL  # nothing distinctive: sell-through
    assert guess_kind([]) is SELL


def test_every_synonym_maps_to_its_own_field_when_alone():
    for field, synonyms in header_synonyms().items():
        kind = STOCK if field in INVENTORY_FIELDS and field not in SELL_THROUGH_FIELDS else SELL
        for synonym in synonyms:
            mapped = suggest_mapping([synonym], kind)
            assert list(mapped.values()) == [synonym], (field, synonym, mapped)
            assert field in mapped or _shared(field, next(iter(mapped))), (field, synonym)


def _shared(field: str, other: str) -> bool:
    """Synonyms deliberately shared between fields (the better field wins when alone)."""
    shared = {
        ("report_location", "location"),
        ("on_hand", "quantity"),
        ("as_of_date", "invoice_date"),
    }
    return (field, other) in shared or (other, field) in shared


def test_the_constants():
    assert RESELLER_FIELDS[0] == "reseller_name"
    assert "end_customer_name" in RESELLER_FIELDS
    assert PRODUCT_ID_FIELDS == ("sku", "distributor_part_number", "gtin")


@given(st.lists(st.text(max_size=30), max_size=40), st.sampled_from(list(ReportKind)))
def test_suggestions_are_one_to_one_and_use_the_given_columns(columns, kind):
    mapping = suggest_mapping(columns, kind)
    assert len(set(mapping.values())) == len(mapping)
    assert set(mapping.values()) <= set(columns)
    allowed = set(INVENTORY_FIELDS if kind is STOCK else SELL_THROUGH_FIELDS)
    allowed |= set(PRODUCT_ID_FIELDS) | (set(RESELLER_FIELDS) if kind is SELL else set())
    assert set(mapping) <= allowed
