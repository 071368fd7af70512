"""``{{ amount|money }}`` and ``{{ amount|money:currency }}``: grouped digits, exact Decimal."""

from decimal import Decimal

from django import template

from midstream.core.money import format_amount

register = template.Library()


@register.filter
def money(value, currency: str = ""):
    if value is None or value == "":
        return ""
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value))
        except ArithmeticError:
            return value
    return format_amount(value, currency or None)
