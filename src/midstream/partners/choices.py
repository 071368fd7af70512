from django.db import models


class DistributorStatus(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    ONBOARDING = "onboarding", "Onboarding"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    TERMINATED = "terminated", "Terminated"


class Region(models.TextChoices):
    AMER = "AMER", "Americas"
    EMEA = "EMEA", "Europe, Middle East and Africa"
    APAC = "APAC", "Asia-Pacific"


class ProgramTrack(models.TextChoices):
    BROADLINE = "broadline", "Broadline"
    VALUE_ADDED = "value_added", "Value-added"
    SPECIALTY = "specialty", "Specialty"
    REGIONAL = "regional", "Regional"


class ReportType(models.TextChoices):
    SELL_THROUGH = "sell_through", "Sell-through"
    INVENTORY = "inventory", "Inventory"


class ReportFrequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
