"""The intake pipeline end to end: a stored file becomes facts, rollups and issues."""

from datetime import date
from decimal import Decimal

import pytest

from midstream.catalog.tests.factories import make_conversion, make_part_number, make_product
from midstream.ingest.choices import SubmissionStatus
from midstream.ingest.models import (
    InventoryFact,
    SellThroughFact,
    SellThroughMonth,
    Submission,
    SubmissionIssue,
)
from midstream.ingest.pipeline import process_submission
from midstream.ingest.submissions import submit_report
from midstream.network.tests.factories import make_reseller, make_supply
from midstream.sales.tests.factories import make_line

pytestmark = pytest.mark.django_db

HEADER = (
    "Invoice No;Line;Invoice Date;SKU;Qty;Unit;Unit Price;Amount;Currency;Customer;Customer No\n"
)


@pytest.fixture
def catalog(dist_a):
    widget = make_product(sku="W-1", list_price=Decimal("10.0000"), currency="EUR")
    gadget = make_product(sku="G-2", list_price=Decimal("20.0000"), currency="EUR")
    make_conversion(widget, "BX", 10)
    make_part_number(dist_a, gadget, "ALPHA-G2", unit="EA")
    acme = make_reseller(name="Acme GmbH", country="DE", city="Berlin")
    make_supply(acme, dist_a, account_number="C-100")
    make_line(dist_a, widget, invoice_number="S-1")
    make_line(dist_a, gadget, invoice_number="S-2")
    return {"widget": widget, "gadget": gadget, "acme": acme}


def ingest(distributor, text: str, *, kind="sell_through", name="report.csv", **options):
    submission = submit_report(
        actor=None,
        distributor=distributor,
        kind=kind,
        file_name=name,
        source="cli",
        content=text.encode(),
        enqueue=False,
        **options,
    )
    return process_submission(submission.pk)


def test_csv_commits_facts_rollups_and_counts(dist_a, catalog):
    text = HEADER + (
        "A1;1;2026-10-01;W-1;5;EA;10.50;52.50;EUR;Acme GmbH;C-100\n"
        "A1;2;2026-10-02;W-1;2;BX;95.00;190.00;EUR;Acme GmbH;C-100\n"
        "A2;1;2026-10-03;ALPHA-G2;-1;;20.00;;EUR;Someone Else;\n"
    )
    submission = ingest(dist_a, text)
    assert submission.status == SubmissionStatus.COMMITTED, list(
        SubmissionIssue.objects.unscoped().values_list("code", "message")
    )
    assert (submission.lines_read, submission.lines_accepted, submission.lines_rejected) == (
        3,
        2,
        1,
    )
    assert submission.period_start == date(2026, 10, 1)
    assert submission.period_end == date(2026, 10, 31)
    assert submission.version == 1
    facts = list(
        SellThroughFact.objects.unscoped()
        .order_by("line")
        .values_list("line", "quantity", "reported_quantity", "amount", "reseller_id")
    )
    assert facts == [
        (2, Decimal("5.000"), Decimal("5.000"), Decimal("52.5000"), catalog["acme"].pk),
        (3, Decimal("20.000"), Decimal("2.000"), Decimal("190.0000"), catalog["acme"].pk),
    ]
    months = list(
        SellThroughMonth.objects.unscoped().values_list("month", "quantity", "amount", "line_count")
    )
    assert months == [(date(2026, 10, 1), Decimal("25.000"), Decimal("242.5000"), 2)]
    codes = sorted(SubmissionIssue.objects.unscoped().values_list("line", "code"))
    assert codes == [(4, "unknown_product"), (4, "unknown_reseller")]


def sales_csv(rows: list[str]) -> str:
    return HEADER + "".join(row + "\n" for row in rows)


GOOD = [
    "A1;1;2026-10-01;W-1;5;EA;10.50;52.50;EUR;Acme GmbH;C-100",
    "A1;2;2026-10-02;G-2;1;EA;21.00;21.00;EUR;Acme GmbH;C-100",
]


def facts_of(submission):
    return SellThroughFact.objects.unscoped().filter(submission=submission)


def active_quantity():
    return sum(
        SellThroughMonth.objects.unscoped().filter(active=True).values_list("quantity", flat=True),
        Decimal(0),
    )


def test_a_new_version_supersedes_the_old_one_atomically(dist_a, catalog):
    first = ingest(dist_a, sales_csv(GOOD))
    assert active_quantity() == Decimal("6.000")
    second = ingest(dist_a, sales_csv([GOOD[0].replace(";5;", ";7;")]))
    first.refresh_from_db()
    assert (first.status, second.status) == ("superseded", "committed")
    assert (first.version, second.version) == (1, 2)
    assert second.supersedes_id == first.pk
    assert active_quantity() == Decimal("7.000")
    committed = Submission.objects.unscoped().filter(status="committed")
    assert list(committed.values_list("pk", flat=True)) == [second.pk]
    # The old facts stay for history and the diff; only the active version counts.
    assert facts_of(first).count() == 2
    assert facts_of(second).count() == 1


def test_a_new_version_turns_off_every_month_of_the_old_one(dist_a, catalog):
    """A line dated outside the period still counts, in its own month's rollup row; the next
    version of the period must turn that row off too (the rows are found by their months)."""
    late = "A0;1;2026-09-28;W-1;3;EA;10.00;30.00;EUR;Acme GmbH;C-100"
    october = {"period_start": date(2026, 10, 1), "period_end": date(2026, 10, 31)}
    first = ingest(dist_a, sales_csv([late, *GOOD]), **october)
    assert first.status == "committed"
    months = SellThroughMonth.objects.unscoped()
    assert sorted(months.filter(active=True).values_list("month", flat=True)) == [
        date(2026, 9, 1),
        date(2026, 10, 1),
        date(2026, 10, 1),
    ]
    second = ingest(dist_a, sales_csv(GOOD[:1]), **october)
    assert second.version == 2
    assert list(months.filter(active=True).values_list("submission_id", "month")) == [
        (second.pk, date(2026, 10, 1))
    ]
    assert active_quantity() == Decimal("5.000")


def test_the_same_content_twice_is_a_duplicate_and_not_counted(dist_a, catalog):
    first = ingest(dist_a, sales_csv(GOOD))
    again = submit_report(
        actor=None,
        distributor=dist_a,
        kind="sell_through",
        file_name="again.csv",
        source="cli",
        content=sales_csv(GOOD).encode(),
        enqueue=False,
    )
    assert again.status == "duplicate"
    assert again.duplicate_of_id == first.pk
    assert process_submission(again.pk).status == "duplicate"
    assert SellThroughFact.objects.unscoped().count() == 2


def test_reject_file_policy_commits_nothing(dist_a, catalog):
    from midstream.ingest.models import ErrorPolicySetting

    ErrorPolicySetting.objects.unscoped().create(
        distributor=dist_a, kind="sell_through", policy="reject_file"
    )
    submission = ingest(dist_a, sales_csv([*GOOD, "A3;1;2026-10-05;NOPE;1;EA;1.00;1.00;EUR;;"]))
    assert submission.status == "rejected"
    assert SellThroughFact.objects.unscoped().count() == 0
    assert SellThroughMonth.objects.unscoped().count() == 0
    codes = list(
        SubmissionIssue.objects.unscoped().filter(submission=submission).values_list("code", "line")
    )
    assert ("file_rejected", None) in codes
    assert ("unknown_product", 4) in codes
    assert submission.lines_rejected == 1


def test_duplicate_lines_in_the_file_and_lines_already_counted(dist_a, catalog):
    october = ingest(dist_a, sales_csv(GOOD))
    assert october.status == "committed"
    november = ingest(
        dist_a,
        sales_csv(
            [
                "B1;1;2026-11-02;W-1;1;EA;10.00;10.00;EUR;Acme GmbH;C-100",
                "B1;1;2026-11-02;W-1;1;EA;10.00;10.00;EUR;Acme GmbH;C-100",
                GOOD[0],
            ]
        ),
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
    )
    issues = sorted(
        SubmissionIssue.objects.unscoped()
        .filter(submission=november)
        .values_list("line", "code", "severity")
    )
    assert issues == [
        (3, "duplicate_line", "error"),
        (4, "already_counted", "error"),
        (4, "outside_period", "warning"),
    ]
    assert (november.lines_accepted, november.lines_rejected) == (1, 2)
    # Only line 2 counts, in the facts and in the rollups (on PostgreSQL the line counted in
    # October was copied with the rest before the end of the file, then taken out again).
    assert list(facts_of(november).values_list("line", flat=True)) == [2]
    months = SellThroughMonth.objects.unscoped().filter(submission=november)
    assert list(months.values_list("month", "product__sku", "quantity", "line_count")) == [
        (date(2026, 11, 1), "W-1", Decimal("1.000"), 1)
    ]
    assert active_quantity() == Decimal("7.000")  # October's 5 + 1, November's 1


def test_inventory_report(dist_a, catalog):
    text = "As of;Warehouse;SKU;On hand;Available;On order;Unit\n"
    text += "2026-10-31;FRA;W-1;3;2;10;BX\n2026-10-31;FRA;G-2;4;4;0;\n"
    submission = ingest(dist_a, text, kind="inventory")
    assert submission.status == "committed", list(
        SubmissionIssue.objects.unscoped().values_list("code", "message")
    )
    rows = sorted(
        InventoryFact.objects.unscoped().values_list(
            "product__sku", "on_hand", "available", "on_order"
        )
    )
    assert rows == [
        ("G-2", Decimal("4.000"), Decimal("4.000"), Decimal("0.000")),
        ("W-1", Decimal("30.000"), Decimal("20.000"), Decimal("100.000")),
    ]
    assert (submission.period_start, submission.period_end) == (
        date(2026, 10, 1),
        date(2026, 10, 31),
    )


@pytest.mark.parametrize("spill_rows", [1_000_000, 50], ids=["in memory", "spilled to disk"])
def test_streaming_in_small_chunks_gives_the_same_result(dist_a, catalog, monkeypatch, spill_rows):
    from midstream.ingest import pipeline

    monkeypatch.setattr(pipeline, "SPILL_ROWS", spill_rows)

    rows = [
        f"C{n};1;2026-10-{1 + n % 28:02d};{'W-1' if n % 2 else 'G-2'};{n % 5 + 1};EA;12.00;"
        f"{(n % 5 + 1) * 12}.00;EUR;Acme GmbH;C-100"
        for n in range(300)
    ]
    rows[150] = rows[150].replace("2026-10", "2026-13")
    monkeypatch.setattr(pipeline, "CHUNK_BYTES", 1000)
    submission = ingest(dist_a, sales_csv(rows))
    assert (submission.lines_read, submission.lines_accepted, submission.lines_rejected) == (
        300,
        299,
        1,
    )
    issue = SubmissionIssue.objects.unscoped().get(submission=submission)
    assert (issue.line, issue.code, issue.field) == (152, "invalid_date", "invoice_date")
    lines = set(facts_of(submission).values_list("line", flat=True))
    assert lines == set(range(2, 302)) - {152}


def test_rollups_summed_batch_by_batch_equal_the_facts_sums(dist_a, catalog, monkeypatch):
    """The batches' rollups are summed into one as they come (``ROLLUP_PARTS_ROWS``): the
    rollup rows must still be the exact sums of the facts, returns and two months included."""
    from collections import defaultdict

    from midstream.ingest import pipeline

    monkeypatch.setattr(pipeline, "CHUNK_BYTES", 400)
    monkeypatch.setattr(pipeline, "ROLLUP_PARTS_ROWS", 3)
    rows = []
    for n in range(80):
        quantity = -1 if n % 7 == 0 else n % 4 + 1  # returns too
        rows.append(
            f"R{n};1;2026-{10 + n % 2}-{1 + n % 27:02d};{'W-1' if n % 3 else 'G-2'};{quantity};"
            f"EA;10.25;{quantity * 10.25:.2f};EUR;{'Acme GmbH;C-100' if n // 2 % 2 else 'Nobody;'}"
        )
    submission = ingest(dist_a, sales_csv(rows))
    assert submission.lines_accepted == 80
    expected = defaultdict(lambda: [Decimal(0), Decimal(0), 0])
    for fact in facts_of(submission):
        key = (fact.invoice_date.replace(day=1), fact.product_id, fact.reseller_id)
        expected[key][0] += fact.quantity
        expected[key][1] += fact.amount
        expected[key][2] += 1
    months = SellThroughMonth.objects.unscoped().filter(submission=submission)
    got = {
        (m.month, m.product_id, m.reseller_id): [m.quantity, m.amount, m.line_count] for m in months
    }
    assert got == dict(expected)
    assert len(got) == 8  # 2 months x 2 products x 2 resellers (one of them none)


def test_quoted_line_breaks_fall_back_to_the_full_reader(dist_a, catalog):
    text = HEADER + '"A0";"1";"2026-10-01";"W-1";"1";"EA";"1.00";"1.00";"EUR";"Multi\nLine";""\n'
    text += "".join(row + "\n" for row in GOOD)
    submission = ingest(dist_a, text)
    assert submission.status == "committed"
    assert sorted(facts_of(submission).values_list("line", flat=True)) == [2, 4, 5]


def test_an_unreadable_file_is_rejected_with_the_readers_reason(dist_a, catalog):
    submission = ingest(dist_a, "\x00\x01binary", name="junk.csv")
    assert submission.status == "rejected"
    issue = SubmissionIssue.objects.unscoped().get(submission=submission)
    assert issue.line is None
    assert issue.severity == "error"
    assert issue.code == "binary_content"


def test_each_reseller_spelling_is_stored_once_and_facts_point_to_it(dist_a, catalog):
    from midstream.ingest.models import ReportedReseller

    rows = [*GOOD, "A2;1;2026-10-03;W-1;1;EA;10.00;10.00;EUR;ACME gmbh.;"]
    submission = ingest(dist_a, sales_csv(rows))
    spellings = sorted(
        ReportedReseller.objects.unscoped().values_list(
            "name", "account_number", "reseller_id", "method", "status"
        )
    )
    # The second spelling has no account number: the fuzzy step accepts it (issue 4).
    assert spellings == [
        ("ACME gmbh.", "", catalog["acme"].pk, "fuzzy", "resolved"),
        ("Acme GmbH", "C-100", catalog["acme"].pk, "account_number", "resolved"),
    ]
    by_line = dict(facts_of(submission).values_list("line", "mention__name"))
    assert by_line == {2: "Acme GmbH", 3: "Acme GmbH", 4: "ACME gmbh."}
    # A second file with the same spellings reuses the rows.
    ingest(
        dist_a,
        sales_csv([rows[2].replace("A2", "A9")]),
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
    )
    assert ReportedReseller.objects.unscoped().count() == 2


def test_the_documented_rules_match_the_code():
    from pathlib import Path

    from midstream.ingest.rules import RULES

    text = (Path(__file__).resolve().parents[4] / "docs" / "intake.md").read_text()
    documented = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and cells[1] in ("error", "warning"):
            documented[cells[0].strip("`")] = (cells[1], cells[2])
    assert documented == {
        str(code): (str(severity), meaning) for code, (severity, meaning) in RULES.items()
    }


def test_an_x12_867_goes_through_the_same_pipeline(dist_a, catalog):
    from midstream.ingest.tests.test_x12_reader import file_of

    make_part_number(dist_a, catalog["widget"], "PART-1", unit="EA")
    body = [
        "BPT*00*R1*20261031*SS",
        "DTM*090*20261001",
        "DTM*091*20261031",
        "PTD*SS",
        "DTM*003*20261015",
        "REF*IV*INV-1",
        "N1*BY*ACME GMBH*91*XX",
        "REF*IA*C-100",
        "N4*BERLIN**10115*DE",
        "QTY*32*10*EA",
        "LIN*1*BP*PART-1",
        "UIT*EA*10.25*RS",
        "QTY*32*1*EA",
        "LIN*2*BP*UNKNOWN-9",
        "UIT*EA*3.00*RS",
        "PTD*RV",
        "DTM*003*20261020",
        "REF*IV*CR-7",
        "N1*BY*ACME GMBH*91*XX",
        "REF*IA*C-100",
        "QTY*32*2*EA",
        "LIN*1*BP*PART-1",
        "UIT*EA*10.25*RS",
        "CTT*3",
    ]
    submission = submit_report(
        actor=None,
        distributor=dist_a,
        kind="sell_through",
        file_name="october.867",
        source="api",
        content=file_of("867", body),
        enqueue=False,
    )
    submission = process_submission(submission.pk)
    assert submission.status == "committed"
    assert submission.file_format == "x12"
    assert (submission.period_start, submission.period_end) == (
        date(2026, 10, 1),
        date(2026, 10, 31),
    )
    facts = sorted(
        facts_of(submission).values_list(
            "invoice_number", "transaction_type", "quantity", "amount", "reseller_id"
        )
    )
    acme = catalog["acme"].pk
    assert facts == [
        ("CR-7", "RV", Decimal("-2.000"), Decimal("-20.5000"), acme),
        ("INV-1", "SS", Decimal("10.000"), Decimal("102.5000"), acme),
    ]
    issues = list(
        SubmissionIssue.objects.unscoped()
        .filter(submission=submission)
        .order_by("line", "code")
        .values_list("line", "code", "severity")
    )
    # No agreement gives a currency to assume, and the file names none.
    assert issues == [
        (13, "currency_missing", "warning"),
        (16, "currency_missing", "warning"),
        (16, "unknown_product", "error"),
        (24, "currency_missing", "warning"),
    ]
    assert (submission.lines_accepted, submission.lines_warned, submission.lines_rejected) == (
        2,
        2,
        1,
    )


def test_a_text_longer_than_its_column_rejects_the_line_not_the_commit(dist_a, catalog):
    long_name = "L" * 250
    submission = ingest(
        dist_a, sales_csv([*GOOD, f"A5;1;2026-10-04;W-1;1;EA;10.00;10.00;EUR;{long_name};"])
    )
    assert submission.status == "committed"
    issue = SubmissionIssue.objects.unscoped().get(submission=submission, severity="error")
    assert (issue.line, issue.code, issue.field) == (4, "value_too_long", "reseller_name")
    assert issue.message == "reseller_name has 250 characters; at most 200."


# Transactional, as a worker runs: on PostgreSQL the facts are copied while the file is read,
# and the progress saved meanwhile (the status "validating") must outlive the rolled-back run.
@pytest.mark.django_db(transaction=True)
def test_a_run_overtaken_by_a_retry_commits_nothing(dist_a, catalog, monkeypatch):
    from midstream.ingest import pipeline

    submission = submit_report(
        actor=None,
        distributor=dist_a,
        kind="sell_through",
        file_name="slow.csv",
        source="cli",
        content=sales_csv(GOOD).encode(),
        enqueue=False,
    )
    real_commit = pipeline._Run.commit
    calls = []

    def commit_after_a_retry(run):
        if not calls:
            calls.append(run.attempt)
            # Meanwhile an operator retries and a second run claims the submission.
            Submission.objects.unscoped().filter(pk=submission.pk).update(attempts=run.attempt + 1)
        return real_commit(run)

    monkeypatch.setattr(pipeline._Run, "commit", commit_after_a_retry)
    result = process_submission(submission.pk)
    assert result.status == "validating"
    assert SellThroughFact.objects.unscoped().count() == 0
    assert SubmissionIssue.objects.unscoped().count() == 0


def test_a_spelling_shared_by_lines_in_several_batches_is_one_issue(dist_a, catalog, monkeypatch):
    from midstream.ingest import pipeline

    monkeypatch.setattr(pipeline, "CHUNK_BYTES", 200)
    rows = [
        f"D{n};1;2026-10-0{1 + n % 9};W-1;1;EA;10.00;10.00;EUR;Nobody Known;" for n in range(40)
    ]
    submission = ingest(dist_a, sales_csv(rows))
    (issue,) = SubmissionIssue.objects.unscoped().filter(submission=submission)
    assert (issue.code, issue.line, issue.line_count) == ("unknown_reseller", 2, 40)
    assert issue.message == "'Nobody Known' matches no reseller."


def test_a_failure_while_writing_facts_leaves_nothing_written(dist_a, catalog, monkeypatch):
    """On PostgreSQL the facts are copied by a writer thread while the next batch is mapped;
    on SQLite they are staged in a scratch file (outside a caller's transaction) or written
    at the end. Whichever way, an error in the middle undoes it all."""
    from django.db import connection

    from midstream.ingest import pipeline, staging, streamwrite

    monkeypatch.setattr(pipeline, "CHUNK_BYTES", 200)  # several batches
    if connection.vendor == "postgresql":
        module, name = streamwrite, "copy_frame"
    elif connection.in_atomic_block:
        module, name = pipeline, "insert_frame"
    else:
        module, name = staging.FactStager, "_ingest"
    real = getattr(module, name)
    calls = []

    def fail_on_the_third_write(*args):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(*args)

    monkeypatch.setattr(module, name, fail_on_the_third_write)
    rows = [
        f"D{n};1;2026-10-0{1 + n % 9};W-1;1;EA;10.00;10.00;EUR;Kunde {n} Zeta;" for n in range(40)
    ]
    submission = ingest(dist_a, sales_csv(rows))
    assert len(calls) == 3
    assert (submission.status, submission.failure) == ("failed", "RuntimeError: disk full")
    assert SellThroughFact.objects.unscoped().count() == 0
    assert SellThroughMonth.objects.unscoped().count() == 0
    from midstream.ingest.models import ReportedReseller

    assert ReportedReseller.objects.unscoped().count() == 0


@pytest.mark.parametrize("collide", [False, True], ids=["real hashes", "every hash equal"])
def test_keys_of_earlier_batches_are_compared_exactly(monkeypatch, collide):
    import polars as pl

    from midstream.ingest.pipeline import _SeenKeys

    if collide:
        monkeypatch.setattr(
            pl.Series, "hash", lambda series, *a, **k: pl.Series([0] * len(series), dtype=pl.UInt64)
        )
    seen = _SeenKeys()
    first = pl.Series("key", ["a", "b", "a"])
    assert seen.earlier(first).to_list() == [False, False, False]
    seen.add(first)
    second = pl.Series("key", ["c", "b", "a", "d"])
    assert seen.earlier(second).to_list() == [False, True, True, False]
    seen.add(second)
    assert seen.earlier(pl.Series("key", ["d", "e"])).to_list() == [True, False]
