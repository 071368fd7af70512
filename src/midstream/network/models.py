from django.db import models
from django.db.models import Exists, OuterRef, Q

from midstream.core.scoping import DistributorOwned
from midstream.network.choices import OnboardingStage, ResellerStatus, ResellerTier
from midstream.partners.models import Distributor, country_code_validator


class Reseller(DistributorOwned):
    """The vendor-wide reseller master. A reseller may buy from several distributors.

    A distributor sees the resellers it supplies or recruited, never the others.
    """

    partner_id = models.CharField(
        max_length=20, unique=True, help_text="The vendor's partner id, e.g. R0001234."
    )
    name = models.CharField(max_length=200, db_index=True)
    tax_id = models.CharField(
        max_length=40, blank=True, db_index=True, help_text="Tax / VAT / registration id"
    )
    address_line = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, validators=[country_code_validator])
    tier = models.CharField(
        max_length=20, choices=ResellerTier.choices, default=ResellerTier.REGISTERED
    )
    status = models.CharField(
        max_length=20, choices=ResellerStatus.choices, default=ResellerStatus.PROSPECT
    )
    recruited_by = models.ForeignKey(
        Distributor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recruited_resellers",
    )
    onboarding_stage = models.CharField(
        max_length=20, choices=OnboardingStage.choices, default=OnboardingStage.IDENTIFIED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(DistributorOwned.Meta):
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["country", "postal_code"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.partner_id})"

    @classmethod
    def scope_q(cls, distributor_id: int) -> Q:
        supplies = ResellerSupply.objects.unscoped().filter(
            reseller_id=OuterRef("pk"), distributor_id=distributor_id
        )
        return Q(Exists(supplies)) | Q(recruited_by_id=distributor_id)


class ResellerSupply(DistributorOwned):
    """A distributor supplies a reseller since a date, under its own account number.

    ``until`` is set when the distributor stops supplying; the row stays as history and keeps
    the reseller visible to that distributor (its past reports name the reseller).
    """

    distributor = models.ForeignKey(
        Distributor, on_delete=models.CASCADE, related_name="reseller_supplies"
    )
    reseller = models.ForeignKey(Reseller, on_delete=models.CASCADE, related_name="supplies")
    since = models.DateField()
    account_number = models.CharField(
        max_length=40, blank=True, help_text="The distributor's own account number for them."
    )
    until = models.DateField(null=True, blank=True, help_text="Last day of supply, if ended.")

    class Meta(DistributorOwned.Meta):
        ordering = ["since"]
        constraints = [
            models.UniqueConstraint(fields=["distributor", "reseller"], name="uniq_supply_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.distributor_id} → {self.reseller_id} since {self.since}"

    @property
    def is_active(self) -> bool:
        return self.until is None


class ResellerAlias(DistributorOwned):
    """Another name a reseller is known by. ``distributor`` is who uses that spelling, if any.

    Aliases with no distributor are vendor-wide and visible to everyone who sees the reseller.
    """

    reseller = models.ForeignKey(Reseller, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=200)
    distributor = models.ForeignKey(
        Distributor, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(DistributorOwned.Meta):
        ordering = ["alias"]
        constraints = [
            models.UniqueConstraint(fields=["reseller", "alias", "distributor"], name="uniq_alias")
        ]

    def __str__(self) -> str:
        return self.alias

    @classmethod
    def scope_q(cls, distributor_id: int) -> Q:
        return Q(distributor_id=distributor_id) | Q(distributor__isnull=True)
