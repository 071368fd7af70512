"""Sell-in API, mounted at /api/sell-in (issue 2, points 6, 7 and 9)."""

from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from midstream.accounts.permissions import Perm
from midstream.api.helpers import require
from midstream.core.errors import DomainError
from midstream.core.scoping import get_in_scope
from midstream.partners.models import Distributor
from midstream.sales import selectors, services
from midstream.sales.calc import PeriodTotal
from midstream.sales.errors import ErrorCode
from midstream.sales.schemas import (
    MonthlyFilter,
    SellInFilter,
    SellInImportOut,
    SellInLineOut,
    SellInMonthlyOut,
)

router = Router(tags=["sell-in"])


class ProblemOut(Schema):
    line: int | None
    field: str | None
    code: str
    message: str


class RejectedOut(Schema):
    code: str
    message: str
    source: str | None = None
    problems: list[ProblemOut]


@router.get("/lines", response=list[SellInLineOut], operation_id="sellin_list")
@paginate(PageNumberPagination)
def sellin_list(request, filters: Query[SellInFilter]):
    """Sell-in lines the caller may see, newest invoice first."""
    scope = require(request, Perm.VIEW_SELLIN)
    lines = selectors.sellin_lines(scope)
    if filters.distributor_id is not None:
        lines = lines.filter(distributor_id=filters.distributor_id)
    if filters.sku:
        lines = lines.filter(product__sku=filters.sku)
    if filters.invoice_number:
        lines = lines.filter(invoice_number=filters.invoice_number)
    if filters.date_from:
        lines = lines.filter(invoice_date__gte=filters.date_from)
    if filters.date_to:
        lines = lines.filter(invoice_date__lte=filters.date_to)
    if filters.currency:
        lines = lines.filter(currency=filters.currency.upper())
    return lines.order_by("-invoice_date", "invoice_number", "line_number", "pk")


@router.get("/lines/{line_id}", response=SellInLineOut, operation_id="sellin_get")
def sellin_get(request, line_id: int):
    scope = require(request, Perm.VIEW_SELLIN)
    return selectors.get_sellin_line(scope, line_id)


@router.post(
    "/imports",
    response={200: SellInImportOut, 201: SellInImportOut, 422: RejectedOut},
    operation_id="sellin_import",
)
def sellin_import(
    request,
    file: UploadedFile | None = File(None),  # noqa: B008 - ninja's parameter marker
    dry_run: bool = Form(False),
):
    """Import the vendor's sell-in CSV (multipart field ``file``); all lines or none.

    201 with the counts; 200 with the counts that a ``dry_run`` would give; 422 with every
    problem (line, field, code, message) when any line is invalid: nothing is written.
    """
    require(request, Perm.IMPORT_SELLIN, vendor_only=True)
    if file is None:
        raise DomainError(ErrorCode.FILE_REQUIRED, "Send the CSV as multipart field 'file'.")
    sellin_import = services.import_sellin(
        actor=request.auth,
        file_name=file.name or "upload.csv",
        content=file.read(),
        source="api",
        dry_run=dry_run,
    )
    return Status(200 if dry_run else 201, sellin_import)


@router.get("/imports", response=list[SellInImportOut], operation_id="sellin_import_list")
@paginate(PageNumberPagination)
def sellin_import_list(request):
    """Import history, newest first (vendor staff)."""
    require(request, Perm.VIEW_SELLIN, vendor_only=True)
    return selectors.sellin_imports().order_by("-created_at", "-pk")


def _periods(totals: list[PeriodTotal]) -> list[dict]:
    return [
        {
            "start": total.period.start,
            "label": total.period.label,
            "fiscal_label": total.period.fiscal_label,
            "lines": total.lines,
            "amounts": [
                {"currency": currency, "amount": amount}
                for currency, amount in total.amounts.items()
            ],
            "reporting_amount": total.reporting_amount,
            "missing_rates": list(total.missing_rates),
        }
        for total in totals
    ]


@router.get("/monthly", response=SellInMonthlyOut, operation_id="sellin_monthly")
def sellin_monthly(request, filters: Query[MonthlyFilter]):
    """Sell-in per month (or fiscal quarter / year): overall and per distributor.

    Amounts per line currency and converted into the reporting currency at the rate in force
    on each month's last day; ``reporting_amount`` is null, and ``missing_rates`` names the
    currencies, when a rate is missing.
    """
    scope = require(request, Perm.VIEW_SELLIN)
    if filters.distributor_id is not None:
        get_in_scope(Distributor, scope, pk=filters.distributor_id)
    report = selectors.sellin_report(
        scope,
        grain=filters.grain,
        distributor_id=filters.distributor_id,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    return {
        "reporting_currency": report.reporting_currency,
        "grain": report.grain,
        "totals": _periods(report.totals),
        "distributors": [
            {
                "distributor_id": distributor.pk,
                "distributor_code": distributor.code,
                "periods": _periods(totals),
            }
            for distributor, totals in report.by_distributor
        ],
    }
