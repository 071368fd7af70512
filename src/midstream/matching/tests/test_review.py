"""The reseller review queue (issue 4, Part A): fuzzy matching in the pipeline, submissions
awaiting review, decisions (accept, pick, create, reject), their memory, and undo."""

from datetime import date
from decimal import Decimal

import pytest

from midstream.accounts.choices import Role
from midstream.catalog.tests.factories import make_product
from midstream.core.errors import ConflictError, DomainError
from midstream.core.models import AuditRecord
from midstream.ingest.choices import SubmissionStatus
from midstream.ingest.models import (
    ReportedReseller,
    ReviewWait,
    SellThroughFact,
    SellThroughMonth,
    SubmissionIssue,
)
from midstream.ingest.pipeline import process_submission
from midstream.ingest.submissions import submit_report
from midstream.matching import review
from midstream.matching.models import MatchDecision
from midstream.network.models import Reseller, ResellerAlias, ResellerSupply
from midstream.network.tests.factories import make_reseller, make_supply
from midstream.sales.tests.factories import make_line

HEADER = "Invoice;Line;Date;SKU;Qty;Price;Currency;Customer;Customer No;City;Country\n"
AUTO = "Mueller IT-Systeme GmbH;;Köln;DE"  # fuzzy, accepted automatically
REVIEW = "Nordlicht Computerhandel;K-77;Hamburg;DE"  # fuzzy, 95.5: review
OTHER_REVIEW = "Nordlicht Computer Vertrieb;;Hamburg;DE"  # fuzzy, 82: review
NEW = "Sonnenschein Elektro KG;;München;DE"  # no candidate: a new-reseller candidate


@pytest.fixture
def master(dist_a):
    widget = make_product(sku="W-1", list_price=Decimal("10.0000"), currency="EUR")
    make_line(dist_a, widget, invoice_number="S-1")
    muller = make_reseller(
        partner_id="R0000101",
        name="Müller IT-Systeme GmbH",
        country="DE",
        city="Köln",
        postal_code="50667",
    )
    nordlicht = make_reseller(
        partner_id="R0000103",
        name="Nordlicht Computer GmbH",
        country="DE",
        city="Hamburg",
        postal_code="20095",
    )
    return {"widget": widget, "muller": muller, "nordlicht": nordlicht}


def report(rows: list[str], invoice: str = "A") -> str:
    lines = [
        f"{invoice}{n};1;2026-10-{1 + n % 28:02d};W-1;1;10.00;EUR;{customer}"
        for n, customer in enumerate(rows)
    ]
    return HEADER + "\n".join(lines) + "\n"


def ingest(distributor, text: str, *, name="report.csv"):
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


def spelling(name: str) -> ReportedReseller:
    return ReportedReseller.objects.unscoped().get(name=name)


def nothing_counted(submission) -> bool:
    return (
        not SellThroughFact.objects.unscoped().filter(submission=submission).exists()
        and not SellThroughMonth.objects.unscoped().filter(submission=submission).exists()
        and submission.version is None
    )


# ─── the pipeline ────────────────────────────────────────────────────────────────────────


@pytest.mark.django_db
def test_an_automatic_fuzzy_match_commits_with_method_and_score(dist_a, master):
    submission = ingest(dist_a, report([AUTO, AUTO, NEW]))
    assert submission.status == SubmissionStatus.COMMITTED
    facts = SellThroughFact.objects.unscoped().order_by("line")
    assert list(facts.values_list("reseller_id", "reseller_method")) == [
        (master["muller"].pk, "fuzzy"),
        (master["muller"].pk, "fuzzy"),
        (None, ""),
    ]
    auto = spelling("Mueller IT-Systeme GmbH")
    assert (auto.status, auto.method, auto.score, auto.reseller_id) == (
        "resolved",
        "fuzzy",
        Decimal("98.1"),
        master["muller"].pk,
    )
    new = spelling("Sonnenschein Elektro KG")
    assert (new.status, new.reseller_id, new.method) == ("new", None, "")
    codes = list(SubmissionIssue.objects.unscoped().values_list("code", "line_count"))
    assert codes == [("unknown_reseller", 1)]


@pytest.mark.django_db
def test_an_automatic_match_is_remembered_though_the_master_changes(dist_a, master):
    ingest(dist_a, report([AUTO]))
    # A namesake appears in the same city: matched afresh, the spelling would now be
    # ambiguous (review); remembered, it resolves to the reseller it was matched to.
    make_reseller(
        partner_id="R0000109",
        name="Müller IT Systeme KG",
        country="DE",
        city="Köln",
        postal_code="50667",
    )
    later = ingest(dist_a, report([AUTO], invoice="B"), name="later.csv")
    assert later.status == SubmissionStatus.COMMITTED
    fact = SellThroughFact.objects.unscoped().get(submission=later)
    assert (fact.reseller_id, fact.reseller_method) == (master["muller"].pk, "fuzzy")
    auto = spelling("Mueller IT-Systeme GmbH")
    assert (auto.status, auto.score) == ("resolved", Decimal("98.1"))


@pytest.mark.django_db
def test_a_spelling_in_review_keeps_the_submission_waiting_with_nothing_counted(dist_a, master):
    submission = ingest(dist_a, report([AUTO, REVIEW, REVIEW, NEW]))
    assert submission.status == SubmissionStatus.AWAITING_REVIEW
    assert nothing_counted(submission)
    assert (submission.lines_read, submission.lines_accepted, submission.lines_rejected) == (
        4,
        4,
        0,
    )
    assert (submission.period_start, submission.period_end) == (
        date(2026, 10, 1),
        date(2026, 10, 31),
    )
    issues = SubmissionIssue.objects.unscoped().filter(submission=submission)
    assert sorted(issues.values_list("code", "line_count", "value")) == [
        ("reseller_review", 2, "Nordlicht Computerhandel"),
        ("unknown_reseller", 1, "Sonnenschein Elektro KG"),
    ]
    waiting = spelling("Nordlicht Computerhandel")
    assert (waiting.status, waiting.reseller_id, waiting.score) == ("review", None, Decimal("95.5"))
    assert waiting.candidates["candidates"][0]["reseller_id"] == master["nordlicht"].pk
    assert waiting.candidates["candidates"][0]["score"] == "95.5"
    assert waiting.candidates["reason"] == "score between the thresholds"
    assert list(ReviewWait.objects.unscoped().values_list("spelling__name", "line_count")) == [
        ("Nordlicht Computerhandel", 2)
    ]
    # The spellings of a waiting submission are stored, each once.
    assert ReportedReseller.objects.unscoped().count() == 3
    assert AuditRecord.objects.filter(action="submission.await_review").count() == 1
    # The same file again while this one waits is a duplicate of it, not a second run.
    again = ingest(dist_a, report([AUTO, REVIEW, REVIEW, NEW]), name="again.csv")
    assert (again.status, again.duplicate_of_id) == ("duplicate", submission.pk)


@pytest.mark.django_db
def test_accepting_requeues_the_submission_which_then_commits_and_is_remembered(
    dist_a, master, users
):
    submission = ingest(dist_a, report([REVIEW, REVIEW, AUTO]))
    waiting = spelling("Nordlicht Computerhandel")
    decision = review.decide_spelling(
        actor=users[Role.CHANNEL_MANAGER],
        spelling=waiting,
        action="accept",
        reseller=master["nordlicht"],
        reason="same shop",
    )
    assert decision.requeued == [submission.pk]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RECEIVED
    # The alias and the distributor's account number are remembered.
    alias = ResellerAlias.objects.unscoped().get(reseller=master["nordlicht"])
    assert (alias.alias, alias.distributor_id) == ("Nordlicht Computerhandel", dist_a.pk)
    supply = ResellerSupply.objects.unscoped().get(reseller=master["nordlicht"])
    assert (supply.distributor_id, supply.account_number) == (dist_a.pk, "K-77")
    assert decision.supply_created is True
    waiting.refresh_from_db()
    assert (waiting.status, waiting.reseller_id, waiting.method, waiting.decided_by) == (
        "manual",
        master["nordlicht"].pk,
        "manual",
        users[Role.CHANNEL_MANAGER],
    )
    assert decision.before == {
        "status": "review",
        "reseller_id": None,
        "method": "",
        "score": "95.5",
    }
    audit = AuditRecord.objects.get(action="match.accept")
    assert audit.changes["status"] == ["review", "manual"]
    assert audit.reason == "same shop"

    submission = process_submission(submission.pk)
    assert submission.status == SubmissionStatus.COMMITTED
    # The run that stopped for review left its issues and waits; the committing run replaces
    # them: no review issue is left, and nothing waits any more.
    assert not SubmissionIssue.objects.unscoped().filter(submission=submission).exists()
    assert not ReviewWait.objects.unscoped().filter(submission=submission).exists()
    facts = SellThroughFact.objects.unscoped().filter(submission=submission).order_by("line")
    assert list(facts.values_list("reseller_id", "reseller_method")) == [
        (master["nordlicht"].pk, "manual"),
        (master["nordlicht"].pk, "manual"),
        (master["muller"].pk, "fuzzy"),
    ]
    # A later file with that spelling needs no review.
    later = ingest(dist_a, report([REVIEW], invoice="B"), name="later.csv")
    assert later.status == SubmissionStatus.COMMITTED
    assert list(
        SellThroughFact.objects.unscoped()
        .filter(submission=later)
        .values_list("reseller_id", "reseller_method")
    ) == [(master["nordlicht"].pk, "manual")]


@pytest.mark.django_db
def test_a_submission_waits_for_all_its_spellings_and_several_wait_for_one(dist_a, master, users):
    first = ingest(dist_a, report([REVIEW, OTHER_REVIEW]), name="one.csv")
    second = ingest(dist_a, report([REVIEW], invoice="B"), name="two.csv")
    assert (first.status, second.status) == ("awaiting_review", "awaiting_review")
    actor = users[Role.VENDOR_ADMIN]
    decision = review.decide_spelling(
        actor=actor, spelling=spelling("Nordlicht Computerhandel"), action="reject"
    )
    assert decision.requeued == [second.pk]
    first.refresh_from_db()
    assert first.status == SubmissionStatus.AWAITING_REVIEW
    decision = review.decide_spelling(
        actor=actor,
        spelling=spelling("Nordlicht Computer Vertrieb"),
        action="pick",
        reseller=master["nordlicht"],
    )
    assert decision.requeued == [first.pk]
    first = process_submission(first.pk)
    assert first.status == SubmissionStatus.COMMITTED
    facts = SellThroughFact.objects.unscoped().filter(submission=first).order_by("line")
    assert list(facts.values_list("reseller_id", "reseller_method")) == [
        (None, ""),
        (master["nordlicht"].pk, "manual"),
    ]
    issue = SubmissionIssue.objects.unscoped().get(submission=first, code="unknown_reseller")
    assert issue.severity == "warning"
    assert "not a reseller of ours" in issue.message
    # The rejected spelling made no alias and no supply.
    assert ResellerAlias.objects.unscoped().filter(alias="Nordlicht Computerhandel").count() == 0


@pytest.mark.django_db
def test_create_new_reseller_from_the_spelling(dist_a, master, users):
    submission = ingest(dist_a, report([REVIEW]))
    decision = review.decide_spelling(
        actor=users[Role.VENDOR_ADMIN],
        spelling=spelling("Nordlicht Computerhandel"),
        action="create",
        new_reseller={
            "partner_id": "R0000200",
            "name": "Nordlicht Computerhandel",
            "country": "DE",
            "city": "Hamburg",
        },
    )
    created = Reseller.objects.unscoped().get(partner_id="R0000200")
    assert (decision.reseller_id, created.city) == (created.pk, "Hamburg")
    # Its own name needs no alias; the account number goes on a new supply.
    assert decision.alias is None
    assert ResellerSupply.objects.unscoped().get(reseller=created).account_number == "K-77"
    assert process_submission(submission.pk).status == SubmissionStatus.COMMITTED
    assert SellThroughFact.objects.unscoped().get().reseller_id == created.pk


@pytest.mark.django_db
def test_undo_removes_what_the_decision_added_and_leaves_committed_facts(dist_a, master, users):
    make_supply(master["nordlicht"], dist_a)  # supplied already, without an account number
    submission = ingest(dist_a, report([REVIEW]))
    actor = users[Role.CHANNEL_MANAGER]
    decision = review.decide_spelling(
        actor=actor,
        spelling=spelling("Nordlicht Computerhandel"),
        action="accept",
        reseller=master["nordlicht"],
    )
    assert (decision.supply_created, decision.account_number_set) == (False, "K-77")
    assert process_submission(submission.pk).status == SubmissionStatus.COMMITTED

    review.undo_decision(actor=actor, decision=decision, reason="wrong shop")

    waiting = spelling("Nordlicht Computerhandel")
    assert (waiting.status, waiting.reseller_id, waiting.method, waiting.decided_at) == (
        "review",
        None,
        "",
        None,
    )
    assert not ResellerAlias.objects.unscoped().filter(reseller=master["nordlicht"]).exists()
    assert ResellerSupply.objects.unscoped().get(reseller=master["nordlicht"]).account_number == ""
    decision.refresh_from_db()
    assert decision.undone_by == actor
    # Committed facts are not touched.
    assert SellThroughFact.objects.unscoped().get().reseller_id == master["nordlicht"].pk
    assert AuditRecord.objects.get(action="match.undo").changes["status"] == ["manual", "review"]
    # Undone once: no second time.
    with pytest.raises(ConflictError):
        review.undo_decision(actor=actor, decision=decision)
    # The next file with the spelling waits again.
    later = ingest(dist_a, report([REVIEW], invoice="B"), name="later.csv")
    assert later.status == SubmissionStatus.AWAITING_REVIEW


@pytest.mark.django_db
def test_decision_rules(dist_a, master, users):
    ingest(dist_a, report([REVIEW]))
    actor = users[Role.VENDOR_ADMIN]
    waiting = spelling("Nordlicht Computerhandel")
    with pytest.raises(DomainError) as error:
        review.decide_spelling(
            actor=actor, spelling=waiting, action="accept", reseller=master["muller"]
        )
    assert error.value.code == "not_a_candidate"
    with pytest.raises(DomainError) as error:
        review.decide_spelling(actor=actor, spelling=waiting, action="merge")
    assert error.value.code == "invalid_decision"
    review.decide_spelling(actor=actor, spelling=waiting, action="reject")
    with pytest.raises(ConflictError) as error:
        review.decide_spelling(actor=actor, spelling=waiting, action="reject")
    assert error.value.code == "already_decided"
    assert MatchDecision.objects.unscoped().count() == 1


@pytest.mark.django_db(transaction=True)
def test_streamed_facts_are_rolled_back_when_the_file_waits(dist_a, master, monkeypatch):
    """On PostgreSQL the facts are copied while the file is read: a spelling in review must
    take them back out (the outcome is recorded in a transaction of its own)."""
    from midstream.ingest import pipeline

    monkeypatch.setattr(pipeline, "CHUNK_BYTES", 120)  # several batches
    rows = [AUTO] * 12 + [REVIEW]
    submission = ingest(dist_a, report(rows))
    assert submission.status == SubmissionStatus.AWAITING_REVIEW
    assert SellThroughFact.objects.unscoped().count() == 0
    assert SellThroughMonth.objects.unscoped().count() == 0
    assert list(ReviewWait.objects.unscoped().values_list("line_count", flat=True)) == [1]
    assert sorted(ReportedReseller.objects.unscoped().values_list("status", flat=True)) == [
        "resolved",
        "review",
    ]


@pytest.mark.django_db(transaction=True)
def test_once_a_line_waits_for_review_no_more_facts_are_written(dist_a, master, monkeypatch):
    """The run cannot commit any more: later batches are mapped and checked (every spelling
    to review is found) but their facts are neither copied (PostgreSQL) nor staged (SQLite)."""
    from midstream.ingest import pipeline, streamwrite

    monkeypatch.setattr(pipeline, "CHUNK_BYTES", 120)  # several batches
    written = []
    real_put = streamwrite.BatchWriter.put

    def counting_put(self, lines, *rest):
        written.append(lines.height)
        return real_put(self, lines, *rest)

    monkeypatch.setattr(streamwrite.BatchWriter, "put", counting_put)
    rows = [AUTO] * 3 + [REVIEW] + [AUTO] * 9 + [OTHER_REVIEW]
    submission = ingest(dist_a, report(rows))
    assert submission.status == SubmissionStatus.AWAITING_REVIEW
    assert submission.lines_read == 14
    assert 0 < sum(written) < 4  # the batches before the first spelling in review
    assert SellThroughFact.objects.unscoped().count() == 0
    waits = ReviewWait.objects.unscoped().values_list("spelling__name", "line_count")
    assert sorted(waits) == [("Nordlicht Computer Vertrieb", 1), ("Nordlicht Computerhandel", 1)]
