from decimal import Decimal

from django.template import Context, Template


def render(text: str, **context) -> str:
    return Template("{% load money %}" + text).render(Context(context))


def test_money_filter_groups_digits_and_keeps_the_minor_unit():
    assert render("{{ v|money:'USD' }}", v=Decimal("6517005.6")) == "6,517,005.60 USD"
    assert render("{{ v|money:'JPY' }}", v=Decimal("1234")) == "1,234 JPY"
    assert render("{{ v|money }}", v=Decimal("-5")) == "-5.00"
    assert render("{{ v|money }}", v=None) == ""


def test_unit_commitments_render_as_whole_numbers():
    text = Template('{{ v|floatformat:"-2g" }}').render(Context({"v": Decimal("1200.00")}))
    assert text == "1,200"
