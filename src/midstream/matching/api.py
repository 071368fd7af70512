from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate

from midstream.accounts.permissions import Perm
from midstream.api.auth import auth_requiring
from midstream.api.helpers import require
from midstream.catalog.models import Product
from midstream.core.errors import DomainError
from midstream.core.scoping import get_in_scope
from midstream.ingest.choices import SubmissionStatus
from midstream.ingest.models import ReportedReseller
from midstream.matching import parts, review, selectors, services
from midstream.matching.errors import ErrorCode
from midstream.matching.models import MatchDecision
from midstream.matching.parts_schemas import PartFilters, PartMapIn, PartOut, PartReasonIn
from midstream.matching.schemas import (
    DecisionIn,
    DecisionOut,
    MatchingSettingsIn,
    MatchingSettingsOut,
    ReviewFilters,
    SpellingDetailOut,
    SpellingOut,
    UndoIn,
)
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


# ─── the review queue (issue 4, point 4) ─────────────────────────────────────────────────


def _decision_out(decision: MatchDecision) -> dict:
    return {
        "id": decision.pk,
        "spelling_id": decision.spelling_id,
        "action": decision.action,
        "reseller_id": decision.reseller_id,
        "before": decision.before,
        "after": decision.after,
        "alias_id": decision.alias_id,
        "supply_id": decision.supply_id,
        "account_number_set": decision.account_number_set,
        "requeued": decision.requeued,
        "reason": decision.reason,
        "decided_at": decision.decided_at,
        "undone_at": decision.undone_at,
    }


@router.get("/review", response=list[SpellingOut], operation_id="match_review_list")
@paginate(PageNumberPagination)
def match_review_list(request, filters: Query[ReviewFilters]):
    """Reseller spellings waiting for a decision, most waiting lines first."""
    scope = require(request, Perm.VIEW_RESELLERS, vendor_only=True)
    spellings = selectors.review_queue(scope)
    if filters.distributor is not None:
        spellings = spellings.filter(distributor_id=filters.distributor)
    if filters.country:
        spellings = spellings.filter(country__iexact=filters.country.strip())
    if filters.status:
        spellings = spellings.filter(status=filters.status)
    if filters.min_score is not None:
        spellings = spellings.filter(score__gte=filters.min_score)
    if filters.max_score is not None:
        spellings = spellings.filter(score__lte=filters.max_score)
    if filters.q:
        spellings = spellings.filter(name__icontains=filters.q.strip())
    return spellings.order_by("-waiting_lines", "name", "pk")


def _spelling_detail(scope, spelling_id: int) -> dict:
    spelling = get_in_scope(
        ReportedReseller.objects.for_scope(scope).select_related("distributor"),
        scope,
        pk=spelling_id,
    )
    data = SpellingOut.from_orm(spelling).dict()
    waiting = list(selectors.waiting_submissions(spelling))
    data["waiting_submissions"] = sum(
        1 for submission in waiting if submission.status == SubmissionStatus.AWAITING_REVIEW
    )
    data["waiting_submission_ids"] = [submission.pk for submission in waiting]
    data["reason"] = (spelling.candidates or {}).get("reason", "")
    data["candidates"] = [
        {
            "reseller_id": view.reseller.pk,
            "partner_id": view.reseller.partner_id,
            "name": view.reseller.name,
            "address_line": view.reseller.address_line,
            "city": view.reseller.city,
            "postal_code": view.reseller.postal_code,
            "country": view.reseller.country,
            "tax_id": view.reseller.tax_id,
            "score": view.score,
            "evidence": view.evidence,
            "used_by": [list(pair) for pair in view.used_by],
        }
        for view in selectors.review_candidates(spelling)
    ]
    data["decisions"] = [_decision_out(d) for d in selectors.spelling_decisions(spelling)]
    return data


@router.get(
    "/review/{int:spelling_id}", response=SpellingDetailOut, operation_id="match_review_detail"
)
def match_review_detail(request, spelling_id: int):
    """One spelling: as reported, its candidates with scores and evidence, its decisions."""
    scope = require(request, Perm.VIEW_RESELLERS, vendor_only=True)
    return _spelling_detail(scope, spelling_id)


@router.post(
    "/review/{int:spelling_id}/decide",
    response=DecisionOut,
    operation_id="match_review_decide",
    auth=auth_requiring(Perm.REVIEW_MATCHES),
)
def match_review_decide(request, spelling_id: int, payload: DecisionIn):
    """Accept a candidate, pick another reseller (``reseller_id`` or ``partner_id``), create
    one (``new_reseller``) or reject; waiting submissions are queued again."""
    scope = require(request, Perm.REVIEW_MATCHES, vendor_only=True)
    spelling = get_in_scope(ReportedReseller, scope, pk=spelling_id)
    options = {}
    if payload.action in ("accept", "pick"):
        if payload.reseller_id is not None:
            options["reseller"] = selectors.reseller_by_id(payload.reseller_id)
        else:
            options["reseller"] = selectors.reseller_by_partner_id(payload.partner_id)
    elif payload.action == "create":
        if payload.new_reseller is None:
            raise DomainError(
                ErrorCode.INVALID_DECISION, "Give the new reseller.", field="new_reseller"
            )
        options["new_reseller"] = payload.new_reseller.dict()
    decision = review.decide_spelling(
        actor=request.auth,
        spelling=spelling,
        action=payload.action,
        reason=payload.reason,
        **options,
    )
    return _decision_out(decision)


@router.post(
    "/review/decisions/{int:decision_id}/undo",
    response=DecisionOut,
    operation_id="match_review_undo",
    auth=auth_requiring(Perm.REVIEW_MATCHES),
)
def match_review_undo(request, decision_id: int, payload: UndoIn):
    """Undo the spelling's latest decision: it waits for review again."""
    scope = require(request, Perm.REVIEW_MATCHES, vendor_only=True)
    decision = get_in_scope(MatchDecision, scope, pk=decision_id)
    return _decision_out(
        review.undo_decision(actor=request.auth, decision=decision, reason=payload.reason)
    )


# ─── the part number review (issue 4, Part A item 7) ─────────────────────────────────────


def _part(scope, part_id: int):
    return get_in_scope(parts.part_queue(scope), scope, pk=part_id)


@router.get("/parts", response=list[PartOut], operation_id="part_review_list")
@paginate(PageNumberPagination)
def part_review_list(request, filters: Query[PartFilters]):
    """Product references of distributors' files that named no catalog product, latest
    sighting first."""
    scope = require(request, Perm.VIEW_PRODUCTS, vendor_only=True)
    queryset = parts.part_queue(scope)
    if filters.distributor is not None:
        queryset = queryset.filter(distributor_id=filters.distributor)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.q:
        queryset = queryset.filter(reference__icontains=filters.q.strip())
    return queryset.order_by("-last_seen_at", "-pk")


@router.get("/parts/{int:part_id}", response=PartOut, operation_id="part_review_detail")
def part_review_detail(request, part_id: int):
    """One unknown reference, as reported, with its status and mapping."""
    scope = require(request, Perm.VIEW_PRODUCTS, vendor_only=True)
    return _part(scope, part_id)


@router.post(
    "/parts/{int:part_id}/map",
    response=PartOut,
    operation_id="part_review_map",
    auth=auth_requiring(Perm.REVIEW_MATCHES, vendor_only=True),
)
def part_review_map(request, part_id: int, payload: PartMapIn):
    """Map the reported distributor part number to a product (``product_id`` or ``sku``):
    the distributor's part number is created, so later files resolve it."""
    scope = require(request, Perm.REVIEW_MATCHES, vendor_only=True)
    part = _part(scope, part_id)
    if payload.product_id is not None:
        product = Product.objects.filter(pk=payload.product_id).first()
        if product is None:
            raise DomainError(
                parts.PartErrorCode.UNKNOWN_SKU, "No such product.", field="product_id"
            )
    else:
        product = parts.product_for_sku(payload.sku)
    parts.map_part(
        actor=request.auth, part=part, product=product, unit=payload.unit, reason=payload.reason
    )
    return _part(scope, part_id)


@router.post(
    "/parts/{int:part_id}/ignore",
    response=PartOut,
    operation_id="part_review_ignore",
    auth=auth_requiring(Perm.REVIEW_MATCHES, vendor_only=True),
)
def part_review_ignore(request, part_id: int, payload: PartReasonIn):
    """Set an open reference aside (a SKU or GTIN the catalog lacks, a one-off)."""
    scope = require(request, Perm.REVIEW_MATCHES, vendor_only=True)
    parts.ignore_part(actor=request.auth, part=_part(scope, part_id), reason=payload.reason)
    return _part(scope, part_id)


@router.post(
    "/parts/{int:part_id}/undo",
    response=PartOut,
    operation_id="part_review_undo",
    auth=auth_requiring(Perm.REVIEW_MATCHES, vendor_only=True),
)
def part_review_undo(request, part_id: int, payload: PartReasonIn):
    """Reopen a mapped or ignored reference; a mapping's part number is removed."""
    scope = require(request, Perm.REVIEW_MATCHES, vendor_only=True)
    parts.undo_part(actor=request.auth, part=_part(scope, part_id), reason=payload.reason)
    return _part(scope, part_id)
