import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q

from midstream.accounts.choices import DISTRIBUTOR_ROLES, Role


class UserManager(DjangoUserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """``midstream createsuperuser``: the bootstrap login is a vendor admin, audited."""
        from midstream.core.audit import record_audit

        extra_fields.setdefault("role", Role.VENDOR_ADMIN)
        user = super().create_superuser(username, email, password, **extra_fields)
        record_audit(
            actor=None,
            action="user.create",
            obj=user,
            changes={"username": [None, user.username], "role": [None, str(user.role)]},
            reason="createsuperuser",
        )
        return user


class User(AbstractUser):
    """A person or system login. Distributor roles belong to exactly one distributor."""

    objects = UserManager()

    role = models.CharField(max_length=32, choices=Role.choices, default=Role.ANALYST)
    distributor = models.ForeignKey(
        "partners.Distributor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="distributor_role_has_distributor",
                condition=(
                    Q(role__in=sorted(DISTRIBUTOR_ROLES), distributor__isnull=False)
                    | (~Q(role__in=sorted(DISTRIBUTOR_ROLES)) & Q(distributor__isnull=True))
                ),
            )
        ]

    @property
    def is_distributor_user(self) -> bool:
        return self.role in DISTRIBUTOR_ROLES


TOKEN_PREFIX = "mst"  # noqa: S105 - a public prefix, not a secret


def hash_token_secret(secret: str) -> str:
    # Tokens are 256-bit random values, so a fast hash is enough (no dictionary to guess from).
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token_parts() -> tuple[str, str]:
    return secrets.token_hex(6), secrets.token_urlsafe(32)


class APIToken(models.Model):
    """A bearer token for systems. The full token is shown once; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_id = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({TOKEN_PREFIX}_{self.key_id}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
