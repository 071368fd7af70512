from django.urls import path

from midstream.matching import views

app_name = "matching"
urlpatterns = [
    path("settings/", views.settings_view, name="settings"),
]
