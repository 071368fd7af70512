"""Fixtures for the cross-app tests in this folder (access matrix, security, browser)."""

import pytest
from django.db import transaction


@pytest.fixture(scope="module")
def matrix_cast(django_db_setup, django_db_blocker):
    """The access-matrix cast (``tests/cast.py``), built once per module, rolled back after.

    Each test still runs in its own savepoint (``django_db``), so what a test writes is gone
    before the next one.
    """
    from cast import build_cast
    from django.test import Client

    with django_db_blocker.unblock(), transaction.atomic():
        cast = build_cast()
        cast.page_clients = {None: Client()}
        cast.api_clients = {None: Client()}
        for role, user in cast.users.items():
            client = Client()
            client.force_login(user)
            cast.page_clients[role] = client
            cast.api_clients[role] = Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens[role]}")
        yield cast
        transaction.set_rollback(True)
