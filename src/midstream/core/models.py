from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from midstream.core.fields import CurrencyField


class VendorSettings(models.Model):
    """The vendor's own settings: one row (pk=1), edited by vendor admins and finance."""

    vendor_name = models.CharField(max_length=200, default="Midstream Demo Vendor")
    reporting_currency = CurrencyField(default="USD")
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="Month (1-12) in which the fiscal year starts.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "vendor settings"
        verbose_name_plural = "vendor settings"

    def __str__(self) -> str:
        return self.vendor_name


class ExchangeRate(models.Model):
    """Units of the reporting currency per one unit of ``currency``, valid from a date on.

    The rate used for an amount dated D is the latest one with ``valid_from`` <= D.
    """

    currency = CurrencyField()
    valid_from = models.DateField()
    rate = models.DecimalField(max_digits=20, decimal_places=10, validators=[MinValueValidator(0)])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["currency", "valid_from"], name="uniq_rate_per_day"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="rate_positive"),
        ]
        ordering = ["currency", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.currency} {self.rate} from {self.valid_from}"


class AuditRecord(models.Model):
    """Who changed what, when, why: field-level before/after. Written by services only."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, help_text="Username at the time, or 'system'.")
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60, help_text="app_label.model")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    distributor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    changes = models.JSONField(default=dict, help_text="{field: [before, after]}")
    reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id", "-at"])]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
