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


class UserOut(Schema):
    id: int
    username: str
    email: str
    first_name: str
    last_name: str
    role: str
    distributor_id: int | None
    is_active: bool
    last_login: dt.datetime | None


class UserCreateIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=8, max_length=200)
    role: str
    distributor_id: int | None = None
    email: str = Field(default="", max_length=254)
    first_name: str = Field(default="", max_length=150)
    last_name: str = Field(default="", max_length=150)
    reason: str = Field(default="", max_length=500)


class UserRoleIn(Schema):
    role: str
    distributor_id: int | None = None
    reason: str = Field(min_length=1, max_length=500)


class UserActiveIn(Schema):
    active: bool
    reason: str = Field(min_length=1, max_length=500)
