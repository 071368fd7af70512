from django.urls import path

from midstream.sales import views

app_name = "sales"
urlpatterns = [
    path("", views.sellin_list, name="sellin_list"),
    path("<int:pk>/", views.sellin_detail, name="sellin_detail"),
    path("import/", views.sellin_import, name="sellin_import"),
    path("imports/", views.import_list, name="import_list"),
    path("by-month/", views.sellin_monthly, name="sellin_monthly"),
]
