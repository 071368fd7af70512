"""Error policy per distributor and report kind: what a line with an error does to its file.

``quarantine`` keeps the bad lines out (they go to the corrections file) and commits the rest;
``reject_file`` commits nothing when any line has an error. Without a setting, sell-through
quarantines (a few bad lines should not hold back a month of sales) and inventory rejects the
file (a position report with holes would read as stock that is not there). Issue 3.

The pipeline asks ``error_policy_for(distributor_id, kind)`` when it commits a submission.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from midstream.accounts.permissions import Perm, has_perm, is_distributor_user
from midstream.core.audit import record_audit
from midstream.core.errors import DomainError, PermissionDeniedError
from midstream.core.scoping import Scope
from midstream.ingest.choices import ErrorPolicy, ProfileKind
from midstream.ingest.errors import ErrorCode
from midstream.ingest.models import ErrorPolicySetting
from midstream.partners.models import Distributor

DEFAULT_POLICIES: dict[str, str] = {
    ProfileKind.SELL_THROUGH: ErrorPolicy.QUARANTINE,
    ProfileKind.INVENTORY: ErrorPolicy.REJECT_FILE,
}


def default_policy(kind: str) -> str:
    return str(DEFAULT_POLICIES[kind])


def error_policy_for(distributor_id: int, kind: str) -> str:
    """The policy in force for one distributor's reports of ``kind`` (one query)."""
    if kind not in DEFAULT_POLICIES:
        raise ValueError(f"unknown report kind {kind!r}")
    setting = (
        ErrorPolicySetting.objects.for_distributor(distributor_id)
        .filter(kind=kind)
        .values_list("policy", flat=True)
        .first()
    )
    return setting or default_policy(kind)


def _check_actor(actor) -> None:
    if actor is None:
        return  # the system (demo loader, management commands)
    if not has_perm(actor, Perm.CHANGE_DISTRIBUTORS):
        raise PermissionDeniedError("Your role may not change error policies.")
    if is_distributor_user(actor):
        raise PermissionDeniedError("Error policies are set by vendor staff.")


def set_error_policy(*, actor, distributor: Distributor, kind: str, policy: str) -> str:
    """Set how ``distributor``'s reports of ``kind`` treat bad lines; returns the policy.

    Setting the default writes a row too, so a later change of the default does not silently
    change a policy someone chose. Audited with the before/after policy.
    """
    _check_actor(actor)
    if kind not in ProfileKind.values:
        raise DomainError(
            ErrorCode.INVALID_VALUE,
            f"The report kind is one of: {', '.join(ProfileKind.values)}.",
            field="kind",
        )
    if policy not in ErrorPolicy.values:
        raise DomainError(
            ErrorCode.INVALID_VALUE,
            f"The policy is one of: {', '.join(ErrorPolicy.values)}.",
            field="policy",
        )
    with transaction.atomic():
        Distributor.objects.unscoped().select_for_update().get(pk=distributor.pk)
        setting = (
            ErrorPolicySetting.objects.for_distributor(distributor.pk).filter(kind=kind).first()
        )
        before = setting.policy if setting is not None else None
        if setting is None:
            setting = ErrorPolicySetting.objects.unscoped().create(
                distributor=distributor, kind=kind, policy=policy
            )
        elif setting.policy != policy:
            setting.policy = policy
            setting.save(update_fields=["policy"])
        if before != policy:
            record_audit(
                actor=actor,
                action="error_policy.set",
                obj=setting,
                distributor_id=distributor.pk,
                changes={
                    "policy": [before or f"{default_policy(kind)} (default)", policy],
                },
            )
    return policy


def _policy_expression(kind: str) -> Coalesce:
    chosen = ErrorPolicySetting.objects.unscoped().filter(distributor_id=OuterRef("pk"), kind=kind)
    return Coalesce(
        Subquery(chosen.values("policy")[:1]), Value(default_policy(kind)), output_field=CharField()
    )


def _explicit_expression(kind: str) -> Exists:
    return Exists(
        ErrorPolicySetting.objects.unscoped().filter(distributor_id=OuterRef("pk"), kind=kind)
    )


def distributors_with_policies(scope: Scope) -> QuerySet[Distributor]:
    """The distributors ``scope`` may see, each annotated with its policy per kind (one query).

    ``sell_through_policy`` / ``inventory_policy`` hold the policy in force (the default when
    nothing was set); ``sell_through_set`` / ``inventory_set`` say whether one was chosen.
    """
    return Distributor.objects.for_scope(scope).annotate(
        sell_through_policy=_policy_expression(ProfileKind.SELL_THROUGH),
        inventory_policy=_policy_expression(ProfileKind.INVENTORY),
        sell_through_set=_explicit_expression(ProfileKind.SELL_THROUGH),
        inventory_set=_explicit_expression(ProfileKind.INVENTORY),
    )


def policy_label(policy: str) -> str:
    return str(ErrorPolicy(policy).label)
