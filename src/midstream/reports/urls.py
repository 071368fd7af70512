from django.urls import path

from midstream.reports import views

app_name = "reports"
urlpatterns: list = [
    path("sell-through/", views.sellthrough, name="sellthrough"),
    path("inventory/", views.inventory, name="inventory"),
]
