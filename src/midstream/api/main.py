"""The REST API: one NinjaAPI assembling each app's router.

OpenAPI at ``/api/openapi.json``, interactive docs at ``/api/docs`` (Swagger UI served from
django-ninja's bundled static files, so it works with no internet access).
"""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from midstream.api.auth import api_auth
from midstream.core.errors import DomainError
from midstream.core.scoping import ScopeRequired

api = NinjaAPI(
    title="Midstream API",
    version="1",
    description=(
        "Distributor management. Authenticate with a browser session (CSRF token required "
        "for writes) or `Authorization: Bearer <token>`. Distributor users see only their "
        "own distributor's data; another distributor's object answers 404."
    ),
    auth=api_auth,
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"code": "not_found", "message": "Not found."}, status=404)


@api.exception_handler(ScopeRequired)
def on_scope_required(request, exc):
    return api.create_response(
        request, {"code": "scope_required", "message": "No data scope for this login."}, status=403
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return api.create_response(
        request, {"code": "unauthenticated", "message": "Log in or send a valid token."}, status=401
    )


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    problems = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        problems.append(
            {
                "field": ".".join(location[1:] if len(location) > 1 else location),
                "code": error.get("type", "invalid"),
                "message": error.get("msg", "invalid value"),
            }
        )
    return api.create_response(
        request,
        {"code": "validation_error", "message": "The request is not valid.", "problems": problems},
        status=422,
    )


def _register_routers() -> None:
    from midstream.accounts.api import router as accounts_router
    from midstream.agreements.api import router as agreements_router
    from midstream.catalog.api import router as catalog_router
    from midstream.compliance.api import router as compliance_router
    from midstream.core.api import router as core_router
    from midstream.ingest.api import router as ingest_router
    from midstream.ingest.submission_api import router as submission_router
    from midstream.ingest.version_api import router as version_router
    from midstream.matching.api import router as matching_router
    from midstream.network.api import router as network_router
    from midstream.partners.api import router as partners_router
    from midstream.reports.api import router as reports_router
    from midstream.sales.api import router as sales_router

    api.add_router("/", core_router)
    api.add_router("/", accounts_router)
    api.add_router("/distributors", partners_router)
    api.add_router("/resellers", network_router)
    api.add_router("/", catalog_router)
    api.add_router("/agreements", agreements_router)
    api.add_router("/sell-in", sales_router)
    api.add_router("/mapping-profiles", ingest_router)
    api.add_router("/submissions", submission_router)
    api.add_router("/submissions", version_router)
    api.add_router("/", reports_router)
    api.add_router("/matching", matching_router)
    api.add_router("/compliance", compliance_router)


_register_routers()
