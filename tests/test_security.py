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
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

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
    "DJANGO_ALLOW_ASYNC_UNSAFE",
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


@dataclass(frozen=True)
class AmountTarget:
    """An API operation taking an amount: where to send it, a valid body, what must not change."""

    operation_id: str
    path: Callable[[SimpleNamespace], str]
    payload: Callable[[SimpleNamespace], dict]
    field: str
    too_many_decimals: str
    state: Callable[[SimpleNamespace], object]


def _rates(_ctx):
    from midstream.core.models import ExchangeRate

    return list(ExchangeRate.objects.values_list("currency", "valid_from", "rate"))


def _products(_ctx):
    from midstream.catalog.models import Product

    return list(Product.objects.order_by("sku").values_list("sku", "list_price"))


def _agreements(_ctx):
    from midstream.agreements.models import AgreementVersion

    return list(
        AgreementVersion.objects.unscoped()
        .order_by("agreement__number", "version")
        .values_list("agreement__number", "version", "commitment_value")
    )


AMOUNT_TARGETS = [
    AmountTarget(
        "exchange_rate_create",
        lambda ctx: "/api/exchange-rates",
        lambda ctx: dict(RATE),
        "rate",
        "1.12345678901",  # the column keeps 10 decimals
        _rates,
    ),
    AmountTarget(
        "product_create",
        lambda ctx: "/api/products",
        lambda ctx: {
            "sku": "NEW-1",
            "description": "New product",
            "family_id": ctx.family.pk,
            "list_price": "10.00",
            "currency": "USD",
        },
        "list_price",
        "10.123456",  # prices keep 4 decimals
        _products,
    ),
    AmountTarget(
        "product_change_price",
        lambda ctx: f"/api/products/{ctx.product.pk}/price",
        lambda ctx: {"new_price": "12.00", "reason": "list price review"},
        "new_price",
        "12.123456",
        _products,
    ),
    AmountTarget(
        "agreement_create",
        lambda ctx: "/api/agreements",
        lambda ctx: {
            "distributor_id": ctx.other_distributor.pk,  # one without an agreement in force
            "number": "VPA-NEW-1",
            "title": "New agreement",
            "effective_from": "2025-01-01",
            "currency": "USD",
            "payment_terms": "net30",
            "commitment_period": "quarter",
            "commitment_unit": "amount",
            "commitment_value": "1000.00",
        },
        "commitment_value",
        "1.234567",  # amounts keep 2 decimals
        _agreements,
    ),
    AmountTarget(
        "agreement_amend",
        lambda ctx: f"/api/agreements/{ctx.agreement.pk}/amend",
        lambda ctx: {"reason": "volume review", "commitment_value": "2000.00"},
        "commitment_value",
        "1.234567",
        _agreements,
    ),
]


@pytest.fixture
def amount_context(dist_a, dist_b):
    import datetime as dt
    from decimal import Decimal

    from midstream.agreements.models import Agreement, AgreementVersion
    from midstream.catalog.models import Product, ProductFamily

    family = ProductFamily.objects.create(code="NET", name="Networking")
    product = Product.objects.create(
        sku="SW-24P",
        description="24-port switch",
        family=family,
        list_price=Decimal("199.0000"),
        currency="USD",
    )
    agreement = Agreement.objects.unscoped().create(
        distributor=dist_a, number="VPA-ALPHA-1", title="Alpha VPA"
    )
    AgreementVersion.objects.unscoped().create(
        agreement=agreement,
        version=1,
        effective_from=dt.date(2025, 1, 1),
        currency="USD",
        payment_terms="net30",
        commitment_period="quarter",
        commitment_unit="amount",
        commitment_value=Decimal("1000.00"),
    )
    admin = make_user("admin", Role.VENDOR_ADMIN)
    return SimpleNamespace(
        distributor=dist_a,
        other_distributor=dist_b,
        family=family,
        product=product,
        agreement=agreement,
        client=bearer_client(admin),
    )


def test_amount_targets_are_real_operations():
    from midstream.api.main import api

    schema = api.get_openapi_schema()
    operations = {
        operation["operationId"]: path
        for path, methods in schema["paths"].items()
        for operation in methods.values()
    }
    missing = [target.operation_id for target in AMOUNT_TARGETS]
    assert [name for name in missing if name not in operations] == []


@pytest.mark.django_db
@pytest.mark.parametrize("target", AMOUNT_TARGETS, ids=lambda target: target.operation_id)
def test_valid_amount_is_accepted(target, amount_context):
    # The bodies below differ from this one only in the amount: this one must succeed.
    before = target.state(amount_context)
    response = amount_context.client.post(
        target.path(amount_context),
        json.dumps(target.payload(amount_context)),
        content_type="application/json",
    )
    assert response.status_code in {200, 201}, response.content
    assert target.state(amount_context) != before


@pytest.mark.django_db
@pytest.mark.parametrize("target", AMOUNT_TARGETS, ids=lambda target: target.operation_id)
@pytest.mark.parametrize(
    "raw", [*MALFORMED.values(), "too many decimals"], ids=[*MALFORMED, "decimals"]
)
def test_malformed_amount_is_rejected_with_a_message(target, raw, amount_context):
    if raw == "too many decimals":
        raw = json.dumps(target.too_many_decimals)
    before = target.state(amount_context)
    response = amount_context.client.post(
        target.path(amount_context),
        _json_with_raw(target.payload(amount_context), target.field, raw),
        content_type="application/json",
    )
    assert_rejected(response, target.field)
    assert target.state(amount_context) == before


def bearer_client(user) -> Client:
    from midstream.accounts.services import issue_token

    _token, text = issue_token(actor=user, user=user, name="security test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")
