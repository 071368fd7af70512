"""Reminder e-mails: stages, recipients, content, at most once per report and stage."""

import datetime as dt
import threading
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, connection, transaction

from midstream.accounts.choices import Role
from midstream.compliance import services
from midstream.compliance.models import DistributorCompliance, ExpectedReport, ReminderSent
from midstream.compliance.reminders import send_reminders
from midstream.compliance.tests.factories import (
    at,
    make_family,
    make_product,
    make_rollup,
    make_sellin,
    make_submission,
)
from midstream.partners.tests.factories import make_contact, make_obligation

D = dt.date
MARCH = D(2025, 3, 1)
DUE = D(2025, 4, 10)


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPException("mail server down")


@pytest.fixture
def alpha(dist_a):
    make_obligation(dist_a, report_type="sell_through", frequency="monthly", due_days=10)
    make_contact(dist_a, name="Zoe Primary", email="zoe@alpha.example", is_primary=True)
    make_contact(dist_a, name="Al Other", email="al@alpha.example")
    make_contact(dist_a, name="No Mail", email="quiet@alpha.example", receives_reminders=False)
    return dist_a


def remind(as_of: dt.date, **options):
    services.recompute(actor=None, as_of=as_of, months=3)
    return send_reminders(actor=None, as_of=as_of, **options)


def sent(distributor):
    return list(
        ReminderSent.objects.for_distributor(distributor.pk)
        .order_by("claimed_at", "pk")
        .values_list("expected_report__period_start", "stage", "status", "recipients")
    )


pytestmark = pytest.mark.django_db


def test_before_the_due_date_the_contacts_get_a_reminder(alpha, settings):
    settings.MIDSTREAM_BASE_URL = "https://midstream.example.com/"

    summary = remind(D(2025, 4, 7))

    assert summary.as_dict() == {
        "sent": 1,
        "failed": 0,
        "already_claimed": 0,
        "no_recipients": 0,
        "by_stage": {"before_due": 1},
    }
    [email] = mail.outbox
    assert email.to == ["zoe@alpha.example", "al@alpha.example"]
    assert email.subject == "Reminder: your sell-through report for 2025-03 is due on 2025-04-10"
    assert "is due on 2025-04-10, in 3 days." in email.body
    assert "Upload it here: https://midstream.example.com/portal/upload/" in email.body
    assert "https://midstream.example.com/portal/calendar/" in email.body
    [(html, content_type)] = email.alternatives
    assert content_type == "text/html"
    assert 'href="https://midstream.example.com/portal/upload/"' in html
    assert sent(alpha) == [(MARCH, "before_due", "sent", ["zoe@alpha.example", "al@alpha.example"])]
    reminder = ReminderSent.objects.for_distributor(alpha.pk).get()
    assert reminder.subject == email.subject
    assert reminder.sent_at is not None


def test_the_same_stage_is_never_sent_twice(alpha):
    remind(D(2025, 4, 7))
    summary = remind(D(2025, 4, 8))

    assert (summary.sent, summary.already_claimed) == (0, 1)
    assert len(mail.outbox) == 1
    assert len(sent(alpha)) == 1


def test_due_overdue_and_escalated_stages(alpha, users):
    product = make_product(make_family("NET"))
    for start, end, units in [
        (D(2025, 1, 1), D(2025, 1, 31), 60),
        (D(2025, 2, 1), D(2025, 2, 28), 90),
    ]:
        submission = make_submission(alpha, start=start, end=end, received=end)
        make_rollup(submission, product, units)
        make_sellin(alpha, product, start, 100)
    make_sellin(alpha, product, MARCH, 40)
    for day in (D(2025, 4, 10), D(2025, 4, 11), D(2025, 4, 12), D(2025, 4, 17)):
        remind(day)

    assert [(stage, recipients) for _start, stage, _status, recipients in sent(alpha)] == [
        ("due", ["zoe@alpha.example", "al@alpha.example"]),
        ("overdue", ["zoe@alpha.example", "al@alpha.example"]),
        ("escalated", ["channel_manager@example.com"]),
    ]
    due, overdue, escalated = mail.outbox
    assert due.subject == "Due today: your sell-through report for 2025-03"
    assert overdue.subject == (
        "Overdue: your sell-through report for 2025-03 was due on 2025-04-10"
    )
    assert "it is 1 day overdue" in overdue.body
    assert (
        escalated.subject == "Escalation: ALPHA's sell-through report for 2025-03 is 7 days overdue"
    )
    assert "Reminders already sent to the distributor's contacts for this report: 2." in (
        escalated.body
    )
    report = ExpectedReport.objects.for_distributor(alpha.pk).get(period_start=MARCH)
    assert f"http://127.0.0.1:8000/compliance/reports/{report.pk}/" in escalated.body
    assert (
        "Estimated sell-through (an estimate, not reported): about 30 units (Sell-in times the "
        "trailing sell-through ratio)." in escalated.body
    )
    assert "<em>Estimate, not reported:</em> about 30 units" in escalated.alternatives[0][0]
    assert "Estimated" not in overdue.body


def test_escalation_goes_to_the_distributors_channel_manager(alpha, users):
    DistributorCompliance.objects.unscoped().create(
        distributor=alpha, channel_manager=users[Role.VENDOR_ADMIN], escalate_after_days=3
    )

    remind(D(2025, 4, 13))

    assert sent(alpha) == [(MARCH, "escalated", "sent", ["vendor_admin@example.com"])]


def test_a_delivered_report_gets_no_reminder(alpha):
    make_submission(alpha, start=MARCH, end=D(2025, 3, 31), received=D(2025, 4, 2))

    summary = remind(D(2025, 4, 10))

    assert summary.sent == 0
    assert mail.outbox == []


def test_a_report_being_processed_gets_no_reminder(alpha):
    make_submission(
        alpha, start=MARCH, end=D(2025, 3, 31), received=D(2025, 4, 9), status="parsing"
    )

    remind(D(2025, 4, 10))

    assert mail.outbox == []


def test_reminders_can_be_switched_off_per_distributor(alpha):
    DistributorCompliance.objects.unscoped().create(distributor=alpha, reminders_enabled=False)

    remind(D(2025, 4, 10))

    assert mail.outbox == []
    assert sent(alpha) == []


@pytest.mark.parametrize("status", ["prospect", "terminated"])
def test_prospects_and_terminated_distributors_are_not_reminded(alpha, status):
    alpha.status = status
    alpha.save()

    remind(D(2025, 4, 10))

    assert mail.outbox == []


def test_without_contacts_nothing_is_sent_or_recorded(dist_a):
    make_obligation(dist_a, report_type="sell_through", frequency="monthly", due_days=10)

    summary = remind(D(2025, 4, 10))

    assert (summary.sent, summary.no_recipients) == (0, 1)
    assert sent(dist_a) == []


def test_only_the_distributors_asked_for(alpha, dist_b):
    make_obligation(dist_b, report_type="sell_through", frequency="monthly", due_days=10)
    make_contact(dist_b, email="bob@bravo.example")

    remind(D(2025, 4, 10), distributor_ids=[dist_b.pk])

    assert [email.to for email in mail.outbox] == [["bob@bravo.example"]]


def test_a_failed_send_is_recorded_and_tried_again(alpha, settings):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"

    summary = remind(D(2025, 4, 10))

    assert (summary.sent, summary.failed) == (0, 1)
    reminder = ReminderSent.objects.for_distributor(alpha.pk).get()
    assert (reminder.status, reminder.error, reminder.attempts) == (
        "failed",
        "SMTPException: mail server down",
        1,
    )

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    summary = remind(D(2025, 4, 10))

    assert summary.sent == 1
    reminder.refresh_from_db()
    assert (reminder.status, reminder.error, reminder.attempts) == ("sent", "", 2)
    assert len(mail.outbox) == 1


def test_the_database_refuses_a_second_reminder_for_one_stage(alpha):
    remind(D(2025, 4, 10))
    report = ExpectedReport.objects.for_distributor(alpha.pk).get(period_start=MARCH)

    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSent.objects.unscoped().create(
            distributor=alpha,
            expected_report=report,
            stage="due",
            recipients=["x@example.com"],
            subject="again",
            claimed_at=at(D(2025, 4, 10)),
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="threads need separate PostgreSQL connections"
)
def test_workers_sending_at_the_same_moment_send_each_stage_once(alpha):
    from django.db import connections

    services.recompute(actor=None, as_of=D(2025, 4, 10), months=3)
    runs = 4
    barrier = threading.Barrier(runs)
    summaries, errors = [], []

    def work():
        try:
            barrier.wait()
            summaries.append(send_reminders(actor=None, as_of=D(2025, 4, 10)))
        except Exception as error:  # a failure must fail the test, not vanish in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(summary.sent for summary in summaries) == [0, 0, 0, 1]
    assert sum(summary.already_claimed for summary in summaries) == runs - 1
    assert len(mail.outbox) == 1
    assert [stage for _start, stage, _status, _to in sent(alpha)] == ["due"]
