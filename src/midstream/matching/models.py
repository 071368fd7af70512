from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from midstream.core.scoping import DistributorOwned
from midstream.matching.choices import DecisionAction
from midstream.matching.engine import Thresholds

_DEFAULTS = Thresholds()
_SCORE = {"max_digits": 4, "decimal_places": 1}


class MatchingSettings(models.Model):
    """The vendor's reseller-matching thresholds: one row (pk=1), changed through
    ``services.update_matching_settings`` (audited).

    Scores run 0 to 100. At or above ``upper`` (with no runner-up within ``margin``) a
    mention is accepted automatically; from ``lower`` it waits in the review queue; below
    ``lower`` it is a new-reseller candidate. The defaults come from the benchmark's
    threshold curve (``docs/matching.md``).
    """

    upper = models.DecimalField(
        **_SCORE,
        default=_DEFAULTS.upper,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text="Scores at or above it are accepted automatically (0 to 100).",
    )
    lower = models.DecimalField(
        **_SCORE,
        default=_DEFAULTS.lower,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text="Scores below it make a new-reseller candidate; between the two, review.",
    )
    margin = models.DecimalField(
        **_SCORE,
        default=_DEFAULTS.margin,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(50))],
        help_text="A runner-up this close to the best score sends the mention to review.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "matching settings"
        verbose_name_plural = "matching settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lower__lt=models.F("upper")), name="matching_lower_below_upper"
            ),
        ]

    def __str__(self) -> str:
        return f"Matching thresholds: review from {self.lower}, automatic from {self.upper}"

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(upper=self.upper, lower=self.lower, margin=self.margin)


class MatchDecision(DistributorOwned):
    """One reviewer's decision on a reseller spelling, and what it created (to undo it).

    ``before``/``after`` are the spelling's status, reseller, method and score. ``alias``,
    ``supply`` and ``supply_created``/``account_number_set`` say what the decision added so
    the spelling needs no review again; ``undo_decision`` removes exactly those. A reseller
    created by the decision stays (facts may name it).
    """

    distributor = models.ForeignKey(
        "partners.Distributor", on_delete=models.CASCADE, related_name="+"
    )
    spelling = models.ForeignKey(
        "ingest.ReportedReseller", on_delete=models.CASCADE, related_name="decisions"
    )
    action = models.CharField(max_length=10, choices=DecisionAction.choices)
    reseller = models.ForeignKey(
        "network.Reseller", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    alias = models.ForeignKey(
        "network.ResellerAlias", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    supply = models.ForeignKey(
        "network.ResellerSupply",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    supply_created = models.BooleanField(default=False)
    account_number_set = models.CharField(max_length=40, blank=True)
    requeued = models.JSONField(default=list, blank=True)  # submission ids queued again
    reason = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField()
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta(DistributorOwned.Meta):
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} spelling {self.spelling_id}"


class PartStatus(models.TextChoices):
    """Where an unknown distributor part number stands in its review (issue 4, Part A 7)."""

    OPEN = "open", "Open"
    MAPPED = "mapped", "Mapped"
    IGNORED = "ignored", "Ignored"


class UnknownPart(DistributorOwned):
    """A product reference of a distributor's files that named no catalog product.

    ``reference`` is the value the pipeline stores on its ``unknown_product`` issues (the
    identifiers the line gave, ``"part_number ABC-1, sku X"``); ``reported_*`` are its parsed
    parts. Mapping one creates the distributor's ``DistributorPartNumber`` (kept in
    ``part_number``) so later files resolve it; ``parts.record_unknown_parts`` fills the queue
    as submissions commit or are rejected.
    """

    distributor = models.ForeignKey(
        "partners.Distributor", on_delete=models.CASCADE, related_name="+"
    )
    reference = models.CharField(max_length=200)
    reported_part_number = models.CharField(max_length=200, blank=True)
    reported_sku = models.CharField(max_length=200, blank=True)
    reported_gtin = models.CharField(max_length=200, blank=True)
    line_count = models.PositiveIntegerField(default=0)  # in the latest submission naming it
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    last_submission = models.ForeignKey(
        "ingest.Submission", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=PartStatus.choices, default=PartStatus.OPEN)
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    part_number = models.ForeignKey(
        "catalog.DistributorPartNumber",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta(DistributorOwned.Meta):
        ordering = ["-last_seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["distributor", "reference"], name="uniq_unknown_part_per_distributor"
            )
        ]
        indexes = [models.Index(fields=["distributor", "status"])]

    def __str__(self) -> str:
        return self.reference
