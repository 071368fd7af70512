import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from midstream.sales.calc import GRAINS


class SellInLineOut(Schema):
    id: int
    distributor_id: int
    distributor_code: str = Field(alias="distributor.code")
    invoice_number: str
    line_number: int
    invoice_date: dt.date
    product_id: int
    sku: str = Field(alias="product.sku")
    quantity: Decimal
    unit_net_price: Decimal
    currency: str
    net_amount: Decimal
    ship_to_warehouse: str
    import_id: int = Field(alias="imported_by_id")


class SellInFilter(Schema):
    distributor_id: int | None = None
    sku: str | None = Field(default=None, max_length=40)
    invoice_number: str | None = Field(default=None, max_length=40)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    currency: str | None = Field(default=None, min_length=3, max_length=3)


class SellInImportOut(Schema):
    id: int | None
    file_name: str
    content_sha256: str
    source: str
    actor: str | None = None
    created_at: dt.datetime | None
    rows_read: int
    rows_inserted: int
    rows_already_present: int
    dry_run: bool

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.username if obj.actor_id else None

    @staticmethod
    def resolve_dry_run(obj) -> bool:
        """A dry run returns the import it would have recorded, unsaved."""
        return obj.pk is None


class MonthlyFilter(Schema):
    distributor_id: int | None = None
    grain: str = Field(default="month", pattern="^(" + "|".join(GRAINS) + ")$")
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class CurrencyAmountOut(Schema):
    currency: str
    amount: Decimal


class PeriodOut(Schema):
    start: dt.date
    label: str
    fiscal_label: str
    lines: int
    amounts: list[CurrencyAmountOut]
    reporting_amount: Decimal | None
    missing_rates: list[str]


class DistributorPeriodsOut(Schema):
    distributor_id: int
    distributor_code: str
    periods: list[PeriodOut]


class SellInMonthlyOut(Schema):
    reporting_currency: str
    grain: str
    totals: list[PeriodOut]
    distributors: list[DistributorPeriodsOut]
