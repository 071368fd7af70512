"""Pages of the part number review (issue 4, Part A item 7): the list and one reference with
its map, ignore and undo forms. Thin: the services in ``parts`` decide."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from midstream.accounts.decorators import require_perm
from midstream.accounts.permissions import Perm, has_perm, scope_for
from midstream.catalog.choices import UnitOfMeasure
from midstream.core.errors import DomainError
from midstream.core.listing import Column, Filter, ListSpec, render_list
from midstream.core.scoping import get_in_scope
from midstream.matching import parts
from midstream.matching.models import PartStatus
from midstream.partners.models import Distributor


class PartMapForm(forms.Form):
    sku = forms.CharField(label="Product SKU", max_length=60)
    unit = forms.ChoiceField(
        label="Unit of the part number",
        choices=[("", "The product's base unit"), *UnitOfMeasure.choices],
        required=False,
    )
    reason = forms.CharField(max_length=500, required=False, widget=forms.TextInput)


class PartReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, required=False, widget=forms.TextInput)


def _part_spec(distributors) -> ListSpec:
    return ListSpec(
        name="part-number-review",
        columns=[
            Column("reference", "As reported", link="matching:part_detail", sort="reference"),
            Column(
                "distributor", "Distributor", value="distributor.code", sort="distributor__code"
            ),
            Column("reported_part_number", "Part number", sort="reported_part_number"),
            Column("reported_sku", "SKU", sort="reported_sku"),
            Column("reported_gtin", "GTIN", sort="reported_gtin"),
            Column("status", "Status", value="get_status_display", sort="status"),
            Column("line_count", "Lines (latest file)", sort="line_count", numeric=True),
            Column("product", "Mapped to", value="product.sku", sort="product__sku"),
            Column("last_seen_at", "Last seen", sort="last_seen_at"),
            Column("first_seen_at", "First seen", sort="first_seen_at"),
        ],
        search_fields=["reference", "reported_part_number", "reported_sku", "reported_gtin"],
        filters=[
            Filter("distributor", "Distributor", "distributor_id", distributors),
            Filter(
                "status", "Status", "status", [(str(v), label) for v, label in PartStatus.choices]
            ),
        ],
        default_sort="-last_seen_at",
    )


@require_perm(Perm.VIEW_PRODUCTS, vendor_only=True)
def part_list(request):
    """Product references of distributors' files that named no catalog product."""
    scope = scope_for(request.user)
    distributors = [
        (str(pk), code)
        for pk, code in Distributor.objects.for_scope(scope)
        .order_by("code")
        .values_list("pk", "code")
    ]
    return render_list(
        request,
        parts.part_queue(scope),
        _part_spec(distributors),
        template="matching/parts_list.html",
    )


@require_perm(Perm.VIEW_PRODUCTS, vendor_only=True)
def part_detail(request, pk):
    """One reference; POST maps, ignores or undoes (``action``), for reviewers of matches."""
    scope = scope_for(request.user)
    part = get_in_scope(parts.part_queue(scope), scope, pk=pk)
    can_act = has_perm(request.user, Perm.REVIEW_MATCHES)
    form = PartMapForm(initial={"sku": request.GET.get("sku", "")})
    if request.method == "POST":
        if not can_act:
            raise PermissionDenied("Your role does not allow review_matches.")
        action = request.POST.get("action")
        if action == "map":
            form = PartMapForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    parts.map_part(
                        actor=request.user,
                        part=part,
                        product=parts.product_for_sku(data["sku"]),
                        unit=data["unit"] or None,
                        reason=data["reason"],
                    )
                except DomainError as error:
                    form.add_error(
                        error.field if error.field in form.fields else None, error.message
                    )
                else:
                    messages.success(request, "Mapped: later files with it resolve.")
                    return redirect("matching:part_detail", pk=part.pk)
        else:
            reason_form = PartReasonForm(request.POST)
            reason = reason_form.cleaned_data["reason"] if reason_form.is_valid() else ""
            try:
                if action == "ignore":
                    parts.ignore_part(actor=request.user, part=part, reason=reason)
                    messages.success(request, "Ignored.")
                elif action == "undo":
                    parts.undo_part(actor=request.user, part=part, reason=reason)
                    messages.success(request, "Reopened.")
                else:
                    messages.error(request, "Choose map, ignore or undo.")
            except DomainError as error:
                messages.error(request, error.message)
            return redirect("matching:part_detail", pk=part.pk)
    found = parts.product_search(request.GET.get("find", ""))
    return render(
        request,
        "matching/parts_detail.html",
        {
            "part": part,
            "form": form,
            "found": found,
            "find": request.GET.get("find", ""),
            "can_map": can_act
            and part.status == PartStatus.OPEN
            and bool(part.reported_part_number),
            "can_ignore": can_act and part.status == PartStatus.OPEN,
            "can_undo": can_act and part.status != PartStatus.OPEN,
        },
    )
