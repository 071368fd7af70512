"""Which reseller a reported party means (issue 3), with the plug-in point for issue 4.

Exact identifiers first — the vendor's partner id, the tax id, the uploading distributor's own
account number — then a known alias and the exact name within the same country. Mentions the
exact steps leave unresolved go to the extra matchers (issue 4's fuzzy matching and review
queue), which see the same reference data and so need no query of their own.

Scoping (STYLE.md, "reference data used for lookups is scoped to the uploading distributor"):
account numbers and aliases are the uploading distributor's own (plus vendor-wide aliases);
another distributor's account numbers and aliases never match. The reseller master itself
(partner id, tax id, name, address) is vendor-wide: a distributor may report a reseller it has
not been recorded as supplying yet, and the partner id the vendor gave that reseller must still
find it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Protocol

from midstream.ingest.resolve.normalise import identifier_key, name_key, tax_id_key
from midstream.network.calc import normalise_partner_id
from midstream.network.models import Reseller, ResellerAlias, ResellerSupply

EXACT_SCORE = Decimal(100)


@dataclass(frozen=True)
class ResellerMention:
    """A reseller as one report row names it: raw text, as the mapping stage typed it."""

    name: str = ""
    country: str = ""
    postal_code: str = ""
    city: str = ""
    address: str = ""
    partner_id: str = ""
    tax_id: str = ""
    account_number: str = ""


@dataclass(frozen=True)
class ResellerMatch:
    """The outcome for one mention.

    ``reseller_id`` is ``None`` when the step found several resellers: ``candidates`` then
    lists them (ascending ids) for a person to choose from. ``score`` is 100 for the exact
    steps; fuzzy matchers use 0 to 100.
    """

    reseller_id: int | None
    method: str
    score: Decimal = EXACT_SCORE
    candidates: tuple[int, ...] = ()

    @property
    def is_resolved(self) -> bool:
        return self.reseller_id is not None


@dataclass(frozen=True)
class ResellerRecord:
    """One reseller of the vendor-wide master, as the resolver loaded it."""

    reseller_id: int
    partner_id: str
    name: str
    country: str
    postal_code: str
    city: str
    address: str
    tax_id: str


@dataclass(frozen=True)
class ResellerReference:
    """Everything the resolver loaded, for matchers to use without querying again.

    ``aliases`` are ``(alias, reseller_id)`` pairs visible to the distributor: its own and the
    vendor-wide ones.
    """

    distributor_id: int
    resellers: Mapping[int, ResellerRecord]
    aliases: tuple[tuple[str, int], ...]


class ResellerMatcher(Protocol):
    """An extra matching step (issue 4: fuzzy names and addresses, the review queue).

    Called once per ``resolve_many`` with the distinct mentions the steps before it left
    unresolved; returns a match for the mentions it has something for and leaves the others
    out. It must not query per mention: build what it needs from ``reference``.
    """

    def match(
        self, mentions: Sequence[ResellerMention], reference: ResellerReference
    ) -> Mapping[ResellerMention, ResellerMatch]: ...


class ResellerResolver:
    """Reseller lookups for one distributor's upload, loaded up front in three queries."""

    def __init__(self, *, distributor_id: int, matchers: Sequence[ResellerMatcher] = ()):
        self.distributor_id = distributor_id
        self.matchers = tuple(matchers)
        self._by_partner_id: dict[str, set[int]] = {}
        self._by_tax_id: dict[tuple[str, str], set[int]] = {}
        self._by_tax_number: dict[str, set[int]] = {}
        self._by_name: dict[tuple[str, str], set[int]] = {}
        self._by_account: dict[str, set[int]] = {}
        self._by_alias: dict[str, set[int]] = {}
        records = {}
        rows = Reseller.objects.unscoped().values_list(
            "pk", "partner_id", "name", "country", "postal_code", "city", "address_line", "tax_id"
        )
        for row in rows:
            record = ResellerRecord(*row)
            records[record.reseller_id] = record
            pk = record.reseller_id
            _add(self._by_partner_id, normalise_partner_id(record.partner_id), pk)
            tax = tax_id_key(record.tax_id, record.country)
            if tax is not None:
                _add(self._by_tax_id, tax, pk)
                _add(self._by_tax_number, tax[1], pk)
            _add(self._by_name, (record.country.upper(), name_key(record.name)), pk)
        supplies = (
            ResellerSupply.objects.for_distributor(distributor_id)
            .exclude(account_number="")
            .values_list("account_number", "reseller_id")
        )
        for account_number, reseller_id in supplies:
            _add(self._by_account, identifier_key(account_number), reseller_id)
        aliases = tuple(
            ResellerAlias.objects.for_distributor(distributor_id).values_list(
                "alias", "reseller_id"
            )
        )
        for alias, reseller_id in aliases:
            _add(self._by_alias, name_key(alias), reseller_id)
        self.reference = ResellerReference(
            distributor_id=distributor_id,
            resellers=MappingProxyType(records),
            aliases=aliases,
        )

    def resolve(self, mention: ResellerMention) -> ResellerMatch | None:
        return self.resolve_many([mention])[mention]

    def resolve_many(
        self, mentions: Iterable[ResellerMention]
    ) -> dict[ResellerMention, ResellerMatch | None]:
        """A match (or ``None``) for each distinct mention, exact steps then the matchers."""
        results = {mention: self._exact(mention) for mention in dict.fromkeys(mentions)}
        for matcher in self.matchers:
            open_mentions = [
                mention
                for mention, match in results.items()
                if match is None or not match.is_resolved
            ]
            if not open_mentions:
                break
            for mention, match in matcher.match(open_mentions, self.reference).items():
                if mention not in results or match is None:
                    continue
                # An ambiguous exact hit keeps its candidates unless the matcher resolves it.
                if results[mention] is None or match.is_resolved:
                    results[mention] = match
        return results

    def _exact(self, mention: ResellerMention) -> ResellerMatch | None:
        """The first exact step naming one reseller; else the first ambiguous one; else None."""
        country = mention.country.strip().upper()
        ambiguous: ResellerMatch | None = None
        for method, found in self._exact_steps(mention, country):
            if not found:
                continue
            if len(found) == 1:
                return ResellerMatch(reseller_id=next(iter(found)), method=method)
            narrowed = {pk for pk in found if self.reference.resellers[pk].country == country}
            if len(narrowed) == 1:
                return ResellerMatch(reseller_id=next(iter(narrowed)), method=method)
            if ambiguous is None:
                ambiguous = ResellerMatch(
                    reseller_id=None, method=method, candidates=tuple(sorted(found))
                )
        return ambiguous

    def _exact_steps(self, mention: ResellerMention, country: str):
        """``(method, reseller ids)`` for each exact step, in resolution order (lazily)."""
        if mention.partner_id.strip():
            yield "partner_id", self._by_partner_id.get(normalise_partner_id(mention.partner_id))
        tax = tax_id_key(mention.tax_id, country)
        if tax is not None:
            if tax[0]:
                yield "tax_id", self._by_tax_id.get(tax)
            else:
                yield "tax_id", self._by_tax_number.get(tax[1])
        if mention.account_number.strip():
            yield "account_number", self._by_account.get(identifier_key(mention.account_number))
        name = name_key(mention.name)
        if name:
            yield "alias", self._by_alias.get(name)
            if country:
                yield "name", self._same_place(mention, self._by_name.get((country, name)))

    def _same_place(self, mention: ResellerMention, found: set[int] | None) -> set[int] | None:
        """The same-named resellers not contradicted by the mention's city or postal code.

        A namesake in another city is a different business (issue 4): when both sides give a
        postal code or a city, one of them must agree; otherwise the fuzzy step decides, with
        the address as evidence.
        """
        if not found:
            return found
        postal = _place(mention.postal_code)
        city = _place(mention.city)
        if not postal and not city:
            return found
        kept = set()
        for pk in found:
            record = self.reference.resellers[pk]
            their_postal, their_city = _place(record.postal_code), _place(record.city)
            comparable = (postal and their_postal) or (city and their_city)
            agrees = (postal and postal == their_postal) or (city and city == their_city)
            if agrees or not comparable:
                kept.add(pk)
        return kept


def _place(text: str) -> str:
    """A city or postal code compared without case, spaces or punctuation."""
    return "".join(character for character in text.casefold() if character.isalnum())


def _add(index: dict, key, reseller_id: int) -> None:
    if key and (not isinstance(key, tuple) or all(key[1:])):
        index.setdefault(key, set()).add(reseller_id)
