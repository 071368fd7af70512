"""Report pages: the sell-through explorer and inventory positions (issue 3).

Both read summaries only: the explorer the monthly rollups (``SellThroughMonth``, active rows)
and the vendor's sell-in lines aggregated by month; the inventory page the latest committed
position per distributor, location and product. A distributor user sees only its own.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from midstream.accounts.decorators import require_perm
from midstream.accounts.permissions import Perm, is_distributor_user, scope_for
from midstream.catalog.models import ProductFamily
from midstream.core.exports import csv_response, xlsx_response
from midstream.core.listing import EXPORT_LIMIT, MAX_PER_PAGE, Column, ListPage, ListSpec
from midstream.partners.selectors import distributors as distributors_in_scope
from midstream.reports import selectors
from midstream.reports.forms import InventoryForm, SellThroughForm


def listing_or_export(
    request: HttpRequest,
    queryset: QuerySet,
    spec: ListSpec,
    *,
    tiebreak: tuple,
    params: dict[str, str],
) -> ListPage | HttpResponseBase:
    """``core.listing`` for grouped (values) querysets: sort, paginate or export.

    ``render_list`` breaks ties on ``pk``, which would split a grouped query's groups; here
    ties break on ``tiebreak`` (the grouping itself). ``params`` are the page's own filters,
    kept in the sort, page and export links.
    """
    sortable = {column.key: column.sort for column in spec.columns if column.sort}
    sort = request.GET.get("sort", "")
    key = sort.removeprefix("-")
    if key in sortable:
        column = F(sortable[key])
        first = (
            column.desc(nulls_last=True) if sort.startswith("-") else column.asc(nulls_last=True)
        )
        queryset = queryset.order_by(first, *tiebreak)
    else:
        sort = ""
        queryset = queryset.order_by(*tiebreak)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        header = [column.label for column in spec.columns]
        rows = (
            [column.value_for(row) for column in spec.columns]
            for row in queryset[:EXPORT_LIMIT].iterator(chunk_size=2000)
        )
        respond = csv_response if export == "csv" else xlsx_response
        return respond(spec.name, header, rows)
    try:
        per_page = min(max(int(request.GET.get("per_page", spec.per_page)), 1), MAX_PER_PAGE)
    except ValueError:
        per_page = spec.per_page
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        [
            {"value": column.value_for(row), "url": column.url_for(row), "numeric": column.numeric}
            for column in spec.columns
        ]
        for row in page.object_list
    ]
    return ListPage(
        spec=spec,
        page=page,
        rows=rows,
        query="",
        sort=sort,
        active_filters={name: value for name, value in params.items() if value},
        per_page=per_page,
        total=paginator.count,
    )


def _params(form) -> dict[str, str]:
    """The form's submitted values, as text, for the links of the listing."""
    if not form.is_bound:
        return {}
    return {name: str(form.data.get(name, "")).strip()[:200] for name in form.fields}


def _distributor_choices(request, scope):
    if is_distributor_user(request.user):
        return None
    return [
        (pk, code)
        for pk, code in distributors_in_scope(scope).order_by("code").values_list("pk", "code")
    ]


def _reseller(row: dict) -> str:
    if row["reseller_id"] is None:
        return "(no reseller)"
    return f"{row['reseller__name']} ({row['reseller__partner_id']})"


def _sellthrough_spec(*, with_distributor: bool) -> ListSpec:
    columns = [
        Column("month", "Month", value=lambda row: row["month"].strftime("%Y-%m"), sort="month"),
        Column(
            "distributor",
            "Distributor",
            value=lambda row: row["distributor__code"],
            sort="distributor__code",
        ),
        Column("sku", "SKU", value=lambda row: row["product__sku"], sort="product__sku"),
        Column("description", "Product", value=lambda row: row["product__description"]),
        Column("reseller", "Reseller", value=_reseller, sort="reseller__name"),
        Column("currency", "Currency", value=lambda row: row["currency"], sort="currency"),
        Column("quantity", "Quantity", value=selectors.row_quantity, sort="thousandths",
               numeric=True),
        Column("amount", "Amount", value=selectors.row_amount, sort="ten_thousandths",
               numeric=True),
        Column("lines", "Lines", value=lambda row: row["lines"], sort="lines", numeric=True),
    ]  # fmt: skip
    if not with_distributor:
        columns = [column for column in columns if column.key != "distributor"]
    return ListSpec(name="sell-through", columns=columns, default_sort="month")


@require_perm(Perm.VIEW_SELLTHROUGH)
def sellthrough(request):
    """Sell-through by month, distributor, product and reseller, with sell-in alongside."""
    scope = scope_for(request.user)
    vendor = not is_distributor_user(request.user)
    form = SellThroughForm(
        request.GET or None,
        distributor_choices=_distributor_choices(request, scope),
        family_choices=list(ProductFamily.objects.order_by("code").values_list("pk", "code")),
    )
    filters = form.filters()
    result = listing_or_export(
        request,
        selectors.sellthrough_rows(scope, filters),
        _sellthrough_spec(with_distributor=vendor),
        tiebreak=selectors.SELLTHROUGH_ORDER,
        params=_params(form),
    )
    if not isinstance(result, ListPage):
        return result  # an export
    series = selectors.sellthrough_series(scope, filters)
    context = {
        "form": form,
        "listing": result,
        "series": series,
        "chart": selectors.series_chart(series),
        "filters": filters,
    }
    return render(request, "reports/sellthrough.html", context)


def _inventory_spec(*, with_distributor: bool) -> ListSpec:
    columns = [
        Column("distributor", "Distributor", value="distributor.code", sort="distributor__code"),
        Column("location", "Location", sort="location"),
        Column("sku", "SKU", value="product.sku", sort="product__sku"),
        Column("description", "Product", value="product.description"),
        Column("as_of_date", "As of", sort="as_of_date"),
        Column("on_hand", "On hand", numeric=True, sort="on_hand"),
        Column("available", "Available", numeric=True, sort="available"),
        Column("committed", "Committed", numeric=True),
        Column("on_order", "On order", numeric=True),
        Column("in_transit", "In transit", numeric=True),
        Column("submission", "Report", value=lambda row: f"#{row.submission_id}",
               link=lambda row: _submission_url(row.submission_id)),
    ]  # fmt: skip
    if not with_distributor:
        columns = [column for column in columns if column.key != "distributor"]
    return ListSpec(name="inventory-positions", columns=columns, default_sort="distributor")


def _submission_url(pk: int) -> str:
    return reverse("ingest:submission_detail", args=[pk])


@require_perm(Perm.VIEW_SELLTHROUGH)
def inventory(request):
    """The latest committed inventory position per distributor, location and product."""
    scope = scope_for(request.user)
    vendor = not is_distributor_user(request.user)
    form = InventoryForm(
        request.GET or None, distributor_choices=_distributor_choices(request, scope)
    )
    result = listing_or_export(
        request,
        selectors.inventory_positions(scope, **form.options()),
        _inventory_spec(with_distributor=vendor),
        tiebreak=selectors.INVENTORY_ORDER,
        params=_params(form),
    )
    if not isinstance(result, ListPage):
        return result  # an export
    return render(request, "reports/inventory.html", {"form": form, "listing": result})
