"""The vendor compliance pages: heat map, expected reports, detail, scores, settings, recompute."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from midstream.accounts.choices import DISTRIBUTOR_ROLES, VENDOR_ROLES, Role
from midstream.compliance import services
from midstream.compliance.models import (
    DistributorCompliance,
    ExpectedReport,
    JobRun,
    ReminderSent,
)
from midstream.compliance.tests.factories import (
    at,
    make_family,
    make_issue,
    make_product,
    make_rollup,
    make_sellin,
    make_submission,
)
from midstream.core.models import AuditRecord
from midstream.partners.tests.factories import make_contact, make_distributor, make_obligation

pytestmark = pytest.mark.django_db

D = dt.date
AS_OF = D(2025, 4, 15)
HEAT_MAP = reverse("compliance:heat_map")
LIST = reverse("compliance:expected_list")
SCORES = reverse("compliance:score_list")
SETTINGS = reverse("compliance:settings_list")
RECOMPUTE = reverse("compliance:recompute")
RANGE = "start=2025-01&end=2025-04"


def build(distributor, *, on_time=True):
    """January on time (or late), February late, March missing, April upcoming."""
    make_obligation(distributor, report_type="sell_through", frequency="monthly", due_days=10)
    product = make_product(make_family("NET", "Networking"))
    january = make_submission(
        distributor,
        start=D(2025, 1, 1),
        end=D(2025, 1, 31),
        received=D(2025, 2, 5) if on_time else D(2025, 2, 20),
    )
    make_rollup(january, product, 60)
    february = make_submission(
        distributor, start=D(2025, 2, 1), end=D(2025, 2, 28), received=D(2025, 3, 12)
    )
    make_rollup(february, product, 90)
    for month in (1, 2, 3):
        make_sellin(distributor, product, D(2025, month, 10), 100)
    rejected = make_submission(
        distributor,
        start=D(2025, 3, 1),
        end=D(2025, 3, 31),
        received=D(2025, 4, 9),
        status="rejected",
        failure="",
    )
    make_issue(rejected, code="unknown_product", message="No product matches X-1.", line_count=4)
    return january, february, rejected


@pytest.fixture
def data(dist_a, dist_b):
    alpha = build(dist_a)
    bravo = build(dist_b, on_time=False)
    services.recompute(actor=None, as_of=AS_OF, months=6)
    return alpha, bravo


def expected(distributor, month):
    return ExpectedReport.objects.for_distributor(distributor.pk).get(
        period_start=D(2025, month, 1)
    )


# ─── heat map ─────────────────────────────────────────────────────────────────────────────


def cells(response):
    return [
        (row.distributor.code, [cell.status for cell in row.cells])
        for row in response.context["rows"]
    ]


@pytest.mark.parametrize("role", sorted(VENDOR_ROLES))
def test_the_heat_map_shows_every_distributor_by_month(client_for, data, role):
    response = client_for(role).get(f"{HEAT_MAP}?{RANGE}")

    assert response.status_code == 200
    assert cells(response) == [
        ("ALPHA", ["on_time", "late", "missing", "upcoming"]),
        ("BRAVO", ["late", "late", "missing", "upcoming"]),
    ]
    content = response.content.decode()
    assert 'class="cell st-missing"' in content
    assert "On time · 1" in content  # the legend counts


def test_a_heat_map_cell_links_to_the_submission_or_the_expected_report(client_for, data):
    (january, _february, _rejected), _bravo = data
    response = client_for(Role.ANALYST).get(f"{HEAT_MAP}?{RANGE}")

    alpha = response.context["rows"][0]
    assert alpha.cells[0].url == reverse("ingest:submission_detail", args=[january.pk])
    march = expected(alpha.distributor, 3)
    assert alpha.cells[2].url == reverse("compliance:expected_detail", args=[march.pk])
    assert alpha.cells[2].title == "Sell-through 2025-03: missing (5 d)"


def test_several_reports_in_a_month_link_to_the_filtered_list(client_for, dist_a):
    make_obligation(dist_a, report_type="sell_through", frequency="weekly", due_days=3)
    services.recompute(actor=None, as_of=AS_OF, months=6)

    response = client_for(Role.ANALYST).get(f"{HEAT_MAP}?start=2025-02&end=2025-02")

    [cell] = response.context["rows"][0].cells
    assert len(cell.reports) == 4
    assert cell.url == f"{LIST}?distributor={dist_a.pk}&month=2025-02-01"


def test_the_heat_map_says_when_the_workers_last_ran(client_for, data):
    client = client_for(Role.CHANNEL_MANAGER)
    assert "(they have not run yet)" in client.get(HEAT_MAP).content.decode()
    JobRun.objects.create(
        name="compliance",
        runs=1,
        last_started_at=at(D(2025, 4, 15), 9),
        last_result="as of 2025-04-15: 2 distributors",
    )

    content = client.get(HEAT_MAP).content.decode()

    assert "(last started 2025-04-15 09:00; last result as of 2025-04-15: 2 distributors)" in (
        content
    )


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("status=on_time", ["ALPHA"]),
        ("status=late", ["ALPHA", "BRAVO"]),
        ("status=incomplete", []),
        ("region=EMEA", ["BRAVO"]),
        ("report_type=inventory", []),
        # Not a month offered: the default start, 11 months before the end.
        ("start=2026-13&end=2025-04", ["ALPHA", "BRAVO"]),
    ],
)
def test_heat_map_filters(client_for, data, query, codes, settings):
    response = client_for(Role.ANALYST).get(f"{HEAT_MAP}?{RANGE}&{query}")
    assert [code for code, _cells in cells(response)] == codes


def test_the_heat_map_is_paginated_over_distributors(client_for, data):
    for number in range(26):
        extra = make_distributor(f"X{number:02d}")
        make_obligation(extra)
    services.recompute(actor=None, as_of=AS_OF, months=6)

    first = client_for(Role.ANALYST).get(f"{HEAT_MAP}?{RANGE}")
    second = client_for(Role.ANALYST).get(f"{HEAT_MAP}?{RANGE}&page=2")

    assert len(first.context["rows"]) == 25
    assert [code for code, _ in cells(second)] == ["X23", "X24", "X25"]
    assert '?start=2025-01&amp;end=2025-04&amp;page=2"' in first.content.decode()


@pytest.mark.parametrize("extra", [0, 5])
def test_the_heat_map_runs_a_fixed_number_of_queries(
    client_for, data, extra, django_assert_num_queries
):
    for number in range(extra):
        make_obligation(make_distributor(f"X{number:02d}"))
    services.recompute(actor=None, as_of=AS_OF, months=6)
    client = client_for(Role.CHANNEL_MANAGER)
    # session, user, months (filter), count, page of distributors, reports, scores,
    # status counts, job runs
    with django_assert_num_queries(9):
        response = client.get(f"{HEAT_MAP}?{RANGE}")
    assert len(response.context["rows"]) == 2 + extra


@pytest.mark.parametrize("role", sorted(DISTRIBUTOR_ROLES))
def test_distributor_roles_use_the_portal_not_the_vendor_pages(client_for, data, role):
    client = client_for(role)
    for url in (HEAT_MAP, LIST, SCORES, reverse("compliance:expected_detail", args=[1])):
        assert client.get(url).status_code == 403


# ─── expected reports ─────────────────────────────────────────────────────────────────────


def listed(response):
    return [
        (row[1]["value"], row[4]["value"], row[6]["value"])
        for row in response.context["listing"].rows
    ]


def test_the_expected_report_list_filters_and_sorts(client_for, data, dist_b):
    client = client_for(Role.ANALYST)

    response = client.get(f"{LIST}?status=late&sort=period")
    assert listed(response) == [
        ("BRAVO", "2025-01", "Late"),
        ("ALPHA", "2025-02", "Late"),
        ("BRAVO", "2025-02", "Late"),
    ]
    response = client.get(f"{LIST}?distributor={dist_b.pk}&month=2025-03-01")
    assert listed(response) == [("BRAVO", "2025-03", "Missing")]
    response = client.get(f"{LIST}?q=alpha&report_type=sell_through&sort=-due_date")
    assert [row[1] for row in listed(response)] == ["2025-04", "2025-03", "2025-02", "2025-01"]


def test_the_expected_report_list_exports_with_estimates_marked(client_for, data):
    response = client_for(Role.ANALYST).get(f"{LIST}?export=csv&status=missing&sort=distributor")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:8] == [
        "#",
        "Distributor",
        "Report",
        "Frequency",
        "Period",
        "Due",
        "Status",
        "Days late",
    ]
    assert rows[0][-1] == "Estimated sell-through"
    assert [(row[1], row[4], row[6], row[7], row[-1]) for row in rows[1:]] == [
        ("ALPHA", "2025-03", "Missing", "5", "≈ 75 units (estimate)"),
        ("BRAVO", "2025-03", "Missing", "5", "≈ 75 units (estimate)"),
    ]


@pytest.mark.parametrize("extra", [0, 6])
def test_the_list_runs_a_fixed_number_of_queries(
    client_for, data, extra, django_assert_num_queries
):
    for number in range(extra):
        make_obligation(make_distributor(f"X{number:02d}"))
    services.recompute(actor=None, as_of=AS_OF, months=6)
    client = client_for(Role.ANALYST)
    # session, user, distributors (filter), months (filter), count, page
    with django_assert_num_queries(6):
        response = client.get(LIST)
    assert response.context["listing"].total == 8 + 4 * extra


def test_the_detail_shows_status_timeline_reminders_and_the_estimate(client_for, data, dist_a):
    march = expected(dist_a, 3)
    ReminderSent.objects.unscoped().create(
        distributor=dist_a,
        expected_report=march,
        stage="overdue",
        status="sent",
        recipients=["pat@alpha.example"],
        subject="Overdue: your report",
        claimed_at=at(D(2025, 4, 11), 6),
        sent_at=at(D(2025, 4, 11), 6),
    )

    response = client_for(Role.ANALYST).get(reverse("compliance:expected_detail", args=[march.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "5 days overdue" in content
    assert "≈ 75 units</strong> — an estimate of what the missing report would show" in content
    assert "Sell-in 100 \u00d7 0.7500" in content
    assert [event.label for event in response.context["timeline"]] == [
        "Period ended",
        f"Submission #{march.rejected_submission_id} received: Rejected",
        "Due date (10 days)",
        "Reminder overdue: sent",
    ]
    assert "pat@alpha.example" in content
    assert "Recompute ALPHA as of today" not in content  # analysts do not manage


def test_the_detail_of_a_missing_report_is_404(client_for, data):
    assert (
        client_for(Role.ANALYST)
        .get(reverse("compliance:expected_detail", args=[999999]))
        .status_code
        == 404
    )


# ─── scores ───────────────────────────────────────────────────────────────────────────────


def test_the_score_list_and_its_query_count(client_for, data, django_assert_num_queries):
    client = client_for(Role.FINANCE)
    # session, user, distributors (filter), months (filter), count, page
    with django_assert_num_queries(6):
        response = client.get(f"{SCORES}?month=2025-02-01&sort=distributor")
    assert [[cell["value"] for cell in row] for row in response.context["listing"].rows] == [
        ["ALPHA", "2025-02", 1, 0, 1, 0, 0, Decimal("90.0"), Decimal("95.0")],
        ["BRAVO", "2025-02", 1, 0, 1, 0, 0, Decimal("90.0"), Decimal("70.0")],
    ]


def test_scores_export(client_for, data):
    response = client_for(Role.ANALYST).get(
        f"{SCORES}?export=csv&month=2025-03-01&sort=distributor"
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[1:] == [
        ["ALPHA", "2025-03", "1", "0", "0", "0", "1", "0.0", "63.3"],
        ["BRAVO", "2025-03", "1", "0", "0", "0", "1", "0.0", "46.7"],
    ]


# ─── settings ─────────────────────────────────────────────────────────────────────────────


def test_settings_list_shows_defaults_and_saved_settings(client_for, data, dist_b, users):
    make_contact(dist_b, email="b1@bravo.example")
    make_contact(dist_b, email="b2@bravo.example", receives_reminders=False)
    DistributorCompliance.objects.unscoped().create(
        distributor=dist_b,
        channel_manager=users[Role.CHANNEL_MANAGER],
        reminders_enabled=False,
        escalate_after_days=12,
    )

    response = client_for(Role.CHANNEL_MANAGER).get(SETTINGS)

    assert [[cell["value"] for cell in row] for row in response.context["listing"].rows] == [
        ["ALPHA", "Alpha Distribution Inc", "Active", "yes", 7, "every channel manager", 0],
        ["BRAVO", "Bravo Distribution GmbH", "Active", "no", 12, "channel_manager", 1],
    ]


@pytest.mark.parametrize("extra", [0, 4])
def test_settings_list_runs_a_fixed_number_of_queries(
    client_for, dist_a, extra, django_assert_num_queries
):
    for number in range(extra):
        DistributorCompliance.objects.unscoped().create(
            distributor=make_distributor(f"X{number:02d}")
        )
    client = client_for(Role.VENDOR_ADMIN)
    # session, user, count, page (settings and channel managers joined)
    with django_assert_num_queries(4):
        assert client.get(SETTINGS).status_code == 200


def test_settings_edit_saves_through_the_service(client_for, dist_a, users):
    url = reverse("compliance:settings_edit", args=[dist_a.pk])
    client = client_for(Role.CHANNEL_MANAGER)
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "channel_manager": users[Role.VENDOR_ADMIN].pk,
            "escalate_after_days": "5",
            "reason": "Escalate faster",
        },
    )

    assert response.status_code == 302
    row = DistributorCompliance.objects.for_distributor(dist_a.pk).get()
    assert (row.channel_manager_id, row.reminders_enabled, row.escalate_after_days) == (
        users[Role.VENDOR_ADMIN].pk,
        False,
        5,
    )
    assert AuditRecord.objects.get(action="compliance_settings.update").reason == "Escalate faster"


def test_settings_edit_shows_errors_and_changes_nothing(client_for, dist_a, users):
    url = reverse("compliance:settings_edit", args=[dist_a.pk])

    response = client_for(Role.CHANNEL_MANAGER).post(
        url, {"channel_manager": users[Role.ANALYST].pk, "escalate_after_days": "1"}
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"channel_manager", "escalate_after_days"}
    assert not DistributorCompliance.objects.unscoped().exists()


@pytest.mark.parametrize("role", [Role.ANALYST, Role.FINANCE, Role.DISTRIBUTOR_ADMIN])
def test_only_managers_change_settings(client_for, dist_a, role):
    url = reverse("compliance:settings_edit", args=[dist_a.pk])

    response = client_for(role).post(url, {"escalate_after_days": "5"})

    assert response.status_code == 403
    assert not DistributorCompliance.objects.unscoped().exists()
    assert client_for(role).get(SETTINGS).status_code == 403


# ─── recompute ────────────────────────────────────────────────────────────────────────────


def test_recompute_now_from_the_heat_map(client_for, dist_a, dist_b):
    make_obligation(dist_a)

    response = client_for(Role.CHANNEL_MANAGER).post(
        RECOMPUTE, {"as_of": "2025-04-15", "next": f"{HEAT_MAP}?{RANGE}"}, follow=True
    )

    assert response.redirect_chain == [(f"{HEAT_MAP}?{RANGE}", 302)]
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("Recomputed as of 2025-04-15: 2 distributors, 4 reports added")
    assert ExpectedReport.objects.for_distributor(dist_a.pk).count() == 4


def test_recompute_one_distributor_and_send_its_reminders(client_for, dist_a, dist_b):
    make_obligation(dist_a, due_days=10)
    make_obligation(dist_b, due_days=10)
    make_contact(dist_a, email="zoe@alpha.example")
    make_contact(dist_b, email="bob@bravo.example")

    response = client_for(Role.VENDOR_ADMIN).post(
        RECOMPUTE,
        {"as_of": "2025-04-10", "distributor": dist_a.pk, "send_reminders": "on"},
    )

    assert response.status_code == 302
    assert response["Location"] == HEAT_MAP
    assert ExpectedReport.objects.for_distributor(dist_b.pk).count() == 0
    assert [email.to for email in mail.outbox] == [["zoe@alpha.example"]]


def test_recompute_never_redirects_elsewhere(client_for, dist_a):
    response = client_for(Role.CHANNEL_MANAGER).post(RECOMPUTE, {"next": "https://evil.example/"})
    assert response["Location"] == HEAT_MAP


@pytest.mark.parametrize("role", [Role.ANALYST, Role.PRICING_MANAGER, Role.DISTRIBUTOR_USER])
def test_recompute_is_refused_without_manage_compliance(client_for, dist_a, role):
    make_obligation(dist_a)

    response = client_for(role).post(RECOMPUTE, {"as_of": "2025-04-15"})

    assert response.status_code == 403
    assert not ExpectedReport.objects.unscoped().exists()


def test_recompute_refuses_a_get(client_for, dist_a):
    assert client_for(Role.CHANNEL_MANAGER).get(RECOMPUTE).status_code == 405
