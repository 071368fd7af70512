"""Several workers committing versions of one period at once leave exactly one active.

Issue 3: "Concurrent uploads for the same period can never leave two active versions." Real
``midstream worker`` processes share the test's database (see ``test_crash.shared_database``):
on PostgreSQL they claim tasks with SKIP LOCKED and run side by side; on SQLite they process
side by side and their commits take turns on the database's write lock.
"""

from datetime import date
from decimal import Decimal

import pytest

from midstream.catalog.tests.factories import make_product
from midstream.ingest.models import SellThroughFact, SellThroughMonth, Submission
from midstream.ingest.submissions import submit_report
from midstream.ingest.tests import test_crash

# The worker fixtures of the crash test: a database the subprocesses share, and a starter.
shared_database = test_crash.shared_database
start = test_crash.start

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "Invoice No;Line;Invoice Date;SKU;Qty;Unit Price;Amount;Currency\n"
VERSIONS = 4


def test_concurrent_versions_of_one_period_leave_exactly_one_committed(start, dist_a):
    make_product(sku="W-1", list_price=Decimal("10.0000"), currency="USD")
    submissions = []
    for number in range(1, VERSIONS + 1):
        rows = "".join(
            f"V{number}-{n};1;2026-10-{1 + n % 28:02d};W-1;{number};10.00;{number * 10}.00;USD\n"
            for n in range(2000)
        )
        submissions.append(
            submit_report(
                actor=None,
                distributor=dist_a,
                kind="sell_through",
                file_name=f"october-v{number}.csv",
                source="api",
                content=(HEADER + rows).encode(),
                period_start=date(2026, 10, 1),
                period_end=date(2026, 10, 31),
            )
        )

    workers = [start("worker", "--once", "--worker-id", f"w{n}") for n in range(2)]

    assert [worker.finish() for worker in workers] == [0, 0]
    rows = Submission.objects.unscoped().filter(pk__in=[s.pk for s in submissions])
    statuses = sorted(rows.values_list("version", "status"))
    assert statuses == [(n, "superseded") for n in range(1, VERSIONS)] + [(VERSIONS, "committed")]
    committed = rows.get(status="committed")
    # Each version supersedes the one committed just before it.
    chain = dict(rows.values_list("version", "supersedes__version"))
    assert chain == {1: None, **{n: n - 1 for n in range(2, VERSIONS + 1)}}
    active = SellThroughMonth.objects.unscoped().filter(active=True)
    assert list(active.values_list("submission_id", "line_count")) == [(committed.pk, 2000)]
    assert SellThroughFact.objects.unscoped().filter(submission=committed).count() == 2000
