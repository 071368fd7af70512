"""Test data for sell-in: products and lines, and CSV text built from rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from midstream.catalog.models import Product, ProductFamily
from midstream.sales.models import SellInImport, SellInLine

HEADER = (
    "invoice_number,line,invoice_date,distributor_code,sku,quantity,unit_net_price,currency,"
    "ship_to_warehouse"
)


def make_product(sku: str, **fields) -> Product:
    family, _ = ProductFamily.objects.get_or_create(code="NET", defaults={"name": "Networking"})
    defaults = {
        "description": f"Product {sku}",
        "family": family,
        "list_price": Decimal("100.00"),
        "currency": "USD",
    }
    defaults.update(fields)
    return Product.objects.create(sku=sku, **defaults)


def make_import(**fields) -> SellInImport:
    defaults = {"file_name": "seed.csv", "content_sha256": "0" * 64, "source": "cli"}
    defaults.update(fields)
    return SellInImport.objects.create(**defaults)


def make_line(distributor, product, **fields) -> SellInLine:
    """A stored line; net_amount is quantity times price unless given."""
    quantity = Decimal(fields.pop("quantity", "1"))
    price = Decimal(fields.pop("unit_net_price", "10.00"))
    defaults = {
        "invoice_number": "INV-1",
        "line_number": 1,
        "invoice_date": dt.date(2026, 3, 15),
        "currency": "USD",
        "ship_to_warehouse": "",
    }
    defaults.update(fields)
    defaults.setdefault("net_amount", (quantity * price).quantize(Decimal("0.01")))
    if defaults.get("imported_by") is None:
        defaults["imported_by"] = make_import()
    return SellInLine.objects.unscoped().create(
        distributor=distributor,
        product=product,
        quantity=quantity,
        unit_net_price=price,
        **defaults,
    )


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()
