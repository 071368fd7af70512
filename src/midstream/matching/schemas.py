from decimal import Decimal

from ninja import Schema
from pydantic import Field


class MatchingSettingsOut(Schema):
    upper: Decimal
    lower: Decimal
    margin: Decimal


class MatchingSettingsIn(Schema):
    upper: Decimal = Field(ge=0, le=100, max_digits=4, decimal_places=1)
    lower: Decimal = Field(ge=0, le=100, max_digits=4, decimal_places=1)
    margin: Decimal = Field(ge=0, le=50, max_digits=4, decimal_places=1)
    reason: str = Field(default="", max_length=500)
