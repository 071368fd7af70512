from django.urls import path

from midstream.core import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_list, name="audit_list"),
    path("settings/", views.settings_view, name="settings"),
]
