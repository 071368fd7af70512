from django.db import models


class ExpectedStatus(models.TextChoices):
    """Where an expected report stands on the day statuses were computed ("as of")."""

    UPCOMING = "upcoming", "Upcoming"  # the period has not ended yet
    DUE = "due", "Due"  # the period has ended, the due date has not passed, nothing yet
    ON_TIME = "on_time", "On time"
    LATE = "late", "Late"
    INCOMPLETE = "incomplete", "Incomplete"
    MISSING = "missing", "Missing"  # the due date has passed and nothing was accepted
    WITHDRAWN = "withdrawn", "Withdrawn"  # no longer owed (the obligation changed)


# The order in which a heat-map cell shows the worst of several reports.
SEVERITY = [
    ExpectedStatus.MISSING,
    ExpectedStatus.INCOMPLETE,
    ExpectedStatus.LATE,
    ExpectedStatus.DUE,
    ExpectedStatus.ON_TIME,
    ExpectedStatus.UPCOMING,
    ExpectedStatus.WITHDRAWN,
]

# Statuses of a report that has been delivered (a committed submission answers it).
DELIVERED = (ExpectedStatus.ON_TIME, ExpectedStatus.LATE, ExpectedStatus.INCOMPLETE)
# Statuses a reminder may be sent for: nothing has been accepted yet.
OUTSTANDING = (ExpectedStatus.UPCOMING, ExpectedStatus.DUE, ExpectedStatus.MISSING)


class ReminderStage(models.TextChoices):
    BEFORE_DUE = "before_due", "Before the due date"
    DUE = "due", "On the due date"
    OVERDUE = "overdue", "Overdue"
    ESCALATED = "escalated", "Escalated to the channel manager"


class ReminderStatus(models.TextChoices):
    SENDING = "sending", "Sending"  # claimed; a crash here leaves it unsent, never sent twice
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"  # the mail server refused it; the next run tries again


class EstimateMethod(models.TextChoices):
    INVENTORY = "inventory", "Sell-in + opening inventory - closing inventory"
    RATIO = "ratio", "Sell-in times the trailing sell-through ratio"
    NONE = "none", "No estimate"
