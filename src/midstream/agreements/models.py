from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from midstream.agreements.choices import CommitmentPeriod, CommitmentUnit, PaymentTerms
from midstream.catalog.models import ProductFamily
from midstream.core.fields import CurrencyField
from midstream.core.scoping import DistributorOwned
from midstream.partners.models import Distributor


class Agreement(DistributorOwned):
    """A volume purchase agreement (VPA). Its terms live in versions; never edit a version.

    An amendment creates version n+1. The version in force on a date is the highest-numbered
    version whose effective window covers that date, unless a later version that ends the
    agreement closed it before that date (``agreements.calc.version_in_force``). A distributor
    has at most one agreement in force on any date (checked by the services).
    """

    distributor = models.ForeignKey(
        Distributor, on_delete=models.PROTECT, related_name="agreements"
    )
    number = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(DistributorOwned.Meta):
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"


class AgreementVersion(DistributorOwned):
    scope_lookup = "agreement__distributor_id"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    currency = CurrencyField()
    payment_terms = models.CharField(max_length=10, choices=PaymentTerms.choices)
    commitment_period = models.CharField(max_length=10, choices=CommitmentPeriod.choices)
    commitment_unit = models.CharField(max_length=10, choices=CommitmentUnit.choices)
    commitment_value = models.DecimalField(
        max_digits=18, decimal_places=2, validators=[MinValueValidator(0)]
    )
    ends_agreement = models.BooleanField(
        default=False,
        help_text="Set by ending the agreement: no earlier version stays in force after "
        "this version's effective_to.",
    )
    amendment_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(DistributorOwned.Meta):
        ordering = ["agreement", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "version"], name="uniq_version_number"),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="version_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} v{self.version}"


class DiscountLevel(DistributorOwned):
    scope_lookup = "version__agreement__distributor_id"

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="discount_levels"
    )
    family = models.ForeignKey(ProductFamily, on_delete=models.PROTECT, related_name="+")
    discount_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta(DistributorOwned.Meta):
        ordering = ["family__code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "family"], name="uniq_discount_per_family")
        ]

    def __str__(self) -> str:
        return f"{self.family_id}: {self.discount_percent}%"
