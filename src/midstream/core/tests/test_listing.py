"""core.listing: what a list page shows, and what its exports keep."""

import pytest

from midstream.accounts.choices import Role


@pytest.mark.django_db
def test_booleans_read_yes_and_no_on_the_page_and_stay_booleans_in_exports(client_for, users):
    client = client_for(Role.VENDOR_ADMIN)
    page = client.get("/accounts/users/", {"q": "da_user"}).content.decode()
    assert "<td>yes</td>" in page
    assert ">True<" not in page
    export = b"".join(client.get("/accounts/users/", {"q": "da_user", "export": "csv"})).decode()
    assert export.splitlines()[1].split(",")[4] == "True"
