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


# A submission in one of these may still change status; the others are final.
OPEN_STATUSES = (
    SubmissionStatus.RECEIVED,
    SubmissionStatus.PARSING,
    SubmissionStatus.VALIDATING,
)


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
