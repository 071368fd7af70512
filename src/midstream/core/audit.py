"""Explicit audit: services call ``record_audit`` inside their transaction.

``snapshot`` captures the audited fields of an object before a change; ``diff`` gives the
field-level before/after of what changed. Values are stored as JSON-safe strings so that a
Decimal keeps its exact digits.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models

from midstream.core.models import AuditRecord


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The audited fields of ``obj`` as JSON-safe values (foreign keys by id)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = _json_value(getattr(obj, attname))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for every field whose value differs."""
    keys = list(dict.fromkeys([*before, *after]))
    return {
        key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)
    }


def record_audit(
    *,
    actor,
    action: str,
    obj: models.Model,
    changes: dict[str, list[Any]] | None = None,
    reason: str = "",
    distributor_id: int | None = None,
) -> AuditRecord:
    """Write one audit record. Call it inside the service's ``transaction.atomic()``."""
    return AuditRecord.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "username", None) or "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        distributor_id=distributor_id,
        changes={key: [_json_value(b), _json_value(a)] for key, (b, a) in (changes or {}).items()},
        reason=reason,
    )
