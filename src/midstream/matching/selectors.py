"""Reads for reseller matching: the thresholds and the master as the engine needs it."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from django.db import DatabaseError

from midstream.ingest.resolve.resellers import ResellerRecord, ResellerReference
from midstream.matching.engine import Thresholds
from midstream.matching.models import MatchingSettings
from midstream.network.models import Reseller, ResellerAlias, ResellerSupply


def get_matching_settings() -> MatchingSettings:
    """The settings row, created with the defaults on first use."""
    matching_settings, _created = MatchingSettings.objects.get_or_create(pk=1)
    return matching_settings


def current_thresholds() -> Thresholds:
    """The thresholds in force, without writing anything (defaults when never saved)."""
    saved = MatchingSettings.objects.filter(pk=1).first()
    return saved.thresholds if saved else Thresholds()


def thresholds_or_defaults() -> tuple[Thresholds, bool]:
    """``current_thresholds()``, or the defaults when there is no usable database.

    The ``match-resellers`` command may run against a CSV master on a machine whose
    database was never created; the second value says whether the database answered.
    """
    try:
        return current_thresholds(), True
    except DatabaseError:
        return Thresholds(), False


@dataclass(frozen=True)
class MasterData:
    """A reseller master as the engine reads it, plus how to show its ids.

    ``labels`` maps the engine's integer ids to the ids people know: the partner id for
    the database's master, the ``id`` column for a CSV master. ``names`` are the names to
    show. ``account_numbers`` are ``(account number, reseller id)`` pairs.
    """

    reference: ResellerReference
    labels: dict[int, str]
    account_numbers: tuple[tuple[str, int], ...] = ()

    def label(self, reseller_id: int | None) -> str:
        return "" if reseller_id is None else self.labels[reseller_id]

    def name(self, reseller_id: int | None) -> str:
        return "" if reseller_id is None else self.reference.resellers[reseller_id].name


def master_from_database(*, distributor_id: int | None = None) -> MasterData:
    """The vendor-wide reseller master (three queries).

    Aliases: the vendor-wide ones, plus ``distributor_id``'s own when given; account
    numbers: only ``distributor_id``'s (another distributor's numbers mean nothing here).
    """
    records = {}
    labels = {}
    rows = Reseller.objects.unscoped().values_list(
        "pk", "partner_id", "name", "country", "postal_code", "city", "address_line", "tax_id"
    )
    for row in rows:
        record = ResellerRecord(*row)
        records[record.reseller_id] = record
        labels[record.reseller_id] = record.partner_id
    if distributor_id is None:
        aliases = ResellerAlias.objects.unscoped().filter(distributor__isnull=True)
        account_numbers: tuple[tuple[str, int], ...] = ()
    else:
        aliases = ResellerAlias.objects.for_distributor(distributor_id)
        account_numbers = tuple(
            ResellerSupply.objects.for_distributor(distributor_id)
            .exclude(account_number="")
            .order_by("pk")
            .values_list("account_number", "reseller_id")
        )
    reference = ResellerReference(
        distributor_id=distributor_id or 0,
        resellers=MappingProxyType(records),
        aliases=tuple(aliases.order_by("pk").values_list("alias", "reseller_id")),
    )
    return MasterData(reference=reference, labels=labels, account_numbers=account_numbers)


# ─── the review queue (issue 4, point 4) ─────────────────────────────────────────────────

SCORE_BANDS = [
    ("90", "90 and more"),
    ("75", "75 to 90"),
    ("50", "50 to 75"),
    ("0", "below 50"),
    ("none", "no score"),
]


def review_queue(scope):
    """Spellings waiting for a decision (review, then new-reseller candidates), with the
    lines and submissions waiting for each and a score band to filter on."""
    from django.db.models import Case, CharField, Count, Q, Sum, Value, When

    from midstream.ingest.choices import OPEN_SPELLINGS, SubmissionStatus
    from midstream.ingest.models import ReportedReseller

    waiting = Q(waits__submission__status=SubmissionStatus.AWAITING_REVIEW)
    return (
        ReportedReseller.objects.for_scope(scope)
        .filter(status__in=OPEN_SPELLINGS)
        .select_related("distributor")
        .annotate(
            waiting_lines=Sum("waits__line_count", filter=waiting, default=0),
            waiting_submissions=Count("waits__submission", filter=waiting, distinct=True),
            band=Case(
                When(score__gte=90, then=Value("90")),
                When(score__gte=75, then=Value("75")),
                When(score__gte=50, then=Value("50")),
                When(score__isnull=False, then=Value("0")),
                default=Value("none"),
                output_field=CharField(),
            ),
        )
    )


@dataclass(frozen=True)
class CandidateView:
    """One candidate of a spelling, side by side with the others on the review page."""

    reseller: Reseller
    score: str
    evidence: dict
    used_by: tuple[tuple[str, str], ...]  # (distributor code, spelling) resolved to it elsewhere


def review_candidates(spelling) -> list[CandidateView]:
    """The spelling's stored candidates, best first, with their master data and which other
    distributors' spellings already resolved to them (two queries)."""
    from midstream.ingest.models import ReportedReseller

    items = (spelling.candidates or {}).get("candidates", [])
    ids = [item["reseller_id"] for item in items]
    resellers = Reseller.objects.unscoped().in_bulk(ids)
    used: dict[int, list[tuple[str, str]]] = {}
    others = (
        ReportedReseller.objects.unscoped()
        .filter(reseller_id__in=ids)
        .exclude(distributor_id=spelling.distributor_id)
        .order_by("distributor__code", "name", "pk")
        .values_list("reseller_id", "distributor__code", "name")
    )
    for reseller_id, code, name in others:
        used.setdefault(reseller_id, []).append((code, name))
    views = []
    for item in items:
        reseller = resellers.get(item["reseller_id"])
        if reseller is None:
            continue  # removed from the master since
        evidence = {
            key: value for key, value in item.items() if key not in ("reseller_id", "score")
        }
        views.append(
            CandidateView(
                reseller=reseller,
                score=item["score"],
                evidence=evidence,
                used_by=tuple(used.get(reseller.pk, ())),
            )
        )
    return views


def spelling_decisions(spelling):
    from midstream.matching.models import MatchDecision

    return (
        MatchDecision.objects.for_distributor(spelling.distributor_id)
        .filter(spelling=spelling)
        .select_related("reseller", "decided_by", "undone_by")
        .order_by("-decided_at", "-pk")
    )


def waiting_submissions(spelling):
    from midstream.ingest.models import Submission

    return (
        Submission.objects.for_distributor(spelling.distributor_id)
        .filter(waits__spelling=spelling)
        .order_by("-submitted_at", "-pk")
        .distinct()
    )


def reseller_by_id(reseller_id: int | None) -> Reseller:
    """A master reseller for a decision (vendor-wide: reviewers are vendor staff)."""
    from midstream.core.errors import DomainError
    from midstream.matching.errors import ErrorCode

    reseller = Reseller.objects.unscoped().filter(pk=reseller_id).first() if reseller_id else None
    if reseller is None:
        raise DomainError(ErrorCode.UNKNOWN_RESELLER, "No such reseller.", field="reseller")
    return reseller


def reseller_by_partner_id(partner_id: str) -> Reseller:
    from midstream.core.errors import DomainError
    from midstream.matching.errors import ErrorCode
    from midstream.network.calc import normalise_partner_id

    text = normalise_partner_id(partner_id or "")
    reseller = Reseller.objects.unscoped().filter(partner_id=text).first() if text else None
    if reseller is None:
        raise DomainError(
            ErrorCode.UNKNOWN_RESELLER, f"No reseller has partner id {text!r}.", field="partner_id"
        )
    return reseller
