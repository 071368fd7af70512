"""Unknown distributor part numbers (issue 4, Part A item 7): map to a SKU once, remembered.

The pipeline records every line whose product identifiers named no catalog product as an
``unknown_product`` issue whose value describes what the line gave (``"part_number ABC-1,
sku X"``). ``record_unknown_parts`` turns those issues into one ``UnknownPart`` per distinct
description and distributor as submissions commit or are rejected, so the queue fills as
files arrive.

Mapping one creates the distributor's ``DistributorPartNumber`` through the catalog's own
service, so the next file with that part number resolves to the product. Only a part number
the distributor reported can be mapped: an unknown SKU or GTIN is the catalog's matter (a
product missing or wrongly keyed), so it can only be ignored here. Undoing a mapping removes
the part number it created and reopens the row; ignoring and undoing an ignore only change
the row. Submissions already processed are not read again: the distributor resends the file
(a new version) and it resolves then.
"""

from __future__ import annotations

import re
from enum import StrEnum

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from midstream.catalog import services as catalog
from midstream.catalog.models import Product
from midstream.core.audit import diff, record_audit, snapshot
from midstream.core.errors import ConflictError, DomainError
from midstream.ingest.models import Submission, SubmissionIssue
from midstream.ingest.rules import IntakeCode
from midstream.matching.models import PartStatus, UnknownPart

AUDITED = ["status", "product", "part_number", "decided_by", "decided_at"]
KINDS = ("part_number", "sku", "gtin")
# The pipeline describes a line's identifiers as "kind value" pairs joined by ", ".
_PAIR = re.compile(r"(?:^|, )(part_number|sku|gtin) ")


class PartErrorCode(StrEnum):
    NOT_A_PART_NUMBER = "not_a_part_number"
    PART_ALREADY_DECIDED = "part_already_decided"
    PART_NOT_DECIDED = "part_not_decided"
    UNKNOWN_SKU = "unknown_sku"


def reported_identifiers(reference: str) -> dict[str, str]:
    """``{kind: value}`` of a pipeline description such as ``"part_number ABC-1, sku X"``;
    the first value of each kind (the one the resolver tried first)."""
    matches = list(_PAIR.finditer(reference))
    found: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(reference)
        value = reference[match.end() : end].strip()
        if value:
            found.setdefault(match.group(1), value)
    return found


def record_unknown_parts(submission: Submission) -> int:
    """Upsert the submission's unknown product references (three queries whatever its size).

    New references open; known ones get this sighting (line count, last seen, submission)
    and keep their status: a mapped reference seen again means the mapping did not apply
    to it (another unit, a clash with another part number), which the issue on the line
    says. A mapped reference whose part number has since been removed in the catalog opens
    again. Returns how many references the submission named.
    """
    rows = list(
        SubmissionIssue.objects.for_distributor(submission.distributor_id)
        .filter(submission_id=submission.pk, code=str(IntakeCode.UNKNOWN_PRODUCT))
        .exclude(value="")
        .values("value")
        .annotate(lines=Sum("line_count"))
        .order_by("value")
    )
    if not rows:
        return 0
    now = timezone.now()
    parts = []
    for row in rows:
        found = reported_identifiers(row["value"])
        parts.append(
            UnknownPart(
                distributor_id=submission.distributor_id,
                reference=row["value"],
                reported_part_number=found.get("part_number", ""),
                reported_sku=found.get("sku", ""),
                reported_gtin=found.get("gtin", ""),
                line_count=row["lines"] or 0,
                first_seen_at=now,
                last_seen_at=now,
                last_submission_id=submission.pk,
            )
        )
    UnknownPart.objects.unscoped().bulk_create(
        parts,
        update_conflicts=True,
        unique_fields=["distributor", "reference"],
        update_fields=["line_count", "last_seen_at", "last_submission"],
    )
    UnknownPart.objects.for_distributor(submission.distributor_id).filter(
        last_submission_id=submission.pk, status=PartStatus.MAPPED, part_number__isnull=True
    ).update(status=PartStatus.OPEN, product=None, decided_by=None, decided_at=None)
    return len(parts)


def _locked(part: UnknownPart) -> UnknownPart:
    return (
        UnknownPart.objects.for_distributor(part.distributor_id)
        .select_for_update(of=("self",))
        .select_related("distributor", "part_number")
        .get(pk=part.pk)
    )


def _finish(actor, part: UnknownPart, before: dict, action: str, reason: str) -> UnknownPart:
    part.save(update_fields=AUDITED)
    record_audit(
        actor=actor,
        action=action,
        obj=part,
        changes=diff(before, snapshot(part, AUDITED)),
        reason=reason,
        distributor_id=part.distributor_id,
    )
    return part


def map_part(
    *, actor, part: UnknownPart, product: Product, unit: str | None = None, reason: str = ""
) -> UnknownPart:
    """Map an open reference's reported part number to ``product`` (in ``unit``, the
    product's base unit when not given): the distributor's part number is created, so later
    files resolve it."""
    with transaction.atomic():
        part = _locked(part)
        if part.status != PartStatus.OPEN:
            raise ConflictError(
                PartErrorCode.PART_ALREADY_DECIDED,
                f"This reference is {part.get_status_display().lower()}: undo that first.",
            )
        if not part.reported_part_number:
            raise DomainError(
                PartErrorCode.NOT_A_PART_NUMBER,
                "Only a distributor part number can be mapped; an unknown SKU or GTIN is a "
                "catalog matter (add or correct the product), or ignore it here.",
                field="sku",
            )
        before = snapshot(part, AUDITED)
        mapping = catalog.create_part_number(
            actor=actor,
            distributor=part.distributor,
            product=product,
            part_number=part.reported_part_number,
            unit=unit or None,
            reason=reason or "mapped in the part number review",
        )
        part.status = PartStatus.MAPPED
        part.product = product
        part.part_number = mapping
        part.decided_by = actor if getattr(actor, "pk", None) else None
        part.decided_at = timezone.now()
        return _finish(actor, part, before, "unknown_part.map", reason)


def ignore_part(*, actor, part: UnknownPart, reason: str = "") -> UnknownPart:
    """Set an open reference aside (not ours, a one-off, a catalog matter); its lines stay
    rejected as they were."""
    with transaction.atomic():
        part = _locked(part)
        if part.status != PartStatus.OPEN:
            raise ConflictError(
                PartErrorCode.PART_ALREADY_DECIDED,
                f"This reference is {part.get_status_display().lower()}: undo that first.",
            )
        before = snapshot(part, AUDITED)
        part.status = PartStatus.IGNORED
        part.decided_by = actor if getattr(actor, "pk", None) else None
        part.decided_at = timezone.now()
        return _finish(actor, part, before, "unknown_part.ignore", reason)


def undo_part(*, actor, part: UnknownPart, reason: str = "") -> UnknownPart:
    """Reopen a mapped or ignored reference; a mapping's part number is removed (facts name
    products, not part numbers, so what was committed stays as it is)."""
    with transaction.atomic():
        part = _locked(part)
        if part.status == PartStatus.OPEN:
            raise ConflictError(
                PartErrorCode.PART_NOT_DECIDED, "This reference is open: there is nothing to undo."
            )
        before = snapshot(part, AUDITED)
        if part.part_number is not None:
            catalog.remove_part_number(
                actor=actor,
                part_number=part.part_number,
                reason=reason or "part number review undone",
            )
        part.status = PartStatus.OPEN
        part.product = None
        part.part_number = None
        part.decided_by = None
        part.decided_at = None
        return _finish(actor, part, before, "unknown_part.undo", reason)


# ─── reads ───────────────────────────────────────────────────────────────────────────────


def part_queue(scope):
    """The unknown references ``scope`` sees, with what their columns show."""
    return UnknownPart.objects.for_scope(scope).select_related(
        "distributor", "product", "part_number", "last_submission", "decided_by"
    )


def product_for_sku(sku: str) -> Product:
    from midstream.catalog.selectors import product_by_sku

    product = product_by_sku(sku)
    if product is None:
        raise DomainError(
            PartErrorCode.UNKNOWN_SKU, f"No product has SKU {sku.strip()!r}.", field="sku"
        )
    return product


def product_search(text: str, *, limit: int = 10) -> list[Product]:
    """Products whose SKU or description contains ``text``, for the map form (one query)."""
    from django.db.models import Q

    text = (text or "").strip()[:100]
    if not text:
        return []
    return list(
        Product.objects.filter(Q(sku__icontains=text) | Q(description__icontains=text)).order_by(
            "sku", "pk"
        )[:limit]
    )
