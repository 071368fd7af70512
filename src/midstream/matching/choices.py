from django.db import models


class DecisionAction(models.TextChoices):
    """What a reviewer did with a waiting reseller spelling (issue 4, point 4)."""

    ACCEPT = "accept", "Accept a candidate"
    PICK = "pick", "Pick another reseller"
    CREATE = "create", "Create a new reseller"
    REJECT = "reject", "Not a reseller of ours"
