"""Reads of volume purchase agreements for pages, the API and other apps.

``version_in_force_for(distributor_id, on_date)`` is the call other apps make (rebates,
pricing): the terms that applied to a distributor on a date, with their discount levels.
The SQL annotations below implement the same rule as ``calc.version_in_force``; the tests
check that the two agree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from midstream.agreements.calc import (
    DiscountTerm,
    VersionDiff,
    VersionTerms,
    diff_versions,
    version_in_force,
)
from midstream.agreements.errors import ErrorCode
from midstream.agreements.models import Agreement, AgreementVersion, DiscountLevel
from midstream.core.errors import ConflictError
from midstream.core.scoping import Scope, get_in_scope
from midstream.partners.models import Distributor

IN_FORCE = "yes"
NOT_IN_FORCE = "no"
STATUS_CHOICES = [(IN_FORCE, "In force"), (NOT_IN_FORCE, "Not in force")]


def terms_of(version: AgreementVersion) -> VersionTerms:
    """The pure view of a version (its ``discount_levels`` should be prefetched with family)."""
    return VersionTerms(
        version=version.version,
        effective_from=version.effective_from,
        effective_to=version.effective_to,
        currency=version.currency,
        payment_terms=version.payment_terms,
        commitment_period=version.commitment_period,
        commitment_unit=version.commitment_unit,
        commitment_value=version.commitment_value,
        discounts=tuple(
            sorted(
                (
                    DiscountTerm(level.family.code, level.discount_percent)
                    for level in version.discount_levels.all()
                ),
                key=lambda term: term.family_code,
            )
        ),
        ends_agreement=version.ends_agreement,
    )


def _discount_prefetch() -> Prefetch:
    return Prefetch(
        "discount_levels",
        queryset=DiscountLevel.objects.unscoped().select_related("family").order_by("family__code"),
    )


# Lists


def _versions_of_outer_agreement() -> QuerySet[AgreementVersion]:
    # Correlated to the agreement row of the outer query, which is already scoped.
    return AgreementVersion.objects.unscoped().filter(agreement_id=OuterRef("pk"))


def _in_force_versions(on_date: dt.date) -> QuerySet[AgreementVersion]:
    """The outer agreement's versions that may be in force on ``on_date``, best first."""
    closing = AgreementVersion.objects.unscoped().filter(
        agreement_id=OuterRef("agreement_id"),
        version__gt=OuterRef("version"),
        ends_agreement=True,
        effective_to__lt=on_date,
    )
    return (
        _versions_of_outer_agreement()
        .filter(effective_from__lte=on_date)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on_date))
        .filter(~Exists(closing))
        .order_by("-version")
    )


def with_in_force(queryset: QuerySet[Agreement], on_date: dt.date) -> QuerySet[Agreement]:
    """Annotate agreements for ``on_date``.

    ``version_in_force`` (number or None) and ``version_in_force_id``; ``latest_version``;
    ``current_currency`` (of the version in force, else of the latest version); ``in_force``
    (``"yes"``/``"no"``).
    """
    in_force = _in_force_versions(on_date)
    latest = _versions_of_outer_agreement().order_by("-version")
    return queryset.annotate(
        version_in_force=Subquery(in_force.values("version")[:1]),
        version_in_force_id=Subquery(in_force.values("pk")[:1]),
        latest_version=Subquery(latest.values("version")[:1]),
        current_currency=Coalesce(
            Subquery(in_force.values("currency")[:1]), Subquery(latest.values("currency")[:1])
        ),
    ).annotate(
        in_force=Case(
            When(version_in_force__isnull=False, then=Value(IN_FORCE)),
            default=Value(NOT_IN_FORCE),
            output_field=CharField(),
        )
    )


def agreements_for(scope: Scope, *, on_date: dt.date) -> QuerySet[Agreement]:
    """Agreements ``scope`` may see, annotated for ``on_date`` (see ``with_in_force``)."""
    queryset = Agreement.objects.for_scope(scope).select_related("distributor")
    return with_in_force(queryset, on_date)


def versions_in_force_on(scope: Scope, on_date: dt.date) -> QuerySet[AgreementVersion]:
    """For each agreement ``scope`` may see, the version in force on ``on_date`` (if any)."""
    in_force_ids = with_in_force(Agreement.objects.for_scope(scope), on_date).values(
        "version_in_force_id"
    )
    return (
        AgreementVersion.objects.for_scope(scope)
        .filter(pk__in=in_force_ids)
        .select_related("agreement", "agreement__distributor")
        .prefetch_related(_discount_prefetch())
    )


def distributor_choices(scope: Scope) -> list[tuple[str, str]]:
    """``(id, code)`` of the distributors ``scope`` may see, for filters and forms."""
    return [
        (str(pk), code)
        for pk, code in Distributor.objects.for_scope(scope)
        .order_by("code")
        .values_list("pk", "code")
    ]


# One agreement


def get_agreement(scope: Scope, pk) -> Agreement:
    """The agreement ``pk`` within ``scope``; 404 for missing and foreign alike."""
    return get_in_scope(Agreement.objects.unscoped().select_related("distributor"), scope, pk=pk)


def versions_of(agreement: Agreement) -> list[AgreementVersion]:
    """Every version, newest first, with discount levels and author loaded."""
    return list(
        agreement.versions.select_related("created_by")
        .prefetch_related(_discount_prefetch())
        .order_by("-version")
    )


def pick_version(versions: list[AgreementVersion], number) -> AgreementVersion:
    """The version numbered ``number`` among ``versions``; 404 if there is none."""
    for version in versions:
        if str(version.version) == str(number):
            return version
    raise Http404("No such version.")


def in_force_among(versions: list[AgreementVersion], on_date: dt.date) -> AgreementVersion | None:
    """The model version in force on ``on_date`` among one agreement's loaded versions."""
    chosen = version_in_force([terms_of(version) for version in versions], on_date)
    if chosen is None:
        return None
    return next(version for version in versions if version.version == chosen.version)


def diff_of(first: AgreementVersion, second: AgreementVersion) -> VersionDiff:
    return diff_versions(terms_of(first), terms_of(second))


TERM_LABELS = {
    "effective_from": "Effective from",
    "effective_to": "Effective to",
    "currency": "Currency",
    "payment_terms": "Payment terms",
    "commitment_period": "Commitment period",
    "commitment_unit": "Commitment unit",
    "commitment_value": "Minimum commitment",
    "ends_agreement": "Ends the agreement",
}


def _term_display(version: AgreementVersion, name: str) -> str:
    value = getattr(version, name)
    if name in ("payment_terms", "commitment_period", "commitment_unit"):
        return getattr(version, f"get_{name}_display")()
    if name == "effective_to" and value is None:
        return "open-ended"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def side_by_side(first: AgreementVersion, second: AgreementVersion) -> dict:
    """Rows for a two-column comparison: every term and every family of either version."""
    difference = diff_of(first, second)
    terms = [
        {
            "label": label,
            "before": _term_display(first, name),
            "after": _term_display(second, name),
            "changed": name in difference.changed_fields,
        }
        for name, label in TERM_LABELS.items()
    ]
    before = {level.family.code: level for level in first.discount_levels.all()}
    after = {level.family.code: level for level in second.discount_levels.all()}
    kinds = difference.changed_families
    discounts = []
    for code in sorted(before.keys() | after.keys()):
        level = after.get(code) or before[code]
        discounts.append(
            {
                "family_code": code,
                "family_name": level.family.name,
                "before": before[code].discount_percent if code in before else None,
                "after": after[code].discount_percent if code in after else None,
                "change": kinds.get(code, "unchanged"),
            }
        )
    return {"diff": difference, "terms": terms, "discounts": discounts}


# For other apps


def version_in_force_for(distributor_id: int, on_date: dt.date) -> AgreementVersion | None:
    """The agreement version in force for a distributor on a date, or ``None``.

    The result has ``agreement`` loaded and ``discount_levels`` (with ``family``) prefetched.
    Services keep a distributor to one agreement in force per date; should the data say
    otherwise, this refuses to guess (``several_in_force``).
    """
    # A version starting after on_date can neither cover it nor end the agreement before it.
    versions = list(
        AgreementVersion.objects.for_distributor(distributor_id)
        .filter(effective_from__lte=on_date)
        .select_related("agreement")
        .prefetch_related(_discount_prefetch())
    )
    by_agreement: dict[int, list[AgreementVersion]] = defaultdict(list)
    for version in versions:
        by_agreement[version.agreement_id].append(version)
    found = [
        chosen
        for agreement_versions in by_agreement.values()
        if (chosen := in_force_among(agreement_versions, on_date)) is not None
    ]
    if len(found) > 1:
        numbers = ", ".join(sorted(version.agreement.number for version in found))
        raise ConflictError(
            ErrorCode.SEVERAL_IN_FORCE,
            f"Several agreements are in force on {on_date}: {numbers}.",
        )
    return found[0] if found else None


def discount_percent_for(distributor_id: int, family_code: str, on_date: dt.date) -> Decimal | None:
    """The discount level a distributor had on a product family on a date, if any."""
    version = version_in_force_for(distributor_id, on_date)
    if version is None:
        return None
    for level in version.discount_levels.all():
        if level.family.code == family_code:
            return level.discount_percent
    return None
