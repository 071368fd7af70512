"""import_sellin end to end: all or nothing, idempotent, conflicts, audit, permissions."""

import datetime as dt
import hashlib
import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from midstream.accounts.choices import Role
from midstream.core.errors import InputRejected, PermissionDeniedError, Problem
from midstream.core.models import AuditRecord
from midstream.core.money import quantize
from midstream.sales.models import SellInImport, SellInLine
from midstream.sales.services import import_sellin, load_existing_lines
from midstream.sales.tests.factories import csv_bytes, make_line

pytestmark = pytest.mark.django_db

FILE = csv_bytes(
    "INV-1,1,2026-03-01,ALPHA,NET-100,5,12.50,USD,WH1",
    "INV-1,2,2026-03-01,ALPHA,NET-200,3,0.125,USD,",
    "INV-7,1,2026-04-02,BRAVO,NET-100,-2,99.99,EUR,Hamburg",
)


def stored(distributor=None):
    lines = SellInLine.objects.unscoped()
    if distributor is not None:
        lines = lines.filter(distributor=distributor)
    return sorted(
        lines.values_list(
            "distributor__code",
            "invoice_number",
            "line_number",
            "invoice_date",
            "product__sku",
            "quantity",
            "unit_net_price",
            "currency",
            "net_amount",
            "ship_to_warehouse",
        )
    )


EXPECTED = [
    ("ALPHA", "INV-1", 1, dt.date(2026, 3, 1), "NET-100", Decimal("5"), Decimal("12.5"), "USD",
     Decimal("62.50"), "WH1"),
    ("ALPHA", "INV-1", 2, dt.date(2026, 3, 1), "NET-200", Decimal("3"), Decimal("0.125"), "USD",
     Decimal("0.38"), ""),
    ("BRAVO", "INV-7", 1, dt.date(2026, 4, 2), "NET-100", Decimal("-2"), Decimal("99.99"), "EUR",
     Decimal("-199.98"), "Hamburg"),
]  # fmt: skip


def test_import_writes_every_line_with_net_amounts(users, dist_a, dist_b, products):
    finance = users[Role.FINANCE]

    result = import_sellin(actor=finance, file_name="march.csv", content=FILE, source="ui")

    assert stored() == EXPECTED
    assert (result.rows_read, result.rows_inserted, result.rows_already_present) == (3, 3, 0)
    assert result.file_name == "march.csv"
    assert result.source == "ui"
    assert result.actor == finance
    assert result.content_sha256 == hashlib.sha256(FILE).hexdigest()
    assert SellInLine.objects.unscoped().filter(imported_by=result).count() == 3


def test_import_writes_one_audit_record_with_the_counts(users, dist_a, dist_b, products):
    result = import_sellin(
        actor=users[Role.FINANCE], file_name="march.csv", content=FILE, source="api"
    )

    record = AuditRecord.objects.get()
    assert record.action == "sellin.import"
    assert record.actor == users[Role.FINANCE]
    assert record.object_type == "sales.sellinimport"
    assert record.object_id == str(result.pk)
    assert record.changes == {
        "file_name": [None, "march.csv"],
        "source": [None, "api"],
        "rows_read": [None, 3],
        "rows_inserted": [None, 3],
        "rows_already_present": [None, 0],
    }


def test_reimport_changes_nothing_and_counts_lines_as_present(users, dist_a, dist_b, products):
    first = import_sellin(actor=None, file_name="a.csv", content=FILE, source="cli")
    ids = sorted(SellInLine.objects.unscoped().values_list("pk", flat=True))

    again = import_sellin(actor=None, file_name="a.csv", content=FILE, source="cli")

    assert stored() == EXPECTED
    assert sorted(SellInLine.objects.unscoped().values_list("pk", flat=True)) == ids
    assert (again.rows_read, again.rows_inserted, again.rows_already_present) == (3, 0, 3)
    assert SellInLine.objects.unscoped().filter(imported_by=first).count() == 3
    assert SellInImport.objects.count() == 2
    assert AuditRecord.objects.filter(action="sellin.import").count() == 2


def test_overlapping_import_adds_only_new_lines(users, dist_a, dist_b, products):
    import_sellin(actor=None, file_name="a.csv", content=FILE, source="cli")
    overlapping = csv_bytes(
        "INV-1,2,2026-03-01,ALPHA,NET-200,3.000,0.1250,usd,",  # same values, other spelling
        "INV-1,3,2026-03-01,ALPHA,NET-200,1,1,USD,",
    )

    result = import_sellin(actor=None, file_name="b.csv", content=overlapping, source="cli")

    assert (result.rows_read, result.rows_inserted, result.rows_already_present) == (2, 1, 1)
    assert [row[2] for row in stored(dist_a)] == [1, 2, 3]


def test_a_file_with_one_bad_line_writes_nothing(users, dist_a, dist_b, products):
    content = csv_bytes(
        "INV-1,1,2026-03-01,ALPHA,NET-100,5,12.50,USD,WH1",
        "INV-1,2,2026-03-01,ALPHA,NET-200,NaN,1,USD,",
    )

    with pytest.raises(InputRejected) as caught:
        import_sellin(actor=None, file_name="bad.csv", content=content, source="cli")

    assert caught.value.problems == [
        Problem(3, "quantity", "not_finite", '"NaN" is not a finite number.')
    ]
    assert caught.value.source == "bad.csv"
    assert caught.value.message == "bad.csv: 1 problem found; nothing was imported."
    assert SellInLine.objects.unscoped().count() == 0
    assert SellInImport.objects.count() == 0
    assert AuditRecord.objects.count() == 0


def test_problems_of_every_stage_are_reported_together(users, dist_a, dist_b, products):
    make_line(dist_a, products["NET-100"], invoice_number="OLD", line_number=1, quantity="1")
    content = csv_bytes(
        "OLD,1,2026-03-15,ALPHA,NET-100,2,10.00,USD,",
        "INV-2,1,2026-03-01,ZULU,NET-100,1,1,USD,",
        "INV-2,2,2026-03-01,ALPHA,NET-100,1,1,XYZ,",
    )

    with pytest.raises(InputRejected) as caught:
        import_sellin(actor=None, file_name="mixed.csv", content=content, source="cli")

    assert [(p.line, p.field, p.code) for p in caught.value.problems] == [
        (2, "quantity", "conflicts_with_existing"),
        (3, "distributor_code", "unknown_distributor"),
        (4, "currency", "unknown_currency"),
    ]
    assert SellInLine.objects.unscoped().count() == 1


def test_conflicting_reimport_is_rejected_and_stored_line_kept(users, dist_a, dist_b, products):
    import_sellin(actor=None, file_name="a.csv", content=FILE, source="cli")
    changed = csv_bytes("INV-7,1,2026-04-02,BRAVO,NET-100,-2,99.98,EUR,Hamburg")

    with pytest.raises(InputRejected) as caught:
        import_sellin(actor=None, file_name="b.csv", content=changed, source="cli")

    assert caught.value.problems == [
        Problem(
            2,
            "unit_net_price",
            "conflicts_with_existing",
            'invoice "INV-7" line 1 of BRAVO was imported before with other values '
            "(unit_net_price 99.99 in the stored line, 99.98 here). "
            "Imported lines are never changed.",
        )
    ]
    assert stored() == EXPECTED
    assert SellInImport.objects.count() == 1


def test_dry_run_counts_and_writes_nothing(users, dist_a, dist_b, products):
    result = import_sellin(actor=None, file_name="a.csv", content=FILE, source="cli", dry_run=True)

    assert result.pk is None
    assert (result.rows_read, result.rows_inserted, result.rows_already_present) == (3, 3, 0)
    assert SellInLine.objects.unscoped().count() == 0
    assert SellInImport.objects.count() == 0
    assert AuditRecord.objects.count() == 0


@pytest.mark.parametrize(
    "role", [Role.CHANNEL_MANAGER, Role.ANALYST, Role.DISTRIBUTOR_ADMIN, Role.DISTRIBUTOR_USER]
)
def test_roles_without_the_permission_cannot_import(users, dist_a, dist_b, products, role):
    with pytest.raises(PermissionDeniedError):
        import_sellin(actor=users[role], file_name="a.csv", content=FILE, source="ui")
    assert SellInLine.objects.unscoped().count() == 0


def test_load_existing_lines_batches_by_invoice(users, dist_a, dist_b, products, monkeypatch):
    import polars as pl

    from midstream.sales import services

    monkeypatch.setattr(services, "EXISTING_BATCH", 2)
    for number in range(5):
        make_line(dist_a, products["NET-100"], invoice_number=f"INV-{number}", quantity="1.500")
    make_line(dist_b, products["NET-100"], invoice_number="INV-0")
    frame = pl.DataFrame(
        {
            "distributor_id": [dist_a.pk] * 5 + [dist_b.pk, None],
            "invoice_number": [f"INV-{number}" for number in range(5)] + ["INV-9", "INV-0"],
            "line_number": [1] * 7,
        }
    )

    existing = load_existing_lines(frame)

    assert sorted(existing.select("distributor_id", "invoice_number", "quantity").rows()) == [
        (dist_a.pk, f"INV-{number}", "1.5") for number in range(5)
    ]


INVOICE_COUNTER = itertools.count()

quantities = st.decimals(
    min_value=Decimal("-1000"), max_value=Decimal("100000"), places=3, allow_nan=False
)
prices = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999"), places=4, allow_nan=False)
rows = st.lists(
    st.tuples(quantities, prices, st.sampled_from(["USD", "EUR", "JPY"])), min_size=1, max_size=30
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows=rows)
def test_property_net_amounts_sum_to_the_quantized_products(dist_a, dist_b, products, rows):
    invoice = f"P{next(INVOICE_COUNTER)}"
    content = csv_bytes(
        *(
            f"{invoice},{index + 1},2026-05-{index % 28 + 1:02d},ALPHA,NET-100,{quantity:f},"
            f"{price:f},{currency},"
            for index, (quantity, price, currency) in enumerate(rows)
        )
    )

    result = import_sellin(actor=None, file_name="p.csv", content=content, source="cli")

    lines = SellInLine.objects.unscoped().filter(imported_by=result)
    expected = {}
    for quantity, price, currency in rows:
        expected[currency] = expected.get(currency, Decimal(0)) + quantize(
            quantity * price, currency
        )
    stored_totals = {}
    for currency, amount in lines.values_list("currency", "net_amount"):
        stored_totals[currency] = stored_totals.get(currency, Decimal(0)) + amount
    assert stored_totals == expected
    assert result.rows_inserted == len(rows)
