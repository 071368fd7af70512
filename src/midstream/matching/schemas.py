from datetime import datetime
from decimal import Decimal
from typing import Literal

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


class ReviewFilters(Schema):
    distributor: int | None = None
    country: str | None = Field(default=None, max_length=60)
    status: str | None = Field(default=None, max_length=10)
    min_score: Decimal | None = Field(default=None, ge=0, le=100, max_digits=4, decimal_places=1)
    max_score: Decimal | None = Field(default=None, ge=0, le=100, max_digits=4, decimal_places=1)
    q: str | None = Field(default=None, max_length=200)


class SpellingOut(Schema):
    id: int
    distributor_id: int
    distributor_code: str
    name: str
    account_number: str
    partner_id: str
    tax_id: str
    address: str
    city: str
    postal_code: str
    country: str
    status: str
    score: Decimal | None
    reseller_id: int | None
    method: str
    waiting_lines: int = 0
    waiting_submissions: int = 0

    @staticmethod
    def resolve_distributor_code(obj) -> str:
        return obj.distributor.code if hasattr(obj, "distributor") else obj["distributor_code"]


class CandidateOut(Schema):
    reseller_id: int
    partner_id: str
    name: str
    address_line: str
    city: str
    postal_code: str
    country: str
    tax_id: str
    score: Decimal
    evidence: dict
    used_by: list[list[str]]


class DecisionOut(Schema):
    id: int
    spelling_id: int
    action: str
    reseller_id: int | None
    before: dict
    after: dict
    alias_id: int | None
    supply_id: int | None
    account_number_set: str
    requeued: list[int]
    reason: str
    decided_at: datetime
    undone_at: datetime | None


class SpellingDetailOut(SpellingOut):
    reason: str
    candidates: list[CandidateOut]
    decisions: list[DecisionOut]
    waiting_submission_ids: list[int]


class NewResellerIn(Schema):
    partner_id: str = Field(max_length=20)
    name: str = Field(max_length=200)
    country: str = Field(max_length=2)
    city: str = Field(default="", max_length=100)
    postal_code: str = Field(default="", max_length=20)
    address_line: str = Field(default="", max_length=200)
    tax_id: str = Field(default="", max_length=40)


class DecisionIn(Schema):
    action: Literal["accept", "pick", "create", "reject"]
    reseller_id: int | None = None
    partner_id: str = Field(default="", max_length=20)
    new_reseller: NewResellerIn | None = None
    reason: str = Field(default="", max_length=500)


class UndoIn(Schema):
    reason: str = Field(default="", max_length=500)
