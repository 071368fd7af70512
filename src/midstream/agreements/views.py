"""Agreement pages: thin adapters over selectors and services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from midstream.accounts.decorators import require_perm
from midstream.accounts.permissions import Perm, has_perm, is_distributor_user, scope_for
from midstream.agreements import selectors, services
from midstream.agreements.forms import (
    AgreementCreateForm,
    AmendForm,
    EndForm,
    TermsForm,
    discount_formset,
)
from midstream.core.errors import DomainError
from midstream.core.listing import Column, Filter, ListSpec, render_list
from midstream.core.money import CURRENCY_CHOICES
from midstream.core.scoping import get_in_scope
from midstream.partners.models import Distributor

DISCOUNT_FIELDS = {"discounts"}


def _on_date(request) -> tuple[dt.date, str | None]:
    """The ``?on=YYYY-MM-DD`` date, else today; with an error text for a malformed date."""
    raw = request.GET.get("on", "").strip()
    if not raw:
        return timezone.localdate(), None
    try:
        return dt.date.fromisoformat(raw), None
    except ValueError:
        return timezone.localdate(), f"{raw[:20]!r} is not a date (use YYYY-MM-DD); showing today."


def _version_label(number) -> str:
    return f"v{number}" if number else "—"


def _list_spec(scope, *, vendor: bool) -> ListSpec:
    filters = [
        Filter("currency", "Currency", "current_currency", CURRENCY_CHOICES),
        Filter("status", "Today", "in_force", selectors.STATUS_CHOICES),
    ]
    if vendor:
        filters.insert(
            0,
            Filter(
                "distributor", "Distributor", "distributor_id", selectors.distributor_choices(scope)
            ),
        )
    return ListSpec(
        name="agreements",
        columns=[
            Column("number", "Number", link="agreements:agreement_detail", sort="number"),
            Column("title", "Title", sort="title"),
            Column(
                "distributor", "Distributor", value="distributor.code", sort="distributor__code"
            ),
            Column(
                "version_in_force",
                "In force today",
                value=lambda row: _version_label(row.version_in_force),
                sort="version_in_force",
            ),
            Column("current_currency", "Currency", sort="current_currency"),
            Column("latest_version", "Versions", sort="latest_version", numeric=True),
            Column(
                "created_at", "Created", value=lambda row: row.created_at.date(), sort="created_at"
            ),
        ],
        search_fields=["number", "title", "distributor__code"],
        filters=filters,
        default_sort="number",
    )


@require_perm(Perm.VIEW_AGREEMENTS)
def agreement_list(request):
    scope = scope_for(request.user)
    spec = _list_spec(scope, vendor=not is_distributor_user(request.user))
    can_change = has_perm(request.user, Perm.CHANGE_AGREEMENTS)
    return render_list(
        request,
        selectors.agreements_for(scope, on_date=timezone.localdate()),
        spec,
        template="agreements/agreement_list.html",
        context={
            "title": "Agreements",
            "subtitle": "Volume purchase agreements: discount levels, commitments, amendments.",
            "create_url": reverse("agreements:agreement_create") if can_change else None,
            "create_label": "New agreement",
        },
    )


def _discount_display(version) -> str:
    return ", ".join(
        f"{level.family.code} {level.discount_percent}%" for level in version.discount_levels.all()
    )


IN_FORCE_SPEC_COLUMNS = [
    Column(
        "distributor",
        "Distributor",
        value="agreement.distributor.code",
        sort="agreement__distributor__code",
    ),
    Column(
        "agreement",
        "Agreement",
        value="agreement.number",
        link=lambda row: reverse("agreements:agreement_detail", args=[row.agreement_id]),
        sort="agreement__number",
    ),
    Column(
        "version",
        "Version",
        value=lambda row: f"v{row.version}",
        link=lambda row: reverse("agreements:version_detail", args=[row.agreement_id, row.version]),
        sort="version",
    ),
    Column("effective_from", "From", sort="effective_from"),
    Column("effective_to", "To", sort="effective_to"),
    Column("currency", "Currency", sort="currency"),
    Column("payment_terms", "Payment terms", value="get_payment_terms_display"),
    Column("commitment_value", "Commitment", numeric=True, sort="commitment_value"),
    Column("commitment_unit", "In", value="get_commitment_unit_display"),
    Column("commitment_period", "Per", value="get_commitment_period_display"),
    Column("discounts", "Discount levels", value=_discount_display),
]


@require_perm(Perm.VIEW_AGREEMENTS)
def in_force(request):
    """Which version of each agreement was (or will be) in force on ``?on=YYYY-MM-DD``."""
    scope = scope_for(request.user)
    on, date_error = _on_date(request)
    filters = [Filter("currency", "Currency", "currency", CURRENCY_CHOICES)]
    if not is_distributor_user(request.user):
        filters.insert(
            0,
            Filter(
                "distributor",
                "Distributor",
                "agreement__distributor_id",
                selectors.distributor_choices(scope),
            ),
        )
    spec = ListSpec(
        name=f"agreements-in-force-{on.isoformat()}",
        columns=IN_FORCE_SPEC_COLUMNS,
        search_fields=["agreement__number", "agreement__title", "agreement__distributor__code"],
        filters=filters,
        default_sort="agreement__distributor__code",
    )
    return render_list(
        request,
        selectors.versions_in_force_on(scope, on),
        spec,
        template="agreements/in_force.html",
        context={
            "title": f"Agreements in force on {on.isoformat()}",
            "subtitle": "The version whose terms apply on that date, per agreement.",
            "on": on,
            "date_error": date_error,
        },
    )


@require_perm(Perm.VIEW_AGREEMENTS)
def agreement_detail(request, pk: int):
    scope = scope_for(request.user)
    agreement = selectors.get_agreement(scope, pk)
    versions = selectors.versions_of(agreement)
    on, date_error = _on_date(request)
    in_force_version = selectors.in_force_among(versions, on)
    shown = (in_force_version or versions[0]) if versions else None
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "versions": versions,
            "on": on,
            "date_error": date_error,
            "in_force": in_force_version,
            "shown": shown,
            "can_change": has_perm(request.user, Perm.CHANGE_AGREEMENTS),
            "can_audit": has_perm(request.user, Perm.VIEW_AUDIT)
            and not is_distributor_user(request.user),
        },
    )


@require_perm(Perm.VIEW_AGREEMENTS)
def version_detail(request, pk: int, number: int):
    scope = scope_for(request.user)
    agreement = selectors.get_agreement(scope, pk)
    versions = selectors.versions_of(agreement)
    version = selectors.pick_version(versions, number)
    numbers = [item.version for item in versions]
    return render(
        request,
        "agreements/version_detail.html",
        {
            "agreement": agreement,
            "version": version,
            "previous": version.version - 1 if version.version - 1 in numbers else None,
            "next": version.version + 1 if version.version + 1 in numbers else None,
        },
    )


@require_perm(Perm.VIEW_AGREEMENTS)
def agreement_diff(request, pk: int):
    """Two versions side by side: ``?from=1&to=3`` (default: the latest against its predecessor)."""
    scope = scope_for(request.user)
    agreement = selectors.get_agreement(scope, pk)
    versions = selectors.versions_of(agreement)
    latest = versions[0].version
    to_number = request.GET.get("to") or latest
    second = selectors.pick_version(versions, to_number)
    from_number = request.GET.get("from") or max(second.version - 1, 1)
    first = selectors.pick_version(versions, from_number)
    return render(
        request,
        "agreements/agreement_diff.html",
        {
            "agreement": agreement,
            "versions": versions,
            "first": first,
            "second": second,
            **selectors.side_by_side(first, second),
        },
    )


def _form_error(form, formset, error: DomainError) -> None:
    if error.field in DISCOUNT_FIELDS:
        formset.non_form_errors().append(error.message)
    elif error.field in form.fields:
        form.add_error(error.field, error.message)
    else:
        form.add_error(None, error.message)


@require_perm(Perm.CHANGE_AGREEMENTS)
def agreement_create(request):
    scope = scope_for(request.user)
    choices = selectors.distributor_choices(scope)
    form = AgreementCreateForm(request.POST or None, distributor_choices=choices)
    formset = discount_formset(request.POST or None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        distributor = get_in_scope(Distributor, scope, pk=form.cleaned_data["distributor"])
        try:
            agreement = services.create_agreement(
                actor=request.user,
                distributor=distributor,
                number=form.cleaned_data["number"],
                title=form.cleaned_data["title"],
                reason=form.cleaned_data["reason"],
                discounts=formset.discounts(),
                **form.terms(),
            )
        except DomainError as error:
            _form_error(form, formset, error)
        else:
            messages.success(request, f"Agreement {agreement.number} created.")
            return redirect("agreements:agreement_detail", agreement.pk)
    return render(
        request,
        "agreements/agreement_form.html",
        {"form": form, "formset": formset, "title": "New agreement", "agreement": None},
    )


@require_perm(Perm.CHANGE_AGREEMENTS)
def agreement_amend(request, pk: int):
    """Version n+1: the form starts from the latest version's terms."""
    scope = scope_for(request.user)
    agreement = selectors.get_agreement(scope, pk)
    latest = selectors.versions_of(agreement)[0]
    initial = {name: getattr(latest, name) for name in TermsForm.base_fields}
    initial_discounts = [
        {"family": level.family.code, "discount_percent": level.discount_percent}
        for level in latest.discount_levels.all()
    ]
    form = AmendForm(request.POST or None, initial=initial)
    # Initial rows only for the blank form: a bound formset compared against them would
    # drop a row left unchanged as "empty".
    formset = (
        discount_formset(request.POST)
        if request.method == "POST"
        else discount_formset(initial=initial_discounts)
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            version = services.amend_agreement(
                actor=request.user,
                agreement=agreement,
                reason=form.cleaned_data["reason"],
                discounts=formset.discounts(),
                **form.terms(),
            )
        except DomainError as error:
            _form_error(form, formset, error)
        else:
            messages.success(request, f"Version {version.version} recorded.")
            return redirect("agreements:agreement_detail", agreement.pk)
    return render(
        request,
        "agreements/agreement_form.html",
        {
            "form": form,
            "formset": formset,
            "title": f"Amend {agreement.number} (version {latest.version + 1})",
            "agreement": agreement,
        },
    )


@require_perm(Perm.CHANGE_AGREEMENTS)
def agreement_end(request, pk: int):
    scope = scope_for(request.user)
    agreement = selectors.get_agreement(scope, pk)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.end_agreement(
                actor=request.user, agreement=agreement, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                f"Version {version.version} ends the agreement after {version.effective_to}.",
            )
            return redirect("agreements:agreement_detail", agreement.pk)
    return render(request, "agreements/agreement_end.html", {"form": form, "agreement": agreement})
