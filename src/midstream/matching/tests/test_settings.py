"""Matching thresholds: the audited service, the settings page and the API."""

from decimal import Decimal

import pytest

from midstream.accounts.choices import Role
from midstream.core.errors import DomainError
from midstream.core.models import AuditRecord
from midstream.matching import services
from midstream.matching.engine import Thresholds
from midstream.matching.models import MatchingSettings
from midstream.matching.selectors import current_thresholds

URL = "/matching/settings/"
API = "/api/matching/settings"
DEFAULTS = Thresholds()


def saved() -> tuple:
    row = MatchingSettings.objects.get(pk=1)
    return (row.upper, row.lower, row.margin)


@pytest.mark.django_db
def test_defaults_apply_before_anything_is_saved():
    assert current_thresholds() == DEFAULTS
    assert not MatchingSettings.objects.exists()


@pytest.mark.django_db
def test_update_is_audited_field_by_field(users):
    services.update_matching_settings(
        actor=users[Role.CHANNEL_MANAGER],
        upper=Decimal("97.5"),
        lower=Decimal("70"),
        margin=DEFAULTS.margin,
        reason="fewer false accepts",
    )
    assert saved() == (Decimal("97.5"), Decimal("70.0"), DEFAULTS.margin)
    assert current_thresholds() == Thresholds(
        upper=Decimal("97.5"), lower=Decimal("70"), margin=DEFAULTS.margin
    )
    record = AuditRecord.objects.get(action="matching_settings.update")
    assert record.actor_label == "channel_manager"
    assert record.reason == "fewer false accepts"
    assert record.changes == {
        "upper": [str(DEFAULTS.upper.quantize(Decimal("0.1"))), "97.5"],
        "lower": [str(DEFAULTS.lower.quantize(Decimal("0.1"))), "70.0"],
    }


@pytest.mark.django_db
def test_saving_the_same_values_writes_no_audit_record(users):
    for _ in range(2):
        services.update_matching_settings(
            actor=users[Role.VENDOR_ADMIN],
            upper=Decimal(95),
            lower=Decimal(70),
            margin=Decimal(3),
        )
    assert AuditRecord.objects.filter(action="matching_settings.update").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upper", "lower", "margin", "field", "code"),
    [
        (Decimal(80), Decimal(80), Decimal(4), "lower", "thresholds_order"),
        (Decimal(70), Decimal(80), Decimal(4), "lower", "thresholds_order"),
        (Decimal(101), Decimal(80), Decimal(4), "upper", "invalid_threshold"),
        (Decimal(90), Decimal(-1), Decimal(4), "lower", "invalid_threshold"),
        (Decimal("NaN"), Decimal(80), Decimal(4), "upper", "invalid_threshold"),
        (Decimal(90), Decimal(80), Decimal(51), "margin", "invalid_threshold"),
        (Decimal("90.25"), Decimal(80), Decimal(4), "upper", "invalid_threshold"),
    ],
)
def test_bad_thresholds_are_refused_and_nothing_changes(users, upper, lower, margin, field, code):
    with pytest.raises(DomainError) as caught:
        services.update_matching_settings(
            actor=users[Role.VENDOR_ADMIN], upper=upper, lower=lower, margin=margin
        )
    assert (caught.value.field, caught.value.code) == (field, code)
    assert current_thresholds() == DEFAULTS
    assert not AuditRecord.objects.exists()


@pytest.mark.django_db
def test_page_shows_the_thresholds_to_viewers_without_the_form(client_for):
    response = client_for(Role.DISTRIBUTOR_USER).get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert f"score {DEFAULTS.upper} or more" in text
    assert "Save thresholds" not in text
    assert "Save thresholds" in client_for(Role.CHANNEL_MANAGER).get(URL).content.decode()


@pytest.mark.django_db
def test_page_saves_thresholds(client_for):
    client = client_for(Role.CHANNEL_MANAGER)
    response = client.post(URL, {"upper": "98", "lower": "72.5", "margin": "5", "reason": "x"})
    assert response.status_code == 302
    assert saved() == (Decimal("98.0"), Decimal("72.5"), Decimal("5.0"))


@pytest.mark.django_db
def test_page_shows_the_rule_broken_and_changes_nothing(client_for):
    client = client_for(Role.CHANNEL_MANAGER)
    response = client.post(URL, {"upper": "80", "lower": "90", "margin": "4"})
    assert response.status_code == 200
    assert "must be below the automatic one" in response.content.decode()
    response = client.post(URL, {"upper": "NaN", "lower": "70", "margin": "4"})
    assert response.status_code == 200
    assert not MatchingSettings.objects.exists()
    assert not AuditRecord.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ANALYST, Role.FINANCE, Role.DISTRIBUTOR_ADMIN])
def test_page_refuses_changes_without_review_matches(client_for, role):
    response = client_for(role).post(URL, {"upper": "98", "lower": "70", "margin": "4"})
    assert response.status_code == 403
    assert not MatchingSettings.objects.exists()
    assert not AuditRecord.objects.exists()


@pytest.mark.django_db
def test_page_query_count(client_for, django_assert_num_queries):
    client = client_for(Role.CHANNEL_MANAGER)
    client.get(URL)
    # session, user, the settings row
    with django_assert_num_queries(3):
        assert client.get(URL).status_code == 200


@pytest.mark.django_db
def test_api_reads_and_updates(api_client_for, django_assert_num_queries):
    reader = api_client_for(Role.DISTRIBUTOR_USER)
    reader.get(API)  # the first request stamps the token's last use
    # token lookup, the settings row
    with django_assert_num_queries(2):
        response = reader.get(API)
    assert response.json() == {
        "upper": str(DEFAULTS.upper),
        "lower": str(DEFAULTS.lower),
        "margin": str(DEFAULTS.margin),
    }
    writer = api_client_for(Role.CHANNEL_MANAGER)
    response = writer.put(
        API,
        {"upper": "97", "lower": "71", "margin": "3.5", "reason": "tuned"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {"upper": "97.0", "lower": "71.0", "margin": "3.5"}
    assert AuditRecord.objects.get(action="matching_settings.update").reason == "tuned"


@pytest.mark.django_db
def test_api_refuses_writers_without_the_permission(api_client_for):
    response = api_client_for(Role.ANALYST).put(
        API, {"upper": "97", "lower": "71", "margin": "3"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not MatchingSettings.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["NaN", "Infinity", "1E+30", "90.25", "101", "-1"])
def test_api_refuses_malformed_scores_with_422(api_client_for, bad):
    response = api_client_for(Role.VENDOR_ADMIN).put(
        API, {"upper": bad, "lower": "70", "margin": "4"}, content_type="application/json"
    )
    assert response.status_code == 422, (bad, response.content)
    assert response.json()["code"] == "validation_error"
    assert not MatchingSettings.objects.exists()


@pytest.mark.django_db
def test_api_refuses_lower_above_upper_with_the_rule(api_client_for):
    response = api_client_for(Role.VENDOR_ADMIN).put(
        API, {"upper": "70", "lower": "80", "margin": "4"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "thresholds_order"
    assert not MatchingSettings.objects.exists()
