from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from midstream.accounts.decorators import require_perm
from midstream.accounts.permissions import Perm, has_perm, scope_for
from midstream.core.errors import DomainError
from midstream.core.listing import Column, Filter, ListSpec, render_list
from midstream.core.scoping import get_in_scope
from midstream.ingest.choices import OPEN_SPELLINGS, SpellingStatus
from midstream.ingest.models import ReportedReseller
from midstream.matching import review, selectors, services
from midstream.matching.choices import DecisionAction
from midstream.matching.errors import ErrorCode
from midstream.matching.forms import DecisionForm, MatchingSettingsForm, NewResellerForm, UndoForm
from midstream.matching.models import MatchDecision
from midstream.matching.selectors import current_thresholds
from midstream.partners.models import Distributor


@require_perm(Perm.VIEW_RESELLERS)
def settings_view(request):
    """The matching thresholds; people who review matches may change them (POST)."""
    can_change = has_perm(request.user, Perm.REVIEW_MATCHES)
    thresholds = current_thresholds()
    form = MatchingSettingsForm(
        initial={"upper": thresholds.upper, "lower": thresholds.lower, "margin": thresholds.margin}
    )
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied("Your role does not allow review_matches.")
        form = MatchingSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.update_matching_settings(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, "Matching thresholds saved.")
                return redirect("matching:settings")
    return render(
        request,
        "matching/settings.html",
        {"form": form, "thresholds": thresholds, "can_change": can_change},
    )


# ─── the review queue (issue 4, point 4) ─────────────────────────────────────────────────


def _review_spec(distributors, countries) -> ListSpec:
    return ListSpec(
        name="reseller-review",
        columns=[
            Column("name", "Reported name", link="matching:review_detail", sort="name"),
            Column(
                "distributor", "Distributor", value="distributor.code", sort="distributor__code"
            ),
            Column("account_number", "Account number", sort="account_number"),
            Column("city", "City", sort="city"),
            Column("postal_code", "Postal code", sort="postal_code"),
            Column("country", "Country", sort="country"),
            Column("status", "Status", value="get_status_display", sort="status"),
            Column("score", "Best score", sort="score", numeric=True),
            Column("waiting_lines", "Lines waiting", sort="waiting_lines", numeric=True),
            Column(
                "waiting_submissions",
                "Submissions waiting",
                sort="waiting_submissions",
                numeric=True,
            ),
            Column("first_seen_at", "First seen", sort="first_seen_at"),
        ],
        search_fields=["name", "account_number", "city", "postal_code", "partner_id", "tax_id"],
        filters=[
            Filter("distributor", "Distributor", "distributor_id", distributors),
            Filter("country", "Country", "country", countries),
            Filter(
                "status",
                "Status",
                "status",
                [
                    (str(value), label)
                    for value, label in SpellingStatus.choices
                    if value in OPEN_SPELLINGS
                ],
            ),
            Filter("score", "Best score", "band", selectors.SCORE_BANDS),
        ],
        default_sort="-waiting_lines",
    )


@require_perm(Perm.VIEW_RESELLERS, vendor_only=True)
def review_list(request):
    """Spellings waiting for a decision, grouped by raw name and distributor."""
    scope = scope_for(request.user)
    queryset = selectors.review_queue(scope)
    distributors = [
        (str(pk), code)
        for pk, code in Distributor.objects.for_scope(scope)
        .order_by("code")
        .values_list("pk", "code")
    ]
    countries = [
        (code, code or "(none)")
        for code in queryset.order_by("country").values_list("country", flat=True).distinct()
    ]
    return render_list(
        request,
        queryset,
        _review_spec(distributors, countries),
        template="matching/review_list.html",
    )


def _new_reseller_initial(spelling) -> dict:
    country = spelling.country.strip().upper()
    return {
        "name": spelling.name,
        "country": country if len(country) == 2 else "",
        "city": spelling.city,
        "postal_code": spelling.postal_code,
        "address_line": spelling.address,
        "tax_id": spelling.tax_id,
        "new_partner_id": spelling.partner_id,
    }


@require_perm(Perm.VIEW_RESELLERS, vendor_only=True)
def review_detail(request, pk):
    """One spelling: the mention, its candidates side by side, the decisions; POST decides."""
    scope = scope_for(request.user)
    spelling = get_in_scope(
        ReportedReseller.objects.for_scope(scope).select_related("distributor", "reseller"),
        scope,
        pk=pk,
    )
    can_decide = has_perm(request.user, Perm.REVIEW_MATCHES)
    form = DecisionForm()
    new_form = NewResellerForm(initial=_new_reseller_initial(spelling))
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied("Your role does not allow review_matches.")
        form = DecisionForm(request.POST)
        if form.is_valid():
            action = form.cleaned_data["action"]
            options = {}
            try:
                if action == DecisionAction.ACCEPT:
                    options["reseller"] = selectors.reseller_by_id(form.cleaned_data["reseller"])
                elif action == DecisionAction.PICK:
                    options["reseller"] = selectors.reseller_by_partner_id(
                        form.cleaned_data["partner_id"]
                    )
                elif action == DecisionAction.CREATE:
                    new_form = NewResellerForm(request.POST)
                    if not new_form.is_valid():
                        raise DomainError(
                            ErrorCode.INVALID_DECISION, "Complete the new reseller's fields."
                        )
                    values = dict(new_form.cleaned_data)
                    values["partner_id"] = values.pop("new_partner_id")
                    options["new_reseller"] = values
                decision = review.decide_spelling(
                    actor=request.user,
                    spelling=spelling,
                    action=action,
                    reason=form.cleaned_data["reason"],
                    **options,
                )
            except DomainError as error:
                target = new_form if action == DecisionAction.CREATE else form
                field = error.field if error.field in target.fields else None
                target.add_error(field, error.message)
                if target is new_form and field is None:
                    form.add_error(None, error.message)
            else:
                message = f"Decided: {decision.get_action_display().lower()}."
                if decision.requeued:
                    message += f" {len(decision.requeued)} submission(s) queued again."
                messages.success(request, message)
                return redirect("matching:review_detail", pk=spelling.pk)
    return render(
        request,
        "matching/review_detail.html",
        {
            "spelling": spelling,
            "candidates": selectors.review_candidates(spelling),
            "decisions": list(selectors.spelling_decisions(spelling)),
            "submissions": list(selectors.waiting_submissions(spelling)),
            "form": form,
            "new_form": new_form,
            "undo_form": UndoForm(),
            "can_decide": can_decide and spelling.status in OPEN_SPELLINGS,
            "can_undo": can_decide,
        },
    )


@require_POST
@require_perm(Perm.REVIEW_MATCHES, vendor_only=True)
def review_undo(request, pk):
    """Undo a decision (the spelling's latest): the spelling goes back to review."""
    scope = scope_for(request.user)
    decision = get_in_scope(MatchDecision.objects.for_scope(scope), scope, pk=pk)
    form = UndoForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        review.undo_decision(actor=request.user, decision=decision, reason=reason)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Decision undone; the spelling waits for review again.")
    return redirect("matching:review_detail", pk=decision.spelling_id)
