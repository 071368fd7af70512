from django.db import models


class ResellerTier(models.TextChoices):
    REGISTERED = "registered", "Registered"
    SILVER = "silver", "Silver"
    GOLD = "gold", "Gold"
    PLATINUM = "platinum", "Platinum"


class ResellerStatus(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"


class OnboardingStage(models.TextChoices):
    IDENTIFIED = "identified", "Identified"
    CONTACTED = "contacted", "Contacted"
    APPLIED = "applied", "Applied"
    APPROVED = "approved", "Approved"
    TRAINED = "trained", "Trained"
    TRANSACTING = "transacting", "Transacting"
