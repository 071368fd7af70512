from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from midstream.accounts.permissions import Perm
from midstream.api.auth import auth_requiring
from midstream.api.helpers import require
from midstream.core import services
from midstream.core.models import ExchangeRate
from midstream.core.schemas import (
    AuditRecordOut,
    ExchangeRateIn,
    ExchangeRateOut,
    VendorSettingsIn,
    VendorSettingsOut,
)
from midstream.core.selectors import audit_records, get_vendor_settings

router = Router(tags=["settings and audit"])


@router.get("/settings", response=VendorSettingsOut, operation_id="settings_get")
def settings_get(request):
    require(request, Perm.VIEW_PRODUCTS)
    return get_vendor_settings()


@router.put(
    "/settings",
    response=VendorSettingsOut,
    operation_id="settings_update",
    auth=auth_requiring(Perm.MANAGE_FINANCE_SETTINGS, vendor_only=True),
)
def settings_update(request, payload: VendorSettingsIn):
    require(request, Perm.MANAGE_FINANCE_SETTINGS, vendor_only=True)
    return services.update_vendor_settings(actor=request.auth, **payload.dict())


class RateFilter(Schema):
    currency: str | None = None


@router.get("/exchange-rates", response=list[ExchangeRateOut], operation_id="exchange_rate_list")
@paginate(PageNumberPagination)
def exchange_rate_list(request, filters: Query[RateFilter]):
    require(request, Perm.VIEW_SELLIN, vendor_only=True)
    rates = ExchangeRate.objects.order_by("currency", "-valid_from")
    if filters.currency:
        rates = rates.filter(currency=filters.currency)
    return rates


@router.post(
    "/exchange-rates",
    response={201: ExchangeRateOut},
    operation_id="exchange_rate_create",
    auth=auth_requiring(Perm.MANAGE_FINANCE_SETTINGS, vendor_only=True),
)
def exchange_rate_create(request, payload: ExchangeRateIn):
    require(request, Perm.MANAGE_FINANCE_SETTINGS, vendor_only=True)
    return Status(201, services.add_exchange_rate(actor=request.auth, **payload.dict()))


class AuditFilter(Schema):
    object_type: str | None = None
    object_id: str | None = None
    action: str | None = None


@router.get("/audit", response=list[AuditRecordOut], operation_id="audit_list")
@paginate(PageNumberPagination)
def audit_list(request, filters: Query[AuditFilter]):
    require(request, Perm.VIEW_AUDIT, vendor_only=True)
    records = audit_records(object_type=filters.object_type, object_id=filters.object_id)
    if filters.action:
        records = records.filter(action=filters.action)
    return records
