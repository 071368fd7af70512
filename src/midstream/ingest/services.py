"""Use cases of mapping profiles: create, change (a new version), suggest from a file.

Every write is keyword-only with ``actor`` first, runs inside ``transaction.atomic()`` with the
distributor row locked (``select_for_update``) so versions are numbered and "current" moves
without a race, and records an audit row with the distributor id in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.db.models import Max

from midstream.catalog.choices import UnitOfMeasure
from midstream.core.audit import record_audit
from midstream.core.errors import ConflictError, DomainError
from midstream.ingest.choices import FormatFamily, ProfileKind
from midstream.ingest.errors import ErrorCode
from midstream.ingest.formats import parse_file
from midstream.ingest.mapping import (
    MappingSpec,
    SpecError,
    default_spec,
    spec_from_suggestion,
    validate_spec,
)
from midstream.ingest.models import MappingProfile
from midstream.ingest.records import Format, ReportKind
from midstream.partners.models import Distributor

MAX_REASON = 2000
_FAMILY_OF_FORMAT = {
    Format.CSV: FormatFamily.TABULAR,
    Format.XLSX: FormatFamily.TABULAR,
    Format.X12: FormatFamily.X12,
    Format.EDIFACT: FormatFamily.EDIFACT,
    Format.JSON: FormatFamily.JSON,
}


def _invalid(field: str, message: str, code: ErrorCode = ErrorCode.INVALID_VALUE) -> DomainError:
    return DomainError(code, message, field=field)


def _choice(value: Any, choices, field: str) -> str:
    text = str(value or "")
    if text not in choices.values:
        raise _invalid(field, f"One of {', '.join(choices.values)}.")
    return text


def clean_spec(spec: MappingSpec | Mapping, *, kind: str, format_family: str) -> MappingSpec:
    """A usable spec for ``kind`` and ``format_family``, or ``DomainError`` naming the field."""
    if isinstance(spec, MappingSpec):
        data = spec.to_dict()
    elif isinstance(spec, Mapping):
        data = dict(spec)
    else:
        raise _invalid("spec", "The spec must be an object.", ErrorCode.INVALID_SPEC)
    data["kind"] = kind
    data["format_family"] = format_family
    try:
        parsed = MappingSpec.from_dict(data)
    except SpecError as error:
        field, message = next(iter(error.problems.items()))
        raise _invalid(f"spec.{field}", message, ErrorCode.INVALID_SPEC) from None
    problems = validate_spec(parsed, unit_codes=UnitOfMeasure.values)
    if problems:
        field, message = next(iter(problems.items()))
        raise _invalid(f"spec.{field}", message, ErrorCode.INVALID_SPEC)
    return parsed


def _reason(reason: Any, *, required: bool) -> str:
    text = str(reason or "").strip()
    if required and not text:
        raise DomainError(ErrorCode.REASON_REQUIRED, "Say why the profile changes.", field="reason")
    if len(text) > MAX_REASON:
        raise _invalid("reason", f"At most {MAX_REASON} characters.")
    return text


def _lock(distributor_id: int) -> None:
    Distributor.objects.unscoped().select_for_update().get(pk=distributor_id)


def _current(distributor_id: int, kind: str, format_family: str) -> MappingProfile | None:
    return (
        MappingProfile.objects.for_distributor(distributor_id)
        .filter(kind=kind, format_family=format_family, is_current=True)
        .first()
    )


def _new_version(
    *, actor, distributor_id: int, kind: str, format_family: str, spec: MappingSpec, reason: str
) -> MappingProfile:
    """Inside a transaction holding the distributor lock: add a version and make it current."""
    previous = _current(distributor_id, kind, format_family)
    highest = (
        MappingProfile.objects.for_distributor(distributor_id)
        .filter(kind=kind, format_family=format_family)
        .aggregate(highest=Max("version"))["highest"]
        or 0
    )
    if previous is not None:
        MappingProfile.objects.for_distributor(distributor_id).filter(pk=previous.pk).update(
            is_current=False
        )
    profile = MappingProfile.objects.unscoped().create(
        distributor_id=distributor_id,
        kind=kind,
        format_family=format_family,
        version=highest + 1,
        is_current=True,
        spec=spec.to_dict(),
        created_by=actor if getattr(actor, "pk", None) else None,
        change_reason=reason,
    )
    before = previous.spec if previous is not None else {}
    after = profile.spec
    changes = {
        f"spec.{key}": [before.get(key), after.get(key)]
        for key in after
        if before.get(key) != after.get(key)
    }
    changes["version"] = [previous.version if previous else None, profile.version]
    record_audit(
        actor=actor,
        action="mapping_profile.create" if previous is None else "mapping_profile.update",
        obj=profile,
        changes=changes,
        reason=reason,
        distributor_id=distributor_id,
    )
    return profile


def create_mapping_profile(
    *,
    actor,
    distributor: Distributor,
    kind: str,
    format_family: str,
    spec: MappingSpec | Mapping,
    reason: str = "",
) -> MappingProfile:
    """The first version of a distributor's profile for a report kind and format family."""
    kind = _choice(kind, ProfileKind, "kind")
    format_family = _choice(format_family, FormatFamily, "format_family")
    cleaned = clean_spec(spec, kind=kind, format_family=format_family)
    reason = _reason(reason, required=False)
    with transaction.atomic():
        _lock(distributor.pk)
        if _current(distributor.pk, kind, format_family) is not None:
            raise ConflictError(
                ErrorCode.INVALID_VALUE,
                "This distributor already has a profile for that kind and format; change it.",
                field="kind",
            )
        return _new_version(
            actor=actor,
            distributor_id=distributor.pk,
            kind=kind,
            format_family=format_family,
            spec=cleaned,
            reason=reason,
        )


def update_mapping_profile(
    *,
    actor,
    profile: MappingProfile,
    spec: MappingSpec | Mapping,
    reason: str,
    expected_version: int | None = None,
) -> MappingProfile:
    """A new version of ``profile``'s line, made current; the old versions stay as they were.

    ``expected_version`` (the version the editor started from) refuses a change made on top
    of a version someone else has replaced meanwhile.
    """
    cleaned = clean_spec(spec, kind=profile.kind, format_family=profile.format_family)
    reason = _reason(reason, required=True)
    with transaction.atomic():
        _lock(profile.distributor_id)
        current = _current(profile.distributor_id, profile.kind, profile.format_family)
        if expected_version is not None and (
            current is None or current.version != expected_version
        ):
            raise ConflictError(
                ErrorCode.STALE_VERSION,
                "The profile was changed meanwhile; reload it and edit the current version.",
                field="version",
            )
        if current is not None and current.spec == cleaned.to_dict():
            raise _invalid("spec", "Nothing changed.")
        return _new_version(
            actor=actor,
            distributor_id=profile.distributor_id,
            kind=profile.kind,
            format_family=profile.format_family,
            spec=cleaned,
            reason=reason,
        )


@dataclass(frozen=True)
class Suggestion:
    """A spec proposed from a file (not saved) and the columns the file's header has."""

    spec: MappingSpec
    columns: tuple[str, ...]
    format_family: str
    kind: str


def suggest_mapping_profile_from_file(
    *, actor, content: bytes, file_name: str | None = None, kind: str | None = None
) -> Suggestion:
    """Read a file's header and propose a spec for it. Nothing is saved or audited."""
    if kind is not None:
        kind = _choice(kind, ProfileKind, "kind")
    parsed = parse_file(
        content, file_name=file_name, kind=ReportKind(kind) if kind is not None else None
    )
    if parsed.has_errors:
        problem = next(d for d in parsed.diagnostics if d.location is None)
        raise _invalid("file", problem.message, ErrorCode.UNREADABLE_FILE)
    family = _FAMILY_OF_FORMAT[parsed.format]
    if kind is None:
        kinds = [d.kind for d in parsed.documents if d.kind is not None]
        kind = str(kinds[0]) if kinds else str(ReportKind.SELL_THROUGH)
    columns = list(parsed.columns)
    if family == FormatFamily.TABULAR:
        if not columns:
            raise _invalid("file", "The file has no header row.", ErrorCode.NO_COLUMNS)
        spec = spec_from_suggestion(columns, kind, family)
    else:
        spec = default_spec(family, kind)
    spec = replace(spec, columns=dict(spec.columns))
    return Suggestion(spec=spec, columns=tuple(columns), format_family=str(family), kind=kind)
