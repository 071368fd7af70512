"""X12 reader: 867 (product transfer and resale), 852 (product activity), 846 (inventory advice).

``parse_x12(content) -> ParsedFile`` reads versions 003030 to 005010. The tokenizer
(``x12_tokenizer``) turns bytes into numbered segments; this module walks the envelopes
(ISA/GS/ST … SE/GE/IEA, checking their counts and control numbers), places each segment of a
transaction in its loop using the transaction's loop table, and turns loops into records:

* 867: one sell-through record per QTY loop (QTY → LIN → UIT → AMT → REF → DTM), with the
  PTD's transaction type, invoice, contract and N1 parties (ship-to, bill-to, end user…).
* 852: per LIN loop, one sell-through record per sales activity (ZA QS/TS, QU returns) and
  location, and one inventory record per location (ZA QA/OH on hand, QP on order, QI in
  transit, QC committed).
* 846: one inventory record per LIN loop (QTY qualifiers: 17 on hand, 33 available, …).

The loop tables and the qualifier tables are data (below); docs/formats-x12.md lists them with
the diagnostic codes. Loops are resolved the usual X12 way: a segment belongs to the innermost
open loop that allows it (or starts one of its child loops); otherwise the open loops close
from the inside out until one does. A record loop is turned into records when it closes, and
then dropped, so memory follows the records, not the segments.

Values stay raw text (stripped of surrounding blanks); the mapping stage types them.
"""

from __future__ import annotations

import gc
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import StrEnum
from operator import itemgetter

from midstream.ingest.formats.x12_tokenizer import (
    Delimiters,
    DiagnosticLog,
    Tokenizer,
)
from midstream.ingest.records import (
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    Document,
    Format,
    ParsedFile,
    Party,
    ReportKind,
    SourceRecord,
)


class X12Code(StrEnum):
    """Stable diagnostic codes of the X12 reader (docs/formats-x12.md explains each)."""

    # The file as a whole.
    FILE_TOO_LARGE = "file_too_large"
    EMPTY_FILE = "empty_file"
    NO_INTERCHANGE = "no_interchange"
    INVALID_ISA = "invalid_isa"
    TOO_MANY_ERRORS = "too_many_errors"
    DIAGNOSTICS_TRUNCATED = "diagnostics_truncated"
    ENCODING_FALLBACK = "encoding_fallback"
    TEXT_BEFORE_INTERCHANGE = "text_before_interchange"
    # Tokens.
    ISA_LENGTH = "isa_length"
    EMPTY_SEGMENT = "empty_segment"
    SEGMENT_TOO_LONG = "segment_too_long"
    MISSING_SEGMENT_TERMINATOR = "missing_segment_terminator"
    # Envelopes.
    INTERCHANGE_CONTROL_MISMATCH = "interchange_control_mismatch"
    GROUP_CONTROL_MISMATCH = "group_control_mismatch"
    TRANSACTION_CONTROL_MISMATCH = "transaction_control_mismatch"
    SEGMENT_COUNT_MISMATCH = "segment_count_mismatch"
    TRANSACTION_COUNT_MISMATCH = "transaction_count_mismatch"
    GROUP_COUNT_MISMATCH = "group_count_mismatch"
    MISSING_SE = "missing_se"
    MISSING_GE = "missing_ge"
    MISSING_IEA = "missing_iea"
    MISSING_GS = "missing_gs"
    UNEXPECTED_TRAILER = "unexpected_trailer"
    SEGMENT_OUTSIDE_TRANSACTION = "segment_outside_transaction"
    UNSUPPORTED_TRANSACTION = "unsupported_transaction"
    UNSUPPORTED_VERSION = "unsupported_version"
    # Segments and elements.
    UNKNOWN_SEGMENT = "unknown_segment"
    UNEXPECTED_SEGMENT = "unexpected_segment"
    INVALID_SEGMENT_ID = "invalid_segment_id"
    TOO_MANY_ELEMENTS = "too_many_elements"
    MISSING_ELEMENT = "missing_element"
    ELEMENT_TOO_LONG = "element_too_long"
    ELEMENT_TOO_SHORT = "element_too_short"
    INVALID_NUMBER = "invalid_number"
    INVALID_DATE = "invalid_date"
    INVALID_TIME = "invalid_time"
    # Transaction content.
    MISSING_SEGMENT = "missing_segment"
    LINE_COUNT_MISMATCH = "line_count_mismatch"
    DUPLICATE_PARTY = "duplicate_party"
    DUPLICATE_IDENTIFIER = "duplicate_identifier"
    INCOMPLETE_IDENTIFIER = "incomplete_identifier"
    DUPLICATE_PRICE = "duplicate_price"
    DUPLICATE_QUANTITY = "duplicate_quantity"
    NO_INVENTORY_QUANTITY = "no_inventory_quantity"
    NO_ACTIVITY = "no_activity"


# ---------------------------------------------------------------------------------------------
# Loop tables (data): which segments each loop holds and which loops it contains.


@dataclass(frozen=True, slots=True)
class Loop:
    """A loop of a transaction set: its first segment, the other segments, its child loops.

    ``record`` marks the loops the reader turns into records when they close. At the top of a
    transaction set, ``segments`` are the header, allowed only before the first loop opens
    (a header segment among the detail loops is reported, not taken as the end of the
    detail), and ``trailers`` are the summary segments allowed after the loops (CTT).
    """

    name: str
    start: str
    segments: frozenset[str]
    loops: tuple[Loop, ...] = ()
    record: bool = False
    trailers: frozenset[str] = frozenset()
    starts: dict[str, Loop] = field(init=False, repr=False, compare=False)
    detail: bool = field(init=False, repr=False, compare=False)  # holds record loops

    def __post_init__(self) -> None:
        object.__setattr__(self, "starts", {child.start: child for child in self.loops})
        object.__setattr__(self, "detail", self.record or any(c.detail for c in self.loops))

    def segment_ids(self) -> frozenset[str]:
        """Every segment id the loop and its descendants know."""
        ids = {self.start, *self.segments, *self.trailers}
        for child in self.loops:
            ids |= child.segment_ids()
        return frozenset(ids)


def loop(
    name: str,
    start: str,
    segments: str = "",
    *loops: Loop,
    record: bool = False,
    trailers: str = "",
) -> Loop:
    return Loop(
        name, start, frozenset(segments.split()), tuple(loops), record, frozenset(trailers.split())
    )


CODE_SOURCE = loop("LM", "LM", "LQ")

# 867 Product Transfer and Resale Report (003030-005010): header, PTD loops holding N1 party
# loops and QTY line loops (QTY starts the line; LIN follows), then the CTT totals loop.
TABLE_867 = loop(
    "867",
    "ST",
    "BPT NTE CUR DTM REF PER MEA PSA",
    loop("N1", "N1", "N2 N3 N4 REF PER"),
    CODE_SOURCE,
    loop(
        "PTD",
        "PTD",
        "DTM REF PRF PER MAN",
        loop("N1", "N1", "N2 N3 N4 REF PER", loop("SII", "SII", "N9")),
        loop(
            "QTY",
            "QTY",
            "LIN PO3 PO4 UIT AMT ITA PID MEA PWK PKG REF PER DTM CUR DD LDT",
            CODE_SOURCE,
            loop("LX", "LX", "REF DTM N1", CODE_SOURCE),
            loop("FA1", "FA1", "FA2"),
            record=True,
        ),
    ),
    loop("CTT", "CTT", "AMT ITA"),
)

# 852 Product Activity Data: header (XQ period), N1 locations, LIN loops with ZA activity
# loops (ZA → QTY/CTP/SDQ), CTT.
TABLE_852 = loop(
    "852",
    "ST",
    "XQ XPO N9 PER",
    loop("N1", "N1", "N2 N3 N4 FOB TD5 DTM N9 PER REF"),
    loop(
        "LIN",
        "LIN",
        "UIT PO4 PID CTP N9 AMT PAL QTY MEA",
        loop("ZA", "ZA", "QTY CTP SDQ", loop("G95", "G95", "DTM")),
        record=True,
    ),
    trailers="CTT",
)

# 846 Inventory Inquiry/Advice: BIA header, N1 locations, LIN loops with QTY loops and N1
# loops of their own, CTT.
TABLE_846 = loop(
    "846",
    "ST",
    "BIA CUR DTM REF PER MEA",
    loop("N1", "N1", "N2 N3 N4 REF PER"),
    CODE_SOURCE,
    loop(
        "LIN",
        "LIN",
        "PID MEA PKG DTM CTP CUR SAC REF PER SDQ MAN UIT CS DD G53 PCT LDT",
        CODE_SOURCE,
        loop("SLN", "SLN", "PID MEA PKG", loop("MAN", "MAN", "MEA")),
        loop("QTY", "QTY", "UIT MEA LDT DTM REF SCH", CODE_SOURCE),
        loop("LS", "LS", "LE REF DTM N1", CODE_SOURCE),
        loop("N1", "N1", "N2 N3 N4 REF PER"),
        record=True,
    ),
    trailers="CTT",
)

# ---------------------------------------------------------------------------------------------
# Qualifier tables (data).

# 867: REF qualifiers naming the invoice (REF*IV invoice number, REF*DI distributor invoice),
# in order of preference; the line loop's REF wins over the PTD's.
INVOICE_REFERENCES = ("IV", "DI")
# 867: contract / special pricing references (PTD04-05 or REF), in order of preference.
CONTRACT_REFERENCES = ("VC", "CT")
INVOICE_DATE = "003"  # DTM*003 invoice date
REPORT_START, REPORT_END = "090", "091"  # DTM*090 / DTM*091 report period (867 header)
# 867: which UIT price becomes unit_price when a line has several (UIT03 basis): resale, then
# contract, else the first UIT of the line. Every UIT is kept as price_<UIT03>.
UIT_PRICE_ORDER = ("RS", "CT")
# 852/846: the same choice among CTP prices (CTP02): resale, then contract, else the first.
CTP_PRICE_ORDER = ("RES", "CON")
# AMT qualifiers that are the line's extended amount (AMT*1 line item total). Every AMT is kept
# as amount_<AMT01>, its credit/debit flag (AMT03) as amount_<AMT01>_flag.
LINE_AMOUNTS = ("1",)
# N1 roles that name the reporting location of an 852 or 846 (reporting location, warehouse,
# store, ship-to), in order of preference; the location is N104 (its id), else N102 (its name).
LOCATION_ROLES = ("RL", "WH", "SN", "ST")
# 852/846: when no N1 names the location, a reference that does (REF or N9: LU location number,
# ST store number), at the item's level first, then the header's.
LOCATION_REFERENCES = ("LU", "ST")
# 846: DTM qualifiers giving the as-of date when BIA04 is empty (inventory, effective,
# transaction creation), in order of preference; a LIN loop's own DTM wins over the header's.
AS_OF_DATES = ("184", "007", "097")
# 846 (and the LIN-level QTY of an 852): QTY01 qualifier → inventory field, the first present
# qualifier of each tuple wins. Other qualifiers are kept as qty_<QTY01>.
INVENTORY_QUANTITIES = {
    "on_hand": ("17", "36"),  # 17 quantity on hand, 36 distributor inventory
    "available": ("33",),  # 33 quantity available for sale (stock quantity)
    "on_order": ("63", "45"),  # 63 on order quantity, 45 cumulative quantity on order
    "in_transit": ("IQ",),  # IQ in-transit quantity
    "committed": ("27",),  # 27 committed quantity
}
# 852: ZA01 activity codes → inventory field (a second ZA for the same field is reported).
ACTIVITY_INVENTORY = {
    "QA": "on_hand",  # current inventory quantity available for shipment or sale
    "OH": "on_hand",
    "QP": "on_order",  # quantity on order, not yet received
    "QI": "in_transit",
    "QC": "committed",
}
# 852: ZA01 sales codes: QS quantity sold wins over TS total sales (both report the same sales;
# taking both would count them twice). QU (returned by consumer) is a record of its own.
ACTIVITY_SALES = ("QS", "TS")
ACTIVITY_RETURNS = ("QU",)

SUPPORTED_VERSIONS = (3030, 5010)  # 003030 … 005010 (GS08, else ISA12)

# ---------------------------------------------------------------------------------------------
# Element rules of the segments the reader uses (codes and numbers are errors, text lengths
# are warnings). Positions are 1-based; ``composite`` checks the first component.


@dataclass(frozen=True, slots=True)
class Element:
    position: int
    kind: str  # ID (code), AN (text), R (decimal), N0 (integer), DT (date), TM (time)
    minimum: int
    maximum: int
    required: bool = False
    composite: bool = False


@dataclass(frozen=True, slots=True)
class SegmentRule:
    max_elements: int | None
    elements: tuple[Element, ...]  # by position
    required: tuple[int, ...]  # positions that must not be empty


def _rule(max_elements: int | None, *elements: Element) -> SegmentRule:
    ordered = tuple(sorted(elements, key=lambda element: element.position))
    required = tuple(element.position for element in ordered if element.required)
    return SegmentRule(max_elements, ordered, required)


E = Element
_LIN_PAIRS = tuple(
    E(position, "ID", 2, 2) if position % 2 == 0 else E(position, "AN", 1, 48)
    for position in range(2, 32)
)
_SDQ_PAIRS = tuple(
    E(position, "AN", 2, 80) if position % 2 == 1 else E(position, "R", 1, 15)
    for position in range(3, 23)
)
SEGMENT_RULES = {
    "BPT": _rule(
        None, E(1, "ID", 2, 2, True), E(2, "AN", 1, 80), E(3, "DT", 6, 8), E(4, "ID", 2, 2)
    ),
    "BIA": _rule(
        None,
        E(1, "ID", 2, 2, True),
        E(2, "ID", 2, 2, True),
        E(3, "AN", 1, 80),
        E(4, "DT", 6, 8),
        E(5, "TM", 4, 8),
    ),
    "XQ": _rule(3, E(1, "ID", 1, 1, True), E(2, "DT", 6, 8, True), E(3, "DT", 6, 8)),
    "DTM": _rule(6, E(1, "ID", 3, 3, True), E(2, "DT", 6, 8), E(3, "TM", 4, 8)),
    "CUR": _rule(None, E(1, "ID", 2, 3, True), E(2, "ID", 3, 3, True)),
    "N1": _rule(6, E(1, "ID", 2, 3, True), E(2, "AN", 1, 60), E(3, "ID", 1, 2), E(4, "AN", 2, 80)),
    "N3": _rule(2, E(1, "AN", 1, 55, True), E(2, "AN", 1, 55)),
    "N4": _rule(7, E(1, "AN", 2, 30), E(2, "AN", 2, 2), E(3, "AN", 3, 15), E(4, "AN", 2, 3)),
    "REF": _rule(4, E(1, "ID", 2, 3, True), E(2, "AN", 1, 80)),
    "PTD": _rule(6, E(1, "ID", 2, 2, True), E(4, "ID", 2, 3), E(5, "AN", 1, 80), E(6, "ID", 2, 2)),
    "QTY": _rule(
        4,
        E(1, "ID", 2, 2, True),
        E(2, "R", 1, 15),
        E(3, "ID", 2, 2, composite=True),
        E(4, "AN", 1, 30),
    ),
    "LIN": _rule(31, E(1, "AN", 1, 20), *_LIN_PAIRS),
    "UIT": _rule(None, E(1, "ID", 2, 2, composite=True), E(2, "R", 1, 17), E(3, "ID", 2, 2)),
    "AMT": _rule(3, E(1, "ID", 1, 3, True), E(2, "R", 1, 18, True), E(3, "ID", 1, 1)),
    "CTP": _rule(11, E(2, "ID", 3, 3), E(3, "R", 1, 17)),
    "ZA": _rule(
        None,
        E(1, "ID", 2, 2, True),
        E(2, "R", 1, 15),
        E(3, "ID", 2, 2),
        E(4, "ID", 3, 3),
        E(5, "DT", 6, 8),
        E(6, "ID", 2, 3),
    ),
    "SDQ": _rule(23, E(1, "ID", 2, 2), E(2, "ID", 1, 2), *_SDQ_PAIRS),
    "CTT": _rule(7, E(1, "N0", 1, 6, True), E(2, "R", 1, 10)),
    "PID": _rule(9, E(1, "ID", 1, 1, True), E(5, "AN", 1, 80)),
}

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_ENVELOPE = frozenset(("ISA", "IEA", "GS", "GE", "ST", "SE", "TA1"))


def _element_problem(rule: Element, value: str) -> tuple[X12Code, bool, str] | None:
    """What is wrong with ``value`` (code, whether it is an error, why), or None."""
    kind = rule.kind
    if kind in ("ID", "AN"):
        error = kind == "ID"
        if len(value) > rule.maximum:
            return X12Code.ELEMENT_TOO_LONG, error, f"at most {rule.maximum} characters"
        if len(value) < rule.minimum:
            return X12Code.ELEMENT_TOO_SHORT, error, f"at least {rule.minimum} characters"
        return None
    if kind in ("R", "N0"):
        pattern = _DECIMAL if kind == "R" else _INTEGER
        if not pattern.fullmatch(value):
            expected = "a decimal number" if kind == "R" else "a whole number"
            return X12Code.INVALID_NUMBER, True, expected
        digits = len(value) - value.count(".") - (value[0] in "+-")
        if digits > rule.maximum:
            return X12Code.ELEMENT_TOO_LONG, True, f"at most {rule.maximum} digits"
        return None
    if kind == "DT":
        if not _ascii_digits(value) or len(value) not in (6, 8):
            return X12Code.INVALID_DATE, True, "a date as CCYYMMDD (or YYMMDD before 004010)"
        month, day = int(value[-4:-2]), int(value[-2:])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return X12Code.INVALID_DATE, True, "a date with a month 01-12 and a day 01-31"
        return None
    if not _ascii_digits(value) or not 4 <= len(value) <= 8:  # TM
        return X12Code.INVALID_TIME, True, "a time as HHMM, HHMMSS or HHMMSSDD"
    return None


def _ascii_digits(text: str) -> bool:
    """Only 0-9 (``str.isdigit`` also accepts superscripts and other scripts' digits)."""
    return text.isascii() and text.isdigit()


def _value(elements: list[str], position: int) -> str:
    return elements[position].strip() if position < len(elements) else ""


def _version_number(version: str) -> int | None:
    """004010 → 4010; ISA12's 00401 → 4010; None when it is not a version string."""
    digits = version[:6]
    if len(digits) == 6 and _ascii_digits(digits):
        return int(digits)
    if len(version) == 5 and _ascii_digits(version):
        return int(version) * 10
    return None


def _same_control_number(first: str, second: str) -> bool:
    if _ascii_digits(first) and _ascii_digits(second):
        return int(first) == int(second)
    return first == second


# ---------------------------------------------------------------------------------------------
# Loop instances and the transaction engine.


class _Node:
    """An open or closed loop instance: its segments (number, elements) and closed children."""

    __slots__ = ("children", "memo", "segments", "spec")

    def __init__(self, spec: Loop, number: int, elements: list[str]) -> None:
        self.spec = spec
        self.segments: list[tuple[int, list[str]]] = [(number, elements)]
        self.children: list[_Node] = []
        self.memo: object = None

    @property
    def number(self) -> int:
        return self.segments[0][0]

    @property
    def head(self) -> list[str]:
        return self.segments[0][1]

    def all(self, segment_id: str) -> list[tuple[int, list[str]]]:
        return [segment for segment in self.segments[1:] if segment[1][0] == segment_id]

    def first(self, segment_id: str) -> tuple[int, list[str]] | None:
        for segment in self.segments[1:]:
            if segment[1][0] == segment_id:
                return segment
        return None

    def loops(self, name: str) -> list[_Node]:
        return [child for child in self.children if child.spec.name == name]

    def every_segment(self) -> list[tuple[int, list[str]]]:
        collected = list(self.segments)
        for child in self.children:
            collected.extend(child.every_segment())
        return collected


@dataclass(slots=True)
class _Context:
    log: DiagnosticLog
    delimiters: Delimiters
    document: Document


class _TransactionReader(ABC):
    """Base of the per-transaction readers: header once, records as record loops close."""

    table: Loop
    kind: ReportKind | None = None  # the Document's kind (None: an 852 holds both kinds)

    def __init__(self, context: _Context) -> None:
        self.context = context
        self.log = context.log
        self.document = context.document
        self.header_read = False
        self.record_loops = 0  # record loops seen (compared with CTT01)
        self.known = self.table.segment_ids()

    # Hooks ------------------------------------------------------------------------------------

    @abstractmethod
    def read_header(self, root: _Node) -> None:
        """Each transaction's reader says how."""

    @abstractmethod
    def read_record_loop(self, node: _Node, parents: list[_Node]) -> None:
        """Each transaction's reader says how."""

    def finish(self, root: _Node) -> None:
        ctt = root.first("CTT")
        if ctt is None:
            ctt_loop = root.loops("CTT")
            ctt = ctt_loop[0].segments[0] if ctt_loop else None
        if ctt is not None:
            number, elements = ctt
            declared = _value(elements, 1)
            if _ascii_digits(declared) and int(declared) != self.record_loops:
                self.log.warning(
                    number,
                    "CTT01",
                    X12Code.LINE_COUNT_MISMATCH,
                    f"CTT01 says {int(declared)} line items, but the transaction has "
                    f"{self.record_loops} {RECORD_LOOP_NAMES[self.table.name]}.",
                )

    # Shared helpers -----------------------------------------------------------------------------

    def ensure_header(self, root: _Node) -> None:
        if not self.header_read:
            self.header_read = True
            self.read_header(root)

    def component(self, value: str) -> str:
        return value.split(self.context.delimiters.component, 1)[0].strip()

    def raw(self, node: _Node) -> str:
        delimiters = self.context.delimiters
        segments = sorted(node.every_segment(), key=itemgetter(0))
        return "".join(
            delimiters.element.join(elements) + delimiters.segment + "\n"
            for _, elements in segments
        )

    def party(self, node: _Node) -> Party:
        n1 = node.head
        party = Party(
            role=_value(n1, 1), name=_value(n1, 2), id_qualifier=_value(n1, 3), id=_value(n1, 4)
        )
        address: list[str] = []
        for _, elements in node.segments[1:]:
            segment_id = elements[0]
            if segment_id == "N3":
                address.extend(
                    value for value in (_value(elements, 1), _value(elements, 2)) if value
                )
            elif segment_id == "N4" and not (party.city or party.region or party.postal_code):
                party.city = _value(elements, 1)
                party.region = _value(elements, 2)
                party.postal_code = _value(elements, 3)
                party.country = _value(elements, 4)
            elif segment_id in ("REF", "N9"):
                qualifier, value = _value(elements, 1), _value(elements, 2)
                if qualifier and value and qualifier not in party.references:
                    party.references[qualifier] = value
        party.address = ", ".join(address)
        return party

    def parties(self, loops: list[_Node]) -> dict[str, Party]:
        parties: dict[str, Party] = {}
        for node in loops:
            party = self.party(node)
            if not party.role:
                continue  # N101 missing: reported by the element check
            if party.role in parties:
                self.log.warning(
                    node.number,
                    "N101",
                    X12Code.DUPLICATE_PARTY,
                    f"a second N1*{party.role} party in the same loop was ignored.",
                )
                continue
            parties[party.role] = party
        return parties

    def location_of(self, parties: dict[str, Party], references: dict[str, str]) -> str:
        """The N1 location by ``LOCATION_ROLES``, else a ``LOCATION_REFERENCES`` reference."""
        for role in LOCATION_ROLES:
            party = parties.get(role)
            if party is not None and (party.id or party.name):
                return party.id or party.name
        for qualifier in LOCATION_REFERENCES:
            if references.get(f"ref_{qualifier}"):
                return references[f"ref_{qualifier}"]
        return ""

    def header_references(self, root: _Node) -> dict[str, str]:
        """The header's REF and N9 as ref_<qualifier> (kept in the Document's header)."""
        references: dict[str, str] = {}
        for _, elements in root.segments[1:]:
            if elements[0] in ("REF", "N9"):
                qualifier, value = _value(elements, 1), _value(elements, 2)
                if qualifier and value:
                    references.setdefault(f"ref_{qualifier}", value)
        self.document.header.update(references)
        return references

    def identifiers(self, number: int, lin: list[str]) -> dict[str, str]:
        """LIN02/03, LIN04/05 … as qualifier → product id (the first of a qualifier wins)."""
        identifiers: dict[str, str] = {}
        for position in range(2, len(lin), 2):
            qualifier, value = _value(lin, position), _value(lin, position + 1)
            if not qualifier and not value:
                continue
            if not qualifier or not value:
                self.log.warning(
                    number,
                    f"LIN{position:02d}",
                    X12Code.INCOMPLETE_IDENTIFIER,
                    f"LIN{position:02d}/LIN{position + 1:02d} has a qualifier without a value "
                    "or a value without a qualifier; it was ignored.",
                )
                continue
            if qualifier in identifiers:
                self.log.warning(
                    number,
                    f"LIN{position:02d}",
                    X12Code.DUPLICATE_IDENTIFIER,
                    f"a second {qualifier} product id ({value!r}) was ignored.",
                )
                continue
            identifiers[qualifier] = value
        return identifiers

    def put_price(
        self,
        fields: dict[str, str],
        prices: list[tuple[str, str]],
        number: int,
        basis: str,
        price: str,
    ) -> None:
        key = f"price_{basis}" if basis else "price"
        if key in fields:
            self.log.warning(
                number,
                None,
                X12Code.DUPLICATE_PRICE,
                f"a second {basis or 'unqualified'} price ({price}) on the line was ignored.",
            )
            return
        fields[key] = price
        prices.append((basis, price))

    @staticmethod
    def choose_price(fields: dict[str, str], prices: list[tuple[str, str]], order: tuple) -> None:
        if not prices:
            return
        chosen = next(
            (price for basis in order for price in prices if price[0] == basis), prices[0]
        )
        fields["unit_price"] = chosen[1]
        if chosen[0]:
            fields["price_basis"] = chosen[0]

    def references_and_dates(self, segments, fields: dict[str, str]) -> None:
        """REF → ref_<REF01>, DTM → date_<DTM01> (the first of a qualifier wins)."""
        for _, elements in segments:
            segment_id = elements[0]
            if segment_id == "REF":
                qualifier, value = _value(elements, 1), _value(elements, 2)
                if qualifier and value:
                    fields.setdefault(f"ref_{qualifier}", value)
            elif segment_id == "DTM":
                qualifier, value = _value(elements, 1), _dtm_date(elements)
                if qualifier and value:
                    fields.setdefault(f"date_{qualifier}", value)

    def description(self, node: _Node) -> str:
        for _, elements in node.all("PID"):
            text = _value(elements, 5)
            if text:
                return text
        return ""

    def read_beginning(
        self, root: _Node, tag: str, transaction: str, names: tuple[str, ...]
    ) -> None:
        """The beginning segment (BPT, BIA): its elements 1, 2… into the header by ``names``."""
        segment = root.first(tag)
        if segment is None:
            self.log.warning(
                root.number,
                tag,
                X12Code.MISSING_SEGMENT,
                f"the {transaction} has no {tag} segment.",
            )
            return
        _, elements = segment
        for position, name in enumerate(names, start=1):
            value = _value(elements, position)
            if value:
                self.document.header[name] = value

    def copy_header(self, fields: dict[str, str], names: tuple[str, ...]) -> None:
        header = self.document.header
        for name in names:
            value = header.get(name)
            if value:
                fields.setdefault(name, value)


def _copy(party: Party) -> Party:
    """A party of its own for each record (``dataclasses.replace`` is slower)."""
    return Party(
        party.role,
        party.name,
        party.id_qualifier,
        party.id,
        party.address,
        party.city,
        party.region,
        party.postal_code,
        party.country,
        dict(party.references),
    )


def _dtm_date(elements: list[str]) -> str:
    """DTM02, or DTM06 when the date is given with a format qualifier (DTM05 D8, RD8…)."""
    return _value(elements, 2) or _value(elements, 6)


class _Reader867(_TransactionReader):
    table = TABLE_867
    kind = ReportKind.SELL_THROUGH

    def read_header(self, root: _Node) -> None:
        header = self.document.header
        self.read_beginning(
            root,
            "BPT",
            "867",
            ("purpose_code", "document_number", "report_date", "report_type_code"),
        )
        for _, elements in root.all("DTM"):
            qualifier, value = _value(elements, 1), _dtm_date(elements)
            if value and qualifier == REPORT_START:
                header.setdefault("period_start", value)
            elif value and qualifier == REPORT_END:
                header.setdefault("period_end", value)
        currency = root.first("CUR")
        if currency is not None and _value(currency[1], 2):
            header["currency"] = _value(currency[1], 2)
        self.document.parties = self.parties(root.loops("N1"))

    def transfer(self, ptd: _Node) -> dict:
        """What a PTD loop gives each of its lines (computed once per PTD)."""
        if ptd.memo is None:
            head = ptd.head
            fields: dict[str, str] = {}
            transfer_type = _value(head, 1)
            if transfer_type:
                fields["transaction_type"] = transfer_type
            if _value(head, 4) in CONTRACT_REFERENCES and _value(head, 5):
                fields["contract_reference"] = _value(head, 5)
            self.references_and_dates(ptd.segments[1:], fields)
            if "contract_reference" not in fields:
                for qualifier in CONTRACT_REFERENCES:
                    if f"ref_{qualifier}" in fields:
                        fields["contract_reference"] = fields[f"ref_{qualifier}"]
                        break
            ptd.memo = {"fields": fields, "parties": self.parties(ptd.loops("N1"))}
        return ptd.memo

    def read_record_loop(self, node: _Node, parents: list[_Node]) -> None:
        self.record_loops += 1
        root = parents[0]
        self.ensure_header(root)
        ptd = parents[-1]
        transfer = self.transfer(ptd) if ptd.spec.name == "PTD" else {"fields": {}, "parties": {}}
        number, qty = node.segments[0]
        fields: dict[str, str] = {}
        quantity_qualifier = _value(qty, 1)
        quantity = _value(qty, 2)
        unit = self.component(_value(qty, 3))
        if quantity_qualifier:
            fields["quantity_qualifier"] = quantity_qualifier
        if quantity:
            fields["quantity"] = quantity
        else:
            self.log.error(
                number, "QTY02", X12Code.MISSING_ELEMENT, "the line has no quantity (QTY02)."
            )
        if unit:
            fields["unit_of_measure"] = unit
        identifiers: dict[str, str] = {}
        lin = node.first("LIN")
        if lin is None:
            self.log.error(
                number,
                "LIN",
                X12Code.MISSING_SEGMENT,
                "the line (QTY loop) has no LIN segment: the product is not identified.",
            )
        else:
            identifiers = self.identifiers(lin[0], lin[1])
            if _value(lin[1], 1):
                fields["line_number"] = _value(lin[1], 1)
        prices: list[tuple[str, str]] = []
        line_fields: dict[str, str] = {}
        for segment_number, elements in node.segments[1:]:
            segment_id = elements[0]
            if segment_id == "UIT":
                price = _value(elements, 2)
                if price:
                    self.put_price(fields, prices, segment_number, _value(elements, 3), price)
            elif segment_id == "AMT":
                qualifier, amount = _value(elements, 1), _value(elements, 2)
                if qualifier and amount:
                    fields.setdefault(f"amount_{qualifier}", amount)
                    if _value(elements, 3):
                        fields.setdefault(f"amount_{qualifier}_flag", _value(elements, 3))
                    if qualifier in LINE_AMOUNTS:
                        fields.setdefault("amount", amount)
            elif segment_id == "CUR" and _value(elements, 2):
                fields.setdefault("currency", _value(elements, 2))
        self.choose_price(fields, prices, UIT_PRICE_ORDER)
        self.references_and_dates(node.segments[1:], line_fields)
        merged = {**transfer["fields"], **line_fields}
        for source in (line_fields, transfer["fields"]):  # the line's own REF first
            invoice = next(
                (source[f"ref_{q}"] for q in INVOICE_REFERENCES if f"ref_{q}" in source), None
            )
            if invoice is not None:
                fields["invoice_number"] = invoice
                break
        if f"date_{INVOICE_DATE}" in merged:
            fields["invoice_date"] = merged[f"date_{INVOICE_DATE}"]
        for qualifier in CONTRACT_REFERENCES:
            if f"ref_{qualifier}" in line_fields:
                fields["contract_reference"] = line_fields[f"ref_{qualifier}"]
                break
        for name, value in merged.items():
            fields.setdefault(name, value)
        description = self.description(node)
        if description:
            fields["product_description"] = description
        self.copy_header(fields, ("currency", "period_start", "period_end"))
        self.document.records.append(
            SourceRecord(
                kind=ReportKind.SELL_THROUGH,
                location=number,
                fields=fields,
                identifiers=identifiers,
                parties={role: _copy(party) for role, party in transfer["parties"].items()},
                raw=self.raw(node),
            )
        )


class _Reader852(_TransactionReader):
    table = TABLE_852
    kind = None  # an 852 carries both sales and inventory; each record has its own kind
    location = ""

    def read_header(self, root: _Node) -> None:
        header = self.document.header
        xq = root.first("XQ")
        if xq is None:
            self.log.warning(
                root.number, "XQ", X12Code.MISSING_SEGMENT, "the 852 has no XQ segment."
            )
        else:
            _, elements = xq
            action, start, end = _value(elements, 1), _value(elements, 2), _value(elements, 3)
            if action:
                header["report_type_code"] = action
            if start:
                header["period_start"] = start
                header["period_end"] = end or start  # one date: the report covers that day
        self.document.parties = self.parties(root.loops("N1"))
        self.location = self.location_of(self.document.parties, self.header_references(root))

    def read_record_loop(self, node: _Node, parents: list[_Node]) -> None:
        self.record_loops += 1
        self.ensure_header(parents[0])
        number, lin = node.segments[0]
        identifiers = self.identifiers(number, lin)
        common: dict[str, str] = {}
        if _value(lin, 1):
            common["line_number"] = _value(lin, 1)
        description = self.description(node)
        if description:
            common["product_description"] = description
        prices: list[tuple[str, str]] = []
        for segment_number, elements in node.all("CTP"):
            price = _value(elements, 3)
            if price:
                self.put_price(common, prices, segment_number, _value(elements, 2), price)
        self.choose_price(common, prices, CTP_PRICE_ORDER)
        item_quantities: dict[str, tuple[str, str]] = {}
        for segment_number, elements in node.all("QTY"):
            self._quantity(item_quantities, segment_number, elements)

        sales: dict[tuple[str, str], dict[str, str]] = {}  # (code, location) → fields
        inventory: dict[str, dict[str, str]] = {}  # location → fields
        for za in node.loops("ZA"):
            self._activity(za, sales, inventory)
        if not sales and not inventory and not item_quantities:
            self.log.warning(
                number,
                "ZA",
                X12Code.NO_ACTIVITY,
                "the item (LIN loop) reports no activity (no ZA segment, no quantity).",
            )

        raw = self.raw(node)
        for (code, location), activity in sales.items():
            if code == "TS" and ("QS", location) in sales:
                continue  # QS and TS report the same sales: QS is kept
            fields = {"transaction_type": code, **activity}
            if location:
                fields["report_location"] = location
            for name, value in common.items():
                fields.setdefault(name, value)
            self.copy_header(fields, ("period_start", "period_end"))
            # The activity's date: ZA04/05 with qualifier 003 (invoice) or 050 (received),
            # else the last day of the reported period (an 852 reports sales per period).
            date = fields.get("date_003") or fields.get("date_050") or fields.get("period_end")
            if date:
                fields.setdefault("invoice_date", date)
            self._append(ReportKind.SELL_THROUGH, number, fields, identifiers, raw)

        if item_quantities:
            fields = inventory.setdefault(self.location, {})
            self._fill_inventory(fields, item_quantities)
        for location, held in inventory.items():
            if not any(name in held for name in INVENTORY_QUANTITIES):
                continue
            fields = dict(held)
            if location:
                fields["location"] = location
            if self.document.header.get("period_end"):
                fields["as_of_date"] = self.document.header["period_end"]
            for name in ("line_number", "product_description"):
                if name in common:
                    fields[name] = common[name]
            for name, value in common.items():
                if name.startswith("price_") and name != "price_basis":
                    fields.setdefault(name, value)
            self._append(ReportKind.INVENTORY, number, fields, identifiers, raw)

    def _quantity(self, held: dict[str, tuple[str, str]], number: int, elements: list[str]) -> None:
        qualifier, value = _value(elements, 1), _value(elements, 2)
        if not qualifier or not value:
            return
        if qualifier in held:
            self.log.warning(
                number,
                "QTY01",
                X12Code.DUPLICATE_QUANTITY,
                f"a second QTY*{qualifier} ({value}) in the same loop was ignored.",
            )
            return
        held[qualifier] = (value, self.component(_value(elements, 3)))

    @staticmethod
    def _fill_inventory(fields: dict[str, str], quantities: dict[str, tuple[str, str]]) -> None:
        """The LIN-level QTY: inventory fields the ZA segments left empty, else qty_<QTY01>."""
        used: set[str] = set()
        for name, qualifiers in INVENTORY_QUANTITIES.items():
            for qualifier in qualifiers:
                if qualifier in quantities:
                    if name not in fields:
                        fields[name] = quantities[qualifier][0]
                        used.add(qualifier)
                        if quantities[qualifier][1]:
                            fields.setdefault("unit_of_measure", quantities[qualifier][1])
                    break
        for qualifier, (value, _unit) in quantities.items():
            if qualifier not in used:
                fields.setdefault(f"qty_{qualifier}", value)

    def _activity(
        self,
        za: _Node,
        sales: dict[tuple[str, str], dict[str, str]],
        inventory: dict[str, dict[str, str]],
    ) -> None:
        number, head = za.segments[0]
        code = _value(head, 1)
        if not code:
            return  # ZA01 missing: reported by the element check
        quantity = _value(head, 2)
        unit = self.component(_value(head, 3))
        extras: dict[str, str] = {}
        if _value(head, 4) and _value(head, 5):
            extras[f"date_{_value(head, 4)}"] = _value(head, 5)
        if _value(head, 6) and _value(head, 7):
            extras[f"ref_{_value(head, 6)}"] = _value(head, 7)
        for _, elements in za.all("QTY"):
            qualifier, value = _value(elements, 1), _value(elements, 2)
            if qualifier and value:
                extras.setdefault(f"qty_{code}_{qualifier}", value)
                if not quantity:
                    quantity = value
                    unit = unit or self.component(_value(elements, 3))
        amounts: list[tuple[str, str, str]] = []  # (location, quantity, unit)
        for _, elements in za.all("SDQ"):
            sdq_unit = _value(elements, 1) or unit
            for position in range(3, min(len(elements), 23), 2):
                location, value = _value(elements, position), _value(elements, position + 1)
                if location and value:
                    amounts.append((location, value, sdq_unit))
        if not amounts:
            if not quantity:
                self.log.warning(
                    number,
                    "ZA02",
                    X12Code.MISSING_ELEMENT,
                    f"the ZA*{code} activity has no quantity (ZA02, QTY or SDQ).",
                )
                return
            amounts.append((self.location, quantity, unit))
        for location, value, value_unit in amounts:
            if code in ACTIVITY_SALES or code in ACTIVITY_RETURNS:
                key = (code, location)
                if key in sales:
                    self.log.warning(
                        number,
                        "ZA01",
                        X12Code.DUPLICATE_QUANTITY,
                        f"a second ZA*{code} for the same item and location was ignored.",
                    )
                    continue
                fields = {"quantity": value, **extras}
                if value_unit:
                    fields["unit_of_measure"] = value_unit
                sales[key] = fields
                continue
            held = inventory.setdefault(location, {})
            name = ACTIVITY_INVENTORY.get(code)
            if name is None:
                held.setdefault(f"activity_{code}", value)
                for extra, extra_value in extras.items():
                    held.setdefault(extra, extra_value)
                continue
            if name in held:
                self.log.warning(
                    number,
                    "ZA01",
                    X12Code.DUPLICATE_QUANTITY,
                    f"ZA*{code} repeats the {name.replace('_', ' ')} quantity of the item; "
                    "the first was kept.",
                )
                continue
            held[name] = value
            if value_unit:
                held.setdefault("unit_of_measure", value_unit)
            for extra, extra_value in extras.items():
                held.setdefault(extra, extra_value)

    def _append(
        self,
        kind: ReportKind,
        number: int,
        fields: dict[str, str],
        identifiers: dict[str, str],
        raw: str,
    ) -> None:
        self.document.records.append(
            SourceRecord(
                kind=kind,
                location=number,
                fields=fields,
                identifiers=dict(identifiers),
                raw=raw,
            )
        )


class _Reader846(_TransactionReader):
    table = TABLE_846
    kind = ReportKind.INVENTORY
    location = ""

    def read_header(self, root: _Node) -> None:
        header = self.document.header
        self.read_beginning(
            root,
            "BIA",
            "846",
            ("purpose_code", "report_type_code", "document_number", "report_date"),
        )
        if "report_date" in header:
            header["as_of_date"] = header["report_date"]
        if "as_of_date" not in header:
            dates = {_value(e, 1): _dtm_date(e) for _, e in reversed(root.all("DTM"))}
            for qualifier in AS_OF_DATES:
                if dates.get(qualifier):
                    header["as_of_date"] = dates[qualifier]
                    break
        currency = root.first("CUR")
        if currency is not None and _value(currency[1], 2):
            header["currency"] = _value(currency[1], 2)
        self.document.parties = self.parties(root.loops("N1"))
        self.location = self.location_of(self.document.parties, self.header_references(root))

    def read_record_loop(self, node: _Node, parents: list[_Node]) -> None:
        self.record_loops += 1
        self.ensure_header(parents[0])
        number, lin = node.segments[0]
        identifiers = self.identifiers(number, lin)
        fields: dict[str, str] = {}
        if _value(lin, 1):
            fields["line_number"] = _value(lin, 1)
        description = self.description(node)
        if description:
            fields["product_description"] = description
        prices: list[tuple[str, str]] = []
        for segment_number, elements in node.segments[1:]:
            if elements[0] == "CTP" and _value(elements, 3):
                self.put_price(
                    fields, prices, segment_number, _value(elements, 2), _value(elements, 3)
                )
            elif elements[0] == "UIT" and _value(elements, 2):
                self.put_price(
                    fields, prices, segment_number, _value(elements, 3), _value(elements, 2)
                )
        extras: dict[str, str] = {}
        self.references_and_dates(node.segments[1:], extras)
        quantities: dict[str, tuple[str, str]] = {}
        for quantity_loop in node.loops("QTY"):
            segment_number, elements = quantity_loop.segments[0]
            qualifier, value = _value(elements, 1), _value(elements, 2)
            if not qualifier or not value:
                self.log.warning(
                    segment_number,
                    "QTY02",
                    X12Code.MISSING_ELEMENT,
                    f"QTY*{qualifier} has no quantity; it was ignored.",
                )
                continue
            if qualifier in quantities:
                self.log.warning(
                    segment_number,
                    "QTY01",
                    X12Code.DUPLICATE_QUANTITY,
                    f"a second QTY*{qualifier} ({value}) for the item was ignored.",
                )
                continue
            quantities[qualifier] = (value, self.component(_value(elements, 3)))
            self.references_and_dates(quantity_loop.segments[1:], extras)
        _Reader852._fill_inventory(fields, quantities)
        if not any(name in fields for name in INVENTORY_QUANTITIES):
            self.log.warning(
                number,
                "QTY01",
                X12Code.NO_INVENTORY_QUANTITY,
                "the item (LIN loop) has no on-hand, available, on-order, in-transit or "
                "committed quantity.",
            )
        for qualifier in AS_OF_DATES:
            if f"date_{qualifier}" in extras:
                fields["as_of_date"] = extras[f"date_{qualifier}"]
                break
        parties = self.parties(node.loops("N1"))
        location = self.location_of(parties, extras) or self.location
        if location:
            fields["location"] = location
        for name, value in extras.items():
            fields.setdefault(name, value)
        self.copy_header(fields, ("as_of_date",))
        self.document.records.append(
            SourceRecord(
                kind=ReportKind.INVENTORY,
                location=number,
                fields=fields,
                identifiers=identifiers,
                parties=parties,
                raw=self.raw(node),
            )
        )


class _UnsupportedReader(_TransactionReader):
    """A transaction set this reader does not handle (810, 850…): counted, not read."""

    table = loop("unsupported", "ST")

    def read_header(self, root: _Node) -> None:
        return

    def read_record_loop(self, node: _Node, parents: list[_Node]) -> None:
        return

    def finish(self, root: _Node) -> None:
        return


READERS: dict[str, type[_TransactionReader]] = {
    "867": _Reader867,
    "852": _Reader852,
    "846": _Reader846,
}
RECORD_LOOP_NAMES = {"867": "QTY line loops", "852": "LIN item loops", "846": "LIN item loops"}


class _Transaction:
    """One ST..SE: places segments in loops and hands closed record loops to its reader."""

    def __init__(self, reader: _TransactionReader, number: int, elements: list[str]) -> None:
        self.reader = reader
        self.log = reader.log
        self.component = reader.context.delimiters.component
        self.root = _Node(reader.table, number, elements)
        self.stack = [self.root]
        self.count = 1  # segments from ST on
        self.in_detail = False  # a loop holding records has opened: the header is over
        self.unsupported = isinstance(reader, _UnsupportedReader)

    def feed(self, number: int, elements: list[str]) -> None:
        self.count += 1
        if self.unsupported:
            return
        segment_id = elements[0]
        if len(elements) > MAX_COLUMNS + 1:
            self.log.error(
                number,
                segment_id,
                X12Code.TOO_MANY_ELEMENTS,
                f"{segment_id} has {len(elements) - 1:,} elements, over the {MAX_COLUMNS} "
                "allowed; only the first were read.",
            )
            del elements[MAX_COLUMNS + 1 :]
        rule = SEGMENT_RULES.get(segment_id)
        if rule is not None:
            self._check(number, elements, rule)
        stack = self.stack
        depth = len(stack) - 1
        while depth >= 0:
            spec = stack[depth].spec
            child = spec.starts.get(segment_id)
            if child is not None:
                if depth + 1 < len(stack):
                    self._close_above(depth)
                if depth == 0 and child.detail:
                    self.in_detail = True
                stack.append(_Node(child, number, elements))
                return
            if segment_id in spec.segments:
                if depth == 0 and self.in_detail:
                    break  # a header segment among the detail loops
                if depth + 1 < len(stack):
                    self._close_above(depth)
                stack[depth].segments.append((number, elements))
                return
            if depth == 0 and segment_id in spec.trailers:
                self._close_above(0)
                stack[0].segments.append((number, elements))
                return
            depth -= 1
        self._misplaced(number, segment_id)
        stack[-1].segments.append((number, elements))

    def _misplaced(self, number: int, segment_id: str) -> None:
        where = self.stack[-1].spec.name
        transaction = self.reader.table.name
        if segment_id in self.reader.known:
            self.log.warning(
                number,
                segment_id,
                X12Code.UNEXPECTED_SEGMENT,
                f"{segment_id} is not expected here (in the {where} loop of the {transaction}); "
                "it was ignored.",
            )
        elif _SEGMENT_ID.fullmatch(segment_id):
            self.log.warning(
                number,
                segment_id,
                X12Code.UNKNOWN_SEGMENT,
                f"{segment_id} is not a segment of the {transaction} reader's loop table; "
                "it was ignored.",
            )
        else:
            self.log.error(
                number,
                None,
                X12Code.INVALID_SEGMENT_ID,
                f"segment {number} starts with {segment_id[:20]!r}, which is not a segment id "
                "(wrong delimiters, or a segment terminator missing).",
            )

    def _check(self, number: int, elements: list[str], rule: SegmentRule) -> None:
        segment_id = elements[0]
        count = len(elements) - 1
        log = self.log
        if rule.max_elements is not None and count > rule.max_elements:
            log.error(
                number,
                segment_id,
                X12Code.TOO_MANY_ELEMENTS,
                f"{segment_id} has {count} elements where at most {rule.max_elements} are "
                "defined: a segment terminator is probably missing (the next segment ran "
                "into this one).",
            )
        for position in rule.required:
            if position > count or not elements[position].strip():
                name = f"{segment_id}{position:02d}"
                log.error(number, name, X12Code.MISSING_ELEMENT, f"{name} is required but empty.")
        for element in rule.elements:
            position = element.position
            if position > count:
                break
            value = elements[position]
            if not value:
                continue
            if value[0] == " " or value[-1] == " ":
                value = value.strip()
            if element.composite:
                value = value.split(self.component, 1)[0].strip()
            if not value:
                continue
            kind = element.kind
            if (kind == "ID" or kind == "AN") and element.minimum <= len(value) <= element.maximum:
                continue  # the common case, without a call
            problem = _element_problem(element, value)
            if problem is not None:
                code, is_error, expected = problem
                name = f"{segment_id}{position:02d}"
                message = f"{name} is {value[:40]!r}; expected {expected}."
                if is_error:
                    log.error(number, name, code, message)
                else:
                    log.warning(number, name, code, message)

    def _close_above(self, depth: int) -> None:
        stack = self.stack
        while len(stack) > depth + 1:
            node = stack.pop()
            if node.spec.record:
                self.reader.read_record_loop(node, stack)
            else:
                stack[-1].children.append(node)

    def finish(self) -> None:
        self._close_above(0)
        if not self.unsupported:
            self.reader.ensure_header(self.root)
            self.reader.finish(self.root)


class _FileReader:
    """Walks the envelopes: ISA/GS/ST open, SE/GE/IEA close, counts and control numbers."""

    def __init__(self, log: DiagnosticLog, parsed: ParsedFile) -> None:
        self.log = log
        self.parsed = parsed
        self.isa: tuple[int, list[str]] | None = None
        self.gs: tuple[int, list[str]] | None = None
        self.groups = 0  # GS seen in the open interchange
        self.transactions = 0  # ST seen in the open group
        self.transaction: _Transaction | None = None
        self.delimiters: Delimiters | None = None

    def read(self, tokenizer: Tokenizer) -> None:
        log = self.log
        last = 0
        for block in tokenizer.blocks():
            self.delimiters = block.delimiters
            number = block.first_number
            for elements in block.segments:
                if self.transaction is not None and elements[0] not in _ENVELOPE:
                    self.transaction.feed(number, elements)
                else:
                    self.envelope(number, elements)
                number += 1
                if log.stopped:
                    break
            last = number - 1
            if log.stopped:
                break
        self.close_interchange(last)

    # Envelope segments ------------------------------------------------------------------------

    def envelope(self, number: int, elements: list[str]) -> None:
        segment_id = elements[0]
        if segment_id == "ISA":
            if self.isa is not None:
                self.close_interchange(number - 1)
            self.isa = (number, elements)
            self.groups = 0
        elif segment_id == "GS":
            self.close_transaction(number - 1, None)
            if self.gs is not None:
                self.missing(X12Code.MISSING_GE, number - 1, "GE", "functional group")
            self.gs = (number, elements)
            self.transactions = 0
            self.groups += 1
        elif segment_id == "ST":
            self.close_transaction(number - 1, None)
            if self.gs is None:
                self.log.warning(
                    number,
                    "GS",
                    X12Code.MISSING_GS,
                    "this transaction set is not inside a functional group (no GS before it).",
                )
            self.transactions += 1
            self.open_transaction(number, elements)
        elif segment_id == "SE":
            if self.transaction is None:
                self.unexpected_trailer(number, "SE", "ST")
            else:
                self.close_transaction(number, elements)
        elif segment_id == "GE":
            self.close_transaction(number - 1, None)
            if self.gs is None:
                self.unexpected_trailer(number, "GE", "GS")
            else:
                self.check_group(number, elements)
                self.gs = None
        elif segment_id == "IEA":
            self.close_transaction(number - 1, None)
            if self.gs is not None:
                self.missing(X12Code.MISSING_GE, number - 1, "GE", "functional group")
                self.gs = None
            if self.isa is None:
                self.unexpected_trailer(number, "IEA", "ISA")
            else:
                self.check_interchange(number, elements)
                self.isa = None
        elif segment_id == "TA1":
            return  # an interchange acknowledgment: allowed between ISA and GS, not read
        else:
            self.log.error(
                number,
                segment_id[:20] or None,
                X12Code.SEGMENT_OUTSIDE_TRANSACTION,
                f"{segment_id[:20]!r} is outside any transaction set (not between ST and SE); "
                "it was ignored.",
            )

    def unexpected_trailer(self, number: int, trailer: str, header: str) -> None:
        self.log.warning(
            number,
            trailer,
            X12Code.UNEXPECTED_TRAILER,
            f"{trailer} without a matching {header} before it was ignored.",
        )

    def missing(self, code: X12Code, last: int, trailer: str, what: str) -> None:
        self.log.warning(
            last,
            trailer,
            code,
            f"the {what} ending at segment {last} has no {trailer} trailer (the file may be "
            "truncated); what was read is kept.",
        )

    def close_interchange(self, last: int) -> None:
        self.close_transaction(last, None)
        if self.gs is not None:
            self.missing(X12Code.MISSING_GE, last, "GE", "functional group")
            self.gs = None
        if self.isa is not None:
            self.missing(X12Code.MISSING_IEA, last, "IEA", "interchange")
            self.isa = None

    def check_interchange(self, number: int, iea: list[str]) -> None:
        _, isa = self.isa
        declared, control = _value(iea, 1), _value(iea, 2)
        if not _same_control_number(_value(isa, 13), control):
            self.log.warning(
                number,
                "IEA02",
                X12Code.INTERCHANGE_CONTROL_MISMATCH,
                f"IEA02 {control!r} does not match the interchange control number ISA13 "
                f"{_value(isa, 13)!r}.",
            )
        if not _ascii_digits(declared) or int(declared) != self.groups:
            self.log.warning(
                number,
                "IEA01",
                X12Code.GROUP_COUNT_MISMATCH,
                f"IEA01 says {declared!r} functional groups, but the interchange has "
                f"{self.groups}.",
            )

    def check_group(self, number: int, ge: list[str]) -> None:
        _, gs = self.gs
        declared, control = _value(ge, 1), _value(ge, 2)
        if not _same_control_number(_value(gs, 6), control):
            self.log.warning(
                number,
                "GE02",
                X12Code.GROUP_CONTROL_MISMATCH,
                f"GE02 {control!r} does not match the group control number GS06 {_value(gs, 6)!r}.",
            )
        if not _ascii_digits(declared) or int(declared) != self.transactions:
            self.log.warning(
                number,
                "GE01",
                X12Code.TRANSACTION_COUNT_MISMATCH,
                f"GE01 says {declared!r} transaction sets, but the group has {self.transactions}.",
            )

    # Transactions -----------------------------------------------------------------------------

    def open_transaction(self, number: int, st: list[str]) -> None:
        transaction_set = _value(st, 1)
        isa = self.isa[1] if self.isa is not None else []
        gs = self.gs[1] if self.gs is not None else []
        version = _value(gs, 8) or _value(isa, 12)
        reader_class = READERS.get(transaction_set)
        document = Document(
            kind=reader_class.kind if reader_class is not None else None,
            transaction=transaction_set,
            location=number,
            sender=_value(isa, 6),
            receiver=_value(isa, 8),
            control_number=_value(st, 2),
            version=version,
        )
        if reader_class is None:
            self.log.warning(
                number,
                "ST01",
                X12Code.UNSUPPORTED_TRANSACTION,
                f"transaction set {transaction_set[:10]!r} is not read (867, 852 and 846 are); "
                "its segments were skipped.",
            )
            reader_class = _UnsupportedReader
        else:
            numeric = _version_number(version)
            low, high = SUPPORTED_VERSIONS
            if numeric is None or not low <= numeric <= high:
                self.log.warning(
                    number,
                    "GS08",
                    X12Code.UNSUPPORTED_VERSION,
                    f"version {version[:12]!r} is outside 003030-005010; the transaction was "
                    "read as if it were one of those.",
                )
        context = _Context(self.log, self.delimiters, document)
        self.transaction = _Transaction(reader_class(context), number, st)

    def close_transaction(self, last: int, se: list[str] | None) -> None:
        transaction = self.transaction
        if transaction is None:
            return
        self.transaction = None
        transaction.finish()
        document = transaction.reader.document
        self.parsed.documents.append(document)
        if se is None:
            self.log.error(
                last,
                "SE",
                X12Code.MISSING_SE,
                f"transaction set {document.transaction} {document.control_number!r} (from "
                f"segment {document.location}) ends at segment {last} without its SE trailer: "
                "it is incomplete; the records read are kept.",
            )
            return
        count = transaction.count + 1
        declared, control = _value(se, 1), _value(se, 2)
        if not _ascii_digits(declared) or int(declared) != count:
            self.log.warning(
                last,
                "SE01",
                X12Code.SEGMENT_COUNT_MISMATCH,
                f"SE01 says {declared!r} segments, but the transaction set has {count} (ST to SE).",
            )
        if not _same_control_number(document.control_number, control):
            self.log.warning(
                last,
                "SE02",
                X12Code.TRANSACTION_CONTROL_MISMATCH,
                f"SE02 {control!r} does not match the transaction set control number ST02 "
                f"{document.control_number!r}.",
            )


def parse_x12(content: bytes) -> ParsedFile:
    """Read an X12 file of 867, 852 and 846 transaction sets; never raises on bad input."""
    parsed = ParsedFile(format=Format.X12)
    log = DiagnosticLog()
    if len(content) > MAX_FILE_BYTES:
        log.error(
            None,
            None,
            X12Code.FILE_TOO_LARGE,
            f"the file is {len(content):,} bytes, over the {MAX_FILE_BYTES:,} allowed.",
        )
        parsed.diagnostics = log.finish()
        return parsed
    # The reader makes millions of small objects and no reference cycles: the cyclic garbage
    # collector would only rescan them again and again (it costs about a third of the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        tokenizer = Tokenizer(content, log)
        parsed.encoding = tokenizer.encoding
        reader = _FileReader(log, parsed)
        reader.read(tokenizer)
    finally:
        if collecting:
            gc.enable()
    parsed.segment_count = tokenizer.segment_count
    if tokenizer.delimiters:
        parsed.delimiter = tokenizer.delimiters[0].element
    parsed.diagnostics = log.finish()
    return parsed
