"""Unknown distributor part numbers (issue 4, Part A item 7): the queue fills as files arrive,
a mapping is remembered by later files, ignore and undo, the audit trail."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from midstream.accounts.choices import Role
from midstream.catalog.models import DistributorPartNumber
from midstream.catalog.tests.factories import make_conversion, make_part_number, make_product
from midstream.core.errors import ConflictError, DomainError
from midstream.core.models import AuditRecord
from midstream.ingest.choices import SubmissionStatus
from midstream.ingest.models import SellThroughFact, SubmissionIssue
from midstream.ingest.pipeline import process_submission
from midstream.ingest.submissions import submit_report
from midstream.matching import parts
from midstream.matching.models import PartStatus, UnknownPart

HEADER = "Invoice;Line;Date;Internal Part No;SKU;Qty;Price;Currency;Customer;City;Country\n"


@pytest.fixture
def widget(db):
    return make_product(sku="W-1", list_price=Decimal("10.0000"), currency="EUR")


def report(rows: list[tuple[str, str]], invoice: str = "A") -> str:
    """One line per ``(part number, sku)``; every line otherwise valid."""
    lines = [
        f"{invoice}{n};1;2026-10-{1 + n % 28:02d};{part};{sku};2;10.00;EUR;Acme GmbH;Köln;DE"
        for n, (part, sku) in enumerate(rows)
    ]
    return HEADER + "\n".join(lines) + "\n"


def ingest(distributor, text: str, *, name: str = "report.csv"):
    submission = submit_report(
        actor=None,
        distributor=distributor,
        kind="sell_through",
        file_name=name,
        source="cli",
        content=text.encode(),
        enqueue=False,
    )
    return process_submission(submission.pk)


def part(reference: str) -> UnknownPart:
    return UnknownPart.objects.unscoped().get(reference=reference)


# ─── parsing the pipeline's description ──────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("part_number ABC-1, sku X", {"part_number": "ABC-1", "sku": "X"}),
        ("sku X-9", {"sku": "X-9"}),
        ("gtin 04006381333931, part_number P 7", {"gtin": "04006381333931", "part_number": "P 7"}),
        ("part_number A, part_number B", {"part_number": "A"}),
        ("", {}),
        ("something else", {}),
    ],
)
def test_reported_identifiers_reads_the_description(reference, expected):
    assert parts.reported_identifiers(reference) == expected


_VALUE = st.text(alphabet=st.characters(codec="ascii", exclude_characters=","), min_size=1).map(
    str.strip
)


@given(
    st.lists(
        st.tuples(st.sampled_from(parts.KINDS), _VALUE.filter(bool)),
        min_size=1,
        max_size=3,
        unique_by=lambda pair: pair[0],
    )
)
def test_reported_identifiers_round_trips_what_the_pipeline_writes(pairs):
    described = ", ".join(f"{kind} {value}" for kind, value in pairs)
    assert parts.reported_identifiers(described) == dict(pairs)


# ─── the queue fills as files arrive ─────────────────────────────────────────────────────


@pytest.mark.django_db
def test_a_file_with_an_unknown_part_number_opens_it_with_its_line_count(dist_a, widget):
    submission = ingest(dist_a, report([("ALPHA-9", ""), ("ALPHA-9", ""), ("", "W-1")]))
    assert submission.status == SubmissionStatus.COMMITTED
    assert submission.lines_rejected == 2
    unknown = part("part_number ALPHA-9")
    assert (
        unknown.distributor_id,
        unknown.status,
        unknown.line_count,
        unknown.reported_part_number,
        unknown.reported_sku,
        unknown.last_submission_id,
        unknown.product_id,
    ) == (dist_a.pk, "open", 2, "ALPHA-9", "", submission.pk, None)
    assert unknown.first_seen_at == unknown.last_seen_at


@pytest.mark.django_db
def test_a_rejected_file_fills_the_queue_too(dist_a, widget):
    submission = ingest(dist_a, report([("ALPHA-9", ""), ("ALPHA-8", "NOPE")]))
    assert submission.status == SubmissionStatus.REJECTED
    assert sorted(
        UnknownPart.objects.unscoped().values_list(
            "reference", "reported_part_number", "reported_sku", "line_count"
        )
    ) == [
        ("part_number ALPHA-9", "ALPHA-9", "", 1),
        ("sku NOPE, part_number ALPHA-8", "ALPHA-8", "NOPE", 1),
    ]


@pytest.mark.django_db
def test_a_later_file_updates_the_sighting_and_keeps_first_seen(dist_a, dist_b, widget):
    first = ingest(dist_a, report([("ALPHA-9", ""), ("ALPHA-9", ""), ("", "W-1")]))
    seen = part("part_number ALPHA-9")
    second = ingest(dist_a, report([("ALPHA-9", ""), ("", "W-1")], invoice="B"), name="b.csv")
    ingest(dist_b, report([("ALPHA-9", ""), ("", "W-1")], invoice="C"), name="c.csv")
    again = UnknownPart.objects.for_distributor(dist_a.pk).get()
    assert (again.pk, again.line_count, again.last_submission_id) == (seen.pk, 1, second.pk)
    assert again.first_seen_at == seen.first_seen_at
    assert again.last_seen_at > seen.last_seen_at
    assert first.pk != second.pk
    other = UnknownPart.objects.for_distributor(dist_b.pk).get()
    assert (other.reference, other.line_count) == ("part_number ALPHA-9", 1)


@pytest.mark.django_db
def test_recording_runs_a_fixed_number_of_queries(dist_a, widget, django_assert_num_queries):
    small = ingest(dist_a, report([("P-1", ""), ("", "W-1")]))
    large = ingest(
        dist_a,
        report([(f"P-{n}", "") for n in range(30)] + [("", "W-1")], invoice="B"),
        name="b.csv",
    )
    with django_assert_num_queries(3):
        assert parts.record_unknown_parts(small) == 1
    with django_assert_num_queries(3):
        assert parts.record_unknown_parts(large) == 30
    assert UnknownPart.objects.unscoped().count() == 30


# ─── map, remembered; ignore; undo ───────────────────────────────────────────────────────


@pytest.mark.django_db
def test_mapping_is_remembered_by_the_next_file(dist_a, widget, users):
    actor = users[Role.CHANNEL_MANAGER]
    ingest(dist_a, report([("ALPHA-9", ""), ("", "W-1")]))
    mapped = parts.map_part(
        actor=actor, part=part("part_number ALPHA-9"), product=widget, reason="same thing"
    )
    assert (mapped.status, mapped.product_id, mapped.decided_by_id) == (
        "mapped",
        widget.pk,
        actor.pk,
    )
    created = DistributorPartNumber.objects.for_distributor(dist_a.pk).get()
    assert (created.part_number, created.product_id, created.unit, mapped.part_number_id) == (
        "ALPHA-9",
        widget.pk,
        "EA",
        created.pk,
    )
    audit = AuditRecord.objects.get(action="unknown_part.map")
    assert audit.changes["status"] == ["open", "mapped"]
    assert audit.changes["product"] == [None, widget.pk]
    assert audit.reason == "same thing"

    later = ingest(dist_a, report([("alpha-9", ""), ("ALPHA-9", "")], invoice="B"), name="b.csv")
    assert (later.status, later.lines_accepted, later.lines_rejected) == ("committed", 2, 0)
    facts = SellThroughFact.objects.unscoped().filter(submission=later)
    assert sorted(facts.values_list("product_id", "quantity")) == [
        (widget.pk, Decimal("2.000")),
        (widget.pk, Decimal("2.000")),
    ]
    assert not (
        SubmissionIssue.objects.unscoped().filter(submission=later, code="unknown_product").exists()
    )
    assert part("part_number ALPHA-9").last_submission_id != later.pk  # not seen again


@pytest.mark.django_db
def test_mapping_in_another_unit_scales_the_quantity(dist_a, widget):
    make_conversion(widget, "BX", 10)
    ingest(dist_a, report([("BOX-9", ""), ("", "W-1")]))
    parts.map_part(actor=None, part=part("part_number BOX-9"), product=widget, unit="BX")
    later = ingest(dist_a, report([("BOX-9", "")], invoice="B"), name="b.csv")
    fact = SellThroughFact.objects.unscoped().get(submission=later)
    assert (fact.product_id, fact.quantity) == (widget.pk, Decimal("20.000"))


@pytest.mark.django_db
def test_only_a_reported_part_number_can_be_mapped(dist_a, widget):
    ingest(dist_a, report([("", "NOPE-1"), ("", "W-1")]))
    unknown = part("sku NOPE-1")
    with pytest.raises(DomainError) as raised:
        parts.map_part(actor=None, part=unknown, product=widget)
    assert raised.value.code == "not_a_part_number"
    unknown.refresh_from_db()
    assert unknown.status == "open"
    assert not DistributorPartNumber.objects.unscoped().exists()
    ignored = parts.ignore_part(actor=None, part=unknown, reason="catalog matter")
    assert ignored.status == "ignored"


@pytest.mark.django_db
def test_a_decided_part_cannot_be_decided_again(dist_a, widget):
    ingest(dist_a, report([("ALPHA-9", ""), ("", "W-1")]))
    unknown = parts.ignore_part(actor=None, part=part("part_number ALPHA-9"))
    with pytest.raises(ConflictError) as raised:
        parts.map_part(actor=None, part=unknown, product=widget)
    assert raised.value.code == "part_already_decided"
    with pytest.raises(ConflictError):
        parts.ignore_part(actor=None, part=unknown)
    assert not DistributorPartNumber.objects.unscoped().exists()


@pytest.mark.django_db
def test_a_part_number_the_distributor_already_uses_is_refused_and_nothing_changes(dist_a, widget):
    ingest(dist_a, report([("ALPHA-9", ""), ("", "W-1")]))
    other = make_product(sku="W-2")
    make_part_number(dist_a, other, "alpha-9")  # added in the catalog since
    unknown = part("part_number ALPHA-9")
    with pytest.raises(ConflictError) as raised:
        parts.map_part(actor=None, part=unknown, product=widget)
    assert raised.value.code == "duplicate_part_number"
    unknown.refresh_from_db()
    assert (unknown.status, unknown.product_id) == ("open", None)
    assert not AuditRecord.objects.filter(action="unknown_part.map").exists()


@pytest.mark.django_db
def test_undo_removes_the_part_number_and_reopens(dist_a, widget):
    ingest(dist_a, report([("ALPHA-9", ""), ("", "W-1")]))
    mapped = parts.map_part(actor=None, part=part("part_number ALPHA-9"), product=widget)
    undone = parts.undo_part(actor=None, part=mapped, reason="wrong product")
    assert (undone.status, undone.product_id, undone.part_number_id, undone.decided_at) == (
        "open",
        None,
        None,
        None,
    )
    assert not DistributorPartNumber.objects.unscoped().exists()
    audit = AuditRecord.objects.get(action="unknown_part.undo")
    assert audit.changes["status"] == ["mapped", "open"]
    assert AuditRecord.objects.filter(action="part_number.remove").count() == 1
    with pytest.raises(ConflictError) as raised:
        parts.undo_part(actor=None, part=undone)
    assert raised.value.code == "part_not_decided"
    # The next file with it is rejected again and the reference stays open.
    later = ingest(dist_a, report([("ALPHA-9", ""), ("", "W-1")], invoice="B"), name="b.csv")
    assert later.lines_rejected == 1
    assert part("part_number ALPHA-9").status == "open"


@pytest.mark.django_db
def test_undo_an_ignore_reopens(dist_a, widget):
    ingest(dist_a, report([("ALPHA-9", ""), ("", "W-1")]))
    ignored = parts.ignore_part(actor=None, part=part("part_number ALPHA-9"))
    assert parts.undo_part(actor=None, part=ignored).status == "open"


@pytest.mark.django_db
def test_an_ignored_reference_seen_again_stays_ignored(dist_a, widget):
    ingest(dist_a, report([("ALPHA-9", ""), ("", "W-1")]))
    parts.ignore_part(actor=None, part=part("part_number ALPHA-9"))
    ingest(dist_a, report([("ALPHA-9", ""), ("ALPHA-9", "")], invoice="B"), name="b.csv")
    again = part("part_number ALPHA-9")
    assert (again.status, again.line_count) == ("ignored", 2)


@pytest.mark.django_db
def test_a_mapping_removed_in_the_catalog_reopens_at_the_next_sighting(dist_a, widget):
    from midstream.catalog.services import remove_part_number

    ingest(dist_a, report([("ALPHA-9", ""), ("", "W-1")]))
    mapped = parts.map_part(actor=None, part=part("part_number ALPHA-9"), product=widget)
    remove_part_number(actor=None, part_number=mapped.part_number)
    assert part("part_number ALPHA-9").status == PartStatus.MAPPED
    ingest(dist_a, report([("ALPHA-9", ""), ("", "W-1")], invoice="B"), name="b.csv")
    again = part("part_number ALPHA-9")
    assert (again.status, again.product_id, again.part_number_id) == ("open", None, None)
