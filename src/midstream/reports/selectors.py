"""Read side for dashboards: counts and totals, each one query."""

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from midstream.catalog.models import Product
from midstream.core.calc import months_between
from midstream.core.scoping import Scope
from midstream.network.models import Reseller
from midstream.partners.models import Distributor
from midstream.sales.selectors import bar_chart, sellin_report


def last_twelve_months(today: dt.date) -> list[dt.date]:
    """First days of the twelve calendar months ending with ``today``'s month."""
    index = today.year * 12 + today.month - 1 - 11
    return months_between(dt.date(index // 12, index % 12 + 1, 1), today)


def sellin_last_twelve_months(today: dt.date) -> dict:
    """Vendor-wide sell-in of the last twelve months in the reporting currency.

    ``total`` is ``None`` (and ``missing_rates`` names the currencies) when an exchange
    rate is missing, rather than a total that leaves some currencies out.
    """
    months = last_twelve_months(today)
    report = sellin_report(Scope.vendor(), date_from=months[0], date_to=today, months=months)
    return {
        "reporting_currency": report.reporting_currency,
        "months": report.totals,
        "total": report.reporting_total,
        "missing_rates": report.missing_rates,
        "lines": sum(total.lines for total in report.totals),
        "chart": bar_chart(report),
    }


def dashboard_summary(today: dt.date | None = None) -> dict:
    by_status = dict(
        Distributor.objects.unscoped().values_list("status").annotate(n=Count("id")).order_by()
    )
    return {
        "distributors_by_status": by_status,
        "distributor_count": sum(by_status.values()),
        "reseller_count": Reseller.objects.unscoped().count(),
        "product_count": Product.objects.count(),
        "sellin": sellin_last_twelve_months(today or timezone.localdate()),
    }
