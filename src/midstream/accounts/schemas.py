import datetime as dt

from ninja import Schema
from pydantic import Field


class MeOut(Schema):
    id: int
    username: str
    role: str
    distributor_id: int | None
    distributor_code: str | None = None


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100)


class TokenOut(Schema):
    id: int
    name: str
    key_id: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    token: str
