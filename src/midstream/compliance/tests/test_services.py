"""Calendar generation, statuses, incompleteness, estimates, scores and settings."""

import datetime as dt
from decimal import Decimal

import pytest

from midstream.accounts.choices import Role
from midstream.compliance import services
from midstream.compliance.models import (
    ComplianceScore,
    DistributorCompliance,
    ExpectedReport,
    ReminderSent,
)
from midstream.compliance.tests.factories import (
    at,
    make_family,
    make_position,
    make_product,
    make_rollup,
    make_sellin,
    make_submission,
)
from midstream.core.errors import DomainError
from midstream.core.models import AuditRecord
from midstream.partners.tests.factories import make_obligation

pytestmark = pytest.mark.django_db

D = dt.date
AS_OF = D(2025, 4, 15)
JAN = (D(2025, 1, 1), D(2025, 1, 31))
FEB = (D(2025, 2, 1), D(2025, 2, 28))
MAR = (D(2025, 3, 1), D(2025, 3, 31))


def recompute(as_of=AS_OF, **options):
    options.setdefault("months", 6)
    return services.recompute(actor=None, as_of=as_of, **options)


def reports(distributor, **filters):
    return ExpectedReport.objects.for_distributor(distributor.pk).filter(**filters)


def report(distributor, start, report_type="sell_through"):
    return reports(distributor).get(period_start=start, report_type=report_type)


def table(distributor):
    return [
        (r.period_start, r.due_date, r.status, r.days_late)
        for r in reports(distributor).order_by("period_start", "report_type")
    ]


@pytest.fixture
def monthly(dist_a):
    return make_obligation(dist_a, report_type="sell_through", frequency="monthly", due_days=10)


@pytest.fixture
def family():
    return make_family("NET", "Networking")


@pytest.fixture
def product(family):
    return make_product(family)


# ─── the calendar ─────────────────────────────────────────────────────────────────────────


def test_the_calendar_lists_every_period_with_its_due_date(dist_a, monthly):
    summary = recompute()

    assert table(dist_a) == [
        (D(2025, 1, 1), D(2025, 2, 10), "missing", 64),
        (D(2025, 2, 1), D(2025, 3, 10), "missing", 36),
        (D(2025, 3, 1), D(2025, 4, 10), "missing", 5),
        (D(2025, 4, 1), D(2025, 5, 10), "upcoming", None),
    ]
    assert (summary.window_start, summary.window_end) == (D(2024, 10, 1), D(2025, 5, 16))
    assert summary.total("created") == 4
    assert summary.statuses["missing"] == 3
    assert summary.statuses["upcoming"] == 1


def test_recomputing_twice_changes_nothing(dist_a, monthly, product):
    make_submission(dist_a, start=JAN[0], end=JAN[1], received=D(2025, 2, 8))
    recompute()
    before = table(dist_a)
    audits = AuditRecord.objects.count()

    summary = recompute()

    assert table(dist_a) == before
    assert (summary.total("created"), summary.total("changed")) == (0, 0)
    assert AuditRecord.objects.count() == audits


def test_only_the_distributors_asked_for_are_recomputed(dist_a, dist_b, monthly):
    make_obligation(dist_b, report_type="sell_through", frequency="monthly", due_days=5)

    summary = recompute(distributor_ids=[dist_b.pk])

    assert [result.code for result in summary.distributors] == ["BRAVO"]
    assert reports(dist_a).count() == 0
    assert reports(dist_b).count() == 4


def test_an_obligation_ending_earlier_removes_the_periods_it_no_longer_owes(dist_a, monthly):
    recompute()
    monthly.active_to = D(2025, 2, 28)
    monthly.save()

    summary = recompute()

    assert [row[0] for row in table(dist_a)] == [D(2025, 1, 1), D(2025, 2, 1)]
    assert summary.total("deleted") == 2


def test_a_period_with_a_reminder_is_withdrawn_not_deleted(dist_a, monthly):
    recompute()
    march = report(dist_a, MAR[0])
    ReminderSent.objects.unscoped().create(
        distributor=dist_a,
        expected_report=march,
        stage="overdue",
        status="sent",
        recipients=["pat@example.com"],
        subject="Overdue",
        claimed_at=at(D(2025, 4, 11)),
    )
    monthly.active_to = D(2025, 2, 28)
    monthly.save()

    summary = recompute()

    march.refresh_from_db()
    assert (march.status, march.score, march.days_late) == ("withdrawn", None, None)
    assert summary.total("withdrawn") == 1
    assert summary.total("deleted") == 1  # April had no reminder
    assert summary.statuses["withdrawn"] == 1
    assert [month.month for month in ComplianceScore.objects.for_distributor(dist_a.pk)] == [
        D(2025, 2, 1),
        D(2025, 1, 1),
    ]
    audit = AuditRecord.objects.get(action="expected_report.withdraw")
    assert audit.changes == {"status": ["missing", "withdrawn"]}
    # Owed again: the same row comes back with a real status.
    monthly.active_to = None
    monthly.save()
    recompute()
    march.refresh_from_db()
    assert march.status == "missing"
    restore = AuditRecord.objects.get(action="expected_report.restore")
    assert restore.changes == {"status": ["withdrawn", "upcoming"]}


def test_a_removed_obligation_keeps_the_history_without_it(dist_a, monthly):
    recompute()
    ReminderSent.objects.unscoped().create(
        distributor=dist_a,
        expected_report=report(dist_a, JAN[0]),
        stage="due",
        status="sent",
        recipients=["pat@example.com"],
        subject="Due",
        claimed_at=at(D(2025, 2, 10)),
    )
    monthly.delete()

    recompute()

    assert [(r.period_start, r.status, r.obligation_id) for r in reports(dist_a)] == [
        (D(2025, 1, 1), "withdrawn", None)
    ]


def test_changing_to_weekly_replaces_the_monthly_periods(dist_a, monthly):
    recompute(as_of=D(2025, 2, 3))
    monthly.active_to = D(2025, 1, 31)
    monthly.save()
    make_obligation(
        dist_a,
        report_type="sell_through",
        frequency="weekly",
        due_days=3,
        active_from=D(2025, 2, 1),
    )

    recompute(as_of=D(2025, 2, 18))

    rows = reports(dist_a).order_by("period_start")
    # The week of 27 January ends on 2 February, under the weekly obligation: it is owed.
    assert [(r.frequency, r.period_start, r.period_end, r.status) for r in rows] == [
        ("monthly", D(2025, 1, 1), D(2025, 1, 31), "missing"),
        ("weekly", D(2025, 1, 27), D(2025, 2, 2), "missing"),
        ("weekly", D(2025, 2, 3), D(2025, 2, 9), "missing"),
        ("weekly", D(2025, 2, 10), D(2025, 2, 16), "due"),
        ("weekly", D(2025, 2, 17), D(2025, 2, 23), "upcoming"),
        ("weekly", D(2025, 2, 24), D(2025, 3, 2), "upcoming"),
        ("weekly", D(2025, 3, 3), D(2025, 3, 9), "upcoming"),
        ("weekly", D(2025, 3, 10), D(2025, 3, 16), "upcoming"),
    ]


# ─── statuses ─────────────────────────────────────────────────────────────────────────────


def test_on_time_late_missing_and_upcoming(dist_a, monthly):
    january = make_submission(dist_a, start=JAN[0], end=JAN[1], received=D(2025, 2, 10))
    february = make_submission(dist_a, start=FEB[0], end=FEB[1], received=D(2025, 3, 14))

    recompute()

    assert table(dist_a) == [
        (D(2025, 1, 1), D(2025, 2, 10), "on_time", 0),
        (D(2025, 2, 1), D(2025, 3, 10), "late", 4),
        (D(2025, 3, 1), D(2025, 4, 10), "missing", 5),
        (D(2025, 4, 1), D(2025, 5, 10), "upcoming", None),
    ]
    jan, feb = report(dist_a, JAN[0]), report(dist_a, FEB[0])
    assert (jan.submission_id, jan.received_at, jan.score) == (
        january.pk,
        at(D(2025, 2, 10)),
        Decimal(1),
    )
    assert (feb.submission_id, feb.score) == (february.pk, Decimal("0.8"))


def test_before_the_due_date_a_report_is_due(dist_a, monthly):
    recompute(as_of=D(2025, 4, 5))
    assert report(dist_a, MAR[0]).status == "due"
    assert report(dist_a, MAR[0]).score is None


def test_the_first_accepted_version_sets_the_time_and_the_active_one_is_linked(dist_a, monthly):
    make_submission(dist_a, start=JAN[0], end=JAN[1], received=D(2025, 2, 5), status="superseded")
    corrected = make_submission(
        dist_a, start=JAN[0], end=JAN[1], received=D(2025, 3, 20), version=2
    )

    recompute()

    jan = report(dist_a, JAN[0])
    assert (jan.status, jan.days_late, jan.submission_id) == ("on_time", 0, corrected.pk)
    assert jan.received_at == at(D(2025, 2, 5))


def test_a_rejected_upload_leaves_the_report_missing_and_is_linked(dist_a, monthly):
    rejected = make_submission(
        dist_a, start=MAR[0], end=MAR[1], received=D(2025, 4, 8), status="rejected"
    )

    recompute()

    march = report(dist_a, MAR[0])
    assert (march.status, march.submission_id, march.rejected_submission_id) == (
        "missing",
        None,
        rejected.pk,
    )
    assert march.processing is False


@pytest.mark.parametrize("status", ["validating", "awaiting_review"])
def test_an_upload_being_processed_is_flagged(dist_a, monthly, status):
    # Waiting for the vendor's reseller review counts as in hand too: no reminder meanwhile.
    make_submission(dist_a, start=MAR[0], end=MAR[1], received=D(2025, 4, 12), status=status)

    recompute()

    assert report(dist_a, MAR[0]).processing is True
    assert report(dist_a, FEB[0]).processing is False


def test_another_distributors_reports_do_not_count(dist_a, dist_b, monthly):
    make_submission(dist_b, start=JAN[0], end=JAN[1], received=D(2025, 2, 1))

    recompute()

    assert report(dist_a, JAN[0]).status == "missing"


def test_weekly_inventory_is_answered_by_a_snapshot_dated_in_the_week(dist_a):
    make_obligation(
        dist_a,
        report_type="inventory",
        frequency="weekly",
        due_days=3,
        active_from=D(2025, 3, 1),
    )
    # A month-end stock report: its snapshot (Monday 31 March) answers that week only.
    make_submission(
        dist_a,
        kind="inventory",
        start=MAR[0],
        end=MAR[1],
        received=D(2025, 4, 2),
        last_line_date=D(2025, 3, 31),
    )

    recompute(as_of=D(2025, 4, 9))

    rows = [
        (r.period_start, r.status)
        for r in reports(dist_a, report_type="inventory").order_by("period_start")
    ]
    assert rows == [
        (D(2025, 2, 24), "missing"),
        (D(2025, 3, 3), "missing"),
        (D(2025, 3, 10), "missing"),
        (D(2025, 3, 17), "missing"),
        (D(2025, 3, 24), "missing"),
        (D(2025, 3, 31), "on_time"),
        (D(2025, 4, 7), "upcoming"),
        (D(2025, 4, 14), "upcoming"),
        (D(2025, 4, 21), "upcoming"),
        (D(2025, 4, 28), "upcoming"),
    ]


def test_a_stock_report_with_several_stock_dates_answers_each_week(dist_a, product):
    make_obligation(
        dist_a,
        report_type="inventory",
        frequency="weekly",
        due_days=3,
        active_from=D(2025, 3, 1),
    )
    weekly_stock = make_submission(
        dist_a,
        kind="inventory",
        start=MAR[0],
        end=MAR[1],
        received=D(2025, 3, 19),
        last_line_date=D(2025, 3, 16),
    )
    for line, day in enumerate((D(2025, 3, 2), D(2025, 3, 9), D(2025, 3, 16)), start=1):
        make_position(weekly_stock, product, 10, as_of=day, line=line)

    recompute(as_of=D(2025, 3, 25))

    rows = [
        (r.period_start, r.status, r.days_late, r.submission_id)
        for r in reports(dist_a, report_type="inventory", period_end__lte=D(2025, 3, 23)).order_by(
            "period_start"
        )
    ]
    assert rows == [
        (D(2025, 2, 24), "late", 14, weekly_stock.pk),
        (D(2025, 3, 3), "late", 7, weekly_stock.pk),
        (D(2025, 3, 10), "on_time", 0, weekly_stock.pk),
        (D(2025, 3, 17), "due", None, None),
    ]


def test_the_family_rule_does_not_apply_to_stock(dist_a):
    make_obligation(dist_a, report_type="inventory", frequency="monthly", due_days=10)
    switches, cables = make_family("SW", "Switches"), make_family("CB", "Cables")
    make_sellin(dist_a, make_product(switches), D(2025, 1, 10), 50, amount=5000)
    stock = make_submission(
        dist_a,
        kind="inventory",
        start=JAN[0],
        end=JAN[1],
        received=D(2025, 2, 3),
        last_line_date=JAN[1],
    )
    make_position(stock, make_product(cables), 12, as_of=JAN[1])

    recompute()

    # Switches sold out: no stock line is no gap.
    jan = report(dist_a, JAN[0], "inventory")
    assert (jan.status, jan.reasons, jan.reported_total) == ("on_time", [], Decimal(10))


# ─── incompleteness ───────────────────────────────────────────────────────────────────────


def test_a_heavily_bought_family_without_lines_makes_a_report_incomplete(dist_a, monthly):
    switches, cables = make_family("SW", "Switches"), make_family("CB", "Cables")
    switch, cable = make_product(switches), make_product(cables)
    make_sellin(dist_a, switch, D(2025, 1, 10), 50, amount=5000)
    make_sellin(dist_a, cable, D(2024, 12, 10), 500, amount=5000)
    january = make_submission(dist_a, start=JAN[0], end=JAN[1], received=D(2025, 2, 12))
    make_rollup(january, cable, 400)

    recompute()

    jan = report(dist_a, JAN[0])
    assert (jan.status, jan.days_late, jan.score) == ("incomplete", 2, Decimal("0.5"))
    assert jan.reasons == [
        {
            "code": "family_missing",
            "message": "No lines for Switches, a product family the distributor bought "
            "heavily in the months up to this period.",
        }
    ]
    assert jan.reported_total == Decimal(400)


def test_a_small_family_may_be_absent(dist_a, monthly, family, product):
    accessories = make_product(make_family("ACC", "Accessories"))
    make_sellin(dist_a, product, D(2025, 1, 10), 90, amount=9000)
    make_sellin(dist_a, accessories, D(2025, 1, 10), 10, amount=1000)
    january = make_submission(dist_a, start=JAN[0], end=JAN[1], received=D(2025, 2, 1))
    make_rollup(january, product, 80)

    recompute()

    assert report(dist_a, JAN[0]).status == "on_time"


def test_a_total_far_below_the_trailing_average_makes_a_report_incomplete(dist_a, family, product):
    make_obligation(dist_a, active_from=D(2024, 10, 1))
    for month, units in [(10, 100), (11, 110), (12, 90)]:
        start = D(2024, month, 1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        make_rollup(
            make_submission(dist_a, start=start, end=end, received=end + dt.timedelta(days=3)),
            product,
            units,
        )
    make_rollup(
        make_submission(dist_a, start=JAN[0], end=JAN[1], received=D(2025, 2, 3)), product, 30
    )

    recompute()

    jan = report(dist_a, JAN[0])
    assert jan.status == "incomplete"
    assert [reason["code"] for reason in jan.reasons] == ["total_far_below_average"]
    assert jan.reasons[0]["message"] == (
        "The report totals 30 units, 30% of the distributor's average of 100 over its previous "
        "3 reports."
    )
    assert report(dist_a, D(2024, 12, 1)).status == "on_time"


def test_many_rejected_lines_make_a_report_incomplete(dist_a, monthly):
    make_submission(
        dist_a, start=JAN[0], end=JAN[1], received=D(2025, 2, 3), lines_read=50, lines_rejected=8
    )

    recompute()

    jan = report(dist_a, JAN[0])
    assert (jan.status, jan.reasons) == (
        "incomplete",
        [{"code": "lines_rejected", "message": "8 of 50 lines were rejected and are not counted."}],
    )


def test_the_rules_can_be_tuned_in_the_settings(dist_a, monthly, settings):
    settings.MIDSTREAM_COMPLIANCE_RULES = {"rejected_share": "0.5"}
    make_submission(
        dist_a, start=JAN[0], end=JAN[1], received=D(2025, 2, 3), lines_read=50, lines_rejected=8
    )

    recompute()

    assert report(dist_a, JAN[0]).status == "on_time"


# ─── estimates ────────────────────────────────────────────────────────────────────────────


def test_a_missing_period_is_estimated_from_inventory_movement(dist_a, monthly, product):
    make_obligation(dist_a, report_type="inventory", frequency="monthly", due_days=10)
    february_stock = make_submission(
        dist_a,
        kind="inventory",
        start=FEB[0],
        end=FEB[1],
        received=D(2025, 3, 5),
        last_line_date=D(2025, 2, 28),
    )
    make_position(february_stock, product, 120, as_of=D(2025, 2, 28))
    march_stock = make_submission(
        dist_a,
        kind="inventory",
        start=MAR[0],
        end=MAR[1],
        received=D(2025, 4, 4),
        last_line_date=D(2025, 3, 31),
    )
    make_position(march_stock, product, 70, as_of=D(2025, 3, 31))
    make_sellin(dist_a, product, D(2025, 3, 12), 200)

    recompute()

    march = report(dist_a, MAR[0])
    assert (march.status, march.estimate_method, march.estimate_quantity) == (
        "missing",
        "inventory",
        Decimal(250),
    )
    assert march.estimate["opening_date"] == "2025-02-28"
    # Inventory reports and reports that arrived are not estimated.
    assert report(dist_a, MAR[0], "inventory").estimate_method == ""


def test_a_missing_period_is_estimated_from_the_trailing_ratio(dist_a, monthly, product):
    for start, end, received, units in [
        (*JAN, D(2025, 2, 5), 60),
        (*FEB, D(2025, 3, 5), 90),
    ]:
        submission = make_submission(dist_a, start=start, end=end, received=received)
        make_rollup(submission, product, units)
    make_sellin(dist_a, product, D(2025, 1, 10), 100)
    make_sellin(dist_a, product, D(2025, 2, 10), 100)
    make_sellin(dist_a, product, D(2025, 3, 10), 40)

    recompute()

    march = report(dist_a, MAR[0])
    assert (march.estimate_method, march.estimate_quantity) == ("ratio", Decimal(30))
    assert march.estimate["ratio"] == "0.7500"
    assert march.estimate["window"] == "2024-09 to 2025-02"


def test_without_evidence_a_missing_period_says_so(dist_a, monthly):
    recompute()
    march = report(dist_a, MAR[0])
    assert (march.estimate_method, march.estimate_quantity) == ("none", None)
    assert "No inventory reports" in march.estimate["note"]


# ─── scores and audit ─────────────────────────────────────────────────────────────────────


def test_scores_per_month_and_trailing(dist_a, monthly):
    make_submission(dist_a, start=JAN[0], end=JAN[1], received=D(2025, 2, 10))
    make_submission(dist_a, start=FEB[0], end=FEB[1], received=D(2025, 3, 14))

    summary = recompute()

    rows = [
        (s.month, s.reports, s.on_time, s.late, s.missing, s.score, s.trailing_score)
        for s in ComplianceScore.objects.for_distributor(dist_a.pk).order_by("month")
    ]
    assert rows == [
        (D(2025, 1, 1), 1, 1, 0, 0, Decimal("100.0"), Decimal("100.0")),
        (D(2025, 2, 1), 1, 0, 1, 0, Decimal("80.0"), Decimal("90.0")),
        (D(2025, 3, 1), 1, 0, 0, 1, Decimal("0.0"), Decimal("60.0")),
        # Nothing scorable in April yet; its 12 months still hold January to March.
        (D(2025, 4, 1), 0, 0, 0, 0, None, Decimal("60.0")),
    ]
    assert summary.distributors[0].trailing_score == Decimal("60.0")


def test_a_status_change_is_audited_the_first_computation_is_not(dist_a, monthly, users):
    recompute(as_of=D(2025, 4, 5))
    assert not AuditRecord.objects.filter(action="expected_report.status").exists()

    summary = services.recompute(actor=users[Role.CHANNEL_MANAGER], as_of=D(2025, 4, 11), months=6)

    audit = AuditRecord.objects.get(action="expected_report.status")
    march = report(dist_a, MAR[0])
    assert (audit.object_id, audit.actor_label, audit.distributor_id) == (
        str(march.pk),
        "channel_manager",
        dist_a.pk,
    )
    assert audit.changes == {"status": ["due", "missing"], "days_late": [None, 1]}
    assert audit.reason == "Recomputed as of 2025-04-11."
    assert summary.total("changed") == 1


def test_recompute_refuses_bad_arguments(dist_a):
    with pytest.raises(DomainError) as error:
        services.recompute(actor=None, as_of=AS_OF, months=0)
    assert error.value.code == "invalid_value"
    with pytest.raises(DomainError) as error:
        services.recompute(actor=None, as_of="2025-01-01")
    assert error.value.code == "invalid_date"


def test_unknown_distributor_codes_are_named(dist_a):
    assert services.distributor_ids_for_codes(["ALPHA"]) == [dist_a.pk]
    with pytest.raises(DomainError) as error:
        services.distributor_ids_for_codes(["ALPHA", "NOPE"])
    assert error.value.message == "No distributor with code NOPE."


# ─── settings ─────────────────────────────────────────────────────────────────────────────


def test_settings_are_saved_and_audited(dist_a, users):
    manager = users[Role.CHANNEL_MANAGER]

    row = services.update_compliance_settings(
        actor=users[Role.VENDOR_ADMIN],
        distributor=dist_a,
        channel_manager=manager,
        reminders_enabled=False,
        escalate_after_days=10,
        reason="New account owner",
    )

    assert (row.channel_manager, row.reminders_enabled, row.escalate_after_days) == (
        manager,
        False,
        10,
    )
    audit = AuditRecord.objects.get(action="compliance_settings.update")
    assert audit.changes == {
        "channel_manager": [None, manager.pk],
        "reminders_enabled": [None, False],
        "escalate_after_days": [None, 10],
    }
    assert audit.reason == "New account owner"


@pytest.mark.parametrize(
    ("role", "days", "field"),
    [
        (Role.ANALYST, 7, "channel_manager"),
        (Role.DISTRIBUTOR_USER, 7, "channel_manager"),
        (Role.CHANNEL_MANAGER, 1, "escalate_after_days"),
        (Role.CHANNEL_MANAGER, 61, "escalate_after_days"),
    ],
)
def test_settings_refuse_a_wrong_channel_manager_or_delay(dist_a, users, role, days, field):
    with pytest.raises(DomainError) as error:
        services.update_compliance_settings(
            actor=users[Role.VENDOR_ADMIN],
            distributor=dist_a,
            channel_manager=users[role],
            reminders_enabled=True,
            escalate_after_days=days,
        )
    assert error.value.field == field
    assert not DistributorCompliance.objects.unscoped().exists()
    assert not AuditRecord.objects.filter(action="compliance_settings.update").exists()


def test_escalations_go_to_the_named_manager_else_every_channel_manager(dist_a, users):
    row = services.settings_for(dist_a)
    assert services.escalation_recipients(row) == ["channel_manager@example.com"]
    row.channel_manager = users[Role.VENDOR_ADMIN]
    assert services.escalation_recipients(row) == ["vendor_admin@example.com"]
