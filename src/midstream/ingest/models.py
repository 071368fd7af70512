"""Per-distributor mapping profiles, versioned: a change is a new version, old ones are kept."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from midstream.core.scoping import DistributorOwned
from midstream.ingest.choices import (
    ErrorPolicy,
    FormatFamily,
    ProfileKind,
    SpellingStatus,
    Stage,
    SubmissionSource,
    SubmissionStatus,
)
from midstream.ingest.mapping import MappingSpec


class MappingProfile(DistributorOwned):
    """One version of how a distributor's reports of one kind and format family are read.

    ``spec`` is ``MappingSpec.to_dict()``. Exactly one version per distributor, kind and format
    family is current; services move ``is_current`` under a lock on the distributor row.
    """

    distributor = models.ForeignKey(
        "partners.Distributor", on_delete=models.CASCADE, related_name="mapping_profiles"
    )
    kind = models.CharField(max_length=20, choices=ProfileKind.choices)
    format_family = models.CharField(max_length=20, choices=FormatFamily.choices)
    version = models.PositiveIntegerField()
    is_current = models.BooleanField(default=True)
    spec = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    change_reason = models.TextField(blank=True)

    class Meta(DistributorOwned.Meta):
        ordering = ["distributor_id", "kind", "format_family", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["distributor", "kind", "format_family", "version"],
                name="ingest_profile_version_unique",
            ),
            models.UniqueConstraint(
                fields=["distributor", "kind", "format_family"],
                condition=Q(is_current=True),
                name="ingest_profile_one_current",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="ingest_profile_version_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.distributor_id}/{self.kind}/{self.format_family} v{self.version}"

    def mapping_spec(self) -> MappingSpec:
        return MappingSpec.from_dict(self.spec)


class ErrorPolicySetting(DistributorOwned):
    """How one distributor's reports of one kind treat lines with errors (default: per kind).

    Without a row, sell-through quarantines bad lines and inventory rejects the file.
    """

    distributor = models.ForeignKey(
        "partners.Distributor", on_delete=models.CASCADE, related_name="error_policies"
    )
    kind = models.CharField(max_length=20, choices=ProfileKind.choices)
    policy = models.CharField(max_length=20, choices=ErrorPolicy.choices)

    class Meta(DistributorOwned.Meta):
        ordering = ["distributor_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["distributor", "kind"], name="ingest_error_policy_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.distributor_id}/{self.kind}: {self.policy}"


class Submission(DistributorOwned):
    """One uploaded report file and what became of it.

    ``version`` counts the committed versions of one distributor, kind and period; at most one
    of them is ``committed`` (the active one) at a time, which a partial unique constraint
    enforces even against concurrent commits. The original file is kept under
    ``MEDIA_ROOT/submissions/`` by its SHA-256.
    """

    distributor = models.ForeignKey(
        "partners.Distributor", on_delete=models.PROTECT, related_name="submissions"
    )
    kind = models.CharField(max_length=20, choices=ProfileKind.choices)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=SubmissionSource.choices)
    file_name = models.CharField(max_length=255)
    file_size = models.BigIntegerField(default=0)
    content_sha256 = models.CharField(max_length=64)
    stored_path = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10, blank=True)
    sheet = models.CharField(max_length=100, blank=True)
    profile = models.ForeignKey(
        MappingProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error_policy = models.CharField(max_length=20, choices=ErrorPolicy.choices, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField()
    idempotency_key = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.RECEIVED
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.QUEUED)
    lines_total = models.PositiveIntegerField(null=True, blank=True)
    lines_processed = models.PositiveIntegerField(default=0)
    lines_read = models.PositiveIntegerField(default=0)
    lines_accepted = models.PositiveIntegerField(default=0)
    lines_warned = models.PositiveIntegerField(default=0)
    lines_rejected = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(null=True, blank=True)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    attempts = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    # The earliest and latest date of its accepted lines (invoice or as-of date), so checks
    # against earlier submissions find the right ones without a date index on the facts.
    first_line_date = models.DateField(null=True, blank=True)
    last_line_date = models.DateField(null=True, blank=True)
    failure = models.TextField(blank=True)

    class Meta(DistributorOwned.Meta):
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["distributor", "kind", "period_start", "period_end"],
                condition=Q(status="committed"),
                name="ingest_one_active_version",
            ),
            models.UniqueConstraint(
                fields=["distributor", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="ingest_idempotency_key_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["distributor", "kind", "period_start"]),
            models.Index(fields=["distributor", "content_sha256"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"


class SubmissionIssue(DistributorOwned):
    """A diagnostic of a submission: where, which field, the rule's code, and why.

    ``line`` is the file line (tabular; the header is line 1) or segment number (EDI) of the
    first line concerned, ``None`` for the file as a whole. Issues about one value that many
    lines share (an unknown reseller spelled the same way on 300 lines) are one row with
    ``line_count``; an error that rejects a line is always its own row, so the corrections file
    can name every rejected line.
    """

    distributor = models.ForeignKey(
        "partners.Distributor", on_delete=models.CASCADE, related_name="+"
    )
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="issues")
    line = models.PositiveIntegerField(null=True, blank=True)
    field = models.CharField(max_length=60, blank=True)
    code = models.CharField(max_length=60)
    severity = models.CharField(max_length=10)
    message = models.TextField()
    value = models.CharField(max_length=200, blank=True)
    line_count = models.PositiveIntegerField(default=1)

    class Meta(DistributorOwned.Meta):
        ordering = ["submission_id", "line", "id"]
        indexes = [models.Index(fields=["submission", "severity", "code"])]

    def __str__(self) -> str:
        return f"{self.code} at {self.line}"


def _unchecked_fk(to, *, related_name: str = "+", **options) -> models.ForeignKey:
    """A foreign key of a fact or rollup row: no index of its own and no database constraint
    (see ``SellThroughFact``); ``on_delete=PROTECT`` still guards deletions through the ORM."""
    return models.ForeignKey(
        to,
        on_delete=models.PROTECT,
        related_name=related_name,
        db_index=False,
        db_constraint=False,
        **options,
    )


class ReportedReseller(DistributorOwned):
    """A reseller as one distributor's reports name it: one row per distinct spelling.

    Facts point here instead of repeating the raw name, ids and address on every line, and the
    reseller review (issue 4) works on these rows: deciding one resolves every line with that
    spelling. ``reseller``, ``method``, ``score`` and ``status`` are the latest resolution;
    ``candidates`` (``{"reason": …, "candidates": [{reseller_id, score, evidence…}]}``, best
    first) what the fuzzy step found, for the review page. A person's decision
    (``decided_by``/``decided_at``, status ``manual`` or ``rejected``) is remembered: later
    files with this spelling resolve to it without review (``matching.review``).
    """

    distributor = models.ForeignKey(
        "partners.Distributor", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    key = models.CharField(max_length=64)  # SHA-256 of the fields below, as reported
    name = models.CharField(max_length=200, blank=True)
    account_number = models.CharField(max_length=60, blank=True)
    partner_id = models.CharField(max_length=40, blank=True)
    tax_id = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=60, blank=True)
    reseller = models.ForeignKey(
        "network.Reseller", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(max_length=20, blank=True)
    score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=SpellingStatus.choices, default=SpellingStatus.RESOLVED
    )
    candidates = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    first_seen_at = models.DateTimeField()

    class Meta(DistributorOwned.Meta):
        ordering = ["distributor_id", "name", "id"]
        indexes = [models.Index(fields=["status", "distributor"])]
        constraints = [
            models.UniqueConstraint(
                fields=["distributor", "key"], name="ingest_reported_reseller_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.account_number or self.partner_id or f"#{self.pk}"


class ReviewWait(DistributorOwned):
    """A submission waiting (status ``awaiting_review``) for a reseller spelling's review.

    Written when a run stops for review, replaced by the next run of the same submission;
    ``line_count`` is how many of its accepted lines have the spelling. Deciding a spelling
    requeues each waiting submission whose spellings are then all decided.
    """

    distributor = models.ForeignKey(
        "partners.Distributor", on_delete=models.CASCADE, related_name="+"
    )
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="waits")
    spelling = models.ForeignKey(ReportedReseller, on_delete=models.CASCADE, related_name="waits")
    line_count = models.PositiveIntegerField(default=0)

    class Meta(DistributorOwned.Meta):
        ordering = ["submission_id", "spelling_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "spelling"], name="ingest_review_wait_unique"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.submission_id} waits for {self.spelling_id}"


class SellThroughFact(DistributorOwned):
    """One accepted sell-through line. Counts only while its submission is committed.

    Facts and rollups are written only by the pipeline, with ids it has just resolved inside
    the committing transaction, and their foreign keys have no database constraint: the
    per-row parent lookups cost a third of the bulk insert (measured). ``on_delete=PROTECT``
    still guards deletions through the ORM, the only way rows are deleted here.

    ``quantity`` is signed (returns negative) and in the product's base unit;
    ``reported_quantity`` and ``reported_unit`` are as the file gave them. ``unit_price``
    and ``amount`` are as reported, in ``currency``.
    """

    distributor = _unchecked_fk("partners.Distributor")
    submission = _unchecked_fk(Submission, related_name="sales")
    line = models.PositiveIntegerField()
    invoice_number = models.CharField(max_length=60, blank=True)
    invoice_line = models.CharField(max_length=20, blank=True)
    invoice_date = models.DateField()
    transaction_type = models.CharField(max_length=10, blank=True)
    product = _unchecked_fk("catalog.Product")
    product_reference = models.CharField(max_length=80)
    quantity = models.DecimalField(max_digits=17, decimal_places=3)
    reported_quantity = models.DecimalField(max_digits=17, decimal_places=3)
    reported_unit = models.CharField(max_length=10, blank=True)
    unit_price = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    amount = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    reseller = _unchecked_fk("network.Reseller", null=True, blank=True)
    reseller_method = models.CharField(max_length=20, blank=True)
    mention = _unchecked_fk("ReportedReseller", null=True, blank=True)
    end_customer_name = models.CharField(max_length=200, blank=True)
    contract_reference = models.CharField(max_length=60, blank=True)

    class Meta(DistributorOwned.Meta):
        ordering = ["submission_id", "line"]
        indexes = [
            models.Index(fields=["submission", "line"]),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_number} line {self.line}"


class InventoryFact(DistributorOwned):
    """One accepted inventory position: a product at a location on a date, in base units."""

    distributor = _unchecked_fk("partners.Distributor")
    submission = _unchecked_fk(Submission, related_name="positions")
    line = models.PositiveIntegerField()
    as_of_date = models.DateField()
    location = models.CharField(max_length=60, blank=True)
    product = _unchecked_fk("catalog.Product")
    product_reference = models.CharField(max_length=80)
    reported_unit = models.CharField(max_length=10, blank=True)
    on_hand = models.DecimalField(max_digits=17, decimal_places=3, null=True, blank=True)
    available = models.DecimalField(max_digits=17, decimal_places=3, null=True, blank=True)
    on_order = models.DecimalField(max_digits=17, decimal_places=3, null=True, blank=True)
    in_transit = models.DecimalField(max_digits=17, decimal_places=3, null=True, blank=True)
    committed = models.DecimalField(max_digits=17, decimal_places=3, null=True, blank=True)

    class Meta(DistributorOwned.Meta):
        ordering = ["submission_id", "line"]
        indexes = [
            models.Index(fields=["submission", "line"]),
            # The latest position per distributor, location and product (inventory page).
            models.Index(fields=["distributor", "location", "product", "as_of_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.location} {self.as_of_date}"


class SellThroughMonth(DistributorOwned):
    """Monthly rollup of one submission's sell-through: distributor x product x reseller x
    month x currency. Written at commit from the exact Decimal sums; ``active`` follows the
    submission (false once superseded), so pages sum active rows and never scan facts.
    """

    distributor = _unchecked_fk("partners.Distributor")
    submission = _unchecked_fk(Submission, related_name="months")
    active = models.BooleanField(default=True)
    month = models.DateField()
    product = _unchecked_fk("catalog.Product")
    reseller = _unchecked_fk("network.Reseller", null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    quantity = models.DecimalField(max_digits=17, decimal_places=3)
    amount = models.DecimalField(max_digits=22, decimal_places=4)
    line_count = models.PositiveIntegerField()

    class Meta(DistributorOwned.Meta):
        ordering = ["month", "distributor_id", "product_id"]
        # One index: every page and step reads a distributor's active rows by month (the
        # vendor-wide explorer reads all active rows of its months). Each further index cost
        # about 0.35 s per 316,000 rows at commit on PostgreSQL (measured).
        indexes = [
            models.Index(fields=["distributor", "active", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.distributor_id}/{self.product_id}/{self.month}"
