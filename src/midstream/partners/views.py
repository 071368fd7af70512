"""Distributor pages: thin adapters between forms, the services and the templates.

Vendor staff with ``view_distributors`` see every distributor; distributor roles see only
their own (another one's answers 404). Changing anything needs ``change_distributors``,
which no distributor role has (403).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from midstream.accounts.decorators import require_perm
from midstream.accounts.permissions import Perm, has_perm, scope_for
from midstream.core.errors import DomainError
from midstream.core.listing import Column, Filter, ListSpec, render_list
from midstream.core.money import CURRENCY_CHOICES
from midstream.core.selectors import audit_records
from midstream.partners import selectors, services
from midstream.partners.calc import allowed_transitions
from midstream.partners.choices import DistributorStatus, ProgramTrack, Region
from midstream.partners.forms import (
    CompleteItemForm,
    ContactForm,
    DistributorCreateForm,
    DistributorEditForm,
    ObligationForm,
    OnboardingItemForm,
    RemoveForm,
    StatusChangeForm,
    TerritoryForm,
)
from midstream.partners.models import Contact, OnboardingItem, ReportingObligation, Territory

DISTRIBUTOR_SPEC = ListSpec(
    name="distributors",
    columns=[
        Column("code", "Code", link="partners:distributor_detail", sort="code"),
        Column("legal_name", "Legal name", sort="legal_name"),
        Column("country", "Country", sort="country"),
        Column("region", "Region", sort="region"),
        Column("currency", "Currency", sort="currency"),
        Column("program_track", "Program track", value="get_program_track_display"),
        Column("status", "Status", value="get_status_display", sort="status"),
        Column("status_changed_at", "Status since", sort="status_changed_at"),
    ],
    search_fields=["code", "legal_name", "country"],
    filters=[
        Filter("status", "Status", "status", DistributorStatus.choices),
        Filter("region", "Region", "region", Region.choices),
        Filter("program_track", "Program track", "program_track", ProgramTrack.choices),
        Filter("currency", "Currency", "currency", CURRENCY_CHOICES),
    ],
    default_sort="code",
)

AUDIT_PREVIEW = 15


def _data(request):
    """The submitted data on POST (even when empty), so a POST always binds its form."""
    return request.POST if request.method == "POST" else None


def _detail_url(distributor_pk) -> str:
    return reverse("partners:distributor_detail", args=[distributor_pk])


def _form_page(
    request,
    form,
    *,
    title: str,
    submit: str,
    cancel_url: str,
    distributor=None,
    save: Callable[[dict], object],
    success: str,
    success_url: str | Callable[[object], str],
    danger: bool = False,
    intro: str = "",
    closed: bool = False,
):
    """Validate ``form`` on POST, call ``save`` (one service), map a DomainError to the form."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        else:
            messages.success(request, success)
            return redirect(success_url(result) if callable(success_url) else success_url)
    return render(
        request,
        "partners/form.html",
        {
            "form": form,
            "title": title,
            "submit": submit,
            "cancel_url": cancel_url,
            "distributor": distributor,
            "danger": danger,
            "intro": intro,
            "closed": closed,
        },
    )


# --- distributors -------------------------------------------------------------------------


@require_perm(Perm.VIEW_DISTRIBUTORS)
def distributor_list(request):
    queryset = selectors.distributors(scope_for(request.user))
    can_change = has_perm(request.user, Perm.CHANGE_DISTRIBUTORS)
    return render_list(
        request,
        queryset,
        DISTRIBUTOR_SPEC,
        context={
            "title": "Distributors",
            "subtitle": "Lifecycle, program track, territories, onboarding and obligations.",
            "create_url": reverse("partners:distributor_create") if can_change else None,
            "create_label": "New distributor",
        },
    )


@require_perm(Perm.VIEW_DISTRIBUTORS)
def distributor_detail(request, pk: int):
    distributor = selectors.get_distributor(scope_for(request.user), pk)
    items = list(selectors.onboarding_items(distributor))
    can_view_audit = (
        has_perm(request.user, Perm.VIEW_AUDIT) and not request.user.is_distributor_user
    )
    recent_changes = (
        list(audit_records().filter(distributor_id=distributor.pk)[:AUDIT_PREVIEW])
        if can_view_audit
        else []
    )
    return render(
        request,
        "partners/distributor_detail.html",
        {
            "distributor": distributor,
            "status_changes": list(selectors.status_changes(distributor)),
            "territories": list(selectors.territories(distributor)),
            "contacts": list(selectors.contacts(distributor)),
            "onboarding_items": items,
            "onboarding": selectors.onboarding_summary(items),
            "obligations": list(selectors.reporting_obligations(distributor)),
            "allowed_statuses": sorted(allowed_transitions(distributor.status)),
            "can_change": has_perm(request.user, Perm.CHANGE_DISTRIBUTORS),
            "can_view_audit": can_view_audit,
            "recent_changes": recent_changes,
            "audit_url": (
                f"{reverse('core:audit_list')}?object_type=partners.distributor"
                f"&object_id={distributor.pk}"
            ),
            "today": timezone.localdate(),
        },
    )


@require_perm(Perm.CHANGE_DISTRIBUTORS)
def distributor_create(request):
    form = DistributorCreateForm(_data(request))
    return _form_page(
        request,
        form,
        title="New distributor",
        submit="Create distributor",
        cancel_url=reverse("partners:distributor_list"),
        intro="A new distributor starts as a prospect.",
        save=lambda data: services.create_distributor(actor=request.user, **data),
        success="Distributor created.",
        success_url=lambda distributor: _detail_url(distributor.pk),
    )


@require_perm(Perm.CHANGE_DISTRIBUTORS)
def distributor_update(request, pk: int):
    distributor = selectors.get_distributor(scope_for(request.user), pk)
    initial = {name: getattr(distributor, name) for name in services.DISTRIBUTOR_EDITABLE}
    form = DistributorEditForm(_data(request), initial=initial)
    return _form_page(
        request,
        form,
        title=f"Edit {distributor.code}",
        submit="Save",
        cancel_url=_detail_url(distributor.pk),
        distributor=distributor,
        save=lambda data: services.update_distributor(
            actor=request.user, distributor=distributor, **data
        ),
        success="Distributor saved.",
        success_url=_detail_url(distributor.pk),
    )


@require_perm(Perm.CHANGE_DISTRIBUTORS)
def distributor_status(request, pk: int):
    """Offers only the statuses the lifecycle allows from the current one."""
    distributor = selectors.get_distributor(scope_for(request.user), pk)
    allowed = allowed_transitions(distributor.status)
    form = StatusChangeForm(_data(request), allowed=allowed)
    intro = f"Now {distributor.get_status_display().lower()}."
    if not allowed:
        intro += " Termination is final: no further status change is possible."
    return _form_page(
        request,
        form,
        title=f"Change the status of {distributor.code}",
        submit="Change status",
        cancel_url=_detail_url(distributor.pk),
        distributor=distributor,
        intro=intro,
        closed=not allowed,
        save=lambda data: services.change_distributor_status(
            actor=request.user, distributor=distributor, **data
        ),
        success="Status changed.",
        success_url=_detail_url(distributor.pk),
    )


# --- children: shared shapes --------------------------------------------------------------


def _remove_page(request, obj, *, what: str, remove: Callable[..., None]):
    form = RemoveForm(_data(request))
    distributor = obj.distributor
    return _form_page(
        request,
        form,
        title=f"Remove {what} {obj}",
        submit="Remove",
        danger=True,
        cancel_url=_detail_url(distributor.pk),
        distributor=distributor,
        intro=f"From {distributor}. This is recorded in the audit log.",
        save=lambda data: remove(actor=request.user, reason=data["reason"]),
        success=f"{what.capitalize()} removed.",
        success_url=_detail_url(distributor.pk),
    )


def _child(model, request, pk: int):
    return selectors.get_child_by_pk(model, scope_for(request.user), pk)


# --- territories --------------------------------------------------------------------------


@require_perm(Perm.CHANGE_DISTRIBUTORS)
def territory_create(request, pk: int):
    distributor = selectors.get_distributor(scope_for(request.user), pk)
    form = TerritoryForm(_data(request))
    return _form_page(
        request,
        form,
        title=f"Add a territory to {distributor.code}",
        submit="Add territory",
        cancel_url=_detail_url(distributor.pk),
        distributor=distributor,
        intro=(
            "An exclusive territory cannot overlap another distributor's exclusive one; "
            "no one may cover a territory another distributor holds exclusively."
        ),
        save=lambda data: services.add_territory(
            actor=request.user, distributor=distributor, **data
        ),
        success="Territory added.",
        success_url=_detail_url(distributor.pk),
    )


@require_perm(Perm.CHANGE_DISTRIBUTORS)
def territory_update(request, pk: int):
    territory = _child(Territory, request, pk)
    initial = {name: getattr(territory, name) for name in services.TERRITORY_FIELDS}
    form = TerritoryForm(_data(request), initial=initial)
    return _form_page(
        request,
        form,
        title=f"Edit territory {territory}",
        submit="Save",
        cancel_url=_detail_url(territory.distributor_id),
        distributor=territory.distributor,
        save=lambda data: services.update_territory(
            actor=request.user, territory=territory, **data
        ),
        success="Territory saved.",
        success_url=_detail_url(territory.distributor_id),
    )


@require_perm(Perm.CHANGE_DISTRIBUTORS)
def territory_delete(request, pk: int):
    territory = _child(Territory, request, pk)
    return _remove_page(
        request,
        territory,
        what="territory",
        remove=lambda **kw: services.remove_territory(territory=territory, **kw),
    )


# --- contacts -----------------------------------------------------------------------------


@require_perm(Perm.CHANGE_DISTRIBUTORS)
def contact_create(request, pk: int):
    distributor = selectors.get_distributor(scope_for(request.user), pk)
    form = ContactForm(_data(request))
    return _form_page(
        request,
        form,
        title=f"Add a contact to {distributor.code}",
        submit="Add contact",
        cancel_url=_detail_url(distributor.pk),
        distributor=distributor,
        save=lambda data: services.add_contact(actor=request.user, distributor=distributor, **data),
        success="Contact added.",
        success_url=_detail_url(distributor.pk),
    )


@require_perm(Perm.CHANGE_DISTRIBUTORS)
def contact_update(request, pk: int):
    contact = _child(Contact, request, pk)
    initial = {name: getattr(contact, name) for name in services.CONTACT_FIELDS}
    form = ContactForm(_data(request), initial=initial)
    return _form_page(
        request,
        form,
        title=f"Edit contact {contact.name}",
        submit="Save",
        cancel_url=_detail_url(contact.distributor_id),
        distributor=contact.distributor,
        save=lambda data: services.update_contact(actor=request.user, contact=contact, **data),
        success="Contact saved.",
        success_url=_detail_url(contact.distributor_id),
    )


@require_perm(Perm.CHANGE_DISTRIBUTORS)
def contact_delete(request, pk: int):
    contact = _child(Contact, request, pk)
    return _remove_page(
        request,
        contact,
        what="contact",
        remove=lambda **kw: services.remove_contact(contact=contact, **kw),
    )


# --- onboarding checklist -----------------------------------------------------------------


def _onboarding_data(data: dict) -> dict:
    data = dict(data)
    if data.get("position") is None:
        data.pop("position", None)
    return data


@require_perm(Perm.CHANGE_DISTRIBUTORS)
def onboarding_item_create(request, pk: int):
    distributor = selectors.get_distributor(scope_for(request.user), pk)
    form = OnboardingItemForm(_data(request), distributor=distributor)
    return _form_page(
        request,
        form,
        title=f"Add an onboarding item for {distributor.code}",
        submit="Add item",
        cancel_url=_detail_url(distributor.pk),
        distributor=distributor,
        save=lambda data: services.add_onboarding_item(
            actor=request.user, distributor=distributor, **_onboarding_data(data)
        ),
        success="Onboarding item added.",
        success_url=_detail_url(distributor.pk),
    )


@require_perm(Perm.CHANGE_DISTRIBUTORS)
def onboarding_item_update(request, pk: int):
    onboarding_item = _child(OnboardingItem, request, pk)
    initial = {name: getattr(onboarding_item, name) for name in services.ONBOARDING_EDITABLE}
    form = OnboardingItemForm(
        _data(request), initial=initial, distributor=onboarding_item.distributor
    )
    return _form_page(
        request,
        form,
        title=f"Edit onboarding item {onboarding_item.item}",
        submit="Save",
        cancel_url=_detail_url(onboarding_item.distributor_id),
        distributor=onboarding_item.distributor,
        save=lambda data: services.update_onboarding_item(
            actor=request.user, onboarding_item=onboarding_item, **_onboarding_data(data)
        ),
        success="Onboarding item saved.",
        success_url=_detail_url(onboarding_item.distributor_id),
    )


@require_perm(Perm.CHANGE_DISTRIBUTORS)
def onboarding_item_complete(request, pk: int):
    onboarding_item = _child(OnboardingItem, request, pk)
    form = CompleteItemForm(_data(request))
    return _form_page(
        request,
        form,
        title=f"Mark done: {onboarding_item.item}",
        submit="Mark done",
        cancel_url=_detail_url(onboarding_item.distributor_id),
        distributor=onboarding_item.distributor,
        save=lambda data: services.complete_onboarding_item(
            actor=request.user, onboarding_item=onboarding_item, **data
        ),
        success="Onboarding item marked done.",
        success_url=_detail_url(onboarding_item.distributor_id),
    )


@require_perm(Perm.CHANGE_DISTRIBUTORS)
@require_POST
def onboarding_item_reopen(request, pk: int):
    onboarding_item = _child(OnboardingItem, request, pk)
    form = RemoveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.reopen_onboarding_item(
            actor=request.user, onboarding_item=onboarding_item, reason=reason
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{onboarding_item.item} reopened.")
    return redirect(_detail_url(onboarding_item.distributor_id))


@require_perm(Perm.CHANGE_DISTRIBUTORS)
def onboarding_item_delete(request, pk: int):
    onboarding_item = _child(OnboardingItem, request, pk)
    return _remove_page(
        request,
        onboarding_item,
        what="onboarding item",
        remove=lambda **kw: services.remove_onboarding_item(onboarding_item=onboarding_item, **kw),
    )


# --- reporting obligations ----------------------------------------------------------------


@require_perm(Perm.CHANGE_DISTRIBUTORS)
def obligation_create(request, pk: int):
    distributor = selectors.get_distributor(scope_for(request.user), pk)
    form = ObligationForm(_data(request))
    return _form_page(
        request,
        form,
        title=f"Add a reporting obligation for {distributor.code}",
        submit="Add obligation",
        cancel_url=_detail_url(distributor.pk),
        distributor=distributor,
        save=lambda data: services.add_reporting_obligation(
            actor=request.user, distributor=distributor, **data
        ),
        success="Reporting obligation added.",
        success_url=_detail_url(distributor.pk),
    )


@require_perm(Perm.CHANGE_DISTRIBUTORS)
def obligation_update(request, pk: int):
    obligation = _child(ReportingObligation, request, pk)
    initial = {name: getattr(obligation, name) for name in services.OBLIGATION_FIELDS}
    form = ObligationForm(_data(request), initial=initial)
    return _form_page(
        request,
        form,
        title=f"Edit obligation {obligation}",
        submit="Save",
        cancel_url=_detail_url(obligation.distributor_id),
        distributor=obligation.distributor,
        save=lambda data: services.update_reporting_obligation(
            actor=request.user, obligation=obligation, **data
        ),
        success="Reporting obligation saved.",
        success_url=_detail_url(obligation.distributor_id),
    )


@require_perm(Perm.CHANGE_DISTRIBUTORS)
def obligation_delete(request, pk: int):
    obligation = _child(ReportingObligation, request, pk)
    return _remove_page(
        request,
        obligation,
        what="reporting obligation",
        remove=lambda **kw: services.remove_reporting_obligation(obligation=obligation, **kw),
    )
