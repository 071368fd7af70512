"""The compliance API: expected reports, scores, recompute, settings."""

import datetime as dt
import json

import pytest
from django.core import mail

from midstream.accounts.choices import Role
from midstream.compliance import services
from midstream.compliance.models import DistributorCompliance, ExpectedReport, ReminderSent
from midstream.compliance.tests.factories import at, make_submission
from midstream.core.models import AuditRecord
from midstream.partners.tests.factories import make_contact, make_distributor, make_obligation

pytestmark = pytest.mark.django_db

D = dt.date
BASE = "/api/compliance"
AS_OF = D(2025, 4, 15)


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def put(client, url, body):
    return client.put(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def data(dist_a, dist_b):
    for distributor in (dist_a, dist_b):
        make_obligation(distributor, due_days=10)
    make_submission(dist_a, start=D(2025, 1, 1), end=D(2025, 1, 31), received=D(2025, 2, 3))
    services.recompute(actor=None, as_of=AS_OF, months=6)


def report(distributor, month):
    return ExpectedReport.objects.for_distributor(distributor.pk).get(
        period_start=D(2025, month, 1)
    )


@pytest.mark.parametrize("extra", [0, 3])
def test_the_list_is_paginated_with_a_fixed_number_of_queries(
    api_client_for, data, extra, django_assert_num_queries
):
    for number in range(extra):
        make_obligation(make_distributor(f"X{number}"))
    services.recompute(actor=None, as_of=AS_OF, months=6)
    client = api_client_for(Role.ANALYST)
    # token lookup, token last-used stamp, count, page
    with django_assert_num_queries(4):
        response = client.get(f"{BASE}/expected-reports?page_size=3")
    body = response.json()
    assert body["count"] == 8 + 4 * extra
    assert len(body["items"]) == 3


def test_the_list_filters(api_client_for, data, dist_a):
    client = api_client_for(Role.ANALYST)

    body = client.get(
        f"{BASE}/expected-reports?distributor=ALPHA&status=missing&period_to=2025-03-31"
    ).json()

    assert [
        (item["period_start"], item["status"], item["days_late"]) for item in body["items"]
    ] == [
        ("2025-03-01", "missing", 5),
        ("2025-02-01", "missing", 36),
    ]
    item = body["items"][0]
    assert (item["distributor_code"], item["estimate_method"], item["estimate_quantity"]) == (
        "ALPHA",
        "none",
        None,
    )
    body = client.get(
        f"{BASE}/expected-reports?distributor_id={dist_a.pk}&status=on_time&period_from=2025-01-01"
    ).json()
    assert [(i["period_start"], i["submission_id"] is not None) for i in body["items"]] == [
        ("2025-01-01", True)
    ]


def test_bad_filters_are_422(api_client_for, data):
    client = api_client_for(Role.ANALYST)
    assert client.get(f"{BASE}/expected-reports?status=late-ish").status_code == 422
    assert client.get(f"{BASE}/expected-reports?period_from=2025-13-01").status_code == 422


def test_a_distributor_login_sees_only_its_own(api_client_for, data, dist_a, dist_b):
    client = api_client_for(Role.DISTRIBUTOR_USER)

    body = client.get(f"{BASE}/expected-reports").json()

    assert {item["distributor_code"] for item in body["items"]} == {"ALPHA"}
    foreign = report(dist_b, 3)
    assert client.get(f"{BASE}/expected-reports/{foreign.pk}").status_code == 404
    assert client.get(f"{BASE}/expected-reports?distributor=BRAVO").json()["count"] == 0


def test_the_detail_hides_escalations_from_the_distributor(api_client_for, data, dist_a):
    march = report(dist_a, 3)
    for stage, day in (("overdue", 11), ("escalated", 14)):
        ReminderSent.objects.unscoped().create(
            distributor=dist_a,
            expected_report=march,
            stage=stage,
            status="sent",
            recipients=[f"{stage}@example.com"],
            subject=stage,
            claimed_at=at(D(2025, 4, day)),
            sent_at=at(D(2025, 4, day)),
        )

    vendor = api_client_for(Role.CHANNEL_MANAGER).get(f"{BASE}/expected-reports/{march.pk}")
    own = api_client_for(Role.DISTRIBUTOR_ADMIN).get(f"{BASE}/expected-reports/{march.pk}")

    assert [r["stage"] for r in vendor.json()["reminders"]] == ["overdue", "escalated"]
    assert [r["stage"] for r in own.json()["reminders"]] == ["overdue"]
    assert own.json()["estimate"] == {
        "sell_in": "0",
        "note": "No inventory reports around the period and no reported history to derive a "
        "sell-through ratio from.",
    }


def test_scores_list(api_client_for, data, django_assert_num_queries):
    client = api_client_for(Role.FINANCE)
    with django_assert_num_queries(4):
        body = client.get(f"{BASE}/scores?month_from=2025-01-01&month_to=2025-01-31").json()
    assert [
        (item["distributor_code"], item["month"], item["score"], item["trailing_score"])
        for item in sorted(body["items"], key=lambda item: item["distributor_code"])
    ] == [("ALPHA", "2025-01-01", "100.0", "100.0"), ("BRAVO", "2025-01-01", "0.0", "0.0")]


def test_recompute(api_client_for, data, dist_a):
    make_contact(dist_a, email="zoe@alpha.example")

    response = post(
        api_client_for(Role.CHANNEL_MANAGER),
        f"{BASE}/recompute",
        {"as_of": "2025-04-10", "distributor_id": dist_a.pk, "send_reminders": True, "months": 6},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["as_of"], body["distributors"], body["created"]) == ("2025-04-10", 1, 0)
    assert body["statuses"]["due"] == 1
    assert body["reminders"] == {
        "sent": 1,
        "failed": 0,
        "already_claimed": 0,
        "no_recipients": 0,
        "by_stage": {"due": 1},
    }
    assert [email.to for email in mail.outbox] == [["zoe@alpha.example"]]


@pytest.mark.parametrize("role", [Role.ANALYST, Role.FINANCE, Role.DISTRIBUTOR_ADMIN])
def test_recompute_needs_manage_compliance(api_client_for, dist_a, role):
    make_obligation(dist_a)

    response = post(api_client_for(role), f"{BASE}/recompute", {})

    assert response.status_code == 403
    assert not ExpectedReport.objects.unscoped().exists()


def test_recompute_validates_its_body(api_client_for, dist_a):
    client = api_client_for(Role.VENDOR_ADMIN)
    assert post(client, f"{BASE}/recompute", {"months": 0}).status_code == 422
    assert post(client, f"{BASE}/recompute", {"as_of": "yesterday"}).status_code == 422
    assert post(client, f"{BASE}/recompute", {"distributor_id": 999999}).status_code == 404


def test_settings_read_and_update(api_client_for, dist_a, users):
    client = api_client_for(Role.CHANNEL_MANAGER)
    url = f"{BASE}/settings/{dist_a.pk}"
    assert client.get(url).json() == {
        "distributor_id": dist_a.pk,
        "channel_manager_id": None,
        "reminders_enabled": True,
        "escalate_after_days": 7,
    }

    response = put(
        client,
        url,
        {
            "channel_manager_id": users[Role.CHANNEL_MANAGER].pk,
            "reminders_enabled": False,
            "escalate_after_days": 9,
            "reason": "Quiet period",
        },
    )

    assert response.status_code == 200
    assert response.json()["escalate_after_days"] == 9
    row = DistributorCompliance.objects.for_distributor(dist_a.pk).get()
    assert (row.channel_manager_id, row.reminders_enabled) == (
        users[Role.CHANNEL_MANAGER].pk,
        False,
    )
    assert AuditRecord.objects.filter(action="compliance_settings.update").count() == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"escalate_after_days": 1}, 422, "validation_error"),
        ({"channel_manager_id": 999999}, 400, "invalid_channel_manager"),
    ],
)
def test_settings_update_refuses_bad_values(api_client_for, dist_a, users, body, status, code):
    response = put(api_client_for(Role.VENDOR_ADMIN), f"{BASE}/settings/{dist_a.pk}", body)

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not DistributorCompliance.objects.unscoped().exists()


def test_settings_are_for_vendor_staff(api_client_for, dist_a):
    client = api_client_for(Role.DISTRIBUTOR_ADMIN)
    assert client.get(f"{BASE}/settings/{dist_a.pk}").status_code == 403
    assert put(client, f"{BASE}/settings/{dist_a.pk}", {}).status_code == 403
    assert not DistributorCompliance.objects.unscoped().exists()
