"""Model fields for money, so every amount column has the same size everywhere."""

from django.core.validators import MinValueValidator
from django.db import models

from midstream.core.money import (
    AMOUNT_DECIMAL_PLACES,
    AMOUNT_MAX_DIGITS,
    CURRENCY_CHOICES,
    PRICE_DECIMAL_PLACES,
    PRICE_MAX_DIGITS,
)


def AmountField(**kwargs) -> models.DecimalField:
    kwargs.setdefault("max_digits", AMOUNT_MAX_DIGITS)
    kwargs.setdefault("decimal_places", AMOUNT_DECIMAL_PLACES)
    return models.DecimalField(**kwargs)


def PriceField(**kwargs) -> models.DecimalField:
    kwargs.setdefault("max_digits", PRICE_MAX_DIGITS)
    kwargs.setdefault("decimal_places", PRICE_DECIMAL_PLACES)
    kwargs.setdefault("validators", [MinValueValidator(0)])
    return models.DecimalField(**kwargs)


def CurrencyField(**kwargs) -> models.CharField:
    kwargs.setdefault("max_length", 3)
    kwargs.setdefault("choices", CURRENCY_CHOICES)
    return models.CharField(**kwargs)
