"""Use cases of the partners app: distributors and everything hanging off them.

Every function is keyword-only, takes ``actor`` first, checks the business rules, writes
inside ``transaction.atomic()`` and records an audit row (field-level before/after, with
``distributor_id``) in the same transaction. Rules live in ``partners.calc``; here they are
applied to rows and turned into ``DomainError`` / ``ConflictError``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from midstream.accounts.choices import DISTRIBUTOR_ROLES
from midstream.core.audit import diff, record_audit, snapshot
from midstream.core.errors import ConflictError, DomainError
from midstream.core.money import is_currency
from midstream.partners import calc
from midstream.partners.choices import (
    DistributorStatus,
    ProgramTrack,
    Region,
    ReportFrequency,
    ReportType,
)
from midstream.partners.errors import ErrorCode
from midstream.partners.models import (
    Contact,
    Distributor,
    DistributorStatusChange,
    OnboardingItem,
    ReportingObligation,
    Territory,
)

DISTRIBUTOR_FIELDS = [
    "code",
    "legal_name",
    "country",
    "region",
    "currency",
    "program_track",
    "status",
    "website",
    "notes",
]
DISTRIBUTOR_EDITABLE = ["legal_name", "country", "region", "currency", "program_track"]
DISTRIBUTOR_EDITABLE += ["website", "notes"]
TERRITORY_FIELDS = ["region", "country", "exclusive"]
CONTACT_FIELDS = ["name", "title", "email", "phone", "is_primary", "receives_reminders"]
ONBOARDING_FIELDS = ["item", "owner", "due_date", "done_date", "position"]
ONBOARDING_EDITABLE = ["item", "owner", "due_date", "position"]
OBLIGATION_FIELDS = ["report_type", "frequency", "due_days", "active_from", "active_to"]

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,31}$")
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
MAX_DUE_DAYS = 90


# --- checks -------------------------------------------------------------------------------


def _invalid(field: str, message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_VALUE, message, field=field)


def _text(value: Any, field: str, *, max_length: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise _invalid(field, f"The {field.replace('_', ' ')} is required.")
    if len(text) > max_length:
        raise _invalid(field, f"At most {max_length} characters.")
    return text


def _code(value: Any) -> str:
    code = str(value or "").strip().upper()
    if not CODE_PATTERN.match(code):
        raise _invalid("code", "The code is 2-32 characters: capital letters, digits, - and _.")
    return code


def _country(value: Any, field: str = "country", *, required: bool = True) -> str:
    country = str(value or "").strip().upper()
    if not country and not required:
        return ""
    if not COUNTRY_PATTERN.match(country):
        raise _invalid(field, "Use the two-letter ISO 3166 country code, e.g. DE.")
    return country


def _choice(value: Any, choices, field: str) -> str:
    value = str(value or "")
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise _invalid(field, f"{value!r} is not one of: {allowed}.")
    return value


def _currency(value: Any) -> str:
    currency = str(value or "").strip().upper()
    if not is_currency(currency):
        raise DomainError(
            "invalid_currency", f"{currency!r} is not a known currency.", field="currency"
        )
    return currency


def _website(value: Any) -> str:
    website = _text(value, "website", max_length=200, required=False)
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            raise _invalid("website", "Enter a web address starting with https://.") from None
    return website


def _email(value: Any) -> str:
    email = _text(value, "email", max_length=254)
    try:
        validate_email(email)
    except ValidationError:
        raise _invalid("email", f"{email!r} is not an e-mail address.") from None
    return email


def _reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            ErrorCode.REASON_REQUIRED, "Say why: a reason is required.", field="reason"
        )
    return reason


def _date(value: Any, field: str, *, required: bool) -> dt.date | None:
    if value is None or value == "":
        if required:
            raise _invalid(field, f"The {field.replace('_', ' ')} is required.")
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise _invalid(field, "Give a date (YYYY-MM-DD).")
    return value


def _unknown_fields(values: dict[str, Any], allowed: list[str]) -> None:
    for name in values:
        if name not in allowed:
            if name == "status":
                message = "Change the status with a status change, which needs a reason."
            elif name == "code":
                message = "A distributor's code cannot change once created."
            else:
                message = f"{name!r} cannot be changed here."
            raise _invalid(name, message)


def _save_changes(obj, fields: list[str], values: dict[str, Any]) -> dict[str, list[Any]]:
    """Assign ``values``, save if anything differs, and return the field-level diff."""
    before = snapshot(obj, fields)
    for name, value in values.items():
        setattr(obj, name, value)
    changes = diff(before, snapshot(obj, fields))
    if changes:
        obj.save()
    return changes


def _created(obj, fields: list[str]) -> dict[str, list[Any]]:
    return {name: [None, value] for name, value in snapshot(obj, fields).items()}


def _removed(obj, fields: list[str]) -> dict[str, list[Any]]:
    return {name: [value, None] for name, value in snapshot(obj, fields).items()}


def _remove_child(*, actor, obj, action: str, fields: list[str], reason: str) -> None:
    """Delete a distributor's child row, recording every field it held."""
    with transaction.atomic():
        record_audit(
            actor=actor,
            action=action,
            obj=obj,
            changes=_removed(obj, fields),
            reason=reason,
            distributor_id=obj.distributor_id,
        )
        obj.delete()


def _locked(distributor: Distributor) -> Distributor:
    return Distributor.objects.unscoped().select_for_update().get(pk=distributor.pk)


# --- distributors -------------------------------------------------------------------------


def _distributor_values(values: dict[str, Any]) -> dict[str, Any]:
    cleaners = {
        "legal_name": lambda v: _text(v, "legal_name", max_length=200),
        "country": _country,
        "region": lambda v: _choice(v, Region, "region"),
        "currency": _currency,
        "program_track": lambda v: _choice(v, ProgramTrack, "program_track"),
        "website": _website,
        "notes": lambda v: _text(v, "notes", max_length=5000, required=False),
    }
    return {name: cleaners[name](value) for name, value in values.items()}


def create_distributor(
    *,
    actor,
    code: str,
    legal_name: str,
    country: str,
    region: str,
    currency: str,
    program_track: str,
    website: str = "",
    notes: str = "",
    reason: str = "",
) -> Distributor:
    """A new distributor starts as a prospect; its first status record says so."""
    code = _code(code)
    values = _distributor_values(
        {
            "legal_name": legal_name,
            "country": country,
            "region": region,
            "currency": currency,
            "program_track": program_track,
            "website": website,
            "notes": notes,
        }
    )
    with transaction.atomic():
        if Distributor.objects.unscoped().filter(code=code).exists():
            raise ConflictError(
                ErrorCode.DUPLICATE_CODE, f"A distributor with code {code} exists.", field="code"
            )
        now = timezone.now()
        distributor = Distributor.objects.unscoped().create(
            code=code, status=DistributorStatus.PROSPECT, status_changed_at=now, **values
        )
        DistributorStatusChange.objects.unscoped().create(
            distributor=distributor,
            from_status="",
            to_status=DistributorStatus.PROSPECT,
            actor=actor if getattr(actor, "pk", None) else None,
            at=now,
            reason=reason.strip() or "Distributor created.",
        )
        record_audit(
            actor=actor,
            action="distributor.create",
            obj=distributor,
            changes=_created(distributor, DISTRIBUTOR_FIELDS),
            reason=reason,
            distributor_id=distributor.pk,
        )
    return distributor


def update_distributor(
    *, actor, distributor: Distributor, reason: str = "", **values: Any
) -> Distributor:
    """Change a distributor's facts. Code and status are not facts to edit (see above)."""
    _unknown_fields(values, DISTRIBUTOR_EDITABLE)
    cleaned = _distributor_values(values)
    with transaction.atomic():
        distributor = _locked(distributor)
        changes = _save_changes(distributor, DISTRIBUTOR_FIELDS, cleaned)
        if changes:
            record_audit(
                actor=actor,
                action="distributor.update",
                obj=distributor,
                changes=changes,
                reason=reason,
                distributor_id=distributor.pk,
            )
    return distributor


def change_distributor_status(
    *, actor, distributor: Distributor, to_status: str, reason: str
) -> Distributor:
    """Move a distributor along its lifecycle (``calc.TRANSITIONS``), recording who and why."""
    reason = _reason_required(reason)
    to_status = str(to_status or "")
    with transaction.atomic():
        distributor = _locked(distributor)
        from_status = distributor.status
        refusal = calc.check_transition(from_status, to_status)
        if refusal:
            raise ConflictError(ErrorCode.ILLEGAL_TRANSITION, refusal, field="to_status")
        now = timezone.now()
        distributor.status = to_status
        distributor.status_changed_at = now
        distributor.save(update_fields=["status", "status_changed_at", "updated_at"])
        DistributorStatusChange.objects.unscoped().create(
            distributor=distributor,
            from_status=from_status,
            to_status=to_status,
            actor=actor if getattr(actor, "pk", None) else None,
            at=now,
            reason=reason,
        )
        record_audit(
            actor=actor,
            action="distributor.change_status",
            obj=distributor,
            changes={"status": [from_status, to_status]},
            reason=reason,
            distributor_id=distributor.pk,
        )
    return distributor


# --- territories --------------------------------------------------------------------------


def _check_territory(
    distributor: Distributor,
    *,
    region: str,
    country: str,
    exclusive: bool,
    exclude_pk: int | None = None,
) -> None:
    same = Territory.objects.for_distributor(distributor.pk).filter(region=region, country=country)
    if exclude_pk:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        where = country or f"all of {region}"
        raise ConflictError(
            ErrorCode.DUPLICATE_TERRITORY,
            f"{distributor.code} already has a territory for {where}.",
            field="country" if country else "region",
        )
    nearby = Q(region=region) | Q(country=country) if country else Q(region=region)
    others = (
        Territory.objects.unscoped()
        .filter(nearby, exclusive=True)
        .exclude(distributor_id=distributor.pk)
        .exclude(distributor__status=DistributorStatus.TERMINATED)
        .select_related("distributor")
        .order_by("distributor__code", "region", "country")
    )
    codes = {}
    claims = []
    for other in others:
        codes[other.distributor_id] = other.distributor.code
        claims.append(
            calc.TerritoryClaim(other.distributor_id, other.region, other.country, other.exclusive)
        )
    claim = calc.TerritoryClaim(distributor.pk, region, country, exclusive)
    conflict = calc.territory_conflict(claim, claims)
    if conflict is not None:
        holder = codes[conflict.distributor_id]
        wanted = "an exclusive" if exclusive else "a"
        raise ConflictError(
            ErrorCode.TERRITORY_CONFLICT,
            f"{holder} holds {conflict.label} exclusively, so {distributor.code} cannot have "
            f"{wanted} territory for {claim.label}.",
            field="country" if country else "region",
        )


def add_territory(
    *,
    actor,
    distributor: Distributor,
    region: str,
    country: str = "",
    exclusive: bool = False,
    reason: str = "",
) -> Territory:
    """A country (or, with no country, a whole region) the distributor covers."""
    region = _choice(region, Region, "region")
    country = _country(country, required=False)
    exclusive = bool(exclusive)
    with transaction.atomic():
        _check_territory(distributor, region=region, country=country, exclusive=exclusive)
        try:
            with transaction.atomic():
                territory = Territory.objects.unscoped().create(
                    distributor=distributor, region=region, country=country, exclusive=exclusive
                )
        except IntegrityError:
            raise ConflictError(
                ErrorCode.DUPLICATE_TERRITORY,
                f"{distributor.code} already has this territory.",
                field="country",
            ) from None
        record_audit(
            actor=actor,
            action="territory.add",
            obj=territory,
            changes=_created(territory, TERRITORY_FIELDS),
            reason=reason,
            distributor_id=distributor.pk,
        )
    return territory


def update_territory(
    *,
    actor,
    territory: Territory,
    region: str | None = None,
    country: str | None = None,
    exclusive: bool | None = None,
    reason: str = "",
) -> Territory:
    """Change a territory; ``None`` keeps a value. The exclusivity rules apply again."""
    region = territory.region if region is None else _choice(region, Region, "region")
    country = territory.country if country is None else _country(country, required=False)
    exclusive = territory.exclusive if exclusive is None else bool(exclusive)
    with transaction.atomic():
        distributor = territory.distributor
        _check_territory(
            distributor,
            region=region,
            country=country,
            exclusive=exclusive,
            exclude_pk=territory.pk,
        )
        changes = _save_changes(
            territory,
            TERRITORY_FIELDS,
            {"region": region, "country": country, "exclusive": exclusive},
        )
        if changes:
            record_audit(
                actor=actor,
                action="territory.update",
                obj=territory,
                changes=changes,
                reason=reason,
                distributor_id=territory.distributor_id,
            )
    return territory


def remove_territory(*, actor, territory: Territory, reason: str = "") -> None:
    _remove_child(
        actor=actor,
        obj=territory,
        action="territory.remove",
        fields=TERRITORY_FIELDS,
        reason=reason,
    )


# --- contacts -----------------------------------------------------------------------------


def _contact_values(values: dict[str, Any]) -> dict[str, Any]:
    cleaners = {
        "name": lambda v: _text(v, "name", max_length=150),
        "title": lambda v: _text(v, "title", max_length=150, required=False),
        "email": _email,
        "phone": lambda v: _text(v, "phone", max_length=40, required=False),
        "is_primary": bool,
        "receives_reminders": bool,
    }
    return {name: cleaners[name](value) for name, value in values.items()}


def _demote_other_primaries(actor, contact: Contact, reason: str) -> None:
    """One primary contact per distributor: naming a new one demotes the previous one."""
    others = (
        Contact.objects.for_distributor(contact.distributor_id)
        .filter(is_primary=True)
        .exclude(pk=contact.pk)
        .order_by("pk")
    )
    for other in others:
        other.is_primary = False
        other.save(update_fields=["is_primary"])
        record_audit(
            actor=actor,
            action="contact.update",
            obj=other,
            changes={"is_primary": [True, False]},
            reason=reason or f"{contact.name} is the new primary contact.",
            distributor_id=other.distributor_id,
        )


def add_contact(
    *,
    actor,
    distributor: Distributor,
    name: str,
    email: str,
    title: str = "",
    phone: str = "",
    is_primary: bool = False,
    receives_reminders: bool = True,
    reason: str = "",
) -> Contact:
    values = _contact_values(
        {
            "name": name,
            "title": title,
            "email": email,
            "phone": phone,
            "is_primary": is_primary,
            "receives_reminders": receives_reminders,
        }
    )
    with transaction.atomic():
        contact = Contact.objects.unscoped().create(distributor=distributor, **values)
        if contact.is_primary:
            _demote_other_primaries(actor, contact, reason)
        record_audit(
            actor=actor,
            action="contact.add",
            obj=contact,
            changes=_created(contact, CONTACT_FIELDS),
            reason=reason,
            distributor_id=distributor.pk,
        )
    return contact


def update_contact(*, actor, contact: Contact, reason: str = "", **values: Any) -> Contact:
    _unknown_fields(values, CONTACT_FIELDS)
    cleaned = _contact_values(values)
    with transaction.atomic():
        changes = _save_changes(contact, CONTACT_FIELDS, cleaned)
        if changes:
            if contact.is_primary and "is_primary" in changes:
                _demote_other_primaries(actor, contact, reason)
            record_audit(
                actor=actor,
                action="contact.update",
                obj=contact,
                changes=changes,
                reason=reason,
                distributor_id=contact.distributor_id,
            )
    return contact


def remove_contact(*, actor, contact: Contact, reason: str = "") -> None:
    _remove_child(
        actor=actor, obj=contact, action="contact.remove", fields=CONTACT_FIELDS, reason=reason
    )


# --- onboarding checklist -----------------------------------------------------------------


def _owner(owner, distributor_id: int):
    """An item's owner: an active vendor user, or a user of this very distributor."""
    if owner is None:
        return None
    if not owner.is_active or not getattr(owner, "role", None):
        raise DomainError(
            ErrorCode.INVALID_OWNER, f"{owner.username} cannot own checklist items.", field="owner"
        )
    if owner.role in DISTRIBUTOR_ROLES and owner.distributor_id != distributor_id:
        raise DomainError(
            ErrorCode.INVALID_OWNER,
            f"{owner.username} belongs to another distributor.",
            field="owner",
        )
    return owner


def _position(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 32767:
        raise _invalid("position", "The position is a whole number from 0 to 32767.")
    return value


def _onboarding_values(values: dict[str, Any], distributor_id: int) -> dict[str, Any]:
    cleaners = {
        "item": lambda v: _text(v, "item", max_length=200),
        "owner": lambda v: _owner(v, distributor_id),
        "due_date": lambda v: _date(v, "due_date", required=False),
        "position": _position,
    }
    return {name: cleaners[name](value) for name, value in values.items()}


def add_onboarding_item(
    *,
    actor,
    distributor: Distributor,
    item: str,
    owner=None,
    due_date: dt.date | None = None,
    position: int | None = None,
    reason: str = "",
) -> OnboardingItem:
    """A checklist item; without a position it goes to the end of the list."""
    values = _onboarding_values(
        {"item": item, "owner": owner, "due_date": due_date}, distributor.pk
    )
    with transaction.atomic():
        if position is None:
            last = OnboardingItem.objects.for_distributor(distributor.pk).aggregate(
                last=Max("position")
            )["last"]
            position = 0 if last is None else min(last + 1, 32767)
        values["position"] = _position(position)
        onboarding_item = OnboardingItem.objects.unscoped().create(
            distributor=distributor, **values
        )
        record_audit(
            actor=actor,
            action="onboarding_item.add",
            obj=onboarding_item,
            changes=_created(onboarding_item, ONBOARDING_FIELDS),
            reason=reason,
            distributor_id=distributor.pk,
        )
    return onboarding_item


def update_onboarding_item(
    *, actor, onboarding_item: OnboardingItem, reason: str = "", **values: Any
) -> OnboardingItem:
    if "done_date" in values:
        raise _invalid("done_date", "Mark the item done or reopen it instead.")
    _unknown_fields(values, ONBOARDING_EDITABLE)
    cleaned = _onboarding_values(values, onboarding_item.distributor_id)
    with transaction.atomic():
        changes = _save_changes(onboarding_item, ONBOARDING_FIELDS, cleaned)
        if changes:
            record_audit(
                actor=actor,
                action="onboarding_item.update",
                obj=onboarding_item,
                changes=changes,
                reason=reason,
                distributor_id=onboarding_item.distributor_id,
            )
    return onboarding_item


def _locked_item(onboarding_item: OnboardingItem) -> OnboardingItem:
    return (
        OnboardingItem.objects.for_distributor(onboarding_item.distributor_id)
        .select_for_update()
        .get(pk=onboarding_item.pk)
    )


def complete_onboarding_item(
    *,
    actor,
    onboarding_item: OnboardingItem,
    done_date: dt.date | None = None,
    reason: str = "",
) -> OnboardingItem:
    """Mark an item done, today unless told otherwise; a done date cannot lie ahead."""
    today = timezone.localdate()
    done_date = _date(done_date, "done_date", required=False) or today
    if done_date > today:
        raise _invalid("done_date", "The done date cannot be in the future.")
    with transaction.atomic():
        onboarding_item = _locked_item(onboarding_item)
        if onboarding_item.done_date is not None:
            raise ConflictError(
                ErrorCode.ALREADY_DONE,
                f"{onboarding_item.item!r} was already done on {onboarding_item.done_date}.",
                field="done_date",
            )
        changes = _save_changes(onboarding_item, ONBOARDING_FIELDS, {"done_date": done_date})
        record_audit(
            actor=actor,
            action="onboarding_item.complete",
            obj=onboarding_item,
            changes=changes,
            reason=reason,
            distributor_id=onboarding_item.distributor_id,
        )
    return onboarding_item


def reopen_onboarding_item(
    *, actor, onboarding_item: OnboardingItem, reason: str = ""
) -> OnboardingItem:
    with transaction.atomic():
        onboarding_item = _locked_item(onboarding_item)
        if onboarding_item.done_date is None:
            raise ConflictError(
                ErrorCode.NOT_DONE, f"{onboarding_item.item!r} is not done.", field="done_date"
            )
        changes = _save_changes(onboarding_item, ONBOARDING_FIELDS, {"done_date": None})
        record_audit(
            actor=actor,
            action="onboarding_item.reopen",
            obj=onboarding_item,
            changes=changes,
            reason=reason,
            distributor_id=onboarding_item.distributor_id,
        )
    return onboarding_item


def remove_onboarding_item(*, actor, onboarding_item: OnboardingItem, reason: str = "") -> None:
    _remove_child(
        actor=actor,
        obj=onboarding_item,
        action="onboarding_item.remove",
        fields=ONBOARDING_FIELDS,
        reason=reason,
    )


# --- reporting obligations ----------------------------------------------------------------


def _due_days(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DUE_DAYS:
        raise _invalid("due_days", f"Due days are a whole number from 0 to {MAX_DUE_DAYS}.")
    return value


def _check_obligation(
    distributor_id: int, values: dict[str, Any], exclude_pk: int | None = None
) -> None:
    active_from, active_to = values["active_from"], values["active_to"]
    if active_to is not None and active_to < active_from:
        raise DomainError(
            ErrorCode.INVALID_PERIOD,
            "The obligation cannot end before it starts.",
            field="active_to",
        )
    siblings = ReportingObligation.objects.for_distributor(distributor_id).filter(
        report_type=values["report_type"]
    )
    if exclude_pk:
        siblings = siblings.exclude(pk=exclude_pk)
    for other in siblings.order_by("active_from", "pk"):
        if calc.periods_overlap(active_from, active_to, other.active_from, other.active_to):
            until = other.active_to.isoformat() if other.active_to else "open-ended"
            raise ConflictError(
                ErrorCode.OBLIGATION_OVERLAP,
                f"A {other.get_report_type_display().lower()} obligation already runs "
                f"from {other.active_from} ({until}); end it before starting another.",
                field="active_from",
            )


def _obligation_values(values: dict[str, Any]) -> dict[str, Any]:
    cleaners = {
        "report_type": lambda v: _choice(v, ReportType, "report_type"),
        "frequency": lambda v: _choice(v, ReportFrequency, "frequency"),
        "due_days": _due_days,
        "active_from": lambda v: _date(v, "active_from", required=True),
        "active_to": lambda v: _date(v, "active_to", required=False),
    }
    return {name: cleaners[name](value) for name, value in values.items()}


def add_reporting_obligation(
    *,
    actor,
    distributor: Distributor,
    report_type: str,
    frequency: str,
    due_days: int,
    active_from: dt.date,
    active_to: dt.date | None = None,
    reason: str = "",
) -> ReportingObligation:
    """Which report the distributor owes, how often, and by when (issue 2, point 9)."""
    values = _obligation_values(
        {
            "report_type": report_type,
            "frequency": frequency,
            "due_days": due_days,
            "active_from": active_from,
            "active_to": active_to,
        }
    )
    with transaction.atomic():
        _check_obligation(distributor.pk, values)
        obligation = ReportingObligation.objects.unscoped().create(
            distributor=distributor, **values
        )
        record_audit(
            actor=actor,
            action="reporting_obligation.add",
            obj=obligation,
            changes=_created(obligation, OBLIGATION_FIELDS),
            reason=reason,
            distributor_id=distributor.pk,
        )
    return obligation


def update_reporting_obligation(
    *, actor, obligation: ReportingObligation, reason: str = "", **values: Any
) -> ReportingObligation:
    _unknown_fields(values, OBLIGATION_FIELDS)
    cleaned = _obligation_values(values)
    merged = {name: getattr(obligation, name) for name in OBLIGATION_FIELDS} | cleaned
    with transaction.atomic():
        _check_obligation(obligation.distributor_id, merged, exclude_pk=obligation.pk)
        changes = _save_changes(obligation, OBLIGATION_FIELDS, cleaned)
        if changes:
            record_audit(
                actor=actor,
                action="reporting_obligation.update",
                obj=obligation,
                changes=changes,
                reason=reason,
                distributor_id=obligation.distributor_id,
            )
    return obligation


def remove_reporting_obligation(
    *, actor, obligation: ReportingObligation, reason: str = ""
) -> None:
    _remove_child(
        actor=actor,
        obj=obligation,
        action="reporting_obligation.remove",
        fields=OBLIGATION_FIELDS,
        reason=reason,
    )
