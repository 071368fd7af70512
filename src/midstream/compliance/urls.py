from django.urls import path

from midstream.compliance import views

app_name = "compliance"
urlpatterns = [
    path("", views.heat_map, name="heat_map"),
    path("reports/", views.expected_list, name="expected_list"),
    path("reports/<int:pk>/", views.expected_detail, name="expected_detail"),
    path("scores/", views.score_list, name="score_list"),
    path("settings/", views.settings_list, name="settings_list"),
    path("settings/<int:pk>/", views.settings_edit, name="settings_edit"),
    path("recompute/", views.recompute, name="recompute"),
]
