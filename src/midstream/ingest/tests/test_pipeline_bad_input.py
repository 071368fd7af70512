"""Malformed files through the whole pipeline: a clear reason, nothing committed."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from midstream.catalog.tests.factories import make_product
from midstream.core.errors import DomainError
from midstream.ingest.models import SellThroughFact, SellThroughMonth, Submission, SubmissionIssue
from midstream.ingest.pipeline import process_submission
from midstream.ingest.submissions import submit_report
from midstream.ingest.tests.test_tabular_xlsx import BILLION_LAUGHS, _parts_of, _sales, _workbook
from midstream.ingest.tests.test_x12_reader import LINE_867, file_of

pytestmark = pytest.mark.django_db


def _zip(parts: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _bomb() -> bytes:
    parts = _parts_of(_workbook(_sales))
    parts["xl/worksheets/sheet2.xml"] = b"<x>" + b" " * (20 * 1024 * 1024) + b"</x>"
    return _zip(parts)


def _entities() -> bytes:
    parts = _parts_of(_workbook(_sales))
    parts["xl/sharedStrings.xml"] = BILLION_LAUGHS
    return _zip(parts, compression=zipfile.ZIP_STORED)


CASES = {
    "binary junk": ("junk.csv", bytes(range(256)) * 40, "binary_content"),
    "NUL bytes in text": ("nul.csv", b"Invoice,Qty\nA1,\x001\n", "binary_content"),
    "truncated X12": ("cut.edi", file_of("867", LINE_867)[:200], "missing_se"),
    "XLSX zip bomb": ("bomb.xlsx", None, "xlsx_zip_bomb"),
    "XML entities in XLSX": ("lol.xlsx", None, "xlsx_xml_entities"),
    "ten million columns": ("wide.csv", b"a," * 10_000_000 + b"a\n1\n", "too_many_columns"),
    "only a header": ("header.csv", b"Invoice,Date,SKU,Qty\n", "no_records"),
    # The ISA declares "~" as the segment terminator; the segments end with "!".
    "wrong delimiters": ("bad.edi", None, "missing_segment_terminator"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_file_is_rejected_with_a_reason_and_commits_nothing(case, dist_a):
    make_product(sku="W-1", list_price=Decimal("1"), currency="USD")
    name, content, code = CASES[case]
    if case == "wrong delimiters":
        good = file_of("867", LINE_867).decode()
        isa, rest = good.split("~", 1)
        content = (isa + "~" + rest.replace("~", "!")).encode()
    elif content is None:
        content = _bomb() if "bomb" in case else _entities()
    submission = submit_report(
        actor=None,
        distributor=dist_a,
        kind="sell_through",
        file_name=name,
        source="cli",
        content=content,
        enqueue=False,
    )
    submission = process_submission(submission.pk)
    assert submission.status == "rejected"
    assert SellThroughFact.objects.unscoped().count() == 0
    assert SellThroughMonth.objects.unscoped().count() == 0
    issues = list(SubmissionIssue.objects.unscoped().filter(submission=submission))
    assert issues, "a rejected file says why"
    assert all(issue.message for issue in issues)
    assert code in {issue.code for issue in issues}


def test_an_empty_file_and_an_oversized_upload_are_refused_at_the_door(dist_a):
    with pytest.raises(DomainError) as empty:
        submit_report(
            actor=None,
            distributor=dist_a,
            kind="sell_through",
            file_name="empty.csv",
            source="ui",
            content=b"",
        )
    assert empty.value.code == "empty_file"
    assert "empty.csv" in empty.value.message
    with pytest.raises(DomainError) as large:
        submit_report(
            actor=None,
            distributor=dist_a,
            kind="sell_through",
            file_name="big.csv",
            source="ui",
            content=b"x" * 101,
            max_bytes=100,
        )
    assert large.value.code == "file_too_large"
    assert large.value.status == 413
    assert "101 bytes is over the limit of 100 bytes" in large.value.message
    assert Submission.objects.unscoped().count() == 0


def test_the_database_refuses_two_committed_versions_of_one_period(dist_a):
    first = submit_report(
        actor=None,
        distributor=dist_a,
        kind="sell_through",
        file_name="a.csv",
        source="cli",
        content=b"a",
        enqueue=False,
    )
    second = submit_report(
        actor=None,
        distributor=dist_a,
        kind="sell_through",
        file_name="b.csv",
        source="cli",
        content=b"b",
        enqueue=False,
    )
    rows = Submission.objects.unscoped().filter(pk__in=[first.pk, second.pk])
    rows.update(period_start="2026-10-01", period_end="2026-10-31")
    Submission.objects.unscoped().filter(pk=first.pk).update(status="committed")
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.unscoped().filter(pk=second.pk).update(status="committed")
