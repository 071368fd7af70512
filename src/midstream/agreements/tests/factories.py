"""Test data for agreements: product families and agreements made through the services."""

import datetime as dt
from decimal import Decimal

from midstream.agreements import services
from midstream.catalog.models import ProductFamily


def make_family(code: str, name: str | None = None) -> ProductFamily:
    return ProductFamily.objects.create(code=code, name=name or f"{code.title()} family")


def agreement_terms(**overrides) -> dict:
    """Keyword arguments for ``create_agreement`` (without actor and distributor)."""
    values = {
        "number": "VPA-2026-001",
        "title": "Alpha volume purchase agreement 2026",
        "effective_from": dt.date(2026, 1, 1),
        "effective_to": dt.date(2026, 12, 31),
        "currency": "USD",
        "payment_terms": "net30",
        "commitment_period": "quarter",
        "commitment_unit": "amount",
        "commitment_value": Decimal("250000.00"),
        "discounts": [("NET", Decimal("12.50")), ("SRV", Decimal("5"))],
    }
    values.update(overrides)
    return values


def make_agreement(actor, distributor, **overrides):
    return services.create_agreement(
        actor=actor, distributor=distributor, **agreement_terms(**overrides)
    )
