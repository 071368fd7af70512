import datetime as dt
from decimal import Decimal

import pytest

from midstream.accounts.choices import Role
from midstream.core import services
from midstream.core.errors import ConflictError, DomainError
from midstream.core.models import AuditRecord, ExchangeRate
from midstream.core.selectors import get_vendor_settings, rate_table


@pytest.mark.django_db
def test_update_vendor_settings_is_audited_field_by_field(users):
    actor = users[Role.FINANCE]
    services.update_vendor_settings(
        actor=actor,
        vendor_name="Acme Networks",
        reporting_currency="EUR",
        fiscal_year_start_month=7,
        reason="FY change",
    )
    record = AuditRecord.objects.get(action="settings.update")
    assert record.actor_label == "finance"
    assert record.reason == "FY change"
    assert record.changes == {
        "vendor_name": ["Midstream Demo Vendor", "Acme Networks"],
        "reporting_currency": ["USD", "EUR"],
        "fiscal_year_start_month": [1, 7],
    }


@pytest.mark.django_db
def test_bad_settings_are_refused_and_nothing_changes(users):
    with pytest.raises(DomainError) as caught:
        services.update_vendor_settings(
            actor=users[Role.FINANCE],
            vendor_name="x",
            reporting_currency="XXX",
            fiscal_year_start_month=1,
        )
    assert caught.value.field == "reporting_currency"
    assert get_vendor_settings().reporting_currency == "USD"
    assert not AuditRecord.objects.exists()


@pytest.mark.django_db
def test_rate_table_uses_the_latest_rate_on_or_before_the_date(users):
    actor = users[Role.FINANCE]
    services.add_exchange_rate(
        actor=actor, currency="EUR", valid_from=dt.date(2026, 1, 1), rate=Decimal("1.10")
    )
    services.add_exchange_rate(
        actor=actor, currency="EUR", valid_from=dt.date(2026, 2, 1), rate=Decimal("1.20")
    )
    table = rate_table()
    assert table.rate("EUR", dt.date(2026, 1, 31)) == Decimal("1.10")
    assert table.rate("EUR", dt.date(2026, 3, 5)) == Decimal("1.20")
    assert table.rate("USD", dt.date(2020, 1, 1)) == Decimal(1)
    assert table.convert(Decimal("10"), "EUR", dt.date(2026, 2, 1)) == Decimal("12.00")
    with pytest.raises(DomainError) as caught:
        table.rate("EUR", dt.date(2025, 12, 31))
    assert caught.value.code == "no_exchange_rate"
    with pytest.raises(ConflictError):
        services.add_exchange_rate(
            actor=actor, currency="EUR", valid_from=dt.date(2026, 1, 1), rate=Decimal("1")
        )
    assert ExchangeRate.objects.count() == 2


@pytest.mark.django_db
def test_settings_page_saves_and_rejects(client_for):
    client = client_for(Role.FINANCE)
    response = client.get("/settings/")
    assert response.status_code == 200
    response = client.post(
        "/settings/",
        {"add_rate": "1", "currency": "GBP", "valid_from": "2026-01-01", "rate": "NaN"},
    )
    assert response.status_code == 200
    assert not ExchangeRate.objects.exists()
    response = client.post(
        "/settings/",
        {"add_rate": "1", "currency": "GBP", "valid_from": "2026-01-01", "rate": "1.25"},
    )
    assert response.status_code == 302
    assert ExchangeRate.objects.get().rate == Decimal("1.25")


@pytest.mark.django_db
def test_audit_page_filters_to_one_object_and_searches(client_for, users):
    services.update_vendor_settings(
        actor=users[Role.VENDOR_ADMIN],
        vendor_name="Zeta",
        reporting_currency="USD",
        fiscal_year_start_month=4,
    )
    client = client_for(Role.ANALYST)
    response = client.get("/audit/", {"object_type": "core.vendorsettings", "object_id": "1"})
    assert response.status_code == 200
    assert b"fiscal_year_start_month: 1 \xe2\x86\x92 4" in response.content
    response = client.get("/audit/", {"q": "nothing-like-this"})
    assert b"Nothing matches." in response.content


@pytest.mark.django_db
def test_api_refuses_malformed_rates_with_422(api_client_for):
    client = api_client_for(Role.FINANCE)
    for bad in ["NaN", "Infinity", "1E+30", "1.12345678901"]:
        response = client.post(
            "/api/exchange-rates",
            {"currency": "EUR", "valid_from": "2026-01-01", "rate": bad},
            content_type="application/json",
        )
        assert response.status_code == 422, (bad, response.content)
        assert response.json()["code"] == "validation_error"
    assert not ExchangeRate.objects.exists()
