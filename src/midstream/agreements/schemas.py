"""API shapes of agreements. Amounts and percents are ``Decimal`` with column sizes, so NaN,
Infinity, 1E+30 and too many decimals are refused with a 422 naming the field."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from midstream.agreements.choices import CommitmentPeriod, CommitmentUnit, PaymentTerms


def PercentField(**kwargs):
    return Field(ge=0, le=100, max_digits=5, decimal_places=2, **kwargs)


def CommitmentField(**kwargs):
    return Field(ge=0, max_digits=18, decimal_places=2, **kwargs)


class DiscountIn(Schema):
    family_code: str = Field(min_length=1, max_length=20)
    discount_percent: Decimal = PercentField()


class AgreementIn(Schema):
    distributor_id: int
    number: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=200)
    effective_from: dt.date
    effective_to: dt.date | None = None
    currency: str = Field(min_length=3, max_length=3)
    payment_terms: PaymentTerms
    commitment_period: CommitmentPeriod
    commitment_unit: CommitmentUnit
    commitment_value: Decimal = CommitmentField()
    discounts: list[DiscountIn] = Field(default_factory=list, max_length=200)
    reason: str = Field(default="", max_length=2000)


class AmendIn(Schema):
    """Only what changes; everything left out (or null) is copied from the latest version.

    ``effective_to: null`` is the exception: it makes the new version open-ended.
    ``discounts``, when given, is the complete new set of discount levels.
    """

    reason: str = Field(min_length=1, max_length=2000)
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    payment_terms: PaymentTerms | None = None
    commitment_period: CommitmentPeriod | None = None
    commitment_unit: CommitmentUnit | None = None
    commitment_value: Decimal | None = CommitmentField(default=None)
    discounts: list[DiscountIn] | None = Field(default=None, max_length=200)


class EndIn(Schema):
    end_date: dt.date = Field(description="The last day the agreement is in force.")
    reason: str = Field(min_length=1, max_length=2000)


class DiscountOut(Schema):
    family_code: str = Field(alias="family.code")
    family_name: str = Field(alias="family.name")
    discount_percent: Decimal


class VersionOut(Schema):
    id: int
    agreement_id: int
    version: int
    effective_from: dt.date
    effective_to: dt.date | None
    currency: str
    payment_terms: PaymentTerms
    commitment_period: CommitmentPeriod
    commitment_unit: CommitmentUnit
    commitment_value: Decimal
    ends_agreement: bool
    amendment_reason: str
    created_at: dt.datetime
    created_by: str | None
    discounts: list[DiscountOut]

    @staticmethod
    def resolve_created_by(obj) -> str | None:
        return obj.created_by.username if obj.created_by_id else None

    @staticmethod
    def resolve_discounts(obj):
        return list(obj.discount_levels.all())


class AgreementSummaryOut(Schema):
    id: int
    number: str
    title: str
    distributor_id: int
    distributor_code: str = Field(alias="distributor.code")
    latest_version: int | None
    in_force_on: dt.date
    version_in_force: int | None = Field(description="The version in force on in_force_on.")
    currency: str | None = Field(
        alias="current_currency",
        description="Of the version in force on in_force_on, else of the latest version.",
    )
    created_at: dt.datetime


class AgreementOut(Schema):
    id: int
    number: str
    title: str
    distributor_id: int
    distributor_code: str
    created_at: dt.datetime
    today: dt.date
    version_in_force_today: int | None
    versions: list[VersionOut] = Field(description="Newest first.")


class AgreementFilter(Schema):
    distributor_id: int | None = None
    currency: str | None = Field(default=None, max_length=3)
    in_force_on: dt.date | None = Field(
        default=None, description="Only agreements with a version in force on this date."
    )
    q: str | None = Field(default=None, max_length=200, description="Number, title or code.")


class DiffQuery(Schema):
    from_version: int | None = Field(default=None, alias="from", ge=1)
    to_version: int | None = Field(default=None, alias="to", ge=1)


class TermChangeOut(Schema):
    field: str
    before: Any
    after: Any


class DiscountChangeOut(Schema):
    family_code: str
    before: Decimal | None
    after: Decimal | None
    change: str = Field(description="added, removed or changed")


class DiffOut(Schema):
    agreement_id: int
    from_version: int
    to_version: int
    terms: list[TermChangeOut]
    discounts: list[DiscountChangeOut]


class InForceQuery(Schema):
    on: dt.date | None = Field(default=None, description="Default: today.")


class InForceOut(Schema):
    agreement_id: int
    on: dt.date
    version: VersionOut | None
