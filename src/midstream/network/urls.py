from django.urls import path

from midstream.network import views

app_name = "network"
urlpatterns = [
    path("", views.reseller_list, name="reseller_list"),
    path("new/", views.reseller_create, name="reseller_create"),
    path("<int:pk>/", views.reseller_detail, name="reseller_detail"),
    path("<int:pk>/edit/", views.reseller_edit, name="reseller_edit"),
    path("<int:pk>/stage/", views.reseller_stage, name="reseller_stage"),
    path("<int:pk>/aliases/", views.reseller_alias_add, name="reseller_alias_add"),
    path("aliases/<int:pk>/remove/", views.reseller_alias_remove, name="reseller_alias_remove"),
    path("<int:pk>/supplies/", views.reseller_supply_add, name="reseller_supply_add"),
    path("supplies/<int:pk>/end/", views.reseller_supply_end, name="reseller_supply_end"),
    path("supplies/<int:pk>/remove/", views.reseller_supply_remove, name="reseller_supply_remove"),
]
