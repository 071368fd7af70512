"""Test data for submissions, facts and rollups, written straight through the models.

The pipeline is not called: a test states exactly which submission, fact, issue or rollup
row exists, so sums and diffs can be asserted to the cent.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from midstream.ingest.models import (
    InventoryFact,
    SellThroughFact,
    SellThroughMonth,
    Submission,
    SubmissionIssue,
)
from midstream.ingest.submissions import store_file

_numbers = itertools.count(1)


def make_submission(distributor, *, content: bytes | None = None, **fields) -> Submission:
    """A submission whose original file (``content``) is really stored, committed by default."""
    number = next(_numbers)
    stored = store_file(content=content if content is not None else f"file {number}\n".encode())
    defaults = {
        "kind": "sell_through",
        "period_start": dt.date(2025, 1, 1),
        "period_end": dt.date(2025, 1, 31),
        "source": "portal",
        "file_name": f"report-{number}.csv",
        "file_size": stored.size,
        "content_sha256": stored.sha256,
        "stored_path": stored.relative_path,
        "submitted_at": timezone.now(),
        "status": "committed",
        "stage": "done",
        "version": 1,
    }
    defaults.update(fields)
    return Submission.objects.unscoped().create(distributor=distributor, **defaults)


def make_sale(submission, product, *, line: int, **fields) -> SellThroughFact:
    quantity = Decimal(fields.pop("quantity", "1"))
    defaults = {
        "invoice_number": "INV-1",
        "invoice_line": "",
        "invoice_date": dt.date(2025, 1, 15),
        "transaction_type": "SS",
        "product_reference": product.sku,
        "reported_quantity": quantity,
        "unit_price": Decimal("10.0000"),
        "currency": "USD",
    }
    defaults.update(fields)
    defaults.setdefault(
        "amount",
        None
        if defaults["unit_price"] is None
        else (quantity * defaults["unit_price"]).quantize(Decimal("0.01")),
    )
    return SellThroughFact.objects.unscoped().create(
        distributor_id=submission.distributor_id,
        submission=submission,
        line=line,
        product=product,
        quantity=quantity,
        **defaults,
    )


def make_position(submission, product, *, line: int, **fields) -> InventoryFact:
    defaults = {
        "as_of_date": dt.date(2025, 1, 31),
        "location": "MAIN",
        "product_reference": product.sku,
        "on_hand": Decimal("10.000"),
    }
    defaults.update(fields)
    return InventoryFact.objects.unscoped().create(
        distributor_id=submission.distributor_id,
        submission=submission,
        line=line,
        product=product,
        **defaults,
    )


def make_month(submission, product, *, month: dt.date, **fields) -> SellThroughMonth:
    defaults = {
        "reseller": None,
        "currency": "USD",
        "quantity": Decimal("1.000"),
        "amount": Decimal("10.00"),
        "line_count": 1,
        "active": submission.status == "committed",
    }
    defaults.update(fields)
    return SellThroughMonth.objects.unscoped().create(
        distributor_id=submission.distributor_id,
        submission=submission,
        product=product,
        month=month,
        **defaults,
    )


def make_issue(submission, *, line: int | None, code: str = "invalid_value", **fields):
    defaults = {
        "field": "quantity",
        "severity": "error",
        "message": "not a number",
        "value": "",
    }
    defaults.update(fields)
    return SubmissionIssue.objects.unscoped().create(
        distributor_id=submission.distributor_id,
        submission=submission,
        line=line,
        code=code,
        **defaults,
    )
