from django.db import models


class ProfileKind(models.TextChoices):
    SELL_THROUGH = "sell_through", "Sell-through"
    INVENTORY = "inventory", "Inventory"


class FormatFamily(models.TextChoices):
    TABULAR = "tabular", "Tabular (CSV, XLSX)"
    X12 = "x12", "X12"
    EDIFACT = "edifact", "EDIFACT"
    JSON = "json", "JSON"


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    PARSING = "parsing", "Parsing"
    VALIDATING = "validating", "Validating"
    COMMITTED = "committed", "Committed"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Superseded"
    DUPLICATE = "duplicate", "Duplicate"
    FAILED = "failed", "Failed"
    # Some accepted line names a reseller spelling that waits in the review queue (issue 4):
    # nothing is counted; the submission is queued again once the last spelling is decided.
    AWAITING_REVIEW = "awaiting_review", "Awaiting review"


# A submission in one of these may still change status; the others are final.
OPEN_STATUSES = (
    SubmissionStatus.RECEIVED,
    SubmissionStatus.PARSING,
    SubmissionStatus.VALIDATING,
)


# Not final, but not being processed either: the pipeline may run it again (issue 4).
WAITING_STATUSES = (SubmissionStatus.AWAITING_REVIEW,)


class SpellingStatus(models.TextChoices):
    """What became of a reseller spelling (``ReportedReseller``), issue 4."""

    RESOLVED = "resolved", "Resolved"  # an exact step or an automatic fuzzy match
    REVIEW = "review", "Waiting for review"  # between the thresholds, or ambiguous
    NEW = "new", "New reseller candidate"  # below the lower threshold
    MANUAL = "manual", "Decided by a person"  # accepted, picked or created in the review
    REJECTED = "rejected", "Not a reseller of ours"  # rejected in the review


# Decided spellings are remembered: later files resolve them without asking again.
DECIDED_SPELLINGS = (SpellingStatus.MANUAL, SpellingStatus.REJECTED)
# Spellings the review queue shows.
OPEN_SPELLINGS = (SpellingStatus.REVIEW, SpellingStatus.NEW)


class SubmissionSource(models.TextChoices):
    PORTAL = "portal", "Portal"
    UI = "ui", "Vendor UI"
    API = "api", "API"
    CLI = "cli", "Command line"
    DROP = "drop", "Drop folder"
    DEMO = "demo", "Demo"


class ErrorPolicy(models.TextChoices):
    QUARANTINE = "quarantine", "Quarantine bad lines, accept the rest"
    REJECT_FILE = "reject_file", "Reject the whole file"


class Stage(models.TextChoices):
    QUEUED = "queued", "Queued"
    READING = "reading", "Reading"
    MAPPING = "mapping", "Mapping and validating"
    COMMITTING = "committing", "Committing"
    DONE = "done", "Done"
