from ninja import Router

from midstream.accounts.permissions import Perm
from midstream.api.auth import auth_requiring
from midstream.api.helpers import require
from midstream.matching import services
from midstream.matching.schemas import MatchingSettingsIn, MatchingSettingsOut
from midstream.matching.selectors import current_thresholds

router = Router(tags=["matching"])


@router.get("/settings", response=MatchingSettingsOut, operation_id="matching_settings_get")
def matching_settings_get(request):
    """The reseller-matching thresholds in force (scores 0 to 100)."""
    require(request, Perm.VIEW_RESELLERS)
    return current_thresholds()


@router.put(
    "/settings",
    response=MatchingSettingsOut,
    operation_id="matching_settings_update",
    auth=auth_requiring(Perm.REVIEW_MATCHES),
)
def matching_settings_update(request, payload: MatchingSettingsIn):
    """Change the thresholds: ``lower`` below ``upper``; audited with ``reason``."""
    require(request, Perm.REVIEW_MATCHES)
    return services.update_matching_settings(actor=request.auth, **payload.dict())
