"""Sell-in writes: importing the vendor's invoice/shipment export (issue 2, point 6).

``import_sellin`` runs the stages of ``sales.importing`` and commits the lines. All or
nothing: a file with any problem writes nothing and raises ``InputRejected`` listing every
problem; a valid file is written in one transaction with one audit record. Lines already
stored with the same values are counted as already present, so importing the same file
again changes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
from decimal import Decimal

import polars as pl
from django.db import IntegrityError, models, transaction

from midstream.accounts.permissions import Perm, has_perm, is_distributor_user
from midstream.catalog.models import Product
from midstream.core.audit import record_audit
from midstream.core.errors import ConflictError, DomainError, InputRejected, PermissionDeniedError
from midstream.partners.models import Distributor
from midstream.sales.errors import ErrorCode
from midstream.sales.importing import (
    EXISTING_SCHEMA,
    canonical_decimal,
    check_pragmatics,
    check_semantics,
    check_syntax,
    read_sellin_file,
    sort_problems,
)
from midstream.sales.models import SellInImport, SellInLine

# Invoice numbers per query when looking up stored lines, and lines per insert round.
EXISTING_BATCH = 500
INSERT_BATCH = 10_000


def load_reference() -> tuple[dict[str, int], dict[str, int]]:
    """Distributor code → id and SKU → id, each one query, for the semantics stage."""
    distributor_ids = {
        code.upper(): pk for code, pk in Distributor.objects.unscoped().values_list("code", "id")
    }
    product_ids = dict(Product.objects.values_list("sku", "id"))
    return distributor_ids, product_ids


def load_existing_lines(frame: pl.DataFrame) -> pl.DataFrame:
    """Stored lines sharing a (distributor, invoice) with ``frame``: one query per batch.

    Returns ``importing.EXISTING_SCHEMA`` columns; the pragmatics stage joins on the full
    (distributor, invoice, line) key.
    """
    keys = (
        frame.filter(
            pl.col("distributor_id").is_not_null()
            & pl.col("invoice_number").is_not_null()
            & pl.col("line_number").is_not_null()
        )
        .select("distributor_id", "invoice_number")
        .unique()
        .sort("distributor_id", "invoice_number")
    )
    rows: list[tuple] = []
    for (distributor_id,), group in keys.group_by(["distributor_id"], maintain_order=True):
        invoices = group.get_column("invoice_number").to_list()
        for start in range(0, len(invoices), EXISTING_BATCH):
            rows += (
                SellInLine.objects.for_distributor(distributor_id)
                .filter(invoice_number__in=invoices[start : start + EXISTING_BATCH])
                .values_list(
                    "distributor_id",
                    "invoice_number",
                    "line_number",
                    "invoice_date",
                    "product_id",
                    "product__sku",
                    "quantity",
                    "unit_net_price",
                    "currency",
                    "ship_to_warehouse",
                )
            )
    canonical: dict[Decimal, str] = {}

    def spelled(value: Decimal) -> str:
        text = canonical.get(value)
        if text is None:
            text = canonical[value] = canonical_decimal(value)
        return text

    rows = [(*row[:6], spelled(row[6]), spelled(row[7]), *row[8:]) for row in rows]
    return pl.DataFrame(rows, schema=EXISTING_SCHEMA, orient="row")


# Columns written per line, in the order of the INSERT statement.
INSERT_COLUMNS = (
    "distributor_id",
    "invoice_number",
    "line_number",
    "invoice_date",
    "product_id",
    "quantity",
    "unit_net_price",
    "currency",
    "net_amount",
    "ship_to_warehouse",
)


def insert_lines(new_rows: pl.DataFrame, sellin_import: SellInImport) -> int:
    """Insert the new lines in rounds of ``INSERT_BATCH``; return how many were written.

    Column-wise: every distinct value of a column is prepared once through its model
    field (``get_db_prep_save``, so each backend gets what its driver expects); the rows
    then go to the database with ``COPY`` on PostgreSQL (DESIGN: bulk loads use COPY) and
    one ``executemany`` per round elsewhere. ``bulk_create`` builds a model instance and
    prepares every value of every row one by one: measured on 100,000 lines on SQLite it
    took about 20 s against about 2 s for this (docs/sell-in.md), and issue 2 asks for the
    whole import in a few seconds. Which keys exist was settled before (pragmatics), so
    every row here is new; a concurrent writer shows up as an ``IntegrityError``.
    """
    meta = SellInLine._meta
    database = transaction.get_connection()
    quote = database.ops.quote_name
    fields = [meta.get_field(name) for name in INSERT_COLUMNS] + [meta.get_field("imported_by")]
    # Names come from the model, values travel as parameters.
    table = quote(meta.db_table)
    names = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    insert_sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
    copy_sql = f"COPY {table} ({names}) FROM STDIN"

    def prepared(field, values: list) -> list:
        if isinstance(field, models.DecimalField):
            # Checked canonical text: the field's own conversion, minus its re-validation.
            adapt = database.ops.adapt_decimalfield_value
            places = (field.max_digits, field.decimal_places)

            def convert(text):
                return adapt(Decimal(text), *places)
        else:

            def convert(value):
                return field.get_db_prep_save(value, database)

        cache: dict = {}
        out = []
        for value in values:
            converted = cache.get(value)
            if converted is None:
                converted = cache[value] = convert(value)
            out.append(converted)
        return out

    written = 0
    with database.cursor() as cursor:
        for start in range(0, new_rows.height, INSERT_BATCH):
            chunk = new_rows.slice(start, INSERT_BATCH)
            columns = [
                prepared(field, chunk.get_column(name).to_list())
                for field, name in zip(fields, INSERT_COLUMNS, strict=False)
            ]
            columns.append([sellin_import.pk] * chunk.height)
            rows = zip(*columns, strict=True)
            if database.vendor == "postgresql":
                with cursor.cursor.copy(copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(insert_sql, list(rows))
            written += chunk.height
    return written


def _check_actor(actor) -> None:
    """Vendor staff with the import permission, or the system (CLI without --user, demo)."""
    if actor is None or not getattr(actor, "pk", None):
        return
    if not has_perm(actor, Perm.IMPORT_SELLIN) or is_distributor_user(actor):
        raise PermissionDeniedError("Your role may not import sell-in.")


def import_sellin(
    *, actor, file_name: str, content: bytes, source: str, dry_run: bool = False
) -> SellInImport:
    """Import a sell-in CSV; all lines or none.

    ``source`` says where the file came from (``ui``, ``api``, ``cli``, ``demo``).
    ``dry_run`` runs every check and counts, writes nothing, and returns an unsaved
    ``SellInImport``. Raises ``InputRejected`` with every problem when any line is invalid.
    """
    _check_actor(actor)
    if not source or len(source) > 10:
        raise DomainError(ErrorCode.INVALID_SOURCE, "source must be 1-10 characters.")
    try:
        frame = read_sellin_file(content)
    except InputRejected as rejected:
        raise InputRejected(rejected.problems, source=file_name) from None
    parsed, problems = check_syntax(frame)
    distributor_ids, product_ids = load_reference()
    resolved, semantic_problems = check_semantics(
        parsed, distributor_ids=distributor_ids, product_ids=product_ids
    )
    problems += semantic_problems
    writing = contextlib.nullcontext() if dry_run else transaction.atomic()
    with writing:
        result = check_pragmatics(resolved, load_existing_lines(resolved))
        problems = sort_problems(problems + result.problems)
        if problems:
            raise InputRejected(problems, source=file_name)
        sellin_import = SellInImport(
            file_name=file_name[:255],
            content_sha256=hashlib.sha256(content).hexdigest(),
            source=source,
            actor=actor if getattr(actor, "pk", None) else None,
            rows_read=frame.height,
            rows_inserted=result.new_rows.height,
            rows_already_present=result.already_present,
        )
        if dry_run:
            return sellin_import
        sellin_import.save()
        try:
            insert_lines(result.new_rows, sellin_import)
        except IntegrityError:
            raise ConflictError(
                ErrorCode.CONCURRENT_IMPORT,
                "Another import stored some of these lines at the same time; import the file "
                "again.",
            ) from None
        record_audit(
            actor=actor,
            action="sellin.import",
            obj=sellin_import,
            changes={
                "file_name": [None, sellin_import.file_name],
                "source": [None, source],
                "rows_read": [None, sellin_import.rows_read],
                "rows_inserted": [None, sellin_import.rows_inserted],
                "rows_already_present": [None, sellin_import.rows_already_present],
            },
        )
    return sellin_import
