"""Loading the demo into the database: ``midstream demo`` and ``demo.loader``."""

import datetime as dt
import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from midstream.accounts.models import User
from midstream.core.models import AuditRecord, VendorSettings
from midstream.demo.generator import DEMO_PASSWORD, DemoParams, generate
from midstream.demo.loader import database_counts, load_demo
from midstream.network.models import Reseller
from midstream.partners.models import Distributor
from midstream.sales.models import SellInImport, SellInLine

SMALL = ["--distributors", "4", "--resellers", "60", "--products", "30", "--months", "3"]
AS_OF = ["--as-of", "2026-03-15"]

# Issue 2: "a small-scale full load into the test DB with exact expected counts".
SMALL_COUNTS = {
    "distributors": 4,
    "status changes": 14,
    "territories": 11,
    "contacts": 11,
    "onboarding items": 28,
    "reporting obligations": 8,
    "product families": 12,
    "products": 30,
    "unit conversions": 10,
    "distributor part numbers": 78,
    "resellers": 60,
    "reseller supplies": 68,
    "reseller aliases": 29,
    "agreements": 4,
    "agreement versions": 8,
    "discount levels": 96,
    "exchange rates": 132,
    "sell-in lines": 597,
    "logins": 9,
}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Nine PBKDF2 hashes take seconds; the hasher is not what these tests are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *SMALL, *AS_OF, *args, stdout=out)
    return out.getvalue()


def database_digest() -> str:
    """A digest of the loaded rows by their natural keys (ids left out)."""
    digest = hashlib.sha256()
    for row in (
        Distributor.objects.unscoped()
        .order_by("code")
        .values_list("code", "legal_name", "status", "currency", "status_changed_at")
    ):
        digest.update(repr(row).encode())
    for row in (
        Reseller.objects.unscoped()
        .order_by("partner_id")
        .values_list("partner_id", "name", "tax_id", "city", "recruited_by__code")
    ):
        digest.update(repr(row).encode())
    for row in (
        SellInLine.objects.unscoped()
        .order_by("distributor__code", "invoice_number", "line_number")
        .values_list(
            "distributor__code", "invoice_number", "line_number", "product__sku", "quantity",
            "unit_net_price", "net_amount",
        )
    ):  # fmt: skip
        digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.mark.django_db
def test_small_load_writes_exact_counts_and_prints_logins():
    output = run_demo()

    assert database_counts() == SMALL_COUNTS
    assert "Demo logins:" in output
    assert (
        "northwind_admin  Distributor admin    Northwind Tech Distribution LLC  midstream-demo"
        in (output)
    )
    assert "sell-in lines             597" in output


@pytest.mark.django_db
def test_loaded_rows_match_the_generated_rows():
    data = generate(
        DemoParams.build(
            as_of=dt.date(2026, 3, 15), distributors=4, resellers=60, products=30, months=3
        )
    )
    load_demo(data)

    stored = set(
        SellInLine.objects.unscoped().values_list(
            "invoice_number", "line_number", "invoice_date", "distributor__code",
            "product__sku", "quantity", "unit_net_price", "currency", "ship_to_warehouse",
        )
    )  # fmt: skip
    assert stored == {
        (
            row.invoice_number, row.line, row.invoice_date, row.distributor_code, row.sku,
            row.quantity, row.unit_net_price, row.currency, row.ship_to_warehouse,
        )
        for row in data.sellin
    }  # fmt: skip
    assert SellInImport.objects.get().source == "demo"
    settings = VendorSettings.objects.get()
    assert (settings.reporting_currency, settings.fiscal_year_start_month) == ("USD", 7)
    reseller = Reseller.objects.unscoped().get(partner_id=data.resellers[0].partner_id)
    assert (reseller.name, reseller.tax_id, reseller.country) == (
        data.resellers[0].name,
        data.resellers[0].tax_id,
        data.resellers[0].country,
    )


@pytest.mark.django_db
def test_logins_have_their_roles_distributors_and_the_demo_password():
    run_demo()

    users = {user.username: user for user in User.objects.select_related("distributor")}
    assert {
        name: (user.role, user.distributor.code if user.distributor else None)
        for name, user in users.items()
    } == {
        "vendor_admin": ("vendor_admin", None),
        "channel_manager": ("channel_manager", None),
        "finance": ("finance", None),
        "pricing_manager": ("pricing_manager", None),
        "analyst": ("analyst", None),
        "northwind_admin": ("distributor_admin", "NORTHWIND"),
        "northwind_user": ("distributor_user", "NORTHWIND"),
        "ostsee_admin": ("distributor_admin", "OSTSEE"),
        "ostsee_user": ("distributor_user", "OSTSEE"),
    }
    assert all(user.check_password(DEMO_PASSWORD) for user in users.values())
    assert users["vendor_admin"].is_superuser
    assert not users["analyst"].is_staff


@pytest.mark.django_db
def test_load_is_audited_with_its_counts():
    run_demo()

    record = AuditRecord.objects.get(action="demo.load")
    assert record.actor_label == "system"
    assert record.changes["distributors"] == [None, 4]
    assert record.changes["sell-in lines"] == [None, 597]
    assert "seed 2026" in record.reason
    assert AuditRecord.objects.filter(action="user.create").count() == 9
    assert AuditRecord.objects.filter(action="sellin.import").count() == 1


@pytest.mark.django_db
def test_second_load_is_refused_without_reset_and_nothing_changes():
    run_demo()
    before = database_digest()

    with pytest.raises(CommandError, match=r"already holds data.*--reset"):
        run_demo("--seed", "99")

    assert database_counts() == SMALL_COUNTS
    assert database_digest() == before
    assert AuditRecord.objects.filter(action="demo.load").count() == 1


@pytest.mark.django_db
def test_any_existing_data_blocks_the_load():
    User.objects.create_user("someone", password="x")

    with pytest.raises(CommandError, match="already holds data"):
        run_demo()

    assert Distributor.objects.unscoped().count() == 0


@pytest.mark.django_db
def test_reset_replaces_everything_with_the_same_data_for_the_same_seed():
    run_demo()
    first = database_digest()
    User.objects.create_user("someone", password="x")

    run_demo("--reset")

    assert database_digest() == first
    assert database_counts() == SMALL_COUNTS
    assert not User.objects.filter(username="someone").exists()
    assert AuditRecord.objects.filter(action="demo.load").count() == 1
    assert sorted(Distributor.objects.unscoped().values_list("id", flat=True)) == [1, 2, 3, 4]


@pytest.mark.django_db
def test_reset_with_another_seed_gives_other_data():
    run_demo()
    first = database_digest()

    run_demo("--reset", "--seed", "5")

    assert database_digest() != first


@pytest.mark.django_db
def test_if_empty_skips_a_database_with_data():
    run_demo()
    before = database_digest()

    output = run_demo("--if-empty", "--seed", "5")

    assert "demo load skipped" in output
    assert database_digest() == before


@pytest.mark.django_db
def test_logins_option_prints_the_table_only():
    run_demo()

    output = StringIO()
    call_command("demo", "--logins", stdout=output)

    lines = output.getvalue().strip().splitlines()
    assert lines[0] == "Demo logins:"
    assert lines[1].split() == ["username", "role", "distributor", "password"]
    assert len(lines) == 2 + 1 + 9
    assert lines[3].split() == ["vendor_admin", "Vendor", "admin", "midstream-demo"]


@pytest.mark.django_db
def test_logins_option_on_an_empty_database():
    output = StringIO()
    call_command("demo", "--logins", stdout=output)

    assert "No demo logins" in output.getvalue()


@pytest.mark.django_db
def test_bad_sizes_are_a_command_error():
    with pytest.raises(CommandError, match="at least 2 distributors"):
        call_command("demo", "--distributors", "1", stdout=StringIO())

    assert Distributor.objects.unscoped().count() == 0


@pytest.mark.django_db(transaction=True)
def test_demo_brings_an_unmigrated_database_up_to_date_first():
    """``midstream demo`` on an old schema migrates before loading (issue 2: "creates the
    database if needed")."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    call_command("migrate", "network", "0001", verbosity=0)
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes())  # something to apply
    call_command("demo", distributors=4, resellers=20, products=10, months=1, stdout=StringIO())
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert Reseller.objects.unscoped().exists()
