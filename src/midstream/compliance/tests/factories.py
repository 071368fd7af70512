"""Plain helpers creating the rows compliance reads, straight through the models."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from midstream.catalog.models import Product, ProductFamily
from midstream.ingest.models import InventoryFact, SellThroughMonth, Submission, SubmissionIssue
from midstream.sales.models import SellInImport, SellInLine

_numbers = itertools.count(1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=dt.UTC)


def make_family(code: str, name: str | None = None) -> ProductFamily:
    family, _ = ProductFamily.objects.get_or_create(code=code, defaults={"name": name or code})
    return family


def make_product(family: ProductFamily, sku: str | None = None) -> Product:
    number = next(_numbers)
    return Product.objects.create(
        sku=sku or f"C-{number:04d}",
        description=f"Product {number}",
        family=family,
        list_price=Decimal("100.0000"),
        currency="USD",
    )


def make_submission(
    distributor,
    *,
    start: dt.date,
    end: dt.date,
    received: dt.date | dt.datetime,
    kind: str = "sell_through",
    status: str = "committed",
    version: int | None = 1,
    lines_read: int = 10,
    lines_rejected: int = 0,
    last_line_date: dt.date | None = None,
    failure: str = "",
    file_name: str | None = None,
) -> Submission:
    submitted_at = received if isinstance(received, dt.datetime) else at(received)
    number = next(_numbers)
    accepted = status in ("committed", "superseded")
    return Submission.objects.unscoped().create(
        distributor=distributor,
        kind=kind,
        period_start=start,
        period_end=end,
        source="portal",
        file_name=file_name or f"report-{number}.csv",
        file_size=100,
        content_sha256=f"{number:064d}",
        stored_path=f"submissions/{number}",
        submitted_at=submitted_at,
        status=status,
        stage="done",
        lines_read=lines_read,
        lines_accepted=(lines_read - lines_rejected) if accepted else 0,
        lines_rejected=lines_rejected,
        version=version if accepted else None,
        committed_at=submitted_at if accepted else None,
        last_line_date=last_line_date,
        failure=failure,
    )


def make_rollup(submission, product, quantity, *, month: dt.date | None = None):
    return SellThroughMonth.objects.unscoped().create(
        distributor_id=submission.distributor_id,
        submission=submission,
        active=submission.status == "committed",
        month=month or submission.period_start.replace(day=1),
        product=product,
        currency="USD",
        quantity=Decimal(quantity),
        amount=Decimal(quantity) * 10,
        line_count=1,
    )


def make_position(submission, product, on_hand, *, as_of: dt.date, line: int = 1):
    return InventoryFact.objects.unscoped().create(
        distributor_id=submission.distributor_id,
        submission=submission,
        line=line,
        as_of_date=as_of,
        product=product,
        product_reference=product.sku,
        on_hand=Decimal(on_hand),
    )


def make_issue(submission, *, code: str, message: str, line: int | None = 2, line_count=1):
    return SubmissionIssue.objects.unscoped().create(
        distributor_id=submission.distributor_id,
        submission=submission,
        line=line,
        code=code,
        severity="error",
        message=message,
        line_count=line_count,
    )


def make_sellin(distributor, product, day: dt.date, quantity, *, amount=None, currency="USD"):
    number = next(_numbers)
    quantity = Decimal(quantity)
    return SellInLine.objects.unscoped().create(
        distributor=distributor,
        invoice_number=f"INV-{number}",
        line_number=1,
        invoice_date=day,
        product=product,
        quantity=quantity,
        unit_net_price=Decimal("10.0000"),
        currency=currency,
        net_amount=Decimal(amount) if amount is not None else quantity * 10,
        imported_by=SellInImport.objects.create(
            file_name="sellin.csv", content_sha256="0" * 64, source="cli"
        ),
    )
