"""The reseller review queue's writes (issue 4, point 4): decide a spelling, undo a decision.

A decision resolves every waiting line with that spelling: the spelling itself remembers it
(status ``manual`` or ``rejected``; the pipeline resolves decided spellings before any step),
an alias records the spelling for the reseller (the distributor's own), and the
distributor's account number is recorded on its supply of the reseller when the mention had
one and the supply had none. The submissions waiting for the spelling whose spellings are
then all decided are queued again and commit from their stored file.

Undoing a decision removes the alias and account number it added and puts the spelling
back in review. Facts already committed are not touched: a new upload or a retry
re-resolves them.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from midstream.core.audit import record_audit
from midstream.core.errors import ConflictError, DomainError
from midstream.ingest.choices import (
    OPEN_SPELLINGS,
    SpellingStatus,
    Stage,
    SubmissionStatus,
)
from midstream.ingest.models import ReportedReseller, ReviewWait, Submission
from midstream.matching.choices import DecisionAction
from midstream.matching.errors import ErrorCode
from midstream.matching.models import MatchDecision
from midstream.network import services as network
from midstream.network.calc import normalise_name
from midstream.network.models import Reseller, ResellerAlias, ResellerSupply

SPELLING_FIELDS = ("status", "reseller_id", "method", "score")
MANUAL = "manual"
MAX_ACCOUNT_NUMBER = 40  # ResellerSupply.account_number


def _state(spelling: ReportedReseller) -> dict:
    return {
        "status": spelling.status,
        "reseller_id": spelling.reseller_id,
        "method": spelling.method,
        "score": None if spelling.score is None else str(spelling.score),
    }


def candidate_ids(spelling: ReportedReseller) -> list[int]:
    return [item["reseller_id"] for item in (spelling.candidates or {}).get("candidates", [])]


def decide_spelling(
    *,
    actor,
    spelling: ReportedReseller,
    action: str,
    reseller: Reseller | None = None,
    new_reseller: dict | None = None,
    reason: str = "",
) -> MatchDecision:
    """Decide a waiting spelling (status review or new).

    ``accept``: ``reseller`` is one of its candidates; ``pick``: any reseller; ``create``:
    a new reseller from ``new_reseller`` (the network app's ``create_reseller`` fields);
    ``reject``: not a reseller of ours (its lines count without a reseller).
    """
    if action not in DecisionAction.values:
        raise DomainError(
            ErrorCode.INVALID_DECISION, "accept, pick, create or reject.", field="action"
        )
    if action in (DecisionAction.ACCEPT, DecisionAction.PICK) and reseller is None:
        raise DomainError(ErrorCode.INVALID_DECISION, "Choose a reseller.", field="reseller")
    with transaction.atomic():
        spelling = (
            ReportedReseller.objects.for_distributor(spelling.distributor_id)
            .select_for_update()
            .select_related("distributor")
            .get(pk=spelling.pk)
        )
        if spelling.status not in OPEN_SPELLINGS:
            raise ConflictError(
                ErrorCode.ALREADY_DECIDED,
                f"This spelling is {spelling.get_status_display().lower()}: undo that first.",
            )
        if action == DecisionAction.ACCEPT and reseller.pk not in candidate_ids(spelling):
            raise DomainError(
                ErrorCode.NOT_A_CANDIDATE,
                "That reseller is not one of the candidates: pick it instead.",
                field="reseller",
            )
        if action == DecisionAction.CREATE:
            reseller = network.create_reseller(
                actor=actor, reason=reason or "created in the reseller review", **new_reseller
            )
        before = _state(spelling)
        now = timezone.now()
        decision = MatchDecision(
            distributor_id=spelling.distributor_id,
            spelling=spelling,
            action=action,
            reason=reason[:500],
            decided_by=actor if getattr(actor, "pk", None) else None,
            decided_at=now,
        )
        if action == DecisionAction.REJECT:
            spelling.status, spelling.reseller, spelling.method = SpellingStatus.REJECTED, None, ""
        else:
            spelling.status, spelling.reseller, spelling.method = (
                SpellingStatus.MANUAL,
                reseller,
                MANUAL,
            )
            decision.reseller = reseller
            decision.alias = _remember_alias(actor, spelling, reseller)
            _remember_account_number(actor, spelling, reseller, decision, now)
        spelling.decided_by = decision.decided_by
        spelling.decided_at = now
        spelling.save(update_fields=["status", "reseller", "method", "decided_by", "decided_at"])
        decision.before, decision.after = before, _state(spelling)
        decision.requeued = _requeue_waiting(actor, spelling)
        decision.save()
        record_audit(
            actor=actor,
            action=f"match.{action}",
            obj=spelling,
            changes={
                name: [before[name], decision.after[name]]
                for name in before
                if before[name] != decision.after[name]
            },
            reason=reason,
            distributor_id=spelling.distributor_id,
        )
    return decision


def _remember_alias(actor, spelling: ReportedReseller, reseller: Reseller):
    """The spelling's name as the distributor's alias of the reseller, unless it adds nothing
    (no name, the reseller's own name, or an alias it has already)."""
    text = normalise_name(spelling.name)
    if not text or text.casefold() == reseller.name.casefold():
        return None
    known = ResellerAlias.objects.for_distributor(spelling.distributor_id).filter(
        reseller=reseller, alias__iexact=text
    )
    if known.exists():
        return None
    return network.add_alias(
        actor=actor, reseller=reseller, alias=text, distributor=spelling.distributor
    )


def _remember_account_number(actor, spelling, reseller, decision, now) -> None:
    """The mention's account number on the distributor's supply of the reseller, when the
    supply has none (a new supply when there is none) and no other reseller uses it."""
    number = spelling.account_number.strip()
    if not number or len(number) > MAX_ACCOUNT_NUMBER:
        return
    supplies = ResellerSupply.objects.for_distributor(spelling.distributor_id)
    if supplies.filter(account_number__iexact=number).exists():
        return
    supply = supplies.select_for_update().filter(reseller=reseller).first()
    if supply is None:
        decision.supply = network.add_supply(
            actor=actor,
            reseller=reseller,
            distributor=spelling.distributor,
            since=now.date(),
            account_number=number,
            reason="account number from the reseller review",
        )
        decision.supply_created = True
        decision.account_number_set = number
    elif not supply.account_number:
        supply.account_number = number
        supply.save(update_fields=["account_number"])
        record_audit(
            actor=actor,
            action="reseller.set_account_number",
            obj=reseller,
            changes={"account_number": ["", number]},
            reason="from the reseller review",
            distributor_id=spelling.distributor_id,
        )
        decision.supply = supply
        decision.account_number_set = number


def _requeue_waiting(actor, spelling: ReportedReseller) -> list[int]:
    """Queue again each submission awaiting review whose spellings are now all decided."""
    from midstream.ingest.submissions import queue

    waiting = list(
        Submission.objects.for_distributor(spelling.distributor_id)
        .select_for_update()
        .filter(status=SubmissionStatus.AWAITING_REVIEW, waits__spelling=spelling)
        .order_by("pk")
    )
    if not waiting:
        return []
    still_open = set(
        ReviewWait.objects.for_distributor(spelling.distributor_id)
        .filter(
            submission__in=waiting,
            spelling__status=SpellingStatus.REVIEW,
        )
        .exclude(spelling=spelling)
        .values_list("submission_id", flat=True)
    )
    requeued = []
    for submission in waiting:
        if submission.pk in still_open:
            continue
        submission.status = SubmissionStatus.RECEIVED
        submission.stage = Stage.QUEUED
        submission.lines_processed = 0
        submission.save(update_fields=["status", "stage", "lines_processed"])
        record_audit(
            actor=actor,
            action="submission.requeue_after_review",
            obj=submission,
            changes={
                "status": [str(SubmissionStatus.AWAITING_REVIEW), str(SubmissionStatus.RECEIVED)]
            },
            distributor_id=submission.distributor_id,
        )
        queue(submission)
        requeued.append(submission.pk)
    return requeued


def undo_decision(*, actor, decision: MatchDecision, reason: str = "") -> MatchDecision:
    """Reverse the spelling's latest decision: remove the alias and the account number it
    added, and put the spelling back in review. Committed facts stay as they are."""
    with transaction.atomic():
        decision = (
            MatchDecision.objects.for_distributor(decision.distributor_id)
            .select_for_update(of=("self",))
            .select_related("spelling", "alias", "supply")
            .get(pk=decision.pk)
        )
        spelling = (
            ReportedReseller.objects.for_distributor(decision.distributor_id)
            .select_for_update()
            .get(pk=decision.spelling_id)
        )
        latest = (
            MatchDecision.objects.for_distributor(decision.distributor_id)
            .filter(spelling=spelling, undone_at__isnull=True)
            .order_by("-decided_at", "-pk")
            .first()
        )
        if decision.undone_at is not None or latest is None or latest.pk != decision.pk:
            raise ConflictError(
                ErrorCode.NOT_UNDOABLE, "Only the spelling's latest decision can be undone."
            )
        if decision.alias is not None:
            network.remove_alias(actor=actor, alias=decision.alias, reason="review decision undone")
            decision.alias = None  # the audit trail keeps which one it was
        if decision.supply is not None:
            if decision.supply_created:
                network.remove_supply(
                    actor=actor, supply=decision.supply, reason="review decision undone"
                )
                decision.supply = None
            elif decision.supply.account_number == decision.account_number_set:
                decision.supply.account_number = ""
                decision.supply.save(update_fields=["account_number"])
                record_audit(
                    actor=actor,
                    action="reseller.set_account_number",
                    obj=decision.supply.reseller,
                    changes={"account_number": [decision.account_number_set, ""]},
                    reason="review decision undone",
                    distributor_id=decision.distributor_id,
                )
        current = _state(spelling)
        spelling.status = decision.before.get("status") or SpellingStatus.REVIEW
        spelling.reseller_id = None
        spelling.method = ""
        spelling.decided_by = None
        spelling.decided_at = None
        spelling.save(update_fields=["status", "reseller", "method", "decided_by", "decided_at"])
        decision.undone_by = actor if getattr(actor, "pk", None) else None
        decision.undone_at = timezone.now()
        decision.save(update_fields=["undone_by", "undone_at", "alias", "supply"])
        after = _state(spelling)
        record_audit(
            actor=actor,
            action="match.undo",
            obj=spelling,
            changes={
                name: [current[name], after[name]] for name in after if current[name] != after[name]
            },
            reason=reason,
            distributor_id=spelling.distributor_id,
        )
    return decision
