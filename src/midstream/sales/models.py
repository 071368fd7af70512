from django.conf import settings
from django.db import models

from midstream.catalog.models import Product
from midstream.core.fields import AmountField, CurrencyField, PriceField
from midstream.core.scoping import DistributorOwned
from midstream.partners.models import Distributor


class SellInImport(models.Model):
    """One sell-in file import: vendor-side, may span many distributors."""

    file_name = models.CharField(max_length=255)
    content_sha256 = models.CharField(max_length=64, db_index=True)
    source = models.CharField(max_length=10, default="ui")  # ui, api, cli
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_inserted = models.PositiveIntegerField(default=0)
    rows_already_present = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class SellInLine(DistributorOwned):
    """One invoice line from the vendor to a distributor. Immutable once imported."""

    distributor = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="+")
    invoice_number = models.CharField(max_length=40)
    line_number = models.PositiveIntegerField()
    invoice_date = models.DateField()
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    unit_net_price = PriceField()
    currency = CurrencyField()
    net_amount = AmountField()
    ship_to_warehouse = models.CharField(max_length=60, blank=True)
    imported_by = models.ForeignKey(SellInImport, on_delete=models.PROTECT, related_name="lines")

    class Meta(DistributorOwned.Meta):
        ordering = ["-invoice_date", "invoice_number", "line_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["distributor", "invoice_number", "line_number"],
                name="uniq_sellin_invoice_line",
            )
        ]
        indexes = [models.Index(fields=["distributor", "invoice_date"])]

    def __str__(self) -> str:
        return f"{self.invoice_number}/{self.line_number}"
