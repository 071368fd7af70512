"""Read side for dashboards: counts and totals, each one query."""

from django.db.models import Count

from midstream.catalog.models import Product
from midstream.network.models import Reseller
from midstream.partners.models import Distributor


def dashboard_summary() -> dict:
    by_status = dict(
        Distributor.objects.unscoped().values_list("status").annotate(n=Count("id")).order_by()
    )
    return {
        "distributors_by_status": by_status,
        "distributor_count": sum(by_status.values()),
        "reseller_count": Reseller.objects.unscoped().count(),
        "product_count": Product.objects.count(),
    }
