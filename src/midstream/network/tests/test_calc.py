import pytest
from hypothesis import given
from hypothesis import strategies as st

from midstream.network import calc
from midstream.network.choices import OnboardingStage

stages = st.sampled_from(calc.ONBOARDING_ORDER)


def test_funnel_order_matches_the_choices():
    assert tuple(OnboardingStage.values) == calc.ONBOARDING_ORDER


def test_worked_examples():
    assert calc.is_forward_stage("identified", "contacted") is True
    assert calc.is_forward_stage("identified", "transacting") is True
    assert calc.is_forward_stage("approved", "applied") is False
    assert calc.is_forward_stage("trained", "trained") is False


def test_unknown_stage_is_refused():
    with pytest.raises(ValueError, match="unknown onboarding stage 'signed'"):
        calc.stage_rank("signed")


@given(stages, stages)
def test_forward_is_antisymmetric_and_irreflexive(first, second):
    if first == second:
        assert not calc.is_forward_stage(first, second)
    else:
        assert calc.is_forward_stage(first, second) != calc.is_forward_stage(second, first)


@given(stages, stages, stages)
def test_forward_is_transitive(first, second, third):
    if calc.is_forward_stage(first, second) and calc.is_forward_stage(second, third):
        assert calc.is_forward_stage(first, third)


@given(st.text(alphabet="abcXYZ019-_ ", max_size=25))
def test_partner_id_normalisation_is_idempotent(raw):
    once = calc.normalise_partner_id(raw)
    assert calc.normalise_partner_id(once) == once
    assert once == once.upper().strip()


def test_partner_id_examples():
    assert calc.normalise_partner_id(" r0001234 ") == "R0001234"
    assert calc.is_valid_partner_id("R0001234")
    assert not calc.is_valid_partner_id("R")
    assert not calc.is_valid_partner_id("R 12")
    assert not calc.is_valid_partner_id("R" * 21)


@given(st.text(max_size=40))
def test_name_normalisation_has_no_double_blanks(raw):
    name = calc.normalise_name(raw)
    assert "  " not in name
    assert name == name.strip()
    assert calc.normalise_name(name) == name
