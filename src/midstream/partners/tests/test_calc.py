import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from midstream.partners import calc
from midstream.partners.choices import DistributorStatus

statuses = st.sampled_from(calc.STATUSES)
regions = st.sampled_from(["AMER", "EMEA", "APAC"])
countries = st.sampled_from(["", "US", "DE", "FR", "JP"])
claims = st.builds(
    calc.TerritoryClaim,
    distributor_id=st.integers(min_value=1, max_value=5),
    region=regions,
    country=countries,
    exclusive=st.booleans(),
)
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))


def test_the_transition_table_is_the_one_of_issue_2():
    assert {status: sorted(targets) for status, targets in calc.TRANSITIONS.items()} == {
        "prospect": ["onboarding", "terminated"],
        "onboarding": ["active", "terminated"],
        "active": ["suspended", "terminated"],
        "suspended": ["active", "terminated"],
        "terminated": [],
    }


def test_statuses_match_the_model_choices():
    assert set(calc.STATUSES) == set(DistributorStatus.values)


@given(statuses, statuses)
def test_check_transition_agrees_with_allowed_transitions(from_status, to_status):
    refusal = calc.check_transition(from_status, to_status)
    assert (refusal is None) == (to_status in calc.allowed_transitions(from_status))
    if refusal is not None:
        assert isinstance(refusal, str)
        assert refusal


@given(statuses)
def test_no_status_moves_to_itself_and_terminated_is_final(status):
    assert status not in calc.allowed_transitions(status)
    assert calc.check_transition(calc.TERMINATED, status) is not None


@given(statuses)
def test_every_status_but_terminated_can_be_terminated(status):
    if status != calc.TERMINATED:
        assert calc.check_transition(status, calc.TERMINATED) is None


@given(st.text(max_size=12).filter(lambda text: text not in calc.STATUSES), statuses)
def test_unknown_statuses_are_refused(unknown, known):
    assert calc.allowed_transitions(unknown) == frozenset()
    assert "not a distributor status" in calc.check_transition(unknown, known)
    assert "not a distributor status" in calc.check_transition(known, unknown)


def test_refusal_messages_say_what_is_allowed():
    assert calc.check_transition("prospect", "active") == (
        "A distributor cannot go from prospect to active; allowed: onboarding, terminated."
    )
    assert calc.check_transition("terminated", "active") == (
        "A terminated distributor cannot change status: termination is final."
    )
    assert calc.check_transition("active", "active") == "The distributor is already active."


@given(claims, claims)
def test_overlap_is_symmetric(first, second):
    assert calc.territories_overlap(first, second) == calc.territories_overlap(second, first)


@given(claims)
def test_a_claim_overlaps_itself(claim):
    assert calc.territories_overlap(claim, claim)


def test_overlap_examples():
    def claim(region, country):
        return calc.TerritoryClaim(1, region, country, False)

    assert calc.territories_overlap(claim("EMEA", "DE"), claim("EMEA", ""))
    assert calc.territories_overlap(claim("EMEA", ""), claim("EMEA", ""))
    assert not calc.territories_overlap(claim("EMEA", "DE"), claim("EMEA", "FR"))
    assert not calc.territories_overlap(claim("EMEA", ""), claim("AMER", ""))
    assert not calc.territories_overlap(claim("EMEA", ""), claim("AMER", "US"))


@given(claims, st.lists(claims, max_size=6))
def test_a_conflict_is_always_another_distributors_overlapping_exclusive_claim(claim, others):
    conflict = calc.territory_conflict(claim, others)
    expected = [
        other
        for other in others
        if other.distributor_id != claim.distributor_id
        and other.exclusive
        and calc.territories_overlap(claim, other)
    ]
    assert conflict == (expected[0] if expected else None)


@given(claims, st.lists(claims, max_size=6))
def test_non_exclusive_claims_of_others_never_conflict(claim, others):
    non_exclusive = [
        calc.TerritoryClaim(o.distributor_id, o.region, o.country, False) for o in others
    ]
    assert calc.territory_conflict(claim, non_exclusive) is None


def test_conflict_examples_from_the_issue():
    bravo_de = calc.TerritoryClaim(2, "EMEA", "DE", True)
    # An exclusive territory overlapping another's exclusive one: refused.
    assert calc.territory_conflict(calc.TerritoryClaim(1, "EMEA", "", True), [bravo_de]) == bravo_de
    # A non-exclusive one where someone else is exclusive: refused.
    assert calc.territory_conflict(calc.TerritoryClaim(1, "EMEA", "DE", False), [bravo_de]) == (
        bravo_de
    )
    # Elsewhere in the region: fine.
    assert calc.territory_conflict(calc.TerritoryClaim(1, "EMEA", "FR", True), [bravo_de]) is None
    # The same distributor's own claims never conflict.
    assert calc.territory_conflict(calc.TerritoryClaim(2, "EMEA", "", True), [bravo_de]) is None


@st.composite
def periods(draw):
    """A valid inclusive range: an end, when there is one, is not before the start."""
    start = draw(dates)
    end = draw(st.one_of(st.none(), st.dates(min_value=start, max_value=dt.date(2100, 12, 31))))
    return start, end


@given(periods(), periods())
def test_period_overlap_is_symmetric_and_matches_day_sharing(first, second):
    (a_from, a_to), (b_from, b_to) = first, second
    result = calc.periods_overlap(a_from, a_to, b_from, b_to)
    assert result == calc.periods_overlap(b_from, b_to, a_from, a_to)
    end = dt.date.max
    latest_start = max(a_from, b_from)
    earliest_end = min(a_to or end, b_to or end)
    assert result == (latest_start <= earliest_end)


def test_period_overlap_examples():
    jan1, jan31, feb1 = dt.date(2025, 1, 1), dt.date(2025, 1, 31), dt.date(2025, 2, 1)
    assert not calc.periods_overlap(jan1, jan31, feb1, None)
    assert calc.periods_overlap(jan1, feb1, feb1, None)
    assert calc.periods_overlap(jan1, None, feb1, None)


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=0, max_value=500))
def test_onboarding_progress_is_a_bounded_percent(done, total):
    percent = calc.onboarding_progress(done, total)
    assert 0 <= percent <= 100
    if total and done >= total:
        assert percent == 100
    if done == 0 or total == 0:
        assert percent == 0


@given(st.integers(min_value=1, max_value=200), st.data())
def test_onboarding_progress_is_monotone_in_done(total, data):
    done = data.draw(st.integers(min_value=0, max_value=total - 1))
    assert calc.onboarding_progress(done, total) <= calc.onboarding_progress(done + 1, total)


def test_onboarding_progress_examples():
    assert calc.onboarding_progress(1, 3) == 33
    assert calc.onboarding_progress(2, 3) == 66
    assert calc.onboarding_progress(0, 0) == 0
