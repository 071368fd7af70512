"""Data for the report-intake benchmark (benchmarks/intake.py): a realistic sell-through CSV.

    .venv/bin/python benchmarks/intake_data.py [--lines N] [--out FILE] [--copy-rows FILE]

Writes one distributor's monthly sell-through report (default 1,000,000 lines) to ``--out`` and
prints what the file contains and what a correct intake should make of it. Deterministic: the
same arguments give the same bytes. The file is written streaming; only the master data
(5,000 products, 20,000 resellers) is held in memory.

The world it describes:

- **Products**: 5,000 SKUs in ten families, each with a valid GTIN-13 and the distributor's
  own numeric part number; list prices from 5 to 5,000 (USD). Most lines name the product by
  SKU; some by GTIN only, some by the distributor's part number only, a few by SKU and GTIN.
- **Resellers**: 20,000 in ten countries (US, DE, GB, FR, CA, NL, ES, IT, AT, BE), named as
  companies of that country are ("Schmidt Datentechnik Köln GmbH", "Informatique Dupont
  SARL"). The distributor writes them its own way: the vendor's spelling, or upper/lower case,
  punctuation dropped, a legal suffix changed ("Inc" / "Inc." / "Incorporated"), dropped or
  abbreviated words ("Technologies" → "Tech."), transliterations ("Müller" → "Mueller") and
  typos. Most invoices carry the distributor's account number for the reseller (the
  ``ResellerSupply.account_number``), which resolves exactly; the others must be found by name,
  through an alias the vendor recorded, or stay unresolved (a warning).
- **Invoices**: several lines each, dated on the weekdays of one month in file order;
  quantities mostly small; about 3 % credit notes with negative quantities; unit prices near
  the list price (converted to the reseller's currency, less the reseller's discount) with two
  decimals; the amount is quantity times price. Reseller activity is skewed (a few buy a lot) and
  each reseller buys from a limited assortment of its own.
- **Errors**: by default 0.1 % of lines name a product the catalog does not know (a line the
  intake must reject and keep for the corrections file).

``load_master_data`` writes the matching master data into a migrated database (Django must be
set up): the distributor, products, part numbers, resellers, supply rows with account numbers,
aliases, and the mapping profile for the file's headers — in batches with ``bulk_create``.
Products and resellers get fixed primary keys (index + 1) so the "clean rows" file for the
PostgreSQL COPY baseline can be written in the same pass as the CSV.
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import csv
import datetime as dt
import os
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from pathlib import Path

SEED = 20250301
DEFAULT_LINES = 1_000_000
DEFAULT_PRODUCTS = 5_000
DEFAULT_RESELLERS = 20_000
DEFAULT_MONTH = (2025, 3)
DEFAULT_ERROR_RATE = 0.001
DISTRIBUTOR_ID = 1
DISTRIBUTOR_CODE = "BENCHDIST"
BATCH = 2_000

# The distributor's own column names, in file order.
HEADER = (
    "Invoice No",
    "Line",
    "Invoice Date",
    "Customer Account",
    "Customer Name",
    "City",
    "Postal Code",
    "Country",
    "Vendor Part No",
    "EAN",
    "Item No",
    "Description",
    "Qty",
    "Unit Price",
    "Currency",
    "Net Amount",
)
# Canonical field -> column: the mapping profile a person confirmed for this layout.
COLUMNS = {
    "invoice_number": "Invoice No",
    "line_number": "Line",
    "invoice_date": "Invoice Date",
    "reseller_account_number": "Customer Account",
    "reseller_name": "Customer Name",
    "reseller_city": "City",
    "reseller_postal_code": "Postal Code",
    "reseller_country": "Country",
    "sku": "Vendor Part No",
    "gtin": "EAN",
    "distributor_part_number": "Item No",
    "product_description": "Description",
    "quantity": "Qty",
    "unit_price": "Unit Price",
    "currency": "Currency",
    "amount": "Net Amount",
}

# Columns of ingest_sellthroughfact the clean-rows file (PostgreSQL COPY text format) can fill,
# in the order ``write_report`` computes them; it writes those the table has (``id`` is
# generated). ``mention_id`` numbers the distinct reseller mentions (name, account number, city,
# postal code, country) in order of appearance, as a table of reported resellers would.
FACT_COLUMNS = (
    "distributor_id",
    "submission_id",
    "line",
    "invoice_number",
    "invoice_line",
    "invoice_date",
    "transaction_type",
    "product_id",
    "product_reference",
    "quantity",
    "reported_quantity",
    "reported_unit",
    "unit_price",
    "amount",
    "currency",
    "reseller_id",
    "reseller_method",
    "reseller_name",
    "reseller_account_number",
    "reseller_partner_id",
    "reseller_tax_id",
    "reseller_city",
    "reseller_postal_code",
    "reseller_country",
    "end_customer_name",
    "contract_reference",
    "mention_id",
)

FAMILIES = (
    ("NET", "Networking", ("Switch", "Router", "Gateway", "Firewall module")),
    ("WLS", "Wireless", ("Access point", "Controller", "Antenna kit", "Bridge")),
    ("SEC", "Security", ("Firewall", "VPN appliance", "Threat sensor", "Token pack")),
    ("STO", "Storage", ("NAS", "SAN array", "Disk shelf", "SSD module")),
    ("SRV", "Servers", ("Rack server", "Tower server", "Blade", "Edge server")),
    ("CMP", "Compute", ("Workstation", "Thin client", "Mini PC", "Docking station")),
    ("PWR", "Power", ("UPS", "PDU", "Battery pack", "Power supply")),
    ("CBL", "Cables and accessories", ("Patch cable", "Transceiver", "Rack kit", "Adapter")),
    ("SWL", "Software licences", ("Licence", "Subscription", "Add-on", "Upgrade")),
    ("SUP", "Support contracts", ("Care pack", "Next-day support", "24x7 support", "Extension")),
)
SKU_SUFFIXES = ("", "", "", "-EU", "-US", "-K9", "-B", "-R", "-24P", "-48P", "-NA")

# code: (weight, currency, exchange rate from USD in hundredths, language, cities)
# cities: (name, postal code pattern: 9 digit, A letter, other characters kept)
COUNTRIES: dict[str, tuple[int, str, int, str, tuple[tuple[str, str], ...]]] = {
    "US": (
        35,
        "USD",
        100,
        "en",
        (
            ("New York", "100##"),
            ("Chicago", "606##"),
            ("Houston", "770##"),
            ("Phoenix", "850##"),
            ("San Jose", "951##"),
            ("Denver", "802##"),
            ("Atlanta", "303##"),
            ("Seattle", "981##"),
            ("Boston", "021##"),
            ("Dallas", "752##"),
        ),
    ),
    "DE": (
        15,
        "EUR",
        92,
        "de",
        (
            ("Berlin", "10###"),
            ("Hamburg", "20###"),
            ("München", "80###"),
            ("Köln", "50###"),
            ("Frankfurt am Main", "60###"),
            ("Stuttgart", "70###"),
            ("Düsseldorf", "40###"),
            ("Leipzig", "04###"),
        ),
    ),
    "GB": (
        12,
        "GBP",
        79,
        "en",
        (
            ("London", "EC# #AA"),
            ("Manchester", "M# #AA"),
            ("Birmingham", "B# #AA"),
            ("Leeds", "LS# #AA"),
            ("Bristol", "BS# #AA"),
            ("Glasgow", "G# #AA"),
        ),
    ),
    "FR": (
        10,
        "EUR",
        92,
        "fr",
        (
            ("Paris", "750##"),
            ("Lyon", "690##"),
            ("Marseille", "130##"),
            ("Toulouse", "310##"),
            ("Nantes", "440##"),
            ("Lille", "590##"),
        ),
    ),
    "CA": (
        8,
        "CAD",
        136,
        "en",
        (
            ("Toronto", "M#A #A#"),
            ("Montréal", "H#A #A#"),
            ("Vancouver", "V#A #A#"),
            ("Calgary", "T#A #A#"),
            ("Ottawa", "K#A #A#"),
        ),
    ),
    "NL": (
        6,
        "EUR",
        92,
        "nl",
        (
            ("Amsterdam", "10## AA"),
            ("Rotterdam", "30## AA"),
            ("Utrecht", "35## AA"),
            ("Eindhoven", "56## AA"),
            ("Den Haag", "25## AA"),
        ),
    ),
    "ES": (
        5,
        "EUR",
        92,
        "es",
        (("Madrid", "280##"), ("Barcelona", "080##"), ("Valencia", "460##"), ("Sevilla", "410##")),
    ),
    "IT": (
        5,
        "EUR",
        92,
        "it",
        (("Milano", "201##"), ("Roma", "001##"), ("Torino", "101##"), ("Bologna", "401##")),
    ),
    "AT": (2, "EUR", 92, "de", (("Wien", "1###"), ("Graz", "80##"), ("Linz", "40##"))),
    "BE": (2, "EUR", 92, "nl", (("Brussel", "1###"), ("Antwerpen", "20##"), ("Gent", "90##"))),
}

HEADS = {
    "en": (
        "Summit",
        "Pinnacle",
        "Northwind",
        "Cedar",
        "Granite",
        "Redwood",
        "Silver Lake",
        "Atlas",
        "Beacon",
        "Keystone",
        "Liberty",
        "Harbor",
        "Evergreen",
        "Frontier",
        "Ironwood",
        "Lakeside",
        "Meridian",
        "Oakridge",
        "Pioneer",
        "Quantum",
        "Riverside",
        "Sterling",
        "Trident",
        "Vanguard",
        "Westfield",
        "Apex",
        "Bridgeport",
        "Crescent",
        "Blue Harbor",
        "Anderson",
        "Baker",
        "Carter",
        "Davis",
        "Edwards",
        "Foster",
        "Griffin",
        "Hughes",
        "Jenkins",
        "Kelly",
        "Morgan",
        "Parker",
        "Reed",
        "Sullivan",
        "Turner",
        "Walsh",
    ),
    "de": (
        "Müller",
        "Schmidt",
        "Schneider",
        "Fischer",
        "Weber",
        "Meyer",
        "Wagner",
        "Becker",
        "Schulz",
        "Hoffmann",
        "Koch",
        "Bauer",
        "Richter",
        "Klein",
        "Wolf",
        "Schröder",
        "Neumann",
        "Schwarz",
        "Zimmermann",
        "Braun",
        "Krüger",
        "Hartmann",
        "Lange",
        "Schmitt",
        "Werner",
        "Krause",
        "Lehmann",
        "Köhler",
        "Maier",
        "Böhm",
    ),
    "fr": (
        "Dupont",
        "Martin",
        "Bernard",
        "Durand",
        "Lefèvre",
        "Moreau",
        "Laurent",
        "Girard",
        "Roux",
        "Fournier",
        "Mercier",
        "Bonnet",
        "Lambert",
        "Fontaine",
        "Chevalier",
        "Rousseau",
        "Blanc",
        "Guérin",
        "Faure",
        "André",
    ),
    "nl": (
        "de Vries",
        "Jansen",
        "van den Berg",
        "Bakker",
        "Visser",
        "Smit",
        "Meijer",
        "de Boer",
        "Mulder",
        "de Groot",
        "Bos",
        "Vos",
        "Peters",
        "Hendriks",
        "van Dijk",
        "Claes",
        "Peeters",
        "Maes",
    ),
    "es": (
        "García",
        "Fernández",
        "González",
        "Rodríguez",
        "López",
        "Martínez",
        "Sánchez",
        "Pérez",
        "Gómez",
        "Jiménez",
        "Ruiz",
        "Hernández",
        "Díaz",
        "Moreno",
        "Iberia",
    ),
    "it": (
        "Rossi",
        "Russo",
        "Ferrari",
        "Esposito",
        "Bianchi",
        "Romano",
        "Colombo",
        "Ricci",
        "Marino",
        "Greco",
        "Bruno",
        "Gallo",
        "Conti",
        "De Luca",
        "Mancini",
    ),
}
CORES = {
    "en": (
        "Systems",
        "Technologies",
        "Solutions",
        "Networks",
        "Computer Services",
        "IT Services",
        "Data Systems",
        "Integration",
        "Consulting",
        "Communications",
        "Infrastructure",
        "Digital",
        "International",
        "Technology Group",
    ),
    "de": (
        "IT-Systeme",
        "Datentechnik",
        "Netzwerktechnik",
        "Computer",
        "EDV-Service",
        "Systemhaus",
        "IT-Lösungen",
        "Informationstechnik",
        "Kommunikationstechnik",
    ),
    "fr": (
        "Informatique",
        "Réseaux",
        "Systèmes",
        "Solutions Numériques",
        "Télécom",
        "Services Informatiques",
        "Bureautique",
    ),
    "nl": ("ICT", "Automatisering", "Netwerken", "IT Diensten", "Systemen", "Computers"),
    "es": ("Informática", "Sistemas", "Soluciones TI", "Redes", "Tecnología", "Comunicaciones"),
    "it": ("Informatica", "Sistemi", "Reti", "Tecnologie", "Soluzioni IT", "Telecomunicazioni"),
}
LEGAL_FORMS = {
    "US": ("Inc.", "Inc.", "LLC", "Corp."),
    "CA": ("Inc.", "Ltd.", "Corp."),
    "GB": ("Ltd", "Ltd", "Limited", "PLC"),
    "DE": ("GmbH", "GmbH", "GmbH", "AG", "GmbH & Co. KG", "e.K."),
    "AT": ("GmbH", "GmbH", "KG"),
    "FR": ("SARL", "SAS", "S.A."),
    "NL": ("B.V.", "B.V.", "V.O.F."),
    "BE": ("BV", "NV", "SRL"),
    "ES": ("S.L.", "S.L.", "S.A."),
    "IT": ("S.r.l.", "S.r.l.", "S.p.A."),
}
# How people write each legal form: some spellings share the name key, some do not.
LEGAL_VARIANTS = {
    "Inc.": ("Inc", "INC.", "Incorporated", "Inc,"),
    "LLC": ("L.L.C.", "Llc", "LLC."),
    "Corp.": ("Corp", "Corporation", "CORP"),
    "Ltd.": ("Ltd", "Limited", "LTD."),
    "Ltd": ("Ltd.", "Limited", "LTD"),
    "Limited": ("Ltd", "Ltd.", "LIMITED"),
    "PLC": ("plc", "P.L.C."),
    "GmbH": ("Gmbh", "G.m.b.H.", "GMBH", "mbH"),
    "AG": ("A.G.", "Aktiengesellschaft"),
    "GmbH & Co. KG": ("GmbH&Co.KG", "GmbH u. Co. KG", "GmbH & Co KG"),
    "e.K.": ("eK", "e. K."),
    "KG": ("K.G.",),
    "SARL": ("S.A.R.L.", "Sarl", "sàrl"),
    "SAS": ("S.A.S.", "Sas"),
    "S.A.": ("SA", "S A"),
    "B.V.": ("BV", "B.V", "bv"),
    "V.O.F.": ("VOF", "vof"),
    "BV": ("B.V.", "bv"),
    "NV": ("N.V.", "nv"),
    "SRL": ("S.R.L.", "srl"),
    "S.L.": ("SL", "S.L", "Sociedad Limitada"),
    "S.r.l.": ("SRL", "Srl", "S.R.L."),
    "S.p.A.": ("SpA", "S.P.A."),
}
ABBREVIATIONS = {
    "Technologies": "Tech.",
    "Technology": "Tech",
    "Systems": "Sys.",
    "Solutions": "Sol.",
    "International": "Intl",
    "Services": "Svcs",
    "Computer": "Comp.",
    "Communications": "Comms",
    "Consulting": "Cons.",
    "Infrastructure": "Infra",
    "Informatique": "Info",
    "Informationstechnik": "IT",
    "Datentechnik": "Datentech.",
    "Netzwerktechnik": "Netzwerk",
    "Automatisering": "Automat.",
    "Informática": "Inf.",
    "Informatica": "Inf.",
    "Telecomunicazioni": "Telecom.",
    "&": "and",
}
TRANSLITERATIONS = (("ü", "ue"), ("ö", "oe"), ("ä", "ae"), ("é", "e"), ("è", "e"), ("í", "i"))

# Lines per invoice and their weights (about four on average).
INVOICE_SIZES = (1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20)
INVOICE_SIZE_WEIGHTS = (32, 20, 13, 9, 6, 5, 4, 3, 3, 2, 2, 1)
# Quantity buckets (low, high) and their weights: mostly small.
QUANTITY_BUCKETS = (
    (1, 1),
    (2, 2),
    (3, 3),
    (4, 5),
    (6, 10),
    (11, 25),
    (26, 50),
    (51, 100),
    (101, 500),
)
QUANTITY_WEIGHTS = (30, 18, 10, 15, 12, 9, 4, 1.5, 0.5)
CREDIT_NOTE_SHARE = 0.03
NEVER_BOUGHT_SHARE = 0.005  # products the distributor sells without sell-in on record
# US dollars per unit of each currency (the vendor's reporting currency is USD).
USD_PER_UNIT = {"EUR": "1.0870", "GBP": "1.2658", "CAD": "0.7353"}
ACCOUNT_NUMBER_SHARE = 0.92


@dataclass(frozen=True)
class ProductRow:
    pk: int
    sku: str
    gtin: str
    part_number: str
    description: str
    family_code: str
    list_price_cents: int
    bought: bool  # the distributor has sell-in for it (else: a "never bought" warning)


@dataclass(frozen=True)
class ResellerRow:
    pk: int
    partner_id: str
    name: str
    country: str
    city: str
    postal_code: str
    address_line: str
    tax_id: str
    tier: str
    account_number: str
    discount_permille: int
    # How the distributor writes the name: (spelling, cumulative weight) pairs.
    spellings: tuple[str, ...]
    spelling_cum_weights: tuple[float, ...]
    aliases: tuple[str, ...]  # spellings the vendor recorded as aliases for this distributor
    assortment: tuple[int, ...]  # product indexes this reseller buys, most bought first


@dataclass
class MasterData:
    products: list[ProductRow]
    resellers: list[ResellerRow]
    reseller_cum_weights: list[float]  # over resellers by index: who buys how often


@dataclass
class FileStats:
    """What the generated file holds and what a correct intake makes of it."""

    lines: int = 0
    invoices: int = 0
    credit_notes: int = 0
    return_lines: int = 0
    error_lines: int = 0  # unknown product: rejected
    never_bought_lines: int = 0  # accepted lines of a product without sell-in: warned
    warned_lines: int = 0  # accepted lines with a warning (never bought or reseller unresolved)
    by_sku: int = 0
    by_gtin: int = 0
    by_part_number: int = 0
    with_account: int = 0
    reseller_by_account: int = 0
    reseller_by_alias: int = 0
    reseller_by_name: int = 0
    reseller_unresolved: int = 0  # lines
    unresolved_mentions: int = 0  # distinct (name, city, postal code, country)
    bytes: int = 0
    first_date: str = ""
    last_date: str = ""
    products_used: int = 0
    resellers_used: int = 0
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def accepted(self) -> int:
        return self.lines - self.error_lines


# ─── master data ─────────────────────────────────────────────────────────────────────────


def _name_key_function():
    """The resolver's own name key (its package needs Django's app registry)."""
    from django.apps import apps

    if not apps.ready:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "midstream.settings")
        django.setup()
    from midstream.ingest.resolve.normalise import name_key

    return name_key


def gtin13(body12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def _postal(pattern: str, rng: random.Random) -> str:
    out = []
    for char in pattern:
        if char == "#":
            out.append(str(rng.randrange(10)))
        elif char == "A":
            out.append(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ"))
        else:
            out.append(char)
    return "".join(out)


def _zipf_cum_weights(count: int, offset: float, exponent: float, rng: random.Random):
    """Cumulative weights over indexes 0..count-1: a shuffled Zipf-like popularity."""
    order = list(range(count))
    rng.shuffle(order)
    weights = [0.0] * count
    for rank, index in enumerate(order):
        weights[index] = 1.0 / (rank + offset) ** exponent
    return list(accumulate(weights)), order


def _company_name(country: str, rng: random.Random, city: str) -> str:
    language = COUNTRIES[country][3]
    heads, cores = HEADS[language], CORES[language]
    head = rng.choice(heads)
    core = rng.choice(cores)
    legal = rng.choice(LEGAL_FORMS[country])
    pattern = rng.random()
    if pattern < 0.25:
        other = rng.choice(heads)
        joiner = {"de": " & ", "fr": " et ", "es": " y ", "it": " e ", "nl": " & "}.get(
            language, " & "
        )
        head = f"{head}{joiner}{other}" if other != head else head
    elif pattern < 0.5:
        core = f"{core} {city}"
    if language in ("fr", "es", "it") and rng.random() < 0.6:
        return f"{core} {head} {legal}"
    return f"{head} {core} {legal}"


def _typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words[:-1]) if len(w) >= 4 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word = words[i]
    p = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:  # swap two letters
        word = word[: p - 1] + word[p] + word[p - 1] + word[p + 1 :]
    elif kind == 1:  # drop one
        word = word[:p] + word[p + 1 :]
    else:  # double one
        word = word[:p] + word[p] + word[p:]
    words[i] = word
    return " ".join(words)


def spelling_variant(name: str, legal: str, rng: random.Random) -> str:
    """One way a distributor's system writes ``name`` (whose legal form is ``legal``)."""
    kind = rng.choices(
        (
            "upper",
            "lower",
            "nopunct",
            "comma",
            "legal",
            "nolegal",
            "abbrev",
            "typo",
            "translit",
            "spaces",
        ),
        weights=(14, 4, 10, 6, 20, 8, 14, 12, 6, 6),
    )[0]
    stem = name[: -len(legal)].rstrip() if name.endswith(legal) else name
    if kind == "upper":
        return name.upper()
    if kind == "lower":
        return name.lower()
    if kind == "nopunct":
        return name.replace(".", "").replace(",", "")
    if kind == "comma":
        return f"{stem}, {legal}"
    if kind == "legal":
        return f"{stem} {rng.choice(LEGAL_VARIANTS.get(legal, (legal,)))}"
    if kind == "nolegal":
        return stem
    if kind == "abbrev":
        words = name.split(" ")
        hits = [i for i, w in enumerate(words) if w in ABBREVIATIONS]
        if hits:
            i = rng.choice(hits)
            words[i] = ABBREVIATIONS[words[i]]
            return " ".join(words)
        return name.upper()
    if kind == "typo":
        return _typo(name, rng)
    if kind == "translit":
        changed = name
        for a, b in TRANSLITERATIONS:
            changed = changed.replace(a, b)
        return changed if changed != name else f"{stem}  {legal}"
    return f"  {name.replace(' ', '  ')} "  # stray blanks


def build_master_data(
    *,
    products: int = DEFAULT_PRODUCTS,
    resellers: int = DEFAULT_RESELLERS,
    seed: int = SEED,
) -> MasterData:
    """The products and resellers the file talks about (deterministic for a seed)."""
    name_key = _name_key_function()
    rng = random.Random(seed)
    # Products.
    product_rows: list[ProductRow] = []
    skus: set[str] = set()
    part_numbers = list(range(1_000_000, 9_999_999, 1_799))[:products]
    if len(part_numbers) < products:
        raise ValueError("too many products for the part number scheme")
    rng.shuffle(part_numbers)
    for index in range(products):
        code, family, models = FAMILIES[index % len(FAMILIES)]
        while True:
            sku = f"{code}-{rng.randrange(1000, 99999)}{rng.choice(SKU_SUFFIXES)}"
            if sku not in skus:
                skus.add(sku)
                break
        model = rng.choice(models)
        cents = int(10 ** rng.uniform(2.7, 5.7))  # 5.00 to 5,000.00
        product_rows.append(
            ProductRow(
                pk=index + 1,
                sku=sku,
                gtin=gtin13(f"40{index + 1_234_567_000:010d}"),
                part_number=str(part_numbers[index]),
                description=f"{model} {sku.split('-')[1]} ({family})",
                family_code=code,
                list_price_cents=cents,
                bought=rng.random() >= NEVER_BOUGHT_SHARE,
            )
        )
    product_cum = _zipf_cum_weights(products, 5, 1.1, rng)[0]

    # Resellers: names unique by name key, so the name step never guesses.
    countries = list(COUNTRIES)
    country_cum = list(accumulate(COUNTRIES[c][0] for c in countries))
    reseller_cum, reseller_order = _zipf_cum_weights(resellers, 10, 1.0, rng)
    rank_of = [0] * resellers
    for rank, index in enumerate(reseller_order):
        rank_of[index] = rank
    master_keys: dict[tuple[str, str], int] = {}
    base: list[tuple[str, str, str, str, str]] = []
    for index in range(resellers):
        country = rng.choices(countries, cum_weights=country_cum)[0]
        city, pattern = rng.choice(COUNTRIES[country][4])
        for attempt in range(200):
            name = _company_name(country, rng, city)
            if attempt > 20:
                name = name.replace(" ", f" {rng.choice(('Nord', 'West', 'Pro', 'Plus'))} ", 1)
            key = (country, name_key(name))
            if key not in master_keys:
                master_keys[key] = index
                break
        else:
            raise RuntimeError("could not make a unique reseller name")
        legal = next(
            f for f in sorted(LEGAL_FORMS[country], key=len, reverse=True) if name.endswith(f)
        )
        base.append((country, city, _postal(pattern, rng), name, legal))

    account_numbers = list(range(100_000, 100_000 + resellers * 3, 3))
    rng.shuffle(account_numbers)
    alias_owner: dict[str, int] = {}
    reseller_rows: list[ResellerRow] = []
    for index, (country, city, postal, name, legal) in enumerate(base):
        # Spellings: the distributor's main one (the vendor's spelling half the time) and
        # up to two occasional others.
        main = name if rng.random() < 0.5 else spelling_variant(name, legal, rng)
        spellings = [main]
        weights = [0.85]
        for _ in range(rng.choices((0, 1, 2), weights=(55, 30, 15))[0]):
            other = spelling_variant(name, legal, rng)
            if other not in spellings:
                spellings.append(other)
                weights.append(0.15 / 2)
        aliases = []
        for spelling in spellings:
            key = name_key(spelling)
            if key == name_key(name) or key in alias_owner or (country, key) in master_keys:
                continue
            if rng.random() < 0.4:  # the vendor recorded this spelling as an alias
                alias_owner[key] = index
                aliases.append(spelling)
        rank = rank_of[index]
        if rank < 200:
            size = rng.randint(150, 400)
        elif rank < 2_000:
            size = rng.randint(40, 150)
        else:
            size = rng.randint(8, 40)
        picked = dict.fromkeys(rng.choices(range(products), cum_weights=product_cum, k=size * 2))
        assortment = tuple(list(picked)[:size])
        tax_id = ""
        if country not in ("US", "CA") and rng.random() < 0.7:
            prefix = "EL" if country == "GR" else country
            tax_id = f"{prefix}{rng.randrange(100_000_000, 999_999_999)}"
        reseller_rows.append(
            ResellerRow(
                pk=index + 1,
                partner_id=f"R{index + 1:07d}",
                name=name,
                country=country,
                city=city,
                postal_code=postal,
                address_line=f"{rng.randint(1, 250)} {rng.choice(('Main', 'Park', 'Station'))} Rd",
                tax_id=tax_id,
                tier=rng.choices(
                    ("registered", "silver", "gold", "platinum"), weights=(60, 25, 11, 4)
                )[0],
                account_number=f"C{account_numbers[index]}",
                discount_permille=rng.randint(0, 180),
                spellings=tuple(spellings),
                spelling_cum_weights=tuple(accumulate(weights)),
                aliases=tuple(aliases),
                assortment=assortment,
            )
        )
    return MasterData(
        products=product_rows, resellers=reseller_rows, reseller_cum_weights=reseller_cum
    )


# ─── the file ────────────────────────────────────────────────────────────────────────────


def _weekdays(year: int, month: int) -> list[str]:
    days = calendar.monthrange(year, month)[1]
    return [
        dt.date(year, month, d).isoformat()
        for d in range(1, days + 1)
        if dt.date(year, month, d).weekday() < 5
    ]


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


_COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def write_report(
    path: Path,
    master: MasterData,
    *,
    lines: int = DEFAULT_LINES,
    month: tuple[int, int] = DEFAULT_MONTH,
    error_rate: float = DEFAULT_ERROR_RATE,
    seed: int = SEED,
    copy_rows: Path | None = None,
    copy_columns: Sequence[str] = FACT_COLUMNS,
    distributor_id: int = DISTRIBUTOR_ID,
    submission_id: int = 1,
) -> FileStats:
    """Write a ``lines``-line sell-through CSV to ``path``, streaming; return its stats.

    With ``copy_rows`` it also writes, in the same pass, the accepted lines as
    ingest_sellthroughfact rows would store them (ids resolved; PostgreSQL COPY text format,
    ``copy_columns``: some of ``FACT_COLUMNS``, in the table's order).
    """
    name_key = _name_key_function()
    started = time.perf_counter()
    rng = random.Random(seed + 1)
    stats = FileStats()
    products = master.products
    resellers = master.resellers
    reseller_cum = master.reseller_cum_weights
    reseller_total = reseller_cum[-1]
    n_resellers = len(resellers)
    days = _weekdays(*month)
    n_days = len(days)
    size_cum = list(accumulate(INVOICE_SIZE_WEIGHTS))
    size_total = size_cum[-1]
    qty_cum = list(accumulate(QUANTITY_WEIGHTS))
    qty_total = qty_cum[-1]

    # How a spelling resolves when the line has no account number (the resolver's steps 4, 5).
    alias_of: dict[str, int] = {}
    master_of: dict[tuple[str, str], int] = {}
    for r in resellers:
        master_of[(r.country, name_key(r.name))] = r.pk
        for alias in r.aliases:
            alias_of[name_key(alias)] = r.pk
    resolution: dict[tuple[int, str], tuple[int | None, str]] = {}

    def resolve_by_name(reseller: ResellerRow, spelling: str) -> tuple[int | None, str]:
        key = (reseller.pk, spelling)
        found = resolution.get(key)
        if found is None:
            nkey = name_key(spelling)
            if nkey in alias_of:
                found = (alias_of[nkey], "alias")
            elif (reseller.country, nkey) in master_of:
                found = (master_of[(reseller.country, nkey)], "name")
            else:
                found = (None, "")
            resolution[key] = found
        return found

    currency_of = {c: (v[1], v[2]) for c, v in COUNTRIES.items()}
    used_products: set[int] = set()
    used_resellers: set[int] = set()
    unresolved: set[tuple[str, str, str, str]] = set()
    rand = rng.random
    randrange = rng.randrange
    bisect_right = bisect.bisect_right
    escape = _COPY_ESCAPE
    unknown = [name for name in copy_columns if name not in FACT_COLUMNS]
    if unknown:
        raise ValueError(f"no values for fact columns {unknown}")
    pick = [FACT_COLUMNS.index(name) for name in copy_columns]
    mention_ids: dict[tuple[str, str, str, str, str], str] = {}
    copy_file = open(copy_rows, "w", encoding="utf-8", newline="") if copy_rows else None  # noqa: SIM115
    dist = str(distributor_id)
    sub = str(submission_id)
    try:
        with open(path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(HEADER)
            written = 0
            invoice_no = 40_000_000
            while written < lines:
                invoice_no += 1
                stats.invoices += 1
                credit = rand() < CREDIT_NOTE_SHARE
                if credit:
                    stats.credit_notes += 1
                    size = 1 + randrange(2)
                    number = f"CN{invoice_no}"
                else:
                    size = INVOICE_SIZES[bisect_right(size_cum, rand() * size_total)]
                    number = f"IN{invoice_no}"
                size = min(size, lines - written)
                date = days[written * n_days // lines]
                r_index = min(bisect_right(reseller_cum, rand() * reseller_total), n_resellers - 1)
                reseller = resellers[r_index]
                used_resellers.add(r_index)
                spelling = _pick_spelling(reseller, rand())
                account = reseller.account_number if rand() < ACCOUNT_NUMBER_SHARE else ""
                if account:
                    reseller_id, method = reseller.pk, "account_number"
                else:
                    reseller_id, method = resolve_by_name(reseller, spelling)
                reseller_text = str(reseller_id) if reseller_id else "\\N"
                mention_key = (
                    spelling,
                    account,
                    reseller.city,
                    reseller.postal_code,
                    reseller.country,
                )
                mention_id = mention_ids.setdefault(mention_key, str(len(mention_ids) + 1))
                escaped_spelling = spelling.translate(escape)
                currency, rate = currency_of[reseller.country]
                discount = 1000 - reseller.discount_permille
                assortment = reseller.assortment
                n_assort = len(assortment)
                for line_no in range(1, size + 1):
                    written += 1
                    file_line = written + 1  # the header is line 1
                    p_index = assortment[int(n_assort * rand() ** 2)]
                    product = products[p_index]
                    bucket = QUANTITY_BUCKETS[bisect_right(qty_cum, rand() * qty_total)]
                    qty = (
                        bucket[0] if bucket[0] == bucket[1] else randrange(bucket[0], bucket[1] + 1)
                    )
                    if credit:
                        qty = -min(qty, 5)
                        stats.return_lines += 1
                    noise = 990 + randrange(21)  # ±1 %
                    cents = product.list_price_cents * rate * discount * noise // 100_000_000
                    cents = max(cents, 1)
                    sku = gtin = part = ""
                    error = error_rate and rand() < error_rate
                    if error:
                        sku = reference = f"ZX-{randrange(10_000, 99_999)}-OLD"
                        stats.error_lines += 1
                    else:
                        mode = rand()
                        if mode < 0.80:
                            sku = product.sku
                            reference = f"sku:{sku}"
                            stats.by_sku += 1
                        elif mode < 0.88:
                            gtin = product.gtin
                            reference = f"gtin:{gtin}"
                            stats.by_gtin += 1
                        elif mode < 0.95:
                            part = product.part_number
                            reference = f"part_number:{part}"
                            stats.by_part_number += 1
                        else:
                            sku, gtin = product.sku, product.gtin
                            reference = f"sku:{sku}"
                            stats.by_sku += 1
                        used_products.add(p_index)
                    qty_text = str(qty)
                    price = _money(cents)
                    amount = _money(qty * cents)
                    writer.writerow(
                        (
                            number,
                            line_no,
                            date,
                            account,
                            spelling,
                            reseller.city,
                            reseller.postal_code,
                            reseller.country,
                            sku,
                            gtin,
                            part,
                            product.description if not error else "Discontinued item",
                            qty_text,
                            price,
                            currency,
                            amount,
                        )
                    )
                    if error:
                        continue
                    warned = not product.bought
                    if warned:
                        stats.never_bought_lines += 1
                    if account:
                        stats.with_account += 1
                        stats.reseller_by_account += 1
                    elif method == "alias":
                        stats.reseller_by_alias += 1
                    elif method == "name":
                        stats.reseller_by_name += 1
                    else:
                        stats.reseller_unresolved += 1
                        warned = True
                        unresolved.add(
                            (spelling, reseller.city, reseller.postal_code, reseller.country)
                        )
                    if warned:
                        stats.warned_lines += 1
                    if copy_file is not None:
                        values = (
                            dist,
                            sub,
                            str(file_line),
                            number,
                            str(line_no),
                            date,
                            "",
                            str(product.pk),
                            reference,
                            qty_text,
                            qty_text,
                            "EA",
                            price,
                            amount,
                            currency,
                            reseller_text,
                            method,
                            escaped_spelling,
                            account,
                            "",
                            "",
                            reseller.city,
                            reseller.postal_code,
                            reseller.country,
                            "",
                            "",
                            mention_id,
                        )
                        copy_file.write("\t".join([values[i] for i in pick]))
                        copy_file.write("\n")
    finally:
        if copy_file is not None:
            copy_file.close()
    stats.lines = lines
    stats.unresolved_mentions = len(unresolved)
    stats.products_used = len(used_products)
    stats.resellers_used = len(used_resellers)
    stats.bytes = path.stat().st_size
    stats.first_date, stats.last_date = days[0], days[(lines - 1) * n_days // lines]
    stats.seconds = time.perf_counter() - started
    return stats


def _pick_spelling(reseller: ResellerRow, draw: float) -> str:
    spellings = reseller.spellings
    if len(spellings) == 1:
        return spellings[0]
    cum = reseller.spelling_cum_weights
    return spellings[min(bisect.bisect_right(cum, draw * cum[-1]), len(spellings) - 1)]


# ─── the database ────────────────────────────────────────────────────────────────────────


def mapping_spec():
    """The distributor's mapping profile for ``HEADER`` (default tabular sell-through rules)."""
    from dataclasses import replace

    from midstream.ingest.mapping import default_spec

    return replace(default_spec("tabular", "sell_through"), columns=dict(COLUMNS))


def load_master_data(master: MasterData) -> int:
    """Write the distributor and the master data the file refers to; return the distributor id.

    Needs Django set up and a migrated, empty database. Products, resellers and the
    distributor get fixed primary keys (the clean-rows file uses them); the sequences are
    moved past them afterwards (PostgreSQL).
    """
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from midstream.agreements.models import Agreement, AgreementVersion
    from midstream.catalog.models import DistributorPartNumber, Product, ProductFamily
    from midstream.core.models import ExchangeRate
    from midstream.core.selectors import get_vendor_settings
    from midstream.ingest.services import create_mapping_profile
    from midstream.network.models import Reseller, ResellerAlias, ResellerSupply
    from midstream.partners.models import Distributor
    from midstream.sales.models import SellInImport, SellInLine

    since = dt.date(2020, 1, 1)
    with transaction.atomic():
        distributor = Distributor.objects.unscoped().create(
            pk=DISTRIBUTOR_ID,
            code=DISTRIBUTOR_CODE,
            legal_name="Benchmark Distribution Ltd",
            country="US",
            region="AMER",
            currency="USD",
            program_track="broadline",
            status="active",
        )
        ProductFamily.objects.bulk_create(
            [ProductFamily(code=code, name=name) for code, name, _models in FAMILIES]
        )
        family_id = dict(ProductFamily.objects.values_list("code", "pk"))
        Product.objects.bulk_create(
            (
                Product(
                    pk=p.pk,
                    sku=p.sku,
                    gtin=p.gtin,
                    description=p.description,
                    family_id=family_id[p.family_code],
                    list_price=Decimal(_money(p.list_price_cents)),
                    currency="USD",
                    status="active",
                )
                for p in master.products
            ),
            batch_size=BATCH,
        )
        DistributorPartNumber.objects.unscoped().bulk_create(
            (
                DistributorPartNumber(
                    distributor_id=distributor.pk, part_number=p.part_number, product_id=p.pk
                )
                for p in master.products
            ),
            batch_size=BATCH,
        )
        Reseller.objects.unscoped().bulk_create(
            (
                Reseller(
                    pk=r.pk,
                    partner_id=r.partner_id,
                    name=r.name,
                    tax_id=r.tax_id,
                    address_line=r.address_line,
                    city=r.city,
                    postal_code=r.postal_code,
                    country=r.country,
                    tier=r.tier,
                    status="active",
                    onboarding_stage="transacting",
                )
                for r in master.resellers
            ),
            batch_size=BATCH,
        )
        ResellerSupply.objects.unscoped().bulk_create(
            (
                ResellerSupply(
                    distributor_id=distributor.pk,
                    reseller_id=r.pk,
                    since=since,
                    account_number=r.account_number,
                )
                for r in master.resellers
            ),
            batch_size=BATCH,
        )
        ResellerAlias.objects.unscoped().bulk_create(
            (
                ResellerAlias(reseller_id=r.pk, alias=alias, distributor_id=distributor.pk)
                for r in master.resellers
                for alias in r.aliases
            ),
            batch_size=BATCH,
        )
        # The distributor bought (almost) every product from the vendor: sell-in on record.
        sell_in = SellInImport.objects.create(
            file_name="benchmark sell-in", content_sha256="0" * 64, source="cli"
        )
        SellInLine.objects.unscoped().bulk_create(
            (
                SellInLine(
                    distributor_id=distributor.pk,
                    invoice_number=f"SI{p.pk:06d}",
                    line_number=1,
                    invoice_date=dt.date(2024, 12, 16),
                    product_id=p.pk,
                    quantity=Decimal(100),
                    unit_net_price=Decimal(_money(p.list_price_cents * 7 // 10)),
                    currency="USD",
                    net_amount=Decimal(_money(p.list_price_cents * 7 // 10 * 100)),
                    imported_by=sell_in,
                )
                for p in master.products
                if p.bought
            ),
            batch_size=BATCH,
        )
        # An agreement in US dollars, and rates for the other currencies resellers pay in.
        agreement = Agreement.objects.unscoped().create(
            distributor=distributor, number="BENCH-2024", title="Benchmark distribution agreement"
        )
        AgreementVersion.objects.unscoped().create(
            agreement=agreement,
            version=1,
            effective_from=dt.date(2024, 1, 1),
            currency="USD",
            payment_terms="net30",
            commitment_period="year",
            commitment_unit="amount",
            commitment_value=Decimal("5000000.00"),
        )
        reporting = get_vendor_settings().reporting_currency
        usd_per_unit = {"USD": Decimal(1), **{c: Decimal(v) for c, v in USD_PER_UNIT.items()}}
        ExchangeRate.objects.bulk_create(
            ExchangeRate(
                currency=currency,
                valid_from=dt.date(2024, 1, 1),
                rate=(usd / usd_per_unit[reporting]).quantize(Decimal("0.0000000001")),
            )
            for currency, usd in usd_per_unit.items()
            if currency != reporting
        )
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(
                no_style(), [Distributor, Product, Reseller]
            ):
                cursor.execute(statement)
    create_mapping_profile(
        actor=None,
        distributor=distributor,
        kind="sell_through",
        format_family="tabular",
        spec=mapping_spec(),
        reason="Benchmark layout",
    )
    return distributor.pk


# ─── command line ────────────────────────────────────────────────────────────────────────


def describe(stats: FileStats) -> list[str]:
    """Lines of text saying what the file holds and what a correct intake makes of it."""
    accepted = stats.accepted or 1
    return [
        f"{stats.lines:,} lines, {stats.bytes / 1e6:.1f} MB, {stats.invoices:,} invoices "
        f"({stats.credit_notes:,} credit notes, {stats.return_lines:,} return lines), "
        f"{stats.first_date} to {stats.last_date}; {stats.products_used:,} products and "
        f"{stats.resellers_used:,} resellers named",
        f"products by SKU {stats.by_sku:,}, by GTIN only {stats.by_gtin:,}, by part number "
        f"only {stats.by_part_number:,}; unknown product (to reject) {stats.error_lines:,}; "
        f"product never bought (warning) {stats.never_bought_lines:,}",
        f"resellers (accepted lines): account number {stats.reseller_by_account:,} "
        f"({stats.reseller_by_account / accepted:.1%}), alias {stats.reseller_by_alias:,}, "
        f"name {stats.reseller_by_name:,}, unresolved {stats.reseller_unresolved:,} "
        f"({stats.unresolved_mentions:,} distinct spellings); accepted lines with a warning "
        f"{stats.warned_lines:,}",
    ]


def _month(text: str) -> tuple[int, int]:
    year, month = text.split("-")
    return int(year), int(month)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=DEFAULT_LINES)
    parser.add_argument("--out", type=Path, default=Path("sellthrough-bench.csv"))
    parser.add_argument("--copy-rows", type=Path, help="also write the clean rows (COPY text)")
    parser.add_argument("--month", type=_month, default=DEFAULT_MONTH, help="YYYY-MM")
    parser.add_argument("--error-rate", type=float, default=DEFAULT_ERROR_RATE)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    master = build_master_data(seed=args.seed)
    print(
        f"master data: {len(master.products):,} products, {len(master.resellers):,} resellers "
        f"({sum(len(r.aliases) for r in master.resellers):,} aliases) in "
        f"{time.perf_counter() - started:.1f} s"
    )
    stats = write_report(
        args.out,
        master,
        lines=args.lines,
        month=args.month,
        error_rate=args.error_rate,
        seed=args.seed,
        copy_rows=args.copy_rows,
    )
    print(f"{args.out}: written in {stats.seconds:.1f} s")
    for line in describe(stats):
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
