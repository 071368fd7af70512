"""The fuzzy engine on crafted cases: each variation kind, hard negatives, the decisions."""

from decimal import Decimal
from types import MappingProxyType

import pytest

from midstream.ingest.resolve.resellers import (
    ResellerMatch,
    ResellerMention,
    ResellerRecord,
    ResellerReference,
)
from midstream.matching.engine import (
    Decision,
    ExactIdentifiers,
    FuzzyResellerMatcher,
    Thresholds,
    aligned_similarity,
    decide,
    resolve_mentions,
)
from midstream.matching.normalise import normalise_name

# (id, name, country, postal code, city, address, tax id)
MASTER = [
    (1, "ABC Computers Inc", "US", "75201", "Dallas", "100 Main St", "12-3456789"),
    (2, "Apex IT Solutions LLC", "US", "75202", "Dallas", "5 Elm St", ""),
    (3, "Apex Network Solutions LLC", "US", "75203", "Dallas", "77 Oak Ave", ""),
    (4, "Summit Systems Inc", "US", "98101", "Seattle", "12 Pine St", ""),
    (5, "Summit Data Systems Inc", "US", "98104", "Seattle", "900 1st Ave", ""),
    (6, "Schmidt Datentechnik GmbH", "DE", "80331", "München", "Hauptstraße 5", "DE123456789"),
    (7, "Informatique Provence SARL", "FR", "13001", "Marseille", "12 rue de la Gare", ""),
    (8, "Harbor Technology Group Inc", "US", "75204", "Dallas", "44 Commerce Dr", ""),
    (9, "Harbor Technology Group Inc", "US", "32201", "Jacksonville", "52 Pine St", ""),
    (10, "Miller & Clarke Computer Services Ltd", "GB", "M1 1AA", "Manchester", "1 King St", ""),
    (11, "Kestrel Systemhaus AG", "DE", "10115", "Berlin", "Lindenallee 3", ""),
]


def reference(aliases=()):
    records = {
        pk: ResellerRecord(pk, f"R{pk:07d}", name, country, postal, city, address, tax)
        for pk, name, country, postal, city, address, tax in MASTER
    }
    return ResellerReference(
        distributor_id=1, resellers=MappingProxyType(records), aliases=tuple(aliases)
    )


REFERENCE = reference()


def decide_one(mention, *, thresholds=None, ref=REFERENCE):
    return FuzzyResellerMatcher(thresholds).decide([mention], ref)[mention]


def mention(name, country="US", postal_code="", city="", address="", **ids):
    return ResellerMention(
        name=name, country=country, postal_code=postal_code, city=city, address=address, **ids
    )


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("exact", mention("ABC Computers Inc", postal_code="75201", city="Dallas"), 1),
        ("case and punctuation", mention("ABC COMPUTERS, INC.", city="DALLAS"), 1),
        ("legal suffix changed", mention("ABC Computers Incorporated", city="Dallas"), 1),
        ("legal suffix dropped", mention("Abc Computers", postal_code="75201"), 1),
        ("abbreviation", mention("ABC Comp.", postal_code="75201", city="Dallas"), 1),
        ("initials", mention("A.B.C. Computers", postal_code="75201", city="Dallas"), 1),
        (
            "typo",
            mention("Apex IT Soultions LLC", postal_code="75202", city="Dallas", address="5 Elm"),
            2,
        ),
        (
            "transposition",
            mention("Aepx IT Solutions LLC", postal_code="75202", city="Dallas", address="5 Elm"),
            2,
        ),
        (
            "swapped words",
            mention("Provence Informatique", "FR", "13001", "Marseille", "12 rue de la Gare"),
            7,
        ),
        ("branch words", mention("ABC Computers Inc - Dallas Branch", city="Dallas"), 1),
        (
            "address format",
            mention("Schmidt Datentechnik GmbH", "DE", "D-80331", "Munich", "Hauptstr. 5"),
            6,
        ),
        (
            "branch address, exact name",
            mention("Apex IT Solutions LLC", postal_code="75240", city="Dallas", address="9 Ross"),
            2,
        ),
        ("ampersand", mention("Miller and Clarke Computer Svcs Ltd", "GB", "M1 1AA"), 10),
    ],
)
def test_each_variation_kind_is_accepted_automatically(kind, raw, expected):
    result = decide_one(raw)
    assert (result.decision, result.reseller_id, result.method) == (
        Decision.AUTO,
        expected,
        "fuzzy",
    ), (kind, result)


@pytest.mark.parametrize(
    "raw",
    [
        # another trade word, same city, another address
        mention("Apex Data Solutions LLC", postal_code="75209", city="Dallas", address="3 Ross"),
        # one more word than the master's "Summit Systems"
        mention("Summit Cloud Systems Inc", postal_code="98109", city="Seattle", address="1 Bay"),
        # a look-alike surname in the same city
        mention("Schmitt Datentechnik GmbH", "DE", "80335", "München", "Bahnhofstraße 9"),
        # one letter from a master name, in the same city but at another address
        mention("Apax IT Solutions LLC", postal_code="75230", city="Dallas", address="8 Hall St"),
    ],
)
def test_hard_negatives_are_not_accepted(raw):
    result = decide_one(raw)
    assert result.decision is not Decision.AUTO, result


def test_namesakes_without_address_go_to_review_with_both_candidates():
    result = decide_one(mention("Harbor Technology Group Inc"))
    assert result.decision is Decision.REVIEW
    assert result.reason == "runner-up within 4.0 points"
    assert {candidate.reseller_id for candidate in result.candidates[:2]} == {8, 9}
    assert result.score == result.runner_up_score


def test_the_city_tells_namesakes_apart():
    result = decide_one(mention("Harbor Technology Group Inc", city="Jacksonville"))
    assert (result.decision, result.reseller_id) == (Decision.AUTO, 9)
    assert result.candidates[0].evidence.city == "same"
    assert result.candidates[1].evidence.city == "different"


def test_a_namesake_in_another_city_is_not_accepted():
    result = decide_one(mention("Kestrel Systemhaus AG", "DE", "20095", "Hamburg", "Hafenstraße 2"))
    assert result.decision is Decision.REVIEW
    assert result.reseller_id == 11
    assert result.candidates[0].evidence.city == "different"


def test_an_unknown_company_is_a_new_reseller_candidate():
    result = decide_one(mention("Zebra Plumbing Supplies", postal_code="75201", city="Dallas"))
    assert result.decision is Decision.NEW
    assert result.reseller_id is None
    assert result.score < Decimal(75)


def test_evidence_explains_the_score():
    result = decide_one(
        mention("Apex IT Soultions LLC", postal_code="75202", city="Dallas", address="5 Elm St")
    )
    best = result.candidates[0]
    assert best.evidence.postal_code == "same"
    assert best.evidence.city == "same"
    assert best.evidence.street == "same"
    assert best.evidence.address_points == Decimal("8.0")
    assert best.evidence.matched_name == "Apex IT Solutions LLC"
    assert best.score == min(Decimal(100), best.evidence.name_score + Decimal("8.0"))
    assert result.runner_up_id == 3


def test_an_alias_is_matched_like_a_name():
    ref = reference(aliases=[("Provence Info Services", 7)])
    result = decide_one(mention("Provence Info Svcs", "FR", city="Marseille"), ref=ref)
    assert (result.decision, result.reseller_id) == (Decision.AUTO, 7)
    assert result.candidates[0].evidence.matched_name == "Provence Info Services"


def test_thresholds_move_the_decision():
    raw = mention("Apax IT Solutions LLC", postal_code="75230", city="Dallas", address="8 Hall St")
    score = decide_one(raw).score
    assert decide_one(raw, thresholds=Thresholds(upper=score, lower=Decimal(50))).decision is (
        Decision.AUTO
    )
    assert decide_one(
        raw, thresholds=Thresholds(upper=Decimal(100), lower=score + Decimal("0.1"))
    ).decision is (Decision.NEW)


def test_decide_is_a_function_of_the_scores():
    result = decide_one(mention("Harbor Technology Group Inc"))
    wide_margin = Thresholds(upper=Decimal(90), lower=Decimal(50), margin=Decimal(0))
    assert decide(result.candidates, wide_margin).decision is Decision.AUTO
    assert decide((), Thresholds()).decision is Decision.NEW


def test_thresholds_are_validated():
    with pytest.raises(ValueError, match="lower < upper"):
        Thresholds(upper=Decimal(80), lower=Decimal(80))
    with pytest.raises(ValueError, match="finite"):
        Thresholds(upper=Decimal("NaN"))
    with pytest.raises(ValueError, match="margin"):
        Thresholds(margin=Decimal(-1))


def test_matcher_protocol_shapes_results_for_the_ingest_resolver():
    auto = mention("ABC Computers Inc", postal_code="75201", city="Dallas")
    review = mention("Harbor Technology Group Inc")
    new = mention("Zebra Plumbing Supplies", city="Dallas")
    matches = FuzzyResellerMatcher().match([auto, review, new], REFERENCE)
    assert matches[auto] == ResellerMatch(reseller_id=1, method="fuzzy", score=Decimal("100.0"))
    assert matches[review].reseller_id is None
    assert set(matches[review].candidates[:2]) == {8, 9}
    assert new not in matches


def test_the_index_is_built_once_per_reference():
    matcher = FuzzyResellerMatcher()
    first = matcher.index_for(REFERENCE)
    assert matcher.index_for(REFERENCE) is first
    assert matcher.index_for(reference()) is not first


def test_results_are_deterministic():
    mentions = [
        mention("Harbor Technology Group Inc"),
        mention("Apex Solutions", city="Dallas"),
        mention("Summit Systems", city="Seattle"),
    ]
    first = FuzzyResellerMatcher().decide(mentions, REFERENCE)
    second = FuzzyResellerMatcher().decide(list(reversed(mentions)), reference())
    assert first == second


def test_exact_identifiers_come_first():
    exact = ExactIdentifiers.build(REFERENCE, account_numbers=[("ACC-7", 4)])
    mentions = [
        mention("Completely Different Name", partner_id=" r0000005 "),
        mention("Someone", tax_id="12-3456789"),
        mention("Other", "DE", tax_id="DE 123.456.789"),
        mention("Third", account_number="acc-7"),
        mention("ABC Computers Inc", postal_code="75201", city="Dallas"),
    ]
    results = resolve_mentions(mentions, REFERENCE, matcher=FuzzyResellerMatcher(), exact=exact)
    assert [(results[m].reseller_id, results[m].method) for m in mentions] == [
        (5, "partner_id"),
        (1, "tax_id"),
        (6, "tax_id"),
        (4, "account_number"),
        (1, "fuzzy"),
    ]
    assert all(results[m].decision is Decision.AUTO for m in mentions)
    assert results[mentions[0]].score == Decimal(100)


def test_an_exact_alias_resolves_before_fuzzy():
    ref = reference(aliases=[("Big Blue Shop", 4)])
    raw = mention("BIG BLUE SHOP", city="Dallas")
    results = resolve_mentions([raw], ref, matcher=FuzzyResellerMatcher())
    assert (results[raw].reseller_id, results[raw].method) == (4, "alias")


def test_word_alignment_reads_abbreviations():
    assert aligned_similarity(
        normalise_name("Apex Comp"), normalise_name("Apex Computing")
    ) == pytest.approx(100 * (8 + 0.9 * (8 + 9)) / (4 + 8 + 4 + 9))
    assert aligned_similarity(
        normalise_name("Summit Systems"), normalise_name("Summit Data Systems")
    ) == pytest.approx(100 * (12 + 12) / (12 + 16))
