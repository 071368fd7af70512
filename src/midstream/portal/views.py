"""The distributor portal: a distributor user's home page (issue 2, point 9), report
upload (issue 3) and reporting calendar (issue 4).

Distributor users land here from the dashboard; vendor staff have nothing to see in the
portal and are sent back to the dashboard (or, for the upload, to the vendor upload page).
"""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from midstream.accounts.decorators import require_perm
from midstream.accounts.permissions import Perm, has_perm, is_distributor_user, scope_for
from midstream.compliance import selectors as compliance
from midstream.ingest.choices import SubmissionSource
from midstream.ingest.submission_views import handle_upload
from midstream.partners import selectors


@require_perm(Perm.VIEW_DISTRIBUTORS)
def home(request):
    if not is_distributor_user(request.user):
        return redirect("home")
    scope = scope_for(request.user)
    distributor = selectors.get_distributor(scope, request.user.distributor_id)
    today = timezone.localdate()
    items = list(selectors.onboarding_items(distributor))
    return render(
        request,
        "portal/home.html",
        {
            "distributor": distributor,
            "obligations": list(selectors.current_obligations(distributor, today)),
            "contacts": list(selectors.contacts(distributor)),
            "territories": list(selectors.territories(distributor)),
            "onboarding_items": items,
            "onboarding": selectors.onboarding_summary(items),
            "today": today,
            "can_view_agreements": has_perm(request.user, Perm.VIEW_AGREEMENTS),
            "can_view_sellin": has_perm(request.user, Perm.VIEW_SELLIN),
            "can_view_resellers": has_perm(request.user, Perm.VIEW_RESELLERS),
            "can_view_submissions": has_perm(request.user, Perm.VIEW_SELLTHROUGH),
            "can_submit": has_perm(request.user, Perm.SUBMIT_REPORTS),
        },
    )


@require_perm(Perm.SUBMIT_REPORTS)
def upload(request):
    """A distributor user uploads a report for its own distributor (never another's)."""
    if not is_distributor_user(request.user):
        return redirect("ingest:submission_upload")
    scope = scope_for(request.user)
    distributor = selectors.get_distributor(scope, request.user.distributor_id)
    return handle_upload(
        request,
        fixed=distributor,
        source=SubmissionSource.PORTAL,
        template="portal/upload.html",
        context={
            "distributor": distributor,
            "title": "Upload a report",
            "cancel_url": reverse("ingest:submission_list"),
        },
    )


@require_perm(Perm.VIEW_COMPLIANCE)
def compliance_calendar(request):
    """The distributor's own reporting calendar: what is due, what is late or missing, and
    what was rejected and why. Vendor staff are sent to the compliance heat map."""
    if not is_distributor_user(request.user):
        return redirect("compliance:heat_map")
    scope = scope_for(request.user)
    distributor = selectors.get_distributor(scope, request.user.distributor_id)
    today = timezone.localdate()
    return render(
        request,
        "portal/compliance.html",
        {
            "distributor": distributor,
            "entries": compliance.portal_calendar(distributor, today),
            "score": compliance.latest_score(distributor.pk),
            "today": today,
            "can_submit": has_perm(request.user, Perm.SUBMIT_REPORTS),
            "can_view_submissions": has_perm(request.user, Perm.VIEW_SELLTHROUGH),
        },
    )
