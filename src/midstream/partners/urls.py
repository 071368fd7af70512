from django.urls import path

from midstream.partners import views

app_name = "partners"
urlpatterns = [
    path("", views.distributor_list, name="distributor_list"),
    path("new/", views.distributor_create, name="distributor_create"),
    path("<int:pk>/", views.distributor_detail, name="distributor_detail"),
    path("<int:pk>/edit/", views.distributor_update, name="distributor_update"),
    path("<int:pk>/status/", views.distributor_status, name="distributor_status"),
    path("<int:pk>/territories/new/", views.territory_create, name="territory_create"),
    path("territories/<int:pk>/edit/", views.territory_update, name="territory_update"),
    path("territories/<int:pk>/remove/", views.territory_delete, name="territory_delete"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/edit/", views.contact_update, name="contact_update"),
    path("contacts/<int:pk>/remove/", views.contact_delete, name="contact_delete"),
    path("<int:pk>/onboarding/new/", views.onboarding_item_create, name="onboarding_item_create"),
    path("onboarding/<int:pk>/edit/", views.onboarding_item_update, name="onboarding_item_update"),
    path(
        "onboarding/<int:pk>/complete/",
        views.onboarding_item_complete,
        name="onboarding_item_complete",
    ),
    path(
        "onboarding/<int:pk>/reopen/", views.onboarding_item_reopen, name="onboarding_item_reopen"
    ),
    path(
        "onboarding/<int:pk>/remove/", views.onboarding_item_delete, name="onboarding_item_delete"
    ),
    path("<int:pk>/obligations/new/", views.obligation_create, name="obligation_create"),
    path("obligations/<int:pk>/edit/", views.obligation_update, name="obligation_update"),
    path("obligations/<int:pk>/remove/", views.obligation_delete, name="obligation_delete"),
]
