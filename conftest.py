"""The fixed cast every test can use: two distributors, one login per role.

* ``dist_a`` (code ``ALPHA``) is "own": distributor users ``da_admin`` / ``da_user`` belong to it.
* ``dist_b`` (code ``BRAVO``) is "foreign": ``db_admin`` / ``db_user`` belong to it.
* Vendor staff: ``vendor_admin``, ``channel_manager``, ``finance``, ``pricing_manager``,
  ``analyst``.

``users[role]`` is the user of that role (distributor roles: of ``dist_a``);
``client_for(role)`` returns a logged-in Django test client.
"""

import pytest

from midstream.accounts.choices import Role

PASSWORD = "correct horse battery staple 42"  # noqa: S105 - test-only login

VENDOR_LOGINS = {
    Role.VENDOR_ADMIN: "vendor_admin",
    Role.CHANNEL_MANAGER: "channel_manager",
    Role.FINANCE: "finance",
    Role.PRICING_MANAGER: "pricing_manager",
    Role.ANALYST: "analyst",
}


def make_distributor(code: str, **fields):
    from midstream.partners.models import Distributor

    defaults = {
        "legal_name": f"{code.title()} Distribution Ltd",
        "country": "US",
        "region": "AMER",
        "currency": "USD",
        "program_track": "broadline",
        "status": "active",
    }
    defaults.update(fields)
    return Distributor.objects.unscoped().create(code=code, **defaults)


def make_user(username: str, role: Role, distributor=None):
    from midstream.accounts.models import User

    user = User(
        username=username, role=role, distributor=distributor, email=f"{username}@example.com"
    )
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def dist_a(db):
    return make_distributor("ALPHA", legal_name="Alpha Distribution Inc")


@pytest.fixture
def dist_b(db):
    return make_distributor(
        "BRAVO", legal_name="Bravo Distribution GmbH", country="DE", region="EMEA", currency="EUR"
    )


@pytest.fixture
def users(db, dist_a, dist_b):
    cast = {role: make_user(name, role) for role, name in VENDOR_LOGINS.items()}
    cast[Role.DISTRIBUTOR_ADMIN] = make_user("da_admin", Role.DISTRIBUTOR_ADMIN, dist_a)
    cast[Role.DISTRIBUTOR_USER] = make_user("da_user", Role.DISTRIBUTOR_USER, dist_a)
    cast["foreign_admin"] = make_user("db_admin", Role.DISTRIBUTOR_ADMIN, dist_b)
    cast["foreign_user"] = make_user("db_user", Role.DISTRIBUTOR_USER, dist_b)
    return cast


@pytest.fixture
def client_for(users):
    from django.test import Client

    def login(role):
        client = Client()
        client.force_login(users[role])
        return client

    return login


@pytest.fixture
def api_client_for(users):
    """A test client sending a bearer token of the given role's user."""
    from django.test import Client

    from midstream.accounts.services import issue_token

    def make(role):
        user = users[role]
        _token, text = issue_token(actor=user, user=user, name="test")
        return Client(HTTP_AUTHORIZATION=f"Bearer {text}")

    return make


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Hash test passwords with a fast hasher: PBKDF2 costs ~0.4 s per user created.

    Production keeps Django's default hashers; only the test run is changed.
    """
    from django.test import override_settings

    override = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True, scope="session")
def uploads_in_a_temporary_folder(tmp_path_factory):
    """Stored report files (``MEDIA_ROOT/submissions``) go to a temporary folder, not var/."""
    from django.test import override_settings

    override = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    override.enable()
    yield
    override.disable()
