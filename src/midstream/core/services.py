import datetime as dt
from decimal import Decimal

from django.db import transaction

from midstream.core.audit import diff, record_audit, snapshot
from midstream.core.errors import ConflictError, DomainError, ErrorCode
from midstream.core.models import ExchangeRate, VendorSettings
from midstream.core.money import is_currency
from midstream.core.selectors import get_vendor_settings

SETTINGS_FIELDS = ["vendor_name", "reporting_currency", "fiscal_year_start_month"]


def update_vendor_settings(
    *,
    actor,
    vendor_name: str,
    reporting_currency: str,
    fiscal_year_start_month: int,
    reason: str = "",
) -> VendorSettings:
    if not is_currency(reporting_currency):
        raise DomainError(
            ErrorCode.INVALID_CURRENCY,
            f"{reporting_currency!r} is not a known currency.",
            field="reporting_currency",
        )
    if not 1 <= fiscal_year_start_month <= 12:
        raise DomainError(
            ErrorCode.INVALID_VALUE,
            "The fiscal year start month is 1 (January) to 12 (December).",
            field="fiscal_year_start_month",
        )
    with transaction.atomic():
        vendor_settings = get_vendor_settings()
        before = snapshot(vendor_settings, SETTINGS_FIELDS)
        vendor_settings.vendor_name = vendor_name.strip() or vendor_settings.vendor_name
        vendor_settings.reporting_currency = reporting_currency
        vendor_settings.fiscal_year_start_month = fiscal_year_start_month
        vendor_settings.save()
        changes = diff(before, snapshot(vendor_settings, SETTINGS_FIELDS))
        if changes:
            record_audit(
                actor=actor,
                action="settings.update",
                obj=vendor_settings,
                changes=changes,
                reason=reason,
            )
    return vendor_settings


def add_exchange_rate(
    *, actor, currency: str, valid_from: dt.date, rate: Decimal, reason: str = ""
) -> ExchangeRate:
    if not is_currency(currency):
        raise DomainError(
            ErrorCode.INVALID_CURRENCY, f"{currency!r} is not a known currency.", field="currency"
        )
    if not rate.is_finite() or rate <= 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "A rate must be above zero.", field="rate")
    with transaction.atomic():
        if ExchangeRate.objects.filter(currency=currency, valid_from=valid_from).exists():
            raise ConflictError(
                "duplicate_rate",
                f"A {currency} rate valid from {valid_from} exists already.",
                field="valid_from",
            )
        exchange_rate = ExchangeRate.objects.create(
            currency=currency, valid_from=valid_from, rate=rate
        )
        record_audit(
            actor=actor,
            action="exchange_rate.create",
            obj=exchange_rate,
            changes={"rate": [None, str(rate)], "valid_from": [None, valid_from.isoformat()]},
            reason=reason,
        )
    return exchange_rate
