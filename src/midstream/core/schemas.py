import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class VendorSettingsOut(Schema):
    vendor_name: str
    reporting_currency: str
    fiscal_year_start_month: int


class VendorSettingsIn(Schema):
    vendor_name: str = Field(max_length=200)
    reporting_currency: str = Field(min_length=3, max_length=3)
    fiscal_year_start_month: int = Field(ge=1, le=12)
    reason: str = Field(default="", max_length=500)


class ExchangeRateOut(Schema):
    id: int
    currency: str
    valid_from: dt.date
    rate: Decimal


class ExchangeRateIn(Schema):
    currency: str = Field(min_length=3, max_length=3)
    valid_from: dt.date
    rate: Decimal = Field(gt=0, max_digits=20, decimal_places=10)
    reason: str = Field(default="", max_length=500)


class AuditRecordOut(Schema):
    id: int
    at: dt.datetime
    actor_label: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict
    reason: str
