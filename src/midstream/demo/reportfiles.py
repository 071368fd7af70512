"""The demo's distributor report files (issue 3, "Demo"): pure writers and the plan.

Distributors report what they sold to resellers (sell-through) and what they hold (inventory)
in whatever their systems produce. This module writes such files as real bytes, in every
format Midstream reads, from plain dataclass lines:

- X12 ``x12_867`` (product transfer and resale), ``x12_852`` (product activity: sales) and
  ``x12_846`` (inventory advice): ISA/GS/ST … SE/GE/IEA with matching control numbers and
  counts, ``*`` element separator, ``~`` terminator, version 004010 or 005010;
- EDIFACT ``edifact_slsrpt`` and ``edifact_invrpt`` (UNA, UNB … UNZ; D96A EANCOM or D01B);
- ``csv_report`` and ``xlsx_report`` with the distributor's own header words, delimiter, date
  format, decimal separator and encoding.

``plan_reports(data)`` (further down) decides, for a generated ``DemoData``, which format each
active distributor sends and what its 24 months of reports hold: sales consistent with the
sell-in it bought, month-end stock, and the defects real reporting has (late, missing, bad
lines, reseller names spelled their own way, corrected re-submissions).

Everything here is pure and deterministic: no Django, no database, no clock.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from midstream.ingest.mapping import MappingSpec, ReturnsConvention, default_spec, format_number

CENT = Decimal("0.01")

# ---------------------------------------------------------------------------- lines


@dataclass(frozen=True, slots=True)
class ResellerRef:
    """A reseller as the distributor names it on a report (its own spelling, its account)."""

    name: str
    account_number: str = ""  # the distributor's customer number for the reseller
    partner_id: str = ""  # the vendor's partner id, when the distributor knows it
    address: str = ""
    city: str = ""
    postal_code: str = ""
    country: str = ""


@dataclass(frozen=True, slots=True)
class SaleLine:
    """One invoice line from a distributor to a reseller; a negative quantity is a return.

    The product is named by any of ``sku`` (the vendor's part number), ``gtin`` and the
    distributor's own ``part_number``; ``unit`` is our unit code (``EA``, ``BX``) or ``""``
    when the report does not state one. ``date_text``, when set, is written instead of
    ``invoice_date`` (a planted impossible date such as 30 February).
    """

    invoice_number: str
    invoice_date: dt.date
    line_number: int
    reseller: ResellerRef
    quantity: int
    unit_price: Decimal
    currency: str
    sku: str = ""
    gtin: str = ""
    part_number: str = ""
    unit: str = ""
    date_text: str = ""

    @property
    def is_return(self) -> bool:
        return self.quantity < 0

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class StockLine:
    """One product at one stock location at month end (quantities in ``unit``)."""

    location: str
    on_hand: int
    available: int | None = None
    on_order: int | None = None
    sku: str = ""
    gtin: str = ""
    part_number: str = ""
    unit: str = ""


@dataclass(frozen=True, slots=True)
class Envelope:
    """Who sends the file to whom, its numbers and dates (inventory is as of ``period_end``)."""

    sender_id: str
    sender_name: str
    receiver_id: str
    receiver_name: str
    control_number: int  # ISA13 / UNB05 interchange reference (1 to 999,999,999)
    document_number: str  # BPT02 / BIA03 / BGM02
    created_at: dt.datetime
    period_start: dt.date
    period_end: dt.date


def _money(value: Decimal) -> str:
    """A price or amount with two decimals, a full stop and no exponent."""
    return format(value.quantize(CENT, rounding=ROUND_HALF_UP), "f")


def _gtin_qualifier(gtin: str) -> str:
    """X12 / EDIFACT type of a GTIN by its length: UPC-A, EAN-13, GTIN-14 (shipping unit)."""
    return {12: "UP", 13: "EN", 14: "UK"}.get(len(gtin), "EN")


# ---------------------------------------------------------------------------- X12

X12_ELEMENT = "*"
X12_TERMINATOR = "~"
X12_UNITS = {"EA": "EA", "BX": "BX"}
X12_FUNCTIONAL_IDS = {"867": "PT", "852": "PD", "846": "IB"}


@dataclass(frozen=True, slots=True)
class X12Style:
    """How a distributor's translator writes X12: version, layout, which ids and roles."""

    version: str = "004010"  # GS08: 004010 or 005010
    line_breaks: bool = False  # a line break after every segment terminator
    component: str = ">"  # ISA16
    reseller_role: str = "BY"  # N101 of the reseller's N1 loop: BY buyer or ST ship-to


def _x12_segment(elements: Sequence[str], style: X12Style) -> str:
    values = list(elements)
    while len(values) > 1 and values[-1] == "":
        values.pop()
    for value in values if values[0] != "ISA" else ():  # ISA16 is the component separator
        for delimiter in (X12_ELEMENT, X12_TERMINATOR, style.component):
            if delimiter in value:
                raise ValueError(f"{value!r} holds the X12 delimiter {delimiter!r}")
    text = X12_ELEMENT.join(values) + X12_TERMINATOR
    return text + "\n" if style.line_breaks else text


def _x12_interchange(
    transaction_set: str,
    transactions: Sequence[list[list[str]]],
    *,
    envelope: Envelope,
    style: X12Style,
) -> bytes:
    """ISA/GS around ST … SE for each body, with every count and control number right."""
    if style.version not in ("004010", "005010"):
        raise ValueError("X12 version 004010 or 005010")
    if not 1 <= envelope.control_number <= 999_999_999:
        raise ValueError("the interchange control number has nine digits")
    created = envelope.created_at
    control = f"{envelope.control_number:09d}"
    group_control = str(envelope.control_number)
    isa = [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        envelope.sender_id[:15].ljust(15),
        "ZZ",
        envelope.receiver_id[:15].ljust(15),
        created.strftime("%y%m%d"),
        created.strftime("%H%M"),
        "U" if style.version == "004010" else "^",  # 00501: ISA11 is the repetition separator
        "00401" if style.version == "004010" else "00501",
        control,
        "0",
        "P",
        style.component,
    ]
    segments = [
        _x12_segment(isa, style),
        _x12_segment(
            [
                "GS",
                X12_FUNCTIONAL_IDS[transaction_set],
                envelope.sender_id,
                envelope.receiver_id,
                created.strftime("%Y%m%d"),
                created.strftime("%H%M"),
                group_control,
                "X",
                style.version,
            ],
            style,
        ),
    ]
    for index, body in enumerate(transactions, start=1):
        number = f"{index:04d}"
        segments.append(_x12_segment(["ST", transaction_set, number], style))
        segments.extend(_x12_segment(elements, style) for elements in body)
        segments.append(_x12_segment(["SE", str(len(body) + 2), number], style))
    segments.append(_x12_segment(["GE", str(len(transactions)), group_control], style))
    segments.append(_x12_segment(["IEA", "1", control], style))
    return "".join(segments).encode("utf-8")


# Text element sizes of the party segments (N102, N301, N401, N403): longer is not X12.
X12_PARTY_LIMITS = (("name", 60), ("address", 55), ("city", 30), ("postal_code", 15))


def _x12_party(role: str, reseller: ResellerRef) -> list[list[str]]:
    """N1 (name; the vendor's partner id when known), N3, N4, REF*IA (the account number)."""
    for name, limit in X12_PARTY_LIMITS:
        if len(getattr(reseller, name)) > limit:
            raise ValueError(f"the reseller's {name} is over the X12 limit of {limit}")
    n1 = ["N1", role, reseller.name]
    if reseller.partner_id:
        n1 += ["ZZ", reseller.partner_id]
    party = [n1]
    if reseller.address:
        party.append(["N3", reseller.address])
    if reseller.city or reseller.postal_code or reseller.country:
        party.append(["N4", reseller.city, "", reseller.postal_code, reseller.country])
    if reseller.account_number:
        party.append(["REF", "IA", reseller.account_number])
    return party


def _x12_lin(line_number: int, sku: str, gtin: str, part_number: str) -> list[str]:
    """LIN01 the line number, then VP (vendor's part = our SKU), the GTIN, BP (buyer's part)."""
    lin = ["LIN", str(line_number)]
    if sku:
        lin += ["VP", sku]
    if gtin:
        lin += [_gtin_qualifier(gtin), gtin]
    if part_number:
        lin += ["BP", part_number]
    if len(lin) == 2:
        raise ValueError("a line names no product")
    return lin


def _x12_unit(unit: str) -> str:
    return X12_UNITS[unit] if unit else ""


def _x12_date(line: SaleLine) -> str:
    return line.date_text or line.invoice_date.strftime("%Y%m%d")


def _currency(lines: Iterable[SaleLine]) -> str:
    currencies = {line.currency for line in lines}
    if len(currencies) > 1:
        raise ValueError(f"one currency per report, not {sorted(currencies)}")
    return next(iter(currencies), "")


def x12_867(lines: Sequence[SaleLine], *, envelope: Envelope, style: X12Style) -> bytes:
    """An 867 product transfer and resale report: one PTD loop per invoice (SS sale, RV return).

    Each PTD carries the reseller's N1 loop (N3/N4 address, REF*IA account number); each line
    is a QTY loop: QTY*32 (quantity sold), LIN (VP/EN/BP ids), UIT (unit price, basis RS
    resale), AMT*1 (line total, negative for a return), REF*IV (invoice) and DTM*003 (date).
    """
    body: list[list[str]] = [
        ["BPT", "00", envelope.document_number, envelope.created_at.strftime("%Y%m%d"), "SS"],
    ]
    currency = _currency(lines)
    if currency:
        body.append(["CUR", "SE", currency])
    body += [
        ["DTM", "090", envelope.period_start.strftime("%Y%m%d")],
        ["DTM", "091", envelope.period_end.strftime("%Y%m%d")],
        ["N1", "DS", envelope.sender_name, "91", envelope.sender_id],
        ["N1", "MF", envelope.receiver_name, "92", envelope.receiver_id],
    ]
    previous: tuple | None = None
    for line in lines:
        key = (line.is_return, line.reseller, line.invoice_number)
        if key != previous:
            previous = key
            body.append(["PTD", "RV" if line.is_return else "SS"])
            body.extend(_x12_party(style.reseller_role, line.reseller))
        unit = _x12_unit(line.unit)
        body += [
            ["QTY", "32", str(abs(line.quantity)), unit],
            _x12_lin(line.line_number, line.sku, line.gtin, line.part_number),
            ["UIT", unit, _money(line.unit_price), "RS"],
            ["AMT", "1", _money(line.amount)],
            ["REF", "IV", line.invoice_number],
            ["DTM", "003", _x12_date(line)],
        ]
    body.append(["CTT", str(len(lines))])
    return _x12_interchange("867", [body], envelope=envelope, style=style)


def x12_852(lines: Sequence[SaleLine], *, envelope: Envelope, style: X12Style) -> bytes:
    """An 852 product activity report of sales: one transaction set per reseller.

    The 852 names its parties in the header, so each reseller's activity is its own ST … SE:
    XQ (the period), N1*RL (the distributor as reporting location), the reseller's N1 loop,
    then one LIN loop per line (LIN01 the invoice line number) with CTP (resale price) and
    ZA*QS (sold) or ZA*QU (returned), the ZA carrying the invoice date (ZA04 003) and number
    (ZA06 IV).
    """
    by_reseller: dict[ResellerRef, list[SaleLine]] = {}
    for line in lines:
        by_reseller.setdefault(line.reseller, []).append(line)
    transactions = []
    for reseller, own in by_reseller.items():
        body: list[list[str]] = [
            [
                "XQ",
                "H",
                envelope.period_start.strftime("%Y%m%d"),
                envelope.period_end.strftime("%Y%m%d"),
            ],
            ["N1", "RL", envelope.sender_name, "91", envelope.sender_id],
            *_x12_party(style.reseller_role, reseller),
        ]
        for line in own:
            unit = _x12_unit(line.unit)
            body += [
                _x12_lin(line.line_number, line.sku, line.gtin, line.part_number),
                ["CTP", "", "RES", _money(line.unit_price)],
                [
                    "ZA",
                    "QU" if line.is_return else "QS",
                    str(abs(line.quantity)),
                    unit,
                    "003",
                    _x12_date(line),
                    "IV",
                    line.invoice_number,
                ],
            ]
        body.append(["CTT", str(len(own))])
        transactions.append(body)
    if not transactions:
        raise ValueError("an 852 needs at least one line")
    return _x12_interchange("852", transactions, envelope=envelope, style=style)


def x12_846(stock: Sequence[StockLine], *, envelope: Envelope, style: X12Style) -> bytes:
    """An 846 inventory advice: one transaction set per stock location.

    BIA (document number, as-of date BIA04 = the period's end), N1*WH (the location), then one
    LIN loop per product with QTY*17 on hand, QTY*33 available and QTY*63 on order.
    """
    by_location: dict[str, list[StockLine]] = {}
    for line in stock:
        by_location.setdefault(line.location, []).append(line)
    transactions = []
    for location, own in by_location.items():
        body: list[list[str]] = [
            [
                "BIA",
                "00",
                "DD",
                envelope.document_number,
                envelope.period_end.strftime("%Y%m%d"),
            ],
            ["N1", "WH", location],
        ]
        for index, line in enumerate(own, start=1):
            unit = _x12_unit(line.unit)
            body.append(_x12_lin(index, line.sku, line.gtin, line.part_number))
            body.append(["QTY", "17", str(line.on_hand), unit])
            if line.available is not None:
                body.append(["QTY", "33", str(line.available), unit])
            if line.on_order is not None:
                body.append(["QTY", "63", str(line.on_order), unit])
        body.append(["CTT", str(len(own))])
        transactions.append(body)
    if not transactions:
        raise ValueError("an 846 needs at least one line")
    return _x12_interchange("846", transactions, envelope=envelope, style=style)


# ---------------------------------------------------------------------------- EDIFACT

EDIFACT_UNITS = {"EA": "PCE", "BX": "BX"}
EDIFACT_RELEASE = "?"
EDIFACT_SPECIALS = ("?", "+", ":", "'")
NAME_COMPONENT = 35  # C080 party name / C059 street: components of at most 35 characters


@dataclass(frozen=True, slots=True)
class EdifactStyle:
    """How a distributor's translator writes EDIFACT."""

    directory: str = "D96A"  # D96A (EANCOM) or D01B (plain UN/EDIFACT)
    decimal_mark: str = "."  # UNA03: "." or ","
    line_breaks: bool = True  # a line break after every segment terminator


def _release(value: str) -> str:
    for special in EDIFACT_SPECIALS:
        value = value.replace(special, EDIFACT_RELEASE + special)
    return value


def _edifact_segment(elements: Sequence[str | Sequence[str]], style: EdifactStyle) -> str:
    """A segment from elements; an element is text or a list of components."""
    parts = []
    for element in elements:
        components = [element] if isinstance(element, str) else list(element)
        while len(components) > 1 and components[-1] == "":
            components.pop()
        parts.append(":".join(_release(component) for component in components))
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return "+".join(parts) + "'" + ("\n" if style.line_breaks else "")


def _edifact_number(value: Decimal | int, style: EdifactStyle) -> str:
    text = _money(value) if isinstance(value, Decimal) else str(value)
    return text.replace(".", style.decimal_mark)


def _chunks(text: str, size: int = NAME_COMPONENT, most: int = 5) -> list[str]:
    """``text`` cut at blanks into components of at most ``size`` characters.

    The reader joins the components with one blank, so a text with single blanks between
    its words comes back exactly.
    """
    words, chunks, current = text.split(" "), [], ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= size or not current:
            current = candidate
        else:
            chunks.append(current)
            current = word
    if current:
        chunks.append(current)
    if len(chunks) > most or any(len(chunk) > size for chunk in chunks):
        raise ValueError(f"{text!r} does not fit {most} components of {size} characters")
    return chunks


def _edifact_interchange(
    message_type: str,
    association: str,
    body: list[list[str | Sequence[str]]],
    *,
    envelope: Envelope,
    style: EdifactStyle,
) -> bytes:
    created = envelope.created_at
    head: list[list[str | Sequence[str]]] = [
        ["UNH", "1", [message_type, "D", style.directory[1:], "UN", *association.split(":")]],
    ]
    message = head + body
    message.append(["UNT", str(len(message) + 1), "1"])
    text = "".join(_edifact_segment(segment, style) for segment in message)
    try:
        text.encode("latin-1")
        syntax, encoding, stamp = ["UNOC", "3"], "latin-1", created.strftime("%y%m%d")
    except UnicodeEncodeError:  # beyond Latin-1: syntax version 4, UTF-8
        syntax, encoding, stamp = ["UNOW", "4"], "utf-8", created.strftime("%Y%m%d")
    reference = str(envelope.control_number)
    unb = [
        "UNB",
        syntax,
        [envelope.sender_id, "ZZ"],
        [envelope.receiver_id, "ZZ"],
        [stamp, created.strftime("%H%M")],
        reference,
    ]
    una = f"UNA:+{style.decimal_mark}? '" + ("\n" if style.line_breaks else "")
    trailer = _edifact_segment(["UNZ", "1", reference], style)
    return (una + _edifact_segment(unb, style) + text + trailer).encode(encoding)


def _edifact_header(
    document_code: str, envelope: Envelope, style: EdifactStyle, *, inventory: bool
) -> list[list[str | Sequence[str]]]:
    header: list[list[str | Sequence[str]]] = [
        ["BGM", document_code, envelope.document_number, "9"],
        ["DTM", ["137", envelope.created_at.strftime("%Y%m%d"), "102"]],
    ]
    if inventory:
        header.append(["DTM", ["366", envelope.period_end.strftime("%Y%m%d"), "102"]])
    else:
        header += [
            ["DTM", ["90", envelope.period_start.strftime("%Y%m%d"), "102"]],
            ["DTM", ["91", envelope.period_end.strftime("%Y%m%d"), "102"]],
        ]
    header += [
        [
            "NAD",
            "GY" if inventory else "SE",
            [envelope.sender_id, "", "92"],
            "",
            _chunks(envelope.sender_name),
        ],
        ["NAD", "SU", [envelope.receiver_id, "", "92"], "", _chunks(envelope.receiver_name)],
    ]
    return header


def _edifact_item(
    line_number: int, sku: str, gtin: str, part_number: str
) -> list[list[str | Sequence[str]]]:
    """LIN (the GTIN as EN/UP item number) and PIA (SA supplier's article, IN buyer's item)."""
    lin: list[str | Sequence[str]] = ["LIN", str(line_number)]
    if gtin:
        lin += ["", [gtin, _gtin_qualifier(gtin)]]
    segments: list[list[str | Sequence[str]]] = [lin]
    pia: list[str | Sequence[str]] = ["PIA", "5"]
    if sku:
        pia.append([sku, "SA"])
    if part_number:
        pia.append([part_number, "IN"])
    if len(pia) > 2:
        segments.append(pia)
    if not (sku or gtin or part_number):
        raise ValueError("a line names no product")
    return segments


def edifact_slsrpt(lines: Sequence[SaleLine], *, envelope: Envelope, style: EdifactStyle) -> bytes:
    """A SLSRPT sales data report: one LOC 162 group per reseller.

    The group's NAD+BY names the reseller (street, city, postal code, country) with RFF+IT
    (the distributor's customer number); each line is LIN/PIA, QTY 153 (negative for a
    return), DTM 356 (the invoice date), PRI AAA (net unit price), MOA 203 (line amount) and
    RFF IV (the invoice number).
    """
    currency = _currency(lines)
    body = _edifact_header("73E", envelope, style, inventory=False)
    if currency:
        body.append(["CUX", ["2", currency, "10"]])
    by_reseller: dict[ResellerRef, list[SaleLine]] = {}
    for line in lines:
        by_reseller.setdefault(line.reseller, []).append(line)
    count = 0
    for reseller, own in by_reseller.items():
        body.append(["LOC", "162", reseller.account_number or reseller.partner_id or "1"])
        nad: list[str | Sequence[str]] = [
            "NAD",
            "BY",
            [reseller.partner_id, "", "92"] if reseller.partner_id else "",
            "",
            _chunks(reseller.name),
            _chunks(reseller.address, most=4) if reseller.address else "",
            reseller.city,
            "",
            reseller.postal_code,
            reseller.country,
        ]
        body.append(nad)
        if reseller.account_number:
            body.append(["RFF", ["IT", reseller.account_number]])
        for line in own:
            count += 1
            unit = EDIFACT_UNITS[line.unit] if line.unit else ""
            body += _edifact_item(line.line_number, line.sku, line.gtin, line.part_number)
            body += [
                ["QTY", ["153", _edifact_number(line.quantity, style), unit]],
                ["DTM", ["356", line.date_text or line.invoice_date.strftime("%Y%m%d"), "102"]],
                ["PRI", ["AAA", _edifact_number(line.unit_price, style)]],
                ["MOA", ["203", _edifact_number(line.amount, style)]],
                ["RFF", ["IV", line.invoice_number]],
            ]
    body += [["UNS", "S"], ["CNT", ["2", str(count)]]]
    association = "EAN004" if style.directory == "D96A" else ""
    return _edifact_interchange("SLSRPT", association, body, envelope=envelope, style=style)


def edifact_invrpt(stock: Sequence[StockLine], *, envelope: Envelope, style: EdifactStyle) -> bytes:
    """An INVRPT inventory report as of the period's end (DTM 366).

    Each line is LIN/PIA, QTY 145 (actual stock), QTY 21 (ordered) and LOC 18 (the
    warehouse). No qualifier of the D96A-D01B code lists means "available to sell", so a
    line with ``available`` cannot be written (``ValueError``).
    """
    body = _edifact_header("35", envelope, style, inventory=True)
    for index, line in enumerate(stock, start=1):
        if line.available is not None:
            raise ValueError("INVRPT has no quantity qualifier for available stock")
        unit = EDIFACT_UNITS[line.unit] if line.unit else ""
        body += _edifact_item(index, line.sku, line.gtin, line.part_number)
        body.append(["QTY", ["145", str(line.on_hand), unit]])
        if line.on_order is not None:
            body.append(["QTY", ["21", str(line.on_order), unit]])
        body.append(["LOC", "18", line.location])
    body += [["UNS", "S"], ["CNT", ["2", str(len(stock))]]]
    association = "EAN008" if style.directory == "D96A" else ""
    return _edifact_interchange("INVRPT", association, body, envelope=envelope, style=style)


# ---------------------------------------------------------------------------- CSV and XLSX

SALE_FIELDS = (
    "invoice_number",
    "invoice_date",
    "line_number",
    "transaction_type",
    "reseller_id",
    "reseller_account_number",
    "reseller_name",
    "reseller_address",
    "reseller_city",
    "reseller_postal_code",
    "reseller_country",
    "sku",
    "distributor_part_number",
    "gtin",
    "quantity",
    "unit_of_measure",
    "unit_price",
    "amount",
    "currency",
)
STOCK_FIELDS = (
    "as_of_date",
    "location",
    "sku",
    "distributor_part_number",
    "gtin",
    "on_hand",
    "available",
    "on_order",
    "unit_of_measure",
)


@dataclass(frozen=True, slots=True)
class TabularLayout:
    """A distributor's own spreadsheet: its header words and its conventions.

    ``columns`` pairs a field (``SALE_FIELDS`` or ``STOCK_FIELDS``) with the header the
    distributor writes for it, in the distributor's order. ``return_code`` set: quantities are
    written unsigned and the ``transaction_type`` column says ``sale_code`` or
    ``return_code``; otherwise a return is a negative quantity. ``unit_words`` are the
    distributor's words for our unit codes. XLSX only: ``typed_cells`` writes numbers and
    dates as Excel numbers and dates (then the reader sees ISO dates), ``sheet`` names the
    worksheet.
    """

    columns: tuple[tuple[str, str], ...]
    delimiter: str = ","
    date_format: str = "%Y-%m-%d"
    decimal_separator: str = "."
    thousands_separator: str = ""
    encoding: str = "utf-8"
    line_terminator: str = "\r\n"
    sale_code: str = ""
    return_code: str = ""
    unit_words: tuple[tuple[str, str], ...] = (("EA", "EA"), ("BX", "BX"))
    typed_cells: bool = False
    sheet: str = "Sheet1"

    def header(self) -> list[str]:
        return [title for _field, title in self.columns]

    def fields(self) -> tuple[str, ...]:
        return tuple(name for name, _title in self.columns)

    def unit_word(self, unit: str) -> str:
        return dict(self.unit_words).get(unit, unit)

    def number(self, value: Decimal) -> str:
        return format_number(
            value.quantize(CENT, rounding=ROUND_HALF_UP),
            decimal_separator=self.decimal_separator,
            thousands_separator=self.thousands_separator,
        )

    def date(self, value: dt.date) -> str:
        return value.strftime(self.date_format)


def _sale_values(line: SaleLine, layout: TabularLayout) -> dict[str, object]:
    """The cells of one sale line by field: text, or int/Decimal/date for typed cells."""
    signed = not layout.return_code
    quantity = line.quantity if signed else abs(line.quantity)
    reseller = line.reseller
    return {
        "invoice_number": line.invoice_number,
        "invoice_date": line.date_text or line.invoice_date,
        "line_number": line.line_number,
        "transaction_type": layout.return_code if line.is_return else layout.sale_code,
        "reseller_id": reseller.partner_id,
        "reseller_account_number": reseller.account_number,
        "reseller_name": reseller.name,
        "reseller_address": reseller.address,
        "reseller_city": reseller.city,
        "reseller_postal_code": reseller.postal_code,
        "reseller_country": reseller.country,
        "sku": line.sku,
        "distributor_part_number": line.part_number,
        "gtin": line.gtin,
        "quantity": quantity,
        "unit_of_measure": layout.unit_word(line.unit) if line.unit else "",
        "unit_price": line.unit_price,
        "amount": line.amount,
        "currency": line.currency,
    }


def _stock_values(line: StockLine, layout: TabularLayout, as_of: dt.date) -> dict[str, object]:
    return {
        "as_of_date": as_of,
        "location": line.location,
        "sku": line.sku,
        "distributor_part_number": line.part_number,
        "gtin": line.gtin,
        "on_hand": line.on_hand,
        "available": line.available,
        "on_order": line.on_order,
        "unit_of_measure": layout.unit_word(line.unit) if line.unit else "",
    }


def _check_layout(layout: TabularLayout, allowed: tuple[str, ...], *, sales: bool) -> None:
    unknown = [name for name in layout.fields() if name not in allowed]
    if unknown:
        raise ValueError(f"unknown columns {unknown}")
    if sales and layout.return_code and "transaction_type" not in layout.fields():
        raise ValueError("a return code needs a transaction_type column")


def _text(value: object, layout: TabularLayout) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return layout.number(value)
    if isinstance(value, dt.date):
        return layout.date(value)
    return str(value)


def _rows(
    lines: Sequence[SaleLine] | None,
    stock: Sequence[StockLine] | None,
    layout: TabularLayout,
    as_of: dt.date | None,
) -> list[list[object]]:
    fields = layout.fields()
    if lines is not None:
        _check_layout(layout, SALE_FIELDS, sales=True)
        values = [_sale_values(line, layout) for line in lines]
    else:
        _check_layout(layout, STOCK_FIELDS, sales=False)
        if as_of is None:
            raise ValueError("an inventory report needs its as-of date")
        values = [_stock_values(line, layout, as_of) for line in stock or ()]
    return [[row[name] for name in fields] for row in values]


def csv_report(
    *,
    layout: TabularLayout,
    lines: Sequence[SaleLine] | None = None,
    stock: Sequence[StockLine] | None = None,
    as_of: dt.date | None = None,
) -> bytes:
    """A CSV of sale ``lines`` or ``stock`` lines (as of ``as_of``) in the distributor's layout.

    Text the layout's encoding cannot hold (a Polish name in a Windows-1252 export) makes the
    file UTF-8 with a byte-order mark instead, as a careful ERP would rather than writing "?".
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=layout.delimiter, lineterminator=layout.line_terminator)
    writer.writerow(layout.header())
    for row in _rows(lines, stock, layout, as_of):
        writer.writerow([_text(value, layout) for value in row])
    text = buffer.getvalue()
    try:
        return text.encode(layout.encoding)
    except UnicodeEncodeError:
        return text.encode("utf-8-sig")


def xlsx_report(
    *,
    layout: TabularLayout,
    lines: Sequence[SaleLine] | None = None,
    stock: Sequence[StockLine] | None = None,
    as_of: dt.date | None = None,
    created: dt.datetime = dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
) -> bytes:
    """An XLSX workbook (XlsxWriter) of sale ``lines`` or ``stock`` lines, header in row 1.

    With ``typed_cells`` numbers and dates are Excel numbers and dates; otherwise every cell
    is text written the way the layout writes it. ``created`` is the workbook's creation
    date (its properties), so the same lines give the same bytes.
    """
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    workbook.set_properties({"created": created.replace(tzinfo=None)})
    sheet = workbook.add_worksheet(layout.sheet)
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "#,##0.00"})
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, layout.header(), bold)
    for row_index, row in enumerate(_rows(lines, stock, layout, as_of), start=1):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            if not layout.typed_cells or isinstance(value, str):
                sheet.write_string(row_index, column, _text(value, layout))
            elif isinstance(value, bool):
                sheet.write_string(row_index, column, str(value))
            elif isinstance(value, int):
                sheet.write_number(row_index, column, value)
            elif isinstance(value, Decimal):
                # An Excel cell holds a binary double; two-decimal amounts come back exactly
                # because the reader rounds cells to 15 significant digits, as Excel shows them.
                sheet.write_number(row_index, column, float(value), money)
            elif isinstance(value, dt.date):
                sheet.write_datetime(row_index, column, dt.datetime.combine(value, dt.time()), day)
            else:
                sheet.write_string(row_index, column, str(value))
    sheet.set_column(0, len(layout.columns) - 1, 16)
    workbook.close()
    return buffer.getvalue()


# ---------------------------------------------------------------------------- the plan

X12_867 = "x12_867"
X12_852 = "x12_852"
EDIFACT = "edifact"
CSV = "csv"
XLSX = "xlsx"
FORMATS = (X12_867, X12_852, EDIFACT, CSV, XLSX)
FORMAT_NAMES = {
    X12_867: "X12 867 (sell-through) and 846 (inventory)",
    X12_852: "X12 852 (sales activity) and 846 (inventory)",
    EDIFACT: "EDIFACT SLSRPT and INVRPT",
    CSV: "CSV in its own layout",
    XLSX: "XLSX in its own layout",
}
# How likely a distributor of a region sends each format (after every format has one).
# The formats distributors of a region send, in turn (after every format has one): X12 867 is
# most of the Americas, EDIFACT and spreadsheets most of Europe, spreadsheets most of APAC.
REGION_FORMATS = {
    "AMER": (X12_867, CSV, X12_867, X12_852, XLSX, X12_867, CSV),
    "EMEA": (EDIFACT, CSV, XLSX, EDIFACT, CSV),
    "APAC": (XLSX, CSV, EDIFACT, XLSX),
}
# The demo logins' distributors: a US broadliner on X12, a German value-added distributor
# with a semicolon-separated, decimal-comma CSV from its ERP.
FIXED_FORMATS = {"NORTHWIND": X12_867, "OSTSEE": CSV}

SELL_THROUGH = "sell_through"
INVENTORY = "inventory"
RECEIVER_ID = "KESTRELNET"
DUE_DAYS = 10  # the demo's reporting obligations: monthly reports due 10 days after the month

# Defect rates (issue 3: "some late, some missing, some with errors").
LATE_RATE = 0.05
MISSING_RATE = 0.03
BAD_LINES_RATE = 0.05
RETURN_RATE = 0.015
RENAMED_SHARE = 0.04  # of a distributor's resellers, written in its own spelling
CORRECTIONS = 2  # sell-through periods re-submitted as a corrected second version
UNKNOWN_SKU_PREFIX = "ZQ"  # no product family uses it

BAD_UNKNOWN_PRODUCT = "unknown_product"
BAD_DATE = "bad_date"
BAD_NEGATIVE_PRICE = "negative_price"
BAD_DUPLICATE = "duplicate_line"

STATUS_COMMITTED = "committed"
STATUS_REJECTED = "rejected"
STATUS_SUPERSEDED = "superseded"
STATUS_DUPLICATE = "duplicate"


@dataclass(frozen=True, slots=True)
class Language:
    """A distributor's spreadsheet dialect: its words and its ERP's export conventions."""

    code: str
    sale_headers: dict[str, str]
    stock_headers: dict[str, str]
    delimiter: str
    date_format: str
    decimal_separator: str
    thousands_separator: str
    encoding: str
    unit_words: tuple[tuple[str, str], ...]
    codes: tuple[str, str] = ("", "")  # (sale, return) in a document-type column
    file_words: tuple[str, str] = ("POS", "Inventory")


def _headers(words: str) -> dict[str, str]:
    """``"field=Header|field=Header"`` → a dict (one line per language keeps the table short)."""
    return dict(item.split("=", 1) for item in words.split("|"))


LANGUAGES = {
    language.code: language
    for language in (
        Language(
            "en_us",
            _headers(
                "invoice_number=Invoice #|invoice_date=Invoice Date|line_number=Line|"
                "transaction_type=Doc Type|reseller_id=Vendor Partner ID|"
                "reseller_account_number=Customer #|reseller_name=Customer Name|"
                "reseller_address=Address|reseller_city=City|reseller_postal_code=Zip|"
                "reseller_country=Country|sku=Mfr Part #|distributor_part_number=Item #|"
                "gtin=UPC|quantity=Qty Shipped|unit_of_measure=UOM|unit_price=Unit Price|"
                "amount=Ext Price|currency=Currency"
            ),
            _headers(
                "as_of_date=As Of|location=Warehouse|sku=Mfr Part #|"
                "distributor_part_number=Item #|gtin=UPC|on_hand=On Hand|available=Available|"
                "on_order=On Order|unit_of_measure=UOM"
            ),
            ",", "%m/%d/%Y", ".", "", "utf-8", (("EA", "EA"), ("BX", "BX")),
        ),
        Language(
            "en_gb",
            _headers(
                "invoice_number=Invoice No|invoice_date=Invoice Date|line_number=Line No|"
                "transaction_type=Type|reseller_id=Partner ID|reseller_account_number=Account No|"
                "reseller_name=Customer|reseller_address=Address|reseller_city=Town|"
                "reseller_postal_code=Postcode|reseller_country=Country|"
                "sku=Manufacturer Part No|distributor_part_number=Stock Code|gtin=EAN|"
                "quantity=Quantity|unit_of_measure=Unit|unit_price=Unit Price|"
                "amount=Net Value|currency=Currency"
            ),
            _headers(
                "as_of_date=Stock Date|location=Depot|sku=Manufacturer Part No|"
                "distributor_part_number=Stock Code|gtin=EAN|on_hand=Physical Stock|"
                "available=Free Stock|on_order=On Order|unit_of_measure=Unit"
            ),
            ",", "%d/%m/%Y", ".", "", "utf-8-sig", (("EA", "EACH"), ("BX", "BOX")),
        ),
        Language(
            "de",
            _headers(
                "invoice_number=Rechnungsnummer|invoice_date=Rechnungsdatum|line_number=Pos.|"
                "transaction_type=Belegart|reseller_id=Partner-ID|"
                "reseller_account_number=Kundennummer|reseller_name=Kunde|"
                "reseller_address=Straße|reseller_city=Ort|reseller_postal_code=PLZ|"
                "reseller_country=Land|sku=Herstellerartikelnummer|"
                "distributor_part_number=Unsere Art.-Nr.|gtin=EAN|quantity=Menge|"
                "unit_of_measure=ME|unit_price=Einzelpreis|amount=Betrag|currency=Währung"
            ),
            _headers(
                "as_of_date=Stichtag|location=Lager|sku=Herstellerartikelnummer|"
                "distributor_part_number=Art.-Nr.|gtin=EAN|on_hand=Bestand|"
                "available=Verfügbar|on_order=Bestellt|unit_of_measure=ME"
            ),
            ";", "%d.%m.%Y", ",", ".", "cp1252", (("EA", "Stk"), ("BX", "Karton")),
            ("RE", "GS"), ("Abverkauf", "Lagerbestand"),
        ),
        Language(
            "fr",
            _headers(
                "invoice_number=N° facture|invoice_date=Date facture|line_number=Ligne|"
                "transaction_type=Type pièce|reseller_id=ID partenaire|"
                "reseller_account_number=Code client|reseller_name=Raison sociale|"
                "reseller_address=Adresse|reseller_city=Ville|reseller_postal_code=Code postal|"
                "reseller_country=Pays|sku=Référence fabricant|"
                "distributor_part_number=Réf. interne|gtin=Code EAN|quantity=Qté|"
                "unit_of_measure=Unité|unit_price=Prix unitaire HT|amount=Montant HT|"
                "currency=Devise"
            ),
            _headers(
                "as_of_date=Date stock|location=Entrepôt|sku=Référence fabricant|"
                "distributor_part_number=Réf. interne|gtin=Code EAN|on_hand=Stock physique|"
                "available=Disponible|on_order=En commande|unit_of_measure=Unité"
            ),
            ";", "%d/%m/%Y", ",", " ", "cp1252", (("EA", "PCE"), ("BX", "CAR")),
            ("FA", "AV"), ("ventes", "stock"),
        ),
        Language(
            "it",
            _headers(
                "invoice_number=Numero fattura|invoice_date=Data fattura|line_number=Riga|"
                "transaction_type=Tipo documento|reseller_id=ID partner|"
                "reseller_account_number=Codice cliente|reseller_name=Ragione sociale|"
                "reseller_address=Indirizzo|reseller_city=Città|reseller_postal_code=CAP|"
                "reseller_country=Paese|sku=Codice produttore|"
                "distributor_part_number=Codice interno|gtin=EAN|quantity=Quantità|"
                "unit_of_measure=UM|unit_price=Prezzo unitario|amount=Importo|currency=Valuta"
            ),
            _headers(
                "as_of_date=Data|location=Magazzino|sku=Codice produttore|"
                "distributor_part_number=Codice interno|gtin=EAN|on_hand=Giacenza|"
                "available=Disponibile|on_order=In ordine|unit_of_measure=UM"
            ),
            ";", "%d/%m/%Y", ",", ".", "utf-8", (("EA", "PZ"), ("BX", "CF")),
            ("", ""), ("vendite", "giacenze"),
        ),
        Language(
            "es",
            _headers(
                "invoice_number=Nº factura|invoice_date=Fecha factura|line_number=Línea|"
                "transaction_type=Tipo|reseller_id=ID socio|"
                "reseller_account_number=Código cliente|reseller_name=Cliente|"
                "reseller_address=Dirección|reseller_city=Población|"
                "reseller_postal_code=Código postal|reseller_country=País|"
                "sku=Referencia fabricante|distributor_part_number=Referencia interna|gtin=EAN|"
                "quantity=Cantidad|unit_of_measure=Unidad|unit_price=Precio unitario|"
                "amount=Importe|currency=Moneda"
            ),
            _headers(
                "as_of_date=Fecha stock|location=Almacén|sku=Referencia fabricante|"
                "distributor_part_number=Referencia interna|gtin=EAN|on_hand=Existencias|"
                "available=Disponible|on_order=En pedido|unit_of_measure=Unidad"
            ),
            ";", "%d/%m/%Y", ",", "", "utf-8", (("EA", "UD"), ("BX", "CAJA")),
            ("", ""), ("ventas", "existencias"),
        ),
        Language(
            "pt",
            _headers(
                "invoice_number=Nº Nota Fiscal|invoice_date=Data Emissão|line_number=Item|"
                "transaction_type=Tipo|reseller_id=ID Parceiro|"
                "reseller_account_number=Código Cliente|reseller_name=Cliente|"
                "reseller_address=Endereço|reseller_city=Cidade|reseller_postal_code=CEP|"
                "reseller_country=País|sku=Código Fabricante|"
                "distributor_part_number=Código Interno|gtin=EAN|quantity=Quantidade|"
                "unit_of_measure=Unidade|unit_price=Preço Unitário|amount=Valor Total|"
                "currency=Moeda"
            ),
            _headers(
                "as_of_date=Data|location=Depósito|sku=Código Fabricante|"
                "distributor_part_number=Código Interno|gtin=EAN|on_hand=Estoque|"
                "available=Disponível|on_order=Em Pedido|unit_of_measure=Unidade"
            ),
            ";", "%d/%m/%Y", ",", ".", "utf-8", (("EA", "UN"), ("BX", "CX")),
            ("", ""), ("vendas", "estoque"),
        ),
        Language(
            "nl",
            _headers(
                "invoice_number=Factuurnummer|invoice_date=Factuurdatum|line_number=Regel|"
                "transaction_type=Soort|reseller_id=Partner-ID|"
                "reseller_account_number=Klantnummer|reseller_name=Klant|"
                "reseller_address=Adres|reseller_city=Plaats|reseller_postal_code=Postcode|"
                "reseller_country=Land|sku=Fabrikant artikelnummer|"
                "distributor_part_number=Eigen artikelnummer|gtin=EAN|quantity=Aantal|"
                "unit_of_measure=Eenheid|unit_price=Stukprijs|amount=Bedrag|currency=Valuta"
            ),
            _headers(
                "as_of_date=Peildatum|location=Magazijn|sku=Fabrikant artikelnummer|"
                "distributor_part_number=Eigen artikelnummer|gtin=EAN|on_hand=Voorraad|"
                "available=Beschikbaar|on_order=In bestelling|unit_of_measure=Eenheid"
            ),
            ";", "%d-%m-%Y", ",", "", "utf-8", (("EA", "ST"), ("BX", "DOOS")),
            ("", ""), ("verkopen", "voorraad"),
        ),
        Language(
            "sv",
            _headers(
                "invoice_number=Fakturanummer|invoice_date=Fakturadatum|line_number=Rad|"
                "transaction_type=Typ|reseller_id=Partner-ID|"
                "reseller_account_number=Kundnummer|reseller_name=Kund|reseller_address=Adress|"
                "reseller_city=Ort|reseller_postal_code=Postnummer|reseller_country=Land|"
                "sku=Tillverkarens artikelnr|distributor_part_number=Eget artikelnr|gtin=EAN|"
                "quantity=Antal|unit_of_measure=Enhet|unit_price=À-pris|amount=Belopp|"
                "currency=Valuta"
            ),
            _headers(
                "as_of_date=Datum|location=Lager|sku=Tillverkarens artikelnr|"
                "distributor_part_number=Eget artikelnr|gtin=EAN|on_hand=I lager|"
                "available=Tillgängligt|on_order=I order|unit_of_measure=Enhet"
            ),
            "\t", "%Y-%m-%d", ",", " ", "utf-8", (("EA", "ST"), ("BX", "KRT")),
            ("", ""), ("forsaljning", "lager"),
        ),
        Language(
            "pl",
            _headers(
                "invoice_number=Nr faktury|invoice_date=Data faktury|line_number=Pozycja|"
                "transaction_type=Typ|reseller_id=ID partnera|reseller_account_number=Kod klienta|"
                "reseller_name=Klient|reseller_address=Adres|reseller_city=Miasto|"
                "reseller_postal_code=Kod pocztowy|reseller_country=Kraj|sku=Kod producenta|"
                "distributor_part_number=Indeks|gtin=EAN|quantity=Ilość|unit_of_measure=J.m.|"
                "unit_price=Cena jedn.|amount=Wartość|currency=Waluta"
            ),
            _headers(
                "as_of_date=Data|location=Magazyn|sku=Kod producenta|"
                "distributor_part_number=Indeks|gtin=EAN|on_hand=Stan|available=Dostępne|"
                "on_order=Zamówione|unit_of_measure=J.m."
            ),
            ";", "%Y-%m-%d", ",", "", "utf-8", (("EA", "SZT"), ("BX", "OP")),
            ("", ""), ("sprzedaz", "stany"),
        ),
        Language(
            "ja",
            _headers(
                "invoice_number=請求書番号|invoice_date=請求日|line_number=行|"
                "transaction_type=区分|reseller_id=パートナーID|reseller_account_number=得意先コード|"
                "reseller_name=得意先名|reseller_address=住所|reseller_city=市区町村|"
                "reseller_postal_code=郵便番号|reseller_country=国|sku=メーカー品番|"
                "distributor_part_number=自社品番|gtin=JANコード|quantity=数量|"
                "unit_of_measure=単位|unit_price=単価|amount=金額|currency=通貨"
            ),
            _headers(
                "as_of_date=在庫日|location=倉庫|sku=メーカー品番|distributor_part_number=自社品番|"
                "gtin=JANコード|on_hand=在庫数|available=引当可能数|on_order=発注残|"
                "unit_of_measure=単位"
            ),
            "\t", "%Y/%m/%d", ".", "", "utf-16", (("EA", "個"), ("BX", "箱")),
            ("", ""), ("sales", "inventory"),
        ),
    )
}  # fmt: skip
COUNTRY_LANGUAGES = {
    "US": "en_us", "CA": "en_us", "MX": "es", "BR": "pt", "GB": "en_gb", "IE": "en_gb",
    "DE": "de", "AT": "de", "FR": "fr", "BE": "nl", "NL": "nl", "IT": "it", "ES": "es",
    "SE": "sv", "PL": "pl", "AU": "en_gb", "NZ": "en_gb", "SG": "en_gb", "JP": "ja",
    "IN": "en_gb",
}  # fmt: skip


@dataclass(frozen=True)
class DistributorLayout:
    """How one distributor reports: its format, ids, conventions and its mapping specs."""

    code: str
    legal_name: str
    region: str
    currency: str
    format: str  # one of FORMATS
    language: str
    product_ids: tuple[str, ...]  # "sku", "gtin", "part_number": which ids its lines carry
    account_numbers: bool  # sends its customer numbers for the resellers
    partner_ids: bool  # knows and sends the vendor's partner ids
    states_units: bool  # every line says its unit of measure
    line_numbers: bool  # every line has its invoice line number
    delivery_day: int  # days after the month end it usually sends its reports
    x12: X12Style | None = None
    edifact: EdifactStyle | None = None
    sales_layout: TabularLayout | None = None
    stock_layout: TabularLayout | None = None

    @property
    def family(self) -> str:
        """The mapping profile's format family (``ingest.choices.FormatFamily``)."""
        return {X12_867: "x12", X12_852: "x12", EDIFACT: "edifact"}.get(self.format, "tabular")

    def tabular(self, kind: str) -> TabularLayout:
        layout = self.sales_layout if kind == SELL_THROUGH else self.stock_layout
        if layout is None:
            raise ValueError(f"{self.code} sends {self.format}, not a spreadsheet")
        return layout

    def mapping_spec(self, kind: str) -> MappingSpec:
        """The ``MappingSpec`` that reads this distributor's reports of ``kind``."""
        base = default_spec(self.family, kind)
        if self.format == X12_852 and kind == SELL_THROUGH:
            # ZA*QU is a return; an 852 has no currency element: the distributor's applies.
            return replace(base, return_codes=("QU",), default_currency=self.currency)
        if self.family != "tabular":
            return base
        layout = self.tabular(kind)
        fields = layout.fields()
        unit_map = {word.upper(): unit for unit, word in layout.unit_words}
        values: dict = {
            "columns": {name: title for name, title in layout.columns},
            "date_format": "%Y-%m-%d" if layout.typed_cells else layout.date_format,
            "decimal_separator": "." if layout.typed_cells else layout.decimal_separator,
            "thousands_separator": "" if layout.typed_cells else layout.thousands_separator,
            "unit_map": unit_map,
        }
        if kind == SELL_THROUGH:
            if "currency" not in fields:
                values["default_currency"] = self.currency
            if layout.return_code:
                values["returns_convention"] = ReturnsConvention.TRANSACTION_TYPE
                values["return_codes"] = (layout.return_code.upper(),)
        return replace(base, **values)


@dataclass(frozen=True)
class PlannedReport:
    """One file a distributor delivers (or delivers again), and what should become of it."""

    distributor_code: str
    kind: str  # SELL_THROUGH or INVENTORY
    period_start: dt.date
    period_end: dt.date
    file_name: str
    delivered_at: dt.datetime
    control_number: int
    sales: tuple[SaleLine, ...] = ()
    stock: tuple[StockLine, ...] = ()
    version: int = 1  # 2: a corrected re-submission of the same period
    late: bool = False
    defects: tuple[str, ...] = ()  # BAD_* codes planted in this file
    error_lines: int = 0  # lines the pipeline rejects (errors)
    expected_status: str = STATUS_COMMITTED
    note: str = ""
    written_at: dt.datetime | None = None  # the file's own date, when not the delivery's
    repeat: bool = False  # the same file sent again (a duplicate upload)

    @property
    def due(self) -> dt.date:
        return self.period_end + dt.timedelta(days=DUE_DAYS)

    @property
    def line_count(self) -> int:
        return len(self.sales) if self.kind == SELL_THROUGH else len(self.stock)


@dataclass
class ReportPlan:
    """Every distributor's layout and every report file, in delivery order."""

    as_of: dt.date
    layouts: dict[str, DistributorLayout] = field(default_factory=dict)
    reports: list[PlannedReport] = field(default_factory=list)
    missing: list[tuple[str, str, dt.date]] = field(default_factory=list)  # never delivered
    not_yet_due: list[tuple[str, str, dt.date]] = field(default_factory=list)
    nothing_to_report: list[tuple[str, str, dt.date]] = field(default_factory=list)
    policies: list[tuple[str, str, str]] = field(default_factory=list)  # code, kind, policy

    def lines(self) -> int:
        return sum(report.line_count for report in self.reports)

    def summary(self) -> dict[str, int]:
        return {
            "distributors": len(self.layouts),
            "report files": len(self.reports),
            "sell-through files": sum(r.kind == SELL_THROUGH for r in self.reports),
            "inventory files": sum(r.kind == INVENTORY for r in self.reports),
            "lines": self.lines(),
            "late": sum(r.late for r in self.reports),
            "missing": len(self.missing),
            "with bad lines": sum(bool(r.defects) for r in self.reports),
            "corrected versions": sum(r.version > 1 for r in self.reports),
        }


def envelope_for(report: PlannedReport, layout: DistributorLayout) -> Envelope:
    kind = "ST" if report.kind == SELL_THROUGH else "INV"
    return Envelope(
        sender_id=layout.code,
        sender_name=layout.legal_name,
        receiver_id=RECEIVER_ID,
        receiver_name="Kestrel Networks Inc.",
        control_number=report.control_number,
        document_number=f"{kind}{report.period_start:%Y%m}-{report.version}",
        created_at=report.written_at or report.delivered_at,
        period_start=report.period_start,
        period_end=report.period_end,
    )


def render(report: PlannedReport, layout: DistributorLayout) -> bytes:
    """The bytes of ``report`` in ``layout``'s format."""
    envelope = envelope_for(report, layout)
    if report.kind == SELL_THROUGH:
        if layout.format == X12_867:
            return x12_867(report.sales, envelope=envelope, style=layout.x12)
        if layout.format == X12_852:
            return x12_852(report.sales, envelope=envelope, style=layout.x12)
        if layout.format == EDIFACT:
            return edifact_slsrpt(report.sales, envelope=envelope, style=layout.edifact)
        if layout.format == CSV:
            return csv_report(layout=layout.tabular(SELL_THROUGH), lines=report.sales)
        return xlsx_report(
            layout=layout.tabular(SELL_THROUGH), lines=report.sales, created=envelope.created_at
        )
    if layout.format in (X12_867, X12_852):
        return x12_846(report.stock, envelope=envelope, style=layout.x12)
    if layout.format == EDIFACT:
        return edifact_invrpt(report.stock, envelope=envelope, style=layout.edifact)
    if layout.format == CSV:
        return csv_report(
            layout=layout.tabular(INVENTORY), stock=report.stock, as_of=report.period_end
        )
    return xlsx_report(
        layout=layout.tabular(INVENTORY),
        stock=report.stock,
        as_of=report.period_end,
        created=envelope.created_at,
    )


def impossible_date(month: dt.date, date_format: str) -> str:
    """30 February of ``month``'s year written with ``date_format``: a date no file may hold."""
    text = date_format
    for directive, value in (
        ("%Y", f"{month.year:04d}"),
        ("%y", f"{month.year % 100:02d}"),
        ("%m", "02"),
        ("%d", "30"),
    ):
        text = text.replace(directive, value)
    return text


# ---------------------------------------------------------------------------- layouts


def _assign_formats(distributors: Sequence) -> dict[str, str]:
    """Each distributor's format: the fixed ones, then every format once (where its region
    sends it), then the region's formats in turn."""
    chosen = {
        row.code: FIXED_FORMATS[row.code] for row in distributors if row.code in FIXED_FORMATS
    }
    turn: dict[str, int] = {}
    for row in distributors:
        if row.code in chosen:
            continue
        options = REGION_FORMATS.get(row.region, FORMATS)
        unused = [name for name in options if name not in chosen.values()]
        if unused:
            chosen[row.code] = unused[0]
            continue
        index = turn.get(row.region, 0)
        chosen[row.code] = options[index % len(options)]
        turn[row.region] = index + 1
    return chosen


def _tabular_layouts(
    language: Language, rng, *, fmt: str, account_numbers: bool, partner_ids: bool,
    product_ids: tuple[str, ...], states_units: bool, line_numbers: bool,
) -> tuple[TabularLayout, TabularLayout]:  # fmt: skip
    words, stock_words = language.sale_headers, language.stock_headers
    codes = language.codes if language.codes[1] else ("", "")
    sale_fields = ["invoice_number", "invoice_date"]
    if line_numbers:
        sale_fields.append("line_number")
    if codes[1]:
        sale_fields.append("transaction_type")
    if partner_ids:
        sale_fields.append("reseller_id")
    if account_numbers:
        sale_fields.append("reseller_account_number")
    sale_fields.append("reseller_name")
    if rng.random() < 0.4:
        sale_fields.append("reseller_address")
    sale_fields += ["reseller_city", "reseller_postal_code", "reseller_country"]
    ids = {"sku": "sku", "gtin": "gtin", "part_number": "distributor_part_number"}
    id_fields = [ids[name] for name in product_ids]
    sale_fields += id_fields
    sale_fields.append("quantity")
    if states_units:
        sale_fields.append("unit_of_measure")
    sale_fields += ["unit_price", "amount"]
    if rng.random() < 0.6:
        sale_fields.append("currency")
    stock_fields = ["as_of_date", "location", *id_fields, "on_hand", "available", "on_order"]
    if states_units:
        stock_fields.append("unit_of_measure")
    typed = fmt == XLSX and rng.random() < 0.6
    common = {
        "delimiter": language.delimiter,
        "date_format": language.date_format,
        "decimal_separator": language.decimal_separator,
        "thousands_separator": language.thousands_separator,
        "encoding": language.encoding,
        "line_terminator": "\r\n" if rng.random() < 0.6 else "\n",
        "unit_words": language.unit_words,
        "typed_cells": typed,
    }
    sales = TabularLayout(
        columns=tuple((name, words[name]) for name in sale_fields),
        sale_code=codes[0],
        return_code=codes[1],
        sheet=language.file_words[0][:31],
        **common,
    )
    stock = TabularLayout(
        columns=tuple((name, stock_words[name]) for name in stock_fields),
        sheet=language.file_words[1][:31],
        **common,
    )
    return sales, stock


def _layout(row, fmt: str, rng) -> DistributorLayout:
    language = LANGUAGES[COUNTRY_LANGUAGES.get(row.country, "en_gb")]
    edi = fmt in (X12_867, X12_852, EDIFACT)
    product_ids = rng.choice(
        [("sku",), ("sku", "gtin"), ("part_number", "sku"), ("sku", "part_number"), ("gtin", "sku")]
    )
    account_numbers = edi or rng.random() < 0.7
    partner_ids = rng.random() < 0.15
    states_units = edi or rng.random() < 0.6
    line_numbers = edi or rng.random() < 0.8
    layout = DistributorLayout(
        code=row.code,
        legal_name=row.legal_name,
        region=row.region,
        currency=row.currency,
        format=fmt,
        language=language.code,
        product_ids=product_ids,
        account_numbers=account_numbers,
        partner_ids=partner_ids,
        states_units=states_units,
        line_numbers=line_numbers,
        delivery_day=rng.randint(2, 7),
    )
    if fmt in (X12_867, X12_852):
        return replace(
            layout,
            x12=X12Style(
                version=rng.choice(["004010", "005010"]),
                line_breaks=rng.random() < 0.5,
                reseller_role=rng.choice(["BY", "BY", "ST"]),
            ),
        )
    if fmt == EDIFACT:
        return replace(
            layout,
            edifact=EdifactStyle(
                directory=rng.choice(["D96A", "D01B"]),
                decimal_mark="," if row.region == "EMEA" and rng.random() < 0.5 else ".",
                line_breaks=rng.random() < 0.7,
            ),
        )
    sales, stock = _tabular_layouts(
        language,
        rng,
        fmt=fmt,
        account_numbers=account_numbers,
        partner_ids=partner_ids,
        product_ids=product_ids,
        states_units=states_units,
        line_numbers=line_numbers,
    )
    return replace(layout, sales_layout=sales, stock_layout=stock)


def file_name(layout: DistributorLayout, kind: str, period_end: dt.date, version: int) -> str:
    suffix = "" if version == 1 else f"_v{version}"
    month = f"{period_end:%Y%m}"
    if layout.format in (X12_867, X12_852):
        transaction = (
            ("867" if layout.format == X12_867 else "852") if kind == SELL_THROUGH else "846"
        )
        return f"{layout.code}_{transaction}_{month}{suffix}.edi"
    if layout.format == EDIFACT:
        message = "SLSRPT" if kind == SELL_THROUGH else "INVRPT"
        return f"{message}_{layout.code}_{month}{suffix}.edi"
    word = LANGUAGES[layout.language].file_words[0 if kind == SELL_THROUGH else 1]
    extension = "csv" if layout.format == CSV else "xlsx"
    return f"{word}_{layout.code}_{period_end:%Y-%m}{suffix}.{extension}"


# ---------------------------------------------------------------------------- simulation


def _business_days(month: dt.date, before: dt.date) -> list[dt.date]:
    day, days = month, []
    while day.month == month.month:
        if day.weekday() < 5 and day < before:
            days.append(day)
        day += dt.timedelta(days=1)
    return days or [month]


def _month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _split(total: int, parts: int, rng) -> list[int]:
    """``total`` as ``parts`` positive integers (random cut points)."""
    parts = max(1, min(parts, total))
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    bounds = [0, *cuts, total]
    return [bounds[index + 1] - bounds[index] for index in range(parts)]


def _respelled(name: str, rng) -> str:
    """A spelling of ``name`` an ERP might hold: a typo, "and" for "&", cut at 24 characters."""
    options = []
    if " & " in name:
        options.append(name.replace(" & ", " and "))
    if len(name) > 26:
        options.append(name[:24].rstrip())
    words = name.split(" ")
    long_words = [index for index, word in enumerate(words) if len(word) >= 5 and word.isalpha()]
    if long_words:
        index = rng.choice(long_words)
        word = words[index]
        position = rng.randrange(1, len(word) - 2)
        swapped = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
        if swapped != word:
            options.append(" ".join([*words[:index], swapped, *words[index + 1 :]]))
    if len(words) > 2:
        options.append(" ".join(words[:-1]))  # the legal form left out
    return rng.choice(options) if options else name


@dataclass
class _Month:
    sales: list[SaleLine]
    stock: list[StockLine]


class _DistributorSim:
    """One distributor's 24 months: stock from its sell-in, sales to its resellers."""

    def __init__(self, layout: DistributorLayout, data, months, rng, context: dict):
        self.layout = layout
        self.rng = rng
        self.months = months
        self.as_of = data.params.as_of
        self.products = context["products"]
        self.factors = context["factors"]
        self.rates = context["rates"]
        self.parts = context["parts"].get(layout.code, {})
        self.receipts = context["receipts"].get(layout.code, {})
        self.customers = []  # (reseller row, supply row, weight)
        for supply in context["supplies"].get(layout.code, []):
            reseller = context["resellers"][supply.partner_id]
            if reseller.status == "active":
                self.customers.append((reseller, supply, rng.paretovariate(1.4)))
        self.renamed: dict[str, str] = {}
        aliases = context["aliases"]
        for reseller, _supply, _weight in self.customers:
            if rng.random() < RENAMED_SHARE:
                known = [
                    alias.alias
                    for alias in aliases.get(reseller.partner_id, [])
                    if alias.distributor_code in (None, layout.code)
                ]
                if known and rng.random() < 0.5:
                    self.renamed[reseller.partner_id] = rng.choice(sorted(known))
                else:
                    self.renamed[reseller.partner_id] = _respelled(reseller.name, rng)
        prefix = rng.choice(["INV", "RE", "F", "", "SI"])
        self.invoice_prefix = prefix
        self.credit_prefix = {"INV": "CN", "RE": "GS", "F": "AV", "": "9", "SI": "SC"}[prefix]
        self.next_invoice = rng.randint(10_000, 800_000)
        self.next_credit = rng.randint(1_000, 90_000)
        tabular = layout.sales_layout
        self.writes_address = tabular is None or "reseller_address" in tabular.fields()

    # references ─────────────────────────────────────────────────────────────────────

    def reseller(self, reseller, supply) -> ResellerRef:
        layout = self.layout
        return ResellerRef(
            name=self.renamed.get(reseller.partner_id, reseller.name),
            account_number=supply.account_number if layout.account_numbers else "",
            partner_id=reseller.partner_id if layout.partner_ids else "",
            address=reseller.address_line if self.writes_address else "",
            city=reseller.city,
            postal_code=reseller.postal_code,
            country=reseller.country,
        )

    def product(self, sku: str, quantities: Iterable[int]) -> tuple[dict[str, str], str, int]:
        """(ids by kind, unit, base units per reported unit) for lines of ``sku``.

        A part number kept in boxes is used only when every quantity is whole boxes; then,
        without a unit column, the line names the part alone so its box unit applies.
        """
        layout = self.layout
        product = self.products[sku]
        part = self.parts.get(sku)
        factor = self.factors.get((sku, "BX"), 0)
        boxed = (
            part is not None
            and part.unit == "BX"
            and "part_number" in layout.product_ids
            and factor > 1
            and all(quantity % factor == 0 for quantity in quantities)
        )
        alone = boxed and not layout.states_units
        ids: dict[str, str] = {}
        for name in layout.product_ids:
            if name == "sku" and not alone:
                ids["sku"] = sku
            elif name == "gtin" and product.gtin and not alone:
                ids["gtin"] = product.gtin
            elif name == "part_number" and part is not None and (part.unit == "EA" or boxed):
                ids["part_number"] = part.part_number
        if not ids:
            ids["sku"] = sku
        unit = ("BX" if boxed else "EA") if layout.states_units else ""
        return ids, unit, factor if boxed else 1

    def price(self, sku: str, month: dt.date) -> Decimal:
        """A resale price around list price, in the distributor's currency."""
        product = self.products[sku]
        rate = self.rates(self.layout.currency, month)
        local = product.list_price / rate
        factor = Decimal(str(round(self.rng.uniform(0.86, 0.99), 3)))
        return (local * factor).quantize(CENT, rounding=ROUND_HALF_UP)

    # months ─────────────────────────────────────────────────────────────────────────

    def run(self) -> dict[dt.date, _Month]:
        stock: dict[tuple[str, str], int] = {}
        returns_due: list[tuple] = []  # (reseller, supply, sku, quantity, price)
        result: dict[dt.date, _Month] = {}
        for index, month in enumerate(self.months):
            for key, quantity in sorted(self.receipts.get(month, {}).items()):
                stock[key] = stock.get(key, 0) + quantity
            end = _month_end(month)
            customers = [entry for entry in self.customers if entry[1].since <= end]
            sold: dict[str, int] = {}
            if customers:
                for key in sorted(stock):
                    held = stock[key]
                    if held <= 0:
                        continue
                    quantity = min(held, max(1, round(held * self.rng.uniform(0.45, 0.75))))
                    stock[key] = held - quantity
                    sold[key[1]] = sold.get(key[1], 0) + quantity
            drafts: list[tuple] = []  # (reseller, supply, sku, base quantity, base price)
            cumulative = list(itertools.accumulate(entry[2] for entry in customers))
            for sku in sorted(sold):
                spread = self.rng.choices((1, 2, 3), weights=(5, 3, 2))[0]
                buyers: list = []
                for entry in self.rng.choices(customers, cum_weights=cumulative, k=spread):
                    if entry not in buyers:
                        buyers.append(entry)
                for (reseller, supply, _w), quantity in zip(
                    buyers, _split(sold[sku], len(buyers), self.rng), strict=False
                ):
                    price = self.price(sku, month)
                    drafts.append((reseller, supply, sku, quantity, price))
                    if index + 1 < len(self.months) and self.rng.random() < RETURN_RATE:
                        returned = max(1, quantity // 4)
                        returns_due.append((reseller, supply, sku, returned, price, index + 1))
            due_now = [item for item in returns_due if item[5] == index]
            returns_due = [item for item in returns_due if item[5] != index]
            for _reseller, _supply, sku, quantity, _price, _when in due_now:
                location = next(
                    (key for key in sorted(stock) if key[1] == sku),
                    (self._any_warehouse(), sku),
                )
                stock[location] = stock.get(location, 0) + quantity
            sales = self.invoices(month, drafts, due_now)
            result[month] = _Month(sales=sales, stock=self.stock_lines(month, index, stock))
        return result

    def _any_warehouse(self) -> str:
        warehouses = sorted({key[0] for receipts in self.receipts.values() for key in receipts})
        return warehouses[0] if warehouses else "Main DC"

    def invoices(self, month: dt.date, drafts: list[tuple], returns: list[tuple]) -> list[SaleLine]:
        days = _business_days(month, self.as_of)
        documents: list[tuple] = []  # (date, is credit, reseller, supply, items)
        by_reseller: dict[str, list[tuple]] = {}
        for draft in drafts:
            by_reseller.setdefault(draft[0].partner_id, []).append(draft)
        for partner_id in sorted(by_reseller):
            items = by_reseller[partner_id]
            self.rng.shuffle(items)
            while items:
                size = self.rng.randint(1, 5)
                chunk, items = items[:size], items[size:]
                documents.append((self.rng.choice(days), False, chunk[0][0], chunk[0][1], chunk))
        for reseller, supply, sku, quantity, price, _when in returns:
            documents.append(
                (
                    self.rng.choice(days),
                    True,
                    reseller,
                    supply,
                    [(reseller, supply, sku, -quantity, price)],
                )
            )
        documents.sort(key=lambda document: (document[0], document[1], document[2].partner_id))
        lines: list[SaleLine] = []
        for day, credit, reseller, supply, items in documents:
            if credit:
                self.next_credit += 1
                number = f"{self.credit_prefix}{self.next_credit:06d}"
            else:
                self.next_invoice += self.rng.randint(1, 3)
                number = f"{self.invoice_prefix}{self.next_invoice:07d}"
            party = self.reseller(reseller, supply)
            for line_number, (_r, _s, sku, quantity, price) in enumerate(items, start=1):
                ids, unit, factor = self.product(sku, [abs(quantity)])
                lines.append(
                    SaleLine(
                        invoice_number=number,
                        invoice_date=day,
                        line_number=line_number,
                        reseller=party,
                        quantity=quantity // factor,
                        unit_price=price * factor,
                        currency=self.layout.currency,
                        sku=ids.get("sku", ""),
                        gtin=ids.get("gtin", ""),
                        part_number=ids.get("part_number", ""),
                        unit=unit,
                    )
                )
        return lines

    def stock_lines(self, month: dt.date, index: int, stock: dict) -> list[StockLine]:
        upcoming = (
            self.receipts.get(self.months[index + 1], {}) if index + 1 < len(self.months) else {}
        )
        lines = []
        for warehouse, sku in sorted(stock):
            on_hand = stock[(warehouse, sku)]
            if on_hand <= 0:
                continue
            on_order = upcoming.get((warehouse, sku), 0)
            committed = round(on_hand * self.rng.uniform(0, 0.2))
            available = None if self.layout.format == EDIFACT else on_hand - committed
            quantities = [on_hand, on_order] + ([available] if available is not None else [])
            ids, unit, factor = self.product(sku, quantities)
            lines.append(
                StockLine(
                    location=warehouse,
                    on_hand=on_hand // factor,
                    available=None if available is None else available // factor,
                    on_order=on_order // factor,
                    sku=ids.get("sku", ""),
                    gtin=ids.get("gtin", ""),
                    part_number=ids.get("part_number", ""),
                    unit=unit,
                )
            )
        return lines


# ---------------------------------------------------------------------------- defects


def _unknown_ids(layout: DistributorLayout, rng) -> dict[str, str]:
    """A product id the catalogue does not know, of a kind the distributor's lines carry."""
    if "part_number" in layout.product_ids and rng.random() < 0.6:
        return {"part_number": f"{layout.code[:4]}-NEW-{rng.randint(1000, 9999)}"}
    return {"sku": f"{UNKNOWN_SKU_PREFIX}-{rng.randint(1000, 9999)}-{rng.randint(1, 9):02d}"}


def _date_format(layout: DistributorLayout, kind: str) -> str:
    if layout.family != "tabular" or layout.tabular(kind).typed_cells:
        return "%Y%m%d" if layout.family != "tabular" else "%Y-%m-%d"
    return layout.tabular(kind).date_format


def _bad_sales(
    lines: list[SaleLine], layout: DistributorLayout, month: dt.date, rng, defects: Sequence[str]
) -> tuple[list[SaleLine], int]:
    """``lines`` with ``defects`` planted on distinct lines; returns them and the error count."""
    lines = list(lines)
    errors = 0
    targets = rng.sample(range(len(lines)), min(len(defects), len(lines)))
    duplicates = []
    for defect, index in zip(defects, targets, strict=False):
        line = lines[index]
        if defect == BAD_UNKNOWN_PRODUCT:
            ids = _unknown_ids(layout, rng)
            lines[index] = replace(
                line,
                sku=ids.get("sku", ""),
                gtin="",
                part_number=ids.get("part_number", ""),
                unit="EA" if line.unit else "",
            )
            errors += 1
        elif defect == BAD_DATE:
            text = impossible_date(month, _date_format(layout, SELL_THROUGH))
            lines[index] = _with(line, date_text=text)
            errors += 1
        elif defect == BAD_NEGATIVE_PRICE:
            lines[index] = _with(line, unit_price=-line.unit_price)
            errors += 1
        elif defect == BAD_DUPLICATE:
            duplicates.append(index)
            # Same invoice and line number: an error; without line numbers only a warning.
            errors += 1 if layout.line_numbers else 0
    for index in sorted(duplicates, reverse=True):
        lines.insert(index + 1, lines[index])
    return lines, errors


def _with(item, **changes):
    return replace(item, **changes)


def _bad_stock(
    stock: list[StockLine], layout: DistributorLayout, rng
) -> tuple[list[StockLine], tuple[str, ...]]:
    stock = list(stock)
    index = rng.randrange(len(stock))
    if rng.random() < 0.6:
        ids = _unknown_ids(layout, rng)
        stock[index] = _with(
            stock[index],
            sku=ids.get("sku", ""),
            gtin="",
            part_number=ids.get("part_number", ""),
            unit="EA" if stock[index].unit else "",
        )
        return stock, (BAD_UNKNOWN_PRODUCT,)
    stock.insert(index + 1, stock[index])
    return stock, (BAD_DUPLICATE,)


# ---------------------------------------------------------------------------- the plan


def plan_reports(data) -> ReportPlan:
    """The demo's report files for ``data`` (a ``generator.DemoData``), deterministic.

    Every active distributor that bought in the window reports each month from its first
    sell-in month on: a sell-through file and a month-end inventory file, due ten days after
    the month. Files a distributor would send on or after ``as_of`` are not in the plan.
    """
    import random

    from midstream.demo.generator import sellin_months

    params = data.params
    months = sellin_months(params)
    plan = ReportPlan(as_of=params.as_of)
    context = _context(data)
    trading = [
        row
        for row in data.distributors
        if row.status == "active" and row.code in context["receipts"]
    ]
    rng = random.Random(f"{params.seed}:reports")
    formats = _assign_formats(trading)
    clean: dict[tuple[str, str, dt.date], PlannedReport] = {}
    for row in trading:
        own = random.Random(f"{params.seed}:reports:{row.code}")
        layout = _layout(row, formats[row.code], own)
        plan.layouts[row.code] = layout
        simulated = _DistributorSim(layout, data, months, own, context).run()
        first = min(context["receipts"][row.code])
        for month in months:
            if month < first:
                continue
            for kind in (SELL_THROUGH, INVENTORY):
                report = _deliver(layout, kind, month, simulated[month], own, plan)
                if report is not None:
                    clean[(row.code, kind, month)] = report[1]
                    plan.reports.extend(report[0])
    _plant_corrections(plan, clean, rng)
    _plant_strict_policy(plan, clean, rng)
    _plant_duplicate_upload(plan, rng)
    plan.reports.sort(key=lambda r: (r.delivered_at, r.distributor_code, r.kind, r.version))
    _number_interchanges(plan, params.seed)
    expect_outcomes(plan)
    return plan


def _context(data) -> dict:
    rates = {(row.currency, row.valid_from): row.rate for row in data.exchange_rates}
    first_rate = {}
    for currency, month in rates:
        first_rate[currency] = min(month, first_rate.get(currency, month))

    def usd_per_unit(currency: str, month: dt.date) -> Decimal:
        if currency == "USD":
            return Decimal(1)
        return rates[(currency, max(month.replace(day=1), first_rate[currency]))]

    receipts: dict[str, dict[dt.date, dict[tuple[str, str], int]]] = {}
    for row in data.sellin:
        month = row.invoice_date.replace(day=1)
        bucket = receipts.setdefault(row.distributor_code, {}).setdefault(month, {})
        key = (row.ship_to_warehouse, row.sku)
        bucket[key] = bucket.get(key, 0) + row.quantity
    parts: dict[str, dict[str, object]] = {}
    for row in data.part_numbers:
        parts.setdefault(row.distributor_code, {}).setdefault(row.sku, row)
    supplies: dict[str, list] = {}
    for row in data.supplies:
        supplies.setdefault(row.distributor_code, []).append(row)
    aliases: dict[str, list] = {}
    for row in data.aliases:
        aliases.setdefault(row.partner_id, []).append(row)
    return {
        "products": {row.sku: row for row in data.products},
        "factors": {(row.sku, row.unit): row.factor for row in data.conversions},
        "rates": usd_per_unit,
        "receipts": receipts,
        "parts": parts,
        "supplies": supplies,
        "resellers": {row.partner_id: row for row in data.resellers},
        "aliases": aliases,
    }


def _at(day: dt.date, rng) -> dt.datetime:
    return dt.datetime(
        day.year, day.month, day.day, rng.randint(6, 18), rng.randrange(60), tzinfo=dt.UTC
    )


def _deliver(
    layout: DistributorLayout, kind: str, month: dt.date, simulated: _Month, rng, plan: ReportPlan
) -> tuple[list[PlannedReport], PlannedReport] | None:
    """The file(s) for one month and kind, and the clean report (for corrections)."""
    end = _month_end(month)
    key = (layout.code, kind, month)
    sales = simulated.sales if kind == SELL_THROUGH else []
    stock = simulated.stock if kind == INVENTORY else []
    if not (sales or stock):
        plan.nothing_to_report.append(key)  # no sale, or no stock left: no file
        return None
    late = rng.random() < LATE_RATE
    if late:
        day = end + dt.timedelta(days=DUE_DAYS + rng.randint(3, 20))
    else:
        day = end + dt.timedelta(days=layout.delivery_day + rng.randint(-1, 1))
    missing = rng.random() < MISSING_RATE
    bad = rng.random() < BAD_LINES_RATE
    delivered = _at(day, rng)
    if day >= plan.as_of:
        plan.not_yet_due.append(key)
        return None
    if missing:
        plan.missing.append(key)
        return None
    report = PlannedReport(
        distributor_code=layout.code,
        kind=kind,
        period_start=month,
        period_end=end,
        file_name=file_name(layout, kind, end, 1),
        delivered_at=delivered,
        control_number=0,
        sales=tuple(sales),
        stock=tuple(stock),
        late=late,
    )
    if not bad:
        return [report], report
    if kind == SELL_THROUGH:
        defects = tuple(
            rng.choice([BAD_UNKNOWN_PRODUCT, BAD_DATE, BAD_NEGATIVE_PRICE, BAD_DUPLICATE])
            for _ in range(rng.randint(1, 3))
        )
        lines, errors = _bad_sales(list(sales), layout, month, rng, defects)
        flawed = _with(report, sales=tuple(lines), defects=defects, error_lines=errors)
        return [flawed], report
    lines, defects = _bad_stock(list(stock), layout, rng)
    flawed = _with(
        report, stock=tuple(lines), defects=defects, error_lines=1, note="rejected: resent"
    )
    # The whole inventory file is rejected (the default policy); the distributor fixes it.
    resent = _with(
        report,
        file_name=file_name(layout, kind, end, 2),
        delivered_at=_at(day + dt.timedelta(days=rng.randint(1, 3)), rng),
        version=2,
        note="corrected after the rejection",
    )
    if resent.delivered_at.date() >= plan.as_of:
        return [flawed], report
    return [flawed, resent], report


def _policy(plan: ReportPlan, code: str, kind: str) -> str:
    for own_code, own_kind, policy in plan.policies:
        if (own_code, own_kind) == (code, kind):
            return policy
    return "quarantine" if kind == SELL_THROUGH else "reject_file"


def _resend(report: PlannedReport, layout: DistributorLayout, clean: PlannedReport, rng, note: str):
    """The clean version of ``report``'s period, sent a few days after it."""
    return replace(
        clean,
        file_name=file_name(layout, report.kind, report.period_end, report.version + 1),
        delivered_at=_at(report.delivered_at.date() + dt.timedelta(days=rng.randint(2, 6)), rng),
        version=report.version + 1,
        late=False,
        note=note,
    )


def _plant_corrections(plan: ReportPlan, clean: dict, rng) -> None:
    """Two sell-through periods sent again, corrected: the second version supersedes the first.

    Files with quarantined bad lines are corrected first (the corrections file, fixed and
    sent back); without enough of them, a first version that left out the month's last
    invoices is completed.
    """

    def key(report):
        return (report.distributor_code, report.kind, report.period_start)

    def eligible(report):
        return report.kind == SELL_THROUGH and report.version == 1 and not report.repeat

    flawed = [r for r in plan.reports if eligible(r) and r.error_lines]
    chosen: list[PlannedReport] = []
    for report in rng.sample(flawed, len(flawed)):
        if len(chosen) < CORRECTIONS and report.distributor_code not in {
            c.distributor_code for c in chosen
        }:
            chosen.append(report)
    corrections = []
    for report in chosen:
        layout = plan.layouts[report.distributor_code]
        resent = _resend(report, layout, clean[key(report)], rng, "corrected re-submission")
        if resent.delivered_at.date() < plan.as_of:
            corrections.append(resent)
    if len(corrections) < CORRECTIONS:
        whole = [
            r
            for r in plan.reports
            if eligible(r) and not r.defects and len(r.sales) >= 10 and not r.late
            and r.distributor_code not in {c.distributor_code for c in corrections}
        ]  # fmt: skip
        for report in rng.sample(whole, len(whole)):
            if len(corrections) >= CORRECTIONS:
                break
            layout = plan.layouts[report.distributor_code]
            last_day = max(line.invoice_date for line in report.sales)
            partial = tuple(line for line in report.sales if line.invoice_date < last_day)
            if not partial:
                continue
            resent = _resend(report, layout, report, rng, "complete re-submission")
            if resent.delivered_at.date() >= plan.as_of:
                continue
            index = plan.reports.index(report)
            plan.reports[index] = replace(
                report, sales=partial, note=f"left out the invoices of {last_day.isoformat()}"
            )
            corrections.append(resent)
    plan.reports.extend(corrections)


def _plant_strict_policy(plan: ReportPlan, clean: dict, rng) -> None:
    """One distributor whose bad sell-through files are rejected whole, then sent again fixed."""
    corrected = {
        r.distributor_code for r in plan.reports if r.version > 1 and r.kind == SELL_THROUGH
    }
    candidates = sorted(
        code
        for code in plan.layouts
        if code not in FIXED_FORMATS
        and code not in corrected
        and sum(r.distributor_code == code and r.kind == SELL_THROUGH for r in plan.reports) >= 4
    )
    if not candidates:
        return
    code = rng.choice(candidates)
    layout = plan.layouts[code]
    plan.policies.append((code, SELL_THROUGH, "reject_file"))
    own = [r for r in plan.reports if r.distributor_code == code and r.kind == SELL_THROUGH]
    if not any(r.error_lines for r in own):
        options = [r for r in own if len(r.sales) >= 10 and not r.repeat]
        if not options:
            return
        report = rng.choice(options[:-1] or options)
        lines, errors = _bad_sales(
            list(report.sales), layout, report.period_start, rng, (BAD_UNKNOWN_PRODUCT,)
        )
        plan.reports[plan.reports.index(report)] = replace(
            report, sales=tuple(lines), defects=(BAD_UNKNOWN_PRODUCT,), error_lines=errors
        )
    for report in [r for r in plan.reports if r.distributor_code == code]:
        if report.kind != SELL_THROUGH or not report.error_lines:
            continue
        key = (code, SELL_THROUGH, report.period_start)
        resent = _resend(report, layout, clean[key], rng, "corrected after the rejection")
        if resent.delivered_at.date() < plan.as_of:
            plan.reports.append(resent)


def _plant_duplicate_upload(plan: ReportPlan, rng) -> None:
    """One sell-through file sent twice, byte for byte: recognised, never counted twice."""
    periods = {}
    for report in plan.reports:
        key = (report.distributor_code, report.kind, report.period_start)
        periods[key] = periods.get(key, 0) + 1
    options = [
        r
        for r in plan.reports
        if r.kind == SELL_THROUGH and not r.defects and r.version == 1
        and periods[(r.distributor_code, r.kind, r.period_start)] == 1
        and (r.delivered_at + dt.timedelta(days=1)).date() < plan.as_of
    ]  # fmt: skip
    if not options:
        return
    report = rng.choice(options)
    plan.reports.append(
        replace(
            report,
            written_at=report.delivered_at,
            delivered_at=report.delivered_at + dt.timedelta(days=1, hours=1),
            repeat=True,
            note="the same file sent again",
        )
    )


def _number_interchanges(plan: ReportPlan, seed: int) -> None:
    """Interchange control numbers: each distributor's own sequence, in delivery order."""
    import random

    counters: dict[str, int] = {}
    numbered: list[PlannedReport] = []
    originals: dict[tuple, PlannedReport] = {}
    for report in plan.reports:
        key = (report.distributor_code, report.kind, report.period_start, report.version)
        if report.repeat:
            original = originals[key]
            numbered.append(replace(report, control_number=original.control_number))
            continue
        code = report.distributor_code
        if code not in counters:
            counters[code] = random.Random(f"{seed}:interchange:{code}").randint(100, 90_000)
        counters[code] += 1
        numbered.append(replace(report, control_number=counters[code]))
        originals[key] = numbered[-1]
    plan.reports[:] = numbered


def expect_outcomes(plan: ReportPlan) -> None:
    """What the pipeline should make of each file, in delivery order."""
    active: dict[tuple, int] = {}
    expected: list[PlannedReport] = []
    for report in plan.reports:
        key = (report.distributor_code, report.kind, report.period_start)
        if report.repeat:
            status = STATUS_DUPLICATE
        elif report.error_lines and _policy(plan, report.distributor_code, report.kind) == (
            "reject_file"
        ):
            status = STATUS_REJECTED
        else:
            status = STATUS_COMMITTED
            if key in active:
                previous = expected[active[key]]
                expected[active[key]] = replace(previous, expected_status=STATUS_SUPERSEDED)
            active[key] = len(expected)
        expected.append(replace(report, expected_status=status))
    plan.reports[:] = expected
