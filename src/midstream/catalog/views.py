"""Catalog pages: thin adapters over ``catalog.selectors`` and ``catalog.services``."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from midstream.accounts.decorators import require_perm
from midstream.accounts.permissions import Perm, has_perm, is_distributor_user, scope_for
from midstream.catalog import selectors, services
from midstream.catalog.choices import ProductStatus, UnitOfMeasure
from midstream.catalog.forms import (
    ConversionForm,
    FamilyForm,
    PartNumberForm,
    PriceChangeForm,
    ProductCreateForm,
    ProductEditForm,
    ReasonForm,
)
from midstream.core.errors import DomainError
from midstream.core.listing import Column, Filter, ListSpec, render_list
from midstream.core.money import CURRENCY_CHOICES

PRODUCT_FORM_FIELDS = ["sku", "gtin", "description", "family", "unit_of_measure", "status"]


def _vendor_can(user, perm: Perm) -> bool:
    return has_perm(user, perm) and not is_distributor_user(user)


def product_list_spec(families) -> ListSpec:
    return ListSpec(
        name="products",
        columns=[
            Column("sku", "SKU", link="catalog:product_detail", sort="sku"),
            Column("gtin", "GTIN", sort="gtin"),
            Column("description", "Description", sort="description"),
            Column("family", "Family", value="family.code", sort="family__code"),
            Column("unit_of_measure", "Unit", sort="unit_of_measure"),
            Column("list_price", "List price", sort="list_price", numeric=True),
            Column("currency", "Currency", sort="currency"),
            Column("status", "Status", value="get_status_display", sort="status"),
        ],
        search_fields=["sku", "gtin", "description"],
        filters=[
            Filter("family", "Family", "family_id", list(families)),
            Filter("status", "Status", "status", ProductStatus.choices),
            Filter("currency", "Currency", "currency", CURRENCY_CHOICES),
        ],
        default_sort="sku",
    )


@require_perm(Perm.VIEW_PRODUCTS)
def product_list(request):
    can_create = _vendor_can(request.user, Perm.CHANGE_PRODUCTS)
    return render_list(
        request,
        selectors.products(),
        product_list_spec(selectors.family_choices()),
        template="catalog/list.html",
        context={
            "title": "Products",
            "subtitle": "The vendor's catalog: SKUs, codes, units and list prices.",
            "create_url": reverse("catalog:product_create") if can_create else None,
            "create_label": "New product",
        },
    )


def _render_product(request, product, *, conversion_form=None, status=200):
    scope = scope_for(request.user)
    vendor_user = not is_distributor_user(request.user)
    can_change = _vendor_can(request.user, Perm.CHANGE_PRODUCTS)
    context = {
        "product": product,
        "conversions": product.conversions.order_by("factor", "unit"),
        "part_numbers": selectors.part_numbers_of(product, scope),
        "price_history": selectors.price_history(product),
        "vendor_user": vendor_user,
        "can_change": can_change,
        "can_change_price": _vendor_can(request.user, Perm.CHANGE_PRICES),
        "show_audit": vendor_user and has_perm(request.user, Perm.VIEW_AUDIT),
        "conversion_form": conversion_form or (ConversionForm() if can_change else None),
    }
    return render(request, "catalog/product_detail.html", context, status=status)


@require_perm(Perm.VIEW_PRODUCTS)
def product_detail(request, pk: int):
    return _render_product(request, selectors.get_product(pk))


def _product_values(data: dict) -> dict:
    return {field: data[field] for field in PRODUCT_FORM_FIELDS}


@require_perm(Perm.CHANGE_PRODUCTS, vendor_only=True)
def product_create(request):
    form = ProductCreateForm(
        request.POST or None, initial={"status": ProductStatus.PLANNED, "unit_of_measure": "EA"}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            product = services.create_product(
                actor=request.user,
                list_price=data["list_price"],
                currency=data["currency"],
                reason=data["reason"],
                **_product_values(data),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"Product {product.sku} created.")
            return redirect("catalog:product_detail", pk=product.pk)
    return render(request, "catalog/product_form.html", {"form": form, "product": None})


@require_perm(Perm.CHANGE_PRODUCTS, vendor_only=True)
def product_edit(request, pk: int):
    product = selectors.get_product(pk)
    initial = {field: getattr(product, field) for field in PRODUCT_FORM_FIELDS}
    form = ProductEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_product(
                actor=request.user, product=product, reason=data["reason"], **_product_values(data)
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Product saved.")
            return redirect("catalog:product_detail", pk=product.pk)
    return render(request, "catalog/product_form.html", {"form": form, "product": product})


@require_perm(Perm.CHANGE_PRICES, vendor_only=True)
def product_price(request, pk: int):
    product = selectors.get_product(pk)
    form = PriceChangeForm(
        request.POST or None,
        initial={"new_price": product.list_price, "currency": product.currency},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_list_price(
                actor=request.user,
                product=product,
                new_price=data["new_price"],
                currency=data["currency"],
                reason=data["reason"],
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "List price changed.")
            return redirect("catalog:product_detail", pk=product.pk)
    return render(request, "catalog/price_form.html", {"form": form, "product": product})


@require_perm(Perm.CHANGE_PRODUCTS, vendor_only=True)
@require_POST
def product_conversion_set(request, pk: int):
    product = selectors.get_product(pk)
    form = ConversionForm(request.POST)
    if form.is_valid():
        try:
            services.set_unit_conversion(
                actor=request.user,
                product=product,
                unit=form.cleaned_data["unit"],
                factor=form.cleaned_data["factor"],
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Unit conversion saved.")
            return redirect("catalog:product_detail", pk=product.pk)
    return _render_product(request, product, conversion_form=form)


@require_perm(Perm.CHANGE_PRODUCTS, vendor_only=True)
@require_POST
def product_conversion_remove(request, pk: int, unit: str):
    product = selectors.get_product(pk)
    try:
        services.remove_unit_conversion(actor=request.user, product=product, unit=unit)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Conversion for {unit} removed.")
    return redirect("catalog:product_detail", pk=product.pk)


# --- families ---------------------------------------------------------------------------

FAMILY_SPEC = ListSpec(
    name="product-families",
    columns=[
        Column("code", "Code", link="catalog:family_detail", sort="code"),
        Column("name", "Name", link="catalog:family_detail", sort="name"),
        Column("product_count", "Products", sort="product_count", numeric=True),
    ],
    search_fields=["code", "name", "description"],
    default_sort="code",
)


@require_perm(Perm.VIEW_PRODUCTS)
def family_list(request):
    can_create = _vendor_can(request.user, Perm.CHANGE_PRODUCTS)
    return render_list(
        request,
        selectors.families(),
        FAMILY_SPEC,
        template="catalog/list.html",
        context={
            "title": "Product families",
            "subtitle": "Agreements set discount levels per family.",
            "create_url": reverse("catalog:family_create") if can_create else None,
            "create_label": "New family",
        },
    )


FAMILY_PRODUCTS_SPEC = ListSpec(
    name="family-products",
    columns=[
        Column("sku", "SKU", link="catalog:product_detail", sort="sku"),
        Column("description", "Description", sort="description"),
        Column("list_price", "List price", sort="list_price", numeric=True),
        Column("currency", "Currency", sort="currency"),
        Column("status", "Status", value="get_status_display", sort="status"),
    ],
    search_fields=["sku", "gtin", "description"],
    filters=[Filter("status", "Status", "status", ProductStatus.choices)],
    default_sort="sku",
)


@require_perm(Perm.VIEW_PRODUCTS)
def family_detail(request, pk: int):
    family = selectors.get_family(pk)
    return render_list(
        request,
        selectors.products().filter(family=family),
        FAMILY_PRODUCTS_SPEC,
        template="catalog/family_detail.html",
        context={
            "title": f"{family.code} — {family.name}",
            "family": family,
            "can_change": _vendor_can(request.user, Perm.CHANGE_PRODUCTS),
            "show_audit": not is_distributor_user(request.user)
            and has_perm(request.user, Perm.VIEW_AUDIT),
        },
    )


@require_perm(Perm.CHANGE_PRODUCTS, vendor_only=True)
def family_create(request):
    form = FamilyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            family = services.create_family(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"Family {family.code} created.")
            return redirect("catalog:family_detail", pk=family.pk)
    return render(request, "catalog/family_form.html", {"form": form, "family": None})


@require_perm(Perm.CHANGE_PRODUCTS, vendor_only=True)
def family_edit(request, pk: int):
    family = selectors.get_family(pk)
    form = FamilyForm(
        request.POST or None,
        initial={"code": family.code, "name": family.name, "description": family.description},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            services.update_family(actor=request.user, family=family, reason=reason, **data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Family saved.")
            return redirect("catalog:family_detail", pk=family.pk)
    return render(request, "catalog/family_form.html", {"form": form, "family": family})


# --- distributor part numbers -----------------------------------------------------------


def part_number_spec(*, vendor: bool, distributors=()) -> ListSpec:
    columns = [
        Column("part_number", "Part number", sort="part_number"),
        Column(
            "sku",
            "SKU",
            value="product.sku",
            link=lambda row: reverse("catalog:product_detail", args=[row.product_id]),
            sort="product__sku",
        ),
        Column("description", "Description", value="product.description"),
        Column("unit", "Unit", sort="unit"),
    ]
    filters = [Filter("unit", "Unit", "unit", UnitOfMeasure.choices)]
    if vendor:
        columns.insert(
            0,
            Column(
                "distributor", "Distributor", value="distributor.code", sort="distributor__code"
            ),
        )
        filters.insert(
            0, Filter("distributor", "Distributor", "distributor_id", list(distributors))
        )
    return ListSpec(
        name="part-numbers",
        columns=columns,
        search_fields=["part_number", "product__sku", "product__description"],
        filters=filters,
        default_sort="part_number",
    )


@require_perm(Perm.VIEW_PRODUCTS)
def part_number_list(request):
    scope = scope_for(request.user)
    vendor = scope.vendor_wide
    spec = part_number_spec(
        vendor=vendor, distributors=selectors.distributor_choices() if vendor else ()
    )
    can_create = _vendor_can(request.user, Perm.CHANGE_PRODUCTS)
    return render_list(
        request,
        selectors.part_numbers_for(scope),
        spec,
        template="catalog/list.html",
        context={
            "title": "Distributor part numbers",
            "subtitle": (
                "Each distributor's own part numbers, mapped to vendor SKUs."
                if vendor
                else "Your part numbers, mapped to vendor SKUs."
            ),
            "create_url": reverse("catalog:part_number_create") if can_create else None,
            "create_label": "Map a part number",
        },
    )


@require_perm(Perm.CHANGE_PRODUCTS, vendor_only=True)
def part_number_create(request):
    form = PartNumberForm(request.POST or None, initial=request.GET or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        product = selectors.product_by_sku(data["sku"])
        if product is None:
            form.add_error("sku", f"No product with SKU {data['sku']}.")
        else:
            try:
                services.create_part_number(
                    actor=request.user,
                    distributor=data["distributor"],
                    product=product,
                    part_number=data["part_number"],
                    unit=data["unit"] or None,
                    reason=data["reason"],
                )
            except DomainError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, f"Part number {data['part_number']} mapped.")
                return redirect("catalog:product_detail", pk=product.pk)
    return render(request, "catalog/part_number_form.html", {"form": form})


@require_perm(Perm.CHANGE_PRODUCTS, vendor_only=True)
@require_POST
def part_number_remove(request, pk: int):
    part_number = selectors.get_part_number(scope_for(request.user), pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.remove_part_number(actor=request.user, part_number=part_number, reason=reason)
    messages.success(request, f"Part number {part_number.part_number} removed.")
    return redirect("catalog:product_detail", pk=part_number.product_id)
