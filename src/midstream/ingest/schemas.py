"""API shapes of mapping profiles. Field limits here turn bad input into 422, never 500."""

import datetime as dt

from ninja import Schema
from pydantic import Field

from midstream.ingest.choices import FormatFamily, ProfileKind

REASON = Field(default="", max_length=2000)


class MappingProfileOut(Schema):
    id: int
    distributor_id: int
    distributor_code: str = Field(alias="distributor.code")
    kind: ProfileKind
    format_family: FormatFamily
    version: int
    is_current: bool
    spec: dict
    created_by: str | None = Field(default=None, alias="created_by.username")
    created_at: dt.datetime
    change_reason: str


class MappingProfileFilter(Schema):
    distributor_id: int | None = None
    kind: ProfileKind | None = None
    format_family: FormatFamily | None = None
    current: bool = True  # False: every version


class MappingProfileIn(Schema):
    distributor_id: int
    kind: ProfileKind
    format_family: FormatFamily
    spec: dict
    reason: str = REASON


class MappingProfileUpdateIn(Schema):
    spec: dict
    reason: str = Field(min_length=1, max_length=2000)
    expected_version: int | None = Field(default=None, ge=1)


class SuggestionOut(Schema):
    kind: ProfileKind
    format_family: FormatFamily
    columns: list[str]
    spec: dict
