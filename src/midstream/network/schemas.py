import datetime as dt

from ninja import Schema
from pydantic import Field

from midstream.network.choices import OnboardingStage, ResellerStatus, ResellerTier


class ResellerOut(Schema):
    id: int
    partner_id: str
    name: str
    tax_id: str
    address_line: str
    city: str
    postal_code: str
    country: str
    tier: ResellerTier
    status: ResellerStatus
    onboarding_stage: OnboardingStage
    created_at: dt.datetime
    updated_at: dt.datetime


class SupplyOut(Schema):
    id: int
    distributor_id: int
    distributor_code: str
    since: dt.date
    until: dt.date | None
    account_number: str


class AliasOut(Schema):
    id: int
    alias: str
    distributor_id: int | None
    distributor_code: str | None


class ResellerDetailOut(ResellerOut):
    recruited_by_id: int | None
    recruited_by_code: str | None
    aliases: list[AliasOut]
    supplies: list[SupplyOut]


class ResellerFilter(Schema):
    q: str | None = Field(default=None, max_length=200, description="name, partner id, tax id…")
    country: str | None = Field(default=None, max_length=2)
    tier: ResellerTier | None = None
    status: ResellerStatus | None = None
    onboarding_stage: OnboardingStage | None = None
    distributor_id: int | None = Field(
        default=None, description="Supplied by this distributor (vendor staff only)."
    )


class ResellerIn(Schema):
    partner_id: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=200)
    country: str = Field(min_length=2, max_length=2)
    tax_id: str = Field(default="", max_length=40)
    address_line: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=100)
    postal_code: str = Field(default="", max_length=20)
    tier: ResellerTier = ResellerTier.REGISTERED
    status: ResellerStatus = ResellerStatus.PROSPECT
    recruited_by_id: int | None = None
    onboarding_stage: OnboardingStage = OnboardingStage.IDENTIFIED
    reason: str = Field(default="", max_length=500)


class ResellerPatch(Schema):
    """Only the fields sent change; the onboarding stage moves through its own operation."""

    partner_id: str | None = Field(default=None, min_length=1, max_length=20)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    country: str | None = Field(default=None, min_length=2, max_length=2)
    tax_id: str | None = Field(default=None, max_length=40)
    address_line: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=100)
    postal_code: str | None = Field(default=None, max_length=20)
    tier: ResellerTier | None = None
    status: ResellerStatus | None = None
    recruited_by_id: int | None = None
    reason: str = Field(default="", max_length=500)


class StageIn(Schema):
    onboarding_stage: OnboardingStage
    reason: str = Field(default="", max_length=500)


class AliasIn(Schema):
    alias: str = Field(min_length=1, max_length=200)
    distributor_id: int | None = None


class SupplyIn(Schema):
    distributor_id: int
    since: dt.date
    account_number: str = Field(default="", max_length=40)
    reason: str = Field(default="", max_length=500)


class SupplyEndIn(Schema):
    until: dt.date
    reason: str = Field(default="", max_length=500)
