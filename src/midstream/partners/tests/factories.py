"""Plain helpers that create partners rows straight through the models (no audit)."""

import datetime as dt

from midstream.partners.models import (
    Contact,
    Distributor,
    OnboardingItem,
    ReportingObligation,
    Territory,
)


def make_distributor(code: str, **fields) -> Distributor:
    values = {
        "legal_name": f"{code.title()} Distribution Ltd",
        "country": "US",
        "region": "AMER",
        "currency": "USD",
        "program_track": "broadline",
        "status": "active",
    }
    values.update(fields)
    return Distributor.objects.unscoped().create(code=code, **values)


def make_territory(distributor, *, region="AMER", country="", exclusive=False) -> Territory:
    return Territory.objects.unscoped().create(
        distributor=distributor, region=region, country=country, exclusive=exclusive
    )


def make_contact(distributor, *, name="Pat Buyer", email="pat@example.com", **fields) -> Contact:
    return Contact.objects.unscoped().create(
        distributor=distributor, name=name, email=email, **fields
    )


def make_onboarding_item(distributor, *, item="Sign agreement", **fields) -> OnboardingItem:
    return OnboardingItem.objects.unscoped().create(distributor=distributor, item=item, **fields)


def make_obligation(
    distributor,
    *,
    report_type="sell_through",
    frequency="monthly",
    due_days=10,
    active_from=dt.date(2025, 1, 1),
    active_to=None,
) -> ReportingObligation:
    return ReportingObligation.objects.unscoped().create(
        distributor=distributor,
        report_type=report_type,
        frequency=frequency,
        due_days=due_days,
        active_from=active_from,
        active_to=active_to,
    )
