import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from midstream.catalog.choices import ProductStatus, UnitOfMeasure
from midstream.core.money import PRICE_DECIMAL_PLACES, PRICE_MAX_DIGITS


def PriceField(**kwargs):
    """A price in a request: finite, non-negative, at most the price column's digits.

    NaN, Infinity, 1E+30 and more than four decimals are refused with a 422 naming the field.
    """
    return Field(ge=0, max_digits=PRICE_MAX_DIGITS, decimal_places=PRICE_DECIMAL_PLACES, **kwargs)


class FamilyOut(Schema):
    id: int
    code: str
    name: str
    description: str


class FamilyIn(Schema):
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=5000)
    reason: str = Field(default="", max_length=500)


class FamilyPatch(Schema):
    code: str | None = Field(default=None, min_length=1, max_length=20)
    name: str | None = Field(default=None, min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=5000)
    reason: str = Field(default="", max_length=500)


class FamilyFilter(Schema):
    q: str | None = Field(default=None, max_length=200)


class ProductOut(Schema):
    id: int
    sku: str
    gtin: str | None
    description: str
    family_id: int
    family_code: str = Field(alias="family.code")
    unit_of_measure: UnitOfMeasure
    list_price: Decimal
    currency: str
    status: ProductStatus
    updated_at: dt.datetime


class ConversionOut(Schema):
    unit: UnitOfMeasure
    factor: int


class PartNumberOut(Schema):
    id: int
    distributor_id: int
    distributor_code: str = Field(alias="distributor.code")
    part_number: str
    product_id: int
    sku: str = Field(alias="product.sku")
    unit: UnitOfMeasure


class ProductPartNumberOut(Schema):
    id: int
    distributor_id: int
    distributor_code: str = Field(alias="distributor.code")
    part_number: str
    unit: UnitOfMeasure


class ProductDetailOut(ProductOut):
    """A product with its conversions and the part numbers the caller may see."""

    conversions: list[ConversionOut] = Field(alias="conversion_rows")
    part_numbers: list[ProductPartNumberOut] = Field(alias="part_number_rows")


class ProductFilter(Schema):
    q: str | None = Field(default=None, max_length=200, description="SKU, GTIN or description")
    family_id: int | None = None
    status: ProductStatus | None = None
    currency: str | None = Field(default=None, min_length=3, max_length=3)


class ProductIn(Schema):
    sku: str = Field(min_length=1, max_length=40)
    gtin: str | None = Field(default=None, max_length=20)
    description: str = Field(min_length=1, max_length=300)
    family_id: int
    unit_of_measure: UnitOfMeasure = UnitOfMeasure.EACH
    list_price: Decimal = PriceField()
    currency: str = Field(min_length=3, max_length=3)
    status: ProductStatus = ProductStatus.ACTIVE
    reason: str = Field(default="", max_length=500)


class ProductPatch(Schema):
    """Only the fields sent change; the list price changes through ``product_change_price``."""

    sku: str | None = Field(default=None, min_length=1, max_length=40)
    gtin: str | None = Field(default=None, max_length=20)
    description: str | None = Field(default=None, min_length=1, max_length=300)
    family_id: int | None = None
    unit_of_measure: UnitOfMeasure | None = None
    status: ProductStatus | None = None
    reason: str = Field(default="", max_length=500)


class PriceChangeIn(Schema):
    new_price: Decimal = PriceField()
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    reason: str = Field(min_length=1, max_length=500)


class PriceChangeOut(Schema):
    at: dt.datetime
    before: Decimal | None
    after: Decimal
    currency: str


class ConversionIn(Schema):
    factor: int = Field(ge=1, le=1_000_000)
    reason: str = Field(default="", max_length=500)


class PartNumberFilter(Schema):
    q: str | None = Field(default=None, max_length=200, description="part number, SKU")
    distributor_id: int | None = Field(default=None, description="vendor staff only")
    product_id: int | None = None
    unit: UnitOfMeasure | None = None


class PartNumberIn(Schema):
    distributor_id: int
    part_number: str = Field(min_length=1, max_length=60)
    product_id: int | None = Field(default=None, description="the product, or give its sku")
    sku: str | None = Field(default=None, max_length=40)
    unit: UnitOfMeasure | None = None
    reason: str = Field(default="", max_length=500)
