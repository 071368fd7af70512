"""Access rules of the reseller-matching pages and API (see ``core.access``)."""

from midstream.accounts.permissions import Perm
from midstream.core.access import api, page


def _spelling(cast) -> dict:
    from midstream.ingest.models import ReportedReseller

    spelling = ReportedReseller.objects.for_distributor(cast.distributor.pk).first()
    return {"pk": spelling.pk}


def _spelling_id(cast) -> dict:
    return {"spelling_id": _spelling(cast)["pk"]}


# A decision id that exists for no one: the rules check the gates before the lookup.
def _no_decision(cast) -> dict:
    return {"pk": 0}


def _no_decision_id(cast) -> dict:
    return {"decision_id": 0}


def _unknown_part(cast) -> dict:
    """The cast has no unknown reference of its own: one is made for its distributor."""
    from django.utils import timezone

    from midstream.matching.models import UnknownPart

    now = timezone.now()
    part, _created = UnknownPart.objects.unscoped().get_or_create(
        distributor=cast.distributor,
        reference="part_number ACCESS-1",
        defaults={
            "reported_part_number": "ACCESS-1",
            "line_count": 1,
            "first_seen_at": now,
            "last_seen_at": now,
        },
    )
    return {"pk": part.pk}


def _unknown_part_id(cast) -> dict:
    return {"part_id": _unknown_part(cast)["pk"]}


RULES = [
    page("matching:settings", Perm.VIEW_RESELLERS),
    page("matching:settings", Perm.REVIEW_MATCHES, method="POST"),
    api("matching_settings_get", Perm.VIEW_RESELLERS),
    api("matching_settings_update", Perm.REVIEW_MATCHES, method="PUT"),
    page("matching:review_list", Perm.VIEW_RESELLERS, vendor_only=True),
    page("matching:review_list", Perm.VIEW_RESELLERS, vendor_only=True, query="export=csv"),
    page("matching:review_detail", Perm.VIEW_RESELLERS, vendor_only=True, kwargs=_spelling),
    page(
        "matching:review_detail",
        Perm.REVIEW_MATCHES,
        vendor_only=True,
        method="POST",
        kwargs=_spelling,
    ),
    page(
        "matching:review_undo",
        Perm.REVIEW_MATCHES,
        vendor_only=True,
        method="POST",
        kwargs=_no_decision,
        shared=True,
        ok=frozenset({404}),
    ),
    api("match_review_list", Perm.VIEW_RESELLERS, vendor_only=True),
    api("match_review_detail", Perm.VIEW_RESELLERS, vendor_only=True, kwargs=_spelling_id),
    api(
        "match_review_decide",
        Perm.REVIEW_MATCHES,
        vendor_only=True,
        method="POST",
        kwargs=_spelling_id,
    ),
    api(
        "match_review_undo",
        Perm.REVIEW_MATCHES,
        vendor_only=True,
        method="POST",
        kwargs=_no_decision_id,
        shared=True,
        ok=frozenset({404}),
    ),
    # the part number review (issue 4, Part A item 7)
    page("matching:part_list", Perm.VIEW_PRODUCTS, vendor_only=True),
    page("matching:part_list", Perm.VIEW_PRODUCTS, vendor_only=True, query="export=csv"),
    page("matching:part_detail", Perm.VIEW_PRODUCTS, vendor_only=True, kwargs=_unknown_part),
    page(
        "matching:part_detail",
        Perm.REVIEW_MATCHES,
        vendor_only=True,
        method="POST",
        kwargs=_unknown_part,
    ),
    api("part_review_list", Perm.VIEW_PRODUCTS, vendor_only=True),
    api("part_review_detail", Perm.VIEW_PRODUCTS, vendor_only=True, kwargs=_unknown_part_id),
    *[
        api(
            operation_id,
            Perm.REVIEW_MATCHES,
            vendor_only=True,
            method="POST",
            kwargs=_unknown_part_id,
        )
        for operation_id in ("part_review_map", "part_review_ignore", "part_review_undo")
    ],
]
