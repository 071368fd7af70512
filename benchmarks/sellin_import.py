"""Benchmark: import N sell-in lines (default 100,000) and compare with a naive baseline.

    .venv/bin/python benchmarks/sellin_import.py [--lines N] [--use-configured-database]

By default the run uses a fresh SQLite file in a temporary directory (migrated first). With
``--use-configured-database`` it uses the database of the settings (``DATABASE_URL``) and
leaves the rows it wrote there.

Prints the import's rows/second, the re-import's (every line already present), and the
baseline: a naive loop of ``SellInLine.objects.create`` over 5,000 rows inside one
transaction, extrapolated per row, measured in the same run on the same database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

BASELINE_ROWS = 5_000
BULK_CREATE_ROWS = 20_000


def setup_django(use_configured: bool) -> str | None:
    """Configure Django; return the temporary directory of the fresh database, if any."""
    directory = None
    if not use_configured:
        directory = tempfile.mkdtemp(prefix="midstream-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "midstream.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return directory


def reference_data(distributors: int, products: int) -> tuple[list, list]:
    from midstream.catalog.models import Product, ProductFamily
    from midstream.partners.models import Distributor

    family, _ = ProductFamily.objects.get_or_create(code="BENCH", defaults={"name": "Benchmark"})
    dists = []
    for index in range(distributors):
        dist, _ = Distributor.objects.unscoped().get_or_create(
            code=f"BENCH{index:02d}",
            defaults={
                "legal_name": f"Benchmark Distributor {index}",
                "country": "US",
                "region": "AMER",
                "currency": "USD",
                "program_track": "broadline",
                "status": "active",
            },
        )
        dists.append(dist)
    existing = set(Product.objects.filter(sku__startswith="BENCH-").values_list("sku", flat=True))
    Product.objects.bulk_create(
        [
            Product(
                sku=f"BENCH-{index:05d}",
                description=f"Benchmark product {index}",
                family=family,
                list_price=Decimal("10.00"),
                currency="USD",
            )
            for index in range(products)
            if f"BENCH-{index:05d}" not in existing
        ]
    )
    return dists, list(Product.objects.filter(sku__startswith="BENCH-").order_by("sku"))


def generate_csv(lines: int, dists: list, products: list, prefix: str) -> bytes:
    rng = random.Random(20260101)
    out = [
        "invoice_number,line,invoice_date,distributor_code,sku,quantity,unit_net_price,"
        "currency,ship_to_warehouse"
    ]
    start = dt.date(2025, 1, 1)
    written = 0
    invoice = 0
    while written < lines:
        invoice += 1
        dist = dists[invoice % len(dists)]
        day = start + dt.timedelta(days=rng.randrange(540))
        currency = "EUR" if invoice % 3 == 0 else "USD"
        for line in range(1, min(rng.randint(1, 10), lines - written) + 1):
            product = products[rng.randrange(len(products))]
            quantity = rng.randint(1, 500)
            price = f"{rng.randint(100, 999_999) / 100:.2f}"
            out.append(
                f"{prefix}{invoice:07d},{line},{day.isoformat()},{dist.code},{product.sku},"
                f"{quantity},{price},{currency},WH{invoice % 7}"
            )
            written += 1
    return ("\n".join(out) + "\n").encode()


def baseline_seconds_per_row(dists: list, products: list) -> float:
    from django.db import transaction

    from midstream.sales.models import SellInImport, SellInLine

    sellin_import = SellInImport.objects.create(
        file_name="baseline", content_sha256="0" * 64, source="bench"
    )
    rng = random.Random(7)
    started = time.perf_counter()
    with transaction.atomic():
        for index in range(BASELINE_ROWS):
            quantity = Decimal(rng.randint(1, 500))
            price = Decimal(rng.randint(100, 999_999)) / 100
            SellInLine.objects.unscoped().create(
                distributor=dists[index % len(dists)],
                invoice_number=f"BASE{index:07d}",
                line_number=1,
                invoice_date=dt.date(2025, 1, 1),
                product=products[index % len(products)],
                quantity=quantity,
                unit_net_price=price,
                currency="USD",
                net_amount=(quantity * price).quantize(Decimal("0.01")),
                ship_to_warehouse="WH0",
                imported_by=sellin_import,
            )
    return (time.perf_counter() - started) / BASELINE_ROWS


def bulk_create_seconds_per_row(dists: list, products: list) -> float:
    """For reference: Django's bulk_create of ready-made instances (what insert_lines avoids)."""
    from django.db import transaction

    from midstream.sales.models import SellInImport, SellInLine

    sellin_import = SellInImport.objects.create(
        file_name="bulk", content_sha256="0" * 64, source="bench"
    )
    rng = random.Random(11)
    started = time.perf_counter()
    with transaction.atomic():
        lines = []
        for index in range(BULK_CREATE_ROWS):
            quantity = Decimal(rng.randint(1, 500))
            price = Decimal(rng.randint(100, 999_999)) / 100
            lines.append(
                SellInLine(
                    distributor=dists[index % len(dists)],
                    invoice_number=f"BULK{index:07d}",
                    line_number=1,
                    invoice_date=dt.date(2025, 1, 1),
                    product=products[index % len(products)],
                    quantity=quantity,
                    unit_net_price=price,
                    currency="USD",
                    net_amount=(quantity * price).quantize(Decimal("0.01")),
                    ship_to_warehouse="WH0",
                    imported_by=sellin_import,
                )
            )
        SellInLine.objects.unscoped().bulk_create(lines)
    return (time.perf_counter() - started) / BULK_CREATE_ROWS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=100_000, help="lines to import")
    parser.add_argument(
        "--use-configured-database",
        action="store_true",
        help="use the settings' database instead of a fresh temporary SQLite file",
    )
    args = parser.parse_args()
    directory = setup_django(args.use_configured_database)
    try:
        return run(args)
    finally:
        if directory:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(directory, ignore_errors=True)


def run(args) -> int:

    from django.db import connection

    from midstream.sales.services import import_sellin

    dists, products = reference_data(distributors=20, products=2_000)
    prefix = f"B{int(time.time()) % 100_000:05d}-"
    content = generate_csv(args.lines, dists, products, prefix)

    started = time.perf_counter()
    first = import_sellin(actor=None, file_name="bench.csv", content=content, source="bench")
    import_seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = import_sellin(actor=None, file_name="bench.csv", content=content, source="bench")
    reimport_seconds = time.perf_counter() - started
    per_row_baseline = baseline_seconds_per_row(dists, products)
    per_row_bulk = bulk_create_seconds_per_row(dists, products)

    rate = first.rows_inserted / import_seconds
    baseline_rate = 1 / per_row_baseline
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"file: {args.lines:,} lines, {len(content) / 1_000_000:.1f} MB")
    print(
        f"import:    {first.rows_inserted:,} inserted in {import_seconds:.2f} s "
        f"= {rate:,.0f} rows/s"
    )
    print(
        f"re-import: {again.rows_already_present:,} already present in {reimport_seconds:.2f} s "
        f"= {again.rows_read / reimport_seconds:,.0f} rows/s"
    )
    print(
        f"baseline:  {BASELINE_ROWS:,} x SellInLine.objects.create in one transaction "
        f"= {baseline_rate:,.0f} rows/s "
        f"(extrapolated {args.lines:,} lines: {per_row_baseline * args.lines:.1f} s)"
    )
    print(
        f"reference: {BULK_CREATE_ROWS:,} instances through bulk_create = "
        f"{1 / per_row_bulk:,.0f} rows/s (parsing and checks not included)"
    )
    print(f"ratio:     import is {rate / baseline_rate:.1f}x the baseline's rows/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
