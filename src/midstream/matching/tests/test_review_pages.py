"""Review queue pages and API: listing, filters, export, detail, decisions, undo, access,
pinned query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from midstream.accounts.choices import Role
from midstream.catalog.tests.factories import make_product
from midstream.ingest.models import ReportedReseller, Submission
from midstream.ingest.pipeline import process_submission
from midstream.ingest.submissions import submit_report
from midstream.matching.models import MatchDecision
from midstream.network.models import Reseller, ResellerAlias
from midstream.network.tests.factories import make_reseller
from midstream.sales.tests.factories import make_line

pytestmark = pytest.mark.django_db

HEADER = "Invoice;Line;Date;SKU;Qty;Price;Currency;Customer;City;Country\n"


@pytest.fixture
def nordlicht(dist_a, dist_b):
    widget = make_product(sku="W-1", list_price=Decimal("10.0000"), currency="EUR")
    make_line(dist_a, widget, invoice_number="S-1")
    make_line(dist_b, widget, invoice_number="S-2")
    return make_reseller(
        partner_id="R0000103",
        name="Nordlicht Computer GmbH",
        country="DE",
        city="Hamburg",
        postal_code="20095",
    )


def waiting_file(distributor, names: list[str], invoice="A") -> Submission:
    rows = [
        f"{invoice}{n};1;2026-10-{1 + n % 28:02d};W-1;1;10.00;EUR;{name};Hamburg;DE"
        for n, name in enumerate(names)
    ]
    submission = submit_report(
        actor=None,
        distributor=distributor,
        kind="sell_through",
        file_name=f"{invoice}.csv",
        source="cli",
        content=(HEADER + "\n".join(rows) + "\n").encode(),
        enqueue=False,
    )
    return process_submission(submission.pk)


REVIEW_NAMES = ["Nordlicht Computerhandel", "Nordlicht Computer Vertrieb"]


def test_the_list_shows_waiting_spellings_with_lines_and_submissions(client_for, dist_a, nordlicht):
    waiting_file(dist_a, [REVIEW_NAMES[0], REVIEW_NAMES[0], REVIEW_NAMES[1]])
    waiting_file(dist_a, [REVIEW_NAMES[0]], invoice="B")
    response = client_for(Role.ANALYST).get(reverse("matching:review_list"))
    assert response.status_code == 200
    rows = {
        row[0]["value"]: (row[1]["value"], row[8]["value"], row[9]["value"])
        for row in response.context["listing"].rows
    }
    assert rows == {
        "Nordlicht Computerhandel": ("ALPHA", 3, 2),
        "Nordlicht Computer Vertrieb": ("ALPHA", 1, 1),
    }
    filtered = client_for(Role.ANALYST).get(reverse("matching:review_list"), {"score": "90"})
    assert [row[0]["value"] for row in filtered.context["listing"].rows] == [
        "Nordlicht Computerhandel"
    ]
    export = client_for(Role.ANALYST).get(reverse("matching:review_list"), {"export": "csv"})
    text = b"".join(export.streaming_content).decode()
    assert "Nordlicht Computer Vertrieb" in text


def test_the_list_page_query_count_does_not_grow_with_rows(
    client_for, dist_a, dist_b, nordlicht, django_assert_num_queries
):
    client = client_for(Role.CHANNEL_MANAGER)
    waiting_file(dist_a, [REVIEW_NAMES[0]])
    url = reverse("matching:review_list")
    client.get(url)  # sessions and the like warmed up
    with django_assert_num_queries(6):
        client.get(url)
    waiting_file(dist_b, REVIEW_NAMES, invoice="C")
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(response.context["listing"].rows) == 3


def test_the_detail_shows_candidates_and_other_distributors_spellings(
    client_for, dist_a, dist_b, nordlicht
):
    waiting_file(dist_a, [REVIEW_NAMES[0]])
    other = ReportedReseller.objects.unscoped().create(
        distributor=dist_b,
        key="b-1",
        name="NORDLICHT COMPUTER",
        reseller=nordlicht,
        method="name",
        first_seen_at="2026-10-01T00:00:00Z",
    )
    spelling = ReportedReseller.objects.unscoped().get(name=REVIEW_NAMES[0])
    response = client_for(Role.ANALYST).get(reverse("matching:review_detail", args=[spelling.pk]))
    assert response.status_code == 200
    [candidate] = response.context["candidates"]
    assert (candidate.reseller, candidate.score, candidate.used_by) == (
        nordlicht,
        "95.5",
        (("BRAVO", other.name),),
    )
    assert response.context["can_decide"] is False  # the analyst may look, not decide
    assert b"Accept this one" not in response.content


def test_deciding_on_the_page_and_undoing(client_for, dist_a, nordlicht):
    submission = waiting_file(dist_a, [REVIEW_NAMES[0]])
    spelling = ReportedReseller.objects.unscoped().get(name=REVIEW_NAMES[0])
    client = client_for(Role.CHANNEL_MANAGER)
    url = reverse("matching:review_detail", args=[spelling.pk])
    response = client.post(url, {"action": "pick", "partner_id": "r0000103", "reason": "known"})
    assert response.status_code == 302
    spelling.refresh_from_db()
    assert (spelling.status, spelling.reseller_id) == ("manual", nordlicht.pk)
    submission.refresh_from_db()
    assert submission.status == "received"
    decision = MatchDecision.objects.unscoped().get()
    response = client.post(reverse("matching:review_undo", args=[decision.pk]), {"reason": "no"})
    assert response.status_code == 302
    spelling.refresh_from_db()
    assert (spelling.status, spelling.reseller_id) == ("review", None)
    assert not ResellerAlias.objects.unscoped().exists()


def test_a_wrong_partner_id_is_a_form_error_and_changes_nothing(client_for, dist_a, nordlicht):
    waiting_file(dist_a, [REVIEW_NAMES[0]])
    spelling = ReportedReseller.objects.unscoped().get(name=REVIEW_NAMES[0])
    response = client_for(Role.CHANNEL_MANAGER).post(
        reverse("matching:review_detail", args=[spelling.pk]),
        {"action": "pick", "partner_id": "R9999999"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["partner_id"] == [
        "No reseller has partner id 'R9999999'."
    ]
    spelling.refresh_from_db()
    assert spelling.status == "review"
    assert not MatchDecision.objects.unscoped().exists()


def test_creating_a_reseller_on_the_page(client_for, dist_a, nordlicht):
    waiting_file(dist_a, [REVIEW_NAMES[0]])
    spelling = ReportedReseller.objects.unscoped().get(name=REVIEW_NAMES[0])
    url = reverse("matching:review_detail", args=[spelling.pk])
    page = client_for(Role.VENDOR_ADMIN).get(url)
    assert page.context["new_form"].initial["name"] == "Nordlicht Computerhandel"
    response = client_for(Role.VENDOR_ADMIN).post(
        url,
        {
            "action": "create",
            "new_partner_id": "R0000500",
            "name": "Nordlicht Computerhandel",
            "country": "DE",
            "city": "Hamburg",
        },
    )
    assert response.status_code == 302
    created = Reseller.objects.unscoped().get(partner_id="R0000500")
    spelling.refresh_from_db()
    assert spelling.reseller_id == created.pk


@pytest.mark.parametrize("role", [Role.ANALYST, Role.FINANCE, Role.DISTRIBUTOR_ADMIN])
def test_roles_without_review_matches_cannot_decide(client_for, dist_a, nordlicht, role):
    waiting_file(dist_a, [REVIEW_NAMES[0]])
    spelling = ReportedReseller.objects.unscoped().get(name=REVIEW_NAMES[0])
    response = client_for(role).post(
        reverse("matching:review_detail", args=[spelling.pk]), {"action": "reject"}
    )
    assert response.status_code == 403
    spelling.refresh_from_db()
    assert spelling.status == "review"
    assert not MatchDecision.objects.unscoped().exists()


def test_distributor_users_do_not_see_the_queue(client_for, dist_a, nordlicht):
    waiting_file(dist_a, [REVIEW_NAMES[0]])
    assert (
        client_for(Role.DISTRIBUTOR_ADMIN).get(reverse("matching:review_list")).status_code == 403
    )


# ─── API ─────────────────────────────────────────────────────────────────────────────────


def test_api_list_filters_and_query_count(
    api_client_for, dist_a, dist_b, nordlicht, django_assert_num_queries
):
    client = api_client_for(Role.CHANNEL_MANAGER)
    waiting_file(dist_a, [REVIEW_NAMES[0]])
    client.get("/api/matching/review")
    with django_assert_num_queries(3):
        response = client.get("/api/matching/review")
    waiting_file(dist_b, REVIEW_NAMES, invoice="C")
    with django_assert_num_queries(3):
        response = client.get("/api/matching/review")
    body = response.json()
    assert body["count"] == 3
    assert {(item["distributor_code"], item["name"]) for item in body["items"]} == {
        ("ALPHA", REVIEW_NAMES[0]),
        ("BRAVO", REVIEW_NAMES[0]),
        ("BRAVO", REVIEW_NAMES[1]),
    }
    high = client.get("/api/matching/review", {"min_score": "90", "distributor": dist_b.pk})
    assert [(i["name"], i["score"]) for i in high.json()["items"]] == [(REVIEW_NAMES[0], "95.5")]


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1E+30", "90.55", "101"])
def test_api_malformed_scores_are_422(api_client_for, dist_a, value):
    response = api_client_for(Role.ANALYST).get("/api/matching/review", {"min_score": value})
    assert response.status_code == 422


def test_api_detail_decide_and_undo(api_client_for, dist_a, nordlicht):
    submission = waiting_file(dist_a, [REVIEW_NAMES[0]])
    spelling = ReportedReseller.objects.unscoped().get(name=REVIEW_NAMES[0])
    client = api_client_for(Role.CHANNEL_MANAGER)
    detail = client.get(f"/api/matching/review/{spelling.pk}").json()
    assert detail["status"] == "review"
    assert detail["waiting_submission_ids"] == [submission.pk]
    assert [(c["partner_id"], c["score"]) for c in detail["candidates"]] == [("R0000103", "95.5")]
    response = client.post(
        f"/api/matching/review/{spelling.pk}/decide",
        {"action": "accept", "reseller_id": nordlicht.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    decision = response.json()
    assert (decision["action"], decision["reseller_id"], decision["requeued"]) == (
        "accept",
        nordlicht.pk,
        [submission.pk],
    )
    again = client.post(
        f"/api/matching/review/{spelling.pk}/decide",
        {"action": "reject"},
        content_type="application/json",
    )
    assert again.status_code == 409
    undone = client.post(
        f"/api/matching/review/decisions/{decision['id']}/undo",
        {"reason": "mistake"},
        content_type="application/json",
    )
    assert undone.status_code == 200
    assert undone.json()["undone_at"] is not None
    spelling.refresh_from_db()
    assert spelling.status == "review"


def test_api_decide_is_refused_to_readers_and_changes_nothing(api_client_for, dist_a, nordlicht):
    waiting_file(dist_a, [REVIEW_NAMES[0]])
    spelling = ReportedReseller.objects.unscoped().get(name=REVIEW_NAMES[0])
    response = api_client_for(Role.ANALYST).post(
        f"/api/matching/review/{spelling.pk}/decide",
        {"action": "reject"},
        content_type="application/json",
    )
    assert response.status_code == 403
    spelling.refresh_from_db()
    assert spelling.status == "review"


def test_the_submission_page_says_it_awaits_review_and_links_the_queue(
    client_for, dist_a, nordlicht
):
    submission = waiting_file(dist_a, [REVIEW_NAMES[0]])
    url = reverse("ingest:submission_detail", args=[submission.pk])
    vendor = client_for(Role.ANALYST).get(url)
    assert vendor.context["status_badge"] == "badge-suspended"
    assert vendor.context["review_url"] == (
        f"{reverse('matching:review_list')}?distributor={dist_a.pk}"
    )
    assert b'id="review-note"' in vendor.content
    own = client_for(Role.DISTRIBUTOR_ADMIN).get(url)
    assert b'id="review-note"' in own.content
    assert own.context["review_url"] is None
