"""``midstream compliance --as-of DATE [--distributor CODE] [--send-reminders]``."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from midstream.compliance.models import ExpectedReport
from midstream.compliance.tests.factories import make_submission
from midstream.partners.tests.factories import make_contact, make_obligation

pytestmark = pytest.mark.django_db

D = dt.date


def run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("compliance", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.fixture
def data(dist_a, dist_b):
    make_obligation(dist_a, due_days=10)
    make_obligation(dist_b, due_days=10, active_from=D(2025, 3, 1))
    make_submission(dist_a, start=D(2025, 1, 1), end=D(2025, 1, 31), received=D(2025, 2, 3))
    make_contact(dist_a, email="zoe@alpha.example")


def test_the_command_prints_a_summary(data):
    lines = run("--as-of", "2025-04-15", "--months", "6")

    assert lines == [
        "Compliance as of 2025-04-15 (periods ending 2024-10-01 to 2025-05-16): 2 distributors, "
        "6 expected reports added, 0 withdrawn, 0 removed, 0 changed status.",
        "distributor  upcoming  due  on_time  late  incomplete  missing  withdrawn  12-month score",
        "ALPHA        1         0    1        0     0           2        0          33.3%",
        "BRAVO        1         0    0        0     0           1        0          0.0%",
        "total        2         0    1        0     0           3        0",
    ]


def test_one_distributor_and_its_reminders(data, dist_b):
    lines = run("--as-of", "2025-04-10", "--distributor", "ALPHA", "--send-reminders")

    assert lines[0].endswith(
        "1 distributor, 4 expected reports added, 0 withdrawn, 0 removed, 0 changed status."
    )
    assert [line.split()[0] for line in lines[2:]] == ["ALPHA", "total", "Reminders:"]
    assert lines[-1] == (
        "Reminders: 1 sent (1 due), 0 failed, 0 already sent or claimed, 0 without recipients."
    )
    assert [email.to for email in mail.outbox] == [["zoe@alpha.example"]]
    assert not ExpectedReport.objects.for_distributor(dist_b.pk).exists()


def test_an_unknown_distributor_is_an_error(data):
    with pytest.raises(CommandError, match=r"No distributor with code NOPE\."):
        run("--distributor", "NOPE")
    assert not ExpectedReport.objects.unscoped().exists()


def test_a_bad_date_is_an_error(data):
    with pytest.raises(CommandError, match="'15/04/2025' is not a date"):
        run("--as-of", "15/04/2025")
