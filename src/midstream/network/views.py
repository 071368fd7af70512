"""Reseller pages: thin adapters over ``network.selectors`` and ``network.services``."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from midstream.accounts.decorators import require_perm
from midstream.accounts.permissions import Perm, has_perm, is_distributor_user, scope_for
from midstream.core.errors import DomainError
from midstream.core.listing import Column, Filter, ListSpec, render_list
from midstream.network import selectors, services
from midstream.network.choices import OnboardingStage, ResellerStatus, ResellerTier
from midstream.network.forms import (
    AliasForm,
    EndSupplyForm,
    ReasonForm,
    ResellerCreateForm,
    ResellerForm,
    StageForm,
    SupplyForm,
)

RESELLER_FORM_FIELDS = [
    "partner_id",
    "name",
    "tax_id",
    "address_line",
    "city",
    "postal_code",
    "country",
    "tier",
    "status",
    "recruited_by",
]


def _country_choices(queryset) -> list[tuple[str, str]]:
    countries = queryset.order_by().values_list("country", flat=True).distinct()
    return [(code, code) for code in sorted(countries)]


def reseller_list_spec(*, vendor: bool, countries, distributors=()) -> ListSpec:
    columns = [
        Column("partner_id", "Partner id", link="network:reseller_detail", sort="partner_id"),
        Column("name", "Name", link="network:reseller_detail", sort="name"),
        Column("tax_id", "Tax id", sort="tax_id"),
        Column("city", "City", sort="city"),
        Column("postal_code", "Postal code", sort="postal_code"),
        Column("country", "Country", sort="country"),
        Column("tier", "Tier", value="get_tier_display", sort="tier"),
        Column("status", "Status", value="get_status_display", sort="status"),
        Column(
            "onboarding_stage",
            "Onboarding stage",
            value="get_onboarding_stage_display",
            sort="onboarding_stage",
        ),
    ]
    filters = [
        Filter("country", "Country", "country", list(countries)),
        Filter("tier", "Tier", "tier", ResellerTier.choices),
        Filter("status", "Status", "status", ResellerStatus.choices),
        Filter("stage", "Onboarding stage", "onboarding_stage", OnboardingStage.choices),
    ]
    if vendor:
        columns += [
            Column("recruited_by", "Recruited by", value="recruited_by.code"),
            Column("supplier_count", "Supplying distributors", sort="supplier_count", numeric=True),
        ]
        filters.append(
            Filter("distributor", "Supplied by", "supplies__distributor_id", list(distributors))
        )
    else:
        columns += [
            Column("own_account_number", "Our account number", sort="own_account_number"),
            Column("own_since", "Supplied since", sort="own_since"),
            Column("own_until", "Supplied until", sort="own_until"),
        ]
    return ListSpec(
        name="resellers",
        columns=columns,
        search_fields=["name", "partner_id", "tax_id", "city", "postal_code"],
        filters=filters,
        default_sort="name",
    )


@require_perm(Perm.VIEW_RESELLERS)
def reseller_list(request):
    scope = scope_for(request.user)
    resellers = selectors.resellers_for(scope)
    vendor = scope.vendor_wide
    spec = reseller_list_spec(
        vendor=vendor,
        countries=_country_choices(resellers),
        distributors=selectors.distributor_choices() if vendor else (),
    )
    can_change = has_perm(request.user, Perm.CHANGE_RESELLERS)
    return render_list(
        request,
        resellers,
        spec,
        context={
            "title": "Resellers",
            "subtitle": (
                "The vendor-wide reseller master."
                if vendor
                else "Resellers you supply or recruited."
            ),
            "create_url": reverse("network:reseller_create") if can_change else None,
            "create_label": "New reseller",
        },
    )


def _detail_context(request, pk, **forms) -> dict:
    scope = scope_for(request.user)
    view = selectors.reseller_view(scope, pk)
    vendor_user = not is_distributor_user(request.user)
    can_change = has_perm(request.user, Perm.CHANGE_RESELLERS) and vendor_user
    context = {
        "view": view,
        "reseller": view.reseller,
        "can_change": can_change,
        "show_audit": vendor_user and has_perm(request.user, Perm.VIEW_AUDIT),
    }
    if can_change:
        context.update(
            alias_form=forms.get("alias_form") or AliasForm(),
            supply_form=forms.get("supply_form") or SupplyForm(),
            stage_form=forms.get("stage_form") or StageForm(),
            end_supply_form=forms.get("end_supply_form") or EndSupplyForm(),
            end_supply_pk=forms.get("end_supply_pk"),
        )
    return context


def _render_detail(request, pk, **forms):
    return render(request, "network/reseller_detail.html", _detail_context(request, pk, **forms))


@require_perm(Perm.VIEW_RESELLERS)
def reseller_detail(request, pk: int):
    return _render_detail(request, pk)


def _service_values(data: dict) -> dict:
    return {field: data[field] for field in RESELLER_FORM_FIELDS}


@require_perm(Perm.CHANGE_RESELLERS, vendor_only=True)
def reseller_create(request):
    form = ResellerCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reseller = services.create_reseller(
                actor=request.user,
                onboarding_stage=data["onboarding_stage"],
                reason=data["reason"],
                **_service_values(data),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"Reseller {reseller.name} created.")
            return redirect("network:reseller_detail", pk=reseller.pk)
    return render(request, "network/reseller_form.html", {"form": form, "reseller": None})


@require_perm(Perm.CHANGE_RESELLERS, vendor_only=True)
def reseller_edit(request, pk: int):
    reseller = selectors.get_reseller(scope_for(request.user), pk)
    initial = {field: getattr(reseller, field) for field in RESELLER_FORM_FIELDS}
    form = ResellerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_reseller(
                actor=request.user,
                reseller=reseller,
                reason=data["reason"],
                **_service_values(data),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Reseller saved.")
            return redirect("network:reseller_detail", pk=reseller.pk)
    return render(request, "network/reseller_form.html", {"form": form, "reseller": reseller})


@require_perm(Perm.CHANGE_RESELLERS, vendor_only=True)
@require_POST
def reseller_stage(request, pk: int):
    reseller = selectors.get_reseller(scope_for(request.user), pk)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            services.advance_onboarding_stage(
                actor=request.user,
                reseller=reseller,
                stage=form.cleaned_data["onboarding_stage"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Onboarding stage advanced.")
            return redirect("network:reseller_detail", pk=reseller.pk)
    return _render_detail(request, reseller.pk, stage_form=form)


@require_perm(Perm.CHANGE_RESELLERS, vendor_only=True)
@require_POST
def reseller_alias_add(request, pk: int):
    reseller = selectors.get_reseller(scope_for(request.user), pk)
    form = AliasForm(request.POST)
    if form.is_valid():
        try:
            services.add_alias(
                actor=request.user,
                reseller=reseller,
                alias=form.cleaned_data["alias"],
                distributor=form.cleaned_data["distributor"],
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Alias added.")
            return redirect("network:reseller_detail", pk=reseller.pk)
    return _render_detail(request, reseller.pk, alias_form=form)


@require_perm(Perm.CHANGE_RESELLERS, vendor_only=True)
@require_POST
def reseller_alias_remove(request, pk: int):
    alias = selectors.get_alias(scope_for(request.user), pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.remove_alias(actor=request.user, alias=alias, reason=reason)
    messages.success(request, f"Alias {alias.alias!r} removed.")
    return redirect("network:reseller_detail", pk=alias.reseller_id)


@require_perm(Perm.CHANGE_RESELLERS, vendor_only=True)
@require_POST
def reseller_supply_add(request, pk: int):
    reseller = selectors.get_reseller(scope_for(request.user), pk)
    form = SupplyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_supply(
                actor=request.user,
                reseller=reseller,
                distributor=data["distributor"],
                since=data["since"],
                account_number=data["account_number"],
                reason=data["reason"],
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Supplying distributor added.")
            return redirect("network:reseller_detail", pk=reseller.pk)
    return _render_detail(request, reseller.pk, supply_form=form)


@require_perm(Perm.CHANGE_RESELLERS, vendor_only=True)
@require_POST
def reseller_supply_end(request, pk: int):
    supply = selectors.get_supply(scope_for(request.user), pk)
    form = EndSupplyForm(request.POST)
    if form.is_valid():
        try:
            services.end_supply(
                actor=request.user,
                supply=supply,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Supply ended.")
            return redirect("network:reseller_detail", pk=supply.reseller_id)
    return _render_detail(
        request, supply.reseller_id, end_supply_form=form, end_supply_pk=supply.pk
    )


@require_perm(Perm.CHANGE_RESELLERS, vendor_only=True)
@require_POST
def reseller_supply_remove(request, pk: int):
    supply = selectors.get_supply(scope_for(request.user), pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.remove_supply(actor=request.user, supply=supply, reason=reason)
    messages.success(request, "Supply row removed.")
    return redirect("network:reseller_detail", pk=supply.reseller_id)
