"""Fuzzy reseller matching (issue 4, Part A): which master reseller a raw mention means.

``FuzzyResellerMatcher`` is the extra step the ingest resolver calls after its exact steps
(``ingest.resolve.resellers.ResellerMatcher``); ``resolve_mentions`` runs the whole order —
partner id, tax id, account number, alias, then fuzzy — on its own, for the
``match-resellers`` command and the benchmark. Both work on distinct mentions, once per file.

How a mention is matched (``docs/matching.md`` says it for users):

1. **Blocking.** Candidates come from the master resellers of the mention's country with the
   same postal code, the best-named ones in the same city, and those sharing its rarest name
   words anywhere in the country (the token index). A mention with neither postal code nor
   city, and nothing good from the token index, is compared with the whole country.
2. **Name score** (0 to 100): the best of rapidfuzz's token-sort ratio, plain ratio and a word
   alignment that accepts an abbreviation for the word it starts ("Datentech." for
   "Datentechnik"), on the normalised names (``matching.normalise``), aliases included.
3. **Address evidence** adds or takes points: same postal code, same district, same city,
   same street and number — or a different city or postal code.
4. **Decision.** At or above ``upper`` with no runner-up within ``margin`` points: accepted
   automatically. At or above ``lower`` (or ambiguous): the review queue, with the
   candidates. Below ``lower``: a new reseller candidate.

Pure Python plus rapidfuzz: no Django, no database, deterministic (ties break on id).
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from rapidfuzz import fuzz, process

from midstream.ingest.resolve.normalise import identifier_key, tax_id_key
from midstream.ingest.resolve.resellers import (
    ResellerMatch,
    ResellerMention,
    ResellerRecord,
    ResellerReference,
)
from midstream.matching.normalise import (
    NameKey,
    StreetKey,
    acronym,
    city_key,
    legal_family,
    normalise_name,
    postal_district,
    postal_key,
    street_key,
)
from midstream.network.calc import normalise_partner_id

FUZZY = "fuzzy"
SCORE_PLACES = Decimal("0.1")
MAX_SCORE = Decimal(100)


class Decision(StrEnum):
    AUTO = "auto"  # accepted automatically
    REVIEW = "review"  # waits in the review queue
    NEW = "new"  # a new-reseller candidate


@dataclass(frozen=True)
class Thresholds:
    """Where the decisions change (scores 0 to 100).

    ``upper``: a best score at or above it is accepted automatically, unless the runner-up
    is within ``margin`` points; ``lower``: below it the mention is a new-reseller
    candidate; in between (or ambiguous) it goes to review.
    """

    upper: Decimal = Decimal("96.0")
    lower: Decimal = Decimal("75.0")
    margin: Decimal = Decimal("4.0")

    def __post_init__(self):
        for name in ("upper", "lower", "margin"):
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite():
                raise ValueError(f"{name} must be a finite Decimal")
        if not (Decimal(0) <= self.lower < self.upper <= MAX_SCORE):
            raise ValueError("thresholds need 0 <= lower < upper <= 100")
        if self.margin < 0:
            raise ValueError("margin must not be negative")


# Points the address adds to or takes from the name score (see ``_address_points``).
POINTS_POSTAL_SAME = 4.0
POINTS_POSTAL_DISTRICT = -1.0
POINTS_POSTAL_DIFFERENT = -2.0
POINTS_POSTAL_FAR = -5.0
POINTS_CITY_SAME = 1.0
POINTS_CITY_DIFFERENT = -8.0
POINTS_STREET_SAME = 3.0
POINTS_STREET_SIMILAR = 1.0
POINTS_STREET_DIFFERENT = -3.0
POINTS_NO_ADDRESS = -1.0
POINTS_LEGAL_DIFFERENT = -2.0

CITY_BLOCK_ALL = 40  # a city block this small is scored whole
CITY_BLOCK_BEST = 8  # from a larger one, the best-named candidates
TOKEN_CANDIDATES = 10
COUNTRY_CANDIDATES = 5
CANDIDATES_KEPT = 5  # candidates returned for review
SCORED_IN_FULL = 6  # spellings scored in full after the cheap first pass


@dataclass(frozen=True)
class Evidence:
    """Why a candidate scored what it did: the name score and each address signal.

    Address signals are ``"same"``, ``"district"`` (postal code only), ``"similar"`` (street
    only), ``"different"`` or ``"missing"`` (one side does not say).
    """

    name_score: Decimal
    postal_code: str
    city: str
    street: str
    address_points: Decimal
    matched_name: str  # the master name or alias the score was reached on


@dataclass(frozen=True)
class Candidate:
    reseller_id: int
    score: Decimal
    evidence: Evidence


@dataclass(frozen=True)
class MentionResult:
    """The outcome for one distinct mention: everything a review page needs.

    ``reseller_id`` is the chosen reseller for ``auto`` and the best candidate for
    ``review`` (``None`` for ``new``); ``method`` is ``"fuzzy"`` or the exact step that
    resolved it (``partner_id``, ``tax_id``, ``account_number``, ``alias``); ``candidates``
    are the best few, best first, with their evidence; ``reason`` says in words why the
    decision is what it is.
    """

    decision: Decision
    reseller_id: int | None
    method: str
    score: Decimal
    runner_up_id: int | None = None
    runner_up_score: Decimal | None = None
    candidates: tuple[Candidate, ...] = ()
    reason: str = ""

    def as_match(self) -> ResellerMatch | None:
        """The ingest resolver's shape: resolved for ``auto``; unresolved with candidates
        (best first) for ``review``; ``None`` for ``new``."""
        if self.decision is Decision.AUTO:
            return ResellerMatch(reseller_id=self.reseller_id, method=self.method, score=self.score)
        if self.decision is Decision.REVIEW:
            return ResellerMatch(
                reseller_id=None,
                method=self.method,
                score=self.score,
                candidates=tuple(candidate.reseller_id for candidate in self.candidates),
            )
        return None


# ------------------------------------------------------------------------------ the index


@dataclass(frozen=True, slots=True)
class _Name:
    """One spelling of a master reseller (its name or an alias), normalised."""

    entry: int  # index of the master in ``MasterIndex.entries``
    position: int  # index of this spelling in ``MasterIndex.names``
    key: NameKey
    text: str  # as written


@dataclass(slots=True)
class _Entry:
    record: ResellerRecord
    country: str
    postal: str
    district: str
    city: str
    street: StreetKey
    names: list[_Name] = field(default_factory=list)


@dataclass(slots=True)
class _Query:
    mention: ResellerMention
    country: str
    name: NameKey
    postal: str
    district: str
    city: str
    street: StreetKey


class MasterIndex:
    """The reseller master, normalised and blocked once, for any number of mentions.

    Blocks: (country, postal code) and (country, city) to the master's spellings; a token
    index (country, word) for the words of every spelling; all spellings per country.
    """

    def __init__(self, reference: ResellerReference):
        self.reference = reference
        self.entries: list[_Entry] = []
        self.names: list[_Name] = []
        self._entry_of: dict[int, int] = {}
        self.by_postal: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.by_city: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.by_token: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.by_country: dict[str, list[int]] = defaultdict(list)
        self.by_acronym: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
        for reseller_id in sorted(reference.resellers):
            record = reference.resellers[reseller_id]
            country = record.country.strip().upper()
            postal = postal_key(record.postal_code, country)
            entry = _Entry(
                record=record,
                country=country,
                postal=postal,
                district=postal_district(postal, country),
                city=city_key(record.city),
                street=street_key(record.address),
            )
            self._entry_of[reseller_id] = len(self.entries)
            self.entries.append(entry)
            self._add_name(len(self.entries) - 1, record.name)
        for alias, reseller_id in sorted(reference.aliases, key=lambda pair: (pair[1], pair[0])):
            entry_index = self._entry_of.get(reseller_id)
            if entry_index is not None:
                self._add_name(entry_index, alias)
        self.country_sizes = {country: len(names) for country, names in self.by_country.items()}
        self._choices: dict[tuple, list[str]] = {}

    def _add_name(self, entry_index: int, text: str) -> None:
        entry = self.entries[entry_index]
        key = normalise_name(text, city=entry.record.city)
        if not key.tokens or any(name.key.tokens == key.tokens for name in entry.names):
            return
        name_index = len(self.names)
        name = _Name(entry_index, name_index, key, text)
        self.names.append(name)
        entry.names.append(name)
        country = entry.country
        self.by_country[country].append(name_index)
        if entry.postal:
            self.by_postal[(country, entry.postal)].append(name_index)
        if entry.city:
            self.by_city[(country, entry.city)].append(name_index)
        self.by_key[(country, key.sorted_key)].append(name_index)
        for token in set(key.tokens):
            self.by_token[(country, token)].append(name_index)
        if len(key.tokens) >= 2:
            self.by_acronym[(country, acronym(key.tokens))].append(name_index)

    def choices(self, block: tuple, members: list[int]) -> list[str]:
        """The sorted-word keys of a block's names, built once per block."""
        cached = self._choices.get(block)
        if cached is None:
            cached = [self.names[index].key.sorted_key for index in members]
            self._choices[block] = cached
        return cached

    def reseller_id(self, name_index: int) -> int:
        return self.entries[self.names[name_index].entry].record.reseller_id


# ---------------------------------------------------------------------------- the matcher


class FuzzyResellerMatcher:
    """The ``ResellerMatcher`` of issue 4: fuzzy names plus address evidence.

    Build it once with the thresholds; the index of a ``ResellerReference`` is built on the
    first call and reused while the same reference object is passed.
    """

    def __init__(self, thresholds: Thresholds | None = None):
        self.thresholds = thresholds or Thresholds()
        self._index: MasterIndex | None = None

    def index_for(self, reference: ResellerReference) -> MasterIndex:
        if self._index is None or self._index.reference is not reference:
            self._index = MasterIndex(reference)
        return self._index

    def match(
        self, mentions: Sequence[ResellerMention], reference: ResellerReference
    ) -> dict[ResellerMention, ResellerMatch]:
        """The protocol: a ``ResellerMatch`` for auto-accepted and review mentions; new
        reseller candidates are left out (nothing to attach them to)."""
        matches = {}
        for mention, result in self.decide(mentions, reference).items():
            match = result.as_match()
            if match is not None:
                matches[mention] = match
        return matches

    def decide(
        self, mentions: Iterable[ResellerMention], reference: ResellerReference
    ) -> dict[ResellerMention, MentionResult]:
        """A ``MentionResult`` for each distinct mention."""
        index = self.index_for(reference)
        return {mention: self._decide(index, mention) for mention in dict.fromkeys(mentions)}

    # -- one mention

    def _decide(self, index: MasterIndex, mention: ResellerMention) -> MentionResult:
        """Cheap blocks first; the wider ones unless a candidate already scores 100.

        The candidates do not depend on the thresholds, so a decision is a function of the
        scores and the thresholds alone (the benchmark's threshold curve relies on it).
        """
        query = _query(mention)
        if not query.name.tokens:
            return MentionResult(Decision.NEW, None, FUZZY, Decimal(0), reason="no name")
        candidates = self._near_candidates(index, query)
        scored = self._score_candidates(index, query, candidates)
        if query.city and (not scored or scored[0].score < MAX_SCORE):
            candidates |= self._city_candidates(index, query)
            scored = self._score_candidates(index, query, candidates)
        if not (query.postal or query.city) and (not scored or scored[0].score < MAX_SCORE):
            candidates |= self._country_candidates(index, query)
            scored = self._score_candidates(index, query, candidates)
        return self._decision(scored)

    def _countries(self, index: MasterIndex, query: _Query) -> list[str]:
        return [query.country] if query.country else sorted(index.by_country)

    def _near_candidates(self, index: MasterIndex, query: _Query) -> set[int]:
        """Same normalised name, same postal code, the rarest shared words, the acronym."""
        found: set[int] = set()
        for code in self._countries(index, query):
            found.update(index.by_key.get((code, query.name.sorted_key), ()))
            if query.postal:
                found.update(index.by_postal.get((code, query.postal), ()))
            found.update(_token_candidates(index, code, query.name))
            if len(query.name.tokens) == 1:
                found.update(index.by_acronym.get((code, query.name.tokens[0]), ()))
        return found

    def _city_candidates(self, index: MasterIndex, query: _Query) -> set[int]:
        """The best-named spellings of the mention's city (all of a small city)."""
        found: set[int] = set()
        for code in self._countries(index, query):
            block = (code, query.city)
            members = index.by_city.get(block)
            if not members:
                continue
            if len(members) <= CITY_BLOCK_ALL:
                found.update(members)
                continue
            best = process.extract(
                query.name.sorted_key,
                index.choices(block, members),
                scorer=fuzz.ratio,
                limit=CITY_BLOCK_BEST,
            )
            found.update(members[position] for _text, _score, position in best)
        return found

    def _country_candidates(self, index: MasterIndex, query: _Query) -> set[int]:
        """For a mention without postal code or city: the best-named of the country."""
        found: set[int] = set()
        for code in self._countries(index, query):
            members = index.by_country.get(code)
            if not members:
                continue
            best = process.extract(
                query.name.sorted_key,
                index.choices(("country", code), members),
                scorer=fuzz.ratio,
                limit=COUNTRY_CANDIDATES,
                score_cutoff=50,
            )
            found.update(members[position] for _text, _score, position in best)
        return found

    def _score_candidates(
        self, index: MasterIndex, query: _Query, name_indexes: Iterable[int]
    ) -> list[Candidate]:
        """Candidates best first, one per reseller (its best spelling).

        A cheap first pass (token-sort ratio plus postal code and city) keeps the
        ``SCORED_IN_FULL`` best spellings; only those get the word alignment and the street.
        """
        names = index.names
        entries = index.entries
        sorted_key = query.name.sorted_key
        first_pass = []
        for name_index in name_indexes:
            name = names[name_index]
            entry = entries[name.entry]
            if query.country and entry.country != query.country:
                continue
            quick = fuzz.ratio(sorted_key, name.key.sorted_key)
            if query.postal and query.postal == entry.postal:
                quick += POINTS_POSTAL_SAME
            if query.city and entry.city and query.city != entry.city:
                quick += POINTS_CITY_DIFFERENT
            first_pass.append((-quick, name_index))
        first_pass.sort()
        best: dict[int, tuple[float, int, tuple]] = {}
        for _quick, name_index in first_pass[:SCORED_IN_FULL]:
            name = names[name_index]
            entry = entries[name.entry]
            name_score = name_similarity(query.name, name.key, query_city=query.city)
            points, signals = _address_points(query, entry)
            query_legal, legal = query.name.legal_form, name.key.legal_form
            if query_legal and legal and legal_family(query_legal) != legal_family(legal):
                points += POINTS_LEGAL_DIFFERENT
            score = max(0.0, min(100.0, name_score + points))
            reseller_id = entry.record.reseller_id
            known = best.get(reseller_id)
            if known is None or score > known[0]:
                best[reseller_id] = (score, name_index, (name_score, points, *signals))
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
        candidates = []
        for reseller_id, (score, name_index, (name_score, points, *signals)) in ranked[
            :CANDIDATES_KEPT
        ]:
            postal, city, street = signals
            evidence = Evidence(
                name_score=_decimal(name_score),
                postal_code=postal,
                city=city,
                street=street,
                address_points=_decimal(points),
                matched_name=names[name_index].text,
            )
            candidates.append(Candidate(reseller_id, _decimal(score), evidence))
        return candidates

    def _decision(self, scored: list[Candidate]) -> MentionResult:
        return decide(scored, self.thresholds)


def decide(scored: Sequence[Candidate], thresholds: Thresholds) -> MentionResult:
    """The decision for a mention's candidates (best first) under ``thresholds``."""
    if not scored:
        return MentionResult(Decision.NEW, None, FUZZY, Decimal(0), reason="no candidate")
    best = scored[0]
    runner = scored[1] if len(scored) > 1 else None
    kept = tuple(scored[:CANDIDATES_KEPT])
    common = {
        "method": FUZZY,
        "score": best.score,
        "runner_up_id": runner.reseller_id if runner else None,
        "runner_up_score": runner.score if runner else None,
        "candidates": kept,
    }
    if best.score < thresholds.lower:
        return MentionResult(
            Decision.NEW, None, reason="best score below the lower threshold", **common
        )
    if best.score >= thresholds.upper:
        if runner is None or best.score - runner.score >= thresholds.margin:
            return MentionResult(
                Decision.AUTO,
                best.reseller_id,
                reason="score at or above the upper threshold",
                **common,
            )
        return MentionResult(
            Decision.REVIEW,
            best.reseller_id,
            reason=f"runner-up within {thresholds.margin} points",
            **common,
        )
    return MentionResult(
        Decision.REVIEW, best.reseller_id, reason="score between the thresholds", **common
    )


def _token_candidates(index: MasterIndex, country: str, name: NameKey) -> list[int]:
    """The names sharing the mention's rarest words, best total weight first."""
    size = index.country_sizes.get(country, 0)
    if not size:
        return []
    weights: dict[int, float] = defaultdict(float)
    limit = max(50, size // 20)
    for token in set(name.tokens):
        postings = index.by_token.get((country, token))
        if not postings or len(postings) > limit:
            continue
        weight = -math.log(size / len(postings))
        for name_index in postings:
            weights[name_index] += weight
    best = heapq.nsmallest(TOKEN_CANDIDATES, zip(weights.values(), weights.keys(), strict=True))
    return [name_index for _weight, name_index in best]


def _query(mention: ResellerMention) -> _Query:
    country = mention.country.strip().upper()
    postal = postal_key(mention.postal_code, country)
    return _Query(
        mention=mention,
        country=country,
        name=normalise_name(mention.name, city=mention.city),
        postal=postal,
        district=postal_district(postal, country),
        city=city_key(mention.city),
        street=street_key(mention.address),
    )


def _decimal(value: float) -> Decimal:
    """A score with one decimal, half away from zero: 96.25 → 96.3."""
    tenths = math.floor(abs(value) * 10 + 0.5)
    return Decimal(tenths if value >= 0 else -tenths).scaleb(-1)


# ------------------------------------------------------------------------------- scoring


def name_similarity(query: NameKey, candidate: NameKey, *, query_city: str = "") -> float:
    """How alike two normalised names are, 0 to 100.

    The best of: token-sort ratio (word order ignored), plain ratio, and a word alignment in
    which an abbreviation matching the start of a word counts nearly as the word.
    """
    if query.tokens == candidate.tokens:
        return 100.0
    score = max(
        fuzz.ratio(query.sorted_key, candidate.sorted_key),
        fuzz.ratio(query.key, candidate.key),
        aligned_similarity(query, candidate),
    )
    if query_city:
        city_words = set(query_city.split())
        kept = [index for index, token in enumerate(query.tokens) if token not in city_words]
        if kept and len(kept) < len(query.tokens) and not city_words & set(candidate.tokens):
            trimmed = NameKey(
                tuple(query.tokens[index] for index in kept),
                written=tuple(query.written[index] for index in kept) if query.written else (),
            )
            score = max(score, name_similarity(trimmed, candidate) - 3.0)
    return score


def _word_similarity(left: str, right: str, left_written: str, right_written: str) -> float:
    """0 to 1: equal words 1; an abbreviation of the other word (its start) 0.9; else the
    ratio when at least 0.75."""
    if left == right:
        return 1.0
    for short, long in ((left_written, right_written), (left, right)):
        if len(short) > len(long):
            short, long = long, short
        if len(short) >= 3 and long.startswith(short) and len(short) <= 0.8 * len(long):
            return 0.9
    return fuzz.ratio(left, right, score_cutoff=75) / 100


def aligned_similarity(left: NameKey, right: NameKey) -> float:
    """Words paired greedily by similarity, weighted by length, 0 to 100.

    Each pair counts its similarity times the letters of both words; unpaired words count
    nothing; the total is divided by all letters. So "apex comp" and "apex computing"
    score 95, "summit systems" and "summit data systems" 78. A last word of one or two
    letters that starts a word of the other name (a field cut short: "IT-S.") counts half.
    """
    left_words, right_words = left.tokens, right.tokens
    if not left_words or not right_words:
        return 0.0
    left_written = left.written or left_words
    right_written = right.written or right_words
    pairs = []
    for i, word in enumerate(left_words):
        for j, other in enumerate(right_words):
            similarity = _word_similarity(word, other, left_written[i], right_written[j])
            if similarity > 0:
                pairs.append((similarity, i, j))
    for words, written, others, last_left in (
        (left_words, left_written, right_words, True),
        (right_words, right_written, left_words, False),
    ):
        cut = written[-1]
        if len(cut) <= 2 and len(words) > 1:
            for k, other in enumerate(others):
                if len(other) > len(cut) and other.startswith(cut):
                    pair = (len(words) - 1, k) if last_left else (k, len(words) - 1)
                    pairs.append((0.5, *pair))
    pairs.sort(key=lambda pair: (-pair[0], pair[1], pair[2]))
    used_left: set[int] = set()
    used_right: set[int] = set()
    matched = 0.0
    for similarity, i, j in pairs:
        if i in used_left or j in used_right:
            continue
        used_left.add(i)
        used_right.add(j)
        matched += similarity * (len(left_words[i]) + len(right_words[j]))
    total = sum(map(len, left_words)) + sum(map(len, right_words))
    return 100.0 * matched / total


def _address_points(query: _Query, entry: _Entry) -> tuple[float, tuple[str, str, str]]:
    """Points for the address, and the postal code, city and street signals.

    The street decides what a postal code is worth: the same postal code on another street
    is a neighbour, not the same place, so it earns nothing then.
    """
    street = _street_signal(query.street, entry.street)
    points = 0.0
    if query.postal and entry.postal:
        if query.postal == entry.postal:
            postal = "same"
            points += POINTS_POSTAL_SAME if street != "different" else 0.0
        elif query.district and query.district == entry.district:
            postal = "district"
            points += POINTS_POSTAL_DISTRICT
        else:
            postal = "different"
            points += POINTS_POSTAL_DIFFERENT
    else:
        postal = "missing"
    if query.city and entry.city:
        if query.city == entry.city:
            city = "same"
            points += POINTS_CITY_SAME
        else:
            city = "different"
            points += POINTS_CITY_DIFFERENT
            if postal == "different":
                points += POINTS_POSTAL_FAR - POINTS_POSTAL_DIFFERENT
    else:
        city = "missing"
    if street == "same":
        points += POINTS_STREET_SAME
    elif street == "similar":
        points += POINTS_STREET_SIMILAR
    elif street == "different":
        points += POINTS_STREET_DIFFERENT
    if postal == "missing" and city == "missing" and street == "missing":
        points += POINTS_NO_ADDRESS
    return points, (postal, city, street)


def _street_signal(left: StreetKey, right: StreetKey) -> str:
    """``same`` street (and number, when both give one), ``similar`` (a looser spelling of
    the same number), ``different`` (another street, or another number on it), ``missing``.
    """
    if not left.words or not right.words:
        return "missing"
    similarity = fuzz.token_sort_ratio(left.text, right.text)
    if left.name and right.name:  # "5 Elm" and "5 Elm St" name one street
        similarity = max(similarity, fuzz.token_sort_ratio(left.name, right.name))
    both_numbered = bool(left.numbers) and bool(right.numbers)
    same_number = both_numbered and left.numbers == right.numbers
    if similarity >= 85:
        return "same" if same_number or not both_numbered else "different"
    if same_number and similarity >= 60:
        return "similar"
    return "different"


# ------------------------------------------------------------------ the full resolution


@dataclass
class ExactIdentifiers:
    """Exact lookups before the fuzzy step: partner id, tax id, account number, alias.

    ``account_numbers`` maps a distributor's account number (as ``identifier_key``) to the
    resellers it names; the reference has no account numbers of its own.
    """

    by_partner_id: dict[str, set[int]] = field(default_factory=dict)
    by_tax_id: dict[tuple[str, str], set[int]] = field(default_factory=dict)
    by_tax_number: dict[str, set[int]] = field(default_factory=dict)
    by_account: dict[str, set[int]] = field(default_factory=dict)
    by_alias: dict[tuple[str, ...], set[int]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        reference: ResellerReference,
        account_numbers: Iterable[tuple[str, int]] = (),
    ) -> ExactIdentifiers:
        exact = cls()
        for reseller_id, record in reference.resellers.items():
            _add(exact.by_partner_id, normalise_partner_id(record.partner_id), reseller_id)
            tax = tax_id_key(record.tax_id, record.country)
            if tax is not None:
                _add(exact.by_tax_id, tax, reseller_id)
                _add(exact.by_tax_number, tax[1], reseller_id)
        for account_number, reseller_id in account_numbers:
            _add(exact.by_account, identifier_key(account_number), reseller_id)
        for alias, reseller_id in reference.aliases:
            _add(exact.by_alias, normalise_name(alias).tokens, reseller_id)
        return exact

    def steps(self, mention: ResellerMention):
        """``(method, reseller ids)`` for each exact step that applies, in order."""
        country = mention.country.strip().upper()
        if mention.partner_id.strip():
            yield "partner_id", self.by_partner_id.get(normalise_partner_id(mention.partner_id))
        tax = tax_id_key(mention.tax_id, country)
        if tax is not None:
            if tax[0]:
                yield "tax_id", self.by_tax_id.get(tax)
            else:
                yield "tax_id", self.by_tax_number.get(tax[1])
        if mention.account_number.strip():
            yield "account_number", self.by_account.get(identifier_key(mention.account_number))
        tokens = normalise_name(mention.name).tokens
        if tokens:
            yield "alias", self.by_alias.get(tokens)


def _add(index: dict, key, reseller_id: int) -> None:
    if key and (not isinstance(key, tuple) or all(key)):
        index.setdefault(key, set()).add(reseller_id)


def resolve_mentions(
    mentions: Iterable[ResellerMention],
    reference: ResellerReference,
    *,
    matcher: FuzzyResellerMatcher,
    exact: ExactIdentifiers | None = None,
) -> dict[ResellerMention, MentionResult]:
    """The whole resolution order for distinct mentions: exact identifiers, alias, fuzzy.

    An exact step naming one reseller (in the mention's country, when it names several) is
    accepted with score 100; one naming several leaves the mention to the fuzzy step, whose
    candidates are then limited to them when it finds nothing better.
    """
    exact = exact or ExactIdentifiers.build(reference)
    results: dict[ResellerMention, MentionResult] = {}
    open_mentions: list[ResellerMention] = []
    for mention in dict.fromkeys(mentions):
        found = _exact_result(mention, exact, reference)
        if found is None:
            open_mentions.append(mention)
        else:
            results[mention] = found
    results.update(matcher.decide(open_mentions, reference))
    return results


def _exact_result(
    mention: ResellerMention, exact: ExactIdentifiers, reference: ResellerReference
) -> MentionResult | None:
    country = mention.country.strip().upper()
    for method, found in exact.steps(mention):
        if not found:
            continue
        if len(found) > 1:
            found = {pk for pk in found if reference.resellers[pk].country == country}
        if len(found) == 1:
            return MentionResult(
                Decision.AUTO, next(iter(found)), method, MAX_SCORE, reason=f"same {method}"
            )
    return None


def distinct_mentions(lines: Iterable[ResellerMention]) -> list[ResellerMention]:
    """The distinct mentions of a file's lines, in first-seen order."""
    return list(dict.fromkeys(lines))


def results_for_lines(
    lines: Sequence[ResellerMention], results: Mapping[ResellerMention, MentionResult]
) -> list[MentionResult]:
    """Each line's result, mapped back from its distinct mention."""
    return [results[line] for line in lines]
