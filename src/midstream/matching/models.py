from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

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
