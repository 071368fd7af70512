import datetime as dt
from decimal import Decimal

import pytest

from midstream.accounts.choices import Role
from midstream.agreements import services
from midstream.agreements.tests.factories import make_agreement, make_family


@pytest.fixture
def families(db):
    return {code: make_family(code) for code in ("NET", "SRV", "STO")}


@pytest.fixture
def manager(users):
    return users[Role.CHANNEL_MANAGER]


@pytest.fixture
def history(manager, dist_a, dist_b, families):
    """ALPHA's agreement with three versions, BRAVO's with one.

    v1 2026-01-01..2026-12-31 USD net30 250000/quarter, NET 12.50 SRV 5.00
    v2 from 2026-07-01: commitment 300000, NET 15.00 STO 2.50 (SRV removed)
    v3 payment terms net45
    """
    alpha = make_agreement(manager, dist_a, reason="Signed")
    services.amend_agreement(
        actor=manager,
        agreement=alpha,
        reason="Q3 uplift",
        effective_from=dt.date(2026, 7, 1),
        commitment_value=Decimal("300000"),
        discounts=[("NET", "15"), ("STO", "2.5")],
    )
    services.amend_agreement(
        actor=manager, agreement=alpha, reason="Longer payment terms", payment_terms="net45"
    )
    bravo = make_agreement(
        manager,
        dist_b,
        number="VPA-BRAVO-9",
        title="Bravo Rahmenvertrag",
        currency="EUR",
        effective_to=None,
        discounts=[("SRV", "7")],
    )
    return {"alpha": alpha, "bravo": bravo}
