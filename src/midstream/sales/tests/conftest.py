import pytest

from midstream.sales.tests.factories import make_product


@pytest.fixture
def products(db):
    """Two SKUs: NET-100 and NET-200."""
    return {sku: make_product(sku) for sku in ("NET-100", "NET-200")}
