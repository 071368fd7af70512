"""Catalog writes (issue 2, point 4): families, products, prices, units, part numbers.

Each service is atomic and writes its audit record in the same transaction. The list price is
a price: ``update_product`` refuses it and ``change_list_price`` changes it, with a reason,
audited with before and after (the product's price history is read from those records).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction

from midstream.catalog import calc
from midstream.catalog.choices import ProductStatus, UnitOfMeasure
from midstream.catalog.errors import ErrorCode
from midstream.catalog.models import (
    DistributorPartNumber,
    Product,
    ProductFamily,
    UnitConversion,
)
from midstream.core.audit import diff, record_audit, snapshot
from midstream.core.errors import ConflictError, DomainError, NotFoundError
from midstream.core.money import (
    PRICE_DECIMAL_PLACES,
    PRICE_MAX_DIGITS,
    AmountError,
    is_currency,
    parse_decimal,
)

FAMILY_FIELDS = ["code", "name", "description"]
PRODUCT_FIELDS = [
    "sku",
    "gtin",
    "description",
    "family",
    "unit_of_measure",
    "list_price",
    "currency",
    "status",
]
# What update_product may change; the price and its currency go through change_list_price.
EDITABLE_PRODUCT_FIELDS = ["sku", "gtin", "description", "family", "unit_of_measure", "status"]
PRICE_ACTIONS = ("product.create", "product.change_price")
PRICE_QUANTUM = Decimal(1).scaleb(-PRICE_DECIMAL_PLACES)


# --- families ---------------------------------------------------------------------------


def _clean_family(values: dict) -> dict:
    cleaned = dict(values)
    if "code" in cleaned:
        code = (cleaned["code"] or "").strip().upper()
        if not code or len(code) > 20 or not all(c.isalnum() or c in "-_" for c in code):
            raise DomainError(
                ErrorCode.INVALID_FAMILY_CODE,
                "A family code is 1-20 letters, digits, - or _.",
                field="code",
            )
        cleaned["code"] = code
    if "name" in cleaned:
        cleaned["name"] = " ".join((cleaned["name"] or "").split())
        if not cleaned["name"]:
            raise DomainError(ErrorCode.REQUIRED, "A family needs a name.", field="name")
    if "description" in cleaned:
        cleaned["description"] = (cleaned["description"] or "").strip()
    return cleaned


def _check_family_unique(family: ProductFamily) -> None:
    if ProductFamily.objects.exclude(pk=family.pk).filter(code__iexact=family.code).exists():
        raise ConflictError(
            ErrorCode.DUPLICATE_FAMILY_CODE, f"Family {family.code} exists already.", field="code"
        )


def create_family(
    *, actor, code: str, name: str, description: str = "", reason: str = ""
) -> ProductFamily:
    values = _clean_family({"code": code, "name": name, "description": description})
    with transaction.atomic():
        family = ProductFamily(**values)
        _check_family_unique(family)
        family.save()
        record_audit(
            actor=actor,
            action="product_family.create",
            obj=family,
            changes={key: [None, value] for key, value in snapshot(family, FAMILY_FIELDS).items()},
            reason=reason,
        )
    return family


def update_family(*, actor, family: ProductFamily, reason: str = "", **changes) -> ProductFamily:
    unknown = set(changes) - set(FAMILY_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise DomainError(ErrorCode.INVALID_CHOICE, f"{field} cannot be changed.", field=field)
    values = _clean_family(changes)
    with transaction.atomic():
        family = ProductFamily.objects.select_for_update().get(pk=family.pk)
        before = snapshot(family, FAMILY_FIELDS)
        for field, value in values.items():
            setattr(family, field, value)
        _check_family_unique(family)
        changed = diff(before, snapshot(family, FAMILY_FIELDS))
        if changed:
            family.save()
            record_audit(
                actor=actor,
                action="product_family.update",
                obj=family,
                changes=changed,
                reason=reason,
            )
    return family


# --- products ---------------------------------------------------------------------------


def parse_price(raw, *, field: str) -> Decimal:
    """A list price: a finite, non-negative Decimal within the price column's size."""
    try:
        value = parse_decimal(
            raw,
            max_digits=PRICE_MAX_DIGITS,
            decimal_places=PRICE_DECIMAL_PLACES,
            allow_negative=False,
        )
    except AmountError as error:
        raise DomainError(
            ErrorCode.INVALID_PRICE, f"The price {error.message}.", field=field
        ) from None
    return value.quantize(PRICE_QUANTUM)


def _clean_gtin(raw: str | None) -> str | None:
    if raw is None:
        return None
    code = calc.normalise_gtin(raw)
    if not code:
        return None
    problem = calc.gtin_problem(code)
    if problem:
        raise DomainError(ErrorCode.INVALID_GTIN, problem, field="gtin")
    return code


def _check_choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise DomainError(
            ErrorCode.INVALID_CHOICE, f"{value!r} is not a valid {field}.", field=field
        )
    return value


def _clean_product(values: dict) -> dict:
    cleaned = dict(values)
    if "sku" in cleaned:
        sku = (cleaned["sku"] or "").strip()
        if not sku or len(sku) > 40 or any(character.isspace() for character in sku):
            raise DomainError(
                ErrorCode.INVALID_SKU, "A SKU is 1-40 characters without blanks.", field="sku"
            )
        cleaned["sku"] = sku
    if "gtin" in cleaned:
        cleaned["gtin"] = _clean_gtin(cleaned["gtin"])
    if "description" in cleaned:
        cleaned["description"] = " ".join((cleaned["description"] or "").split())
        if not cleaned["description"]:
            raise DomainError(
                ErrorCode.REQUIRED, "A product needs a description.", field="description"
            )
    if "family" in cleaned and cleaned["family"] is None:
        raise DomainError(ErrorCode.REQUIRED, "A product belongs to a family.", field="family")
    if "unit_of_measure" in cleaned:
        _check_choice(cleaned["unit_of_measure"], UnitOfMeasure, "unit_of_measure")
    if "status" in cleaned:
        _check_choice(cleaned["status"], ProductStatus, "status")
    return cleaned


def _check_product_unique(product: Product) -> None:
    others = Product.objects.exclude(pk=product.pk)
    if others.filter(sku__iexact=product.sku).exists():
        raise ConflictError(
            ErrorCode.DUPLICATE_SKU, f"SKU {product.sku} exists already.", field="sku"
        )
    if product.gtin and others.filter(gtin=product.gtin).exists():
        raise ConflictError(
            ErrorCode.DUPLICATE_GTIN,
            f"GTIN {product.gtin} belongs to another product.",
            field="gtin",
        )


def _check_currency(currency: str) -> str:
    if not is_currency(currency):
        raise DomainError(
            ErrorCode.INVALID_CHOICE, f"{currency!r} is not a known currency.", field="currency"
        )
    return currency


def create_product(
    *,
    actor,
    sku: str,
    description: str,
    family: ProductFamily,
    list_price,
    currency: str,
    gtin: str | None = None,
    unit_of_measure: str = UnitOfMeasure.EACH,
    status: str = ProductStatus.ACTIVE,
    reason: str = "",
) -> Product:
    values = _clean_product(
        {
            "sku": sku,
            "description": description,
            "family": family,
            "gtin": gtin,
            "unit_of_measure": unit_of_measure,
            "status": status,
        }
    )
    price = parse_price(list_price, field="list_price")
    _check_currency(currency)
    with transaction.atomic():
        product = Product(list_price=price, currency=currency, **values)
        _check_product_unique(product)
        product.save()
        record_audit(
            actor=actor,
            action="product.create",
            obj=product,
            changes={
                key: [None, value] for key, value in snapshot(product, PRODUCT_FIELDS).items()
            },
            reason=reason,
        )
    return product


def update_product(*, actor, product: Product, reason: str = "", **changes) -> Product:
    """Change a product's facts. Its status only moves forward through the lifecycle."""
    if {"list_price", "currency"} & set(changes):
        raise DomainError(
            ErrorCode.INVALID_CHOICE,
            "The list price changes through a price change, with a reason.",
            field="list_price" if "list_price" in changes else "currency",
        )
    unknown = set(changes) - set(EDITABLE_PRODUCT_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise DomainError(ErrorCode.INVALID_CHOICE, f"{field} cannot be changed.", field=field)
    values = _clean_product(changes)
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        before = snapshot(product, PRODUCT_FIELDS)
        if "status" in values and not calc.is_lifecycle_move_allowed(
            product.status, values["status"]
        ):
            raise ConflictError(
                ErrorCode.STATUS_BACKWARDS,
                f"The product is {product.get_status_display()}; its lifecycle does not go "
                f"back to {ProductStatus(values['status']).label}.",
                field="status",
            )
        if (
            "unit_of_measure" in values
            and values["unit_of_measure"] != product.unit_of_measure
            and _unit_in_use(product)
        ):
            raise ConflictError(
                ErrorCode.UNIT_IN_USE,
                "Unit conversions and distributor part numbers are expressed in the base unit; "
                "remove them before changing it.",
                field="unit_of_measure",
            )
        for field, value in values.items():
            setattr(product, field, value)
        _check_product_unique(product)
        changed = diff(before, snapshot(product, PRODUCT_FIELDS))
        if changed:
            product.save()
            record_audit(
                actor=actor, action="product.update", obj=product, changes=changed, reason=reason
            )
    return product


def _unit_in_use(product: Product) -> bool:
    return (
        product.conversions.exists()
        or DistributorPartNumber.objects.unscoped().filter(product=product).exists()
    )


def change_list_price(
    *, actor, product: Product, new_price, reason: str, currency: str | None = None
) -> Product:
    """Set a new list price (and, optionally, its currency). A reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ErrorCode.REASON_REQUIRED, "Say why the price changes.", field="reason")
    price = parse_price(new_price, field="new_price")
    if currency is not None:
        _check_currency(currency)
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        before = snapshot(product, ["list_price", "currency"])
        product.list_price = price
        if currency is not None:
            product.currency = currency
        after = snapshot(product, ["list_price", "currency"])
        if Decimal(before["list_price"]) == price and before["currency"] == after["currency"]:
            raise DomainError(
                ErrorCode.PRICE_UNCHANGED,
                f"The list price is {before['list_price']} {before['currency']} already.",
                field="new_price",
            )
        product.save(update_fields=["list_price", "currency", "updated_at"])
        # The price pair is always recorded (the price history reads it); the currency only
        # when it changed.
        changes = {"list_price": [before["list_price"], after["list_price"]]}
        changes.update(diff({"currency": before["currency"]}, {"currency": after["currency"]}))
        record_audit(
            actor=actor, action="product.change_price", obj=product, changes=changes, reason=reason
        )
    return product


# --- units ------------------------------------------------------------------------------


def set_unit_conversion(
    *, actor, product: Product, unit: str, factor: int, reason: str = ""
) -> UnitConversion:
    """``unit`` of ``product`` holds ``factor`` base units (box of 10: BX, 10)."""
    _check_choice(unit, UnitOfMeasure, "unit")
    if unit == product.unit_of_measure:
        raise DomainError(
            ErrorCode.INVALID_CONVERSION,
            f"{unit} is the product's base unit already.",
            field="unit",
        )
    if isinstance(factor, bool) or not isinstance(factor, int) or factor < 1:
        raise DomainError(
            ErrorCode.INVALID_CONVERSION,
            "A conversion factor is a whole number of base units, at least 1.",
            field="factor",
        )
    with transaction.atomic():
        conversion = (
            UnitConversion.objects.select_for_update().filter(product=product, unit=unit).first()
        )
        before = conversion.factor if conversion else None
        if conversion is None:
            conversion = UnitConversion(product=product, unit=unit)
        if before == factor:
            return conversion
        conversion.factor = factor
        conversion.save()
        record_audit(
            actor=actor,
            action="product.set_conversion",
            obj=product,
            changes={f"conversion.{unit}": [before, factor]},
            reason=reason,
        )
    return conversion


def remove_unit_conversion(*, actor, product: Product, unit: str, reason: str = "") -> None:
    with transaction.atomic():
        conversion = (
            UnitConversion.objects.select_for_update().filter(product=product, unit=unit).first()
        )
        if conversion is None:
            raise NotFoundError(f"{product.sku} has no conversion for {unit}.")
        in_use = DistributorPartNumber.objects.unscoped().filter(product=product, unit=unit)
        if in_use.exists():
            raise ConflictError(
                ErrorCode.UNIT_IN_USE,
                f"Distributor part numbers are sold in {unit}; remove them first.",
                field="unit",
            )
        factor = conversion.factor
        conversion.delete()
        record_audit(
            actor=actor,
            action="product.remove_conversion",
            obj=product,
            changes={f"conversion.{unit}": [factor, None]},
            reason=reason,
        )


# --- distributor part numbers -----------------------------------------------------------


def create_part_number(
    *,
    actor,
    distributor,
    product: Product,
    part_number: str,
    unit: str | None = None,
    reason: str = "",
) -> DistributorPartNumber:
    """Map a distributor's own part number to a vendor SKU, in the base or a converted unit."""
    text = (part_number or "").strip()
    if not text or len(text) > 60:
        raise DomainError(
            ErrorCode.REQUIRED, "A part number is 1-60 characters.", field="part_number"
        )
    unit = unit or product.unit_of_measure
    _check_choice(unit, UnitOfMeasure, "unit")
    if unit != product.unit_of_measure and not product.conversions.filter(unit=unit).exists():
        raise DomainError(
            ErrorCode.UNKNOWN_UNIT,
            f"{product.sku} has no conversion from {unit} to {product.unit_of_measure}; "
            "add one first.",
            field="unit",
        )
    with transaction.atomic():
        existing = DistributorPartNumber.objects.for_distributor(distributor.pk).filter(
            part_number__iexact=text
        )
        if existing.exists():
            raise ConflictError(
                ErrorCode.DUPLICATE_PART_NUMBER,
                f"{distributor.code} uses part number {text} already.",
                field="part_number",
            )
        try:
            with transaction.atomic():
                mapping = DistributorPartNumber.objects.unscoped().create(
                    distributor=distributor, product=product, part_number=text, unit=unit
                )
        except IntegrityError:
            raise ConflictError(
                ErrorCode.DUPLICATE_PART_NUMBER,
                f"{distributor.code} uses part number {text} already.",
                field="part_number",
            ) from None
        record_audit(
            actor=actor,
            action="part_number.create",
            obj=mapping,
            changes={
                "part_number": [None, text],
                "product": [None, str(product.pk)],
                "unit": [None, unit],
            },
            reason=reason,
            distributor_id=distributor.pk,
        )
    return mapping


def remove_part_number(*, actor, part_number: DistributorPartNumber, reason: str = "") -> None:
    with transaction.atomic():
        changes = {
            "part_number": [part_number.part_number, None],
            "product": [str(part_number.product_id), None],
            "unit": [part_number.unit, None],
        }
        distributor_id = part_number.distributor_id
        record_audit(
            actor=actor,
            action="part_number.remove",
            obj=part_number,
            changes=changes,
            reason=reason,
            distributor_id=distributor_id,
        )
        part_number.delete()
