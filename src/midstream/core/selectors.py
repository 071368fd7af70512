import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet

from midstream.core.calc import fiscal_month_for
from midstream.core.errors import DomainError, ErrorCode
from midstream.core.models import AuditRecord, ExchangeRate, VendorSettings


def get_vendor_settings() -> VendorSettings:
    vendor_settings, _created = VendorSettings.objects.get_or_create(pk=1)
    return vendor_settings


def fiscal_label(day: dt.date) -> str:
    return fiscal_month_for(day, get_vendor_settings().fiscal_year_start_month).fiscal_label


class RateTable:
    """Every rate to the reporting currency, loaded once, looked up by (currency, date)."""

    def __init__(self, reporting_currency: str, rates: dict[str, list[tuple[dt.date, Decimal]]]):
        self.reporting_currency = reporting_currency
        self._rates = rates

    def rate(self, currency: str, on: dt.date) -> Decimal:
        if currency == self.reporting_currency:
            return Decimal(1)
        best = None
        for valid_from, rate in self._rates.get(currency, ()):
            if valid_from <= on:
                best = rate
            else:
                break
        if best is None:
            raise DomainError(
                ErrorCode.NO_EXCHANGE_RATE,
                f"No exchange rate from {currency} to {self.reporting_currency} on or before {on}.",
            )
        return best

    def convert(self, amount: Decimal, currency: str, on: dt.date) -> Decimal:
        return amount * self.rate(currency, on)


def rate_table() -> RateTable:
    rates: dict[str, list[tuple[dt.date, Decimal]]] = {}
    for currency, valid_from, rate in ExchangeRate.objects.order_by(
        "currency", "valid_from"
    ).values_list("currency", "valid_from", "rate"):
        rates.setdefault(currency, []).append((valid_from, rate))
    return RateTable(get_vendor_settings().reporting_currency, rates)


def audit_records(
    *, object_type: str | None = None, object_id: str | None = None
) -> QuerySet[AuditRecord]:
    records = AuditRecord.objects.select_related("actor")
    if object_type:
        records = records.filter(object_type=object_type)
    if object_id:
        records = records.filter(object_id=str(object_id))
    return records
