from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from midstream.api.main import api
from midstream.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("midstream.accounts.urls")),
    path("", include("midstream.core.urls")),
    path("distributors/", include("midstream.partners.urls")),
    path("resellers/", include("midstream.network.urls")),
    path("products/", include("midstream.catalog.urls")),
    path("agreements/", include("midstream.agreements.urls")),
    path("sell-in/", include("midstream.sales.urls")),
    path("portal/", include("midstream.portal.urls")),
    path("ingest/", include("midstream.ingest.urls")),
    path("reports/", include("midstream.reports.urls")),
    path("matching/", include("midstream.matching.urls")),
    path("compliance/", include("midstream.compliance.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
