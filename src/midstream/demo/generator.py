"""The demo data set (issue 2, "Demo data"): pure, seeded generation of plain rows.

``generate(params)`` returns a ``DemoData`` of frozen dataclasses. It touches no database and
reads no clock: everything follows from ``params`` (seed, sizes and the ``as_of`` date), so the
same parameters always give the same rows (``DemoData.digest()`` proves it). ``loader.py``
writes the rows; ``sellin_csv`` turns the sell-in rows into the vendor's sell-in export, which
the loader imports through the sales service like any other file.

Each part draws from its own random stream (``random.Random("<seed>:<part>")``), so changing
one size leaves the other parts' early rows alone.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import hashlib
import io
import itertools
import math
import random
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from midstream.agreements.calc import DiscountTerm, VersionTerms, version_in_force
from midstream.core.calc import months_between
from midstream.demo.reference import (
    CONTACT_TITLES,
    COUNTRIES,
    COUNTRY_BY_CODE,
    FAMILIES,
    ONBOARDING_CHECKLIST,
    STYLES,
    Country,
    FamilySpec,
)
from midstream.partners.calc import (
    ACTIVE,
    ONBOARDING,
    PROSPECT,
    SUSPENDED,
    TERMINATED,
)
from midstream.sales.importing import FIELDS as SELLIN_FIELDS

DEFAULT_SEED = 2026
BASE_DISTRIBUTORS = 25
BASE_RESELLERS = 3000
BASE_PRODUCTS = 400
DEFAULT_MONTHS = 24
MAX_MONTHS = 120

DEMO_PASSWORD = "midstream-demo"  # noqa: S105 - the documented demo login, not a secret
VENDOR_NAME = "Kestrel Networks Inc."
REPORTING_CURRENCY = "USD"
FISCAL_YEAR_START_MONTH = 7  # fiscal year July to June: FY2026 runs 2025-07-01 … 2026-06-30
GTIN_COMPANY_PREFIX = 614141  # GS1's documentation example prefix: never a real company's

CENT = Decimal("0.01")
HALF = Decimal("0.5")
TRADING = (ACTIVE, SUSPENDED)  # statuses of distributors that have bought from the vendor

# Sell-in by calendar month: quarter ends of a July fiscal year (Sep, Dec, Mar, Jun) push,
# the month after each quarter end is slow, December adds the calendar-year budget flush.
SEASONALITY = {
    1: 0.82, 2: 0.90, 3: 1.10, 4: 0.88, 5: 0.96, 6: 1.24,
    7: 0.84, 8: 0.88, 9: 1.08, 10: 0.95, 11: 1.05, 12: 1.22,
}  # fmt: skip


# ---------------------------------------------------------------------------- parameters


@dataclass(frozen=True, slots=True)
class DemoParams:
    as_of: dt.date
    seed: int = DEFAULT_SEED
    distributors: int = BASE_DISTRIBUTORS
    resellers: int = BASE_RESELLERS
    products: int = BASE_PRODUCTS
    months: int = DEFAULT_MONTHS

    @classmethod
    def build(
        cls,
        *,
        as_of: dt.date,
        seed: int = DEFAULT_SEED,
        scale: float = 1.0,
        distributors: int | None = None,
        resellers: int | None = None,
        products: int | None = None,
        months: int | None = None,
    ) -> DemoParams:
        """Sizes from ``scale`` (1.0 = 25 distributors, 3,000 resellers, 400 products),
        each overridden by an explicit count. Months do not scale: 24 unless given."""
        if not math.isfinite(scale) or scale <= 0:
            raise ValueError("scale must be a positive number")
        params = cls(
            as_of=as_of,
            seed=seed,
            distributors=(
                distributors
                if distributors is not None
                else max(2, round(BASE_DISTRIBUTORS * scale))
            ),
            resellers=resellers if resellers is not None else round(BASE_RESELLERS * scale),
            products=products if products is not None else max(1, round(BASE_PRODUCTS * scale)),
            months=months if months is not None else DEFAULT_MONTHS,
        )
        params.validate()
        return params

    def validate(self) -> None:
        if self.distributors < 2:
            raise ValueError("at least 2 distributors (the demo logins belong to two)")
        if self.resellers < 0:
            raise ValueError("resellers cannot be negative")
        if self.products < 1:
            raise ValueError("at least 1 product")
        if not 0 <= self.months <= MAX_MONTHS:
            raise ValueError(f"months must be 0..{MAX_MONTHS}")

    def describe(self) -> str:
        return (
            f"seed {self.seed}, as of {self.as_of.isoformat()}, {self.distributors} distributors,"
            f" {self.resellers} resellers, {self.products} products, {self.months} months"
        )


# ---------------------------------------------------------------------------- rows


@dataclass(frozen=True, slots=True)
class VendorSettingsRow:
    vendor_name: str
    reporting_currency: str
    fiscal_year_start_month: int


@dataclass(frozen=True, slots=True)
class ExchangeRateRow:
    currency: str
    valid_from: dt.date
    rate: Decimal  # US dollars per one unit of ``currency``


@dataclass(frozen=True, slots=True)
class DistributorRow:
    code: str
    legal_name: str
    country: str
    region: str
    currency: str
    program_track: str
    status: str
    status_changed_at: dt.datetime
    website: str
    notes: str


@dataclass(frozen=True, slots=True)
class StatusChangeRow:
    distributor_code: str
    from_status: str  # "" for the row that created the distributor
    to_status: str
    at: dt.datetime
    reason: str


@dataclass(frozen=True, slots=True)
class TerritoryRow:
    distributor_code: str
    region: str
    country: str  # "" = the whole region
    exclusive: bool


@dataclass(frozen=True, slots=True)
class ContactRow:
    distributor_code: str
    name: str
    title: str
    email: str
    phone: str
    is_primary: bool
    receives_reminders: bool


@dataclass(frozen=True, slots=True)
class OnboardingItemRow:
    distributor_code: str
    item: str
    owner_username: str
    due_date: dt.date
    done_date: dt.date | None
    position: int


@dataclass(frozen=True, slots=True)
class ObligationRow:
    distributor_code: str
    report_type: str
    frequency: str
    due_days: int
    active_from: dt.date
    active_to: dt.date | None


@dataclass(frozen=True, slots=True)
class FamilyRow:
    code: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class ProductRow:
    sku: str
    gtin: str | None
    description: str
    family_code: str
    unit_of_measure: str
    list_price: Decimal
    currency: str
    status: str


@dataclass(frozen=True, slots=True)
class ConversionRow:
    sku: str
    unit: str
    factor: int


@dataclass(frozen=True, slots=True)
class PartNumberRow:
    distributor_code: str
    part_number: str
    sku: str
    unit: str


@dataclass(frozen=True, slots=True)
class ResellerRow:
    partner_id: str
    name: str
    tax_id: str
    address_line: str
    city: str
    postal_code: str
    country: str
    tier: str
    status: str
    recruited_by: str | None  # distributor code
    onboarding_stage: str


@dataclass(frozen=True, slots=True)
class SupplyRow:
    distributor_code: str
    partner_id: str
    since: dt.date
    account_number: str


@dataclass(frozen=True, slots=True)
class AliasRow:
    partner_id: str
    alias: str
    distributor_code: str | None  # None = vendor-wide


@dataclass(frozen=True, slots=True)
class AgreementRow:
    number: str
    distributor_code: str
    title: str


@dataclass(frozen=True, slots=True)
class AgreementVersionRow:
    agreement_number: str
    version: int
    effective_from: dt.date
    effective_to: dt.date | None
    currency: str
    payment_terms: str
    commitment_period: str
    commitment_unit: str
    commitment_value: Decimal
    amendment_reason: str
    discounts: tuple[tuple[str, Decimal], ...]  # (family code, percent)

    def terms(self) -> VersionTerms:
        return VersionTerms(
            version=self.version,
            effective_from=self.effective_from,
            effective_to=self.effective_to,
            currency=self.currency,
            payment_terms=self.payment_terms,
            commitment_period=self.commitment_period,
            commitment_unit=self.commitment_unit,
            commitment_value=self.commitment_value,
            discounts=tuple(DiscountTerm(code, percent) for code, percent in self.discounts),
        )


@dataclass(frozen=True, slots=True)
class SellInRow:
    invoice_number: str
    line: int
    invoice_date: dt.date
    distributor_code: str
    sku: str
    quantity: int
    unit_net_price: Decimal
    currency: str
    ship_to_warehouse: str


@dataclass(frozen=True, slots=True)
class LoginRow:
    username: str
    role: str
    distributor_code: str | None
    first_name: str
    last_name: str
    email: str


@dataclass
class DemoData:
    params: DemoParams
    vendor_settings: VendorSettingsRow
    exchange_rates: list[ExchangeRateRow] = field(default_factory=list)
    distributors: list[DistributorRow] = field(default_factory=list)
    status_changes: list[StatusChangeRow] = field(default_factory=list)
    territories: list[TerritoryRow] = field(default_factory=list)
    contacts: list[ContactRow] = field(default_factory=list)
    onboarding_items: list[OnboardingItemRow] = field(default_factory=list)
    obligations: list[ObligationRow] = field(default_factory=list)
    families: list[FamilyRow] = field(default_factory=list)
    products: list[ProductRow] = field(default_factory=list)
    conversions: list[ConversionRow] = field(default_factory=list)
    part_numbers: list[PartNumberRow] = field(default_factory=list)
    resellers: list[ResellerRow] = field(default_factory=list)
    supplies: list[SupplyRow] = field(default_factory=list)
    aliases: list[AliasRow] = field(default_factory=list)
    agreements: list[AgreementRow] = field(default_factory=list)
    agreement_versions: list[AgreementVersionRow] = field(default_factory=list)
    sellin: list[SellInRow] = field(default_factory=list)
    logins: list[LoginRow] = field(default_factory=list)

    def row_lists(self) -> dict[str, list]:
        return {
            item.name: getattr(self, item.name)
            for item in dataclasses.fields(self)
            if isinstance(getattr(self, item.name), list)
        }

    def counts(self) -> dict[str, int]:
        counts = {name: len(rows) for name, rows in self.row_lists().items()}
        counts["discount_levels"] = sum(len(row.discounts) for row in self.agreement_versions)
        return counts

    def digest(self) -> str:
        """SHA-256 over every row in order: equal digests mean identical data sets."""
        digest = hashlib.sha256(repr(self.vendor_settings).encode())
        for name, rows in self.row_lists().items():
            digest.update(name.encode())
            for row in rows:
                digest.update(repr(row).encode())
        return digest.hexdigest()


# ---------------------------------------------------------------------------- small helpers


def gtin_check_digit(body: str) -> int:
    """GS1 check digit for the digits before it: weights 3, 1, 3, … from the right."""
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(body[::-1]))
    return (10 - total % 10) % 10


def is_valid_gtin(code: str) -> bool:
    return (
        len(code) in (8, 12, 13, 14)
        and code.isdigit()
        and gtin_check_digit(code[:-1]) == int(code[-1])
    )


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def sellin_months(params: DemoParams) -> list[dt.date]:
    """First days of the sell-in months: ``months`` of them, ending with the last complete
    month before ``as_of``."""
    last = add_months(params.as_of.replace(day=1), -1)
    return [add_months(last, offset - params.months + 1) for offset in range(params.months)]


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _slug(text: str) -> str:
    return "".join(char for char in ascii_fold(text).lower() if char.isalnum())


def _fill(pattern: str, rng: random.Random) -> str:
    """``#`` → a digit, ``@`` → a capital letter; anything else is kept."""
    out = []
    for char in pattern:
        if char == "#":
            out.append(str(rng.randrange(10)))
        elif char == "@":
            out.append(chr(65 + rng.randrange(26)))
        else:
            out.append(char)
    return "".join(out)


@functools.cache
def _table(options: tuple[tuple[object, float], ...]) -> tuple[tuple, tuple[float, ...]]:
    values = tuple(value for value, _weight in options)
    return values, tuple(itertools.accumulate(weight for _value, weight in options))


def _weighted(rng: random.Random, options: Sequence[tuple[object, float]]):
    """One value drawn by weight (the same draw as ``rng.choices(values, weights)``)."""
    values, cumulative = _table(tuple(options))
    return rng.choices(values, cum_weights=cumulative)[0]


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    """A working-hours moment on ``day``, UTC."""
    return dt.datetime(
        day.year, day.month, day.day, rng.randint(7, 17), rng.randrange(60), tzinfo=dt.UTC
    )


def _business_days(month: dt.date) -> list[dt.date]:
    day, days = month, []
    while day.month == month.month:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _percent(value: float) -> Decimal:
    """A discount percent in half-point steps, 0 to 60."""
    halves = round(max(0.0, min(60.0, value)) * 2)
    return (Decimal(halves) / 2).quantize(CENT)


def _round_to(value: float, step: int) -> Decimal:
    return (Decimal(max(step, round(value / step) * step))).quantize(CENT)


# ---------------------------------------------------------------------------- exchange rates


def _exchange_rates(params: DemoParams, first_month: dt.date) -> list[ExchangeRateRow]:
    """Monthly EUR and GBP rates to USD: a bounded random walk from realistic levels."""
    rng = random.Random(f"{params.seed}:fx")
    months = months_between(add_months(first_month, -12), params.as_of)
    rows = []
    for currency, level, low, high in (("EUR", 1.08, 0.98, 1.20), ("GBP", 1.27, 1.15, 1.38)):
        for month in months:
            level = min(high, max(low, level * (1 + rng.gauss(0, 0.012))))
            rows.append(ExchangeRateRow(currency, month, Decimal(f"{level:.6f}")))
    return rows


class _Rates:
    """The demo rates by (currency, month): the rate in force on a date is its month's."""

    def __init__(self, rows: list[ExchangeRateRow]):
        self._by_month = {(row.currency, row.valid_from): row.rate for row in rows}
        self._first: dict[str, dt.date] = {}
        for row in rows:
            self._first[row.currency] = min(
                row.valid_from, self._first.get(row.currency, row.valid_from)
            )

    def usd_per_unit(self, currency: str, day: dt.date) -> Decimal:
        if currency == REPORTING_CURRENCY:
            return Decimal(1)
        month = max(day.replace(day=1), self._first[currency])
        return self._by_month[(currency, month)]


# ---------------------------------------------------------------------------- distributors


@dataclass
class _Plan:
    """What the generator knows about a distributor beyond its row (never written)."""

    row: DistributorRow
    style: str
    domain: str
    events: list[tuple[str, str, dt.date, str]]  # (from, to, date, reason)
    times: list[dt.datetime] = field(default_factory=list)  # when each event happened
    size_usd: float = 0.0  # sell-in per month at the start of the window
    growth: float = 0.0  # per year
    family_weights: dict[str, float] = field(default_factory=dict)
    warehouses: tuple[str, ...] = ()
    account_format: str = ""
    account_next: int = 0

    @property
    def code(self) -> str:
        return self.row.code

    def first(self, status: str) -> dt.date | None:
        return next((day for _f, to, day, _r in self.events if to == status), None)

    def trading_periods(self) -> list[tuple[dt.date, dt.date | None]]:
        """[start, end) spans during which the distributor was active."""
        periods: list[tuple[dt.date, dt.date | None]] = []
        start = None
        for _from, to, day, _reason in self.events:
            if to == ACTIVE:
                start = day
            elif start is not None:
                periods.append((start, day))
                start = None
        if start is not None:
            periods.append((start, None))
        return periods

    def next_account(self, rng: random.Random) -> str:
        self.account_next += rng.randint(1, 29)
        return self.account_format.format(self.account_next)


FIXED_DISTRIBUTORS = (
    # The two distributors the demo's distributor logins belong to: stable across seeds.
    ("NORTHWIND", "Northwind Tech Distribution LLC", "US", "broadline", "northwind-tech"),
    ("OSTSEE", "Ostsee Komponenten GmbH", "DE", "value_added", "ostsee-komponenten"),
)
TRACK_WEIGHTS = (("broadline", 3), ("value_added", 4), ("specialty", 2), ("regional", 2))
TRACK_SIZE_USD = {
    "broadline": (700_000, 1_800_000),
    "value_added": (300_000, 900_000),
    "specialty": (150_000, 450_000),
    "regional": (80_000, 300_000),
}
REGION_WEIGHTS = (("AMER", 4), ("EMEA", 4), ("APAC", 2))


def _statuses(count: int, rng: random.Random) -> list[str]:
    """Most active; about 8 % each prospect, onboarding, suspended and terminated.

    The first two distributors (the demo logins') are always active.
    """
    others = count - 2
    each = round(count * 0.08)
    minority = [PROSPECT, ONBOARDING, SUSPENDED, TERMINATED]
    statuses: list[str] = []
    for status in minority:
        statuses += [status] * min(each, max(0, others - len(statuses)))
    statuses += [ACTIVE] * (others - len(statuses))
    rng.shuffle(statuses)
    return [ACTIVE, ACTIVE, *statuses]


def _history(
    status: str,
    rng: random.Random,
    *,
    as_of: dt.date,
    window_start: dt.date,
    established: bool,
) -> list[tuple[str, str, dt.date, str]]:
    """A lifecycle that ends in ``status`` and only takes allowed transitions."""
    last = as_of - dt.timedelta(days=1)
    events: list[tuple[str, str, dt.date, str]] = []

    def move(to: str, day: dt.date, reason: str) -> None:
        events.append((events[-1][1] if events else "", to, day, reason))

    if status in TRADING:
        latest_start = last - dt.timedelta(days=150)
        if established or latest_start <= window_start:
            activated = window_start - dt.timedelta(days=rng.randint(30, 1500))
        else:
            activated = window_start + dt.timedelta(
                days=rng.randint(0, (latest_start - window_start).days)
            )
        onboarding = activated - dt.timedelta(days=rng.randint(45, 150))
        created = onboarding - dt.timedelta(days=rng.randint(20, 120))
        move(PROSPECT, created, "Identified as a prospective distributor.")
        move(ONBOARDING, onboarding, "Commercial terms agreed; onboarding started.")
        move(ACTIVE, activated, "Onboarding checklist complete; first order accepted.")
        suspend_window = (activated + dt.timedelta(days=120), last - dt.timedelta(days=150))
        if status == ACTIVE and rng.random() < 0.25 and suspend_window[0] < suspend_window[1]:
            suspended = suspend_window[0] + dt.timedelta(
                days=rng.randint(0, (suspend_window[1] - suspend_window[0]).days)
            )
            move(SUSPENDED, suspended, "Credit hold: invoices more than 60 days overdue.")
            move(
                ACTIVE,
                suspended + dt.timedelta(days=rng.randint(14, 75)),
                "Overdue balance settled; credit hold lifted.",
            )
        if status == SUSPENDED:
            suspended = max(
                activated + dt.timedelta(days=60), last - dt.timedelta(days=rng.randint(10, 110))
            )
            move(
                SUSPENDED,
                min(suspended, last),
                rng.choice(
                    [
                        "No sell-through report for three consecutive months.",
                        "Credit hold: invoices more than 60 days overdue.",
                        "Audit found sales outside the agreed territory.",
                    ]
                ),
            )
    elif status == ONBOARDING:
        onboarding = last - dt.timedelta(days=rng.randint(15, 200))
        move(
            PROSPECT,
            onboarding - dt.timedelta(days=rng.randint(15, 120)),
            "Identified at a trade fair.",
        )
        move(ONBOARDING, onboarding, "Commercial terms agreed; onboarding started.")
    elif status == PROSPECT:
        move(PROSPECT, last - dt.timedelta(days=rng.randint(5, 240)), "Inbound partner enquiry.")
    else:  # terminated
        created = last - dt.timedelta(days=rng.randint(240, 900))
        move(PROSPECT, created, "Identified as a prospective distributor.")
        if rng.random() < 0.5:
            onboarding = created + dt.timedelta(days=rng.randint(20, 90))
            move(ONBOARDING, onboarding, "Commercial terms agreed; onboarding started.")
            move(
                TERMINATED,
                onboarding + dt.timedelta(days=rng.randint(30, 140)),
                "Credit due diligence failed; onboarding stopped.",
            )
        else:
            move(
                TERMINATED,
                created + dt.timedelta(days=rng.randint(20, 120)),
                "Not a strategic fit: overlapping coverage with existing partners.",
            )
    return events


def _company_name(
    style_key: str, country: Country, rng: random.Random, *, distributor: bool
) -> tuple[str, str, str]:
    """(name without legal form, legal form, the distinctive head word(s))."""
    style = STYLES[style_key]
    places = style.places + country.places
    trades = style.distributor_trades if distributor else style.trades
    trade = rng.choice(trades)
    pattern = 0 if distributor else _weighted(rng, ((0, 45), (1, 25), (2, 15), (3, 15)))
    if pattern == 0:
        head = rng.choice(places)
    elif pattern == 1:
        head = rng.choice(style.surnames)
    elif pattern == 2:
        first, second = rng.sample(style.surnames, 2)
        head = f"{first} & {second}"
    else:
        head = rng.choice(country.cities)[0]
    base = f"{trade} {head}" if style.trade_first else f"{head} {trade}"
    legal = _weighted(rng, country.legal_forms)
    return base, legal, head


def _distributors(params: DemoParams, rng: random.Random, window_start: dt.date) -> list[_Plan]:
    statuses = _statuses(params.distributors, rng)
    plans: list[_Plan] = []
    codes: set[str] = set()
    names: set[str] = set()
    heads: set[str] = set()
    for index, status in enumerate(statuses):
        if index < len(FIXED_DISTRIBUTORS):
            code, legal_name, country_code, track, domain_word = FIXED_DISTRIBUTORS[index]
            country = COUNTRY_BY_CODE[country_code]
            domain = f"{domain_word}.example"
        else:  # an invented distributor; its head word differs from the others' when it can
            region = _weighted(rng, REGION_WEIGHTS)
            country = _weighted(
                rng, [(item, item.weight) for item in COUNTRIES if item.region == region]
            )
            track = _weighted(rng, TRACK_WEIGHTS)
            for attempt in range(30):
                base, legal, head = _company_name(country.style, country, rng, distributor=True)
                if attempt >= 20:
                    base = f"{base} {rng.choice(country.cities)[0]}"
                legal_name = f"{base} {legal}"
                if legal_name not in names and (head not in heads or attempt >= 10):
                    break
            else:
                legal_name = f"{base} {index} {legal}"
            word = "".join(char for char in ascii_fold(head).upper() if char.isalnum())[:12]
            code = word or "DIST"
            if code in codes:
                code = f"{code}-{country.code}"
            suffix = 2
            while code in codes:
                code = f"{word}{suffix}"
                suffix += 1
            domain = f"{_slug(base)[:40]}.example"
            heads.add(head)
        codes.add(code)
        names.add(legal_name)
        events = _history(
            status,
            rng,
            as_of=params.as_of,
            window_start=window_start,
            established=index < len(FIXED_DISTRIBUTORS) or rng.random() < 0.8,
        )
        times = [_at(day, rng) for _from, _to, day, _reason in events]
        row = DistributorRow(
            code=code,
            legal_name=legal_name,
            country=country.code,
            region=country.region,
            currency=country.currency,
            program_track=track,
            status=status,
            status_changed_at=times[-1],
            website=f"https://www.{domain}",
            notes="",
        )
        plan = _Plan(row=row, style=country.style, domain=domain, events=events, times=times)
        low, high = TRACK_SIZE_USD[track]
        plan.size_usd = rng.uniform(low, high)
        plan.growth = rng.uniform(-0.06, 0.30)
        plan.family_weights = {
            spec.code: spec.popularity * rng.uniform(0.4, 1.8) for spec in FAMILIES
        }
        if track == "specialty":
            for family in rng.sample([spec.code for spec in FAMILIES[:5]], 2):
                plan.family_weights[family] *= 4
        cities = [city for city, _postal in country.cities]
        plan.warehouses = tuple(
            f"{city} DC" for city in rng.sample(cities, min(len(cities), rng.randint(1, 3)))
        )
        plan.account_format = rng.choice(["{:07d}", "C{:06d}", f"{code[:3]}-{{:06d}}", "{:08d}"])
        plan.account_next = rng.randint(10_000, 400_000)
        plans.append(plan)
    return plans


def _status_changes(plans: list[_Plan]) -> list[StatusChangeRow]:
    return [
        StatusChangeRow(plan.code, from_status, to_status, at, reason)
        for plan in plans
        for (from_status, to_status, _day, reason), at in zip(plan.events, plan.times, strict=True)
    ]


TERRITORY_EXTRAS = {
    "broadline": (1, 3),
    "value_added": (0, 2),
    "specialty": (0, 1),
    "regional": (0, 0),
}


def _territories(plans: list[_Plan], rng: random.Random) -> list[TerritoryRow]:
    """Home country plus neighbours; exclusive only where no one else has a claim.

    Some APAC broadliners claim the whole region (and that region then has no exclusives);
    about half the trading specialty, regional and value-added distributors get one
    exclusive country nobody else is based in or claims.
    """
    claimants = [plan for plan in plans if plan.row.status != PROSPECT]
    region_wide = {
        plan.code
        for plan in claimants
        if plan.row.region == "APAC" and plan.row.program_track == "broadline"
        if rng.random() < 0.5
    }
    wide_regions = {plan.row.region for plan in claimants if plan.code in region_wide}
    taken = {plan.row.country for plan in claimants}
    exclusive: dict[str, str] = {}  # country -> distributor code
    for plan in claimants:
        row = plan.row
        if row.status in TRADING and row.program_track != "broadline" and rng.random() < 0.5:
            free = [
                country.code
                for country in COUNTRIES
                if country.region == row.region
                and row.region not in wide_regions
                and country.code not in taken
            ]
            if free:
                country = rng.choice(free)
                exclusive[country] = row.code
                taken.add(country)
    claims: list[list] = []  # [code, region, country, exclusive]
    for plan in claimants:
        row = plan.row
        if row.code in region_wide:
            claims.append([row.code, row.region, "", False])
            continue
        own = {row.country} | {country for country, code in exclusive.items() if code == row.code}
        others = [
            country.code
            for country in COUNTRIES
            if country.region == row.region
            and country.code not in own
            and country.code not in exclusive
        ]
        low, high = TERRITORY_EXTRAS[row.program_track]
        extras = rng.sample(others, min(len(others), rng.randint(low, high)))
        for country in sorted(own | set(extras)):
            claims.append([row.code, row.region, country, exclusive.get(country) == row.code])
    return [TerritoryRow(*claim) for claim in claims]


def _person(style_key: str, rng: random.Random) -> tuple[str, str]:
    style = STYLES[style_key]
    return rng.choice(style.first_names), rng.choice(style.surnames)


def _contacts(plans: list[_Plan], rng: random.Random) -> list[ContactRow]:
    rows = []
    for plan in plans:
        count = {ACTIVE: (2, 3), SUSPENDED: (2, 3), ONBOARDING: (1, 2)}.get(plan.row.status, (1, 1))
        titles = rng.sample(CONTACT_TITLES, rng.randint(*count))
        seen: set[str] = set()
        for position, title in enumerate(titles):
            first, last = _person(plan.style, rng)
            local = f"{_slug(first)}.{_slug(last)}"
            while local in seen:
                local += str(rng.randrange(10))
            seen.add(local)
            country = COUNTRY_BY_CODE[plan.row.country]
            rows.append(
                ContactRow(
                    distributor_code=plan.code,
                    name=f"{first} {last}",
                    title=title,
                    email=f"{local}@{plan.domain}",
                    phone=f"{country.phone_prefix} 555 {rng.randint(100, 999)}"
                    f" {rng.randint(1000, 9999)}",
                    is_primary=position == 0,
                    receives_reminders=position == 0 or title == "EDI Coordinator",
                )
            )
    return rows


def _onboarding_items(
    plans: list[_Plan], rng: random.Random, as_of: dt.date
) -> list[OnboardingItemRow]:
    rows = []
    steps = len(ONBOARDING_CHECKLIST)
    for plan in plans:
        started = plan.first(ONBOARDING)
        if started is None:
            continue
        finished = plan.first(ACTIVE)
        if finished is not None:
            span = max(steps, (finished - started).days)
            done_count = steps
        else:
            span = rng.randint(60, 150)
            stopped = plan.first(TERMINATED)
            elapsed = ((stopped or as_of) - started).days
            done_count = min(steps - 1, max(0, elapsed * steps // span - rng.randint(0, 2)))
        for position, item in enumerate(ONBOARDING_CHECKLIST):
            due = started + dt.timedelta(days=span * (position + 1) // steps)
            done = None
            if position < done_count:
                done = min(
                    due - dt.timedelta(days=rng.randint(0, 6)),
                    finished or as_of - dt.timedelta(days=1),
                )
                done = max(done, started)
            rows.append(OnboardingItemRow(plan.code, item, "channel_manager", due, done, position))
    return rows


def _obligations(plans: list[_Plan], rng: random.Random) -> list[ObligationRow]:
    """Sell-through and inventory monthly, as the demo's report files come: sell-through due
    in 10 days, inventory in 5 or 10."""
    rows = []
    for plan in plans:
        activated = plan.first(ACTIVE)
        if plan.row.status not in TRADING or activated is None:
            continue
        rows.append(ObligationRow(plan.code, "sell_through", "monthly", 10, activated, None))
        due = rng.choice((5, 10))
        rows.append(ObligationRow(plan.code, "inventory", "monthly", due, activated, None))
    return rows


# ---------------------------------------------------------------------------- catalogue


@dataclass
class _ProductPlan:
    row: ProductRow
    popularity: float
    sold_until: dt.date | None  # last month it may be invoiced; None = never (planned)
    box: int | None  # base units per box when sold in boxes


def _family_counts(total: int) -> list[tuple[FamilySpec, int]]:
    """Spread ``total`` products over the families by weight (largest remainder)."""
    families = (
        sorted(FAMILIES, key=lambda spec: -spec.weight) if total < len(FAMILIES) else FAMILIES
    )
    if total < len(FAMILIES):
        return [(spec, 1) for spec in families[:total]]
    remaining = total - len(FAMILIES)
    weight_sum = sum(spec.weight for spec in FAMILIES)
    shares = [remaining * spec.weight / weight_sum for spec in FAMILIES]
    counts = [1 + int(share) for share in shares]
    order = sorted(range(len(FAMILIES)), key=lambda i: (-(shares[i] - int(shares[i])), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return list(zip(FAMILIES, counts, strict=True))


def _line_code(line: str, index: int) -> str:
    digits = "".join(char for char in line if char.isdigit())
    if digits:
        return digits
    return "".join(word[0] for word in line.replace("-", " ").split()).upper() + str(index + 1)


def _products(params: DemoParams, rng: random.Random, months: list[dt.date]) -> list[_ProductPlan]:
    plans = []
    item_reference = 0
    for spec, count in _family_counts(params.products):
        combos = [(li, vi) for li in range(len(spec.lines)) for vi in range(len(spec.variants))]
        rng.shuffle(combos)
        low, high, step = spec.price_cents
        for index in range(count):
            line_index, variant_index = combos[index % len(combos)]
            generation = index // len(combos) + 1
            line, variant = spec.lines[line_index], spec.variants[variant_index]
            sku = f"{spec.sku_prefix}-{_line_code(line, line_index)}-{variant_index + 1:02d}"
            description = f"{line}, {variant}"
            if generation > 1:
                sku += f"-G{generation}"
                description += f" (generation {generation})"
            position = 0.5 * line_index / max(1, len(spec.lines) - 1) + 0.5 * variant_index / max(
                1, len(spec.variants) - 1
            )
            position = min(1.0, max(0.0, position + rng.uniform(-0.12, 0.12)))
            cents = (low + position * (high - low)) * (1 + 0.04 * ((generation - 1) % 4))
            price = (Decimal(max(low, round(cents / step) * step)) / 100).quantize(CENT)
            gtin = None
            if spec.has_gtin:
                prefix, item = divmod(item_reference, 100_000)
                body = f"{GTIN_COMPANY_PREFIX + prefix:07d}{item:05d}"
                gtin = body + str(gtin_check_digit(body))
                item_reference += 1
            status = (
                "active"
                if index == 0
                else _weighted(
                    rng,
                    (("active", 78), ("end_of_sale", 10), ("end_of_life", 5), ("planned", 7)),
                )
            )
            sold_until: dt.date | None = months[-1] if months else None
            if status == "planned":
                sold_until = None
            elif status == "end_of_sale" and months:
                sold_until = months[
                    rng.randint(len(months) // 3, max(len(months) // 3, len(months) - 3))
                ]
            elif status == "end_of_life" and months:
                sold_until = months[rng.randint(0, len(months) // 3)]
            row = ProductRow(sku, gtin, description, spec.code, "EA", price, "USD", status)
            popularity = rng.paretovariate(1.3)
            box = None
            for unit, factor in spec.conversions:
                if rng.random() < (0.9 if unit == "BX" else 0.5):
                    box = box or factor
            plans.append(_ProductPlan(row, popularity, sold_until, box))
    return plans


def _conversions(products: list[_ProductPlan], rng: random.Random) -> list[ConversionRow]:
    rows = []
    spec_by_code = {spec.code: spec for spec in FAMILIES}
    for plan in products:
        if plan.box is None:
            continue
        for unit, factor in spec_by_code[plan.row.family_code].conversions:
            if factor == plan.box or rng.random() < 0.5:
                rows.append(ConversionRow(plan.row.sku, unit, factor))
    return rows


def _part_numbers(
    plans: list[_Plan],
    products: list[_ProductPlan],
    conversions: list[ConversionRow],
    rng: random.Random,
) -> list[PartNumberRow]:
    """Each trading distributor lists a share of the catalogue under its own numbers."""
    box_skus = {row.sku for row in conversions if row.unit == "BX"}
    rows = []
    for plan in plans:
        if plan.row.status not in TRADING:
            continue
        style = rng.choice(["prefixed", "numeric", "compact"])
        share = rng.uniform(0.5, 0.85)
        number = rng.randint(1_000_000, 8_000_000)
        seen: set[str] = set()
        for product in products:
            if product.row.status == "planned" or rng.random() >= share:
                continue
            sku = product.row.sku
            unit = "BX" if sku in box_skus and rng.random() < 0.4 else "EA"
            if style == "prefixed":
                part = f"{plan.code[:4]}-{sku}" + ("-BX" if unit == "BX" else "")
            elif style == "numeric":
                number += rng.randint(1, 40)
                part = str(number)
            else:
                part = sku.replace("-", "") + ("B" if unit == "BX" else "")
            if part in seen:
                continue
            seen.add(part)
            rows.append(PartNumberRow(plan.code, part, sku, unit))
    return rows


# ---------------------------------------------------------------------------- resellers


LEGAL_WORDS = {"&", "and", "und", "et", "y", "e"}


def _aliases(name: str, legal: str, rng: random.Random) -> list[str]:
    base = name[: -len(legal)].strip() if legal and name.endswith(legal) else name
    words = [word for word in base.replace("-", " ").split() if word not in LEGAL_WORDS]
    options = [
        base,  # without the legal form
        ascii_fold(name).upper().replace(".", "").replace(",", ""),  # an ERP's spelling
        "".join(word[0] for word in words).upper() + f" {legal}",  # an abbreviation
        name.replace(" & ", " and ") if " & " in name else name.replace(" ", "  ", 1),
        ascii_fold(name)[:24].rstrip(),  # cut at a short ERP field
    ]
    unique = [alias for alias in dict.fromkeys(options) if alias and alias != name]
    return rng.sample(unique, min(len(unique), rng.randint(1, 2)))


def _resellers(
    params: DemoParams, plans: list[_Plan], territories: list[TerritoryRow], rng: random.Random
) -> tuple[list[ResellerRow], list[SupplyRow], list[AliasRow]]:
    trading = [plan for plan in plans if plan.row.status in TRADING]
    by_code = {plan.code: plan for plan in plans}
    trading_codes = {plan.code for plan in trading}
    regions = {plan.row.region for plan in trading}
    countries = [country for country in COUNTRIES if country.region in regions]
    coverage: dict[str, list[_Plan]] = {}
    for country in countries:
        covering = sorted(
            {
                claim.distributor_code
                for claim in territories
                if claim.distributor_code in trading_codes
                and (
                    claim.country == country.code
                    or (not claim.country and claim.region == country.region)
                )
            }
        )
        candidates = [by_code[code] for code in covering]
        if not candidates:  # nobody trading claims it: the region's distributors serve it
            candidates = [plan for plan in trading if plan.row.region == country.region]
        coverage[country.code] = candidates
    country_weights = list(itertools.accumulate(country.weight for country in countries))
    resellers, supplies, aliases = [], [], []
    names: set[str] = set()
    tax_ids: set[str] = set()
    partner_number = 1_000_000
    for _index in range(params.resellers):
        country = rng.choices(countries, cum_weights=country_weights)[0]
        city, postal_pattern = rng.choice(country.cities)
        for attempt in range(8):
            base, legal, _head = _company_name(country.style, country, rng, distributor=False)
            if attempt >= 5:
                base = f"{base} {city}"
            if attempt == 7:
                base = f"{base} {rng.randint(2, 99)}"
            name = f"{base} {legal}"
            if name not in names:
                break
        names.add(name)
        tax_id = _fill(country.tax_format, rng)
        while tax_id in tax_ids:
            tax_id = _fill(country.tax_format, rng)
        tax_ids.add(tax_id)
        status = _weighted(rng, (("active", 78), ("prospect", 12), ("inactive", 10)))
        if status == "active":
            tier = _weighted(
                rng, (("registered", 45), ("silver", 30), ("gold", 18), ("platinum", 7))
            )
            stage = _weighted(rng, (("transacting", 80), ("trained", 15), ("approved", 5)))
        elif status == "prospect":
            tier = "registered"
            stage = _weighted(
                rng, (("identified", 35), ("contacted", 30), ("applied", 20), ("approved", 15))
            )
        else:
            tier = _weighted(rng, (("registered", 70), ("silver", 30)))
            stage = _weighted(rng, (("transacting", 60), ("trained", 20), ("approved", 20)))
        partner_number += rng.randint(1, 9)
        partner_id = f"R{partner_number:07d}"
        street = rng.choice(country.streets)
        address = country.address_format.format(number=rng.randint(1, 250), street=street)
        candidates = coverage[country.code]
        count = min(len(candidates), _weighted(rng, ((1, 55), (2, 33), (3, 12))))
        suppliers = sorted(rng.sample(candidates, count), key=lambda plan: plan.code)
        recruited_by = rng.choice(suppliers).code if rng.random() < 0.15 else None
        resellers.append(
            ResellerRow(
                partner_id,
                name,
                tax_id,
                address,
                city,
                _fill(postal_pattern, rng),
                country.code,
                tier,
                status,
                recruited_by,
                stage,
            )
        )
        for plan in suppliers:
            earliest = max(plan.first(ACTIVE), params.as_of - dt.timedelta(days=6 * 365))
            span = max(0, (params.as_of - dt.timedelta(days=1) - earliest).days)
            since = earliest + dt.timedelta(days=min(rng.randint(0, span), rng.randint(0, span)))
            supplies.append(SupplyRow(plan.code, partner_id, since, plan.next_account(rng)))
        if rng.random() < 0.35:
            for alias in _aliases(name, legal, rng):
                distributor = rng.choice(suppliers).code if rng.random() < 0.6 else None
                aliases.append(AliasRow(partner_id, alias, distributor))
    return resellers, supplies, aliases


# ---------------------------------------------------------------------------- agreements


PAYMENT_TERMS = {
    "broadline": "net45",
    "value_added": "net60",
    "specialty": "net30",
    "regional": "net30",
}
TRACK_DISCOUNT = {"broadline": 3.0, "value_added": 2.0, "specialty": 0.0, "regional": -2.0}
AMENDMENT_REASONS = (
    "Annual review: commitment raised with last year's growth.",
    "Storage and server focus agreed in the joint business plan.",
    "Discounts realigned after the list price update.",
    "Security practice launched: better firewall and licence discounts.",
    "Payment terms renegotiated with the new credit limit.",
)


def _agreements(
    plans: list[_Plan], rng: random.Random, rates: _Rates, as_of: dt.date
) -> tuple[list[AgreementRow], list[AgreementVersionRow]]:
    agreements, versions = [], []
    for plan in plans:
        row = plan.row
        if row.status not in TRADING:
            continue
        start = plan.first(ACTIVE)
        number = f"VPA-{row.code}-{start.year}"
        agreements.append(
            AgreementRow(number, row.code, f"{row.legal_name} volume purchase agreement")
        )
        period = _weighted(rng, (("quarter", 7), ("year", 3)))
        unit = _weighted(rng, (("amount", 9), ("units", 1)))
        months = 3 if period == "quarter" else 12
        if unit == "amount":
            local = plan.size_usd / float(rates.usd_per_unit(row.currency, start))
            commitment = _round_to(local * months * rng.uniform(0.8, 1.0), 10_000)
        else:
            commitment = _round_to(plan.size_usd * months / 900, 10)
        discounts = {
            spec.code: _percent(
                float(spec.base_discount) + TRACK_DISCOUNT[row.program_track] + rng.uniform(-2, 2)
            )
            for spec in FAMILIES
        }
        terms = PAYMENT_TERMS[row.program_track]
        current = AgreementVersionRow(
            number,
            1,
            start,
            None,
            row.currency,
            terms,
            period,
            unit,
            commitment,
            "",
            tuple(sorted(discounts.items())),
        )
        versions.append(current)
        amendments = _weighted(rng, ((0, 4), (1, 3), (2, 2), (3, 1)))
        first_day = start + dt.timedelta(days=90)
        last_day = as_of - dt.timedelta(days=10)
        if amendments == 0 or first_day >= last_day:
            continue
        span = (last_day - first_day).days
        dates = sorted(
            {first_day + dt.timedelta(days=rng.randint(0, span)) for _ in range(amendments)}
        )
        previous = None
        for day in dates:
            if previous is not None and (day - previous).days < 45:
                continue
            previous = day
            for family in rng.sample(sorted(discounts), rng.randint(2, 4)):
                discounts[family] = _percent(
                    float(discounts[family]) + rng.choice([-3, -2, -1, 1, 2, 3, 4, 5])
                )
            commitment = _round_to(
                float(commitment) * rng.uniform(1.0, 1.25), 10 if unit == "units" else 10_000
            )
            if rng.random() < 0.3:
                terms = rng.choice(["net30", "net45", "net60"])
            current = dataclasses.replace(
                current,
                version=current.version + 1,
                effective_from=day,
                payment_terms=terms,
                commitment_value=commitment,
                amendment_reason=rng.choice(AMENDMENT_REASONS),
                discounts=tuple(sorted(discounts.items())),
            )
            versions.append(current)
    return agreements, versions


# ---------------------------------------------------------------------------- sell-in


def unit_net_price(
    list_price_usd: Decimal, usd_per_unit: Decimal, discount_percent: Decimal
) -> Decimal:
    """List price in the distributor's currency less the agreement's family discount."""
    local = list_price_usd / usd_per_unit
    return (local * (100 - discount_percent) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def _sellin(
    params: DemoParams,
    plans: list[_Plan],
    products: list[_ProductPlan],
    agreements: list[AgreementRow],
    versions: list[AgreementVersionRow],
    rates: _Rates,
    months: list[dt.date],
    rng: random.Random,
) -> list[SellInRow]:
    """Invoices month by month: seasonality, growth and a ramp-up after activation."""
    agreement_of = {row.number: row.distributor_code for row in agreements}
    terms_by_distributor: dict[str, list[VersionTerms]] = defaultdict(list)
    for version in versions:
        terms_by_distributor[agreement_of[version.agreement_number]].append(version.terms())
    # Per month and family: what may be sold, with cumulative popularity weights.
    sellable: dict[tuple[dt.date, str], tuple[list[_ProductPlan], list[float]]] = {}
    for month in months:
        for spec in FAMILIES:
            items = [
                item
                for item in products
                if item.row.family_code == spec.code
                and item.sold_until is not None
                and month <= item.sold_until
            ]
            if items:
                cumulative, total = [], 0.0
                for item in items:
                    total += item.popularity
                    cumulative.append(total)
                sellable[(month, spec.code)] = (items, cumulative)
    drafts = []  # (date, distributor code, sequence, warehouse, lines, agreement terms)
    for plan in plans:
        periods = plan.trading_periods()
        if plan.row.status not in TRADING or not periods:
            continue
        terms = terms_by_distributor[plan.code]
        activated_month = plan.first(ACTIVE).replace(day=1)
        sequence = 0
        for month_index, month in enumerate(months):
            all_days = _business_days(month)
            days = [
                day
                for day in all_days
                if day < params.as_of
                and any(start <= day and (end is None or day < end) for start, end in periods)
            ]
            families = [
                (spec.code, plan.family_weights[spec.code])
                for spec in FAMILIES
                if (month, spec.code) in sellable
            ]
            if not days or not families:
                continue
            since_activation = (
                (month.year - activated_month.year) * 12 + month.month - activated_month.month
            )
            ramp = (0.5, 0.7, 0.85)[since_activation] if since_activation < 3 else 1.0
            target = (
                plan.size_usd
                * SEASONALITY[month.month]
                * (1 + plan.growth) ** (month_index / 12)
                * ramp
                * rng.uniform(0.9, 1.1)
                * len(days)
                / len(all_days)
            )
            line_scale = math.sqrt(plan.size_usd / 800_000)
            family_codes = [code for code, _w in families]
            family_weights = list(itertools.accumulate(weight for _c, weight in families))
            lines: list[tuple[_ProductPlan, int]] = []
            revenue = 0.0
            while revenue < target:
                family = rng.choices(family_codes, cum_weights=family_weights)[0]
                items, cumulative = sellable[(month, family)]
                product = rng.choices(items, cum_weights=cumulative)[0]
                price = float(product.row.list_price)
                quantity = min(5_000, max(1, round(rng.uniform(400, 4_000) * line_scale / price)))
                if product.box and quantity >= product.box:
                    quantity = quantity // product.box * product.box
                lines.append((product, quantity))
                revenue += quantity * price
            while lines:
                size = rng.randint(1, 8)
                chunk, lines = lines[:size], lines[size:]
                sequence += 1
                drafts.append(
                    (
                        rng.choice(days),
                        plan.code,
                        sequence,
                        rng.choice(plan.warehouses),
                        chunk,
                        terms,
                    )
                )
    drafts.sort(key=lambda draft: (draft[0], draft[1], draft[2]))
    currency = {plan.code: plan.row.currency for plan in plans}
    rows = []
    for number, (day, code, _sequence, warehouse, chunk, terms) in enumerate(drafts, start=1):
        version = version_in_force(terms, day)
        discounts = version.discount_map() if version else {}
        rate = rates.usd_per_unit(currency[code], day)
        for line, (product, quantity) in enumerate(chunk, start=1):
            discount = discounts.get(product.row.family_code, Decimal(0))
            rows.append(
                SellInRow(
                    invoice_number=f"INV{number:09d}",
                    line=line,
                    invoice_date=day,
                    distributor_code=code,
                    sku=product.row.sku,
                    quantity=quantity,
                    unit_net_price=unit_net_price(product.row.list_price, rate, discount),
                    currency=currency[code],
                    ship_to_warehouse=warehouse,
                )
            )
    return rows


# The vendor sell-in export's columns, exactly as the importer reads them.
SELLIN_COLUMNS = SELLIN_FIELDS


def sellin_csv(rows: Sequence[SellInRow]) -> bytes:
    """The vendor's sell-in export for ``rows``, in the columns the sales import reads."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SELLIN_COLUMNS)
    for row in rows:
        writer.writerow(
            (
                row.invoice_number,
                row.line,
                row.invoice_date.isoformat(),
                row.distributor_code,
                row.sku,
                row.quantity,
                f"{row.unit_net_price:.2f}",
                row.currency,
                row.ship_to_warehouse,
            )
        )
    return buffer.getvalue().encode()


# ---------------------------------------------------------------------------- logins


def demo_logins() -> list[LoginRow]:
    """One login per role; the distributor roles on the first two distributors."""
    northwind, ostsee = FIXED_DISTRIBUTORS[0][0], FIXED_DISTRIBUTORS[1][0]
    vendor = "kestrel-networks.example"
    people = (
        ("vendor_admin", "vendor_admin", None, "Valerie", "Adams", vendor),
        ("channel_manager", "channel_manager", None, "Carlos", "Mendes", vendor),
        ("finance", "finance", None, "Fiona", "Hart", vendor),
        ("pricing_manager", "pricing_manager", None, "Priya", "Raman", vendor),
        ("analyst", "analyst", None, "Anders", "Lund", vendor),
        (
            "northwind_admin",
            "distributor_admin",
            northwind,
            "Nora",
            "West",
            "northwind-tech.example",
        ),
        (
            "northwind_user",
            "distributor_user",
            northwind,
            "Nate",
            "Wilson",
            "northwind-tech.example",
        ),
        (
            "ostsee_admin",
            "distributor_admin",
            ostsee,
            "Olga",
            "Sommer",
            "ostsee-komponenten.example",
        ),
        ("ostsee_user", "distributor_user", ostsee, "Oskar", "Stein", "ostsee-komponenten.example"),
    )
    return [
        LoginRow(username, role, code, first, last, f"{first.lower()}.{last.lower()}@{domain}")
        for username, role, code, first, last, domain in people
    ]


# ---------------------------------------------------------------------------- the data set


def generate(params: DemoParams) -> DemoData:
    params.validate()
    seed = params.seed
    months = sellin_months(params)
    window_start = months[0] if months else params.as_of.replace(day=1)
    data = DemoData(
        params=params,
        vendor_settings=VendorSettingsRow(VENDOR_NAME, REPORTING_CURRENCY, FISCAL_YEAR_START_MONTH),
    )
    plans = _distributors(params, random.Random(f"{seed}:distributors"), window_start)
    earliest = min(plan.events[0][2] for plan in plans).replace(day=1)
    data.exchange_rates = _exchange_rates(params, min(window_start, earliest))
    rates = _Rates(data.exchange_rates)
    data.distributors = [plan.row for plan in plans]
    data.status_changes = _status_changes(plans)
    data.territories = _territories(plans, random.Random(f"{seed}:territories"))
    data.contacts = _contacts(plans, random.Random(f"{seed}:contacts"))
    data.onboarding_items = _onboarding_items(
        plans, random.Random(f"{seed}:onboarding"), params.as_of
    )
    data.obligations = _obligations(plans, random.Random(f"{seed}:obligations"))
    data.families = [FamilyRow(spec.code, spec.name, spec.description) for spec in FAMILIES]
    products = _products(params, random.Random(f"{seed}:products"), months)
    data.products = [plan.row for plan in products]
    data.conversions = _conversions(products, random.Random(f"{seed}:conversions"))
    data.part_numbers = _part_numbers(
        plans, products, data.conversions, random.Random(f"{seed}:part-numbers")
    )
    data.resellers, data.supplies, data.aliases = _resellers(
        params, plans, data.territories, random.Random(f"{seed}:resellers")
    )
    data.agreements, data.agreement_versions = _agreements(
        plans, random.Random(f"{seed}:agreements"), rates, params.as_of
    )
    data.sellin = _sellin(
        params,
        plans,
        products,
        data.agreements,
        data.agreement_versions,
        rates,
        months,
        random.Random(f"{seed}:sellin"),
    )
    data.logins = demo_logins()
    return data
