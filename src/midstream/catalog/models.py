from django.core.validators import MinValueValidator
from django.db import models

from midstream.catalog.choices import ProductStatus, UnitOfMeasure
from midstream.core.fields import CurrencyField, PriceField
from midstream.core.scoping import DistributorOwned
from midstream.partners.models import Distributor


class ProductFamily(models.Model):
    """A product family: the level at which agreements set discount levels."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "product families"

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Product(models.Model):
    """A vendor SKU. The list price is a price: it changes through a service, audited."""

    sku = models.CharField(max_length=40, unique=True)
    gtin = models.CharField(
        max_length=14,
        null=True,
        blank=True,
        unique=True,
        help_text="GTIN-8/12 (UPC)/13 (EAN)/14, check digit verified.",
    )
    description = models.CharField(max_length=300)
    family = models.ForeignKey(ProductFamily, on_delete=models.PROTECT, related_name="products")
    unit_of_measure = models.CharField(
        max_length=2, choices=UnitOfMeasure.choices, default=UnitOfMeasure.EACH
    )
    list_price = PriceField()
    currency = CurrencyField()
    status = models.CharField(
        max_length=20, choices=ProductStatus.choices, default=ProductStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sku"]

    def __str__(self) -> str:
        return f"{self.sku} — {self.description}"


class UnitConversion(models.Model):
    """``unit`` of this product holds ``factor`` base units (box of 10: unit BX, factor 10)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="conversions")
    unit = models.CharField(max_length=2, choices=UnitOfMeasure.choices)
    factor = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "unit"], name="uniq_conversion_per_unit")
        ]

    def __str__(self) -> str:
        return f"1 {self.unit} = {self.factor} {self.product.unit_of_measure}"


class DistributorPartNumber(DistributorOwned):
    """A distributor's own part number for a vendor SKU, optionally in another unit."""

    distributor = models.ForeignKey(
        Distributor, on_delete=models.CASCADE, related_name="part_numbers"
    )
    part_number = models.CharField(max_length=60)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="part_numbers")
    unit = models.CharField(max_length=2, choices=UnitOfMeasure.choices, default=UnitOfMeasure.EACH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(DistributorOwned.Meta):
        ordering = ["part_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["distributor", "part_number"], name="uniq_part_number_per_distributor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.part_number} → {self.product_id}"
