"""Vendor-side list pages and API lists of core and accounts run a fixed number of queries."""

import pytest

from midstream.accounts.choices import Role
from midstream.accounts.models import User
from midstream.core import services
from midstream.core.models import AuditRecord


def _audit_rows(actor, count: int) -> None:
    for index in range(count):
        services.update_vendor_settings(
            actor=actor,
            vendor_name=f"Vendor {index}",
            reporting_currency="USD",
            fiscal_year_start_month=1 + index % 12,
        )


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 12])
def test_audit_page_query_count_does_not_grow_with_rows(
    client_for, users, rows, django_assert_num_queries
):
    _audit_rows(users[Role.VENDOR_ADMIN], rows)
    assert AuditRecord.objects.count() == rows
    client = client_for(Role.ANALYST)
    # session + user, count, page of rows
    with django_assert_num_queries(4):
        response = client.get("/audit/")
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 12])
def test_audit_api_query_count_does_not_grow_with_rows(
    api_client_for, users, rows, django_assert_num_queries
):
    _audit_rows(users[Role.VENDOR_ADMIN], rows)
    client = api_client_for(Role.ANALYST)
    # token with its user, last-used stamp (first use), count, page
    with django_assert_num_queries(4):
        response = client.get("/api/audit")
    assert response.json()["count"] == rows + 1  # and the token's own "token.issue" record


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 10])
def test_user_list_query_count_does_not_grow_with_rows(
    client_for, api_client_for, users, dist_a, extra, django_assert_num_queries
):
    for index in range(extra):
        User.objects.create(
            username=f"extra{index}", role=Role.DISTRIBUTOR_USER, distributor=dist_a
        )
    client = client_for(Role.VENDOR_ADMIN)
    with django_assert_num_queries(4):
        response = client.get("/accounts/users/")
    assert response.status_code == 200
    api = api_client_for(Role.VENDOR_ADMIN)
    # token with its user, last-used stamp (first use), count, page
    with django_assert_num_queries(4):
        response = api.get("/api/users")
    assert response.json()["count"] == 9 + extra
