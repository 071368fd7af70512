"""API shapes of the partners app. Field limits here turn bad input into 422, never 500."""

import datetime as dt

from ninja import Schema
from pydantic import Field

from midstream.partners.choices import (
    DistributorStatus,
    ProgramTrack,
    Region,
    ReportFrequency,
    ReportType,
)

CODE = r"^[A-Z0-9][A-Z0-9_-]{1,31}$"
COUNTRY = r"^[A-Z]{2}$"
COUNTRY_OR_EMPTY = r"^([A-Z]{2})?$"
CURRENCY = r"^[A-Z]{3}$"
REASON = Field(default="", max_length=500)


class DistributorOut(Schema):
    id: int
    code: str
    legal_name: str
    country: str
    region: Region
    currency: str
    program_track: ProgramTrack
    status: DistributorStatus
    status_changed_at: dt.datetime | None
    website: str
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime


class DistributorIn(Schema):
    code: str = Field(pattern=CODE)
    legal_name: str = Field(min_length=1, max_length=200)
    country: str = Field(pattern=COUNTRY)
    region: Region
    currency: str = Field(pattern=CURRENCY)
    program_track: ProgramTrack
    website: str = Field(default="", max_length=200)
    notes: str = Field(default="", max_length=5000)
    reason: str = REASON


class DistributorPatch(Schema):
    """Only the fields sent change. Code and status are not editable here."""

    legal_name: str | None = Field(default=None, min_length=1, max_length=200)
    country: str | None = Field(default=None, pattern=COUNTRY)
    region: Region | None = None
    currency: str | None = Field(default=None, pattern=CURRENCY)
    program_track: ProgramTrack | None = None
    website: str | None = Field(default=None, max_length=200)
    notes: str | None = Field(default=None, max_length=5000)
    reason: str = REASON


class DistributorFilter(Schema):
    status: DistributorStatus | None = None
    region: Region | None = None
    country: str | None = Field(default=None, pattern=COUNTRY)
    program_track: ProgramTrack | None = None
    q: str | None = Field(default=None, max_length=200, description="Code, legal name or country")


class StatusChangeIn(Schema):
    to_status: DistributorStatus
    reason: str = Field(min_length=1, max_length=500)


class StatusChangeOut(Schema):
    id: int
    from_status: str
    to_status: str
    actor: str | None = Field(default=None, alias="actor.username")
    at: dt.datetime
    reason: str


class TerritoryOut(Schema):
    id: int
    distributor_id: int
    region: Region
    country: str
    exclusive: bool


class TerritoryIn(Schema):
    region: Region
    country: str = Field(default="", pattern=COUNTRY_OR_EMPTY)
    exclusive: bool = False
    reason: str = REASON


class TerritoryPatch(Schema):
    region: Region | None = None
    country: str | None = Field(default=None, pattern=COUNTRY_OR_EMPTY)
    exclusive: bool | None = None
    reason: str = REASON


class ContactOut(Schema):
    id: int
    distributor_id: int
    name: str
    title: str
    email: str
    phone: str
    is_primary: bool
    receives_reminders: bool


class ContactIn(Schema):
    name: str = Field(min_length=1, max_length=150)
    title: str = Field(default="", max_length=150)
    email: str = Field(min_length=3, max_length=254)
    phone: str = Field(default="", max_length=40)
    is_primary: bool = False
    receives_reminders: bool = True
    reason: str = REASON


class ContactPatch(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=150)
    title: str | None = Field(default=None, max_length=150)
    email: str | None = Field(default=None, min_length=3, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    is_primary: bool | None = None
    receives_reminders: bool | None = None
    reason: str = REASON


class OnboardingItemOut(Schema):
    id: int
    distributor_id: int
    item: str
    owner_id: int | None
    owner: str | None = Field(default=None, alias="owner.username")
    due_date: dt.date | None
    done_date: dt.date | None
    position: int


class OnboardingItemIn(Schema):
    item: str = Field(min_length=1, max_length=200)
    owner_id: int | None = None
    due_date: dt.date | None = None
    position: int | None = Field(default=None, ge=0, le=32767)
    reason: str = REASON


class OnboardingItemPatch(Schema):
    item: str | None = Field(default=None, min_length=1, max_length=200)
    owner_id: int | None = None
    due_date: dt.date | None = None
    position: int | None = Field(default=None, ge=0, le=32767)
    reason: str = REASON


class CompleteItemIn(Schema):
    done_date: dt.date | None = None
    reason: str = REASON


class ReopenItemIn(Schema):
    reason: str = REASON


class ObligationOut(Schema):
    id: int
    distributor_id: int
    report_type: ReportType
    frequency: ReportFrequency
    due_days: int
    active_from: dt.date
    active_to: dt.date | None


class ObligationIn(Schema):
    report_type: ReportType
    frequency: ReportFrequency
    due_days: int = Field(ge=0, le=90)
    active_from: dt.date
    active_to: dt.date | None = None
    reason: str = REASON


class ObligationPatch(Schema):
    report_type: ReportType | None = None
    frequency: ReportFrequency | None = None
    due_days: int | None = Field(default=None, ge=0, le=90)
    active_from: dt.date | None = None
    active_to: dt.date | None = None
    reason: str = REASON


class RemoveIn(Schema):
    reason: str = REASON
