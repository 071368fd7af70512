import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from midstream.accounts.choices import Role
from midstream.agreements.models import Agreement, AgreementVersion, DiscountLevel
from midstream.agreements.tests.factories import make_agreement
from midstream.core.models import AuditRecord

pytestmark = pytest.mark.django_db


def state():
    """Everything an agreement write could touch, to show a refused request changed nothing."""
    return (
        list(Agreement.objects.unscoped().order_by("pk").values_list("pk", "number", "title")),
        list(
            AgreementVersion.objects.unscoped()
            .order_by("pk")
            .values_list("pk", "version", "payment_terms", "effective_to")
        ),
        DiscountLevel.objects.unscoped().count(),
        AuditRecord.objects.count(),
    )


def text(response) -> str:
    return response.content.decode()


# list


def test_vendor_list_shows_every_agreement_with_its_version_in_force(client_for, history):
    response = client_for(Role.ANALYST).get("/agreements/")
    assert response.status_code == 200
    body = text(response)
    assert "VPA-2026-001" in body
    assert "VPA-BRAVO-9" in body
    assert 'name="distributor"' in body
    assert "New agreement" not in body  # analysts cannot change agreements


def test_distributor_list_shows_only_its_own_agreements(client_for, history):
    response = client_for(Role.DISTRIBUTOR_USER).get("/agreements/")
    body = text(response)
    assert "VPA-2026-001" in body
    assert "VPA-BRAVO-9" not in body
    assert "Bravo" not in body
    assert 'name="distributor"' not in body  # no distributor filter for distributor users


def test_list_search_filters_and_sort(client_for, history):
    client = client_for(Role.CHANNEL_MANAGER)
    assert "New agreement" in text(client.get("/agreements/"))
    by_code = text(client.get("/agreements/", {"q": "bravo"}))
    assert "VPA-BRAVO-9" in by_code
    assert "VPA-2026-001" not in by_code
    euro = text(client.get("/agreements/", {"currency": "EUR"}))
    assert ("VPA-BRAVO-9" in euro, "VPA-2026-001" in euro) == (True, False)
    alpha = history["alpha"]
    by_distributor = text(client.get("/agreements/", {"distributor": alpha.distributor_id}))
    assert ("VPA-BRAVO-9" in by_distributor, "VPA-2026-001" in by_distributor) == (False, True)
    newest_first = text(client.get("/agreements/", {"sort": "-number"}))
    assert newest_first.index("VPA-BRAVO-9") < newest_first.index("VPA-2026-001")


def test_list_status_filter_uses_today(client_for, history, manager, dist_b, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: dt.date(2027, 3, 1))
    client = client_for(Role.ANALYST)
    in_force = text(client.get("/agreements/", {"status": "yes"}))
    assert ("VPA-BRAVO-9" in in_force, "VPA-2026-001" in in_force) == (True, False)
    ended = text(client.get("/agreements/", {"status": "no"}))
    assert ("VPA-BRAVO-9" in ended, "VPA-2026-001" in ended) == (False, True)


def test_list_export_csv(client_for, history, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: dt.date(2026, 8, 1))
    response = client_for(Role.ANALYST).get("/agreements/", {"export": "csv"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    created = Agreement.objects.unscoped().get(number="VPA-2026-001").created_at.date()
    assert content == [
        "Number,Title,Distributor,In force today,Currency,Versions,Created",
        f"VPA-2026-001,Alpha volume purchase agreement 2026,ALPHA,v3,USD,3,{created}",
        f"VPA-BRAVO-9,Bravo Rahmenvertrag,BRAVO,v1,EUR,1,{created}",
    ]


def test_list_export_xlsx(client_for, history):
    response = client_for(Role.ANALYST).get("/agreements/", {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="agreements.xlsx"'
    assert response.content[:2] == b"PK"


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/agreements/").status_code == 200
    return len(captured)


def test_list_query_count_does_not_grow_with_rows(client_for, manager, dist_a, families):
    client = client_for(Role.CHANNEL_MANAGER)
    for year in range(2000, 2003):
        make_agreement(
            manager,
            dist_a,
            number=f"VPA-{year}",
            effective_from=dt.date(year, 1, 1),
            effective_to=dt.date(year, 12, 31),
        )
    few = _list_queries(client)
    for year in range(2003, 2015):
        make_agreement(
            manager,
            dist_a,
            number=f"VPA-{year}",
            effective_from=dt.date(year, 1, 1),
            effective_to=dt.date(year, 12, 31),
        )
    # session, user, distributor filter choices, count, page
    assert few == _list_queries(client) == 5


# detail, version, diff


def test_detail_highlights_the_version_in_force_on_the_date(client_for, history):
    alpha = history["alpha"]
    client = client_for(Role.DISTRIBUTOR_USER)
    response = client.get(f"/agreements/{alpha.pk}/", {"on": "2026-03-01"})
    assert response.status_code == 200
    body = text(response)
    assert "In force on 2026-03-01: version 1" in body
    assert body.count('aria-current="true"') == 1
    assert "NET" in body and "12.50 %" in body
    assert "Q3 uplift" in body and "Longer payment terms" in body
    assert f"/agreements/{alpha.pk}/diff/?from=2&amp;to=3" in body
    assert "Amend" not in body  # distributor users cannot change agreements
    later = text(client.get(f"/agreements/{alpha.pk}/", {"on": "2026-08-01"}))
    assert "In force on 2026-08-01: version 3" in later
    none = text(client.get(f"/agreements/{alpha.pk}/", {"on": "2027-01-01"}))
    assert "No version in force on 2027-01-01" in none
    bad = text(client.get(f"/agreements/{alpha.pk}/", {"on": "2026-13-45"}))
    assert "is not a date" in bad


def test_foreign_agreement_pages_are_404_for_distributor_users(client_for, history):
    bravo = history["bravo"]
    client = client_for(Role.DISTRIBUTOR_ADMIN)
    for url in [
        f"/agreements/{bravo.pk}/",
        f"/agreements/{bravo.pk}/versions/1/",
        f"/agreements/{bravo.pk}/diff/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client_for(Role.ANALYST).get(f"/agreements/{bravo.pk}/").status_code == 200


def test_version_detail(client_for, history):
    alpha = history["alpha"]
    client = client_for(Role.ANALYST)
    body = text(client.get(f"/agreements/{alpha.pk}/versions/2/"))
    assert "version 2" in body
    assert "15.00 %" in body and "2.50 %" in body
    assert "300,000.00 USD per fiscal quarter" in body
    assert f"/agreements/{alpha.pk}/diff/?from=1&amp;to=2" in body
    assert client.get(f"/agreements/{alpha.pk}/versions/9/").status_code == 404


def test_diff_page_shows_both_versions_side_by_side(client_for, history):
    alpha = history["alpha"]
    response = client_for(Role.ANALYST).get(
        f"/agreements/{alpha.pk}/diff/", {"from": "1", "to": "3"}
    )
    assert response.status_code == 200
    body = text(response)
    assert "version 1 → version 3" in body
    assert "3 terms and 3 discount levels changed." in body
    assert (
        '<tr data-change="changed"><th scope="row">Effective from</th>'
        '<td class="diff-removed">2026-01-01</td><td class="diff-added">2026-07-01</td></tr>'
    ) in body
    assert (
        '<tr data-change="changed"><th scope="row">Payment terms</th>'
        '<td class="diff-removed">Net 30 days</td><td class="diff-added">Net 45 days</td></tr>'
    ) in body
    assert '<tr><th scope="row">Currency</th><td>USD</td><td>USD</td></tr>' in body
    assert body.count('data-change="changed"') == 3 + 1  # three terms, NET
    assert body.count('data-change="added"') == 1  # STO
    assert body.count('data-change="removed"') == 1  # SRV
    assert "Reason for v3:</strong> Longer payment terms" in body


def test_diff_page_defaults_and_refusals(client_for, history):
    alpha = history["alpha"]
    client = client_for(Role.ANALYST)
    default = text(client.get(f"/agreements/{alpha.pk}/diff/"))
    assert "version 2 → version 3" in default
    same = text(client.get(f"/agreements/{alpha.pk}/diff/", {"from": "2", "to": "2"}))
    assert "No differences between version 2 and version 2." in same
    assert client.get(f"/agreements/{alpha.pk}/diff/", {"from": "7"}).status_code == 404
    assert client.get(f"/agreements/{alpha.pk}/diff/", {"to": "x"}).status_code == 404


def test_in_force_lookup(client_for, history):
    client = client_for(Role.ANALYST)
    body = text(client.get("/agreements/in-force/", {"on": "2026-03-01"}))
    assert "Agreements in force on 2026-03-01" in body
    assert ">v1<" in body and "NET 12.50%, SRV 5.00%" in body
    assert "SRV 7.00%" in body
    later = text(client.get("/agreements/in-force/", {"on": "2027-03-01"}))
    assert "VPA-2026-001" not in later and "VPA-BRAVO-9" in later
    own = text(client_for(Role.DISTRIBUTOR_USER).get("/agreements/in-force/", {"on": "2026-03-01"}))
    assert "VPA-2026-001" in own and "VPA-BRAVO-9" not in own


# writes


def discount_rows(*rows, total=3) -> dict:
    data = {
        "discounts-TOTAL_FORMS": str(total),
        "discounts-INITIAL_FORMS": "0",
        "discounts-MIN_NUM_FORMS": "0",
        "discounts-MAX_NUM_FORMS": "1000",
    }
    for index in range(total):
        family, percent = rows[index] if index < len(rows) else ("", "")
        data[f"discounts-{index}-family"] = family
        data[f"discounts-{index}-discount_percent"] = percent
    return data


def create_data(dist, **overrides) -> dict:
    data = {
        "distributor": str(dist.pk),
        "number": "VPA-NEW",
        "title": "New agreement",
        "effective_from": "2027-01-01",
        "effective_to": "",
        "currency": "USD",
        "payment_terms": "net60",
        "commitment_period": "year",
        "commitment_unit": "units",
        "commitment_value": "1200",
        "reason": "Signed at the partner summit",
        **discount_rows(("NET", "10"), ("STO", "3.25")),
    }
    data.update(overrides)
    return data


def test_create_page_creates_version_one(client_for, dist_b, families):
    client = client_for(Role.CHANNEL_MANAGER)
    assert client.get("/agreements/new/").status_code == 200
    response = client.post("/agreements/new/", create_data(dist_b))
    agreement = Agreement.objects.unscoped().get(number="VPA-NEW")
    assert response.status_code == 302
    assert response["Location"] == f"/agreements/{agreement.pk}/"
    version = agreement.versions.get()
    assert (version.version, version.effective_to, version.commitment_unit) == (1, None, "units")
    assert {
        level.family.code: level.discount_percent for level in version.discount_levels.all()
    } == {"NET": Decimal("10.00"), "STO": Decimal("3.25")}
    assert AuditRecord.objects.get(action="agreement.create").reason == (
        "Signed at the partner summit"
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (discount_rows(("NET", "NaN")), "Enter a number."),
        (discount_rows(("NET", "100.01")), "less than or equal to 100"),
        (discount_rows(("NET", "12.345")), "no more than 2 decimal places"),
        (discount_rows(("NET", "5"), ("NET", "6")), "Family NET has more than one discount level."),
        (discount_rows(("NET", "")), "Give the discount for this family."),
        ({"commitment_value": "1E+30"}, "Ensure that there are no more than 18 digits"),
        ({"commitment_value": "-1"}, "greater than or equal to 0"),
        ({"effective_to": "2026-12-31"}, "cannot be before the effective-from date"),
        ({"number": "VPA-2026-001"}, "Agreement VPA-2026-001 exists already."),
    ],
)
def test_create_page_refuses_bad_input_and_writes_nothing(client_for, history, overrides, message):
    dist_b = history["bravo"].distributor
    before = state()
    response = client_for(Role.CHANNEL_MANAGER).post(
        "/agreements/new/", create_data(dist_b, **overrides)
    )
    assert response.status_code == 200
    assert message in text(response)
    assert state() == before


def test_create_page_refuses_an_overlapping_agreement(client_for, history):
    alpha = history["alpha"]
    before = state()
    response = client_for(Role.VENDOR_ADMIN).post(
        "/agreements/new/",
        create_data(alpha.distributor, effective_from="2026-12-01"),
    )
    assert response.status_code == 200
    assert "Agreement VPA-2026-001 of this distributor is in force on 2026-12-01" in text(response)
    assert state() == before


def test_amend_page_starts_from_the_latest_version(client_for, history):
    alpha = history["alpha"]
    client = client_for(Role.CHANNEL_MANAGER)
    body = text(client.get(f"/agreements/{alpha.pk}/amend/"))
    assert "Amend VPA-2026-001 (version 4)" in body
    assert 'name="effective_from" value="2026-07-01"' in body
    assert '<option value="net45" selected>' in body
    assert 'name="commitment_value" value="300000.00"' in body
    assert '<option value="STO" selected>' in body

    data = {
        "effective_from": "2026-10-01",
        "effective_to": "2026-12-31",
        "currency": "USD",
        "payment_terms": "net45",
        "commitment_period": "quarter",
        "commitment_unit": "amount",
        "commitment_value": "300000.00",
        "reason": "Storage push in Q4",
        **discount_rows(("NET", "15.00"), ("STO", "4")),
    }
    response = client.post(f"/agreements/{alpha.pk}/amend/", data)
    assert response.status_code == 302
    version = alpha.versions.get(version=4)
    assert (version.effective_from, version.amendment_reason) == (
        dt.date(2026, 10, 1),
        "Storage push in Q4",
    )
    assert AuditRecord.objects.filter(action="agreement.amend").latest("id").changes == {
        "version": [3, 4],
        "effective_from": ["2026-07-01", "2026-10-01"],
        "discount[STO]": ["2.50", "4.00"],
    }

    before = state()
    unchanged = client.post(f"/agreements/{alpha.pk}/amend/", {**data, "reason": "again"})
    assert "The amendment changes nothing in version 4." in text(unchanged)
    no_reason = client.post(f"/agreements/{alpha.pk}/amend/", {**data, "reason": ""})
    assert "This field is required." in text(no_reason)
    assert state() == before


def test_end_page_records_an_ending_version(client_for, history):
    alpha = history["alpha"]
    client = client_for(Role.VENDOR_ADMIN)
    assert client.get(f"/agreements/{alpha.pk}/end/").status_code == 200
    response = client.post(
        f"/agreements/{alpha.pk}/end/", {"end_date": "2026-09-30", "reason": "Terminated"}
    )
    assert response.status_code == 302
    ending = alpha.versions.get(version=4)
    assert (ending.ends_agreement, ending.effective_to) == (True, dt.date(2026, 9, 30))
    before = state()
    again = client.post(
        f"/agreements/{alpha.pk}/end/", {"end_date": "2027-06-30", "reason": "again"}
    )
    assert "No version is in force on 2027-06-30" in text(again)
    assert state() == before


@pytest.mark.parametrize("role", [Role.DISTRIBUTOR_ADMIN, Role.DISTRIBUTOR_USER, Role.ANALYST])
def test_roles_without_change_permission_get_403_and_nothing_changes(client_for, history, role):
    alpha = history["alpha"]
    client = client_for(role)
    before = state()
    assert client.get("/agreements/new/").status_code == 403
    assert client.post("/agreements/new/", create_data(alpha.distributor)).status_code == 403
    assert client.get(f"/agreements/{alpha.pk}/amend/").status_code == 403
    amend = {"payment_terms": "net90", "reason": "sneaky"}
    assert client.post(f"/agreements/{alpha.pk}/amend/", amend).status_code == 403
    end = {"end_date": "2026-03-31", "reason": "sneaky"}
    assert client.post(f"/agreements/{alpha.pk}/end/", end).status_code == 403
    assert state() == before


def test_anonymous_users_are_sent_to_log_in(client, history):
    response = client.get("/agreements/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
