"""Schemas of the part number review API (issue 4, Part A item 7)."""

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field


class PartFilters(Schema):
    distributor: int | None = None
    status: Literal["open", "mapped", "ignored"] | None = None
    q: str | None = Field(default=None, max_length=200)


class PartOut(Schema):
    id: int
    distributor_id: int
    distributor_code: str
    reference: str
    reported_part_number: str
    reported_sku: str
    reported_gtin: str
    line_count: int
    first_seen_at: datetime
    last_seen_at: datetime
    last_submission_id: int | None
    status: str
    product_id: int | None
    product_sku: str | None
    part_number_id: int | None
    unit: str | None
    decided_at: datetime | None

    @staticmethod
    def resolve_distributor_code(obj) -> str:
        return obj.distributor.code

    @staticmethod
    def resolve_product_sku(obj) -> str | None:
        return obj.product.sku if obj.product_id else None

    @staticmethod
    def resolve_unit(obj) -> str | None:
        return obj.part_number.unit if obj.part_number_id else None


class PartMapIn(Schema):
    """The product by ``product_id`` or ``sku``; ``unit`` of the part number (the product's
    base unit when left out)."""

    product_id: int | None = None
    sku: str = Field(default="", max_length=60)
    unit: Literal["EA", "BX", "CS", "PK", "PL"] | None = None
    reason: str = Field(default="", max_length=500)


class PartReasonIn(Schema):
    reason: str = Field(default="", max_length=500)
