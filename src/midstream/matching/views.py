from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from midstream.accounts.decorators import require_perm
from midstream.accounts.permissions import Perm, has_perm
from midstream.core.errors import DomainError
from midstream.matching import services
from midstream.matching.forms import MatchingSettingsForm
from midstream.matching.selectors import current_thresholds


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
