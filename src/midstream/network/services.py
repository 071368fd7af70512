"""Reseller master writes (issue 2, point 3): each one atomic and audited.

Every audit record is written against the reseller (``network.reseller``), so the reseller's
audit trail shows its aliases and supplying distributors too. Changes to one distributor's
supply row or alias carry that distributor's id in the audit record.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from midstream.core.audit import diff, record_audit, snapshot
from midstream.core.errors import ConflictError, DomainError
from midstream.network import calc
from midstream.network.choices import OnboardingStage, ResellerStatus, ResellerTier
from midstream.network.errors import ErrorCode
from midstream.network.models import Reseller, ResellerAlias, ResellerSupply
from midstream.partners.choices import DistributorStatus

RESELLER_FIELDS = [
    "partner_id",
    "name",
    "tax_id",
    "address_line",
    "city",
    "postal_code",
    "country",
    "tier",
    "status",
    "recruited_by",
    "onboarding_stage",
]
# What update_reseller may change; the onboarding stage moves through advance_onboarding_stage.
EDITABLE_FIELDS = [name for name in RESELLER_FIELDS if name != "onboarding_stage"]


def _clean_text(value: str | None) -> str:
    return calc.normalise_name(value or "")


def _check_choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise DomainError(
            ErrorCode.INVALID_CHOICE, f"{value!r} is not a valid {field}.", field=field
        )
    return value


def _cleaned_reseller_values(values: dict) -> dict:
    """Validate and normalise reseller fields (only those present in ``values``)."""
    cleaned = dict(values)
    if "partner_id" in cleaned:
        partner_id = calc.normalise_partner_id(cleaned["partner_id"] or "")
        if not calc.is_valid_partner_id(partner_id):
            raise DomainError(
                ErrorCode.INVALID_PARTNER_ID,
                "A partner id is 2-20 characters: capital letters, digits, - and _.",
                field="partner_id",
            )
        cleaned["partner_id"] = partner_id
    if "name" in cleaned:
        cleaned["name"] = _clean_text(cleaned["name"])
        if not cleaned["name"]:
            raise DomainError(ErrorCode.REQUIRED, "A reseller needs a name.", field="name")
    for field in ("tax_id", "postal_code"):
        if field in cleaned:
            cleaned[field] = (cleaned[field] or "").strip().upper()
    for field in ("address_line", "city"):
        if field in cleaned:
            cleaned[field] = _clean_text(cleaned[field])
    if "country" in cleaned:
        country = (cleaned["country"] or "").strip().upper()
        if len(country) != 2 or not country.isascii() or not country.isalpha():
            raise DomainError(
                ErrorCode.INVALID_COUNTRY,
                "Use the two-letter ISO 3166 country code, e.g. DE.",
                field="country",
            )
        cleaned["country"] = country
    if "tier" in cleaned:
        _check_choice(cleaned["tier"], ResellerTier, "tier")
    if "status" in cleaned:
        _check_choice(cleaned["status"], ResellerStatus, "status")
    if "onboarding_stage" in cleaned:
        _check_choice(cleaned["onboarding_stage"], OnboardingStage, "onboarding_stage")
    return cleaned


def _check_unique(reseller: Reseller) -> None:
    others = Reseller.objects.unscoped().exclude(pk=reseller.pk)
    if others.filter(partner_id=reseller.partner_id).exists():
        raise ConflictError(
            ErrorCode.DUPLICATE_PARTNER_ID,
            f"Partner id {reseller.partner_id} is taken.",
            field="partner_id",
        )
    if reseller.tax_id and others.filter(country=reseller.country, tax_id=reseller.tax_id).exists():
        raise ConflictError(
            ErrorCode.DUPLICATE_TAX_ID,
            f"A reseller in {reseller.country} with tax id {reseller.tax_id} exists already: "
            "one reseller, one master record (add an alias instead).",
            field="tax_id",
        )


def create_reseller(
    *,
    actor,
    partner_id: str,
    name: str,
    country: str,
    tax_id: str = "",
    address_line: str = "",
    city: str = "",
    postal_code: str = "",
    tier: str = ResellerTier.REGISTERED,
    status: str = ResellerStatus.PROSPECT,
    recruited_by=None,
    onboarding_stage: str = OnboardingStage.IDENTIFIED,
    reason: str = "",
) -> Reseller:
    values = _cleaned_reseller_values(
        {
            "partner_id": partner_id,
            "name": name,
            "country": country,
            "tax_id": tax_id,
            "address_line": address_line,
            "city": city,
            "postal_code": postal_code,
            "tier": tier,
            "status": status,
            "onboarding_stage": onboarding_stage,
        }
    )
    with transaction.atomic():
        reseller = Reseller(recruited_by=recruited_by, **values)
        _check_unique(reseller)
        reseller.save()
        record_audit(
            actor=actor,
            action="reseller.create",
            obj=reseller,
            changes={
                key: [None, value] for key, value in snapshot(reseller, RESELLER_FIELDS).items()
            },
            reason=reason,
        )
    return reseller


def update_reseller(*, actor, reseller: Reseller, reason: str = "", **changes) -> Reseller:
    """Change master data. Unknown fields (and the onboarding stage) are refused."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise DomainError(ErrorCode.INVALID_CHOICE, f"{field} cannot be changed here.", field=field)
    values = _cleaned_reseller_values(changes)
    with transaction.atomic():
        reseller = Reseller.objects.unscoped().select_for_update().get(pk=reseller.pk)
        before = snapshot(reseller, RESELLER_FIELDS)
        for field, value in values.items():
            setattr(reseller, field, value)
        _check_unique(reseller)
        changed = diff(before, snapshot(reseller, RESELLER_FIELDS))
        if changed:
            reseller.save()
            record_audit(
                actor=actor, action="reseller.update", obj=reseller, changes=changed, reason=reason
            )
    return reseller


def advance_onboarding_stage(
    *, actor, reseller: Reseller, stage: str, reason: str = ""
) -> Reseller:
    """Move a reseller forward in the recruitment funnel; never back, never in place."""
    _check_choice(stage, OnboardingStage, "onboarding_stage")
    with transaction.atomic():
        reseller = Reseller.objects.unscoped().select_for_update().get(pk=reseller.pk)
        if not calc.is_forward_stage(reseller.onboarding_stage, stage):
            raise ConflictError(
                ErrorCode.STAGE_NOT_FORWARD,
                f"The reseller is at {reseller.get_onboarding_stage_display()}; "
                f"{OnboardingStage(stage).label} is not a later stage.",
                field="onboarding_stage",
            )
        before = reseller.onboarding_stage
        reseller.onboarding_stage = stage
        reseller.save(update_fields=["onboarding_stage", "updated_at"])
        record_audit(
            actor=actor,
            action="reseller.advance_stage",
            obj=reseller,
            changes={"onboarding_stage": [before, stage]},
            reason=reason,
        )
    return reseller


def add_alias(*, actor, reseller: Reseller, alias: str, distributor=None) -> ResellerAlias:
    """Record another spelling of the reseller's name; ``distributor`` = who uses it, if one."""
    text = _clean_text(alias)
    if not text:
        raise DomainError(ErrorCode.REQUIRED, "An alias cannot be empty.", field="alias")
    if text.casefold() == reseller.name.casefold():
        raise DomainError(
            ErrorCode.ALIAS_IS_NAME, "The alias is the reseller's own name.", field="alias"
        )
    distributor_id = distributor.pk if distributor is not None else None
    with transaction.atomic():
        existing = ResellerAlias.objects.unscoped().filter(
            reseller=reseller, alias__iexact=text, distributor_id=distributor_id
        )
        if existing.exists():
            raise ConflictError(
                ErrorCode.DUPLICATE_ALIAS, f"{text!r} is already an alias.", field="alias"
            )
        created = ResellerAlias.objects.unscoped().create(
            reseller=reseller, alias=text, distributor=distributor
        )
        record_audit(
            actor=actor,
            action="reseller.add_alias",
            obj=reseller,
            changes={"alias": [None, _alias_label(created)]},
            distributor_id=distributor_id,
        )
    return created


def _alias_label(alias: ResellerAlias) -> str:
    if alias.distributor_id is None:
        return alias.alias
    return f"{alias.alias} (distributor {alias.distributor_id})"


def remove_alias(*, actor, alias: ResellerAlias, reason: str = "") -> None:
    with transaction.atomic():
        reseller = alias.reseller
        label = _alias_label(alias)
        distributor_id = alias.distributor_id
        alias.delete()
        record_audit(
            actor=actor,
            action="reseller.remove_alias",
            obj=reseller,
            changes={"alias": [label, None]},
            reason=reason,
            distributor_id=distributor_id,
        )


def _supply_label(supply: ResellerSupply) -> str:
    text = f"distributor {supply.distributor_id} since {supply.since.isoformat()}"
    if supply.account_number:
        text += f", account {supply.account_number}"
    if supply.until:
        text += f", until {supply.until.isoformat()}"
    return text


def add_supply(
    *,
    actor,
    reseller: Reseller,
    distributor,
    since: dt.date,
    account_number: str = "",
    reason: str = "",
) -> ResellerSupply:
    """Record that ``distributor`` supplies ``reseller`` from ``since``.

    One row per distributor and reseller: a supply that ended is resumed (new ``since``,
    ``until`` cleared), its earlier period kept in the audit trail.
    """
    if distributor.status == DistributorStatus.TERMINATED:
        raise DomainError(
            ErrorCode.INACTIVE_DISTRIBUTOR,
            f"{distributor.code} is terminated and supplies no one.",
            field="distributor",
        )
    account_number = (account_number or "").strip()
    with transaction.atomic():
        supply = (
            ResellerSupply.objects.for_distributor(distributor.pk)
            .select_for_update()
            .filter(reseller=reseller)
            .first()
        )
        if supply is not None and supply.until is None:
            raise ConflictError(
                ErrorCode.DUPLICATE_SUPPLY,
                f"{distributor.code} supplies this reseller already (since {supply.since}).",
                field="distributor",
            )
        if supply is None:
            supply = ResellerSupply(reseller=reseller, distributor=distributor)
            before = None
            action = "reseller.add_supply"
        else:
            before = _supply_label(supply)
            action = "reseller.resume_supply"
        supply.since = since
        supply.until = None
        supply.account_number = account_number
        try:
            with transaction.atomic():
                supply.save()
        except IntegrityError:
            raise ConflictError(
                ErrorCode.DUPLICATE_SUPPLY,
                f"{distributor.code} supplies this reseller already.",
                field="distributor",
            ) from None
        record_audit(
            actor=actor,
            action=action,
            obj=reseller,
            changes={"supply": [before, _supply_label(supply)]},
            reason=reason,
            distributor_id=distributor.pk,
        )
    return supply


def end_supply(
    *, actor, supply: ResellerSupply, until: dt.date, reason: str = ""
) -> ResellerSupply:
    """The distributor stopped supplying the reseller; ``until`` is the last day of supply."""
    with transaction.atomic():
        supply = (
            ResellerSupply.objects.for_distributor(supply.distributor_id)
            .select_for_update()
            .select_related("reseller")
            .get(pk=supply.pk)
        )
        if supply.until is not None:
            raise ConflictError(
                ErrorCode.SUPPLY_ENDED, f"This supply ended on {supply.until}.", field="until"
            )
        if until < supply.since:
            raise DomainError(
                ErrorCode.SUPPLY_END_BEFORE_START,
                f"The supply started on {supply.since}; it cannot end before that.",
                field="until",
            )
        before = _supply_label(supply)
        supply.until = until
        supply.save(update_fields=["until"])
        record_audit(
            actor=actor,
            action="reseller.end_supply",
            obj=supply.reseller,
            changes={"supply": [before, _supply_label(supply)]},
            reason=reason,
            distributor_id=supply.distributor_id,
        )
    return supply


def remove_supply(*, actor, supply: ResellerSupply, reason: str = "") -> None:
    """Delete a supply row recorded by mistake (a real end of supply uses ``end_supply``)."""
    with transaction.atomic():
        reseller = supply.reseller
        label = _supply_label(supply)
        distributor_id = supply.distributor_id
        supply.delete()
        record_audit(
            actor=actor,
            action="reseller.remove_supply",
            obj=reseller,
            changes={"supply": [label, None]},
            reason=reason,
            distributor_id=distributor_id,
        )
