"""A labelled reseller-matching set (issue 4, item 6): a master and raw mentions with truth.

Deterministic from a seed. The master holds ``masters`` resellers across ten countries, named
and addressed from the demo vocabularies (``demo.reference``) widened with more towns, trade
words and brand-like coined names so that 20,000 of them look like a real channel: many near
neighbours ("Apex IT Solutions" and "Apex Network Solutions" in one city), namesakes in
different cities, acronym names ("KMS Datentechnik GmbH").

Each raw mention is one way a distributor's report could name a reseller, labelled with the
master id it means or ``""`` when the reseller is absent from the master. ``MENTION_MIX``
gives the kinds and their weights; ``docs/matching.md`` prints the table. Present kinds vary
the name (case and punctuation, legal suffix dropped or changed, abbreviations, initials,
typos, transpositions, word order, branch words) and the address (other formats, a branch
address, missing parts); absent kinds are new resellers, hard negatives (a genuinely
different company with a similar name in the same city) and namesakes in another city.
"""

from __future__ import annotations

import csv
import random
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from midstream.demo.reference import COUNTRY_BY_CODE, STYLES, Country, NameStyle

DEFAULT_SEED = 4
DEFAULT_MASTERS = 20_000
DEFAULT_MENTIONS = 50_000
ABSENT = ""

# fmt: off

COUNTRY_CODES = ("US", "GB", "DE", "FR", "NL", "IT", "ES", "CA", "AU", "AT")

# More towns than the demo's (its 5 to 18 cities per country would put 500 resellers in one
# city); (city, postal code pattern) as in ``demo.reference``.
EXTRA_CITIES: dict[str, tuple[tuple[str, str], ...]] = {
    "US": (
        ("Houston", "770##"), ("San Antonio", "782##"), ("San Diego", "921##"),
        ("Philadelphia", "191##"), ("Detroit", "482##"), ("Indianapolis", "462##"),
        ("Jacksonville", "322##"), ("Kansas City", "641##"), ("Las Vegas", "891##"),
        ("Louisville", "402##"), ("Memphis", "381##"), ("Milwaukee", "532##"),
        ("Oklahoma City", "731##"), ("Omaha", "681##"), ("Pittsburgh", "152##"),
        ("Sacramento", "958##"), ("St. Louis", "631##"), ("Cincinnati", "452##"),
        ("Cleveland", "441##"), ("Orlando", "328##"), ("Miami", "331##"),
        ("Baltimore", "212##"), ("Richmond", "232##"), ("Albuquerque", "871##"),
        ("Tucson", "857##"), ("Fresno", "937##"), ("Boise", "837##"), ("Madison", "537##"),
        ("Des Moines", "503##"), ("Birmingham", "352##"), ("Hartford", "061##"),
        ("Newark", "071##"), ("Buffalo", "142##"), ("Rochester", "146##"),
        ("Spokane", "992##"), ("Tulsa", "741##"), ("Little Rock", "722##"),
        ("Springfield", "657##"), ("Columbia", "292##"), ("Greenville", "296##"),
        ("Knoxville", "379##"), ("Anchorage", "995##"), ("Honolulu", "968##"),
    ),
    "GB": (
        ("Liverpool", "L## #@@"), ("Sheffield", "S## #@@"), ("Newcastle", "NE# #@@"),
        ("Cardiff", "CF## #@@"), ("Belfast", "BT# #@@"), ("Southampton", "SO## #@@"),
        ("Leicester", "LE# #@@"), ("Coventry", "CV# #@@"), ("Oxford", "OX# #@@"),
        ("Brighton", "BN# #@@"), ("Aberdeen", "AB## #@@"), ("York", "YO## #@@"),
        ("Exeter", "EX# #@@"), ("Norwich", "NR# #@@"), ("Milton Keynes", "MK## #@@"),
        ("Swindon", "SN# #@@"), ("Derby", "DE## #@@"), ("Plymouth", "PL# #@@"),
    ),
    "DE": (
        ("Essen", "45###"), ("Dortmund", "44###"), ("Duisburg", "47###"), ("Bochum", "44###"),
        ("Wuppertal", "42###"), ("Bielefeld", "33###"), ("Bonn", "53###"),
        ("Münster", "48###"), ("Karlsruhe", "76###"), ("Mannheim", "68###"),
        ("Augsburg", "86###"), ("Wiesbaden", "65###"), ("Mönchengladbach", "41###"),
        ("Braunschweig", "38###"), ("Kiel", "24###"), ("Aachen", "52###"),
        ("Freiburg im Breisgau", "79###"), ("Lübeck", "23###"), ("Erfurt", "99###"),
        ("Mainz", "55###"), ("Rostock", "18###"), ("Kassel", "34###"), ("Regensburg", "93###"),
        ("Würzburg", "97###"), ("Ulm", "89###"), ("Heidelberg", "69###"),
    ),
    "FR": (
        ("Nice", "060##"), ("Montpellier", "340##"), ("Rennes", "350##"), ("Reims", "510##"),
        ("Le Havre", "766##"), ("Saint-Étienne", "420##"), ("Toulon", "830##"),
        ("Grenoble", "380##"), ("Dijon", "210##"), ("Angers", "490##"), ("Nîmes", "300##"),
        ("Clermont-Ferrand", "630##"), ("Le Mans", "720##"), ("Aix-en-Provence", "131##"),
        ("Brest", "292##"), ("Tours", "370##"), ("Limoges", "870##"), ("Amiens", "800##"),
        ("Metz", "570##"), ("Perpignan", "660##"), ("Orléans", "450##"), ("Rouen", "760##"),
        ("Caen", "140##"), ("Nancy", "540##"),
    ),
    "NL": (
        ("Tilburg", "50## @@"), ("Almere", "13## @@"), ("Breda", "48## @@"),
        ("Nijmegen", "65## @@"), ("Apeldoorn", "73## @@"), ("Haarlem", "20## @@"),
        ("Arnhem", "68## @@"), ("Enschede", "75## @@"), ("Amersfoort", "38## @@"),
        ("Zwolle", "80## @@"), ("Leiden", "23## @@"), ("Maastricht", "62## @@"),
        ("Dordrecht", "33## @@"), ("Delft", "26## @@"), ("'s-Hertogenbosch", "52## @@"),
    ),
    "IT": (
        ("Genova", "161##"), ("Palermo", "901##"), ("Bari", "701##"), ("Catania", "951##"),
        ("Verona", "371##"), ("Venezia", "301##"), ("Messina", "981##"), ("Trieste", "341##"),
        ("Brescia", "251##"), ("Parma", "431##"), ("Modena", "411##"),
        ("Reggio Emilia", "421##"), ("Perugia", "061##"), ("Cagliari", "091##"),
        ("Bergamo", "241##"), ("Vicenza", "361##"), ("Trento", "381##"), ("Pisa", "561##"),
    ),
    "ES": (
        ("Málaga", "290##"), ("Murcia", "300##"), ("Palma", "070##"),
        ("Las Palmas de Gran Canaria", "350##"), ("Alicante", "030##"),
        ("Córdoba", "140##"), ("Valladolid", "470##"), ("Vigo", "362##"), ("Gijón", "332##"),
        ("Vitoria-Gasteiz", "010##"), ("A Coruña", "150##"), ("Granada", "180##"),
        ("Oviedo", "330##"), ("Pamplona", "310##"), ("Santander", "390##"),
        ("San Sebastián", "200##"), ("Salamanca", "370##"), ("Tarragona", "430##"),
    ),
    "CA": (
        ("Edmonton", "T#@ #@#"), ("Winnipeg", "R#@ #@#"), ("Québec", "G#@ #@#"),
        ("Hamilton", "L#@ #@#"), ("Kitchener", "N#@ #@#"), ("London", "N#@ #@#"),
        ("Halifax", "B#@ #@#"), ("Victoria", "V#@ #@#"), ("Saskatoon", "S#@ #@#"),
        ("Regina", "S#@ #@#"), ("Mississauga", "L#@ #@#"), ("Laval", "H#@ #@#"),
    ),
    "AU": (
        ("Canberra", "26##"), ("Hobart", "70##"), ("Darwin", "08##"), ("Gold Coast", "42##"),
        ("Newcastle", "23##"), ("Wollongong", "25##"), ("Geelong", "32##"),
        ("Townsville", "48##"), ("Cairns", "48##"), ("Toowoomba", "43##"),
        ("Ballarat", "33##"), ("Bendigo", "35##"),
    ),
    "AT": (
        ("Innsbruck", "6###"), ("Klagenfurt", "9###"), ("Villach", "9###"), ("Wels", "4###"),
        ("Sankt Pölten", "3###"), ("Dornbirn", "6###"), ("Wiener Neustadt", "2###"),
        ("Steyr", "4###"), ("Feldkirch", "6###"), ("Bregenz", "6###"),
    ),
}

EXTRA_STREETS: dict[str, tuple[str, ...]] = {
    "US": ("Maple Ave", "Cedar St", "Pine St", "2nd St", "3rd Ave", "Highland Ave",
           "Sunset Blvd", "Broadway", "Center St", "Lincoln Ave", "Jefferson Blvd",
           "Riverside Dr", "Harbor Dr", "Airport Rd", "Innovation Way", "Research Pkwy"),
    "GB": ("Queen Street", "The Green", "Manor Road", "Chapel Street", "Albert Road",
           "New Road", "Bridge Street", "Castle Street", "York Road", "Science Park"),
    "DE": ("Friedrichstraße", "Berliner Straße", "Mühlenweg", "Gartenstraße",
           "Ringstraße", "Poststraße", "Talstraße", "Bergstraße", "Wilhelmstraße",
           "Kaiserstraße", "Rheinallee", "Dorfstraße", "Am Technologiepark"),
    "FR": ("rue Victor Hugo", "rue Pasteur", "avenue Foch", "rue Nationale",
           "boulevard Gambetta", "rue des Lilas", "place de la Mairie", "rue de Paris",
           "avenue Charles de Gaulle", "rue du Moulin"),
    "NL": ("Dorpsstraat", "Schoolstraat", "Nieuwstraat", "Marktplein", "Julianalaan",
           "Beatrixlaan", "Parallelweg", "Handelsweg", "Energieweg"),
    "IT": ("Via Dante", "Via Verdi", "Via Cavour", "Corso Vittorio Emanuele",
           "Via dell'Industria", "Via San Martino", "Viale dei Mille", "Via Nazionale"),
    "ES": ("Calle Gran Vía", "Calle del Sol", "Avenida de América", "Paseo de Gracia",
           "Calle San Juan", "Calle Nueva", "Calle de la Paz", "Avenida Diagonal"),
    "CA": ("Main St", "Dundas St", "Queen St W", "Portage Ave", "Jasper Ave",
           "Boulevard René-Lévesque", "Barrington St"),
    "AU": ("Elizabeth St", "King St", "Hay St", "Murray St", "Bourke St", "Flinders St",
           "Victoria Rd", "Parramatta Rd"),
    "AT": ("Hauptstraße", "Bahnhofstraße", "Kärntner Straße", "Linzer Straße",
           "Grazer Straße", "Industriestraße", "Wiener Straße"),
}

# More of what a reseller does, per language style.
EXTRA_TRADES: dict[str, tuple[str, ...]] = {
    "en": ("Computers", "Computer Centre", "Business Machines", "PC Services",
           "IT Services", "Technology Partners", "Network Services", "Office Systems",
           "Systems International", "Computer Systems", "Data Solutions",
           "Technology Solutions", "IT Group", "Electronics", "Infrastructure",
           "Security Systems", "Software", "Consulting Group", "Tech Solutions",
           "Cloud Solutions", "Computer Supplies", "Communications Group"),
    "de": ("Computer Systeme", "IT-Beratung", "Netzwerk Service", "Software & Service",
           "Büro- und Datentechnik", "Informationstechnik", "Computertechnik",
           "EDV-Systeme", "IT-Systeme", "Elektronik"),
    "fr": ("Informatique Services", "Micro Informatique", "Bureautique Services",
           "Systèmes et Réseaux", "Conseil Informatique", "Télécom Services",
           "Solutions Informatiques", "Informatique & Réseaux"),
    "nl": ("Computer Service", "IT Groep", "Automatisering & Advies", "Kantoortechniek",
           "Netwerk Diensten", "ICT Groep", "Software"),
    "it": ("Informatica Servizi", "Sistemi Informativi", "Elaborazione Dati",
           "Computer Service", "Soluzioni Informatiche", "Tecnologie Digitali"),
    "es": ("Informática y Sistemas", "Soluciones Tecnológicas", "Servicios Informáticos",
           "Equipos Informáticos", "Tecnología y Redes", "Sistemas Integrales"),
}
EXTRA_SURNAMES: dict[str, tuple[str, ...]] = {
    "en": ("Baker", "Fisher", "Hudson", "Jenkins", "Lawson", "Marshall", "Palmer", "Porter",
           "Riley", "Shaw", "Spencer", "Stone", "Wallace", "Webb", "Wells", "Young",
           "Fletcher", "Gibson", "Holland", "Hunter", "Knight", "Lloyd", "Mason", "Nash"),
    "de": ("Hofmann", "Schäfer", "Bauer", "Lehmann", "Krämer", "Vogel", "Jung", "Hahn",
           "Keller", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann",
           "Franke", "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus"),
    "fr": ("Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard", "Bonnet",
           "Dupont", "Lambert", "Fontaine", "Mercier", "Blanc", "Guerin", "Boyer", "Faure"),
    "nl": ("van den Berg", "van Leeuwen", "de Graaf", "Kok", "Jacobs", "de Wit", "Willems",
           "van der Meer", "Schouten", "Hoekstra", "Koster", "Prins", "Huisman", "Brouwer"),
    "it": ("Costa", "Fontana", "Rizzo", "Lombardi", "Moretti", "Barbieri", "Mancini",
           "Giordano", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone"),
    "es": ("Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Alonso", "Gutiérrez",
           "Navarro", "Domínguez", "Vázquez", "Ramos", "Gil", "Serrano", "Molina"),
}

# Brand-like names ("Zentrix Systems"), from two halves.
COINED_HEADS = (
    "Zen", "Nova", "Tel", "Data", "Cyber", "Info", "Net", "Omni", "Pro", "Tek", "Vira", "Lum",
    "Quad", "Syn", "Intra", "Acti", "Ever", "Prime", "Xeno", "Alta", "Bit", "Core", "Digi",
    "Inno", "Logi", "Micro", "Opti", "Rapi", "Ultra", "Vel", "Tri", "Uni", "Max", "Hexa",
    "Medi", "Neo", "Pyra", "Sona", "Aero", "Axi", "Bright", "Clar", "Dyna", "Equi", "Flex",
    "Giga", "Hyper", "Kine", "Meta", "Orbi", "Penta", "Quanti", "Stra", "Terra", "Vox",
)
COINED_TAILS = (
    "tex", "link", "ware", "tronic", "logic", "com", "net", "sys", "data", "soft", "serve",
    "point", "gate", "tech", "ix", "on", "ica", "era", "ium", "ant", "ify", "wave", "path",
    "base", "line", "zone", "nova", "sphere", "works", "bridge", "stream", "matic", "nex",
    "vista", "quest", "pulse", "cube", "flow", "grid", "hub", "mind", "scope", "wise",
)

# Surnames and words that look alike but name different people or companies: the hard
# negatives' raw material (a one-letter difference, not a typo).
LOOKALIKES: tuple[tuple[str, ...], ...] = (
    ("Schmidt", "Schmitt", "Schmid"), ("Meyer", "Meier", "Mayer", "Maier"),
    ("Müller", "Möller", "Miller", "Mueller"), ("Clarke", "Clark"), ("Reed", "Reid"),
    ("Hayes", "Hays"), ("Walker", "Waller"), ("Brooks", "Brookes"), ("Martin", "Martins"),
    ("Bernard", "Bertrand"), ("Simon", "Simons"), ("Rossi", "Rossini"), ("Ricci", "Rizzi"),
    ("Gallo", "Galli"), ("Conti", "Conte"), ("Bruno", "Bruni"), ("García", "Garcés"),
    ("Pérez", "Peres"), ("López", "Lopes"), ("Jansen", "Janssen"), ("Bakker", "Bekker"),
    ("Smit", "Smits", "Smith"), ("Visser", "Vissers"), ("Peters", "Pieters"),
    ("Weber", "Webers"), ("Koch", "Kock"), ("Wolf", "Wolff"), ("Becker", "Bäcker"),
    ("Richter", "Richters"), ("Turner", "Tanner"), ("Carter", "Porter"),
    ("Harris", "Harries"), ("Morgan", "Morton"), ("Price", "Pryce"), ("Ward", "Warde"),
    ("Apex", "Apax"), ("Vertex", "Vortex"), ("Orion", "Oriel"), ("Falcon", "Falco"),
    ("Summit", "Summa"), ("Nexus", "Nexis"), ("Atlas", "Atlan"), ("Beacon", "Deacon"),
    ("Harbor", "Harbour"), ("Meridian", "Meridia"), ("Keystone", "Keyston"),
)

# Name words a distributor's ERP abbreviates, as people write them.
ABBREVIATED: dict[str, tuple[str, ...]] = {
    "computers": ("Comp.", "Comps", "Cmptrs"), "computer": ("Comp.", "Cmptr"),
    "systems": ("Sys.", "Syst.", "Sys"), "system": ("Sys.",),
    "services": ("Svcs", "Serv.", "Svc."), "service": ("Svc", "Serv."),
    "solutions": ("Sol.", "Solns", "Sols."), "technology": ("Tech.", "Techn."),
    "technologies": ("Tech.", "Techs"), "international": ("Intl", "Int'l", "Internat."),
    "networks": ("Netw.", "Ntwks"), "network": ("Netw.", "Ntwk"),
    "communications": ("Comms", "Comm."), "management": ("Mgmt",), "group": ("Grp",),
    "consulting": ("Consult.",), "business": ("Bus.",), "electronics": ("Elec.",),
    "informatique": ("Info.", "Inform."), "informatica": ("Inform.",),
    "datentechnik": ("Datentech.", "Datent."), "netzwerktechnik": ("Netzwerktech.",),
    "systemhaus": ("Systemh.",), "informationstechnik": ("Informationstech.",),
    "automatisering": ("Autom.",), "bürotechnik": ("Bürotech.",),
    "infrastructure": ("Infra.",), "integration": ("Integr.",), "digital": ("Dig.",),
    "partners": ("Ptnrs",), "center": ("Ctr",), "centre": ("Ctr",),
}

BRANCH_SUFFIXES: dict[str, tuple[str, ...]] = {
    "en": ("- {city} Branch", "{city} Branch", "Store {n}", "(Store #{n})", "- Branch {n}",
           "{city} Office", "Downtown Office", "- {city}", "Br. {n}", "Warehouse"),
    "de": ("Filiale {city}", "Niederlassung {city}", "Filiale {n}", "- Standort {city}",
           "Zweigniederlassung {city}"),
    "fr": ("Agence de {city}", "Succursale {city}", "Agence {n}", "- {city}",
           "Établissement de {city}"),
    "nl": ("Vestiging {city}", "Filiaal {city}", "Vestiging {n}"),
    "it": ("Filiale di {city}", "Sede di {city}", "Filiale {n}"),
    "es": ("Sucursal {city}", "Delegación {city}", "Sucursal {n}"),
}

CITY_SPELLINGS: dict[str, tuple[str, ...]] = {
    "München": ("Munich", "MUENCHEN"), "Köln": ("Cologne", "Koeln"),
    "Nürnberg": ("Nuremberg", "Nuernberg"), "Düsseldorf": ("Duesseldorf",),
    "Frankfurt am Main": ("Frankfurt", "Frankfurt a.M."), "Wien": ("Vienna",),
    "Milano": ("Milan",), "Roma": ("Rome",), "Torino": ("Turin",), "Napoli": ("Naples",),
    "Firenze": ("Florence",), "Venezia": ("Venice",), "Genova": ("Genoa",),
    "Sevilla": ("Seville",), "Den Haag": ("The Hague", "'s-Gravenhage"),
    "New York": ("New York City", "NYC"), "St. Louis": ("Saint Louis",),
    "Montréal": ("Montreal",), "Québec": ("Quebec City", "Quebec"),
    "Saint-Étienne": ("St-Etienne", "St Etienne"),
}

STREET_SPELLINGS: tuple[tuple[str, str], ...] = (
    ("Street", "St"), ("Straße", "Str."), ("straße", "str."), ("Avenue", "Ave"),
    ("Road", "Rd"), ("Boulevard", "Blvd"), ("Drive", "Dr"), ("Lane", "Ln"),
    ("Parkway", "Pkwy"), ("avenue", "av."), ("boulevard", "bd"), ("Avenida", "Avda."),
    ("Calle", "C/"), ("Straat", "str."),
)

LEGAL_RESPELLINGS: dict[str, tuple[str, ...]] = {
    "Inc": ("Incorporated", "Inc.", "INC", "", "Corp"), "LLC": ("L.L.C.", "Llc", "", "Inc"),
    "Corp.": ("Corporation", "Corp", ""), "Ltd": ("Limited", "Ltd.", "LTD", ""),
    "Limited": ("Ltd", ""), "plc": ("PLC", "Public Limited Company"),
    "GmbH": ("Gmbh", "G.m.b.H.", ""), "GmbH & Co. KG": ("GmbH & Co KG", "GmbH u. Co. KG", ""),
    "AG": ("A.G.", ""), "e.K.": ("eK", ""), "SARL": ("S.A.R.L.", "Sàrl", ""),
    "SAS": ("S.A.S.", ""), "SA": ("S.A.", ""), "BV": ("B.V.", "B V", ""), "B.V.": ("BV", ""),
    "Srl": ("S.r.l.", "SRL", ""), "SpA": ("S.p.A.", "Spa", ""), "SL": ("S.L.", "SLU", ""),
    "Pty Ltd": ("Pty. Ltd.", "Pty Limited", "P/L", ""), "KG": ("Kg", ""),
}

# (kind, weight): how the mentions are mixed. Present kinds name a master reseller; absent
# kinds a reseller the master does not hold.
MENTION_MIX: tuple[tuple[str, int], ...] = (
    ("exact", 8), ("case_punctuation", 8), ("legal_suffix", 9), ("abbreviation", 7),
    ("initials", 2), ("typo", 9), ("transposition", 5), ("word_order", 5),
    ("branch_words", 5), ("branch_address", 6), ("address_format", 7), ("name_only", 4),
    ("combined", 12), ("identifier", 3),
    ("new_reseller", 6), ("hard_negative", 7), ("namesake_other_city", 1),
)
ABSENT_KINDS = frozenset({"new_reseller", "hard_negative", "namesake_other_city"})

# fmt: on


@dataclass(frozen=True, slots=True)
class MasterRow:
    id: str
    name: str
    country: str
    postal_code: str
    city: str
    address: str
    tax_id: str
    partner_id: str


@dataclass(frozen=True, slots=True)
class MentionRow:
    name: str
    country: str
    postal_code: str
    city: str
    address: str
    tax_id: str
    partner_id: str
    truth: str  # the master id meant, or "" (absent)
    kind: str


@dataclass(frozen=True)
class MatchingSet:
    seed: int
    masters: tuple[MasterRow, ...]
    mentions: tuple[MentionRow, ...]

    def kind_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(mention.kind for mention in self.mentions).items()))

    def describe(self) -> str:
        countries = Counter(master.country for master in self.masters)
        absent = sum(1 for mention in self.mentions if not mention.truth)
        lines = [
            f"{len(self.masters):,} master resellers in {len(countries)} countries "
            f"({', '.join(f'{code} {count:,}' for code, count in countries.most_common())})",
            f"{len(self.mentions):,} mentions: {len(self.mentions) - absent:,} present, "
            f"{absent:,} absent from the master",
        ]
        lines += [f"  {kind:22} {count:6,}" for kind, count in self.kind_counts().items()]
        return "\n".join(lines)

    def write_csv(self, directory: Path) -> tuple[Path, Path]:
        """``masters.csv`` and ``mentions.csv`` (with ``truth`` and ``kind`` columns)."""
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for filename, rows, row_type in (
            ("masters.csv", self.masters, MasterRow),
            ("mentions.csv", self.mentions, MentionRow),
        ):
            path = directory / filename
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow([field.name for field in fields(row_type)])
                writer.writerows(astuple(row) for row in rows)
            paths.append(path)
        return paths[0], paths[1]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _fill(pattern: str, rng: random.Random) -> str:
    out = []
    for char in pattern:
        if char == "#":
            out.append(str(rng.randrange(10)))
        elif char == "@":
            out.append(chr(65 + rng.randrange(26)))
        else:
            out.append(char)
    return "".join(out)


def _weighted(rng: random.Random, options: Sequence[tuple[object, float]]):
    values = [value for value, _weight in options]
    weights = [weight for _value, weight in options]
    return rng.choices(values, weights=weights)[0]


def _identity(text: str) -> str:
    return " ".join(_fold(text).casefold().replace("&", " and ").replace(".", " ").split())


@dataclass(frozen=True, slots=True)
class _Company:
    """A company as the generator built it: its parts, so variations can rework them."""

    head: str  # the distinctive part: a place, surname(s), a city, initials or a coined word
    trade: str
    legal: str
    trade_first: bool
    head_kind: str

    @property
    def base(self) -> str:
        return f"{self.trade} {self.head}" if self.trade_first else f"{self.head} {self.trade}"

    @property
    def name(self) -> str:
        return f"{self.base} {self.legal}".strip()


class _Vocabulary:
    def __init__(self, country: Country):
        self.country = country
        self.style: NameStyle = STYLES[country.style]
        style_key = country.style if country.style in EXTRA_TRADES else "en"
        self.trades = tuple(dict.fromkeys(self.style.trades + EXTRA_TRADES[style_key]))
        self.surnames = tuple(
            dict.fromkeys(self.style.surnames + EXTRA_SURNAMES.get(country.style, ()))
        )
        self.places = self.style.places + country.places
        self.cities = country.cities + EXTRA_CITIES.get(country.code, ())
        self.streets = country.streets + EXTRA_STREETS.get(country.code, ())
        self.branch_suffixes = BRANCH_SUFFIXES.get(country.style, BRANCH_SUFFIXES["en"])

    def company(self, rng: random.Random) -> _Company:
        kind = _weighted(
            rng,
            (
                ("place", 30),
                ("surname", 18),
                ("surnames", 9),
                ("city", 6),
                ("initials", 9),
                ("person", 5),
                ("coined", 23),
            ),
        )
        if kind == "place":
            head = rng.choice(self.places)
        elif kind == "surname":
            head = rng.choice(self.surnames)
        elif kind == "surnames":
            first, second = rng.sample(self.surnames, 2)
            head = f"{first} & {second}"
        elif kind == "city":
            head = rng.choice(self.cities)[0]
        elif kind == "initials":
            head = "".join(chr(65 + rng.randrange(26)) for _ in range(rng.choice((2, 3, 3, 4))))
        elif kind == "person":
            head = f"{rng.choice(self.style.first_names)} {rng.choice(self.surnames)}"
        else:
            head = rng.choice(COINED_HEADS) + rng.choice(COINED_TAILS)
        legal = _weighted(rng, self.country.legal_forms) if rng.random() < 0.93 else ""
        return _Company(head, rng.choice(self.trades), legal, self.style.trade_first, kind)

    def address(self, rng: random.Random, city: tuple[str, str] | None = None):
        city_name, pattern = city or rng.choice(self.cities)
        street = rng.choice(self.streets)
        number = rng.randint(1, 250)
        address = self.country.address_format.format(number=number, street=street)
        return city_name, _fill(pattern, rng), address


def generate_matching_set(
    *,
    seed: int = DEFAULT_SEED,
    masters: int = DEFAULT_MASTERS,
    mentions: int = DEFAULT_MENTIONS,
) -> MatchingSet:
    """The labelled set: ``masters`` resellers and ``mentions`` distinct raw mentions."""
    rng = random.Random(seed)
    countries = [COUNTRY_BY_CODE[code] for code in COUNTRY_CODES]
    vocabularies = {country.code: _Vocabulary(country) for country in countries}
    weights = [country.weight for country in countries]
    master_rows: list[MasterRow] = []
    companies: list[_Company] = []
    taken: set[tuple[str, str, str]] = set()  # (country, city, identity of the name)
    tax_ids: set[str] = set()
    while len(master_rows) < masters:
        country = rng.choices(countries, weights=weights)[0]
        vocabulary = vocabularies[country.code]
        company = vocabulary.company(rng)
        city, postal_code, address = vocabulary.address(rng)
        identity = (country.code, city, _identity(company.base))
        if identity in taken:
            continue
        taken.add(identity)
        tax_id = _fill(country.tax_format, rng)
        while tax_id in tax_ids:
            tax_id = _fill(country.tax_format, rng)
        tax_ids.add(tax_id)
        number = len(master_rows) + 1
        master_rows.append(
            MasterRow(
                f"M{number:06d}",
                company.name,
                country.code,
                postal_code,
                city,
                address,
                tax_id,
                f"R{2_000_000 + number * 7:07d}",
            )
        )
        companies.append(company)
    builder = _MentionBuilder(rng, master_rows, companies, vocabularies, taken)
    mention_rows: list[MentionRow] = []
    seen: set[tuple] = set()
    kinds = [kind for kind, _weight in MENTION_MIX]
    kind_weights = [weight for _kind, weight in MENTION_MIX]
    while len(mention_rows) < mentions:
        kind = rng.choices(kinds, weights=kind_weights)[0]
        row = builder.build(kind)
        if row is None:
            continue
        key = tuple(" ".join(value.split()) for value in astuple(row)[:7])
        if key in seen:
            continue
        seen.add(key)
        mention_rows.append(row)
    return MatchingSet(seed, tuple(master_rows), tuple(mention_rows))


# ------------------------------------------------------------------------------ variations

_KEYBOARD_NEIGHBOURS = {
    "a": "qswz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc",
    "g": "ftyhbv", "h": "gyujnb", "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop",
    "m": "njk", "n": "bhjm", "o": "iklp", "p": "ol", "q": "wa", "r": "edft", "s": "awedxz",
    "t": "rfgy", "u": "yhji", "v": "cfgb", "w": "qase", "x": "zsdc", "y": "tghu", "z": "asx",
}  # fmt: skip


def _typo(text: str, rng: random.Random) -> str:
    """One keyboard slip in a letter of a word of four letters or more."""
    positions = [
        index
        for index, char in enumerate(text)
        if char.isalpha() and index > 0 and text[index - 1].isalpha()
    ]
    if not positions:
        return text
    index = rng.choice(positions)
    char = text[index]
    operation = rng.choice(("substitute", "delete", "insert", "double"))
    lower = char.lower()
    if operation == "substitute" and lower in _KEYBOARD_NEIGHBOURS:
        replacement = rng.choice(_KEYBOARD_NEIGHBOURS[lower])
        replacement = replacement.upper() if char.isupper() else replacement
        return text[:index] + replacement + text[index + 1 :]
    if operation == "delete":
        return text[:index] + text[index + 1 :]
    if operation == "insert" and lower in _KEYBOARD_NEIGHBOURS:
        extra = rng.choice(_KEYBOARD_NEIGHBOURS[lower])
        return text[:index] + extra + text[index:]
    return text[:index] + char + text[index:]


def _transpose(text: str, rng: random.Random) -> str:
    """Two neighbouring letters swapped ("Sytsems")."""
    positions = [
        index
        for index in range(1, len(text) - 1)
        if text[index].isalpha() and text[index + 1].isalpha() and text[index] != text[index + 1]
    ]
    if not positions:
        return text
    index = rng.choice(positions)
    return text[:index] + text[index + 1] + text[index] + text[index + 2 :]


def _abbreviate(text: str, rng: random.Random) -> str:
    words = text.split()
    options = [index for index, word in enumerate(words) if word.lower() in ABBREVIATED]
    if not options:
        long_words = [index for index, word in enumerate(words) if len(word) >= 8]
        if not long_words:
            return text
        index = rng.choice(long_words)
        words[index] = words[index][: rng.randint(4, 6)] + "."
        return " ".join(words)
    for index in rng.sample(options, min(len(options), rng.randint(1, 2))):
        words[index] = rng.choice(ABBREVIATED[words[index].lower()])
    return " ".join(words)


def _respell_legal(company: _Company, rng: random.Random) -> str:
    options = LEGAL_RESPELLINGS.get(company.legal, ("",))
    return rng.choice(options)


class _MentionBuilder:
    def __init__(self, rng, masters, companies, vocabularies, taken):
        self.rng = rng
        self.masters = masters
        self.companies = companies
        self.vocabularies = vocabularies
        self.taken = taken
        self.kinds: dict[str, Callable[[], MentionRow | None]] = {
            kind: getattr(self, f"_{kind}") for kind, _weight in MENTION_MIX
        }

    def build(self, kind: str) -> MentionRow | None:
        return self.kinds[kind]()

    # -- helpers

    def _pick(self) -> tuple[MasterRow, _Company, _Vocabulary]:
        index = self.rng.randrange(len(self.masters))
        master = self.masters[index]
        return master, self.companies[index], self.vocabularies[master.country]

    def _row(self, master: MasterRow, kind: str, name: str, **changes) -> MentionRow:
        values = {
            "name": name,
            "country": master.country,
            "postal_code": master.postal_code,
            "city": master.city,
            "address": master.address,
            "tax_id": "",
            "partner_id": "",
            "truth": master.id,
            "kind": kind,
        }
        values.update(changes)
        return MentionRow(**values)

    def _address_noise(self, master: MasterRow) -> dict[str, str]:
        """The master's own address, as a distributor might write it (sometimes exactly)."""
        rng = self.rng
        changes: dict[str, str] = {}
        roll = rng.random()
        if roll < 0.55:
            return changes
        if roll < 0.7:
            changes["postal_code"] = _respell_postal(master.postal_code, master.country, rng)
        elif roll < 0.82:
            changes["address"] = _respell_street(master.address, rng)
        elif roll < 0.9:
            changes["city"] = _respell_city(master.city, rng)
        elif roll < 0.95:
            changes["address"] = ""
        else:
            changes["postal_code"] = ""
        return changes

    # -- present kinds

    def _exact(self):
        master, _company, _vocabulary = self._pick()
        return self._row(master, "exact", master.name, **self._address_noise(master))

    def _case_punctuation(self):
        master, _company, _vocabulary = self._pick()
        rng = self.rng
        name = master.name
        choice = rng.randrange(4)
        if choice == 0:
            name = _fold(name).upper()
        elif choice == 1:
            name = name.lower()
        elif choice == 2:
            name = _fold(name).upper().replace(".", "").replace(",", "").replace("&", "AND")
        else:
            name = name.replace(" ", "  ", 1).replace("-", " ").replace(".", "") + ","
        return self._row(master, "case_punctuation", name, **self._address_noise(master))

    def _legal_suffix(self):
        master, company, _vocabulary = self._pick()
        legal = _respell_legal(company, self.rng)
        name = f"{company.base} {legal}".strip()
        if name == master.name:
            name = company.base
        return self._row(master, "legal_suffix", name, **self._address_noise(master))

    def _abbreviation(self):
        master, _company, _vocabulary = self._pick()
        name = _abbreviate(master.name, self.rng)
        if name == master.name:
            return None
        return self._row(master, "abbreviation", name, **self._address_noise(master))

    def _initials(self):
        master, company, _vocabulary = self._pick()
        if company.head_kind != "initials":
            return None
        letters = company.head
        spelled = self.rng.choice(
            (".".join(letters) + ".", " ".join(letters), ". ".join(letters) + ".")
        )
        base = f"{company.trade} {spelled}" if company.trade_first else f"{spelled} {company.trade}"
        name = f"{base} {company.legal}".strip()
        return self._row(master, "initials", name, **self._address_noise(master))

    def _typo(self):
        master, _company, _vocabulary = self._pick()
        name = _typo(master.name, self.rng)
        if name == master.name:
            return None
        return self._row(master, "typo", name, **self._address_noise(master))

    def _transposition(self):
        master, _company, _vocabulary = self._pick()
        name = _transpose(master.name, self.rng)
        if name == master.name:
            return None
        return self._row(master, "transposition", name, **self._address_noise(master))

    def _word_order(self):
        master, company, _vocabulary = self._pick()
        if " & " in company.head and self.rng.random() < 0.5:
            first, second = company.head.split(" & ", 1)
            head = f"{second} & {first}"
            swapped = _Company(head, company.trade, company.legal, company.trade_first, "x")
        else:
            swapped = _Company(
                company.head, company.trade, company.legal, not company.trade_first, "x"
            )
        name = swapped.name
        if name == master.name:
            return None
        return self._row(master, "word_order", name, **self._address_noise(master))

    def _branch_words(self):
        master, _company, vocabulary = self._pick()
        suffix = self.rng.choice(vocabulary.branch_suffixes)
        suffix = suffix.format(city=master.city, n=self.rng.randint(1, 40))
        return self._row(master, "branch_words", f"{master.name} {suffix}")

    def _branch_address(self):
        master, company, vocabulary = self._pick()
        rng = self.rng
        same_city = next(city for city in vocabulary.cities if city[0] == master.city)
        city = same_city if rng.random() < 0.8 else rng.choice(vocabulary.cities)
        if (master.country, city[0], _identity(company.base)) in self.taken and city != same_city:
            return None  # another reseller of that name is there: a different company
        city_name, postal_code, address = vocabulary.address(rng, city)
        name = master.name
        if rng.random() < 0.3:
            suffix = rng.choice(vocabulary.branch_suffixes)
            name = f"{name} {suffix.format(city=city_name, n=rng.randint(1, 40))}"
        return self._row(
            master,
            "branch_address",
            name,
            city=city_name,
            postal_code=postal_code,
            address=address,
        )

    def _address_format(self):
        master, _company, _vocabulary = self._pick()
        rng = self.rng
        changes = {
            "postal_code": _respell_postal(master.postal_code, master.country, rng),
            "address": _respell_street(master.address, rng),
        }
        if rng.random() < 0.4:
            changes["city"] = _respell_city(master.city, rng)
        return self._row(master, "address_format", master.name, **changes)

    def _name_only(self):
        master, _company, _vocabulary = self._pick()
        name = master.name
        if self.rng.random() < 0.5:
            name = _fold(name).upper()
        return self._row(master, "name_only", name, postal_code="", city="", address="")

    def _combined(self):
        master, company, vocabulary = self._pick()
        rng = self.rng
        name = master.name
        steps = rng.sample(
            ("legal", "abbreviation", "typo", "case", "transpose", "order", "branch"),
            rng.choice((2, 2, 3)),
        )
        if "order" in steps:
            name = _Company(
                company.head, company.trade, company.legal, not company.trade_first, "x"
            ).name
        if "legal" in steps:
            legal = _respell_legal(company, rng)
            name = name[: -len(company.legal)].strip() if company.legal else name
            name = f"{name} {legal}".strip()
        if "abbreviation" in steps:
            name = _abbreviate(name, rng)
        if "typo" in steps:
            name = _typo(name, rng)
        if "transpose" in steps:
            name = _transpose(name, rng)
        if "branch" in steps:
            suffix = rng.choice(vocabulary.branch_suffixes)
            name = f"{name} {suffix.format(city=master.city, n=rng.randint(1, 40))}"
        if "case" in steps:
            name = _fold(name).upper()
        if name == master.name:
            return None
        return self._row(master, "combined", name, **self._address_noise(master))

    def _identifier(self):
        master, _company, _vocabulary = self._pick()
        rng = self.rng
        name = _typo(master.name, rng) if rng.random() < 0.5 else master.name
        if rng.random() < 0.8:
            tax_id = master.tax_id
            if rng.random() < 0.5:
                tax_id = " ".join(tax_id[index : index + 3] for index in range(0, len(tax_id), 3))
            return self._row(master, "identifier", name, tax_id=tax_id)
        return self._row(master, "identifier", name, partner_id=master.partner_id.lower())

    # -- absent kinds

    def _absent_row(self, kind: str, country: str, name: str, city, postal, address):
        return MentionRow(name, country, postal, city, address, "", "", ABSENT, kind)

    def _new_reseller(self):
        country = self.rng.choices(
            [COUNTRY_BY_CODE[code] for code in COUNTRY_CODES],
            weights=[COUNTRY_BY_CODE[code].weight for code in COUNTRY_CODES],
        )[0]
        vocabulary = self.vocabularies[country.code]
        company = vocabulary.company(self.rng)
        city, postal_code, address = vocabulary.address(self.rng)
        if any(
            (country.code, known_city, _identity(company.base)) in self.taken
            for known_city, _pattern in vocabulary.cities
        ):
            return None
        name = company.name
        if self.rng.random() < 0.3:
            name = _fold(name).upper()
        return self._absent_row("new_reseller", country.code, name, city, postal_code, address)

    def _hard_negative(self):
        """A different company with a similar name in the same city (not in the master)."""
        master, company, vocabulary = self._pick()
        rng = self.rng
        way = rng.randrange(4)
        if way == 0:  # another trade
            other = _Company(
                company.head,
                rng.choice(vocabulary.trades),
                company.legal,
                company.trade_first,
                "x",
            )
        elif way == 1:  # a look-alike head word
            replaced = _lookalike(company.head, rng)
            if replaced is None:
                return None
            other = _Company(replaced, company.trade, company.legal, company.trade_first, "x")
        elif way == 2:  # one more word
            extra = rng.choice(("Data", "Pro", "Net", "Digital", "Plus", "Direct", "Group"))
            if company.trade_first:
                trade = f"{company.trade} {extra}"
            else:
                trade = f"{extra} {company.trade}"
            other = _Company(company.head, trade, company.legal, company.trade_first, "x")
        else:  # another head of the same kind
            replacement = vocabulary.company(rng)
            other = _Company(
                replacement.head, company.trade, company.legal, company.trade_first, "x"
            )
        if _identity(other.base) == _identity(company.base):
            return None
        if (master.country, master.city, _identity(other.base)) in self.taken:
            return None
        city = next(city for city in vocabulary.cities if city[0] == master.city)
        city_name, postal_code, address = vocabulary.address(rng, city)
        return self._absent_row(
            "hard_negative", master.country, other.name, city_name, postal_code, address
        )

    def _namesake_other_city(self):
        """A company with exactly a master's name, in another city of the same country."""
        master, company, vocabulary = self._pick()
        city = self.rng.choice(vocabulary.cities)
        if city[0] == master.city or (master.country, city[0], _identity(company.base)) in (
            self.taken
        ):
            return None
        city_name, postal_code, address = vocabulary.address(self.rng, city)
        return self._absent_row(
            "namesake_other_city", master.country, master.name, city_name, postal_code, address
        )


def _lookalike(head: str, rng: random.Random) -> str | None:
    words = head.split()
    for index, word in enumerate(words):
        for group in LOOKALIKES:
            if word in group:
                words[index] = rng.choice([other for other in group if other != word])
                return " ".join(words)
    if len(head) >= 6 and head.isalpha():  # a coined or place word: change one letter
        index = rng.randrange(2, len(head) - 1)
        vowels = "aeiou"
        char = head[index]
        pool = vowels if char in vowels else "bcdfgklmnprstvz"
        replacement = rng.choice([other for other in pool if other != char])
        return head[:index] + replacement + head[index + 1 :]
    return None


def _respell_postal(code: str, country: str, rng: random.Random) -> str:
    if country == "US":
        return rng.choice((f"{code}-{rng.randint(1000, 9999)}", code.lstrip("0") or code))
    if country in {"GB", "CA", "NL"}:
        return rng.choice((code.replace(" ", ""), code.lower(), code.replace(" ", "  ")))
    if country in {"DE", "FR", "IT", "ES"}:
        prefix = {"DE": "D-", "FR": "F-", "IT": "I-", "ES": "E-"}[country]
        return rng.choice((f"{prefix}{code}", code.lstrip("0") or code, f"{code} "))
    return rng.choice((f"{country}-{code}", f" {code}"))


def _respell_street(address: str, rng: random.Random) -> str:
    for long, short in rng.sample(STREET_SPELLINGS, len(STREET_SPELLINGS)):
        if long in address:
            return address.replace(long, short)
    if rng.random() < 0.5:
        return _fold(address).upper()
    parts = address.replace(",", "").split()
    numbers = [part for part in parts if part.isdigit()]
    words = [part for part in parts if not part.isdigit()]
    if numbers and rng.random() < 0.5:
        return " ".join(words + numbers)
    return address.lower()


def _respell_city(city: str, rng: random.Random) -> str:
    spellings = CITY_SPELLINGS.get(city)
    if spellings and rng.random() < 0.7:
        return rng.choice(spellings)
    return rng.choice((_fold(city).upper(), city.lower()))


def line_counts(count: int, lines: int, *, seed: int = DEFAULT_SEED) -> list[int]:
    """How many report lines repeat each of ``count`` distinct mentions, ``lines`` in all.

    A long tail: a few resellers appear on thousands of lines, most on a handful (Zipf-like
    weights ``1 / rank ** 0.9``); every mention appears at least once.
    """
    if lines < count:
        raise ValueError("every mention needs at least one line")
    rng = random.Random(seed)
    ranks = list(range(1, count + 1))
    rng.shuffle(ranks)
    weights = [1 / rank**0.9 for rank in ranks]
    total = sum(weights)
    spare = lines - count
    counts = [1 + int(spare * weight / total) for weight in weights]
    short = lines - sum(counts)
    order = sorted(range(count), key=lambda index: -weights[index])
    for index in order[:short]:
        counts[index] += 1
    return counts
