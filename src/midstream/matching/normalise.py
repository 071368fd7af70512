"""Spellings for fuzzy reseller matching (issue 4, Part A). Pure: no Django, no I/O.

Distributors name one reseller many ways: "ABC Computers, Inc", "ABC COMP.",
"A.B.C. Computers GmbH", "Abc Computers Incorporated - Dallas Branch". ``normalise_name``
reduces each to the words that identify the company:

1. case-folded, accents stripped (``"Müller"`` → ``"muller"``, ``"ß"`` → ``"ss"``);
2. ``&`` and ``+`` read as "and"; apostrophes dropped (``"Int'l"`` → ``"intl"``); every other
   punctuation mark is a blank; initials joined (``"A.B.C."``, ``"A B C"`` → ``"abc"``);
3. connectors ("and", "und", "et", "y", …) and articles ("the", "der", "le", "de", …) dropped;
4. a branch phrase at the end dropped (``"- Dallas Branch"``, ``"Filiale Köln"``,
   ``"Store 12"``, ``"#4"``);
5. legal forms dropped from the end, repeatedly (``"GmbH & Co. KG"``, ``"S.A. de C.V."``,
   ``"Pty Ltd"``), and the few that are written first (``"AB"``, ``"SARL"``) from the start;
6. abbreviations spelled one way (``"comp"``, ``"computers"`` → ``"computer"``; ``"intl"`` →
   ``"international"``).

Every function is idempotent: a key normalised again is the same key, so stored keys and raw
reported text meet on the same spelling. The tables are data, documented in
``docs/matching.md``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

# The normalised forms of this many distinct names, postal codes, cities and streets are kept
# per process: the master's don't change between files, so the engine's index is rebuilt
# quickly when only a few aliases did (the functions are pure; their results immutable).
CACHED_KEYS = 1 << 17

# ---------------------------------------------------------------------------------- folding

# Letters NFKD does not decompose into a base letter plus a mark.
_SPECIAL_LETTERS = str.maketrans(
    {
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "\u0131": "i",  # dotless i
        "ħ": "h",
        "ŧ": "t",
        "ŀ": "l",
    }
)
_APOSTROPHES = re.compile("['`\u2018\u2019\u00b4]")
_INITIAL_DOT = re.compile(r"(?<![^\W_])([^\W\d_])\.")
_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Case-folded, without accents: ``"Société Générale"`` → ``"societe generale"``.

    Compatibility forms are unfolded first (the "fi" ligature, mathematical letters).
    """
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).translate(
        _SPECIAL_LETTERS
    )


def _raw_tokens(text: str) -> list[str]:
    """Folded words: ``&`` → and, apostrophes gone, initials' dots and punctuation blanks."""
    text = fold(text).replace("&", " and ").replace("+", " and ").replace("#", " no ")
    text = _APOSTROPHES.sub("", text)
    text = _INITIAL_DOT.sub(r"\1 ", text)
    return _NOT_WORD.sub(" ", text).split()


# ---------------------------------------------------------------------------------- words

# "and" in the languages of the vendor's markets; dropped so "A & B", "A and B", "A und B"
# and "A B" are one name.
CONNECTORS = frozenset({"and", "und", "et", "y", "e", "en", "och", "og", "i", "u"})
# Articles and linking prepositions that distributors keep or drop at will.
ARTICLES = frozenset(
    {
        *("the", "der", "die", "das", "le", "la", "les", "l", "il", "lo", "gli"),
        *("el", "los", "las", "het", "de", "des", "du", "del", "della", "di", "da", "do"),
        *("dos", "of"),
    }
)

# Legal forms, by the countries that use them. Each is tokenised like a name and compared
# with the end of a name with its blanks removed, so "S.A. de C.V.", "SA de CV" and "SACV"
# are one form. ``LEGAL_CANONICAL`` names the form a spelling stands for.
LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "US": (
        *("Inc", "Inc.", "Incorporated", "Corp", "Corp.", "Corporation", "Co", "Co.", "Company"),
        *("LLC", "L.L.C.", "LLP", "L.L.P.", "LP", "L.P.", "PLLC", "Ltd", "Limited"),
    ),
    "CA": ("Inc", "Ltd", "Limited", "Corp", "Corporation", "ULC", "Ltée", "Incorporée"),
    "GB": ("Ltd", "Ltd.", "Limited", "PLC", "Public Limited Company", "LLP", "CIC"),
    "IE": ("Ltd", "Limited", "DAC", "PLC", "Teoranta", "CLG"),
    "AU": ("Pty Ltd", "Pty. Ltd.", "Pty Limited", "Pty", "P/L", "Proprietary Limited", "Ltd"),
    "NZ": ("Ltd", "Limited"),
    "SG": ("Pte Ltd", "Pte. Ltd.", "Private Limited", "Pte"),
    "IN": ("Pvt Ltd", "Pvt. Ltd.", "Private Limited", "Ltd", "LLP"),
    "DE": (
        *("GmbH", "gGmbH", "mbH", "GmbH & Co. KG", "GmbH & Co KG", "GmbH und Co. KG"),
        *("UG", "UG (haftungsbeschränkt)", "AG", "KG", "KGaA", "OHG", "e.K.", "e.V.", "GbR"),
        *("AG & Co. KG", "SE", "SE & Co. KG"),
    ),
    "AT": ("GmbH", "AG", "KG", "OG", "e.U.", "GmbH & Co KG"),
    "CH": ("AG", "GmbH", "SA", "Sàrl", "Sagl"),
    "FR": (
        *("SARL", "S.A.R.L.", "SAS", "S.A.S.", "SASU", "SA", "S.A.", "EURL", "SNC", "SCA"),
        *("SCOP", "& Cie", "et Cie", "Cie"),
    ),
    "BE": ("BV", "NV", "SRL", "SA", "BVBA", "CVBA", "SPRL", "VOF", "CommV", "SC"),
    "NL": ("BV", "B.V.", "NV", "N.V.", "VOF", "V.O.F.", "CV", "C.V."),
    "LU": ("SARL", "SA", "SCS", "SE"),
    "IT": ("Srl", "S.r.l.", "Srls", "SpA", "S.p.A.", "Snc", "S.n.c.", "Sas", "S.a.s.", "Sapa"),
    "ES": ("SL", "S.L.", "SLU", "S.L.U.", "SA", "S.A.", "SAU", "S.A.U.", "SLL", "SC", "SCoop"),
    "PT": ("Lda", "Lda.", "SA", "Unipessoal Lda"),
    "MX": ("S.A. de C.V.", "SA de CV", "S. de R.L. de C.V.", "S de RL de CV", "SAPI de CV"),
    "BR": ("Ltda", "Ltda.", "S.A.", "SA", "EIRELI", "EPP"),
    "SE": ("AB", "HB", "KB", "Aktiebolag"),
    "DK": ("A/S", "ApS"),
    "NO": ("AS", "ASA", "ANS", "DA"),
    "FI": ("Oy", "Oyj", "Ab", "Ky"),
    "PL": ("Sp. z o.o.", "Sp z oo", "S.A.", "Sp.j.", "Sp.k.", "S.K.A."),
    "CZ": ("s.r.o.", "a.s.", "v.o.s."),
    "SK": ("s.r.o.", "a.s."),
    "HU": ("Kft", "Kft.", "Zrt", "Zrt.", "Nyrt", "Bt"),
    "HR": ("d.o.o.", "d.d."),
    "JP": ("K.K.", "KK", "Kabushiki Kaisha", "Co., Ltd.", "Co Ltd", "G.K.", "Godo Kaisha"),
    "MY": ("Sdn Bhd", "Sdn. Bhd.", "Bhd", "Berhad"),
}
# The forms a name may start with instead (French "SARL Dupont", German "Firma Huber"). Short
# ones ("AB", "SA") are left alone there: at the start they are as often a pair of initials.
LEADING_LEGAL_FORMS: tuple[str, ...] = (
    *("SARL", "EURL", "Firma", "Ets", "Établissements", "Sté", "Société"),
)
# Spellings of one form, for the evidence that two names carry "the same" legal form.
_LEGAL_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("Inc", "Incorporated", "Incorporée"),
    ("Corp", "Corporation"),
    ("Co", "Company"),
    ("Ltd", "Limited", "Ltée"),
    ("Pty Ltd", "Pty Limited", "Proprietary Limited", "Pty", "P/L"),
    ("Pte Ltd", "Pte", "Private Limited", "Pvt Ltd"),
    ("PLC", "Public Limited Company"),
    ("AB", "Aktiebolag"),
    ("KK", "Kabushiki Kaisha", "Co., Ltd."),
    ("GK", "Godo Kaisha"),
    ("Bhd", "Berhad", "Sdn Bhd"),
    ("SL", "SLU", "SLL"),
    ("SA", "SAU", "S.A.U."),
    ("Srl", "Srls"),
    ("SAS", "SASU"),
    ("GmbH", "gGmbH", "mbH"),
    ("Cie", "& Cie"),
)

# Branch phrases at the end of a name: a branch word, with a number, a place qualifier or
# the city around it ("- Dallas Branch", "Filiale Köln", "Store 12", "Downtown Office").
# The weak ones also end real names ("The Computer Shop") and only count with such company.
STRONG_BRANCH_WORDS = frozenset(
    {
        *("branch", "br", "filiale", "fil", "niederlassung", "zweigniederlassung", "standort"),
        *("geschaftsstelle", "succursale", "agence", "etablissement", "sucursal", "delegacion"),
        *("filial", "sede", "vestiging", "filiaal", "headquarters", "hq", "zentrale", "siege"),
    }
)
WEAK_BRANCH_WORDS = frozenset(
    {
        *("store", "shop", "outlet", "office", "location", "site", "depot", "warehouse"),
        *("lager", "division", "dept", "department", "unit", "no", "nr", "nro", "number"),
        *("num", "n"),
    }
)
BRANCH_WORDS = STRONG_BRANCH_WORDS | WEAK_BRANCH_WORDS
BRANCH_QUALIFIERS = frozenset(
    {
        *("downtown", "uptown", "midtown", "north", "south", "east", "west", "central"),
        *("centre", "center", "city", "main", "head", "airport", "mitte", "nord", "sud", "ost"),
        *("ouest", "est", "centro", "norte", "sur", "oeste", "este", "noord", "zuid", "oost"),
        *("regional", "retail", "sales"),
    }
)

# Abbreviations and plurals of the words reseller names are made of, one spelling each.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "computer": ("computers", "comp", "comps", "cmptr", "cmptrs", "compu"),
    "international": ("intl", "internat", "intern", "int", "intnl"),
    "system": ("systems", "sys", "syst", "systs"),
    "service": ("services", "svc", "svcs", "serv", "servs", "srv", "srvs", "srvc", "srvcs"),
    "solution": ("solutions", "sol", "sols", "soln", "solns"),
    "technology": ("technologies", "tech", "techn", "technol", "techs", "technlgy"),
    "network": ("networks", "netw", "ntwk", "ntwks", "netwk", "netwks"),
    "communication": ("communications", "comm", "comms", "commun", "communic"),
    "management": ("mgmt", "mgt", "mngmt"),
    "group": ("grp", "gp"),
    "associates": ("assoc", "assocs", "assn"),
    "brothers": ("bros", "bro"),
    "center": ("centre", "ctr", "cntr", "centers", "centres"),
    "distribution": ("dist", "distr", "distrib"),
    "national": ("natl", "nat"),
    "consulting": ("consult", "cnslt", "consultants", "consultancy"),
    "enterprise": ("enterprises", "ent", "entp", "entpr"),
    "manufacturing": ("mfg", "manuf"),
    "electronics": ("elec", "electr", "elect"),
    "engineering": ("eng", "engg", "engr"),
    "industries": ("ind", "inds", "industry"),
    "digital": ("dig", "digi"),
    "business": ("bus", "busn", "bsns"),
    "integration": ("integr", "integ"),
    "partner": ("partners", "ptnr", "ptnrs"),
    "america": ("amer",),
    "saint": ("st", "ste", "sainte", "san", "sankt"),
    "mount": ("mt",),
    "fort": ("ft",),
}
_ABBREVIATION_MAP: dict[str, str] = {}
for _full, _short_forms in ABBREVIATIONS.items():
    for _short in _short_forms:
        _ABBREVIATION_MAP.setdefault(_short, _full)
    _ABBREVIATION_MAP[_full] = _full


# -------------------------------------------------------------------------- name pipeline


def _without_noise(tokens: list[str]) -> list[str]:
    """Connectors and articles dropped and initials joined, until nothing changes (joined
    initials can spell an article: "D & O" → "do")."""
    while True:
        kept = [token for token in tokens if token not in NOISE]
        joined = _join_initials(kept or tokens)
        if joined == tokens:
            return tokens
        tokens = joined


def _join_initials(tokens: list[str]) -> list[str]:
    """Runs of single letters are one word: ``["a", "b", "c", "computers"]`` → ``abc``."""
    joined: list[str] = []
    run: list[str] = []
    for token in tokens:
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        if run:
            joined.append("".join(run))
            run = []
        joined.append(token)
    if run:
        joined.append("".join(run))
    return joined


def _words(text: str) -> list[str]:
    """Folded words without connectors and articles, initials joined.

    Initials are joined before and after dropping connectors: "S.A.R.L." keeps its "l" (not
    the French article) and "A & B" is "ab" like "A.B.".
    """
    tokens = _join_initials(_raw_tokens(text))
    kept = [token for token in tokens if token not in CONNECTORS and token not in ARTICLES]
    return _join_initials(kept or tokens)


NOISE = CONNECTORS | ARTICLES


def _joined(tokens: list[str]) -> str:
    """Words run together without connectors and articles: how legal forms compare."""
    return "".join(token for token in tokens if token not in NOISE)


def _legal_key(form: str) -> str:
    return "".join(_words(form))


@lru_cache(maxsize=1)
def _legal_tables() -> tuple[frozenset[str], frozenset[str], dict[str, str]]:
    trailing = frozenset(_legal_key(form) for forms in LEGAL_FORMS.values() for form in forms)
    leading = frozenset(_legal_key(form) for form in LEADING_LEGAL_FORMS)
    canonical: dict[str, str] = {key: key for key in trailing | leading}
    for spellings in _LEGAL_SYNONYMS:
        first = _legal_key(spellings[0])
        for spelling in spellings:
            canonical[_legal_key(spelling)] = first
    return trailing, leading, canonical


_MAX_LEGAL_TOKENS = 6


@lru_cache(maxsize=4096)
def _misspelt_legal_form(token: str) -> str:
    """The legal form ``token`` misspells by one slip ("LLLC", "Ldt", "Limitsed"), or "".

    Any form may have a letter slipped in (not first or last) or two neighbours swapped;
    forms of six letters or more may also lose or change a letter. So "Ltxd" is "Ltd" and
    "Corplration" "Corporation", but "Earl", "Ink" and "Zinc" stay words.
    """
    if len(token) < 3 or not token.isalpha():
        return ""
    for form in _misspellable_forms():
        if form[0] != token[0] or abs(len(form) - len(token)) > 1:
            continue
        if len(token) == len(form) + 1:
            if any(token[:i] + token[i + 1 :] == form for i in range(1, len(token) - 1)):
                return form
        elif len(token) == len(form) and token != form:
            if any(
                token == form[:i] + form[i + 1] + form[i] + form[i + 2 :]
                for i in range(len(form) - 1)
            ):
                return form
            if len(form) >= 6 and sum(a != b for a, b in zip(token, form, strict=True)) == 1:
                return form
        elif (
            len(token) == len(form) - 1
            and len(form) >= 6
            and any(form[:i] + form[i + 1 :] == token for i in range(len(form)))
        ):
            return form
    return ""


# The forms common enough to be misspelt in reports; rarer short ones ("SCS", "KB") would
# mistake ordinary abbreviations ("Svcs") for a misspelt form.
MISSPELLABLE_FORMS = (
    *("incorporated", "corporation", "limited", "company", "gmbh", "sarl", "corp", "ltda"),
    *("llc", "ltd", "inc", "plc", "pty", "srl", "spa"),
)


def _misspellable_forms() -> tuple[str, ...]:
    return MISSPELLABLE_FORMS


def legal_family(form: str) -> str:
    """The canonical key of a legal form's family (``"limited"`` → ``"ltd"``)."""
    _trailing, _leading, canonical = _legal_tables()
    return canonical.get(form, form)


def _strip_legal(tokens: list[str]) -> tuple[list[str], str]:
    """``tokens`` without legal forms at the end (repeatedly) and at the start.

    Returns the tokens left and the canonical key of the last form (the one written last);
    never strips every token (a company called "Company" keeps its name).
    """
    trailing, leading, canonical = _legal_tables()
    legal = ""
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for size in range(min(_MAX_LEGAL_TOKENS, len(tokens) - 1), 0, -1):
            if tokens[-size] in NOISE:
                continue  # no form starts with a connector: "of" in "… of GmbH" is the name's
            tail = _joined(tokens[-size:])
            if tail in trailing:
                legal = legal or canonical[tail]
                tokens = tokens[:-size]
                changed = True
                break
        if not changed and len(tokens) > 1:
            misspelt = _misspelt_legal_form(tokens[-1])
            if misspelt:
                legal = legal or canonical[misspelt]
                tokens = tokens[:-1]
                changed = True
    if len(tokens) > 1:
        for size in range(min(3, len(tokens) - 1), 0, -1):
            if tokens[size - 1] in NOISE:
                continue  # nor ends with one
            head = _joined(tokens[:size])
            if head in leading:
                legal = legal or canonical[head]
                tokens = tokens[size:]
                break
    return tokens, legal


def _strip_branch(tokens: list[str], city_tokens: tuple[str, ...]) -> tuple[list[str], bool]:
    """``tokens`` without a branch phrase at the end; True when one was found.

    The phrase is the last branch word (never the first word) with what follows it, when
    that is only numbers, place qualifiers, the city and more branch words ("Branch 25",
    "Filiale Köln", "Store #12"), plus such words just before it ("- Dallas Branch",
    "Downtown Office"). A weak branch word ("Store", "Office") needs such company or a legal
    form before it ("Apex Ltd Warehouse"). "Office Technology" inside a name is no branch.
    """
    last = -1
    for index in range(len(tokens) - 1, 0, -1):
        if tokens[index] in BRANCH_WORDS:
            last = index
            break
    if last < 1:
        return tokens, False
    city = set(city_tokens)

    def branch_part(token: str) -> bool:
        return (
            token in BRANCH_WORDS
            or token in BRANCH_QUALIFIERS
            or token in NOISE
            or token in city
            or token.isdigit()
        )

    if not all(branch_part(token) for token in tokens[last + 1 :]):
        return tokens, False
    start = last
    while start > 1 and branch_part(tokens[start - 1]):
        start -= 1
    phrase = tokens[start:]
    if not any(
        token in STRONG_BRANCH_WORDS
        or token in BRANCH_QUALIFIERS
        or token in city
        or token.isdigit()
        for token in phrase
    ) and not _ends_with_legal_form(tokens[:start]):
        return tokens, False
    # "Apex Inc - Leeds Branch": words between a legal form and the branch word are a place.
    for between in (1, 2):
        if start - between > 1 and _ends_with_legal_form(tokens[: start - between]):
            start -= between
            break
    return tokens[:start], True


def _ends_with_legal_form(tokens: list[str]) -> bool:
    trailing, _leading, _canonical = _legal_tables()
    return any(
        "".join(tokens[-size:]) in trailing
        for size in range(1, min(_MAX_LEGAL_TOKENS, len(tokens)))
    )


def _strip_trailing_city(tokens: list[str], city_tokens: tuple[str, ...]) -> tuple[list[str], bool]:
    """ "Apex Systems Inc (Dallas)": a city after the legal form is address, not name."""
    size = len(city_tokens)
    if not size or len(tokens) <= size + 1 or tuple(tokens[-size:]) != city_tokens:
        return tokens, False
    before = tokens[:-size]
    stripped, legal = _strip_legal(before)
    if not legal or len(stripped) == len(before):
        return tokens, False
    return before, True


def canonical_word(token: str) -> str:
    """One spelling for an abbreviation or plural: ``"comp"`` → ``"computer"``."""
    return _ABBREVIATION_MAP.get(token, token)


@dataclass(frozen=True, slots=True)
class NameKey:
    """A company name reduced to the words that identify it.

    ``tokens`` are the identifying words, in the order written; ``legal_form`` the canonical
    key of the legal form found (``""`` when none); ``branch`` whether a branch phrase was
    dropped; ``written`` the words as written (before ``canonical_word``). ``key`` joins the
    tokens; ``sorted_key`` sorts them (word order ignored).
    """

    tokens: tuple[str, ...]
    legal_form: str = ""
    branch: bool = False
    written: tuple[str, ...] = ()  # the same words before abbreviations were spelled out
    key: str = field(init=False, compare=False, repr=False)
    sorted_key: str = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "key", " ".join(self.tokens))
        object.__setattr__(self, "sorted_key", " ".join(sorted(self.tokens)))


@lru_cache(maxsize=CACHED_KEYS)
def normalise_name(raw: str, *, city: str = "") -> NameKey:
    """The identifying words of a company name (see the module docstring for the rules).

    ``city`` (the mention's own city, raw) lets a branch phrase or a trailing "(Dallas)"
    naming that city be recognised as address rather than name.
    """
    tokens = _join_initials(_raw_tokens(raw))
    if not tokens:
        return NameKey(())
    city_tokens = tuple(_join_initials(_raw_tokens(city))) if city else ()
    branch, legal = False, ""
    while True:  # "Apex Store GmbH": the legal form hid a branch word
        before = tokens
        tokens, branch_phrase = _strip_branch(tokens, city_tokens)
        tokens, branch_city = _strip_trailing_city(tokens, city_tokens)
        tokens, form = _strip_legal(tokens)
        branch = branch or branch_phrase or branch_city
        legal = legal or form
        if tokens == before:
            break
    tokens = _without_noise(tokens)
    words = tuple(canonical_word(token) for token in tokens)
    return NameKey(words, legal, branch, tuple(tokens))


def company_key(raw: str) -> str:
    """``normalise_name(raw).key``: the identifying words joined by blanks."""
    return normalise_name(raw).key


def acronym(tokens: tuple[str, ...]) -> str:
    """First letters of the words: ``("apex", "business", "computer")`` → ``"abc"``."""
    return "".join(token[0] for token in tokens if token)


# --------------------------------------------------------------------------------- places

# Countries whose postal codes are all digits, with their length: a leading zero lost in a
# spreadsheet comes back ("1067" → "01067" in Germany), a "D-" or "DE-" prefix goes.
NUMERIC_POSTAL_LENGTHS: dict[str, int] = {
    **{code: 5 for code in ("US", "DE", "FR", "IT", "ES", "MX", "FI", "HR", "MY", "TW")},
    **{code: 4 for code in ("AT", "BE", "CH", "AU", "NZ", "DK", "NO", "HU", "LU", "ZA", "PH")},
    **{code: 6 for code in ("SG", "IN", "CN", "RU")},
    **{code: 5 for code in ("SE", "CZ", "SK", "GR")},
    **{code: 5 for code in ("PL",)},
    **{code: 8 for code in ("BR",)},
    **{code: 7 for code in ("JP", "PT", "IL")},
}
# How much of a code names a district (evidence that two addresses are near each other):
# the US sectional centre, a German "Leitregion", a French département, the UK outward code.
DISTRICT_LENGTHS: dict[str, int] = {
    **{code: 3 for code in ("US", "DE", "IT", "ES", "SE", "MX", "BR", "JP", "IN", "SG", "CA")},
    **{code: 2 for code in ("FR", "AT", "BE", "CH", "AU", "NZ", "DK", "NO", "PL", "PT")},
    "NL": 4,
}
_POSTAL_NOISE = re.compile(r"[^0-9A-Z]+")
_NOT_DIGIT = re.compile(r"\D+")


@lru_cache(maxsize=CACHED_KEYS)
def postal_key(raw: str, country: str = "") -> str:
    """A postal code as one spelling per country: upper case, no blanks or dashes.

    US ZIP+4 keeps its five digits; numeric codes get their lost leading zeros back and lose
    a country prefix ("D-80331", "F-75001"); UK, Dutch and Canadian codes just lose blanks
    ("EC1A 1BB" → "EC1A1BB", "1012 AB" → "1012AB").
    """
    country = country.strip().upper()
    text = fold(raw).upper().strip()
    if not text:
        return ""
    length = NUMERIC_POSTAL_LENGTHS.get(country)
    if not length:
        return _POSTAL_NOISE.sub("", text)
    if country == "US":
        text = re.split(r"[- ]", text.strip(" -"))[0]
    digits = _NOT_DIGIT.sub("", text)
    if not digits:
        return _POSTAL_NOISE.sub("", text)
    if country == "US" and len(digits) == 9:
        digits = digits[:5]
    return digits.rjust(length, "0")


@lru_cache(maxsize=CACHED_KEYS)
def postal_district(key: str, country: str = "") -> str:
    """The district part of a normalised postal code (``postal_key``), or ``""``.

    UK: the outward code ("EC1A1BB" → "EC1A"); Ireland: the routing key; otherwise the
    country's leading digits (``DISTRICT_LENGTHS``).
    """
    country = country.strip().upper()
    if not key:
        return ""
    if country == "GB":
        return key[:-3] if len(key) >= 5 else key
    if country == "IE":
        return key[:3]
    length = DISTRICT_LENGTHS.get(country)
    if length is None:
        return key[: max(1, len(key) // 2)]
    return key[:length]


# Cities known by more than one name (exonyms, local spellings, short forms).
CITY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "munchen": ("munich", "muenchen"),
    "koln": ("cologne", "koeln"),
    "nurnberg": ("nuremberg", "nuernberg"),
    "dusseldorf": ("duesseldorf",),
    "frankfurt am main": ("frankfurt", "frankfurt a m", "frankfurt main", "frankfurt m"),
    "hannover": ("hanover",),
    "wien": ("vienna",),
    "den haag": ("the hague", "s gravenhage", "haag"),
    "brussel": ("brussels", "bruxelles"),
    "antwerpen": ("antwerp", "anvers"),
    "gent": ("ghent", "gand"),
    "liege": ("luik", "luttich"),
    "milano": ("milan",),
    "roma": ("rome",),
    "torino": ("turin",),
    "napoli": ("naples",),
    "firenze": ("florence",),
    "venezia": ("venice",),
    "genova": ("genoa",),
    "padova": ("padua",),
    "sevilla": ("seville",),
    "zaragoza": ("saragossa",),
    "lisboa": ("lisbon",),
    "warszawa": ("warsaw",),
    "krakow": ("cracow",),
    "praha": ("prague",),
    "goteborg": ("gothenburg",),
    "kobenhavn": ("copenhagen",),
    "montreal": ("montreal qc",),
    "new york": ("new york city", "nyc", "ny", "manhattan"),
    "ciudad mexico": ("mexico city", "cdmx", "mexico df", "mexico"),
    "sao paulo": ("sao paulo sp",),
    "saint louis": ("st louis",),
    "washington": ("washington dc", "washington d c"),
}
_CITY_MAP: dict[str, str] = {}
for _city, _others in CITY_SYNONYMS.items():
    _CITY_MAP[_city] = _city
    for _other in _others:
        _CITY_MAP.setdefault(_other, _city)
_CITY_SUFFIX = re.compile(r"(?:\s+(?:cedex|\d+))+$")


@lru_cache(maxsize=CACHED_KEYS)
def city_key(raw: str) -> str:
    """A city as one spelling: folded, "St." as "saint", known exonyms mapped.

    ``"München"``, ``"Munich"`` and ``"MUENCHEN"`` are ``"munchen"``; a French "CEDEX" or a
    district number after the name ("Paris 8", "Lyon Cedex 03") goes.
    """
    words = [
        canonical_word(word) if word in {"st", "ste", "mt", "ft"} else word
        for word in _city_words(raw)
    ]
    text = _CITY_SUFFIX.sub("", " ".join(words))
    return _CITY_MAP.get(text, text)


def _city_words(raw: str) -> list[str]:
    tokens = _raw_tokens(raw)
    return [token for token in tokens if token not in {"de", "la", "le", "del", "am"}] or tokens


# Street words and their abbreviations, one spelling each; German compounds ending in
# "str" ("Hauptstr.") are read as "…strasse".
STREET_WORDS: dict[str, tuple[str, ...]] = {
    "street": ("st", "str", "strt"),
    "strasse": ("strasse", "straße", "str"),
    "avenue": ("ave", "av", "avda", "avenida", "avenue"),
    "road": ("rd",),
    "boulevard": ("blvd", "bd", "boul", "bvd"),
    "drive": ("dr", "drv"),
    "lane": ("ln",),
    "parkway": ("pkwy", "pky"),
    "place": ("pl", "plc"),
    "court": ("ct",),
    "highway": ("hwy",),
    "square": ("sq",),
    "suite": ("ste", "suite", "unit", "apt"),
    "calle": ("c", "cl", "cll"),
    "via": ("v", "vle"),
    "viale": ("vle",),
    "corso": ("c so", "cso"),
    "rue": ("r",),
    "weg": (),
    "north": ("n",),
    "south": ("s",),
    "east": ("e",),
    "west": ("w",),
}
_STREET_MAP: dict[str, str] = {}
for _word, _spellings in STREET_WORDS.items():
    for _spelling in _spellings:
        _STREET_MAP.setdefault(fold(_spelling), _word)
    _STREET_MAP[_word] = _word
# "str" alone means "Straße" in German addresses and "street" nowhere else in our data.
_STREET_MAP["str"] = "strasse"
_STREET_MAP["st"] = "street"
_GERMAN_COMPOUND = re.compile(r"^(\w{3,}?)(?:strasse|str)$")
_NUMBER = re.compile(r"^\d+[a-z]?$")


@dataclass(frozen=True, slots=True)
class StreetKey:
    """A street address as comparable parts: house numbers and street words."""

    numbers: tuple[str, ...]
    words: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(sorted(self.words))

    @property
    def name(self) -> str:
        """The words without the street type ("street", "strasse", "avenue"…)."""
        return " ".join(sorted(word for word in self.words if word not in STREET_WORDS))


@lru_cache(maxsize=CACHED_KEYS)
def street_key(raw: str) -> StreetKey:
    """``"Hauptstr. 5"``, ``"Hauptstraße 5"`` and ``"5 HAUPTSTRASSE"`` are one street key."""
    numbers: list[str] = []
    words: list[str] = []
    for token in _raw_tokens(raw.replace("ß", "ss")):
        if _NUMBER.match(token):
            numbers.append(token)
            continue
        compound = _GERMAN_COMPOUND.match(token)
        if compound:
            words.extend((compound.group(1), "strasse"))
            continue
        words.append(_STREET_MAP.get(token, token))
    return StreetKey(tuple(numbers), tuple(words))
