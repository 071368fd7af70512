"""Read-side queries of mapping profiles (always through a scope)."""

from __future__ import annotations

from midstream.core.scoping import Scope
from midstream.ingest.models import MappingProfile


def profiles_for(scope: Scope):
    """Every version a scope may see, with its distributor (one query)."""
    return MappingProfile.objects.for_scope(scope).select_related("distributor", "created_by")


def current_profiles_for(scope: Scope):
    return profiles_for(scope).filter(is_current=True)


def versions_of(profile: MappingProfile):
    """Every version of ``profile``'s line (same distributor, kind, format), newest first."""
    return (
        MappingProfile.objects.for_distributor(profile.distributor_id)
        .filter(kind=profile.kind, format_family=profile.format_family)
        .select_related("created_by")
        .order_by("-version")
    )


def current_profile(distributor_id: int, kind: str, format_family: str) -> MappingProfile | None:
    return (
        MappingProfile.objects.for_distributor(distributor_id)
        .filter(kind=kind, format_family=format_family, is_current=True)
        .first()
    )


def _flatten(spec: dict) -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in spec.items():
        if isinstance(value, dict):
            for inner, inner_value in value.items():
                flat[f"{key}.{inner}"] = inner_value
        elif isinstance(value, list):
            flat[key] = ", ".join(str(item) for item in value)
        else:
            flat[key] = value
    return flat


def spec_diff(before: dict, after: dict) -> list[tuple[str, object, object]]:
    """``(setting, before, after)`` for every setting that differs, sorted by name.

    Mappings are compared entry by entry (``columns.invoice_number``), so a diff names the one
    column that moved; a setting absent on one side is ``None`` there.
    """
    left, right = _flatten(before), _flatten(after)
    return [
        (key, left.get(key), right.get(key))
        for key in sorted(set(left) | set(right))
        if left.get(key) != right.get(key)
    ]
