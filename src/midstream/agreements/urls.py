from django.urls import path

from midstream.agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.agreement_list, name="agreement_list"),
    path("new/", views.agreement_create, name="agreement_create"),
    path("in-force/", views.in_force, name="in_force"),
    path("<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("<int:pk>/amend/", views.agreement_amend, name="agreement_amend"),
    path("<int:pk>/end/", views.agreement_end, name="agreement_end"),
    path("<int:pk>/diff/", views.agreement_diff, name="agreement_diff"),
    path("<int:pk>/versions/<int:number>/", views.version_detail, name="version_detail"),
]
