"""Tenancy: one scoping mechanism for distributor-owned data, failing closed.

Every distributor-owned model uses ``ScopedManager`` as ``objects``. Its plain queryset
raises ``ScopeRequired``; a caller must say which rows it means:

* ``Model.objects.for_scope(scope)``: what a user may see (``scope_for(user)`` builds it);
* ``Model.objects.for_distributor(distributor_id)``: one distributor's rows;
* ``Model.objects.unscoped()``: everything, spelled out so a reviewer can grep it.

A model says how it belongs to a distributor with ``scope_lookup`` (a field path to the
distributor id, e.g. ``"distributor_id"`` or ``"agreement__distributor_id"``) or, when the
relation is many-to-many, by overriding ``scope_q(distributor_id)`` as a classmethod.

Related managers (``distributor.contacts.all()``) are allowed: the parent row was already
fetched through a scope, and the relation keeps to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.http import Http404


class ScopeRequired(RuntimeError):
    """A distributor-owned table was queried without saying whose rows are meant."""


@dataclass(frozen=True, slots=True)
class Scope:
    """Which distributors' rows a caller may see: ``None`` means all (vendor staff)."""

    distributor_id: int | None
    vendor_wide: bool = False

    def __post_init__(self):
        if self.vendor_wide == (self.distributor_id is not None):
            raise ValueError("a scope is either vendor-wide or one distributor's")

    @classmethod
    def vendor(cls) -> Scope:
        return cls(distributor_id=None, vendor_wide=True)

    @classmethod
    def distributor(cls, distributor_id: int) -> Scope:
        if not distributor_id:
            raise ScopeRequired("a distributor scope needs a distributor id")
        return cls(distributor_id=distributor_id)


class ScopedQuerySet(models.QuerySet):
    def for_scope(self, scope: Scope | None) -> ScopedQuerySet:
        if scope is None:
            raise ScopeRequired(f"{self.model.__name__}: no scope given")
        if scope.vendor_wide:
            return self._clone()
        return self.for_distributor(scope.distributor_id)

    def for_distributor(self, distributor_id: int) -> ScopedQuerySet:
        if not distributor_id:
            raise ScopeRequired(f"{self.model.__name__}: no distributor given")
        return self.filter(self.model.scope_q(distributor_id))


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    """Default manager of distributor-owned models: no scope, no rows (an error)."""

    def get_queryset(self) -> ScopedQuerySet:
        if getattr(self, "instance", None) is None:
            raise ScopeRequired(
                f"{self.model.__name__}.objects needs for_scope(), for_distributor() or unscoped()"
            )
        return super().get_queryset()

    def _base(self) -> ScopedQuerySet:
        return super().get_queryset()

    def for_scope(self, scope: Scope | None) -> ScopedQuerySet:
        return self._base().for_scope(scope)

    def for_distributor(self, distributor_id: int) -> ScopedQuerySet:
        return self._base().for_distributor(distributor_id)

    def unscoped(self) -> ScopedQuerySet:
        return self._base()


class DistributorOwned(models.Model):
    """Mixin for models owned by a distributor. Set ``scope_lookup`` or override ``scope_q``."""

    scope_lookup = "distributor_id"

    objects = ScopedManager()
    # Django's own machinery (unique checks in forms, the admin, dumpdata) uses the default
    # manager; it gets the plain one. Our code queries through ``objects`` only.
    django_internal = models.Manager()

    class Meta:
        abstract = True
        default_manager_name = "django_internal"

    @classmethod
    def scope_q(cls, distributor_id: int) -> Q:
        return Q(**{cls.scope_lookup: distributor_id})


def get_in_scope(source, scope: Scope | None, **lookup):
    """The object matching ``lookup`` within ``scope``; 404 for missing and not-yours alike.

    ``source`` is a distributor-owned model or one of its querysets (e.g. with
    ``select_related`` applied through ``Model.objects.unscoped()``).
    """
    queryset = source.objects.unscoped() if isinstance(source, type) else source
    try:
        return queryset.for_scope(scope).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {queryset.model._meta.verbose_name} matches the given query.") from None
