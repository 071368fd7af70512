"""Writes of volume purchase agreements (issue 2, point 5).

Terms are never edited: ``create_agreement`` writes version 1, ``amend_agreement`` and
``end_agreement`` write version n+1. Every call is one transaction with one audit record on
the agreement (field-level before/after, discount levels as ``discount[FAMILY]``).

Writes for one distributor are serialised by locking its row, so the rule "at most one
agreement in force per distributor and date" holds under concurrency; an amendment also locks
its agreement row, and the unique (agreement, version) constraint is the last line.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from midstream.agreements.calc import (
    DiscountTerm,
    VersionTerms,
    coverage,
    diff_versions,
    first_overlap,
    version_in_force,
)
from midstream.agreements.choices import CommitmentPeriod, CommitmentUnit, PaymentTerms
from midstream.agreements.errors import ErrorCode
from midstream.agreements.models import Agreement, AgreementVersion, DiscountLevel
from midstream.agreements.selectors import terms_of, versions_of
from midstream.catalog.models import ProductFamily
from midstream.core.audit import diff, record_audit
from midstream.core.errors import ConflictError, DomainError
from midstream.core.money import AmountError, is_currency, parse_decimal
from midstream.partners.models import Distributor

CENT = Decimal("0.01")
NUMBER_MAX_LENGTH = 40
TITLE_MAX_LENGTH = 200


class _Keep:
    """Marks an amendment argument that was not given: the latest version's value stays."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()

DiscountInput = Iterable[tuple[str, object]]


# Validation


def _require_text(value: str | None, field: str, label: str, max_length: int) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(ErrorCode.REQUIRED, f"{label} is required.", field=field)
    if len(text) > max_length:
        raise DomainError(
            ErrorCode.TOO_LONG, f"{label} is at most {max_length} characters.", field=field
        )
    return text


def _require_choice(value: str, choices, field: str, label: str) -> str:
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise DomainError(
            ErrorCode.INVALID_CHOICE, f"{label} must be one of {allowed}.", field=field
        )
    return str(value)


def _clean_discounts(discounts: DiscountInput) -> tuple[DiscountTerm, ...]:
    terms: dict[str, DiscountTerm] = {}
    for family_code, raw in discounts:
        code = (family_code or "").strip()
        if not code:
            raise DomainError(
                ErrorCode.UNKNOWN_FAMILY, "Every discount level needs a family.", field="discounts"
            )
        try:
            percent = parse_decimal(raw, max_digits=5, decimal_places=2, allow_negative=False)
        except AmountError as error:
            raise DomainError(
                ErrorCode.INVALID_DISCOUNT,
                f"Discount for {code}: {error.message}.",
                field="discounts",
            ) from None
        if percent > 100:
            raise DomainError(
                ErrorCode.INVALID_DISCOUNT,
                f"Discount for {code} must be between 0 and 100 percent.",
                field="discounts",
            )
        if code in terms:
            raise DomainError(
                ErrorCode.DUPLICATE_FAMILY,
                f"Family {code} has more than one discount level.",
                field="discounts",
            )
        terms[code] = DiscountTerm(code, percent.quantize(CENT))
    return tuple(terms[code] for code in sorted(terms))


def _clean_terms(
    *,
    version: int,
    effective_from,
    effective_to,
    currency: str,
    payment_terms: str,
    commitment_period: str,
    commitment_unit: str,
    commitment_value,
    discounts: DiscountInput,
    ends_agreement: bool = False,
) -> VersionTerms:
    if not isinstance(effective_from, dt.date):
        raise DomainError(
            ErrorCode.REQUIRED, "The effective-from date is required.", field="effective_from"
        )
    if effective_to is not None:
        if not isinstance(effective_to, dt.date):
            raise DomainError(
                ErrorCode.INVALID_WINDOW,
                "The effective-to date is not a date.",
                field="effective_to",
            )
        if effective_to < effective_from:
            raise DomainError(
                ErrorCode.INVALID_WINDOW,
                "The effective-to date cannot be before the effective-from date.",
                field="effective_to",
            )
    if not isinstance(currency, str) or not is_currency(currency):
        raise DomainError(
            ErrorCode.INVALID_CURRENCY, f"{currency!r} is not a known currency.", field="currency"
        )
    payment_terms = _require_choice(payment_terms, PaymentTerms, "payment_terms", "Payment terms")
    commitment_period = _require_choice(
        commitment_period, CommitmentPeriod, "commitment_period", "Commitment period"
    )
    commitment_unit = _require_choice(
        commitment_unit, CommitmentUnit, "commitment_unit", "Commitment unit"
    )
    try:
        commitment = parse_decimal(
            commitment_value, max_digits=18, decimal_places=2, allow_negative=False
        )
    except AmountError as error:
        raise DomainError(
            ErrorCode.INVALID_COMMITMENT,
            f"The minimum commitment {error.message}.",
            field="commitment_value",
        ) from None
    return VersionTerms(
        version=version,
        effective_from=effective_from,
        effective_to=effective_to,
        currency=currency,
        payment_terms=payment_terms,
        commitment_period=commitment_period,
        commitment_unit=commitment_unit,
        commitment_value=commitment.quantize(CENT),
        discounts=_clean_discounts(discounts),
        ends_agreement=ends_agreement,
    )


def _families_for(terms: VersionTerms) -> dict[str, ProductFamily]:
    codes = [term.family_code for term in terms.discounts]
    families = {family.code: family for family in ProductFamily.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in families]
    if missing:
        raise DomainError(
            ErrorCode.UNKNOWN_FAMILY,
            f"Unknown product family: {', '.join(missing)}.",
            field="discounts",
        )
    return families


def _require_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise DomainError(
            ErrorCode.REASON_REQUIRED, "Say why the agreement changes.", field="reason"
        )
    return text


# Writing


def _lock_distributor(distributor_id: int) -> None:
    Distributor.objects.for_distributor(distributor_id).select_for_update().get()


def _check_no_overlap(
    distributor_id: int, agreement_id: int | None, versions: list[VersionTerms]
) -> None:
    """Refuse when another agreement of the distributor would be in force on a shared date."""
    others = (
        AgreementVersion.objects.for_distributor(distributor_id)
        .exclude(agreement_id=agreement_id)
        .select_related("agreement")
        .order_by("agreement_id", "version")
    )
    by_agreement: dict[str, list[VersionTerms]] = defaultdict(list)
    for other in others:
        by_agreement[other.agreement.number].append(
            VersionTerms(
                version=other.version,
                effective_from=other.effective_from,
                effective_to=other.effective_to,
                currency=other.currency,
                payment_terms=other.payment_terms,
                commitment_period=other.commitment_period,
                commitment_unit=other.commitment_unit,
                commitment_value=other.commitment_value,
                ends_agreement=other.ends_agreement,
            )
        )
    for number, other_versions in sorted(by_agreement.items()):
        shared = first_overlap(versions, other_versions)
        if shared is not None:
            raise ConflictError(
                ErrorCode.OVERLAPPING_AGREEMENT,
                f"Agreement {number} of this distributor is in force on {shared}; a distributor "
                "has one agreement in force at a time.",
                field="effective_from",
            )


def _write_version(
    *,
    actor,
    agreement: Agreement,
    terms: VersionTerms,
    families: dict[str, ProductFamily],
    reason: str,
) -> AgreementVersion:
    try:
        with transaction.atomic():
            version = AgreementVersion.objects.unscoped().create(
                agreement=agreement,
                version=terms.version,
                effective_from=terms.effective_from,
                effective_to=terms.effective_to,
                currency=terms.currency,
                payment_terms=terms.payment_terms,
                commitment_period=terms.commitment_period,
                commitment_unit=terms.commitment_unit,
                commitment_value=terms.commitment_value,
                ends_agreement=terms.ends_agreement,
                amendment_reason=reason,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise ConflictError(
            ErrorCode.VERSION_CONFLICT,
            f"Version {terms.version} was written by someone else meanwhile; try again.",
        ) from None
    DiscountLevel.objects.unscoped().bulk_create(
        DiscountLevel(
            version=version,
            family=families[term.family_code],
            discount_percent=term.discount_percent,
        )
        for term in terms.discounts
    )
    return version


def _audit_values(terms: VersionTerms) -> dict[str, Any]:
    values: dict[str, Any] = {
        "version": terms.version,
        "effective_from": terms.effective_from,
        "effective_to": terms.effective_to,
        "currency": terms.currency,
        "payment_terms": terms.payment_terms,
        "commitment_period": terms.commitment_period,
        "commitment_unit": terms.commitment_unit,
        "commitment_value": terms.commitment_value,
        "ends_agreement": terms.ends_agreement,
    }
    for term in terms.discounts:
        values[f"discount[{term.family_code}]"] = term.discount_percent
    return values


def _locked_agreement(agreement: Agreement) -> tuple[Agreement, list[AgreementVersion]]:
    _lock_distributor(agreement.distributor_id)
    locked = (
        Agreement.objects.for_distributor(agreement.distributor_id)
        .select_for_update()
        .get(pk=agreement.pk)
    )
    return locked, versions_of(locked)


# Services


def create_agreement(
    *,
    actor,
    distributor: Distributor,
    number: str,
    title: str,
    effective_from: dt.date,
    effective_to: dt.date | None = None,
    currency: str,
    payment_terms: str,
    commitment_period: str,
    commitment_unit: str,
    commitment_value,
    discounts: DiscountInput = (),
    reason: str = "",
) -> Agreement:
    """A new agreement with version 1 and its discount levels (``(family code, percent)``)."""
    number = _require_text(number, "number", "The agreement number", NUMBER_MAX_LENGTH)
    title = _require_text(title, "title", "The title", TITLE_MAX_LENGTH)
    terms = _clean_terms(
        version=1,
        effective_from=effective_from,
        effective_to=effective_to,
        currency=currency,
        payment_terms=payment_terms,
        commitment_period=commitment_period,
        commitment_unit=commitment_unit,
        commitment_value=commitment_value,
        discounts=discounts,
    )
    with transaction.atomic():
        _lock_distributor(distributor.pk)
        if Agreement.objects.unscoped().filter(number=number).exists():
            raise ConflictError(
                ErrorCode.DUPLICATE_NUMBER, f"Agreement {number} exists already.", field="number"
            )
        families = _families_for(terms)
        _check_no_overlap(distributor.pk, None, [terms])
        try:
            with transaction.atomic():
                agreement = Agreement.objects.unscoped().create(
                    distributor=distributor, number=number, title=title
                )
        except IntegrityError:
            raise ConflictError(
                ErrorCode.DUPLICATE_NUMBER, f"Agreement {number} exists already.", field="number"
            ) from None
        _write_version(
            actor=actor, agreement=agreement, terms=terms, families=families, reason=reason.strip()
        )
        record_audit(
            actor=actor,
            action="agreement.create",
            obj=agreement,
            changes=diff(
                {},
                {
                    "number": number,
                    "title": title,
                    "distributor": str(distributor.pk),
                    **_audit_values(terms),
                },
            ),
            reason=reason.strip(),
            distributor_id=distributor.pk,
        )
    return agreement


def amend_agreement(
    *,
    actor,
    agreement: Agreement,
    reason: str,
    effective_from: dt.date = KEEP,
    effective_to: dt.date | None = KEEP,
    currency: str = KEEP,
    payment_terms: str = KEEP,
    commitment_period: str = KEEP,
    commitment_unit: str = KEEP,
    commitment_value=KEEP,
    discounts: DiscountInput = KEEP,
) -> AgreementVersion:
    """Version n+1: the latest version's terms, overridden by what is given.

    ``discounts``, when given, is the complete new set of discount levels (a family left out
    loses its discount).
    """
    reason = _require_reason(reason)
    given = {
        "effective_from": effective_from,
        "effective_to": effective_to,
        "currency": currency,
        "payment_terms": payment_terms,
        "commitment_period": commitment_period,
        "commitment_unit": commitment_unit,
        "commitment_value": commitment_value,
        "discounts": discounts,
    }
    with transaction.atomic():
        agreement, versions = _locked_agreement(agreement)
        latest = terms_of(versions[0])
        base = {
            "effective_from": latest.effective_from,
            "effective_to": latest.effective_to,
            "currency": latest.currency,
            "payment_terms": latest.payment_terms,
            "commitment_period": latest.commitment_period,
            "commitment_unit": latest.commitment_unit,
            "commitment_value": latest.commitment_value,
            "discounts": [(term.family_code, term.discount_percent) for term in latest.discounts],
        }
        base.update({name: value for name, value in given.items() if value is not KEEP})
        terms = _clean_terms(version=latest.version + 1, **base)
        if diff_versions(latest, terms).is_empty:
            raise DomainError(
                ErrorCode.NO_CHANGE,
                f"The amendment changes nothing in version {latest.version}.",
            )
        families = _families_for(terms)
        _check_no_overlap(
            agreement.distributor_id,
            agreement.pk,
            [*(terms_of(version) for version in versions), terms],
        )
        version = _write_version(
            actor=actor, agreement=agreement, terms=terms, families=families, reason=reason
        )
        record_audit(
            actor=actor,
            action="agreement.amend",
            obj=agreement,
            changes=diff(_audit_values(latest), _audit_values(terms)),
            reason=reason,
            distributor_id=agreement.distributor_id,
        )
    return version


def end_agreement(
    *, actor, agreement: Agreement, end_date: dt.date, reason: str
) -> AgreementVersion:
    """Version n+1 that ends the agreement after ``end_date``.

    It repeats the terms in force on ``end_date`` for that one day and closes every earlier
    version after it, so what applied before the end stays as it was.
    """
    reason = _require_reason(reason)
    if not isinstance(end_date, dt.date):
        raise DomainError(ErrorCode.REQUIRED, "The end date is required.", field="end_date")
    with transaction.atomic():
        agreement, versions = _locked_agreement(agreement)
        history = [terms_of(version) for version in versions]
        in_force = version_in_force(history, end_date)
        if in_force is None:
            raise DomainError(
                ErrorCode.NOTHING_IN_FORCE,
                f"No version is in force on {end_date}; there is nothing to end.",
                field="end_date",
            )
        terms = replace(
            in_force,
            version=history[0].version + 1,
            effective_from=end_date,
            effective_to=end_date,
            ends_agreement=True,
        )
        if coverage([*history, terms]) == coverage(history):
            raise DomainError(
                ErrorCode.NO_CHANGE,
                f"The agreement already ends on or before {end_date}.",
                field="end_date",
            )
        families = _families_for(terms)
        version = _write_version(
            actor=actor, agreement=agreement, terms=terms, families=families, reason=reason
        )
        record_audit(
            actor=actor,
            action="agreement.end",
            obj=agreement,
            changes=diff(_audit_values(history[0]), _audit_values(terms)),
            reason=reason,
            distributor_id=agreement.distributor_id,
        )
    return version
