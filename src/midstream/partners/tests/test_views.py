import datetime as dt

import pytest
from django.urls import reverse

from midstream.accounts.choices import Role
from midstream.core.models import AuditRecord
from midstream.partners.models import (
    Contact,
    Distributor,
    DistributorStatusChange,
    OnboardingItem,
    ReportingObligation,
    Territory,
)
from midstream.partners.tests.factories import (
    make_contact,
    make_distributor,
    make_obligation,
    make_onboarding_item,
    make_territory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("partners:distributor_list")


def detail_url(distributor):
    return reverse("partners:distributor_detail", args=[distributor.pk])


def listed_codes(response):
    return [row[0]["value"] for row in response.context["listing"].rows]


def changes_written():
    return AuditRecord.objects.exclude(action="token.issue").count()


# --- list ---------------------------------------------------------------------------------


@pytest.mark.parametrize("extra_rows", [0, 12])
def test_list_runs_a_fixed_number_of_queries(
    client_for, dist_a, dist_b, extra_rows, django_assert_num_queries
):
    client = client_for(Role.ANALYST)
    for number in range(extra_rows):
        make_distributor(f"X{number:02d}")
    # session, user, count, page of rows
    with django_assert_num_queries(4):
        response = client.get(LIST)
    assert response.status_code == 200
    assert len(listed_codes(response)) == 2 + extra_rows


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("", ["ALPHA", "BRAVO", "CHARLIE"]),
        ("q=gmbh", ["BRAVO"]),
        ("q=fr", ["CHARLIE"]),
        ("q=cha", ["CHARLIE"]),
        ("status=suspended", ["CHARLIE"]),
        ("region=EMEA", ["BRAVO", "CHARLIE"]),
        ("program_track=specialty", ["CHARLIE"]),
        ("currency=EUR", ["BRAVO", "CHARLIE"]),
        ("status=nonsense", ["ALPHA", "BRAVO", "CHARLIE"]),
        ("sort=-code", ["CHARLIE", "BRAVO", "ALPHA"]),
        ("sort=country", ["BRAVO", "CHARLIE", "ALPHA"]),
        ("sort=-legal_name", ["CHARLIE", "BRAVO", "ALPHA"]),
    ],
)
def test_list_search_filter_and_sort(client_for, dist_a, dist_b, query, codes):
    make_distributor(
        "CHARLIE",
        legal_name="Charlie Trading SA",
        country="FR",
        region="EMEA",
        currency="EUR",
        program_track="specialty",
        status="suspended",
    )
    response = client_for(Role.CHANNEL_MANAGER).get(f"{LIST}?{query}")
    assert listed_codes(response) == codes


def test_csv_export_neutralises_formulas(client_for, dist_a):
    make_distributor("EVIL", legal_name='=HYPERLINK("http://x.example","click")')
    response = client_for(Role.ANALYST).get(f"{LIST}?export=csv&q=EVIL")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = text.strip().splitlines()
    assert header.startswith("Code,Legal name,Country")
    assert row.startswith('EVIL,"\'=HYPERLINK(""http://x.example"",""click"")",US')


def test_xlsx_export(client_for, dist_a):
    response = client_for(Role.ANALYST).get(f"{LIST}?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="distributors.xlsx"'
    assert response.content[:2] == b"PK"


def test_a_distributor_user_lists_only_its_own(client_for, dist_a, dist_b):
    response = client_for(Role.DISTRIBUTOR_USER).get(LIST)
    assert listed_codes(response) == ["ALPHA"]
    assert b"Bravo" not in response.content
    assert b"New distributor" not in response.content


def test_the_create_button_shows_for_those_who_may_create(client_for, dist_a):
    assert b"New distributor" in client_for(Role.CHANNEL_MANAGER).get(LIST).content
    assert b"New distributor" not in client_for(Role.ANALYST).get(LIST).content


# --- detail -------------------------------------------------------------------------------


def test_detail_shows_facts_history_children_and_audit_link(client_for, users, dist_a, dist_b):
    from midstream.partners import services

    manager = users[Role.CHANNEL_MANAGER]
    services.change_distributor_status(
        actor=manager, distributor=dist_a, to_status="suspended", reason="Overdue reports"
    )
    make_territory(dist_a, region="AMER", country="CA", exclusive=True)
    make_contact(dist_a, name="Pat Buyer", is_primary=True)
    make_onboarding_item(dist_a, item="Credit check", done_date=dt.date(2025, 1, 5), position=0)
    make_onboarding_item(dist_a, item="EDI test", position=1)
    make_onboarding_item(dist_a, item="Portal login", position=2)
    make_obligation(dist_a, report_type="inventory", frequency="weekly", due_days=3)
    make_territory(dist_b, region="EMEA", country="DE")

    response = client_for(Role.CHANNEL_MANAGER).get(detail_url(dist_a))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Alpha Distribution Inc" in content
    assert [(c.from_status, c.to_status) for c in response.context["status_changes"]] == [
        ("active", "suspended")
    ]
    assert "Overdue reports" in content
    assert [t.country for t in response.context["territories"]] == ["CA"]
    assert "1 of 3 done (33%)" in content
    assert "Inventory" in content
    assert f"/audit/?object_type=partners.distributor&amp;object_id={dist_a.pk}" in content
    assert [r.action for r in response.context["recent_changes"]] == ["distributor.change_status"]


def test_detail_query_count_does_not_grow_with_children(
    client_for, dist_a, django_assert_num_queries
):
    client = client_for(Role.CHANNEL_MANAGER)
    for number in range(3):
        make_onboarding_item(dist_a, item=f"Item {number}")
        make_contact(dist_a, name=f"Person {number}", email=f"p{number}@alpha.example")
    # session, user, distributor, items, status changes, territories, contacts, obligations,
    # recent audit records
    with django_assert_num_queries(9):
        assert client.get(detail_url(dist_a)).status_code == 200


def test_a_distributor_user_sees_its_own_detail_and_404_for_another(client_for, dist_a, dist_b):
    client = client_for(Role.DISTRIBUTOR_ADMIN)
    own = client.get(detail_url(dist_a))
    assert own.status_code == 200
    assert b"/audit/" not in own.content
    assert b"Change status" not in own.content
    assert client.get(detail_url(dist_b)).status_code == 404
    assert client.get(reverse("partners:distributor_detail", args=[999999])).status_code == 404


# --- writes: permissions ------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.DISTRIBUTOR_ADMIN, Role.DISTRIBUTOR_USER, Role.FINANCE])
def test_roles_without_change_permission_get_403_and_nothing_changes(client_for, dist_a, role):
    client = client_for(role)
    item = make_onboarding_item(dist_a)
    territory = make_territory(dist_a, country="US")
    answers = [
        client.get(reverse("partners:distributor_create")),
        client.post(
            reverse("partners:distributor_update", args=[dist_a.pk]), {"legal_name": "Hacked"}
        ),
        client.post(
            reverse("partners:distributor_status", args=[dist_a.pk]),
            {"to_status": "suspended", "reason": "x"},
        ),
        client.post(reverse("partners:territory_delete", args=[territory.pk])),
        client.post(reverse("partners:onboarding_item_complete", args=[item.pk])),
    ]
    assert [answer.status_code for answer in answers] == [403] * 5
    dist_a.refresh_from_db()
    assert (dist_a.legal_name, dist_a.status) == ("Alpha Distribution Inc", "active")
    assert Territory.objects.for_distributor(dist_a.pk).count() == 1
    item.refresh_from_db()
    assert item.done_date is None
    assert changes_written() == 0


# --- writes: forms ------------------------------------------------------------------------


def test_create_distributor_through_the_form(client_for, users):
    response = client_for(Role.CHANNEL_MANAGER).post(
        reverse("partners:distributor_create"),
        {
            "code": "CHARLIE",
            "legal_name": "Charlie Trading SA",
            "country": "FR",
            "region": "EMEA",
            "currency": "EUR",
            "program_track": "value_added",
            "website": "",
            "notes": "",
            "reason": "New market",
        },
    )
    charlie = Distributor.objects.unscoped().get(code="CHARLIE")
    assert response.status_code == 302
    assert response["Location"] == detail_url(charlie)
    assert charlie.status == "prospect"


def test_a_duplicate_code_is_a_form_error(client_for, dist_a):
    response = client_for(Role.CHANNEL_MANAGER).post(
        reverse("partners:distributor_create"),
        {
            "code": "ALPHA",
            "legal_name": "Second Alpha",
            "country": "US",
            "region": "AMER",
            "currency": "USD",
            "program_track": "broadline",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["A distributor with code ALPHA exists."]}
    assert Distributor.objects.unscoped().filter(code="ALPHA").count() == 1


def test_edit_distributor(client_for, dist_a):
    response = client_for(Role.CHANNEL_MANAGER).post(
        reverse("partners:distributor_update", args=[dist_a.pk]),
        {
            "legal_name": "Alpha Holdings Inc",
            "country": "US",
            "region": "AMER",
            "currency": "USD",
            "program_track": "broadline",
            "reason": "Renamed",
        },
    )
    assert response.status_code == 302
    dist_a.refresh_from_db()
    assert dist_a.legal_name == "Alpha Holdings Inc"
    record = AuditRecord.objects.get(action="distributor.update")
    assert record.changes == {"legal_name": ["Alpha Distribution Inc", "Alpha Holdings Inc"]}


def test_the_status_form_offers_only_allowed_targets(client_for, dist_a):
    client = client_for(Role.CHANNEL_MANAGER)
    url = reverse("partners:distributor_status", args=[dist_a.pk])
    form = client.get(url).context["form"]
    assert [value for value, _label in form.fields["to_status"].choices] == [
        "suspended",
        "terminated",
    ]

    refused = client.post(url, {"to_status": "onboarding", "reason": "Back to start"})
    assert refused.status_code == 200
    assert "to_status" in refused.context["form"].errors
    missing_reason = client.post(url, {"to_status": "suspended", "reason": ""})
    assert "reason" in missing_reason.context["form"].errors
    dist_a.refresh_from_db()
    assert dist_a.status == "active"
    assert not DistributorStatusChange.objects.for_distributor(dist_a.pk).exists()

    accepted = client.post(url, {"to_status": "suspended", "reason": "Late reports"})
    assert accepted.status_code == 302
    dist_a.refresh_from_db()
    assert dist_a.status == "suspended"


def test_a_terminated_distributor_offers_no_status_change(client_for):
    gone = make_distributor("GONE", status="terminated")
    client = client_for(Role.CHANNEL_MANAGER)
    url = reverse("partners:distributor_status", args=[gone.pk])
    page = client.get(url)
    assert b"Termination is final" in page.content
    refused = client.post(url, {"to_status": "active", "reason": "Come back"})
    assert refused.status_code == 200
    gone.refresh_from_db()
    assert gone.status == "terminated"


def test_a_territory_conflict_is_shown_on_the_form(client_for, dist_a, dist_b):
    make_territory(dist_b, region="EMEA", country="DE", exclusive=True)
    response = client_for(Role.CHANNEL_MANAGER).post(
        reverse("partners:territory_create", args=[dist_a.pk]),
        {"region": "EMEA", "country": "DE", "reason": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "country": ["BRAVO holds DE exclusively, so ALPHA cannot have a territory for DE."]
    }
    assert not Territory.objects.for_distributor(dist_a.pk).exists()


def test_territory_edit_and_remove(client_for, dist_a):
    territory = make_territory(dist_a, region="AMER", country="US")
    client = client_for(Role.CHANNEL_MANAGER)
    edited = client.post(
        reverse("partners:territory_update", args=[territory.pk]),
        {"region": "AMER", "country": "US", "exclusive": "on"},
    )
    assert edited.status_code == 302
    territory.refresh_from_db()
    assert territory.exclusive is True
    removed = client.post(
        reverse("partners:territory_delete", args=[territory.pk]), {"reason": "Lost"}
    )
    assert removed.status_code == 302
    assert not Territory.objects.for_distributor(dist_a.pk).exists()
    assert AuditRecord.objects.get(action="territory.remove").reason == "Lost"


def test_contact_forms(client_for, dist_a):
    client = client_for(Role.CHANNEL_MANAGER)
    added = client.post(
        reverse("partners:contact_create", args=[dist_a.pk]),
        {"name": "Kim Lee", "email": "kim@alpha.example", "receives_reminders": "on"},
    )
    assert added.status_code == 302
    contact = Contact.objects.for_distributor(dist_a.pk).get()
    assert (contact.name, contact.receives_reminders, contact.is_primary) == (
        "Kim Lee",
        True,
        False,
    )
    client.post(
        reverse("partners:contact_update", args=[contact.pk]),
        {"name": "Kim Lee", "email": "kim.lee@alpha.example", "is_primary": "on"},
    )
    contact.refresh_from_db()
    assert (contact.email, contact.is_primary, contact.receives_reminders) == (
        "kim.lee@alpha.example",
        True,
        False,
    )
    client.post(reverse("partners:contact_delete", args=[contact.pk]))
    assert not Contact.objects.for_distributor(dist_a.pk).exists()


def test_onboarding_checklist_forms(client_for, users, dist_a):
    client = client_for(Role.CHANNEL_MANAGER)
    owner = users[Role.DISTRIBUTOR_ADMIN]
    added = client.post(
        reverse("partners:onboarding_item_create", args=[dist_a.pk]),
        {"item": "EDI test", "owner": owner.pk, "due_date": "2026-02-01"},
    )
    assert added.status_code == 302
    item = OnboardingItem.objects.for_distributor(dist_a.pk).get()
    assert (item.owner, item.due_date, item.position) == (owner, dt.date(2026, 2, 1), 0)

    foreign_owner = client.post(
        reverse("partners:onboarding_item_update", args=[item.pk]),
        {"item": "EDI test", "owner": users["foreign_admin"].pk},
    )
    assert "owner" in foreign_owner.context["form"].errors

    done = client.post(
        reverse("partners:onboarding_item_complete", args=[item.pk]), {"done_date": "2025-04-01"}
    )
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.done_date == dt.date(2025, 4, 1)
    again = client.post(reverse("partners:onboarding_item_complete", args=[item.pk]))
    assert again.context["form"].errors == {
        "done_date": ["'EDI test' was already done on 2025-04-01."]
    }

    reopened = client.post(reverse("partners:onboarding_item_reopen", args=[item.pk]))
    assert reopened.status_code == 302
    item.refresh_from_db()
    assert item.done_date is None

    client.post(reverse("partners:onboarding_item_delete", args=[item.pk]))
    assert not OnboardingItem.objects.for_distributor(dist_a.pk).exists()


def test_obligation_forms(client_for, dist_a):
    client = client_for(Role.CHANNEL_MANAGER)
    values = {
        "report_type": "sell_through",
        "frequency": "monthly",
        "due_days": "10",
        "active_from": "2025-01-01",
    }
    assert (
        client.post(reverse("partners:obligation_create", args=[dist_a.pk]), values).status_code
        == 302
    )
    overlap = client.post(reverse("partners:obligation_create", args=[dist_a.pk]), values)
    assert "active_from" in overlap.context["form"].errors
    obligation = ReportingObligation.objects.for_distributor(dist_a.pk).get()
    client.post(
        reverse("partners:obligation_update", args=[obligation.pk]),
        {**values, "active_to": "2025-12-31"},
    )
    obligation.refresh_from_db()
    assert obligation.active_to == dt.date(2025, 12, 31)
    client.post(reverse("partners:obligation_delete", args=[obligation.pk]))
    assert not ReportingObligation.objects.for_distributor(dist_a.pk).exists()


def test_vendor_staff_change_any_distributors_children_but_404_on_missing(client_for, dist_b):
    client = client_for(Role.CHANNEL_MANAGER)
    territory = make_territory(dist_b, region="EMEA", country="DE")
    assert client.get(reverse("partners:territory_update", args=[territory.pk])).status_code == 200
    assert client.get(reverse("partners:territory_update", args=[999999])).status_code == 404


# --- admin --------------------------------------------------------------------------------


def test_the_admin_is_read_only(client_for, users, dist_a):
    admin = users[Role.VENDOR_ADMIN]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = client_for(Role.VENDOR_ADMIN)
    for model in [
        "distributor",
        "distributorstatuschange",
        "territory",
        "contact",
        "onboardingitem",
        "reportingobligation",
    ]:
        assert client.get(f"/admin/partners/{model}/").status_code == 200
        assert client.get(f"/admin/partners/{model}/add/").status_code == 403
    assert client.get(f"/admin/partners/distributor/{dist_a.pk}/change/").status_code == 200
    response = client.post(
        f"/admin/partners/distributor/{dist_a.pk}/change/", {"legal_name": "Admin edit"}
    )
    assert response.status_code == 403
    dist_a.refresh_from_db()
    assert dist_a.legal_name == "Alpha Distribution Inc"
