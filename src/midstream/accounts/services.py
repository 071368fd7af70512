from django.db import transaction
from django.utils import timezone

from midstream.accounts.choices import DISTRIBUTOR_ROLES, Role
from midstream.accounts.models import (
    TOKEN_PREFIX,
    APIToken,
    User,
    hash_token_secret,
    new_token_parts,
)
from midstream.accounts.permissions import Perm, has_perm
from midstream.core.audit import diff, record_audit, snapshot
from midstream.core.errors import DomainError, NotFoundError, PermissionDeniedError

USER_FIELDS = ["username", "email", "first_name", "last_name", "role", "distributor", "is_active"]


def create_user(
    *,
    actor,
    username: str,
    password: str,
    role: Role,
    distributor=None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    reason: str = "",
) -> User:
    """Create a login. Distributor roles need a distributor; vendor roles must not have one."""
    role = Role(role)
    if (role in DISTRIBUTOR_ROLES) != (distributor is not None):
        raise DomainError(
            "role_distributor_mismatch",
            "Distributor roles belong to one distributor; vendor roles to none.",
            field="distributor",
        )
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise DomainError("duplicate_username", f"{username!r} is taken.", field="username")
        user = User(
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            role=role,
            distributor=distributor,
            is_staff=role == Role.VENDOR_ADMIN,
            is_superuser=role == Role.VENDOR_ADMIN,
        )
        user.set_password(password)
        user.save()
        record_audit(
            actor=actor,
            action="user.create",
            obj=user,
            changes={field: [None, value] for field, value in snapshot(user, USER_FIELDS).items()},
            reason=reason,
            distributor_id=user.distributor_id,
        )
    return user


def change_user_role(*, actor, user: User, role: Role, distributor=None, reason: str) -> User:
    role = Role(role)
    if (role in DISTRIBUTOR_ROLES) != (distributor is not None):
        raise DomainError(
            "role_distributor_mismatch",
            "Distributor roles belong to one distributor; vendor roles to none.",
            field="distributor",
        )
    with transaction.atomic():
        before = snapshot(user, USER_FIELDS)
        user.role = role
        user.distributor = distributor
        user.is_staff = user.is_superuser = role == Role.VENDOR_ADMIN
        user.save()
        record_audit(
            actor=actor,
            action="user.change_role",
            obj=user,
            changes=diff(before, snapshot(user, USER_FIELDS)),
            reason=reason,
            distributor_id=user.distributor_id,
        )
    return user


def issue_token(*, actor, user: User, name: str) -> tuple[APIToken, str]:
    """Create a token for ``user``; return it and the full token text, shown only this once.

    A user issues tokens for themself; a vendor admin may issue for anyone.
    """
    if actor.pk != user.pk and not has_perm(actor, Perm.MANAGE_USERS):
        raise PermissionDeniedError("You may only issue tokens for yourself.")
    if not has_perm(user, Perm.USE_API_TOKENS):
        raise PermissionDeniedError("This user's role may not use API tokens.")
    name = name.strip()
    if not name:
        raise DomainError("required", "Give the token a name.", field="name")
    key_id, secret = new_token_parts()
    with transaction.atomic():
        token = APIToken.objects.create(
            user=user, name=name[:100], key_id=key_id, secret_hash=hash_token_secret(secret)
        )
        record_audit(
            actor=actor,
            action="token.issue",
            obj=user,
            changes={"api_token": [None, f"{name} ({key_id})"]},
            distributor_id=user.distributor_id,
        )
    return token, f"{TOKEN_PREFIX}_{key_id}_{secret}"


def revoke_token(*, actor, token_id: int) -> APIToken:
    tokens = APIToken.objects.select_related("user")
    if not has_perm(actor, Perm.MANAGE_USERS):
        tokens = tokens.filter(user=actor)
    token = tokens.filter(pk=token_id).first()
    if token is None:
        raise NotFoundError("No such token.")
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record_audit(
                actor=actor,
                action="token.revoke",
                obj=token.user,
                changes={"api_token": [f"{token.name} ({token.key_id})", None]},
                distributor_id=token.user.distributor_id,
            )
    return token


def set_user_active(*, actor, user: User, active: bool, reason: str) -> User:
    """Deactivate or reactivate a login; deactivating also revokes its API tokens."""
    if user.pk == getattr(actor, "pk", None) and not active:
        raise DomainError("cannot_deactivate_self", "You cannot deactivate yourself.")
    with transaction.atomic():
        before = snapshot(user, USER_FIELDS)
        user.is_active = active
        user.save(update_fields=["is_active"])
        revoked = 0
        if not active:
            revoked = APIToken.objects.filter(user=user, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
        changes = diff(before, snapshot(user, USER_FIELDS))
        if revoked:
            changes["api_tokens_revoked"] = [None, revoked]
        record_audit(
            actor=actor,
            action="user.activate" if active else "user.deactivate",
            obj=user,
            changes=changes,
            reason=reason,
            distributor_id=user.distributor_id,
        )
    return user
