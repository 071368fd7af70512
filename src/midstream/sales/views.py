"""Sell-in pages: lines, one line, import, import history, sell-in by month."""

from django.contrib import messages
from django.db.models.functions import TruncMonth
from django.shortcuts import redirect, render
from django.urls import reverse

from midstream.accounts.decorators import require_perm
from midstream.accounts.permissions import Perm, has_perm, is_distributor_user, scope_for
from midstream.core.errors import DomainError, InputRejected
from midstream.core.listing import Column, Filter, ListSpec, render_list
from midstream.core.money import CURRENCY_CHOICES
from midstream.core.scoping import get_in_scope
from midstream.partners.models import Distributor
from midstream.partners.selectors import distributors as distributors_in_scope
from midstream.sales import selectors, services
from midstream.sales.forms import SellInImportForm, SellInReportForm
from midstream.sales.importing import FIELDS, HEADER_SYNONYMS

# Problems shown on the import page; the CLI and the API give every one.
PROBLEMS_SHOWN = 500


def _line_columns(*, with_distributor: bool) -> list[Column]:
    columns = [
        Column("invoice_date", "Date", sort="invoice_date"),
        Column("invoice_number", "Invoice", link="sales:sellin_detail", sort="invoice_number"),
        Column("line_number", "Line", numeric=True),
        Column("sku", "SKU", value="product.sku", sort="product__sku"),
        Column("quantity", "Quantity", numeric=True, sort="quantity"),
        Column("unit_net_price", "Unit net price", numeric=True, sort="unit_net_price"),
        Column("currency", "Currency", sort="currency"),
        Column("net_amount", "Net amount", numeric=True, sort="net_amount"),
        Column("ship_to_warehouse", "Ship-to warehouse"),
    ]
    if with_distributor:
        columns.insert(
            1,
            Column(
                "distributor", "Distributor", value="distributor.code", sort="distributor__code"
            ),
        )
    return columns


@require_perm(Perm.VIEW_SELLIN)
def sellin_list(request):
    """Sell-in lines: search invoice or SKU; filter by distributor, currency, month."""
    scope = scope_for(request.user)
    vendor = not is_distributor_user(request.user)
    filters = []
    if vendor:
        choices = distributors_in_scope(scope).order_by("code").values_list("pk", "code")
        filters.append(
            Filter(
                "distributor",
                "Distributor",
                "distributor_id",
                [(str(pk), code) for pk, code in choices],
            )
        )
    filters.append(Filter("currency", "Currency", "currency", CURRENCY_CHOICES))
    months = selectors.sellin_months(scope)
    filters.append(
        Filter(
            "month",
            "Month",
            "invoice_month",
            [(month.isoformat(), month.strftime("%Y-%m")) for month in months],
        )
    )
    spec = ListSpec(
        name="sell-in",
        columns=_line_columns(with_distributor=vendor),
        search_fields=["invoice_number", "product__sku"],
        filters=filters,
        default_sort="-invoice_date",
    )
    lines = selectors.sellin_lines(scope).annotate(invoice_month=TruncMonth("invoice_date"))
    context = {
        "title": "Sell-in",
        "subtitle": "Invoice lines from the vendor to distributors.",
        "can_import": vendor and has_perm(request.user, Perm.IMPORT_SELLIN),
    }
    return render_list(request, lines, spec, template="sales/sellin_list.html", context=context)


@require_perm(Perm.VIEW_SELLIN)
def sellin_detail(request, pk: int):
    line = selectors.get_sellin_line(scope_for(request.user), pk)
    vendor = not is_distributor_user(request.user)
    context = {
        "line": line,
        "show_import": vendor,
        "audit_url": (
            reverse("core:audit_list")
            + f"?object_type=sales.sellinimport&object_id={line.imported_by_id}"
            if vendor and has_perm(request.user, Perm.VIEW_AUDIT)
            else None
        ),
    }
    return render(request, "sales/sellin_detail.html", context)


@require_perm(Perm.IMPORT_SELLIN, vendor_only=True)
def sellin_import(request):
    """Upload the sell-in CSV; all lines or none, every problem listed."""
    form = SellInImportForm()
    rejected = None
    checked = None
    if request.method == "POST":
        form = SellInImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            dry_run = form.cleaned_data["dry_run"]
            try:
                result = services.import_sellin(
                    actor=request.user,
                    file_name=upload.name,
                    content=upload.read(),
                    source="ui",
                    dry_run=dry_run,
                )
            except InputRejected as error:
                rejected = error
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                if dry_run:
                    checked = result
                else:
                    messages.success(
                        request,
                        f"{result.file_name}: {result.rows_read} lines read, "
                        f"{result.rows_inserted} imported, "
                        f"{result.rows_already_present} already present.",
                    )
                    return redirect("sales:import_list")
    context = {
        "form": form,
        "rejected": rejected,
        "problems": rejected.problems[:PROBLEMS_SHOWN] if rejected else [],
        "problems_hidden": max(len(rejected.problems) - PROBLEMS_SHOWN, 0) if rejected else 0,
        "checked": checked,
        "columns": [(field, HEADER_SYNONYMS[field]) for field in FIELDS],
    }
    return render(request, "sales/import.html", context, status=422 if rejected else 200)


IMPORT_SPEC = ListSpec(
    name="sell-in-imports",
    columns=[
        Column("created_at", "When", sort="created_at"),
        Column("file_name", "File", sort="file_name"),
        Column("source", "Source", sort="source"),
        Column("actor", "Who", value=lambda row: row.actor.username if row.actor else "system"),
        Column("rows_read", "Lines read", numeric=True, sort="rows_read"),
        Column("rows_inserted", "Imported", numeric=True, sort="rows_inserted"),
        Column("rows_already_present", "Already present", numeric=True),
        Column("content_sha256", "SHA-256", value=lambda row: row.content_sha256[:12]),
    ],
    search_fields=["file_name", "content_sha256"],
    filters=[Filter("source", "Source", "source", [("ui", "ui"), ("api", "api"), ("cli", "cli")])],
    default_sort="-created_at",
)


@require_perm(Perm.VIEW_SELLIN, vendor_only=True)
def import_list(request):
    context = {
        "title": "Sell-in imports",
        "subtitle": "Every import of the sell-in file, with its counts.",
        "create_url": (
            reverse("sales:sellin_import") if has_perm(request.user, Perm.IMPORT_SELLIN) else None
        ),
        "create_label": "Import a file",
    }
    return render_list(request, selectors.sellin_imports(), IMPORT_SPEC, context=context)


@require_perm(Perm.VIEW_SELLIN)
def sellin_monthly(request):
    """Sell-in by month (or fiscal quarter/year), overall or for one distributor."""
    scope = scope_for(request.user)
    vendor = not is_distributor_user(request.user)
    choices = (
        list(distributors_in_scope(scope).order_by("code").values_list("pk", "code"))
        if vendor
        else None
    )
    form = SellInReportForm(request.GET or None, distributor_choices=choices)
    options = form.cleaned_data if form.is_valid() else {}
    grain = options.get("grain") or "month"
    if vendor:
        distributor_id = options.get("distributor")
        distributor = (
            get_in_scope(Distributor, scope, pk=distributor_id) if distributor_id else None
        )
    else:
        distributor_id = scope.distributor_id
        distributor = request.user.distributor
    report = selectors.sellin_report(
        scope,
        grain=grain,
        distributor_id=distributor_id,
        date_from=options.get("date_from"),
        date_to=options.get("date_to"),
    )
    chart = selectors.bar_chart(report)
    context = {
        "form": form,
        "report": report,
        "distributor": distributor,
        "chart": chart,
        "show_distributors": vendor and distributor is None,
    }
    return render(request, "sales/sellin_monthly.html", context)
