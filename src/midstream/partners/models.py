from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from midstream.core.fields import CurrencyField
from midstream.core.scoping import DistributorOwned
from midstream.partners.choices import (
    DistributorStatus,
    ProgramTrack,
    Region,
    ReportFrequency,
    ReportType,
)

country_code_validator = RegexValidator(r"^[A-Z]{2}$", "Use the two-letter ISO 3166 code, e.g. DE.")
distributor_code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9_-]{1,31}$", "2-32 characters: capital letters, digits, - and _."
)


class Distributor(DistributorOwned):
    scope_lookup = "pk"

    code = models.CharField(max_length=32, unique=True, validators=[distributor_code_validator])
    legal_name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, validators=[country_code_validator])
    region = models.CharField(max_length=4, choices=Region.choices)
    currency = CurrencyField()
    program_track = models.CharField(max_length=20, choices=ProgramTrack.choices)
    status = models.CharField(
        max_length=20, choices=DistributorStatus.choices, default=DistributorStatus.PROSPECT
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(DistributorOwned.Meta):
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.legal_name}"


class DistributorStatusChange(DistributorOwned):
    """One lifecycle transition: who moved the distributor from what to what, when and why."""

    distributor = models.ForeignKey(
        Distributor, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=DistributorStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=DistributorStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.TextField()

    class Meta(DistributorOwned.Meta):
        ordering = ["-at", "-id"]


class Territory(DistributorOwned):
    """A country or a whole region a distributor covers; exclusive means no one else may."""

    distributor = models.ForeignKey(
        Distributor, on_delete=models.CASCADE, related_name="territories"
    )
    country = models.CharField(
        max_length=2,
        blank=True,
        validators=[country_code_validator],
        help_text="Empty = whole region",
    )
    region = models.CharField(max_length=4, choices=Region.choices)
    exclusive = models.BooleanField(default=False)

    class Meta(DistributorOwned.Meta):
        ordering = ["region", "country"]
        constraints = [
            models.UniqueConstraint(
                fields=["distributor", "region", "country"], name="uniq_territory_per_distributor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country or self.region}{' (exclusive)' if self.exclusive else ''}"


class Contact(DistributorOwned):
    distributor = models.ForeignKey(Distributor, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=150)
    title = models.CharField(max_length=150, blank=True)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    is_primary = models.BooleanField(default=False)
    receives_reminders = models.BooleanField(
        default=True, help_text="Gets reporting reminders (issue 4)."
    )

    class Meta(DistributorOwned.Meta):
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class OnboardingItem(DistributorOwned):
    distributor = models.ForeignKey(
        Distributor, on_delete=models.CASCADE, related_name="onboarding_items"
    )
    item = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_date = models.DateField(null=True, blank=True)
    done_date = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta(DistributorOwned.Meta):
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.item


class ReportingObligation(DistributorOwned):
    """Which report a distributor owes, how often, and how many days after period end."""

    distributor = models.ForeignKey(
        Distributor, on_delete=models.CASCADE, related_name="reporting_obligations"
    )
    report_type = models.CharField(max_length=20, choices=ReportType.choices)
    frequency = models.CharField(max_length=10, choices=ReportFrequency.choices)
    due_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(90)],
        help_text="Days after the end of the period by which the report is due.",
    )
    active_from = models.DateField()
    active_to = models.DateField(null=True, blank=True)

    class Meta(DistributorOwned.Meta):
        ordering = ["report_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["distributor", "report_type"],
                condition=Q(active_to__isnull=True),
                name="one_open_obligation_per_report_type",
            )
        ]

    def __str__(self) -> str:
        frequency = self.get_frequency_display().lower()
        return f"{self.get_report_type_display()} {frequency}, due +{self.due_days}d"
