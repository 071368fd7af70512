"""Writes of reseller matching: the thresholds (audited)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from midstream.core.audit import diff, record_audit, snapshot
from midstream.core.errors import DomainError
from midstream.matching.errors import ErrorCode
from midstream.matching.models import MatchingSettings
from midstream.matching.selectors import get_matching_settings

SETTINGS_FIELDS = ["upper", "lower", "margin"]
SCORE_STEP = Decimal("0.1")
MAX_MARGIN = Decimal(50)


def _checked_score(value, field: str, *, maximum: Decimal = Decimal(100)) -> Decimal:
    if not isinstance(value, Decimal):
        raise DomainError(ErrorCode.INVALID_THRESHOLD, "A score is a decimal number.", field=field)
    if not value.is_finite() or not Decimal(0) <= value <= maximum:
        raise DomainError(
            ErrorCode.INVALID_THRESHOLD, f"Give a score from 0 to {maximum}.", field=field
        )
    if value != value.quantize(SCORE_STEP):
        raise DomainError(
            ErrorCode.INVALID_THRESHOLD, "Scores have at most one decimal.", field=field
        )
    return value.quantize(SCORE_STEP)


def update_matching_settings(
    *, actor, upper: Decimal, lower: Decimal, margin: Decimal, reason: str = ""
) -> MatchingSettings:
    """Change the thresholds. ``lower`` must be below ``upper``; scores 0 to 100, margin
    0 to 50, one decimal at most. Audited field by field."""
    upper = _checked_score(upper, "upper")
    lower = _checked_score(lower, "lower")
    margin = _checked_score(margin, "margin", maximum=MAX_MARGIN)
    if lower >= upper:
        raise DomainError(
            ErrorCode.THRESHOLDS_ORDER,
            f"The review threshold ({lower}) must be below the automatic one ({upper}).",
            field="lower",
        )
    with transaction.atomic():
        matching_settings = get_matching_settings()
        matching_settings = MatchingSettings.objects.select_for_update().get(
            pk=matching_settings.pk
        )
        before = snapshot(matching_settings, SETTINGS_FIELDS)
        matching_settings.upper = upper
        matching_settings.lower = lower
        matching_settings.margin = margin
        matching_settings.save()
        changes = diff(before, snapshot(matching_settings, SETTINGS_FIELDS))
        if changes:
            record_audit(
                actor=actor,
                action="matching_settings.update",
                obj=matching_settings,
                changes=changes,
                reason=reason,
            )
    return matching_settings
