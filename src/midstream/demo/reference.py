"""Reference pools the demo generator draws from: countries, name parts, product lines.

Everything here is invented for the demo (issue 2, "Demo data"): company names are
combinations of place words, trade words and the country's legal forms; postal codes and tax
ids follow each country's shape (``#`` a digit, ``@`` a capital letter) without being real.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# fmt: off

@dataclass(frozen=True, slots=True)
class NameStyle:
    """How companies in one language area are named."""

    places: tuple[str, ...]  # place and image words: "Summit", "Rhein", "Provence"
    trades: tuple[str, ...]  # what a reseller does: "IT Solutions", "Datentechnik"
    distributor_trades: tuple[str, ...]  # what a distributor does: "Distribution"
    surnames: tuple[str, ...]
    first_names: tuple[str, ...]
    trade_first: bool = False  # "Informatique Provence" rather than "Provence Informatique"


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    region: str
    currency: str  # the currency a distributor based here trades with the vendor in
    weight: int  # relative share of the reseller population
    style: str
    places: tuple[str, ...]  # extra place words of this country
    legal_forms: tuple[tuple[str, int], ...]  # (suffix, weight)
    cities: tuple[tuple[str, str], ...]  # (city, postal code pattern)
    streets: tuple[str, ...]
    address_format: str  # uses {number} and {street}
    tax_format: str
    phone_prefix: str


ENGLISH = NameStyle(
    places=(
        "Apex", "Summit", "Pinnacle", "Cascade", "Bluewater", "Northstar", "Keystone",
        "Ironwood", "Redwood", "Silverline", "Brightpath", "Clearview", "Crossroads",
        "Evergreen", "Granite", "Harbor", "Horizon", "Lakeside", "Meridian", "Oakridge",
        "Pioneer", "Riverbend", "Skyline", "Stonebridge", "Trinity", "Vantage", "Westgate",
        "Copperleaf", "Frontier", "Beacon", "Lighthouse", "Anchor", "Compass", "Falcon",
        "Atlas", "Orion", "Vertex", "Quantum", "Nimbus", "Catalyst", "Fusion", "Tidewater",
        "Highland", "Metro", "Capital", "Coastal", "Sterling", "Redline", "Bluebird",
        "Foxglove", "Juniper", "Kingfisher", "Lodestar", "Maplewood", "Nexus", "Oakley",
        "Pathway", "Quarry", "Ridgeline", "Sequoia", "Trailhead", "Upland", "Wavecrest",
    ),
    trades=(
        "IT Solutions", "Systems", "Networks", "Technology Group", "Computer Services",
        "Data Systems", "Integration", "Tech", "Digital", "Infotech", "Managed Services",
        "Business Systems", "Communications", "Cloud Services", "IT Consulting",
        "Technologies", "Micro Systems", "Office Technology", "Network Solutions",
        "IT Partners", "Computing", "Solutions Group", "Connect", "Secure Networks",
    ),
    distributor_trades=(
        "Tech Distribution", "Distribution", "Technology Supply", "Components",
        "Channel Supply", "Wholesale", "Computer Distribution", "Trading",
    ),
    surnames=(
        "Miller", "Anderson", "Walker", "Harris", "Clarke", "Bennett", "Turner", "Hughes",
        "Foster", "Reed", "Morgan", "Hayes", "Brooks", "Price", "Ward", "Sullivan", "Carter",
        "Mitchell", "Parker", "Collins", "Stewart", "Murphy", "Cooper", "Richardson", "Cox",
        "Howard", "Gray", "James", "Watson", "Kelly", "Bailey", "Russell", "Griffin", "Hayes",
    ),
    first_names=(
        "James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "David", "Linda",
        "Daniel", "Sarah", "Matthew", "Karen", "Andrew", "Emily", "Joshua", "Megan", "Ryan",
        "Laura", "Kevin", "Rachel", "Brian", "Hannah", "Eric", "Olivia", "Tom", "Grace",
    ),
)

GERMAN = NameStyle(
    places=(
        "Rhein", "Elbe", "Alpen", "Nord", "Süd", "Ostsee", "Spree", "Isar", "Main", "Weser",
        "Harz", "Schwarzwald", "Bodensee", "Taunus", "Eifel", "Hanse", "Franken", "Allgäu",
        "Mosel", "Neckar", "Donau", "Ruhr", "Saale", "Havel", "Lech", "Tauber", "Westerwald",
    ),
    trades=(
        "IT-Systemhaus", "Datentechnik", "Netzwerktechnik", "Computer", "IT-Service",
        "Bürotechnik", "Systemtechnik", "Informatik", "EDV-Service", "IT-Lösungen",
        "Kommunikationstechnik", "Digitaltechnik", "Rechenzentrum-Service", "IT-Partner",
    ),
    distributor_trades=("Komponenten", "Distribution", "IT-Großhandel", "Handelshaus"),
    surnames=(
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
        "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
        "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange", "Werner", "Krause",
    ),
    first_names=(
        "Anna", "Lukas", "Julia", "Jonas", "Katrin", "Stefan", "Sabine", "Markus", "Claudia",
        "Thomas", "Petra", "Andreas", "Nicole", "Michael", "Susanne", "Florian", "Lena",
    ),
)

FRENCH = NameStyle(
    places=(
        "Atlantique", "Provence", "Alsace", "Bretagne", "Loire", "Rhône", "Azur", "Normandie",
        "Vendée", "Garonne", "Savoie", "Occitanie", "Lumière", "Horizon", "Étoile", "Jura",
        "Vosges", "Ardennes", "Lorraine", "Auvergne", "Aquitaine", "Flandre", "Picardie",
    ),
    trades=(
        "Informatique", "Réseaux", "Systèmes", "Bureautique", "Télécom",
        "Solutions Numériques", "Services Informatiques", "Infogérance", "Micro",
    ),
    distributor_trades=("Distribution", "Composants", "Diffusion Informatique"),
    surnames=(
        "Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Simon",
        "Michel", "Garnier", "Rousseau", "Fontaine", "Chevalier", "Girard", "Lambert",
    ),
    first_names=(
        "Camille", "Julien", "Sophie", "Nicolas", "Claire", "Mathieu", "Élodie", "Antoine",
        "Isabelle", "Pierre", "Amélie", "Sébastien", "Manon",
    ),
    trade_first=True,
)

DUTCH = NameStyle(
    places=(
        "Noordzee", "Delta", "Polder", "Rijnmond", "Veluwe", "Brabant", "Kempen", "Maas",
        "IJssel", "Zuiderzee", "Oranje", "Duinrand", "Waddenzee", "Lek", "Schelde",
    ),
    trades=("ICT", "Automatisering", "Netwerken", "IT Diensten", "Computers", "Systemen"),
    distributor_trades=("Distributie", "Groothandel", "Componenten"),
    surnames=(
        "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
        "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Dekker",
    ),
    first_names=("Daan", "Sanne", "Bram", "Femke", "Joost", "Lotte", "Ruben", "Eva", "Sem"),
)

ITALIAN = NameStyle(
    places=(
        "Adriatica", "Tirrenia", "Lombarda", "Toscana", "Padana", "Ligure", "Dolomiti",
        "Etna", "Vesuvio", "Laguna", "Appennino", "Sabauda", "Salentina", "Veneta",
    ),
    trades=(
        "Informatica", "Sistemi", "Reti", "Tecnologie", "Computer", "Servizi Informatici",
        "Telematica",
    ),
    distributor_trades=("Distribuzione", "Componenti", "Forniture Informatiche"),
    surnames=(
        "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
        "Marino", "Greco", "Bruno", "Gallo", "Conti",
    ),
    first_names=("Giulia", "Marco", "Francesca", "Luca", "Chiara", "Alessandro", "Sara"),
    trade_first=True,
)

SPANISH = NameStyle(
    places=(
        "Ibérica", "Levante", "Cantábrica", "Mediterránea", "Andaluza", "Castellana",
        "Galaica", "Atlántica", "Balear", "del Norte", "Azteca", "del Bajío", "Pacífico",
        "Maya", "Sierra Madre", "del Golfo",
    ),
    trades=(
        "Informática", "Sistemas", "Redes", "Tecnologías", "Soluciones Informáticas",
        "Comunicaciones", "Servicios TI",
    ),
    distributor_trades=("Distribución", "Componentes", "Mayorista Informático"),
    surnames=(
        "García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez",
        "Pérez", "Gómez", "Ruiz", "Hernández", "Torres",
    ),
    first_names=("Lucía", "Javier", "María", "Carlos", "Elena", "Pablo", "Carmen", "Diego"),
    trade_first=True,
)

SWEDISH = NameStyle(
    places=("Norrland", "Skåne", "Mälardalen", "Väst", "Öresund", "Dala", "Göta", "Fjäll"),
    trades=("Data", "IT", "Nätverk", "System", "Datakonsult", "Kommunikation"),
    distributor_trades=("Distribution", "Grossist", "Komponent"),
    surnames=("Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson"),
    first_names=("Erik", "Anna", "Lars", "Karin", "Johan", "Maria", "Oskar", "Elin"),
)

POLISH = NameStyle(
    places=("Wisła", "Mazowsze", "Bałtyk", "Tatry", "Śląsk", "Pomorze", "Warta", "Odra"),
    trades=("Informatyka", "Systemy", "Sieci", "Technologie IT", "Serwis Komputerowy"),
    distributor_trades=("Dystrybucja", "Hurtownia IT"),
    surnames=("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski"),
    first_names=("Piotr", "Anna", "Tomasz", "Katarzyna", "Paweł", "Magdalena"),
)

PORTUGUESE = NameStyle(
    places=("Paulista", "Carioca", "Mineira", "Gaúcha", "Nordeste", "Amazônia", "Cerrado"),
    trades=("Informática", "Sistemas", "Redes", "Tecnologia", "Soluções em TI"),
    distributor_trades=("Distribuidora", "Componentes"),
    surnames=("Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Costa"),
    first_names=("Ana", "João", "Mariana", "Pedro", "Beatriz", "Lucas", "Fernanda"),
    trade_first=True,
)

JAPANESE = NameStyle(
    places=("Sakura", "Fuji", "Kanto", "Kansai", "Tokai", "Hokuriku", "Setouchi", "Asahi"),
    trades=("Systems", "Joho Service", "Network", "Computer", "Denshi", "Solutions"),
    distributor_trades=("Shoji", "Distribution", "Trading"),
    surnames=("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto"),
    first_names=("Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Kenji", "Yuki"),
)

STYLES: dict[str, NameStyle] = {
    "en": ENGLISH,
    "de": GERMAN,
    "fr": FRENCH,
    "nl": DUTCH,
    "it": ITALIAN,
    "es": SPANISH,
    "sv": SWEDISH,
    "pl": POLISH,
    "pt": PORTUGUESE,
    "ja": JAPANESE,
}

# Issue 2: three regions; distributors trade in USD, EUR or GBP.
COUNTRIES: tuple[Country, ...] = (
    Country(
        "US", "AMER", "USD", 32, "en",
        ("Lone Star", "Great Lakes", "Gulf Coast", "Blue Ridge", "Sunbelt", "Prairie"),
        (("Inc", 4), ("LLC", 5), ("Corp.", 1)),
        (
            ("New York", "100##"), ("Chicago", "606##"), ("Dallas", "752##"),
            ("Atlanta", "303##"), ("Denver", "802##"), ("Seattle", "981##"),
            ("Boston", "021##"), ("Phoenix", "850##"), ("Minneapolis", "554##"),
            ("Charlotte", "282##"), ("San Jose", "951##"), ("Austin", "787##"),
            ("Columbus", "432##"), ("Nashville", "372##"), ("Salt Lake City", "841##"),
            ("Tampa", "336##"), ("Portland", "972##"), ("Raleigh", "276##"),
        ),
        (
            "Main St", "Oak Ave", "Commerce Dr", "Industrial Pkwy", "Market St",
            "Technology Blvd", "Park Ave", "Lakeview Rd", "Elm St", "Corporate Center Dr",
            "Enterprise Way", "Washington St",
        ),
        "{number} {street}", "##-#######", "+1",
    ),
    Country(
        "CA", "AMER", "USD", 5, "en",
        ("Maple Leaf", "Great North", "Laurentian", "Rocky Mountain"),
        (("Inc", 3), ("Ltd", 3), ("Corp.", 1)),
        (
            ("Toronto", "M#@ #@#"), ("Vancouver", "V#@ #@#"), ("Montréal", "H#@ #@#"),
            ("Calgary", "T#@ #@#"), ("Ottawa", "K#@ #@#"),
        ),
        ("Bay St", "King St W", "Yonge St", "Granville St", "Rue Sainte-Catherine"),
        "{number} {street}", "#########RT0001", "+1",
    ),
    Country(
        "MX", "AMER", "USD", 3, "es", (),
        (("S.A. de C.V.", 3), ("S. de R.L. de C.V.", 1)),
        (
            ("Ciudad de México", "06###"), ("Guadalajara", "44###"), ("Monterrey", "64###"),
            ("Puebla", "72###"), ("Querétaro", "76###"),
        ),
        ("Avenida Insurgentes Sur", "Paseo de la Reforma", "Avenida Juárez", "Calle Hidalgo"),
        "{street} {number}", "@@@######@@#", "+52",
    ),
    Country(
        "BR", "AMER", "USD", 4, "pt", (),
        (("Ltda", 4), ("S.A.", 1)),
        (
            ("São Paulo", "01###-###"), ("Rio de Janeiro", "20###-###"),
            ("Belo Horizonte", "30###-###"), ("Curitiba", "80###-###"),
            ("Porto Alegre", "90###-###"),
        ),
        ("Rua Augusta", "Avenida Paulista", "Rua das Flores", "Avenida Brasil"),
        "{street}, {number}", "##.###.###/0001-##", "+55",
    ),
    Country(
        "GB", "EMEA", "GBP", 11, "en",
        ("Pennine", "Thames", "Cotswold", "Mersey", "Severn", "Chiltern", "Wessex", "Solent"),
        (("Ltd", 8), ("Limited", 2), ("plc", 1)),
        (
            ("London", "EC# #@@"), ("Manchester", "M## #@@"), ("Birmingham", "B## #@@"),
            ("Leeds", "LS# #@@"), ("Bristol", "BS# #@@"), ("Glasgow", "G## #@@"),
            ("Edinburgh", "EH# #@@"), ("Reading", "RG# #@@"), ("Cambridge", "CB# #@@"),
            ("Nottingham", "NG# #@@"),
        ),
        (
            "High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane",
            "King Street", "Park Road", "London Road", "Riverside Business Park",
        ),
        "{number} {street}", "GB#########", "+44",
    ),
    Country(
        "IE", "EMEA", "EUR", 2, "en", ("Shannon", "Liffey", "Atlantic", "Emerald"),
        (("Ltd", 4), ("DAC", 1)),
        (("Dublin", "D0# @#@#"), ("Cork", "T12 @#@#"), ("Galway", "H91 @#@#")),
        ("Main Street", "O'Connell Street", "Grafton Street", "Dock Road"),
        "{number} {street}", "IE#######@", "+353",
    ),
    Country(
        "DE", "EMEA", "EUR", 11, "de", (),
        (("GmbH", 8), ("GmbH & Co. KG", 2), ("AG", 1), ("e.K.", 1)),
        (
            ("Berlin", "10###"), ("Hamburg", "20###"), ("München", "80###"), ("Köln", "50###"),
            ("Frankfurt am Main", "60###"), ("Stuttgart", "70###"), ("Düsseldorf", "40###"),
            ("Leipzig", "04###"), ("Hannover", "30###"), ("Nürnberg", "90###"),
            ("Bremen", "28###"), ("Dresden", "01###"),
        ),
        (
            "Hauptstraße", "Industriestraße", "Bahnhofstraße", "Gewerbestraße",
            "Schillerstraße", "Goethestraße", "Lindenallee", "Am Markt", "Kirchweg",
        ),
        "{street} {number}", "DE#########", "+49",
    ),
    Country(
        "AT", "EMEA", "EUR", 2, "de", ("Wiener", "Tiroler", "Steirer", "Salzach"),
        (("GmbH", 5), ("KG", 1), ("AG", 1)),
        (("Wien", "1###"), ("Graz", "8###"), ("Linz", "4###"), ("Salzburg", "5###")),
        ("Mariahilfer Straße", "Landstraße", "Hauptplatz", "Gewerbepark"),
        "{street} {number}", "ATU########", "+43",
    ),
    Country(
        "FR", "EMEA", "EUR", 7, "fr", (),
        (("SARL", 4), ("SAS", 4), ("SA", 1)),
        (
            ("Paris", "750##"), ("Lyon", "6900#"), ("Marseille", "130##"),
            ("Toulouse", "310##"), ("Nantes", "440##"), ("Lille", "590##"),
            ("Bordeaux", "330##"), ("Strasbourg", "670##"),
        ),
        (
            "rue de la République", "avenue Jean Jaurès", "boulevard Victor Hugo",
            "rue du Commerce", "rue de la Gare", "avenue de la Liberté",
        ),
        "{number} {street}", "FR###########", "+33",
    ),
    Country(
        "BE", "EMEA", "EUR", 2, "nl", ("Vlaanderen", "Brabant", "Kempen"),
        (("BV", 3), ("NV", 1), ("SRL", 1)),
        (("Brussel", "1###"), ("Antwerpen", "2###"), ("Gent", "9###"), ("Liège", "4###")),
        ("Kerkstraat", "Stationsstraat", "Industrielaan", "Avenue Louise"),
        "{street} {number}", "BE0#########", "+32",
    ),
    Country(
        "NL", "EMEA", "EUR", 4, "nl", (),
        (("BV", 4), ("B.V.", 2)),
        (
            ("Amsterdam", "10## @@"), ("Rotterdam", "30## @@"), ("Utrecht", "35## @@"),
            ("Eindhoven", "56## @@"), ("Den Haag", "25## @@"), ("Groningen", "97## @@"),
        ),
        ("Hoofdstraat", "Kerkstraat", "Stationsweg", "Industrieweg", "Molenweg"),
        "{street} {number}", "NL#########B01", "+31",
    ),
    Country(
        "IT", "EMEA", "EUR", 4, "it", (),
        (("Srl", 4), ("SpA", 1)),
        (
            ("Milano", "201##"), ("Roma", "001##"), ("Torino", "101##"), ("Bologna", "401##"),
            ("Napoli", "801##"), ("Firenze", "501##"), ("Padova", "351##"),
        ),
        ("Via Roma", "Via Garibaldi", "Via Mazzini", "Corso Italia", "Viale Europa"),
        "{street} {number}", "IT###########", "+39",
    ),
    Country(
        "ES", "EMEA", "EUR", 4, "es", (),
        (("SL", 4), ("SA", 1)),
        (
            ("Madrid", "280##"), ("Barcelona", "080##"), ("Valencia", "460##"),
            ("Sevilla", "410##"), ("Bilbao", "480##"), ("Zaragoza", "500##"),
        ),
        ("Calle Mayor", "Avenida de la Constitución", "Calle Real", "Calle de Alcalá"),
        "{street}, {number}", "ESB########", "+34",
    ),
    Country(
        "SE", "EMEA", "EUR", 2, "sv", (),
        (("AB", 1),),
        (("Stockholm", "1## ##"), ("Göteborg", "4## ##"), ("Malmö", "2## ##")),
        ("Storgatan", "Drottninggatan", "Kungsgatan", "Industrivägen"),
        "{street} {number}", "SE##########01", "+46",
    ),
    Country(
        "PL", "EMEA", "EUR", 2, "pl", (),
        (("Sp. z o.o.", 4), ("S.A.", 1)),
        (("Warszawa", "0#-###"), ("Kraków", "3#-###"), ("Wrocław", "5#-###")),
        ("ul. Marszałkowska", "ul. Długa", "ul. Przemysłowa", "ul. Kościuszki"),
        "{street} {number}", "PL##########", "+48",
    ),
    Country(
        "AU", "APAC", "USD", 5, "en",
        ("Southern Cross", "Coral Sea", "Outback", "Harbourside", "Tasman"),
        (("Pty Ltd", 1),),
        (
            ("Sydney", "2###"), ("Melbourne", "3###"), ("Brisbane", "4###"), ("Perth", "6###"),
            ("Adelaide", "5###"),
        ),
        ("George St", "Collins St", "Queen St", "Pacific Hwy", "Church St"),
        "{number} {street}", "## ### ### ###", "+61",
    ),
    Country(
        "NZ", "APAC", "USD", 1, "en", ("Kiwi", "Aotearoa", "Waitematā"),
        (("Ltd", 3), ("Limited", 1)),
        (("Auckland", "10##"), ("Wellington", "60##"), ("Christchurch", "80##")),
        ("Queen St", "Lambton Quay", "Colombo St"),
        "{number} {street}", "###-###-###", "+64",
    ),
    Country(
        "SG", "APAC", "USD", 2, "en", ("Lion City", "Marina", "Straits"),
        (("Pte Ltd", 1),),
        (("Singapore", "######"),),
        ("Ubi Ave 1", "Kallang Way", "Tai Seng St", "Jurong East St 21"),
        "{number} {street}", "20######@", "+65",
    ),
    Country(
        "JP", "APAC", "USD", 3, "ja", (),
        (("K.K.", 2), ("Co., Ltd.", 3)),
        (("Tokyo", "1##-####"), ("Osaka", "5##-####"), ("Nagoya", "4##-####")),
        ("Chiyoda", "Minato", "Shibuya", "Chuo"),
        "{number}-chome {street}", "T#############", "+81",
    ),
    Country(
        "IN", "APAC", "USD", 3, "en", ("Deccan", "Ganga", "Himalaya", "Sahyadri", "Indus"),
        (("Pvt Ltd", 4), ("LLP", 1)),
        (
            ("Bengaluru", "560###"), ("Mumbai", "400###"), ("New Delhi", "110###"),
            ("Chennai", "600###"), ("Pune", "411###"),
        ),
        ("MG Road", "Brigade Road", "Nehru Place", "Anna Salai"),
        "{number} {street}", "##@@@@@####@#Z#", "+91",
    ),
)

COUNTRY_BY_CODE: dict[str, Country] = {country.code: country for country in COUNTRIES}



@dataclass(frozen=True, slots=True)
class FamilySpec:
    """A product family and how its products are named, priced and counted."""

    code: str
    name: str
    description: str
    weight: int  # share of the catalogue
    popularity: int  # share of sell-in revenue
    price_cents: tuple[int, int, int]  # low, high, step
    sku_prefix: str
    lines: tuple[str, ...]
    variants: tuple[str, ...]
    has_gtin: bool = True
    conversions: tuple[tuple[str, int], ...] = ()  # (unit, factor) some products carry
    base_discount: Decimal = Decimal("25")


FAMILIES: tuple[FamilySpec, ...] = (
    FamilySpec(
        "SWITCH", "Networking switches", "Managed and smart switches for campus and data centre",
        12, 16, (29_900, 2_499_500, 500), "NX",
        ("NX 1200", "NX 2400", "NX 3600", "NX 5800", "NX 7200"),
        (
            "8-port 1G PoE+", "24-port 1G", "24-port 1G PoE+", "48-port 1G",
            "48-port 1G PoE+", "24-port 10G SFP+", "48-port 25G SFP28", "32-port 100G QSFP28",
        ),
        base_discount=Decimal("32"),
    ),
    FamilySpec(
        "WLAN", "Wireless access points", "Indoor and outdoor Wi-Fi access points",
        9, 11, (14_900, 189_500, 500), "AL",
        ("AirLink 410", "AirLink 520", "AirLink 630", "AirLink 740"),
        ("Wi-Fi 6 indoor", "Wi-Fi 6E indoor", "Wi-Fi 7 indoor", "Wi-Fi 6 outdoor"),
        base_discount=Decimal("30"),
    ),
    FamilySpec(
        "FW", "Firewalls", "Next-generation firewalls and security appliances",
        8, 12, (39_500, 4_800_000, 500), "SF",
        ("Sentinel 100", "Sentinel 300", "Sentinel 600", "Sentinel 1800", "Sentinel 4000"),
        ("desktop", "1U", "2U high availability", "with 8x 10G ports"),
        base_discount=Decimal("28"),
    ),
    FamilySpec(
        "STOR", "Storage arrays", "Unified, hybrid and all-flash storage arrays",
        6, 10, (490_000, 18_500_000, 10_000), "VS",
        ("VaultStor 2000", "VaultStor 4000", "VaultStor 8000"),
        ("12 TB hybrid", "24 TB hybrid", "46 TB all-flash", "92 TB all-flash", "184 TB NVMe"),
        base_discount=Decimal("25"),
    ),
    FamilySpec(
        "SRV", "Servers", "Rack and tower servers",
        9, 14, (240_000, 3_800_000, 5_000), "FR",
        ("Forge R110", "Forge R250", "Forge R460", "Forge T150"),
        ("8 cores 32 GB", "16 cores 64 GB", "32 cores 128 GB", "64 cores 512 GB"),
        base_discount=Decimal("22"),
    ),
    FamilySpec(
        "LAPTOP", "Laptops", "Business laptops and mobile workstations",
        11, 12, (69_900, 329_900, 1_000), "VY",
        ("Voyager 13", "Voyager 14", "Voyager 15", "Voyager 16 Pro"),
        ("i5 16 GB 512 GB", "i7 16 GB 1 TB", "i7 32 GB 1 TB", "Ultra 7 32 GB 2 TB"),
        base_discount=Decimal("12"),
    ),
    FamilySpec(
        "MON", "Monitors", "Business and professional displays",
        9, 6, (14_900, 189_900, 1_000), "CV",
        ('ClearView 24"', 'ClearView 27"', 'ClearView 32"', 'ClearView 34" curved'),
        ("FHD", "QHD", "4K UHD", "4K USB-C hub"),
        conversions=(("PL", 24),),
        base_discount=Decimal("15"),
    ),
    FamilySpec(
        "DOCK", "Docking stations", "USB-C and Thunderbolt docks",
        5, 3, (12_900, 44_900, 1_000), "PH",
        ("PortHub 2", "PortHub 3", "PortHub Pro"),
        ("USB-C 65 W", "USB-C 100 W", "Thunderbolt 4", "dual 4K"),
        conversions=(("CS", 10),),
        base_discount=Decimal("18"),
    ),
    FamilySpec(
        "CABLE", "Cables & adapters", "Patch cables, transceivers and adapters",
        10, 3, (690, 12_900, 10), "CX",
        ("Cat6A patch cable", "SFP+ DAC cable", "USB-C to HDMI adapter", "LC-LC fibre patch"),
        ("0.5 m", "1 m", "2 m", "3 m", "5 m"),
        conversions=(("BX", 10), ("CS", 100)),
        base_discount=Decimal("35"),
    ),
    FamilySpec(
        "SWLIC", "Software licences", "Management and security subscriptions",
        8, 6, (4_900, 1_200_000, 100), "SL",
        ("Fabric Manager", "Threat Shield", "Cloud Insight"),
        ("1 year, 25 devices", "1 year, 100 devices", "3 years, 25 devices",
         "3 years, 500 devices"),
        has_gtin=False,
        base_discount=Decimal("20"),
    ),
    FamilySpec(
        "SUPPORT", "Support contracts", "Hardware replacement and technical support",
        7, 5, (9_900, 950_000, 100), "CP",
        ("CarePack Essential", "CarePack Advanced", "CarePack Premium"),
        ("1 year next business day", "3 years next business day", "1 year 4-hour",
         "5 years 4-hour"),
        has_gtin=False,
        base_discount=Decimal("10"),
    ),
    FamilySpec(
        "ACC", "Accessories", "Mounts, power supplies, bags and peripherals",
        6, 2, (990, 29_900, 10), "AX",
        ("Rack mount kit", "Wall mount bracket", "Power supply", "Laptop backpack",
         "Wireless keyboard and mouse"),
        ("standard", "heavy duty", "150 W", "15.6 inch", "compact"),
        conversions=(("PK", 5),),
        base_discount=Decimal("30"),
    ),
)

ONBOARDING_CHECKLIST: tuple[str, ...] = (
    "Signed distribution agreement",
    "Credit application approved",
    "Tax and banking details verified",
    "Sell-through reporting connection tested",
    "Price list and part numbers loaded",
    "Sales team trained on the product range",
    "First stocking order placed",
)

CONTACT_TITLES: tuple[str, ...] = (
    "Vendor Manager",
    "Purchasing Director",
    "Finance Controller",
    "Head of Operations",
    "Product Manager",
    "EDI Coordinator",
)

# fmt: on
