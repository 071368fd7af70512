"""Which column of a distributor's spreadsheet most likely holds which canonical field.

A distributor's CSV or XLSX report has a header row in its own words and language
("Rechnungsnummer", "N° facture", "Qty shipped"). ``suggest_mapping`` proposes, for each
canonical field, the column that most likely holds it, from a table of common header names in
English, German, French, Spanish and Dutch. It is a suggestion for a person to confirm (the
mapping profile is the final word), so it prefers leaving a field unmapped to guessing wildly.

Headers are compared after normalisation: camelCase split, accents removed, case folded,
punctuation turned into spaces, small words ("of", "de", "du", "der", "van"…) dropped, and the
many ways of writing "number" ("No.", "Nr", "N°", "Nº", "#", "Num", "Nummer", "Número") made one
token. Each column is then scored against each field's synonyms: an exact match scores 1; a
column containing every word of a synonym ("Qty shipped" ⊇ "qty") scores 0.6-0.9 by how much of
the column the synonym covers; a German or Dutch compound ending with a synonym
("Verkaufsmenge" ← "menge") scores a little less; a near-spelling ("Quanity") scores at most
0.85. Pairs are then assigned greedily from the best score down, so one column never feeds two
fields and one field never takes two columns.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from midstream.ingest.records import INVENTORY_FIELDS, SELL_THROUGH_FIELDS, ReportKind

# Who bought from the distributor (the reseller) and who it was for (the end customer). EDI
# carries them as parties (N1/NAD loops); a spreadsheet has one column per attribute.
RESELLER_FIELDS = (
    "reseller_name",
    "reseller_id",
    "reseller_tax_id",
    "reseller_address",
    "reseller_city",
    "reseller_postal_code",
    "reseller_country",
    "end_customer_name",
)

# Product identifiers of a spreadsheet row. EDI carries them as qualified identifiers (X12 VP,
# BP, UP…; EDIFACT PIA/LIN); a spreadsheet has one column for each.
PRODUCT_ID_FIELDS = (
    "sku",  # the vendor's part number (manufacturer part number, model)
    "distributor_part_number",  # the distributor's own article number
    "gtin",  # EAN / UPC / GTIN barcode number
)

# Synonyms per field, separated by ";". A synonym is a header as a person would type it; it is
# normalised like the columns. "@0.9" after a synonym lowers its weight: a weaker hint, e.g.
# "ship to" for the reseller (in drop shipments the ship-to is the end customer).
_SYNONYMS: dict[str, str] = {
    # ─── sell-through ──────────────────────────────────────────────────────────────────
    "transaction_type": (
        "transaction type; sale type; sales type; trans type; document type; belegart; "
        "vorgangsart; buchungsart; type de transaction; type de vente; type de document; tipo "
        "de transaccion; tipo de venta; tipo de documento; transactietype; soort transactie; "
        "type @0.85"
    ),
    "invoice_number": (
        "invoice; invoice no; invoice id; inv no; inv; invoice ref; invoice reference; document "
        "no; bill no; rechnung; rechnungsnummer; rechnungsnr; rechnungs no; re no; beleg; "
        "belegnummer; belegnr; beleg no; facture; no facture; numero facture; ref facture; "
        "factura; no factura; numero factura; factuur; factuurnummer; factuurnr; factuur no"
    ),
    "invoice_date": (
        "invoice date; inv date; date; sale date; sales date; transaction date; document date; "
        "ship date; shipment date; rechnungsdatum; datum; belegdatum; verkaufsdatum; "
        "lieferdatum; date facture; date vente; date document; date livraison; fecha; fecha "
        "factura; fecha venta; fecha documento; factuurdatum; verkoopdatum; leverdatum"
    ),
    "line_number": (
        "line; line no; invoice line; line item; position; pos; pos no; positionsnummer; "
        "rechnungsposition; ligne; no ligne; linea; no linea; regel; regelnummer; positie"
    ),
    "quantity": (
        "qty; quantity; units; qty sold; quantity sold; units sold; qty shipped; quantity "
        "shipped; qty invoiced; menge; anzahl; stuck; stk; stuckzahl; verkaufsmenge; "
        "liefermenge; quantite; qte; quantite vendue; cantidad; cant; unidades; cantidad "
        "vendida; aantal; hoeveelheid; aantal verkocht"
    ),
    "unit_of_measure": (
        "uom; unit; unit of measure; units of measure; measure; me; mengeneinheit; einheit; "
        "masseinheit; unite; unite mesure; unidad; unidad medida; eenheid; maateenheid"
    ),
    "unit_price": (
        "unit price; price; resale price; sell price; selling price; sales price; net price; "
        "net unit price; price per unit; unit cost; einzelpreis; preis; stuckpreis; vk preis; "
        "verkaufspreis; nettopreis; prix; prix unitaire; pu; prix vente; prix net; precio; "
        "precio unitario; precio venta; precio neto; prijs; stukprijs; eenheidsprijs; "
        "verkoopprijs; nettoprijs"
    ),
    "price_basis": (
        "price basis; price type; price code; preisbasis; preisart; base prix; type prix; base "
        "precio; tipo precio; prijsbasis; prijstype"
    ),
    "amount": (
        "amount; total; line total; line amount; net amount; extended price; ext price; sales "
        "amount; sales value; revenue; value; betrag; gesamtbetrag; gesamtpreis; nettobetrag; "
        "umsatz; summe; wert; montant; montant total; montant ht; total ligne; chiffre "
        "affaires; importe; importe total; importe neto; bedrag; totaal; totaalbedrag; omzet"
    ),
    "currency": (
        "currency; curr; currency code; ccy; wahrung; wahrungscode; devise; monnaie; moneda; "
        "divisa; valuta"
    ),
    "product_description": (
        "description; product description; item description; product name; item name; article "
        "description; bezeichnung; artikelbezeichnung; beschreibung; produktname; artikelname; "
        "designation; libelle; description produit; nom produit; descripcion; descripcion "
        "producto; nombre producto; omschrijving; productomschrijving; productnaam"
    ),
    "contract_reference": (
        "contract; contract no; contract reference; spa; spa no; spa id; special pricing; "
        "special price; deal; deal id; deal no; deal registration; bid; bid no; quote no; "
        "vertrag; vertragsnummer; projekt; projektnummer; sonderpreis; contrat; no contrat; "
        "prix special; contrato; no contrato; precio especial; contract nummer; contractnummer; "
        "projectnummer"
    ),
    "report_location": (
        "branch; store; shop; sales location; selling location; outlet; filiale; niederlassung; "
        "verkaufsstelle; agence; magasin; point vente; sucursal; tienda; punto venta; filiaal; "
        "winkel; vestiging; warehouse @0.9; location @0.9; site @0.9; lager @0.9"
    ),
    "period_start": (
        "period start; period from; start date; from date; date from; period begin; von datum; "
        "datum von; zeitraum von; periode von; periodenbeginn; debut periode; periode debut; "
        "date debut; fecha desde; fecha inicio; periodo desde; inicio periodo; begindatum; "
        "periode van; startdatum"
    ),
    "period_end": (
        "period end; period to; end date; to date; date to; bis datum; datum bis; zeitraum bis; "
        "periode bis; periodenende; fin periode; periode fin; date fin; fecha hasta; fecha fin; "
        "periodo hasta; fin periodo; einddatum; periode tot"
    ),
    # ─── inventory ─────────────────────────────────────────────────────────────────────
    "as_of_date": (
        "as of; as of date; date; stock date; inventory date; snapshot date; report date; "
        "balance date; stichtag; datum; bestandsdatum; inventurdatum; date stock; date "
        "inventaire; fecha; fecha stock; fecha inventario; peildatum; voorraaddatum"
    ),
    "location": (
        "warehouse; location; site; branch; depot; stock location; warehouse code; lager; "
        "lagerort; standort; niederlassung; entrepot; site stockage; almacen; ubicacion; "
        "magazijn; locatie; vestiging"
    ),
    "on_hand": (
        "on hand; qty on hand; quantity on hand; stock; stock qty; inventory; physical stock; "
        "stock on hand; soh; bestand; lagerbestand; istbestand; stock physique; quantite stock; "
        "existencias; stock fisico; cantidad stock; voorraad; fysieke voorraad; qty @0.95; "
        "quantity @0.95; menge @0.95; quantite @0.95; cantidad @0.95; aantal @0.95"
    ),
    "available": (
        "available; qty available; quantity available; available stock; free stock; atp; "
        "verfugbar; verfugbarer bestand; frei verfugbar; disponible; stock disponible; quantite "
        "disponible; cantidad disponible; beschikbaar; vrije voorraad; beschikbare voorraad"
    ),
    "on_order": (
        "on order; qty on order; quantity on order; open po; open purchase orders; backlog; "
        "bestellt; in bestellung; offene bestellungen; bestellbestand; en commande; quantite "
        "commandee; en pedido; pedidos pendientes; in bestelling; besteld"
    ),
    "in_transit": (
        "in transit; qty in transit; transit; in delivery; unterwegs; im zulauf; zulauf; en "
        "transit; en cours livraison; en transito; onderweg"
    ),
    "committed": (
        "committed; allocated; reserved; qty committed; qty allocated; qty reserved; "
        "reserviert; zugeteilt; reservierter bestand; reserve; alloue; reservado; comprometido; "
        "asignado; gereserveerd; toegewezen"
    ),
    # ─── reseller and end customer ─────────────────────────────────────────────────────
    "reseller_name": (
        "reseller; reseller name; customer; customer name; sold to; sold to name; bill to; bill "
        "to name; dealer; dealer name; partner; partner name; account name; kunde; kundenname; "
        "kunde name; handler; haendler; fachhandler; wiederverkaufer; client; nom client; "
        "revendeur; nom revendeur; raison sociale; cliente; nombre cliente; revendedor; "
        "distribuidor cliente; klant; klantnaam; wederverkoper; dealer naam; ship to @0.9; ship "
        "to name @0.9"
    ),
    # The vendor's partner id of the reseller.
    "reseller_id": (
        "reseller id; partner id; vendor partner id; partner no; partner number; reseller "
        "partner id; manufacturer customer id"
    ),
    # The distributor's own customer number for the reseller (learned per distributor).
    "reseller_account_number": (
        "reseller no; reseller code; customer id; customer no; customer code; customer account; "
        "account; account no; sold to no; sold to id; bill to no; dealer id; kundennummer; "
        "kunden no; kd no; debitor; debitorennummer; debitor no; code client; no client; numero "
        "client; codigo cliente; no cliente; klantnummer; klantnr; klant no; debiteurnummer; "
        "ship to no @0.9; ship to id @0.9"
    ),
    "reseller_tax_id": (
        "vat no; vat id; vat number; tax id; tax no; tax number; ein; ust id; ustid; ust idnr; "
        "ust id no; umsatzsteuer id; steuernummer; no tva; tva intracommunautaire; siret; "
        "siren; nif; cif; nif cif; btw no; btw nummer; btw nr"
    ),
    "reseller_address": (
        "address; street; address 1; address line 1; street address; customer address; reseller "
        "address; adresse; strasse; anschrift; adresse client; rue; direccion; calle; "
        "domicilio; adres; straat; ship to address @0.9"
    ),
    "reseller_city": (
        "city; town; customer city; reseller city; ort; stadt; ville; ciudad; poblacion; "
        "localidad; plaats; woonplaats; stad; ship to city @0.9"
    ),
    "reseller_postal_code": (
        "postal code; post code; postcode; zip; zip code; zipcode; customer postal code; "
        "customer zip; plz; postleitzahl; code postal; cp; codigo postal; ship to zip @0.9; "
        "ship to postal code @0.9"
    ),
    "reseller_country": (
        "country; country code; customer country; reseller country; land; landercode; pays; "
        "code pays; pais; codigo pais; landcode; ship to country @0.9"
    ),
    "end_customer_name": (
        "end customer; end customer name; end user; end user name; enduser; final customer; "
        "endkunde; endkundenname; endkunde name; client final; utilisateur final; cliente "
        "final; usuario final; eindklant; eindgebruiker"
    ),
    # ─── product identifiers ───────────────────────────────────────────────────────────
    "sku": (
        "sku; part no; part; mpn; manufacturer part no; mfr part no; mfg part no; vendor part "
        "no; vendor sku; product code; product; product id; product no; item; item no; item "
        "code; item id; model; model no; artikelnummer; artikel no; art no; artikel; hersteller "
        "artikelnummer; herstellerartikelnummer; hersteller no; materialnummer; reference; ref; "
        "reference produit; reference fabricant; ref fabricant; code article; code produit; "
        "referencia; codigo; codigo articulo; codigo producto; articulo; referencia fabricante; "
        "artikelcode; productcode"
    ),
    "distributor_part_number": (
        "distributor part no; distributor sku; distributor item; disti sku; internal part no; "
        "internal sku; our part no; interne artikelnummer; eigene artikelnummer; grossisten "
        "artikelnummer; reference interne; ref interne; code interne; referencia interna; "
        "codigo interno; interne artikelnummer; eigen artikelnummer"
    ),
    "gtin": (
        "gtin; ean; upc; ean code; ean13; ean 13; upc code; barcode; bar code; gtin 13; gtin "
        "14; strichcode; code ean; code barre; codigo ean; codigo barras; streepjescode"
    ),
}


def _words(text: str) -> list[str]:
    return text.split()


def _entries(text: str) -> list[tuple[str, float]]:
    """``"a; b @0.9"`` → ``[("a", 1.0), ("b", 0.9)]``."""
    entries = []
    for item in text.split(";"):
        synonym, _, weight = item.strip().partition(" @")
        entries.append((synonym, float(weight) if weight else 1.0))
    return entries


# Words that carry no meaning in a header ("date of invoice", "numéro de facture").
_STOPWORDS = frozenset(
    _words(
        "of the a an for per and by at de du des la le les d l au aux y del el los las "
        "der die das den dem und vom zum zur van het een"
    )
)
# "to", "on", "in" and "en" are not stop words: "date to", "on order", "in transit" and
# "en commande" would lose their meaning without them. A header made only of stop words
# keeps them.
_NUMBER_WORDS = frozenset(_words("no nr nro num number nummer numero nummern nbr n nos numer"))
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_WORD = re.compile(r"[^a-z0-9]+")

# A column scoring below this for a field is never suggested for it.
MIN_SCORE = 0.65
_FUZZY_RATIO = 0.85


@dataclass(frozen=True, slots=True)
class _Normal:
    tokens: tuple[str, ...]
    compact: str
    words: frozenset[str]


def normalize_header(text: str) -> _Normal:
    """A header's comparable form: words without accents, case, punctuation or stop words."""
    text = _CAMEL.sub(" ", text.replace("#", " no "))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(character for character in text if not unicodedata.combining(character))
    text = text.casefold().replace("ß", "ss")
    words = [word for word in _NOT_WORD.split(text) if word]
    words = ["no" if word in _NUMBER_WORDS else word for word in words]
    meaningful = [word for word in words if word not in _STOPWORDS]
    tokens = tuple(meaningful or words)
    return _Normal(tokens, "".join(tokens), frozenset(tokens))


def _fields_for(kind: ReportKind) -> tuple[str, ...]:
    if kind is ReportKind.INVENTORY:
        return (*INVENTORY_FIELDS, *PRODUCT_ID_FIELDS)
    return (*SELL_THROUGH_FIELDS, *PRODUCT_ID_FIELDS, *RESELLER_FIELDS, "reseller_account_number")


@cache
def _synonyms(field: str) -> tuple[tuple[_Normal, float], ...]:
    entries: list[tuple[_Normal, float]] = [(normalize_header(field.replace("_", " ")), 1.0)]
    for text, weight in _entries(_SYNONYMS.get(field, "")):
        entries.append((normalize_header(text), weight))
    return tuple(entries)


def header_synonyms() -> dict[str, tuple[str, ...]]:
    """Field → the header names it recognises as typed in the table (for docs and help)."""
    return {
        field: tuple(synonym for synonym, _weight in _entries(text))
        for field, text in _SYNONYMS.items()
    }


def _match(column: _Normal, synonym: _Normal) -> float:
    """How well a column's header matches one synonym, from 0 to 1."""
    if not column.compact or not synonym.compact:
        return 0.0
    if column.tokens == synonym.tokens or column.compact == synonym.compact:
        return 1.0
    if synonym.words <= column.words:
        return 0.6 + 0.3 * len(synonym.tokens) / len(column.tokens)
    length, other = len(column.compact), len(synonym.compact)
    # A compound's last part names what it is (German, Dutch): "Verkaufsmenge" is a "Menge".
    if other >= 4 and len(column.tokens) == 1 and column.compact.endswith(synonym.compact):
        return 0.55 + 0.3 * other / length
    # A near-spelling within the same words ("Quanity"), never a missing or extra word ("Ship
    # to" is not "Ship to No"): lengths close enough first, the costly ratio last.
    if (
        len(column.tokens) == len(synonym.tokens)
        and min(length, other) >= 5
        and 2 * min(length, other) >= _FUZZY_RATIO * (length + other)
    ):
        matcher = difflib.SequenceMatcher(None, column.compact, synonym.compact)
        if matcher.quick_ratio() >= _FUZZY_RATIO:
            ratio = matcher.ratio()
            if ratio >= _FUZZY_RATIO:
                return 0.85 * ratio
    return 0.0


def _score(column: _Normal, field: str) -> float:
    return max(weight * _match(column, synonym) for synonym, weight in _synonyms(field))


def _candidates(columns: list[str], fields: tuple[str, ...]) -> list[tuple[float, int, int]]:
    normals = [normalize_header(column) for column in columns]
    candidates = []
    for field_index, field in enumerate(fields):
        for column_index, normal in enumerate(normals):
            score = _score(normal, field)
            if score >= MIN_SCORE:
                candidates.append((score, field_index, column_index))
    return candidates


def suggest_mapping(columns: list[str], kind: ReportKind) -> dict[str, str]:
    """Canonical field → the column most likely to hold it, in the order of the fields.

    Fields of ``kind`` (plus product identifiers, and for sell-through the reseller fields)
    are considered. Each column is used at most once; a field with no convincing column is
    left out rather than guessed.
    """
    fields = _fields_for(kind)
    candidates = _candidates(columns, fields)
    # Best score first; on a tie the earlier field, then the earlier column.
    candidates.sort(key=lambda candidate: (-candidate[0], candidate[1], candidate[2]))
    chosen: dict[int, int] = {}
    used_columns: set[int] = set()
    for _score_value, field_index, column_index in candidates:
        if field_index in chosen or column_index in used_columns:
            continue
        chosen[field_index] = column_index
        used_columns.add(column_index)
    return {fields[index]: columns[chosen[index]] for index in sorted(chosen)}


_SELL_THROUGH_ONLY = frozenset(SELL_THROUGH_FIELDS) - frozenset(INVENTORY_FIELDS)
_INVENTORY_ONLY = frozenset(INVENTORY_FIELDS) - frozenset(SELL_THROUGH_FIELDS)
_DISTINCT = 0.9


def guess_kind(columns: list[str]) -> ReportKind:
    """Sell-through or inventory, by which kind's own fields the header names more clearly.

    A column counts for a kind when it matches one of that kind's own fields well (score at
    least 0.9) and none of the other kind's fields as well: "Stock" counts for inventory,
    "Invoice" for sell-through, "Qty" and "Date" for neither. Ties go to sell-through, the
    more common report.
    """
    sell_through = inventory = 0
    reseller = frozenset(RESELLER_FIELDS)
    for column in columns:
        normal = normalize_header(column)
        best_sale = max(
            (_score(normal, field) for field in (*_SELL_THROUGH_ONLY, *reseller)), default=0.0
        )
        best_stock = max((_score(normal, field) for field in _INVENTORY_ONLY), default=0.0)
        if best_sale >= _DISTINCT and best_stock < _DISTINCT:
            sell_through += 1
        elif best_stock >= _DISTINCT and best_sale < _DISTINCT:
            inventory += 1
    return ReportKind.INVENTORY if inventory > sell_through else ReportKind.SELL_THROUGH
