"""Per-distributor mapping profiles, versioned: a change is a new version, old ones are kept."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from midstream.core.scoping import DistributorOwned
from midstream.ingest.choices import FormatFamily, ProfileKind
from midstream.ingest.mapping import MappingSpec


class MappingProfile(DistributorOwned):
    """One version of how a distributor's reports of one kind and format family are read.

    ``spec`` is ``MappingSpec.to_dict()``. Exactly one version per distributor, kind and format
    family is current; services move ``is_current`` under a lock on the distributor row.
    """

    distributor = models.ForeignKey(
        "partners.Distributor", on_delete=models.CASCADE, related_name="mapping_profiles"
    )
    kind = models.CharField(max_length=20, choices=ProfileKind.choices)
    format_family = models.CharField(max_length=20, choices=FormatFamily.choices)
    version = models.PositiveIntegerField()
    is_current = models.BooleanField(default=True)
    spec = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    change_reason = models.TextField(blank=True)

    class Meta(DistributorOwned.Meta):
        ordering = ["distributor_id", "kind", "format_family", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["distributor", "kind", "format_family", "version"],
                name="ingest_profile_version_unique",
            ),
            models.UniqueConstraint(
                fields=["distributor", "kind", "format_family"],
                condition=Q(is_current=True),
                name="ingest_profile_one_current",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="ingest_profile_version_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.distributor_id}/{self.kind}/{self.format_family} v{self.version}"

    def mapping_spec(self) -> MappingSpec:
        return MappingSpec.from_dict(self.spec)
