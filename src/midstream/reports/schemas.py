import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class SellThroughFilter(Schema):
    distributor_id: int | None = None
    month_from: str | None = Field(default=None, pattern=MONTH_PATTERN, description="YYYY-MM")
    month_to: str | None = Field(default=None, pattern=MONTH_PATTERN, description="YYYY-MM")
    family_id: int | None = None
    product_id: int | None = None
    sku: str | None = Field(default=None, max_length=40)
    reseller_id: int | None = None
    reseller: str | None = Field(
        default=None, max_length=200, description="partner id, or part of the name"
    )


class SellThroughRowOut(Schema):
    month: dt.date
    distributor_id: int
    distributor_code: str
    product_id: int
    sku: str
    reseller_id: int | None
    reseller_partner_id: str | None
    reseller_name: str | None
    currency: str
    quantity: Decimal
    amount: Decimal
    lines: int


class SeriesMonthOut(Schema):
    month: dt.date
    sell_in_quantity: Decimal
    sell_through_quantity: Decimal
    sell_through_lines: int


class SeriesOut(Schema):
    months: list[SeriesMonthOut]


class InventoryFilter(Schema):
    distributor_id: int | None = None
    product_id: int | None = None
    sku: str | None = Field(default=None, max_length=40)
    location: str | None = Field(default=None, max_length=60)
    as_of_month: str | None = Field(default=None, pattern=MONTH_PATTERN, description="YYYY-MM")


class PositionOut(Schema):
    id: int
    distributor_id: int
    distributor_code: str = Field(alias="distributor.code")
    location: str
    product_id: int
    sku: str = Field(alias="product.sku")
    as_of_date: dt.date
    on_hand: Decimal | None
    available: Decimal | None
    committed: Decimal | None
    on_order: Decimal | None
    in_transit: Decimal | None
    reported_unit: str
    submission_id: int
