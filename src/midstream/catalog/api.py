"""Catalog API (mounted at the API root): products, families, distributor part numbers."""

import operator
from functools import reduce

from django.db.models import Q
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from midstream.accounts.permissions import Perm
from midstream.api.auth import auth_requiring
from midstream.api.helpers import require
from midstream.catalog import selectors, services
from midstream.catalog.models import ProductFamily
from midstream.catalog.schemas import (
    ConversionIn,
    ConversionOut,
    FamilyFilter,
    FamilyIn,
    FamilyOut,
    FamilyPatch,
    PartNumberFilter,
    PartNumberIn,
    PartNumberOut,
    PriceChangeIn,
    PriceChangeOut,
    ProductDetailOut,
    ProductFilter,
    ProductIn,
    ProductOut,
    ProductPatch,
)
from midstream.core.errors import DomainError, ErrorCode, PermissionDeniedError
from midstream.core.scoping import Scope
from midstream.partners.models import Distributor

# Writing operations authenticate through these: a refused role gets 403 before its body is
# validated (422).
WRITE = auth_requiring(Perm.CHANGE_PRODUCTS, vendor_only=True)
PRICE_WRITE = auth_requiring(Perm.CHANGE_PRICES, vendor_only=True)

router = Router(tags=["catalog"])


def _search(queryset, text: str | None, fields: list[str]):
    text = (text or "").strip()
    if not text:
        return queryset
    return queryset.filter(reduce(operator.or_, [Q(**{f"{f}__icontains": text}) for f in fields]))


def _family(family_id: int, field: str = "family_id") -> ProductFamily:
    family = ProductFamily.objects.filter(pk=family_id).first()
    if family is None:
        raise DomainError(ErrorCode.INVALID_VALUE, "No such product family.", field=field)
    return family


def _product_detail(product, scope: Scope):
    """The product with the rows ``ProductDetailOut`` reads, part numbers cut to ``scope``."""
    product.conversion_rows = list(product.conversions.order_by("factor", "unit"))
    product.part_number_rows = list(selectors.part_numbers_of(product, scope))
    return product


# --- products ---------------------------------------------------------------------------


@router.get("/products", response=list[ProductOut], operation_id="product_list")
@paginate(PageNumberPagination)
def product_list(request, filters: Query[ProductFilter]):
    require(request, Perm.VIEW_PRODUCTS)
    products = _search(selectors.products(), filters.q, ["sku", "gtin", "description"])
    if filters.family_id is not None:
        products = products.filter(family_id=filters.family_id)
    if filters.status:
        products = products.filter(status=filters.status)
    if filters.currency:
        products = products.filter(currency=filters.currency.upper())
    return products.order_by("sku", "pk")


@router.get("/products/{int:product_id}", response=ProductDetailOut, operation_id="product_get")
def product_get(request, product_id: int):
    scope = require(request, Perm.VIEW_PRODUCTS)
    return _product_detail(selectors.get_product(product_id), scope)


@router.post(
    "/products", response={201: ProductDetailOut}, operation_id="product_create", auth=WRITE
)
def product_create(request, payload: ProductIn):
    scope = require(request, Perm.CHANGE_PRODUCTS, vendor_only=True)
    values = payload.dict()
    values["family"] = _family(values.pop("family_id"))
    product = services.create_product(actor=request.auth, **values)
    return Status(201, _product_detail(selectors.get_product(product.pk), scope))


@router.patch(
    "/products/{int:product_id}",
    response=ProductDetailOut,
    operation_id="product_update",
    auth=WRITE,
)
def product_update(request, product_id: int, payload: ProductPatch):
    scope = require(request, Perm.CHANGE_PRODUCTS, vendor_only=True)
    product = selectors.get_product(product_id)
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason", "")
    if "family_id" in changes:
        family_id = changes.pop("family_id")
        changes["family"] = _family(family_id) if family_id is not None else None
    for field, value in changes.items():
        if value is None and field != "gtin":
            raise DomainError(ErrorCode.INVALID_VALUE, f"{field} cannot be null.", field=field)
    services.update_product(actor=request.auth, product=product, reason=reason, **changes)
    return _product_detail(selectors.get_product(product.pk), scope)


@router.post(
    "/products/{int:product_id}/price",
    response=ProductDetailOut,
    operation_id="product_change_price",
    auth=PRICE_WRITE,
)
def product_change_price(request, product_id: int, payload: PriceChangeIn):
    scope = require(request, Perm.CHANGE_PRICES, vendor_only=True)
    product = selectors.get_product(product_id)
    services.change_list_price(
        actor=request.auth,
        product=product,
        new_price=payload.new_price,
        currency=payload.currency.upper() if payload.currency else None,
        reason=payload.reason,
    )
    return _product_detail(selectors.get_product(product.pk), scope)


@router.get(
    "/products/{int:product_id}/price-history",
    response=list[PriceChangeOut],
    operation_id="product_price_history",
)
@paginate(PageNumberPagination)
def product_price_history(request, product_id: int):
    require(request, Perm.VIEW_PRODUCTS)
    return selectors.price_history(selectors.get_product(product_id))


@router.put(
    "/products/{int:product_id}/conversions/{unit}",
    response=ConversionOut,
    operation_id="product_conversion_set",
    auth=WRITE,
)
def product_conversion_set(request, product_id: int, unit: str, payload: ConversionIn):
    require(request, Perm.CHANGE_PRODUCTS, vendor_only=True)
    conversion = services.set_unit_conversion(
        actor=request.auth,
        product=selectors.get_product(product_id),
        unit=unit.upper(),
        factor=payload.factor,
        reason=payload.reason,
    )
    return {"unit": conversion.unit, "factor": conversion.factor}


@router.delete(
    "/products/{int:product_id}/conversions/{unit}",
    response={204: None},
    operation_id="product_conversion_delete",
    auth=WRITE,
)
def product_conversion_delete(request, product_id: int, unit: str):
    require(request, Perm.CHANGE_PRODUCTS, vendor_only=True)
    services.remove_unit_conversion(
        actor=request.auth, product=selectors.get_product(product_id), unit=unit.upper()
    )
    return Status(204, None)


# --- families ---------------------------------------------------------------------------


@router.get("/product-families", response=list[FamilyOut], operation_id="product_family_list")
@paginate(PageNumberPagination)
def product_family_list(request, filters: Query[FamilyFilter]):
    require(request, Perm.VIEW_PRODUCTS)
    return _search(ProductFamily.objects.all(), filters.q, ["code", "name"]).order_by("code")


@router.get(
    "/product-families/{int:family_id}", response=FamilyOut, operation_id="product_family_get"
)
def product_family_get(request, family_id: int):
    require(request, Perm.VIEW_PRODUCTS)
    return selectors.get_family(family_id)


@router.post(
    "/product-families", response={201: FamilyOut}, operation_id="product_family_create", auth=WRITE
)
def product_family_create(request, payload: FamilyIn):
    require(request, Perm.CHANGE_PRODUCTS, vendor_only=True)
    return Status(201, services.create_family(actor=request.auth, **payload.dict()))


@router.patch(
    "/product-families/{int:family_id}",
    response=FamilyOut,
    operation_id="product_family_update",
    auth=WRITE,
)
def product_family_update(request, family_id: int, payload: FamilyPatch):
    require(request, Perm.CHANGE_PRODUCTS, vendor_only=True)
    family = selectors.get_family(family_id)
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason", "")
    for field, value in changes.items():
        if value is None:
            raise DomainError(ErrorCode.INVALID_VALUE, f"{field} cannot be null.", field=field)
    return services.update_family(actor=request.auth, family=family, reason=reason, **changes)


# --- distributor part numbers -----------------------------------------------------------


@router.get("/part-numbers", response=list[PartNumberOut], operation_id="part_number_list")
@paginate(PageNumberPagination)
def part_number_list(request, filters: Query[PartNumberFilter]):
    scope = require(request, Perm.VIEW_PRODUCTS)
    mappings = _search(
        selectors.part_numbers_for(scope), filters.q, ["part_number", "product__sku"]
    )
    if filters.distributor_id is not None:
        if not scope.vendor_wide and filters.distributor_id != scope.distributor_id:
            raise PermissionDeniedError("You see your own distributor's part numbers only.")
        mappings = mappings.filter(distributor_id=filters.distributor_id)
    if filters.product_id is not None:
        mappings = mappings.filter(product_id=filters.product_id)
    if filters.unit:
        mappings = mappings.filter(unit=filters.unit)
    return mappings.order_by("distributor__code", "part_number", "pk")


@router.get(
    "/part-numbers/{int:part_number_id}", response=PartNumberOut, operation_id="part_number_get"
)
def part_number_get(request, part_number_id: int):
    scope = require(request, Perm.VIEW_PRODUCTS)
    return selectors.get_part_number(scope, part_number_id)


@router.post(
    "/part-numbers", response={201: PartNumberOut}, operation_id="part_number_create", auth=WRITE
)
def part_number_create(request, payload: PartNumberIn):
    scope = require(request, Perm.CHANGE_PRODUCTS, vendor_only=True)
    distributor = Distributor.objects.unscoped().filter(pk=payload.distributor_id).first()
    if distributor is None:
        raise DomainError(ErrorCode.INVALID_VALUE, "No such distributor.", field="distributor_id")
    if payload.product_id is not None:
        product = selectors.products().filter(pk=payload.product_id).first()
        if product is None:
            raise DomainError(ErrorCode.INVALID_VALUE, "No such product.", field="product_id")
    elif payload.sku:
        product = selectors.product_by_sku(payload.sku)
        if product is None:
            raise DomainError(ErrorCode.INVALID_VALUE, "No product with this SKU.", field="sku")
    else:
        raise DomainError(ErrorCode.INVALID_VALUE, "Give product_id or sku.", field="product_id")
    mapping = services.create_part_number(
        actor=request.auth,
        distributor=distributor,
        product=product,
        part_number=payload.part_number,
        unit=payload.unit,
        reason=payload.reason,
    )
    return Status(201, selectors.get_part_number(scope, mapping.pk))


@router.delete(
    "/part-numbers/{int:part_number_id}",
    response={204: None},
    operation_id="part_number_delete",
    auth=WRITE,
)
def part_number_delete(request, part_number_id: int):
    scope = require(request, Perm.CHANGE_PRODUCTS, vendor_only=True)
    services.remove_part_number(
        actor=request.auth, part_number=selectors.get_part_number(scope, part_number_id)
    )
    return Status(204, None)
