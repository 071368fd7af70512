"""Test data for the catalog: plain helpers over the models."""

import itertools
from decimal import Decimal

from midstream.catalog.models import (
    DistributorPartNumber,
    Product,
    ProductFamily,
    UnitConversion,
)

_numbers = itertools.count(1)


def make_family(**fields) -> ProductFamily:
    number = next(_numbers)
    defaults = {"code": f"FAM{number}", "name": f"Family {number}"}
    defaults.update(fields)
    return ProductFamily.objects.create(**defaults)


def make_product(family=None, **fields) -> Product:
    number = next(_numbers)
    defaults = {
        "sku": f"SKU-{number:04d}",
        "description": f"Product {number}",
        "list_price": Decimal("100.0000"),
        "currency": "USD",
    }
    defaults.update(fields)
    return Product.objects.create(family=family or make_family(), **defaults)


def make_conversion(product, unit: str, factor: int) -> UnitConversion:
    return UnitConversion.objects.create(product=product, unit=unit, factor=factor)


def make_part_number(distributor, product, part_number: str, unit: str = "EA"):
    return DistributorPartNumber.objects.unscoped().create(
        distributor=distributor, product=product, part_number=part_number, unit=unit
    )
