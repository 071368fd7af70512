from django.db import models


class ProfileKind(models.TextChoices):
    SELL_THROUGH = "sell_through", "Sell-through"
    INVENTORY = "inventory", "Inventory"


class FormatFamily(models.TextChoices):
    TABULAR = "tabular", "Tabular (CSV, XLSX)"
    X12 = "x12", "X12"
    EDIFACT = "edifact", "EDIFACT"
    JSON = "json", "JSON"
