from django.db import models


class CommitmentPeriod(models.TextChoices):
    MONTH = "month", "Month"
    QUARTER = "quarter", "Fiscal quarter"
    YEAR = "year", "Fiscal year"


class CommitmentUnit(models.TextChoices):
    AMOUNT = "amount", "Amount (agreement currency)"
    UNITS = "units", "Units"


class PaymentTerms(models.TextChoices):
    NET30 = "net30", "Net 30 days"
    NET45 = "net45", "Net 45 days"
    NET60 = "net60", "Net 60 days"
    NET90 = "net90", "Net 90 days"
    PREPAID = "prepaid", "Prepaid"
