"""The access-matrix cast: an own and a foreign bundle with one object of every kind.

``build_cast()`` creates, straight through the models (no services, so nothing but the
objects themselves is written):

* ``own``: distributor ``ALPHA`` with its contact, territory, onboarding item, reporting
  obligation, a reseller it supplies (with supply and a distributor-specific alias), a part
  number, an agreement (version + discount level), a sell-in line, an API token of its user and
  a committed sell-through ``submission`` (its stored file, one fact, one monthly rollup row
  and one error issue);
* ``foreign``: the same for distributor ``BRAVO``, every text field seeded with a canary
  string (``CANARY-7f3a-<field>``) that must never reach a page or API answer for ALPHA's users;
* shared: a product family and a product (both distributors have a part number for it);
  BRAVO also supplies ALPHA's reseller, and both supply ``shared_reseller``: BRAVO's account
  numbers and aliases there are canaries too (what ALPHA sees of a reseller it shares must not
  include BRAVO's relationship to it);
* one login per role (vendor staff, ALPHA's ``da_admin`` / ``da_user``, BRAVO's
  ``db_admin`` / ``db_user``) and, for each, a bearer token for the API.

Bundle attribute names are the contract of ``core/access.py`` rules' ``kwargs`` callables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from midstream.accounts.choices import Role

CANARY = "CANARY-7f3a"
PASSWORD = "correct horse battery staple 42"

VENDOR_LOGINS = {
    Role.VENDOR_ADMIN: "vendor_admin",
    Role.CHANNEL_MANAGER: "channel_manager",
    Role.FINANCE: "finance",
    Role.PRICING_MANAGER: "pricing_manager",
    Role.ANALYST: "analyst",
}
OWN_LOGINS = {Role.DISTRIBUTOR_ADMIN: "da_admin", Role.DISTRIBUTOR_USER: "da_user"}
FOREIGN_LOGINS = {Role.DISTRIBUTOR_ADMIN: "db_admin", Role.DISTRIBUTOR_USER: "db_user"}


def canary(name: str) -> str:
    return f"{CANARY}-{name}"


def contains_canary(body: bytes | str) -> bool:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return CANARY.lower() in text.lower()


@dataclass
class Bundle:
    distributor: Any
    contact: Any
    territory: Any
    onboarding_item: Any
    obligation: Any
    reseller: Any
    supply: Any
    alias: Any
    part_number: Any
    agreement: Any
    agreement_version: Any
    discount_level: Any
    sellin_import: Any
    sellin_line: Any
    token: Any
    product: Any
    family: Any
    mapping_profile: Any
    users: dict = field(default_factory=dict)
    submission: Any = None


@dataclass
class Cast:
    own: Bundle
    foreign: Bundle
    product: Any
    family: Any
    shared_reseller: Any
    users: dict  # Role -> user (distributor roles: ALPHA's)
    foreign_users: dict  # Role -> BRAVO's user
    tokens: dict = field(default_factory=dict)  # Role -> bearer token text


def make_user(username: str, role: Role, distributor=None, **fields):
    from midstream.accounts.models import User

    user = User(
        username=username,
        role=role,
        distributor=distributor,
        email=fields.pop("email", f"{username}@example.com"),
        **fields,
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def _text(seeded: bool, name: str, plain: str) -> str:
    return canary(name) if seeded else plain


def build_bundle(*, code: str, seeded: bool, product, family, logins: dict, suffix: str) -> Bundle:
    """One distributor, its users and objects. ``seeded`` fills every text field with a canary."""
    from midstream.accounts.models import APIToken, hash_token_secret, new_token_parts
    from midstream.agreements.models import Agreement, AgreementVersion, DiscountLevel
    from midstream.catalog.models import DistributorPartNumber
    from midstream.ingest.models import MappingProfile
    from midstream.network.models import Reseller, ResellerAlias, ResellerSupply
    from midstream.partners.models import (
        Contact,
        Distributor,
        OnboardingItem,
        ReportingObligation,
        Territory,
    )
    from midstream.sales.models import SellInImport, SellInLine

    def text(name: str, plain: str) -> str:
        return _text(seeded, name, plain)

    distributor = Distributor.objects.unscoped().create(
        code=code,
        legal_name=text("legal-name", f"{code.title()} Distribution Ltd"),
        country="DE" if seeded else "US",
        region="EMEA" if seeded else "AMER",
        currency="EUR" if seeded else "USD",
        program_track="broadline",
        status="active",
        website=f"https://{CANARY.lower()}-web.example.com" if seeded else "https://alpha.example",
        notes=text("distributor-notes", "Own distributor notes"),
    )
    users = {}
    for role, name in logins.items():
        extra = {}
        if seeded:
            extra = {
                "first_name": canary("first-name"),
                "last_name": canary("last-name"),
                "email": f"{CANARY.lower()}-{name}@example.com",
            }
        users[role] = make_user(name, role, distributor, **extra)
    contact = Contact.objects.unscoped().create(
        distributor=distributor,
        name=text("contact-name", "Olivia Own"),
        title=text("contact-title", "Purchasing lead"),
        email=f"{CANARY.lower()}-contact@example.com" if seeded else "olivia@alpha.example",
        phone=text("phone", "+1 555 0100"),
        is_primary=True,
    )
    territory = Territory.objects.unscoped().create(
        distributor=distributor,
        region="EMEA" if seeded else "AMER",
        country="DE" if seeded else "US",
        exclusive=seeded,
    )
    onboarding_item = OnboardingItem.objects.unscoped().create(
        distributor=distributor,
        item=text("onboarding-item", "Sign the reseller agreement"),
        due_date=dt.date(2025, 2, 1),
    )
    obligation = ReportingObligation.objects.unscoped().create(
        distributor=distributor,
        report_type="sell_through",
        frequency="monthly",
        due_days=10,
        active_from=dt.date(2025, 1, 1),
    )
    reseller = Reseller.objects.unscoped().create(
        partner_id=text("partner", f"R{suffix}0001")[:20],
        name=text("reseller-name", f"{code.title()} Corner Shop"),
        tax_id=text("tax-id", f"TAX-{suffix}-1"),
        address_line=text("address", "1 Main Street"),
        city=text("city", "Springfield"),
        postal_code=text("zip", "12345")[:20],
        country="DE" if seeded else "US",
        status="active",
    )
    supply = ResellerSupply.objects.unscoped().create(
        distributor=distributor,
        reseller=reseller,
        since=dt.date(2024, 6, 1),
        account_number=text("account", f"ACC-{suffix}-1"),
    )
    alias = ResellerAlias.objects.unscoped().create(
        reseller=reseller, alias=text("alias", f"{code.title()} Corner"), distributor=distributor
    )
    part_number = DistributorPartNumber.objects.unscoped().create(
        distributor=distributor,
        part_number=text("part-number", f"{code}-PN-1"),
        product=product,
    )
    agreement = Agreement.objects.unscoped().create(
        distributor=distributor,
        number=text("agreement-number", f"VPA-{code}-1"),
        title=text("agreement-title", f"{code.title()} volume purchase agreement"),
    )
    agreement_version = AgreementVersion.objects.unscoped().create(
        agreement=agreement,
        version=1,
        effective_from=dt.date(2025, 1, 1),
        currency=distributor.currency,
        payment_terms="net30",
        commitment_period="quarter",
        commitment_unit="amount",
        commitment_value=Decimal("100000.00"),
        amendment_reason=text("amendment-reason", "Initial terms"),
    )
    discount_level = DiscountLevel.objects.unscoped().create(
        version=agreement_version, family=family, discount_percent=Decimal("12.50")
    )
    sellin_import = SellInImport.objects.create(
        file_name=text("import-file", f"sellin-{code.lower()}.csv"),
        content_sha256=("f" if seeded else "a") * 64,
        source="cli",
        rows_read=1,
        rows_inserted=1,
    )
    sellin_line = SellInLine.objects.unscoped().create(
        distributor=distributor,
        invoice_number=text("invoice", f"INV-{code}-1"),
        line_number=1,
        invoice_date=dt.date(2025, 1, 15),
        product=product,
        quantity=Decimal("10.000"),
        unit_net_price=Decimal("90.0000"),
        currency=distributor.currency,
        net_amount=Decimal("900.00"),
        ship_to_warehouse=text("warehouse", "Main warehouse"),
        imported_by=sellin_import,
    )
    key_id, secret = new_token_parts()
    token = APIToken.objects.create(
        user=users[Role.DISTRIBUTOR_USER],
        name=text("token-name", "ERP uploader"),
        key_id=key_id,
        secret_hash=hash_token_secret(secret),
    )
    mapping_profile = MappingProfile.objects.unscoped().create(
        distributor=distributor,
        kind="sell_through",
        format_family="tabular",
        version=1,
        is_current=True,
        spec={
            "format_family": "tabular",
            "kind": "sell_through",
            "columns": {
                "invoice_number": text("profile-invoice-column", "Invoice"),
                "quantity": text("profile-quantity-column", "Qty"),
            },
        },
        change_reason=text("profile-reason", "Onboarding"),
    )
    submission = build_submission(
        distributor=distributor,
        seeded=seeded,
        product=product,
        reseller=reseller,
        supply=supply,
        user=users[Role.DISTRIBUTOR_USER],
    )
    return Bundle(
        distributor=distributor,
        contact=contact,
        territory=territory,
        onboarding_item=onboarding_item,
        obligation=obligation,
        reseller=reseller,
        supply=supply,
        alias=alias,
        part_number=part_number,
        agreement=agreement,
        agreement_version=agreement_version,
        discount_level=discount_level,
        sellin_import=sellin_import,
        sellin_line=sellin_line,
        token=token,
        product=product,
        family=family,
        mapping_profile=mapping_profile,
        users=users,
        submission=submission,
    )


def build_submission(*, distributor, seeded: bool, product, reseller, supply, user):
    """A committed January 2025 sell-through report: its stored file, one accepted line (a
    fact and its monthly rollup row) and one rejected line (an error issue)."""
    from midstream.ingest.models import (
        ReportedReseller,
        SellThroughFact,
        SellThroughMonth,
        Submission,
        SubmissionIssue,
    )
    from midstream.ingest.submissions import store_file

    def text(name: str, plain: str) -> str:
        return _text(seeded, name, plain)

    code = distributor.code
    invoice = text("sellthrough-invoice", f"ST-{code}-1")
    unknown_sku = text("unknown-sku", f"{code}-NO-SUCH-SKU")
    content = (
        "Invoice,Date,SKU,Qty,Price,Reseller\n"
        f"{invoice},2025-01-20,SW-24P,3,150.00,{reseller.name}\n"
        f"{invoice},2025-01-21,{unknown_sku},1,150.00,{reseller.name}\n"
    ).encode()
    stored = store_file(content=content)
    received = dt.datetime(2025, 2, 3, 9, 0, tzinfo=dt.UTC)
    submission = Submission.objects.unscoped().create(
        distributor=distributor,
        kind="sell_through",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 1, 31),
        source="portal",
        file_name=text("submission-file", f"sellthrough-{code.lower()}-2025-01.csv"),
        file_size=stored.size,
        content_sha256=stored.sha256,
        stored_path=stored.relative_path,
        file_format="csv",
        error_policy="quarantine",
        submitted_by=user,
        submitted_at=received,
        status="committed",
        stage="done",
        lines_total=2,
        lines_processed=2,
        lines_read=2,
        lines_accepted=1,
        lines_rejected=1,
        version=1,
        attempts=1,
        started_at=received,
        finished_at=received + dt.timedelta(seconds=2),
        committed_at=received + dt.timedelta(seconds=2),
    )
    SellThroughFact.objects.unscoped().create(
        distributor=distributor,
        submission=submission,
        line=2,
        invoice_number=invoice,
        invoice_line="1",
        invoice_date=dt.date(2025, 1, 20),
        transaction_type="SS",
        product=product,
        product_reference="SW-24P",
        quantity=Decimal("3.000"),
        reported_quantity=Decimal("3.000"),
        reported_unit="EA",
        unit_price=Decimal("150.0000"),
        amount=Decimal("450.00"),
        currency=distributor.currency,
        reseller=reseller,
        reseller_method="name",
        mention=ReportedReseller.objects.unscoped().create(
            distributor=distributor,
            key=f"cast-{distributor.code}",
            name=reseller.name,
            account_number=supply.account_number,
            city=reseller.city,
            postal_code=reseller.postal_code,
            country=reseller.country,
            reseller=reseller,
            method="name",
            first_seen_at=received,
        ),
        end_customer_name=text("end-customer", "Springfield Library"),
    )
    SellThroughMonth.objects.unscoped().create(
        distributor=distributor,
        submission=submission,
        active=True,
        month=dt.date(2025, 1, 1),
        product=product,
        reseller=reseller,
        currency=distributor.currency,
        quantity=Decimal("3.000"),
        amount=Decimal("450.00"),
        line_count=1,
    )
    SubmissionIssue.objects.unscoped().create(
        distributor=distributor,
        submission=submission,
        line=3,
        field="sku",
        code="unknown_product",
        severity="error",
        message=text("issue-message", f"No product matches {unknown_sku}."),
        value=unknown_sku,
    )
    return submission


def build_cast(*, with_tokens: bool = True) -> Cast:
    """Create the whole cast in the current database (call inside a transaction)."""
    from midstream.accounts.services import issue_token
    from midstream.catalog.models import Product, ProductFamily
    from midstream.network.models import Reseller, ResellerAlias, ResellerSupply
    from midstream.partners.models import Distributor

    family = ProductFamily.objects.create(code="NET", name="Networking")
    product = Product.objects.create(
        sku="SW-24P",
        gtin="4006381333931",
        description="24-port switch",
        family=family,
        list_price=Decimal("199.0000"),
        currency="USD",
    )

    vendor_users = {role: make_user(name, role) for role, name in VENDOR_LOGINS.items()}
    own = build_bundle(
        code="ALPHA", seeded=False, product=product, family=family, logins=OWN_LOGINS, suffix="A"
    )
    foreign = build_bundle(
        code="BRAVO", seeded=True, product=product, family=family, logins=FOREIGN_LOGINS, suffix="B"
    )

    # BRAVO also supplies ALPHA's reseller: what ALPHA sees of it must not include BRAVO's
    # account number or spelling.
    ResellerSupply.objects.unscoped().create(
        distributor=foreign.distributor,
        reseller=own.reseller,
        since=dt.date(2024, 3, 1),
        account_number=canary("own-reseller-account"),
    )
    ResellerAlias.objects.unscoped().create(
        reseller=own.reseller, alias=canary("own-reseller-alias"), distributor=foreign.distributor
    )
    # A second reseller both supply, for lists.
    shared_reseller = Reseller.objects.unscoped().create(
        partner_id="R-SHARED-1", name="Shared Supplies Co", country="US", status="active"
    )
    ResellerSupply.objects.unscoped().create(
        distributor=own.distributor,
        reseller=shared_reseller,
        since=dt.date(2024, 1, 1),
        account_number="ACC-A-SHARED",
    )
    ResellerSupply.objects.unscoped().create(
        distributor=foreign.distributor,
        reseller=shared_reseller,
        since=dt.date(2024, 1, 1),
        account_number=canary("shared-account"),
    )
    ResellerAlias.objects.unscoped().create(
        reseller=shared_reseller, alias=canary("shared-alias"), distributor=foreign.distributor
    )
    assert Distributor.objects.unscoped().count() == 2

    users = dict(vendor_users)
    users.update(own.users)
    cast = Cast(
        own=own,
        foreign=foreign,
        product=product,
        family=family,
        shared_reseller=shared_reseller,
        users=users,
        foreign_users=foreign.users,
    )
    if with_tokens:
        for role, user in users.items():
            _token, text = issue_token(actor=user, user=user, name=f"matrix {role}")
            cast.tokens[role] = text
    return cast
