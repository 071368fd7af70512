"""ResellerResolver: exact identifiers, aliases, names, scoping, the matcher plug-in."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from midstream.ingest.resolve import (
    ResellerMatch,
    ResellerMention,
    ResellerReference,
    ResellerResolver,
)
from midstream.network.models import Reseller, ResellerAlias, ResellerSupply

SINCE = dt.date(2025, 1, 1)


def make_reseller(partner_id, name, country, tax_id="", **fields):
    return Reseller.objects.unscoped().create(
        partner_id=partner_id, name=name, country=country, tax_id=tax_id, **fields
    )


def supply(distributor, reseller, account_number, until=None):
    return ResellerSupply.objects.unscoped().create(
        distributor=distributor,
        reseller=reseller,
        since=SINCE,
        account_number=account_number,
        until=until,
    )


def alias(reseller, text, distributor=None):
    return ResellerAlias.objects.unscoped().create(
        reseller=reseller, alias=text, distributor=distributor
    )


@pytest.fixture
def network(dist_a, dist_b):
    muller = make_reseller(
        "R0000001", "Müller IT-Systeme GmbH", "DE", tax_id="DE123456789", city="Köln"
    )
    acme = make_reseller("R0000002", "Acme Computers, Inc.", "US", tax_id="12-3456789")
    acme_uk = make_reseller("R0000003", "Acme Computers Inc", "GB", tax_id="GB 987 6543 21")
    dupont = make_reseller("R0000004", "Dupont Informatique", "FR", tax_id="FR12345678901")
    supply(dist_a, muller, "A-100")
    supply(dist_a, acme, "A-200", until=dt.date(2025, 6, 30))
    supply(dist_b, dupont, "B-900")
    supply(dist_b, acme_uk, "A-100")  # B's account A-100 is another reseller
    alias(muller, "MITS Köln", distributor=dist_a)
    alias(dupont, "Dupont Info", distributor=dist_b)
    alias(acme, "ACME Corp.")  # vendor-wide
    return {"muller": muller, "acme": acme, "acme_uk": acme_uk, "dupont": dupont}


def exact(reseller, method):
    return ResellerMatch(reseller_id=reseller.pk, method=method, score=Decimal(100))


@pytest.mark.django_db
class TestExactSteps:
    @pytest.mark.parametrize(
        ("mention", "key", "method"),
        [
            (ResellerMention(partner_id=" r0000001 "), "muller", "partner_id"),
            (ResellerMention(tax_id="DE 123.456.789"), "muller", "tax_id"),
            (ResellerMention(tax_id="123456789", country="de"), "muller", "tax_id"),
            (ResellerMention(tax_id="12-3456789", country="US"), "acme", "tax_id"),
            (ResellerMention(tax_id="GB987654321"), "acme_uk", "tax_id"),
            (ResellerMention(tax_id="987-654-321", country="GB"), "acme_uk", "tax_id"),
            (ResellerMention(account_number=" a-100"), "muller", "account_number"),
            # An ended supply still names the reseller in past reports.
            (ResellerMention(account_number="A-200"), "acme", "account_number"),
            (ResellerMention(name="mits  KOLN"), "muller", "alias"),
            (ResellerMention(name="Acme corp"), "acme", "alias"),
            (ResellerMention(name="MULLER it systeme gmbh", country="DE"), "muller", "name"),
            (ResellerMention(name="Acme Computers Inc", country="us"), "acme", "name"),
            (ResellerMention(name="Acme Computers Inc", country="GB"), "acme_uk", "name"),
        ],
    )
    def test_each_step(self, dist_a, network, mention, key, method):
        resolver = ResellerResolver(distributor_id=dist_a.pk)
        assert resolver.resolve(mention) == exact(network[key], method)

    def test_order_partner_id_before_tax_id_before_account_before_names(self, dist_a, network):
        resolver = ResellerResolver(distributor_id=dist_a.pk)
        mention = ResellerMention(
            partner_id="R0000002",
            tax_id="DE123456789",
            account_number="A-100",
            name="MITS Köln",
            country="DE",
        )
        assert resolver.resolve(mention) == exact(network["acme"], "partner_id")
        without_partner = ResellerMention(
            tax_id="12-3456789", country="US", account_number="A-100", name="MITS Köln"
        )
        assert resolver.resolve(without_partner) == exact(network["acme"], "tax_id")
        unknown_ids = ResellerMention(partner_id="R9", tax_id="000", name="Acme corp")
        assert resolver.resolve(unknown_ids) == exact(network["acme"], "alias")

    def test_name_needs_the_same_country(self, dist_a, network):
        resolver = ResellerResolver(distributor_id=dist_a.pk)
        assert resolver.resolve(ResellerMention(name="Müller IT-Systeme GmbH")) is None
        assert (
            resolver.resolve(ResellerMention(name="Müller IT-Systeme GmbH", country="AT")) is None
        )

    def test_a_namesake_in_another_city_is_left_to_the_fuzzy_step(self, dist_a, network):
        # network["muller"] is in Köln (postal code not recorded).
        resolver = ResellerResolver(distributor_id=dist_a.pk)
        muller = "Müller IT-Systeme GmbH"
        elsewhere = ResellerMention(name=muller, country="DE", city="Hamburg")
        assert resolver.resolve(elsewhere) is None
        same_city = ResellerMention(name=muller, country="DE", city=" KÖLN ", postal_code="50667")
        assert resolver.resolve(same_city) == exact(network["muller"], "name")
        # Only the mention says where: nothing contradicts it.
        no_city = ResellerMention(name=muller, country="DE", postal_code="20095")
        assert resolver.resolve(no_city) == exact(network["muller"], "name")

    def test_an_agreeing_postal_code_is_enough_when_the_cities_are_spelled_apart(self, dist_a):
        shop = make_reseller("R0000009", "Shop GmbH", "DE", city="Frankfurt am Main")
        shop.postal_code = "60311"
        shop.save()
        resolver = ResellerResolver(distributor_id=dist_a.pk)
        mention = ResellerMention(
            name="Shop GmbH", country="DE", city="Frankfurt", postal_code="60311"
        )
        assert resolver.resolve(mention) == exact(shop, "name")
        moved = ResellerMention(name="Shop GmbH", country="DE", city="Berlin", postal_code="10115")
        assert resolver.resolve(moved) is None

    def test_nothing_matches(self, dist_a, network):
        resolver = ResellerResolver(distributor_id=dist_a.pk)
        assert resolver.resolve(ResellerMention()) is None
        assert resolver.resolve(ResellerMention(name="Nobody", country="DE")) is None
        assert resolver.resolve(ResellerMention(tax_id="DE999999999")) is None

    def test_ambiguous_tax_id_lists_candidates_and_later_steps_still_decide(self, dist_a, network):
        twin = make_reseller("R0000005", "Müller Zweigstelle", "DE", tax_id="de-123456789")
        resolver = ResellerResolver(distributor_id=dist_a.pk)
        both = tuple(sorted([network["muller"].pk, twin.pk]))
        assert resolver.resolve(ResellerMention(tax_id="DE123456789")) == ResellerMatch(
            reseller_id=None, method="tax_id", candidates=both
        )
        with_account = ResellerMention(tax_id="DE123456789", account_number="A-100")
        assert resolver.resolve(with_account) == exact(network["muller"], "account_number")

    def test_bare_tax_number_without_country_is_ambiguous(self, dist_a, network):
        other = make_reseller("R0000006", "Other", "US", tax_id="123456789")
        resolver = ResellerResolver(distributor_id=dist_a.pk)
        # No prefix, no country: "123456789" is Müller's DE number, Acme's US EIN 12-3456789
        # and Other's US number.
        everyone = tuple(sorted([network["muller"].pk, network["acme"].pk, other.pk]))
        assert resolver.resolve(ResellerMention(tax_id="123456789")) == ResellerMatch(
            reseller_id=None, method="tax_id", candidates=everyone
        )
        assert resolver.resolve(ResellerMention(tax_id="123456789", country="DE")) == exact(
            network["muller"], "tax_id"
        )
        same_country = resolver.resolve(ResellerMention(tax_id="123456789", country="US"))
        assert same_country.candidates == tuple(sorted([network["acme"].pk, other.pk]))

    def test_shared_alias_narrowed_by_country(self, dist_a, network):
        alias(network["acme_uk"], "ACME Corp.")
        resolver = ResellerResolver(distributor_id=dist_a.pk)
        assert resolver.resolve(ResellerMention(name="acme corp", country="GB")) == exact(
            network["acme_uk"], "alias"
        )
        ambiguous = resolver.resolve(ResellerMention(name="acme corp"))
        assert ambiguous == ResellerMatch(
            reseller_id=None,
            method="alias",
            candidates=tuple(sorted([network["acme"].pk, network["acme_uk"].pk])),
        )


@pytest.mark.django_db
class TestScoping:
    def test_account_numbers_are_the_uploading_distributors_own(self, dist_a, dist_b, network):
        resolver_a = ResellerResolver(distributor_id=dist_a.pk)
        resolver_b = ResellerResolver(distributor_id=dist_b.pk)
        assert resolver_a.resolve(ResellerMention(account_number="B-900")) is None
        assert resolver_b.resolve(ResellerMention(account_number="B-900")) == exact(
            network["dupont"], "account_number"
        )
        same_spelling = ResellerMention(account_number="A-100")
        assert resolver_a.resolve(same_spelling) == exact(network["muller"], "account_number")
        assert resolver_b.resolve(same_spelling) == exact(network["acme_uk"], "account_number")
        assert resolver_b.resolve(ResellerMention(account_number="A-200")) is None

    def test_aliases_are_own_or_vendor_wide(self, dist_a, dist_b, network):
        resolver_a = ResellerResolver(distributor_id=dist_a.pk)
        resolver_b = ResellerResolver(distributor_id=dist_b.pk)
        assert resolver_a.resolve(ResellerMention(name="Dupont Info")) is None
        assert resolver_b.resolve(ResellerMention(name="Dupont Info")) == exact(
            network["dupont"], "alias"
        )
        assert resolver_b.resolve(ResellerMention(name="MITS Köln")) is None
        assert resolver_b.resolve(ResellerMention(name="ACME corp")) == exact(
            network["acme"], "alias"
        )

    def test_reference_holds_only_own_and_vendor_wide_aliases(self, dist_a, dist_b, network):
        resolver_b = ResellerResolver(distributor_id=dist_b.pk)
        assert sorted(resolver_b.reference.aliases) == sorted(
            [("Dupont Info", network["dupont"].pk), ("ACME Corp.", network["acme"].pk)]
        )


class RecordingMatcher:
    """A stand-in for issue 4's fuzzy matcher: answers from a fixed table, records calls."""

    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def match(self, mentions, reference):
        self.calls.append((list(mentions), reference))
        return {mention: self.answers[mention] for mention in mentions if mention in self.answers}


@pytest.mark.django_db
class TestMatchers:
    def test_matchers_see_only_unresolved_distinct_mentions_in_order(self, dist_a, network):
        resolved = ResellerMention(partner_id="R0000001")
        unknown = ResellerMention(name="Mueller IT Systeme", country="DE")
        other = ResellerMention(name="Someone Else", country="FR")
        fuzzy = ResellerMatch(network["muller"].pk, "fuzzy_name", Decimal("91.5"), ())
        first = RecordingMatcher({unknown: fuzzy})
        second = RecordingMatcher({})
        resolver = ResellerResolver(distributor_id=dist_a.pk, matchers=[first, second])
        results = resolver.resolve_many([resolved, unknown, other, unknown, resolved])
        assert results == {
            resolved: exact(network["muller"], "partner_id"),
            unknown: fuzzy,
            other: None,
        }
        assert [mentions for mentions, _ in first.calls] == [[unknown, other]]
        assert [mentions for mentions, _ in second.calls] == [[other]]
        reference = first.calls[0][1]
        assert isinstance(reference, ResellerReference)
        assert reference.distributor_id == dist_a.pk
        assert reference.resellers[network["muller"].pk].city == "Köln"

    def test_matchers_not_called_when_everything_resolved(self, dist_a, network):
        matcher = RecordingMatcher({})
        resolver = ResellerResolver(distributor_id=dist_a.pk, matchers=[matcher])
        resolver.resolve_many([ResellerMention(partner_id="R0000002")])
        assert matcher.calls == []

    def test_ambiguous_exact_kept_unless_a_matcher_resolves_it(self, dist_a, network):
        twin = make_reseller("R0000005", "Twin", "DE", tax_id="DE123456789")
        both = tuple(sorted([network["muller"].pk, twin.pk]))
        kept = ResellerMention(tax_id="DE123456789")
        settled = ResellerMention(tax_id="DE123456789", name="Twin GmbH")
        review = ResellerMatch(None, "fuzzy_name", Decimal(60), (twin.pk,))
        chosen = ResellerMatch(twin.pk, "fuzzy_name", Decimal(95), ())
        matcher = RecordingMatcher({kept: review, settled: chosen})
        resolver = ResellerResolver(distributor_id=dist_a.pk, matchers=[matcher])
        results = resolver.resolve_many([kept, settled])
        assert results[kept] == ResellerMatch(None, "tax_id", Decimal(100), both)
        assert results[settled] == chosen

    def test_answers_for_mentions_not_asked_about_are_ignored(self, dist_a, network):
        stray = ResellerMention(name="Stray")
        asked = ResellerMention(name="Asked")
        matcher = RecordingMatcher(
            {stray: ResellerMatch(network["acme"].pk, "fuzzy_name", Decimal(99))}
        )
        resolver = ResellerResolver(distributor_id=dist_a.pk, matchers=[matcher])
        assert resolver.resolve_many([asked]) == {asked: None}


@pytest.mark.django_db
class TestQueryCounts:
    def test_building_is_three_queries_and_resolving_none(
        self, dist_a, dist_b, network, django_assert_num_queries
    ):
        with django_assert_num_queries(3):
            ResellerResolver(distributor_id=dist_a.pk)
        for number in range(30):
            reseller = make_reseller(f"X{number:07}", f"Extra {number}", "DE", f"DE{number:09}")
            supply(dist_a, reseller, f"A-X{number}")
            supply(dist_b, reseller, f"B-X{number}")
            alias(reseller, f"Extra alias {number}", distributor=dist_a)
        with django_assert_num_queries(3):
            resolver = ResellerResolver(distributor_id=dist_a.pk)
        mentions = [ResellerMention(account_number=f"a-x{number}") for number in range(30)]
        mentions += [ResellerMention(name=f"extra alias {number}") for number in range(30)]
        mentions += [ResellerMention(name=f"Extra {number}", country="DE") for number in range(30)]
        with django_assert_num_queries(0):
            results = resolver.resolve_many(mentions)
            resolver.resolve(ResellerMention(tax_id="DE000000007"))
        assert len(results) == 90
        assert all(match is not None and match.is_resolved for match in results.values())


MENTION_VALUES = st.fixed_dictionaries(
    {},
    optional={
        "name": st.sampled_from(["MITS Köln", "Acme corp", "Acme Computers Inc", "Dupont Info"]),
        "country": st.sampled_from(["", "DE", "US", "GB"]),
        "partner_id": st.sampled_from(["", "R0000001", "r0000004", "R9"]),
        "tax_id": st.sampled_from(["", "DE123456789", "123456789", "GB987654321"]),
        "account_number": st.sampled_from(["", "A-100", "B-900", "A-200"]),
    },
)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(MENTION_VALUES.map(lambda values: ResellerMention(**values)), max_size=15))
def test_resolve_many_equals_resolve_over_distinct_mentions(dist_a, network, mentions):
    resolver = ResellerResolver(distributor_id=dist_a.pk)
    expected = {mention: resolver.resolve(mention) for mention in set(mentions)}
    assert resolver.resolve_many(mentions) == expected
