"""Write a generated ``DemoData`` into the database (issue 2, "Demo data").

A generator may write directly, so master data goes in with ``bulk_create`` in batches; the
sell-in goes through ``sales.services.import_sellin`` as the vendor's CSV export, exactly as
a real file would, and logins through ``accounts.services.create_user``. Everything happens
in one transaction with one ``demo.load`` audit record carrying the counts: a load either
completes or leaves the database as it was.

``load_demo_reports`` then sends the distributors' sell-through and inventory report files
through the intake pipeline (``report_loader``), one submission at a time, after that
transaction has committed.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction

from midstream.accounts.models import User
from midstream.accounts.services import create_user
from midstream.agreements.models import Agreement, AgreementVersion, DiscountLevel
from midstream.catalog.models import DistributorPartNumber, Product, ProductFamily, UnitConversion
from midstream.core.audit import record_audit
from midstream.core.errors import ConflictError
from midstream.core.models import ExchangeRate, VendorSettings
from midstream.core.services import update_vendor_settings
from midstream.demo.errors import ErrorCode
from midstream.demo.generator import DEMO_PASSWORD, DemoData, LoginRow, demo_logins, sellin_csv
from midstream.network.models import Reseller, ResellerAlias, ResellerSupply
from midstream.partners.models import (
    Contact,
    Distributor,
    DistributorStatusChange,
    OnboardingItem,
    ReportingObligation,
    Territory,
)
from midstream.sales.models import SellInLine
from midstream.sales.services import import_sellin

BATCH = 1000

# Created on first read by ``core.selectors.get_vendor_settings``: not a sign of data.
IGNORED_WHEN_CHECKING = frozenset({VendorSettings})

# What the load reports, in the order it prints them.
COUNTED: tuple[tuple[str, type[models.Model]], ...] = (
    ("distributors", Distributor),
    ("status changes", DistributorStatusChange),
    ("territories", Territory),
    ("contacts", Contact),
    ("onboarding items", OnboardingItem),
    ("reporting obligations", ReportingObligation),
    ("product families", ProductFamily),
    ("products", Product),
    ("unit conversions", UnitConversion),
    ("distributor part numbers", DistributorPartNumber),
    ("resellers", Reseller),
    ("reseller supplies", ResellerSupply),
    ("reseller aliases", ResellerAlias),
    ("agreements", Agreement),
    ("agreement versions", AgreementVersion),
    ("discount levels", DiscountLevel),
    ("exchange rates", ExchangeRate),
    ("sell-in lines", SellInLine),
    ("logins", User),
)


def domain_models(*, include_auto_created: bool = False) -> list[type[models.Model]]:
    """Every model of Midstream's own apps (``midstream.*``), present and future."""
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("midstream.")
        for model in config.get_models(include_auto_created=include_auto_created)
    ]


def tables_with_rows() -> list[str]:
    """Labels of the domain models that hold at least one row (one query each)."""
    return [
        model._meta.label
        for model in domain_models()
        if model not in IGNORED_WHEN_CHECKING and model._base_manager.exists()
    ]


def refuse_unless_empty() -> None:
    """Raise ``ConflictError`` (``database_not_empty``) when any domain table holds rows."""
    occupied = tables_with_rows()
    if occupied:
        shown = ", ".join(occupied[:4]) + (", …" if len(occupied) > 4 else "")
        raise ConflictError(
            ErrorCode.DATABASE_NOT_EMPTY,
            f"The database already holds data ({shown}). Nothing was loaded. Run "
            "`midstream demo --reset` to DELETE all Midstream data and load the demo, "
            "or point MIDSTREAM_VAR_DIR or DATABASE_URL at an empty database.",
        )


def flush_domain_tables() -> None:
    """Empty every Midstream table (and the sessions of the deleted users).

    Django's own flush SQL: it follows foreign keys into other tables (the admin log) and
    resets the id sequences, so a reloaded demo gets the same ids.
    """
    tables = {model._meta.db_table for model in domain_models(include_auto_created=True)}
    tables.add("django_session")
    existing = set(connection.introspection.table_names())
    if connection.vendor == "postgresql":
        # TRUNCATE refuses tables with deferred foreign-key checks still pending in this
        # transaction (rows written earlier in it): run those checks now.
        connection.check_constraints()
    statements = connection.ops.sql_flush(
        no_style(), sorted(tables & existing), reset_sequences=True, allow_cascade=True
    )
    connection.ops.execute_sql_flush(statements)


def load_demo(data: DemoData, *, reset: bool = False) -> dict[str, int]:
    """Write ``data``; refuse a database that already holds data unless ``reset``.

    Returns the row counts read back from the database.
    """
    with transaction.atomic():
        if reset:
            flush_domain_tables()
        else:
            refuse_unless_empty()
        vendor_settings = _write(data)
        counts = database_counts()
        record_audit(
            actor=None,
            action="demo.load",
            obj=vendor_settings,
            changes={name: [None, count] for name, count in counts.items()},
            reason=f"Demo data: {data.params.describe()}.",
        )
    return counts


def database_counts() -> dict[str, int]:
    counts = {}
    for name, model in COUNTED:
        manager = model.objects.unscoped() if hasattr(model.objects, "unscoped") else model.objects
        counts[name] = manager.count()
    return counts


def _ids(queryset, key: str) -> dict:
    return dict(queryset.values_list(key, "id"))


def _write(data: DemoData) -> VendorSettings:
    settings_row = data.vendor_settings
    vendor_settings = update_vendor_settings(
        actor=None,
        vendor_name=settings_row.vendor_name,
        reporting_currency=settings_row.reporting_currency,
        fiscal_year_start_month=settings_row.fiscal_year_start_month,
        reason="Demo data",
    )
    ExchangeRate.objects.bulk_create(
        [ExchangeRate(currency=r.currency, valid_from=r.valid_from, rate=r.rate)
         for r in data.exchange_rates],
        batch_size=BATCH,
    )  # fmt: skip

    distributors = Distributor.objects.unscoped()
    distributors.bulk_create(
        [
            Distributor(
                code=r.code,
                legal_name=r.legal_name,
                country=r.country,
                region=r.region,
                currency=r.currency,
                program_track=r.program_track,
                status=r.status,
                status_changed_at=r.status_changed_at,
                website=r.website,
                notes=r.notes,
            )
            for r in data.distributors
        ],
        batch_size=BATCH,
    )
    distributor_id = _ids(Distributor.objects.unscoped(), "code")
    DistributorStatusChange.objects.unscoped().bulk_create(
        [
            DistributorStatusChange(
                distributor_id=distributor_id[r.distributor_code],
                from_status=r.from_status,
                to_status=r.to_status,
                at=r.at,
                reason=r.reason,
            )
            for r in data.status_changes
        ],
        batch_size=BATCH,
    )
    Territory.objects.unscoped().bulk_create(
        [
            Territory(
                distributor_id=distributor_id[r.distributor_code],
                region=r.region,
                country=r.country,
                exclusive=r.exclusive,
            )
            for r in data.territories
        ],
        batch_size=BATCH,
    )
    Contact.objects.unscoped().bulk_create(
        [
            Contact(
                distributor_id=distributor_id[r.distributor_code],
                name=r.name,
                title=r.title,
                email=r.email,
                phone=r.phone,
                is_primary=r.is_primary,
                receives_reminders=r.receives_reminders,
            )
            for r in data.contacts
        ],
        batch_size=BATCH,
    )

    user_id = {
        login.username: create_user(
            actor=None,
            username=login.username,
            password=DEMO_PASSWORD,
            role=login.role,
            distributor=(
                Distributor.objects.unscoped().get(pk=distributor_id[login.distributor_code])
                if login.distributor_code
                else None
            ),
            email=login.email,
            first_name=login.first_name,
            last_name=login.last_name,
            reason="Demo data",
        ).pk
        for login in data.logins
    }
    OnboardingItem.objects.unscoped().bulk_create(
        [
            OnboardingItem(
                distributor_id=distributor_id[r.distributor_code],
                item=r.item,
                owner_id=user_id.get(r.owner_username),
                due_date=r.due_date,
                done_date=r.done_date,
                position=r.position,
            )
            for r in data.onboarding_items
        ],
        batch_size=BATCH,
    )
    ReportingObligation.objects.unscoped().bulk_create(
        [
            ReportingObligation(
                distributor_id=distributor_id[r.distributor_code],
                report_type=r.report_type,
                frequency=r.frequency,
                due_days=r.due_days,
                active_from=r.active_from,
                active_to=r.active_to,
            )
            for r in data.obligations
        ],
        batch_size=BATCH,
    )

    ProductFamily.objects.bulk_create(
        [ProductFamily(code=r.code, name=r.name, description=r.description)
         for r in data.families],
        batch_size=BATCH,
    )  # fmt: skip
    family_id = _ids(ProductFamily.objects.all(), "code")
    Product.objects.bulk_create(
        [
            Product(
                sku=r.sku,
                gtin=r.gtin,
                description=r.description,
                family_id=family_id[r.family_code],
                unit_of_measure=r.unit_of_measure,
                list_price=r.list_price,
                currency=r.currency,
                status=r.status,
            )
            for r in data.products
        ],
        batch_size=BATCH,
    )
    product_id = _ids(Product.objects.all(), "sku")
    UnitConversion.objects.bulk_create(
        [UnitConversion(product_id=product_id[r.sku], unit=r.unit, factor=r.factor)
         for r in data.conversions],
        batch_size=BATCH,
    )  # fmt: skip
    DistributorPartNumber.objects.unscoped().bulk_create(
        [
            DistributorPartNumber(
                distributor_id=distributor_id[r.distributor_code],
                part_number=r.part_number,
                product_id=product_id[r.sku],
                unit=r.unit,
            )
            for r in data.part_numbers
        ],
        batch_size=BATCH,
    )

    Reseller.objects.unscoped().bulk_create(
        [
            Reseller(
                partner_id=r.partner_id,
                name=r.name,
                tax_id=r.tax_id,
                address_line=r.address_line,
                city=r.city,
                postal_code=r.postal_code,
                country=r.country,
                tier=r.tier,
                status=r.status,
                recruited_by_id=distributor_id[r.recruited_by] if r.recruited_by else None,
                onboarding_stage=r.onboarding_stage,
            )
            for r in data.resellers
        ],
        batch_size=BATCH,
    )
    reseller_id = _ids(Reseller.objects.unscoped(), "partner_id")
    ResellerSupply.objects.unscoped().bulk_create(
        [
            ResellerSupply(
                distributor_id=distributor_id[r.distributor_code],
                reseller_id=reseller_id[r.partner_id],
                since=r.since,
                account_number=r.account_number,
            )
            for r in data.supplies
        ],
        batch_size=BATCH,
    )
    ResellerAlias.objects.unscoped().bulk_create(
        [
            ResellerAlias(
                reseller_id=reseller_id[r.partner_id],
                alias=r.alias,
                distributor_id=distributor_id[r.distributor_code] if r.distributor_code else None,
            )
            for r in data.aliases
        ],
        batch_size=BATCH,
    )

    Agreement.objects.unscoped().bulk_create(
        [
            Agreement(
                distributor_id=distributor_id[r.distributor_code], number=r.number, title=r.title
            )
            for r in data.agreements
        ],
        batch_size=BATCH,
    )
    agreement_id = _ids(Agreement.objects.unscoped(), "number")
    AgreementVersion.objects.unscoped().bulk_create(
        [
            AgreementVersion(
                agreement_id=agreement_id[r.agreement_number],
                version=r.version,
                effective_from=r.effective_from,
                effective_to=r.effective_to,
                currency=r.currency,
                payment_terms=r.payment_terms,
                commitment_period=r.commitment_period,
                commitment_unit=r.commitment_unit,
                commitment_value=r.commitment_value,
                amendment_reason=r.amendment_reason,
            )
            for r in data.agreement_versions
        ],
        batch_size=BATCH,
    )
    version_id = {
        (agreement, version): pk
        for agreement, version, pk in AgreementVersion.objects.unscoped().values_list(
            "agreement__number", "version", "id"
        )
    }
    DiscountLevel.objects.unscoped().bulk_create(
        [
            DiscountLevel(
                version_id=version_id[(r.agreement_number, r.version)],
                family_id=family_id[family],
                discount_percent=percent,
            )
            for r in data.agreement_versions
            for family, percent in r.discounts
        ],
        batch_size=BATCH,
    )

    if data.sellin:
        first, last = data.sellin[0].invoice_date, data.sellin[-1].invoice_date
        import_sellin(
            actor=None,
            file_name=f"demo-sellin-{first:%Y-%m}-to-{last:%Y-%m}.csv",
            content=sellin_csv(data.sellin),
            source="demo",
        )
    return vendor_settings


def load_demo_reports(data: DemoData, *, on_file=None):
    """The distributors' report files for ``data``, through the intake pipeline (issue 3).

    Runs after ``load_demo`` has committed the master data and the sell-in: each file is its
    own submission with its own transactions (see ``report_loader``). Returns the plan and
    the ``ReportLoadResult``.
    """
    from midstream.demo.report_loader import load_reports
    from midstream.demo.reportfiles import plan_reports

    plan = plan_reports(data)
    return plan, load_reports(plan, on_file=on_file)


def demo_login_rows() -> list[tuple[str, str, str, str]]:
    """(username, role, distributor, password) of the demo logins present in the database."""
    logins: list[LoginRow] = demo_logins()
    users = {
        user.username: user
        for user in User.objects.select_related("distributor").filter(
            username__in=[login.username for login in logins]
        )
    }
    return [
        (
            user.username,
            user.get_role_display(),
            user.distributor.legal_name if user.distributor else "",
            DEMO_PASSWORD,
        )
        for login in logins
        if (user := users.get(login.username)) is not None
    ]
