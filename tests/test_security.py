"""Security settings and behaviour that cut across apps (issue 2, "Security and reliability").

* production settings refuse to start without a secret key or allowed hosts, and with them
  ``midstream check --deploy`` is clean;
* log-in throttling (django-axes) locks an (IP address, username) pair, not the user or the IP;
* the session key rotates at log-in; log-out needs a POST;
* CSRF is enforced on forms and on API writes made with the browser session;
* malformed amounts sent to the API answer 4xx with a message, never 500.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest
from cast import PASSWORD, make_user
from django.test import Client
from django.urls import reverse

from midstream.accounts.choices import Role

# Documentation addresses (RFC 5737): only strings in REMOTE_ADDR, no traffic goes anywhere.
IP_ONE = "192.0.2.10"
IP_TWO = "198.51.100.20"

CLEAN_ENV_KEYS = (
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "MIDSTREAM_ENV",
    "MIDSTREAM_VAR_DIR",
    "MIDSTREAM_DEBUG",
)


def run_python(args: list[str], tmp_path, **env_overrides) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in CLEAN_ENV_KEYS}
    env.update(
        DJANGO_SETTINGS_MODULE="midstream.settings",
        MIDSTREAM_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    )
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )


SETUP = ["-c", "import django; django.setup()"]
GOOD_KEY = secrets.token_urlsafe(64)


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = run_python(SETUP, tmp_path, MIDSTREAM_ENV="production", ALLOWED_HOSTS="example.com")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "MIDSTREAM_ENV=production needs SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key(tmp_path):
    result = run_python(
        SETUP,
        tmp_path,
        MIDSTREAM_ENV="production",
        SECRET_KEY="too-short",
        ALLOWED_HOSTS="example.com",
    )
    assert result.returncode != 0
    assert "needs SECRET_KEY (at least 50 random characters)" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    result = run_python(SETUP, tmp_path, MIDSTREAM_ENV="production", SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "MIDSTREAM_ENV=production needs ALLOWED_HOSTS" in result.stderr


def test_production_check_deploy_is_clean(tmp_path):
    result = run_python(
        ["-m", "midstream.cli", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        MIDSTREAM_ENV="production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_development_check_deploy_is_not_clean(tmp_path):
    # The same check must be able to fail: development settings (DEBUG on, fixed key) are not
    # fit for deployment, and --deploy says so.
    result = run_python(
        ["-m", "midstream.cli", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        MIDSTREAM_ENV="development",
    )
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr  # DEBUG on


# --- log-in throttling (django-axes), session, log-out -------------------------------------


def login(client: Client, username: str, password: str, ip: str):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def logged_in_user_id(client: Client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def two_users(db):
    return (
        make_user("alice", Role.ANALYST),
        make_user("bob", Role.ANALYST),
    )


@pytest.mark.django_db
def test_correct_login_redirects_home_and_logs_in(two_users):
    alice, _bob = two_users
    client = Client()
    response = login(client, "alice", PASSWORD, IP_ONE)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert logged_in_user_id(client) == str(alice.pk)


@pytest.mark.django_db
def test_five_failures_lock_the_ip_and_username_pair_only(two_users):
    from axes.models import AccessAttempt

    alice, bob = two_users
    attacker = Client()
    for attempt in range(5):
        response = login(attacker, "alice", f"wrong password {attempt}", IP_ONE)
        assert response.status_code in {200, 429}
        assert logged_in_user_id(attacker) is None

    # The locked pair is refused even with the right password.
    response = login(attacker, "alice", PASSWORD, IP_ONE)
    assert response.status_code == 429
    assert b"Too many failed log-ins" in response.content
    assert logged_in_user_id(attacker) is None
    assert AccessAttempt.objects.filter(username="alice", ip_address=IP_ONE).exists()

    # The same username from another address still logs in.
    elsewhere = Client()
    response = login(elsewhere, "alice", PASSWORD, IP_TWO)
    assert response.status_code == 302
    assert logged_in_user_id(elsewhere) == str(alice.pk)

    # Another username from the locked address still logs in.
    colleague = Client()
    response = login(colleague, "bob", PASSWORD, IP_ONE)
    assert response.status_code == 302
    assert logged_in_user_id(colleague) == str(bob.pk)


@pytest.mark.django_db
def test_four_failures_do_not_lock(two_users):
    alice, _bob = two_users
    client = Client()
    for attempt in range(4):
        login(client, "alice", f"wrong password {attempt}", IP_ONE)
    response = login(client, "alice", PASSWORD, IP_ONE)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(alice.pk)


@pytest.mark.django_db
def test_session_key_rotates_at_login(two_users):
    client = Client()
    session = client.session
    session["visited"] = True
    session.save()
    before = client.cookies["sessionid"].value
    response = login(client, "alice", PASSWORD, IP_ONE)
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert after != before
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=before).exists()


@pytest.mark.django_db
def test_logout_needs_post_and_ends_the_session(two_users):
    client = Client()
    login(client, "alice", PASSWORD, IP_ONE)
    assert client.get(reverse("logout")).status_code == 405
    assert logged_in_user_id(client) is not None
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert logged_in_user_id(client) is None


@pytest.mark.django_db
def test_login_page_renders_for_anonymous():
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in response.content
    assert b'name="password"' in response.content


# --- CSRF -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_form_needs_csrf_token(two_users):
    client = Client(enforce_csrf_checks=True)
    response = login(client, "alice", PASSWORD, IP_ONE)
    assert response.status_code == 403
    assert logged_in_user_id(client) is None


@pytest.mark.django_db
def test_settings_form_needs_csrf_token():
    from midstream.core.models import VendorSettings

    admin = make_user("admin", Role.VENDOR_ADMIN)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    before = list(VendorSettings.objects.values_list("vendor_name", flat=True))
    response = client.post(
        reverse("core:settings"),
        {"vendor_name": "Hijacked", "reporting_currency": "EUR", "fiscal_year_start_month": 4},
    )
    assert response.status_code == 403
    assert list(VendorSettings.objects.values_list("vendor_name", flat=True)) == before


def csrf_session_client(user) -> tuple[Client, str]:
    """A browser-like client: logged in by session, with a CSRF cookie and its token."""
    from django.middleware.csrf import _get_new_csrf_string

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    return client, token


RATE = {"currency": "EUR", "valid_from": "2025-01-01", "rate": "1.0850000000"}


@pytest.mark.django_db
def test_api_session_write_needs_csrf_token():
    from midstream.core.models import ExchangeRate

    client, _token = csrf_session_client(make_user("fin", Role.FINANCE))
    response = client.post("/api/exchange-rates", json.dumps(RATE), content_type="application/json")
    assert response.status_code == 403
    assert ExchangeRate.objects.count() == 0


@pytest.mark.django_db
def test_api_session_write_with_csrf_token_is_accepted():
    from decimal import Decimal

    from midstream.core.models import ExchangeRate

    client, token = csrf_session_client(make_user("fin", Role.FINANCE))
    response = client.post(
        "/api/exchange-rates",
        json.dumps(RATE),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201, response.content
    assert list(ExchangeRate.objects.values_list("currency", "rate")) == [
        ("EUR", Decimal("1.0850000000"))
    ]


@pytest.mark.django_db
def test_api_session_read_needs_no_csrf_token():
    client, _token = csrf_session_client(make_user("fin", Role.FINANCE))
    assert client.get("/api/exchange-rates").status_code == 200


# --- malformed amounts -----------------------------------------------------------------------

MALFORMED = {
    "nan string": '"NaN"',
    "nan literal": "NaN",
    "infinity string": '"Infinity"',
    "infinity literal": "Infinity",
    "negative infinity": '"-Infinity"',
    "huge": "1E+30",
    "huge string": '"1E+30"',
}


def _json_with_raw(payload: dict, field: str, raw: str) -> str:
    marker = "__RAW_AMOUNT__"
    return json.dumps({**payload, field: marker}).replace(f'"{marker}"', raw)


def assert_rejected(response, field: str):
    assert 400 <= response.status_code < 500, (response.status_code, response.content)
    body = response.json()
    assert body.get("message"), body
    fields = {problem.get("field", "") for problem in body.get("problems", [])}
    assert any(field in name for name in fields) or field in body.get("field", ""), body


@pytest.mark.django_db
@pytest.mark.parametrize("raw", list(MALFORMED.values()), ids=list(MALFORMED))
def test_exchange_rate_rejects_malformed_amounts(raw):
    from midstream.core.models import ExchangeRate

    client = bearer_client(make_user("fin", Role.FINANCE))
    response = client.post(
        "/api/exchange-rates",
        _json_with_raw(RATE, "rate", raw),
        content_type="application/json",
    )
    assert_rejected(response, "rate")
    assert ExchangeRate.objects.count() == 0


@pytest.mark.django_db
def test_exchange_rate_rejects_too_many_decimals():
    from midstream.core.models import ExchangeRate

    client = bearer_client(make_user("fin", Role.FINANCE))
    response = client.post(
        "/api/exchange-rates",
        json.dumps({**RATE, "rate": "1.12345678901"}),  # the field keeps 10 decimals
        content_type="application/json",
    )
    assert_rejected(response, "rate")
    assert ExchangeRate.objects.count() == 0


def bearer_client(user) -> Client:
    from midstream.accounts.services import issue_token

    _token, text = issue_token(actor=user, user=user, name="security test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")
